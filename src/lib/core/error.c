/*
 * lib/core/error.c - error strings and the version.
 */
#include <openssl/rand.h>

#include "shuan/common.h"
#include "shuan/version.h"

const char *shuan_strerror(int code)
{
	switch (code) {
	case SHUAN_OK: return "success";
	case SHUAN_ERROR: return "failure";
	case SHUAN_ENOMEM: return "out of memory";
	case SHUAN_ENOTFOUND: return "not found";
	case SHUAN_EINVAL: return "invalid argument or input";
	case SHUAN_EIO: return "input/output error";
	case SHUAN_ELIMIT: return "limit exceeded";
	case SHUAN_ERULES: return "rule error";
	case SHUAN_ESTORE: return "store error";
	case SHUAN_EBINARY: return "binary input";
	case SHUAN_EINTR: return "interrupted";
	case SHUAN_ESTOP: return "stopped by a callback";
	default: return "unknown error";
	}
}

const char *shuan_version(void) { return SHUAN_VERSION_TEXT; }

int shuan_random_bytes(unsigned char *buf, size_t n)
{
	return RAND_bytes(buf, (int)n) == 1 ? 0 : SHUAN_ERROR;
}
