/*
 * shuan/version.h - the library's version, for compile-time checks.
 *
 * This file is the one place the version is written: CMakeLists.txt reads
 * it for the project version, the shared library's SONAME and shuan.pc.
 * At run time shuan_version() (common.h) says which library was loaded.
 */
#ifndef SHUAN_VERSION_H
#define SHUAN_VERSION_H

#define SHUAN_VERSION_MAJOR 0
#define SHUAN_VERSION_MINOR 2
#define SHUAN_VERSION_PATCH 0
/* Bumped whenever the ABI changes incompatibly (libshuan.so.N). */
#define SHUAN_SOVERSION 1

#define SHUAN_VERSION_STR_(x) #x
#define SHUAN_VERSION_STR(x) SHUAN_VERSION_STR_(x)
/* "0.2.0" */
#define SHUAN_VERSION_TEXT                                                                     \
	SHUAN_VERSION_STR(SHUAN_VERSION_MAJOR) "." SHUAN_VERSION_STR(SHUAN_VERSION_MINOR) "." SHUAN_VERSION_STR( \
		SHUAN_VERSION_PATCH)
/* One number that orders versions: 0x000200 for 0.2.0. */
#define SHUAN_VERSION_NUMBER ((SHUAN_VERSION_MAJOR << 16) | (SHUAN_VERSION_MINOR << 8) | SHUAN_VERSION_PATCH)

#endif
