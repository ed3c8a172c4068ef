/*
 * util/magic.h - the one table of magic numbers: what a stream's first bytes
 * say it is. The source dispatcher uses it to open archives and Office
 * files, the file splitter to refuse splitting them, and database discovery
 * to recognise an SQLite file in a walk.
 */
#ifndef SHUAN_UTIL_MAGIC_H
#define SHUAN_UTIL_MAGIC_H

#include <stdbool.h>
#include <stddef.h>

/* How many leading bytes shuan_magic() wants to see (tar's magic sits at 257). */
#define SHUAN_MAGIC_BYTES 512

typedef enum shuan_magic_kind {
	SHUAN_MAGIC_NONE = 0,   /* plain data */
	SHUAN_MAGIC_COMPRESSED, /* a compressed stream: gzip, bzip2, xz, zstd, lz4, compress, lzma */
	SHUAN_MAGIC_ARCHIVE,    /* an archive: zip, 7z, rar, cab, xar, cpio, tar */
	SHUAN_MAGIC_ZIP,        /* a zip in particular (possibly an Office document) */
	SHUAN_MAGIC_OLE,        /* an OLE compound file (old .doc/.xls): binary */
	SHUAN_MAGIC_SQLITE,     /* an SQLite 3 database */
} shuan_magic_kind;

/* What the first n bytes of a stream are; `name` (the format's name, e.g.
 * "gzip") is set when non-NULL. */
shuan_magic_kind shuan_magic(const unsigned char *p, size_t n, const char **name);

/* Whether a kind is read through libarchive (compressed, archive, zip). */
bool shuan_magic_is_container(shuan_magic_kind k);

#endif
