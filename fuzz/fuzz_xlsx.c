/*
 * fuzz/fuzz_xlsx.c - the xlsx reader (src/lib/ooxml.c): shared strings and
 * worksheet XML parsing, cell resolution, headers and locations.
 *
 * The input is "sharedStrings.xml NUL sheet1.xml" (no NUL: all of it is the
 * sheet). The target wraps the two parts, a fixed workbook.xml naming the
 * sheet and its relationships in a stored zip (libarchive's writer), sheets
 * first as Excel writes them, and reads it as an xlsx.
 */
#include <archive.h>
#include <archive_entry.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/source/archive.h"
#include "shuan/scanner.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static shuan_rules *g_rules;     /* set once in LLVMFuzzerInitialize; read-only after */
static shuan_scanner *g_scanner; /* the fuzzer is single-threaded */

static const char workbook[] =
	"<?xml version=\"1.0\"?><workbook xmlns:r=\"r\"><sheets>"
	"<sheet name=\"\xe5\xae\xa2\xe6\x88\xb7\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char rels[] = "<?xml version=\"1.0\"?><Relationships>"
			   "<Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/></Relationships>";

static int on_finding(const shuan_finding *f, void *ud)
{
	size_t *sum = ud;
	const char *strs[] = {f->path, f->field, f->location, f->evidence};
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (strs[i])
			*sum += strlen(strs[i]);
	if (!f->location || f->offset + f->length < f->offset)
		__builtin_trap();
	for (size_t i = 0; i < f->value_len; i++)
		*sum += (unsigned char)f->value[i];
	return 0;
}

static void on_input(const char *path, const shuan_input_result *r, void *ud)
{
	size_t *sum = ud;
	if (!memchr(r->reason, '\0', sizeof(r->reason)))
		__builtin_trap();
	*sum += strlen(path) + strlen(r->reason);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("SHUAN_RULES");
	char err[512];
	shuan_scan_options so = SHUAN_SCAN_OPTIONS_INIT;
	(void)argc;
	(void)argv;
	so.year = 2024;
	so.month = 6;
	so.day = 1;
	if (shuan_rules_load(&g_rules, dir && *dir ? dir : SHUAN_SOURCE_RULES_DIR, NULL, err, sizeof(err)) ||
	    shuan_scanner_new(&g_scanner, g_rules, &so))
		abort();
	return 0;
}

static void put(struct archive *a, const char *name, const void *p, size_t n)
{
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)n);
	archive_write_header(a, e);
	archive_write_data(a, p, n);
	archive_entry_free(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t nsst = nul ? (size_t)(nul - data) : 0, cap = size + 8192, used = 0, sum = 0;
	const uint8_t *sheet = nul ? nul + 1 : data;
	size_t nsheet = size - (size_t)(sheet - data);
	char *zip = malloc(cap);
	struct archive *a = archive_write_new();
	arch_ctx c;

	if (!g_scanner)
		LLVMFuzzerInitialize(NULL, NULL);
	if (!zip || !a)
		goto cleanup;
	archive_write_set_format_zip(a);
	archive_write_zip_set_compression_store(a);
	archive_write_set_bytes_in_last_block(a, 1);
	if (archive_write_open_memory(a, zip, cap, &used) != ARCHIVE_OK)
		goto cleanup;
	put(a, "xl/workbook.xml", workbook, sizeof(workbook) - 1);
	put(a, "xl/_rels/workbook.xml.rels", rels, sizeof(rels) - 1);
	put(a, "xl/worksheets/sheet1.xml", sheet, nsheet);
	if (nul)
		put(a, "xl/sharedStrings.xml", data, nsst);
	archive_write_close(a);

	memset(&c, 0, sizeof(c));
	c.s = g_scanner;
	c.fcb = on_finding;
	c.icb = on_input;
	c.ud = &sum;
	shuan_archive__limits(&c, NULL);
	c.lim.compressed = used;
	shuan_ooxml__scan(&c, NULL, zip, used, "fuzz.xlsx");
cleanup:
	archive_write_free(a);
	free(zip);
	return 0;
}
