/*
 * shuan/common.h - what every part of the public API shares: the export macro,
 * error codes, the allocator hooks and the version.
 *
 * Error handling: functions return 0 on success or a negative SHUAN_E* code.
 * Handles keep a human-readable message for the last failure (see each
 * module's *_errmsg()). Codes are never renumbered or reused.
 */
#ifndef SHUAN_COMMON_H
#define SHUAN_COMMON_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(SHUAN_BUILDING_LIBRARY)
#define SHUAN_API __attribute__((visibility("default")))
#else
#define SHUAN_API
#endif

typedef enum shuan_error {
	SHUAN_OK = 0,
	SHUAN_ERROR = -1,     /* generic failure; see the handle's message */
	SHUAN_ENOMEM = -2,    /* an allocation failed */
	SHUAN_ENOTFOUND = -3, /* a file, detector or entry does not exist */
	SHUAN_EINVAL = -4,    /* invalid argument or malformed rule/input */
	SHUAN_EIO = -5,       /* a read or write failed */
	SHUAN_ELIMIT = -6,    /* a configured limit (size, depth, line) was exceeded */
	SHUAN_ERULES = -7,    /* a rule file could not be parsed or compiled */
	SHUAN_ESTORE = -8,    /* the embedded store failed */
	SHUAN_EBINARY = -9,   /* input looks binary and was skipped */
	SHUAN_EINTR = -10,    /* cancelled by the caller's cancel flag (Ctrl-C, a server stopping) */
	SHUAN_ESTOP = -11,    /* a callback returned non-zero: it asked the operation to stop */
} shuan_error;

/* Whether rc means "stop everything now" (cancelled or stopped by a
 * callback) rather than a failure of one input. A function, so that its
 * argument is evaluated once. */
static inline int shuan_stopped(int rc)
{
	return rc == SHUAN_EINTR || rc == SHUAN_ESTOP;
}
#define SHUAN_STOPPED(rc) shuan_stopped(rc)

/* Returns a static English description of an error code. Never NULL. */
SHUAN_API const char *shuan_strerror(int code);

/* Returns the library version, e.g. "0.1.0". */
SHUAN_API const char *shuan_version(void);

/*
 * Allocator hooks. Every allocation shuan's own code makes goes through
 * these (so tests can fail the Nth one); an embedder may replace them once,
 * before any other call. Passing NULLs restores libc. Not thread-safe: call
 * before starting threads. The libraries shuan calls (Vectorscan, SQLite,
 * libarchive, expat, libyaml, PCRE2, OpenSSL, iconv) keep their own
 * allocators: shuan does not change process-wide settings of libraries the
 * embedding program may use too.
 */
typedef struct shuan_allocator {
	void *(*malloc_fn)(size_t size);
	void *(*realloc_fn)(void *ptr, size_t size);
	void (*free_fn)(void *ptr);
} shuan_allocator;

SHUAN_API void shuan_set_allocator(const shuan_allocator *a);

/* Fills buf with n bytes from the OS CSPRNG (for throwaway fingerprint keys).
 * Returns 0 or SHUAN_ERROR. */
SHUAN_API int shuan_random_bytes(unsigned char *buf, size_t n);

#ifdef __cplusplus
}
#endif
#endif
