/*
 * tests/unit/test_util.c - the shared helpers: the YAML reader (positions in
 * messages, unknown and duplicate keys, typed getters, several documents,
 * files too large), bounded buffers (the maximum is an error, never a cut),
 * UTF-8 (strict decoding, encoding, counting, cutting at a boundary), the
 * magic-number table, the bounded whole-file and byte-range reads, hex
 * digits and JSON members and string arrays.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "shuan/common.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/countmap.h"
#include "util/hex.h"
#include "util/io.h"
#include "util/json.h"
#include "util/magic.h"
#include "util/siphash.h"
#include "util/swar.h"
#include "util/utf8.h"
#include "util/yaml.h"

static int load(shuan_yaml *y, const char *text, char *err, size_t errlen)
{
	return shuan_yaml_load_buffer(y, "t.yaml", text, strlen(text), err, errlen);
}

static void test_yaml_positions_and_keys(void **state)
{
	static const char *const keys[] = {"name", "count", "on", NULL};
	shuan_yaml y;
	char err[256];
	(void)state;
	assert_int_equal(load(&y, "name: x\n  bad: [\n", err, sizeof(err)), SHUAN_ERULES);
	assert_non_null(strstr(err, "t.yaml:2:"));
	shuan_yaml_free(&y);

	assert_int_equal(load(&y, "name: x\ncuont: 3\n", err, sizeof(err)), 0);
	assert_int_equal(shuan_yaml_check_keys(&y, shuan_yaml_root(&y), "thing", keys), SHUAN_ERULES);
	assert_string_equal(err, "t.yaml:2:1: unknown key 'cuont' in thing");
	shuan_yaml_free(&y);

	assert_int_equal(load(&y, "name: x\nname: y\n", err, sizeof(err)), 0);
	assert_int_equal(shuan_yaml_check_keys(&y, shuan_yaml_root(&y), "thing", keys), SHUAN_ERULES);
	assert_non_null(strstr(err, "t.yaml:2:1: key 'name' appears twice"));
	shuan_yaml_free(&y);
}

static void test_yaml_typed_getters(void **state)
{
	static const char *const colours[] = {"red", "green", NULL};
	shuan_yaml y;
	char err[256];
	bool b;
	int64_t i;
	double d;
	int e;
	const char *s;
	(void)state;
	assert_int_equal(load(&y, "n: 100000\nneg: -1\nf: 0.5\nb: yes\nc: green\nbad: blue\nl: [a, b]\nm: {}\n", err,
			      sizeof(err)),
			 0);
	yaml_node_t *r = shuan_yaml_root(&y);
	assert_int_equal(shuan_yaml_int(&y, shuan_yaml_get(&y, r, "n"), "n", 0, 1000000, &i), 0);
	assert_int_equal(i, 100000);
	assert_int_equal(shuan_yaml_int(&y, shuan_yaml_get(&y, r, "neg"), "neg", 0, 10, &i), SHUAN_ERULES);
	assert_non_null(strstr(err, "t.yaml:2:6: 'neg' must be a whole number from 0 to 10"));
	assert_int_equal(shuan_yaml_int(&y, shuan_yaml_get(&y, r, "f"), "f", 0, 10, &i), SHUAN_ERULES);
	assert_int_equal(shuan_yaml_number(&y, shuan_yaml_get(&y, r, "f"), "f", 0, 1, &d), 0);
	assert_true(d == 0.5);
	assert_int_equal(shuan_yaml_bool(&y, shuan_yaml_get(&y, r, "b"), "b", &b), 0);
	assert_true(b);
	assert_int_equal(shuan_yaml_enum(&y, shuan_yaml_get(&y, r, "c"), "c", colours, &e), 0);
	assert_int_equal(e, 1);
	assert_int_equal(shuan_yaml_enum(&y, shuan_yaml_get(&y, r, "bad"), "colour", colours, &e), SHUAN_ERULES);
	assert_non_null(strstr(err, "unknown colour 'blue' (one of: red, green)"));
	assert_int_equal(shuan_yaml_string(&y, shuan_yaml_get(&y, r, "l"), "l", &s), SHUAN_ERULES);
	assert_int_equal(shuan_yaml_scalar_seq(&y, shuan_yaml_get(&y, r, "l"), "l", 2), 0);
	assert_int_equal(shuan_yaml_scalar_seq(&y, shuan_yaml_get(&y, r, "l"), "l", 1), SHUAN_ERULES);
	assert_null(shuan_yaml_get(&y, r, "absent"));
	assert_true(shuan_yaml_is_map(shuan_yaml_get(&y, r, "m")));
	shuan_yaml_free(&y);
}

static void test_yaml_documents_and_files(void **state)
{
	char path[] = "/tmp/shuan-yaml-XXXXXX", err[256];
	shuan_yaml y;
	int fd;
	(void)state;
	assert_int_equal(load(&y, "a: 1\n---\nb: 2\n---\nc: 3\n", err, sizeof(err)), 0);
	assert_non_null(shuan_yaml_get(&y, shuan_yaml_root(&y), "a"));
	assert_int_equal(shuan_yaml_next(&y), 1);
	assert_non_null(shuan_yaml_get(&y, shuan_yaml_root(&y), "b"));
	assert_int_equal(shuan_yaml_next(&y), 1);
	assert_non_null(shuan_yaml_get(&y, shuan_yaml_root(&y), "c"));
	assert_int_equal(shuan_yaml_next(&y), 0);
	shuan_yaml_free(&y);

	assert_int_equal(shuan_yaml_load_file(&y, "/nonexistent/x.yaml", err, sizeof(err)), SHUAN_ENOTFOUND);
	assert_non_null(strstr(err, "/nonexistent/x.yaml"));
	shuan_yaml_free(&y);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)SHUAN_YAML_MAX_FILE + 1), 0);
	close(fd);
	assert_int_equal(shuan_yaml_load_file(&y, path, err, sizeof(err)), SHUAN_ELIMIT);
	assert_non_null(strstr(err, "larger than"));
	shuan_yaml_free(&y);
	unlink(path);
}

static void test_buf_is_bounded(void **state)
{
	shuan_buf b;
	shuan_vec v;
	int x = 7;
	(void)state;
	shuan_buf_init(&b, 10);
	assert_string_equal(shuan_buf_str(&b), "");
	assert_int_equal(shuan_buf_adds(&b, "12345"), 0);
	assert_int_equal(shuan_buf_addf(&b, "%d", 6789), 0);
	assert_string_equal(shuan_buf_str(&b), "123456789");
	assert_int_equal(shuan_buf_adds(&b, "ab"), SHUAN_ELIMIT); /* whole or nothing */
	assert_string_equal(shuan_buf_str(&b), "123456789");
	/* the failure sticks, so a writer may check once at the end */
	assert_int_equal(shuan_buf_addc(&b, '0'), SHUAN_ELIMIT);
	assert_int_equal(b.err, SHUAN_ELIMIT);
	assert_int_equal(b.len, 9);
	shuan_buf_reset(&b);
	assert_int_equal(shuan_buf_adds(&b, "0123456789"), 0);
	assert_int_equal(b.len, 10);
	shuan_buf_free(&b);
	shuan_buf_init(&b, 1u << 20);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(shuan_buf_addf(&b, "%04d,", i), 0);
	assert_int_equal(b.len, 5000);
	assert_int_equal(memcmp(b.p + 4995, "0999,", 5), 0);
	/* nothing to add, from nowhere, with room (the inline path) and without */
	assert_int_equal(shuan_buf_add(&b, NULL, 0), 0);
	assert_int_equal(b.len, 5000);
	shuan_buf_free(&b);
	shuan_buf_init(&b, 4);
	assert_int_equal(shuan_buf_add(&b, NULL, 0), 0);
	assert_string_equal(shuan_buf_str(&b), "");
	assert_int_equal(shuan_buf_addc(&b, 'x'), 0);
	assert_int_equal(shuan_buf_add(&b, "yzw", 3), 0);
	assert_int_equal(shuan_buf_addc(&b, 'v'), SHUAN_ELIMIT); /* at the maximum: the inline test too */
	assert_string_equal(shuan_buf_str(&b), "xyzw");
	shuan_buf_free(&b);

	shuan_vec_init(&v, sizeof(int), 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(shuan_vec_push(&v, &x), 0);
	assert_int_equal(shuan_vec_push(&v, &x), SHUAN_ELIMIT);
	assert_int_equal(v.n, 3);
	v.max = 2; /* a lowered maximum holds too */
	assert_int_equal(shuan_vec_push(&v, &x), SHUAN_ELIMIT);
	shuan_vec_free(&v);
	shuan_vec_init(&v, sizeof(int), 100);
	shuan_alloc_fail_after(1);
	assert_int_equal(shuan_vec_push(&v, &x), SHUAN_ENOMEM);
	shuan_alloc_fail_after(0);
	assert_int_equal(v.n, 0);
	shuan_vec_free(&v);
}

static void test_utf8(void **state)
{
	uint32_t cp;
	char out[4];
	(void)state;
	assert_int_equal(shuan_utf8_decode("\xe5\xbc\xa0", 3, &cp), 3);
	assert_int_equal(cp, 0x5F20); /* 张 */
	assert_int_equal(shuan_utf8_decode("\xe5\xbc", 2, &cp), 0);       /* cut short */
	assert_int_equal(shuan_utf8_decode("\xc0\xaf", 2, &cp), 0);       /* overlong '/' */
	assert_int_equal(shuan_utf8_decode("\xed\xa0\x80", 3, &cp), 0);   /* surrogate */
	assert_int_equal(shuan_utf8_decode("\xf4\x90\x80\x80", 4, &cp), 0); /* above U+10FFFF */
	assert_int_equal(shuan_utf8_decode("\xf0\x9f\x98\x80", 4, &cp), 4);
	assert_int_equal(shuan_utf8_encode(0x5F20, out), 3);
	assert_int_equal(memcmp(out, "\xe5\xbc\xa0", 3), 0);
	assert_int_equal(shuan_utf8_encode(0xD800, out), 0);
	assert_int_equal(shuan_utf8_count("a张b", strlen("a张b")), 3);
	assert_int_equal(shuan_utf8_cut("张伟", 6, 4), 3);
	assert_int_equal(shuan_utf8_cut("张伟", 6, 6), 6);
	assert_int_equal(shuan_utf8_cut("张伟", 6, 2), 0);
	assert_int_equal(shuan_utf8_invalid("ok\xff\xe5\xbc", 5, true), 1);
	assert_int_equal(shuan_utf8_invalid("ok\xff\xe5\xbc", 5, false), 2);
}

static void test_magic_and_read_file(void **state)
{
	unsigned char tar[512] = {0};
	const char *name;
	char path[] = "/tmp/shuan-io-XXXXXX", *buf;
	size_t len;
	int fd;
	(void)state;
	memcpy(tar + 257, "ustar", 5);
	assert_int_equal(shuan_magic(tar, sizeof(tar), &name), SHUAN_MAGIC_ARCHIVE);
	assert_string_equal(name, "tar");
	assert_int_equal(shuan_magic((const unsigned char *)"SQLite format 3\0xxxx", 20, &name), SHUAN_MAGIC_SQLITE);
	assert_int_equal(shuan_magic((const unsigned char *)"\x04\x22\x4d\x18", 4, NULL), SHUAN_MAGIC_COMPRESSED);
	assert_int_equal(shuan_magic((const unsigned char *)"PK\x03\x04", 4, NULL), SHUAN_MAGIC_ZIP);
	assert_true(shuan_magic_is_container(SHUAN_MAGIC_ZIP));
	assert_false(shuan_magic_is_container(SHUAN_MAGIC_SQLITE));
	assert_int_equal(shuan_magic((const unsigned char *)"hello", 5, &name), SHUAN_MAGIC_NONE);
	assert_null(name);

	fd = mkstemp(path);
	assert_int_equal(write(fd, "0123456789", 10), 10);
	close(fd);
	assert_int_equal(shuan_io_read_file(path, 10, &buf, &len), 0);
	assert_int_equal(len, 10);
	assert_string_equal(buf, "0123456789");
	shuan_free(buf);
	assert_int_equal(shuan_io_read_file(path, 9, &buf, &len), SHUAN_ELIMIT);
	assert_null(buf);
	assert_int_equal(shuan_io_read_file("/tmp", 100, &buf, &len), SHUAN_EIO);
	assert_int_equal(shuan_io_read_file("/nonexistent/f", 100, &buf, &len), SHUAN_ENOTFOUND);
	unlink(path);
}

/* The reference test vectors of SipHash-2-4 (key 00..0f, message
 * 00 01 .. of length i), and the split form equal to the whole. */
static void test_siphash_reference_vectors(void **state)
{
	unsigned char key[16], msg[64];
	(void)state;
	for (int i = 0; i < 16; i++)
		key[i] = (unsigned char)i;
	for (int i = 0; i < 64; i++)
		msg[i] = (unsigned char)i;
	assert_true(shuan_siphash(key, msg, 0) == 0x726fdb47dd0e0e31ull);
	assert_true(shuan_siphash(key, msg, 1) == 0x74f839c593dc67fdull);
	assert_true(shuan_siphash(key, msg, 15) == 0xa129ca6149be45e5ull);
	assert_true(shuan_siphash(key, msg, 63) == 0x958a324ceb064572ull);
	for (size_t n = 0; n <= 64; n++)
		for (size_t k = 0; k <= n; k++)
			assert_true(shuan_siphash2(key, msg, k, msg + k, n - k) == shuan_siphash(key, msg, n));
}

/* SipHash-2-4-128: the reference vectors' first entries (key 00..0f,
 * message 00 01 .. of length i), then OpenSSL 3's SIPHASH MAC (16-byte
 * output), an implementation of its own, for every length to 64 and every
 * split of the message. */
static void test_siphash128_against_openssl(void **state)
{
	static const unsigned char empty[16] = {0xa3, 0x81, 0x7f, 0x04, 0xba, 0x25, 0xa8, 0xe6,
						0x6d, 0xf6, 0x72, 0x14, 0xc7, 0x55, 0x02, 0x93};
	static const unsigned char one[16] = {0xda, 0x87, 0xc1, 0xd8, 0x6b, 0x99, 0xaf, 0x44,
					      0x34, 0x76, 0x59, 0x11, 0x9b, 0x22, 0xfc, 0x45};
	unsigned char key[16], msg[64], ours[16], theirs[16];
	(void)state;
	for (int i = 0; i < 16; i++)
		key[i] = (unsigned char)i;
	for (int i = 0; i < 64; i++)
		msg[i] = (unsigned char)i;
	shuan_siphash128_2(key, msg, 0, NULL, 0, ours);
	assert_memory_equal(ours, empty, 16);
	shuan_siphash128_2(key, msg, 1, NULL, 0, ours);
	assert_memory_equal(ours, one, 16);
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "SIPHASH", NULL);
	assert_non_null(mac);
	for (size_t n = 0; n <= 64; n++) {
		EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);
		size_t size = 16, out = 0;
		OSSL_PARAM params[] = {OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &size), OSSL_PARAM_construct_end()};
		assert_non_null(ctx);
		assert_int_equal(EVP_MAC_init(ctx, key, sizeof(key), params), 1);
		assert_int_equal(EVP_MAC_update(ctx, msg, n), 1);
		assert_int_equal(EVP_MAC_final(ctx, theirs, &out, sizeof(theirs)), 1);
		assert_int_equal(out, 16);
		EVP_MAC_CTX_free(ctx);
		for (size_t k = 0; k <= n; k++) {
			shuan_siphash128_2(key, msg, k, msg + k, n - k, ours);
			assert_memory_equal(ours, theirs, 16);
		}
	}
	EVP_MAC_free(mac);
}

/* The byte-at-a-time validator the word-at-a-time one must agree with. */
static size_t ref_invalid(const unsigned char *s, size_t len)
{
	size_t bad = 0, i = 0;
	while (i < len) {
		unsigned char c = s[i], lo = 0x80, hi = 0xBF;
		size_t need;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			need = 1;
		else if (c >= 0xE0 && c <= 0xEF)
			need = 2, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
		else if (c >= 0xF0 && c <= 0xF4)
			need = 3, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
		else {
			bad++, i++;
			continue;
		}
		size_t k = 1;
		for (; k <= need && i + k < len; k++)
			if (s[i + k] < (k == 1 ? lo : 0x80) || s[i + k] > (k == 1 ? hi : 0xBF))
				break;
		if (k == need + 1)
			i += need + 1;
		else
			bad++, i += k;
	}
	return bad;
}

/* The eight-bytes-at-a-time paths of counting and validation agree with a
 * byte-by-byte reading on every length and alignment. */
static void test_utf8_word_at_a_time(void **state)
{
	static const char *const pieces[] = {"a", "张", "\xff", "\xe4\xbd", "\xf0\x9f\x98\x80", "0123456789", "\x80"};
	char buf[256];
	unsigned seed = 7;
	size_t total_bad = 0;
	(void)state;
	for (int round = 0; round < 2000; round++) {
		size_t n = 0;
		while (n < 200) {
			seed = seed * 1103515245u + 12345u;
			const char *p = pieces[(seed >> 16) % 7];
			size_t l = strlen(p);
			memcpy(buf + n, p, l);
			n += l;
		}
		for (size_t from = 0; from < 9; from++) {
			size_t chars = 0;
			for (size_t i = from; i < n; i++)
				chars += ((unsigned char)buf[i] & 0xC0) != 0x80;
			assert_int_equal(shuan_utf8_count(buf + from, n - from), chars);
			size_t bad = ref_invalid((const unsigned char *)buf + from, n - from);
			assert_int_equal(shuan_utf8_invalid(buf + from, n - from, false), bad);
			total_bad += bad;
		}
	}
	assert_true(total_bad > 1000); /* the inputs did hold invalid sequences */
}

/* The continuation-byte count of eight bytes, against a byte loop, for
 * words mixing every kind of byte (the top bit alone, the top two, none). */
static void test_swar_continuations(void **state)
{
	static const unsigned char kinds[] = {0x00, 0x41, 0x7f, 0x80, 0xbf, 0xc0, 0xe4, 0xff};
	uint64_t seed = 11;
	(void)state;
	for (int round = 0; round < 100000; round++) {
		unsigned char b[8];
		unsigned want = 0;
		for (int i = 0; i < 8; i++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			b[i] = kinds[(seed >> 33) % 8];
			want += (b[i] & 0xC0) == 0x80;
		}
		assert_int_equal(shuan_swar_continuations(shuan_swar_load((const char *)b)), want);
	}
	assert_int_equal(shuan_swar_count80(SHUAN_SWAR_80), 8);
	assert_int_equal(shuan_swar_count80(0), 0);
}

/* Object members and string arrays, as every JSON writer writes them. */
static void test_json_field_and_strings(void **state)
{
	(void)state;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	const char *v[] = {"a\"b", NULL, "\xe6\x95\xb0"};
	fputc('{', f);
	shuan_json_field(f, "\"x\":", "1\n2");
	shuan_json_field(f, ",\"y\":", NULL);
	fputs(",\"v\":", f);
	shuan_json_strings(f, v, 3);
	fputs(",\"e\":", f);
	shuan_json_strings(f, v, 0);
	fputc('}', f);
	fclose(f);
	assert_string_equal(text,
	                    "{\"x\":\"1\\n2\",\"y\":null,\"v\":[\"a\\\"b\",null,\"\xe6\x95\xb0\"],\"e\":[]}");
	free(text);
}

/* A table of members: each kind, and null for what is not known. */
static void test_json_pairs(void **state)
{
	(void)state;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	const shuan_json_pair m[] = {
	    {"s", SHUAN_JSON_STR, .s = "a\"b"},   {"n", SHUAN_JSON_STR, .s = NULL},
	    {"t", SHUAN_JSON_TEXT, .s = NULL},    {"b", SHUAN_JSON_BOOL, .b = true},
	    {"i", SHUAN_JSON_COUNT, .i = 42},     {"u", SHUAN_JSON_COUNT, .i = -1},
	    {"d", SHUAN_JSON_AMOUNT, .d = 0.5},   {"v", SHUAN_JSON_AMOUNT, .d = -1},
	};
	fputc('{', f);
	SHUAN_JSON_PAIRS(f, m);
	fputc('}', f);
	shuan_json_pairs(f, m, 0);
	shuan_json_object(f, m + 3, 1); /* one member */
	shuan_json_object(f, m, 0);
	fclose(f);
	assert_string_equal(text, "{\"s\":\"a\\\"b\",\"n\":null,\"t\":\"\",\"b\":true,\"i\":42,\"u\":null,"
	                          "\"d\":0.5,\"v\":null}{\"b\":true}{}");
	free(text);
}

/* The reader of one byte range: pieces of at most cap bytes, never past end. */
static void test_pread_range(void **state)
{
	(void)state;
	char path[] = "/tmp/shuan-range-XXXXXX", buf[8];
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "0123456789", 10), 10);
	uint64_t pos = 2;
	assert_int_equal(shuan_io_pread_range(fd, buf, 3, &pos, 7), 3);
	assert_memory_equal(buf, "234", 3);
	assert_int_equal(pos, 5);
	assert_int_equal(shuan_io_pread_range(fd, buf, 3, &pos, 7), 2);
	assert_memory_equal(buf, "56", 2);
	assert_int_equal(pos, 7);
	assert_int_equal(shuan_io_pread_range(fd, buf, 3, &pos, 7), 0);
	assert_int_equal(pos, 7);
	/* a range past the end of the file stops where the file does */
	pos = 8;
	assert_int_equal(shuan_io_pread_range(fd, buf, sizeof(buf), &pos, 100), 2);
	assert_int_equal(pos, 10);
	assert_int_equal(shuan_io_pread_range(fd, buf, sizeof(buf), &pos, 100), 0);
	close(fd);
	unlink(path);
	pos = 0;
	assert_int_equal(shuan_io_pread_range(fd, buf, sizeof(buf), &pos, 5), -1);
	assert_int_equal(pos, 0);
}

/* The temporary file is private (0600), already gone from the directory, and
 * holds what was written; a directory that does not exist is an error. */
static void test_temp_fd_and_write_full(void **state)
{
	(void)state;
	char dir[] = "/tmp/shuan-test-tmp-XXXXXX";
	assert_non_null(mkdtemp(dir));
	int fd = shuan_io_temp_fd(dir, "shuan-test");
	assert_true(fd >= 0);
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_nlink, 0); /* unlinked */
	assert_int_equal(rmdir(dir), 0);   /* so the directory is empty */
	static char big[1 << 20];
	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = 'y';
	assert_int_equal(shuan_io_write_full(fd, big, sizeof(big)), 0);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	static char back[1 << 20];
	assert_int_equal(shuan_io_read_full(fd, back, sizeof(back)), (ssize_t)sizeof(back));
	assert_memory_equal(back, big, sizeof(big));
	close(fd);
	assert_int_equal(shuan_io_temp_fd("/nonexistent/shuan", "x"), -1);
	assert_int_equal(shuan_io_write_full(-1, "a", 1), -1);
}

static void test_clock(void **state)
{
	(void)state;
	int y, m, d;
	shuan_clock_date_or_today(2025, 6, 1, &y, &m, &d);
	assert_true(y == 2025 && m == 6 && d == 1); /* a given date is kept */
	shuan_clock_date_or_today(0, 0, 0, &y, &m, &d);
	int ty, tm_, td;
	shuan_clock_today(&ty, &tm_, &td);
	assert_true(y >= 2024 && m >= 1 && m <= 12 && d >= 1 && d <= 31);
	assert_true(y == ty || d == 1); /* the same day, or midnight passed between the calls */
	char iso[32];
	shuan_clock_iso_utc(iso, sizeof(iso));
	assert_int_equal(strlen(iso), 20);
	assert_true(iso[4] == '-' && iso[10] == 'T' && iso[19] == 'Z');
	shuan_clock_iso_utc(iso, 8); /* too small: empty, never a cut stamp */
	assert_string_equal(iso, "");
}

/* Counts add up across growth, absent keys count 0, clear empties it, and
 * the bound refuses a new key (never an existing one) without changing
 * the map. */
static void test_countmap(void **state)
{
	(void)state;
	shuan_countmap m;
	shuan_countmap_init(&m, 2 * sizeof(uint32_t), 5000);
	for (uint32_t round = 0; round < 3; round++)
		for (uint32_t i = 0; i < 5000; i++) {
			uint32_t k[2] = {i, i % 7};
			assert_int_equal(shuan_countmap_add(&m, k, i + 1), 0);
		}
	assert_int_equal(m.n, 5000);
	uint64_t total = 0;
	for (size_t i = 0; i < m.cap; i++)
		if (m.counts[i]) {
			const uint32_t *k = shuan_countmap_key(&m, i);
			assert_int_equal(m.counts[i], 3 * ((uint64_t)k[0] + 1));
			total += m.counts[i];
		}
	assert_int_equal(total, 3ull * 5000 * 5001 / 2);
	uint32_t k[2] = {4999, 4999 % 7}, absent[2] = {4999, 4999 % 7 + 1};
	assert_int_equal(shuan_countmap_get(&m, k), 15000);
	assert_int_equal(shuan_countmap_get(&m, absent), 0);
	assert_int_equal(shuan_countmap_add(&m, absent, 1), SHUAN_ELIMIT); /* a 5001st key */
	assert_int_equal(m.n, 5000);
	assert_int_equal(shuan_countmap_add(&m, k, 1), 0); /* an existing one still counts */
	assert_int_equal(shuan_countmap_get(&m, k), 15001);
	shuan_countmap_clear(&m);
	assert_int_equal(m.n, 0);
	assert_int_equal(shuan_countmap_get(&m, k), 0);
	shuan_countmap_free(&m);
	assert_int_equal(shuan_countmap_get(&m, k), 0);
	/* out of memory while growing: an error, the map as it was */
	shuan_countmap_init(&m, 16, 1u << 20);
	unsigned char key[16] = {0};
	assert_int_equal(shuan_countmap_add(&m, key, 1), 0);
	shuan_alloc_fail_after(1);
	int rc = 0;
	for (uint32_t i = 1; i < 2000 && !rc; i++) {
		memcpy(key, &i, 4);
		rc = shuan_countmap_add(&m, key, 1);
	}
	shuan_alloc_fail_after(0);
	assert_int_equal(rc, SHUAN_ENOMEM);
	assert_int_equal(m.n, 512); /* full at half of the first 1024 slots */
	shuan_countmap_free(&m);
}

static void test_hex(void **state)
{
	(void)state;
	unsigned char out[4];
	assert_int_equal(shuan_hex_digit('0'), 0);
	assert_int_equal(shuan_hex_digit('9'), 9);
	assert_int_equal(shuan_hex_digit('a'), 10);
	assert_int_equal(shuan_hex_digit('F'), 15);
	assert_int_equal(shuan_hex_digit('g'), -1);
	assert_int_equal(shuan_hex_digit('/'), -1);
	assert_int_equal(shuan_hex_digit('\0'), -1);
	assert_int_equal(shuan_hex_digit(0xC3), -1);
	assert_int_equal(shuan_hex_digit((char)0xE6), -1); /* a signed char stays -1 */
	for (int c = 0; c < 256; c++)
		assert_int_equal(shuan_hex_digit(c) >= 0, strchr("0123456789abcdefABCDEF", c) != NULL && c);

	assert_true(shuan_hex_decode("00fFa1", 3, out));
	assert_int_equal(out[0], 0x00);
	assert_int_equal(out[1], 0xff);
	assert_int_equal(out[2], 0xa1);
	/* only 2n digits are read: what follows is the caller's business */
	assert_true(shuan_hex_decode("7fzz", 1, out));
	assert_int_equal(out[0], 0x7f);
	assert_true(shuan_hex_decode("", 0, out));
	/* a short string stops at its NUL, high or low digit */
	char short1[] = {'a', 'b', 'c', '\0', 'd'};
	assert_false(shuan_hex_decode(short1, 2, out));
	char short2[] = {'a', 'b', '\0', 'c', 'd'};
	assert_false(shuan_hex_decode(short2, 2, out));
	assert_false(shuan_hex_decode("a-", 1, out));

	/* encoding: lower case, NUL-terminated, and back again */
	const unsigned char bytes[] = {0x00, 0x7f, 0xa1, 0xff};
	char text[9];
	shuan_hex_encode(bytes, sizeof(bytes), text);
	assert_string_equal(text, "007fa1ff");
	assert_true(shuan_hex_decode(text, 4, out));
	assert_memory_equal(out, bytes, 4);
	shuan_buf b;
	shuan_buf_init(&b, 6);
	assert_int_equal(shuan_buf_adds(&b, "x"), 0);
	assert_int_equal(shuan_hex_append(&b, bytes, 2), 0);
	assert_int_equal(b.len, 5);
	assert_memory_equal(b.p, "x007f", 5);
	/* past the buffer's maximum: the buffer's error, never a silent cut */
	assert_int_equal(shuan_hex_append(&b, bytes, 4), SHUAN_ELIMIT);
	shuan_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_yaml_positions_and_keys),
	    cmocka_unit_test(test_yaml_typed_getters),
	    cmocka_unit_test(test_yaml_documents_and_files),
	    cmocka_unit_test(test_buf_is_bounded),
	    cmocka_unit_test(test_utf8),
	    cmocka_unit_test(test_siphash_reference_vectors),
	    cmocka_unit_test(test_siphash128_against_openssl),
	    cmocka_unit_test(test_utf8_word_at_a_time),
	    cmocka_unit_test(test_swar_continuations),
	    cmocka_unit_test(test_magic_and_read_file),
	    cmocka_unit_test(test_hex),
	    cmocka_unit_test(test_json_field_and_strings),
	    cmocka_unit_test(test_json_pairs),
	    cmocka_unit_test(test_pread_range),
	    cmocka_unit_test(test_temp_fd_and_write_full),
	    cmocka_unit_test(test_clock),
	    cmocka_unit_test(test_countmap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
