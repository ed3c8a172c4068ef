/*
 * fuzz/fuzz_decode.c - encoding detection and decoding (src/lib/decode.c)
 * on arbitrary bytes, and the scanner over the decoded stream.
 *
 * For each input: detection must answer (a reason when it refuses); then
 * each decoder (GB18030, UTF-16LE, UTF-16BE) decodes it twice, once in one
 * go and once through a reader and an output buffer that both hand out
 * small uneven pieces (multibyte sequences cut everywhere). Both runs must
 * give the same valid UTF-8, take in every stored byte, and map decoded
 * offsets to stored offsets that never go backwards and end at the input's
 * size. Finally the scanner reads the input with that encoding forced and
 * every finding's offset and length must lie inside the input. Any
 * violation traps.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/scan/decode.h"
#include "shuan/scanner.h"
#include "util/utf8.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_IN (64u << 10)

static shuan_rules *g_rules;                       /* set once in LLVMFuzzerInitialize; read-only after */
static shuan_scanner *g_scanners[4];               /* one per encoding; the fuzzer is single-threaded */
static const char *const g_forced[4] = {"auto", "gb18030", "utf-16le", "utf-16be"};

#define CHECK(x)                                                                                                  \
	do {                                                                                                      \
		if (!(x))                                                                                         \
			__builtin_trap();                                                                         \
	} while (0)

struct pieces {
	const uint8_t *p;
	size_t left;
	unsigned step;
	const uint8_t *sizes; /* piece sizes drawn from the input itself */
	size_t nsizes;
};

static long pieces_read(void *ctx, char *buf, size_t cap)
{
	struct pieces *t = ctx;
	size_t n = t->nsizes ? (size_t)(t->sizes[t->step++ % t->nsizes] % 17) + 1 : cap;
	if (n > cap)
		n = cap;
	if (n > t->left)
		n = t->left;
	memcpy(buf, t->p, n);
	t->p += n;
	t->left -= n;
	return (long)n;
}

/* Decodes data with `enc`; small: uneven pieces in and out. Returns the
 * decoded length (out holds it) and checks the offset map as it goes. */
static size_t decode(shuan_enc enc, const uint8_t *data, size_t size, bool small, char *out, size_t cap)
{
	struct pieces in = {data, size, 0, small ? data : NULL, small ? (size < 64 ? size : 64) : 0};
	shuan_reader rd = {pieces_read, &in}, dr;
	shuan_decoder *d;
	size_t len = 0, head = small && size > 0 ? data[0] % 8 : 0;
	uint64_t last = 0;
	unsigned step = 0;
	long n;

	if (head > size)
		head = size;
	in.p += head;
	in.left -= head;
	if (shuan_decoder_new(&d, enc, &rd, (const char *)data, head, 0, false, small ? 256 : 0))
		return (size_t)-1;
	dr = shuan_decoder_reader(d);
	for (;;) {
		size_t want = small ? (size_t)(step++ % 11) + 1 : cap - len;
		if (want > cap - len)
			want = cap - len;
		if (want == 0)
			break;
		size_t before = len;
		n = dr.read(dr.ctx, out + len, want);
		CHECK(n >= 0);
		if (n == 0)
			break;
		len += (size_t)n;
		/* Every decoded byte maps inside the input, in order. */
		for (size_t i = before; i < len; i++) {
			uint64_t r = shuan_decoder_raw_offset(d, i);
			CHECK(r >= last && r <= size);
			last = r;
		}
		if (small)
			shuan_decoder_forget(d, before);
	}
	CHECK(shuan_decoder_raw_offset(d, len) == size);
	CHECK(shuan_decoder_bytes_in(d) == size);
	CHECK(shuan_decoder_invalid(d) <= size);
	shuan_decoder_free(d);
	return len;
}

static int on_finding(const shuan_finding *f, void *ud)
{
	size_t size = *(size_t *)ud;
	CHECK(f->offset <= size && f->length <= size - f->offset);
	CHECK(f->evidence && f->value_len > 0);
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("SHUAN_RULES");
	char err[512];
	(void)argc;
	(void)argv;
	if (shuan_rules_load(&g_rules, dir && *dir ? dir : SHUAN_SOURCE_RULES_DIR, NULL, err, sizeof(err)))
		abort();
	for (int i = 0; i < 4; i++) {
		shuan_scan_options so = SHUAN_SCAN_OPTIONS_INIT;
		so.year = 2024;
		so.month = 6;
		so.day = 1;
		so.chunk_size = 16u << 10;
		so.encoding = g_forced[i];
		if (shuan_scanner_new(&g_scanners[i], g_rules, &so))
			abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char a[4 * MAX_IN + 64], b[4 * MAX_IN + 64];
	shuan_enc enc;
	size_t bom;
	char why[160];

	if (!g_rules)
		LLVMFuzzerInitialize(NULL, NULL);
	if (size > MAX_IN)
		size = MAX_IN;
	for (int more = 0; more < 2; more++) {
		why[0] = '\0';
		int rc = shuan_enc_detect((const char *)data, size, more, &enc, &bom, why, sizeof(why));
		CHECK(rc == 0 ? bom <= size : why[0] != '\0');
	}
	static const shuan_enc encs[] = {SHUAN_ENC_GB18030, SHUAN_ENC_UTF16LE, SHUAN_ENC_UTF16BE};
	for (size_t e = 0; e < 3; e++) {
		/* Every stored byte becomes at most 3 UTF-8 bytes (U+FFFD). */
		size_t na = decode(encs[e], data, size, false, a, sizeof(a));
		size_t nb = decode(encs[e], data, size, true, b, sizeof(b));
		CHECK(na != (size_t)-1 && na == nb && memcmp(a, b, na) == 0);
		CHECK(shuan_utf8_invalid(a, na, false) == 0);
	}
	shuan_input in = {"fuzz", "fuzz.txt", SHUAN_FORMAT_AUTO};
	for (int i = 0; i < 4; i++) {
		shuan_input_result res;
		size_t sz = size;
		shuan_scanner_scan_buffer(g_scanners[i], &in, (const char *)data, size, on_finding, &sz, &res);
		CHECK(memchr(res.reason, '\0', sizeof(res.reason)) && memchr(res.encoding, '\0', sizeof(res.encoding)));
	}
	return 0;
}
