/*
 * util/magic.c - the magic-number table (see magic.h). Order matters only
 * where one magic is a prefix of another's; none are here.
 */
#include "util/magic.h"

#include <string.h>

static const struct {
	size_t off, len;
	const char *magic;
	shuan_magic_kind kind;
	const char *name;
} MAGICS[] = {
	{0, 2, "\x1f\x8b", SHUAN_MAGIC_COMPRESSED, "gzip"},
	{0, 3, "BZh", SHUAN_MAGIC_COMPRESSED, "bzip2"},
	{0, 6, "\xfd" "7zXZ\0", SHUAN_MAGIC_COMPRESSED, "xz"},
	{0, 4, "\x28\xb5\x2f\xfd", SHUAN_MAGIC_COMPRESSED, "zstd"},
	{0, 4, "\x04\x22\x4d\x18", SHUAN_MAGIC_COMPRESSED, "lz4"},
	{0, 2, "\x1f\x9d", SHUAN_MAGIC_COMPRESSED, "compress"},
	{0, 3, "\x5d\0\0", SHUAN_MAGIC_COMPRESSED, "lzma"},
	{0, 4, "PK\x03\x04", SHUAN_MAGIC_ZIP, "zip"},
	{0, 4, "PK\x05\x06", SHUAN_MAGIC_ZIP, "zip"}, /* empty zip */
	{0, 4, "PK\x07\x08", SHUAN_MAGIC_ZIP, "zip"}, /* spanned zip */
	{0, 6, "7z\xbc\xaf\x27\x1c", SHUAN_MAGIC_ARCHIVE, "7z"},
	{0, 6, "Rar!\x1a\x07", SHUAN_MAGIC_ARCHIVE, "rar"},
	{0, 8, "MSCF\0\0\0\0", SHUAN_MAGIC_ARCHIVE, "cab"},
	{0, 4, "xar!", SHUAN_MAGIC_ARCHIVE, "xar"},
	{0, 6, "070707", SHUAN_MAGIC_ARCHIVE, "cpio"},
	{0, 6, "070701", SHUAN_MAGIC_ARCHIVE, "cpio"},
	{0, 6, "070702", SHUAN_MAGIC_ARCHIVE, "cpio"},
	{0, 2, "\xc7\x71", SHUAN_MAGIC_ARCHIVE, "cpio"},
	{257, 5, "ustar", SHUAN_MAGIC_ARCHIVE, "tar"},
	{0, 8, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", SHUAN_MAGIC_OLE, "ole"},
	{0, 16, "SQLite format 3\0", SHUAN_MAGIC_SQLITE, "sqlite"},
};

shuan_magic_kind shuan_magic(const unsigned char *p, size_t n, const char **name)
{
	for (size_t i = 0; i < sizeof(MAGICS) / sizeof(MAGICS[0]); i++)
		if (n >= MAGICS[i].off + MAGICS[i].len && !memcmp(p + MAGICS[i].off, MAGICS[i].magic, MAGICS[i].len)) {
			if (name)
				*name = MAGICS[i].name;
			return MAGICS[i].kind;
		}
	if (name)
		*name = NULL;
	return SHUAN_MAGIC_NONE;
}

bool shuan_magic_is_container(shuan_magic_kind k)
{
	return k == SHUAN_MAGIC_COMPRESSED || k == SHUAN_MAGIC_ARCHIVE || k == SHUAN_MAGIC_ZIP;
}
