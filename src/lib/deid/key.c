/*
 * lib/deid/key.c - de-identification key files (shuan keygen).
 *
 * A key file is a small YAML document:
 *
 *     # shuan de-identification key ...
 *     version: 1
 *     check: 1f0a6c33b2d9e8a4
 *     secret: <64 hex digits>
 *
 * The secret is 256 bits from the OS CSPRNG. Every purpose gets its own
 * subkey, HMAC-SM3(secret, "shuan/deid/v1/<purpose>"): pseudonyms,
 * surrogates, authentication tags and the SM4 key, so no two uses ever
 * share key material. The check value (key check value, KCV) is the first
 * 8 bytes of HMAC-SM3(secret, "shuan/deid/v1/check"): it names the key in
 * reports and lets `shuan unmask` say "encrypted with another key" rather
 * than "damaged"; it reveals nothing about the secret. A file whose check
 * does not match its secret is damaged and refused.
 *
 * The file is created with O_EXCL and mode 0600 and refused on loading when
 * group or others may read it, as ssh does with private keys.
 */
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/deid/internal.h"
#include "util/alloc.h"
#include "util/hex.h"
#include "util/yaml.h"

#define KEY_LABEL "shuan/deid/v1/"

/* Exactly 2n hex digits. */
static bool hex_decode(const char *s, unsigned char *out, size_t n)
{
	return strlen(s) == 2 * n && shuan_hex_decode(s, n, out);
}

static int derive(const unsigned char secret[32], const char *purpose, unsigned char out[DEID_MAC_LEN])
{
	return deid_hmac_once(secret, 32, KEY_LABEL, strlen(KEY_LABEL), purpose, strlen(purpose), out);
}

/* Fills the subkeys and the check value from k->secret. */
static int expand(shuan_key *k)
{
	unsigned char t[DEID_MAC_LEN];
	int rc;
	if ((rc = derive(k->secret, "pseudonymize", k->k_pseudo)) ||
	    (rc = derive(k->secret, "surrogate", k->k_surrogate)) ||
	    (rc = derive(k->secret, "authenticate", k->k_mac)) || (rc = derive(k->secret, "sm4", t)))
		return rc;
	memcpy(k->k_enc, t, sizeof(k->k_enc));
	if ((rc = derive(k->secret, "check", t)))
		return rc;
	memcpy(k->check_bytes, t, sizeof(k->check_bytes));
	shuan_hex_encode(k->check_bytes, sizeof(k->check_bytes), k->check);
	OPENSSL_cleanse(t, sizeof(t));
	return 0;
}

int shuan_key_generate(const char *path, bool overwrite, char *check_out, char *err, size_t errlen)
{
	shuan_key k;
	char secret_hex[65], text[512];
	int fd = -1, rc = SHUAN_EIO;
	size_t len;

	memset(&k, 0, sizeof(k));
	if (!path || !*path) {
		snprintf(err, errlen, "no key file named");
		return SHUAN_EINVAL;
	}
	if (shuan_random_bytes(k.secret, sizeof(k.secret)) != 0) {
		snprintf(err, errlen, "no random bytes from the operating system");
		return SHUAN_ERROR;
	}
	if ((rc = expand(&k)) != 0) {
		snprintf(err, errlen, "HMAC-SM3 is not available in this OpenSSL");
		goto cleanup;
	}
	shuan_hex_encode(k.secret, sizeof(k.secret), secret_hex);
	len =
	    (size_t)snprintf(text, sizeof(text),
	                     "# shuan de-identification key (去标识化密钥). Keep it secret and keep a copy:\n"
	                     "# whoever holds it can decrypt 'encrypt' outputs and recompute pseudonyms and\n"
	                     "# surrogates; without it they can be neither reversed nor reproduced.\n"
	                     "version: 1\n"
	                     "check: %s\n"
	                     "secret: %s\n",
	                     k.check, secret_hex);
	OPENSSL_cleanse(secret_hex, sizeof(secret_hex));
	if (overwrite && unlink(path) != 0 && errno != ENOENT) {
		snprintf(err, errlen, "%s: cannot replace: %s", path, strerror(errno));
		rc = SHUAN_EIO;
		goto cleanup;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		if (errno == EEXIST) {
			snprintf(err, errlen,
			         "%s exists; refusing to overwrite a key (it may still be needed to unmask "
			         "data); pass --force to replace it",
			         path);
			rc = SHUAN_EINVAL;
		} else {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			rc = SHUAN_EIO;
		}
		goto cleanup;
	}
	/* umask may have taken bits away, never added: make 0600 explicit */
	if (fchmod(fd, 0600) != 0 || write(fd, text, len) != (ssize_t)len || fsync(fd) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = SHUAN_EIO;
		close(fd);
		fd = -1;
		unlink(path);
		goto cleanup;
	}
	if (check_out)
		snprintf(check_out, SHUAN_KEY_CHECK_LEN, "%s", k.check);
	rc = 0;
cleanup:
	if (fd >= 0 && close(fd) != 0 && rc == 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = SHUAN_EIO;
	}
	OPENSSL_cleanse(text, sizeof(text));
	OPENSSL_cleanse(&k, sizeof(k));
	return rc;
}

int shuan_key_load(shuan_key **out, const char *path, char *err, size_t errlen)
{
	static const char *const keys[] = {"version", "check", "secret", NULL};
	shuan_yaml y;
	shuan_yaml_node *root;
	const char *check = NULL, *secret = NULL;
	int64_t version = 0;
	struct stat st;
	shuan_key *k = NULL;
	int rc;

	*out = NULL;
	memset(&y, 0, sizeof(y));
	if (stat(path, &st) != 0) {
		snprintf(err, errlen, "key file %s: %s", path, strerror(errno));
		return errno == ENOENT ? SHUAN_ENOTFOUND : SHUAN_EIO;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "key file %s is not a regular file", path);
		return SHUAN_EINVAL;
	}
	if (st.st_mode & 077) {
		snprintf(err, errlen, "key file %s may be read by others (mode %03o); run: chmod 600 %s",
		         path, (unsigned)(st.st_mode & 0777), path);
		return SHUAN_EINVAL;
	}
	if ((rc = shuan_yaml_load_file(&y, path, err, errlen)) != 0)
		goto cleanup;
	rc = SHUAN_EINVAL;
	root = shuan_yaml_root(&y);
	if (!shuan_yaml_is_map(root)) {
		snprintf(err, errlen, "key file %s is not a shuan key (make one with shuan keygen)", path);
		goto cleanup;
	}
	if (shuan_yaml_check_keys(&y, root, "key file", keys) ||
	    shuan_yaml_int(&y, shuan_yaml_get(&y, root, "version"), "version", 1, 1, &version) ||
	    shuan_yaml_string(&y, shuan_yaml_get(&y, root, "check"), "check", &check) ||
	    shuan_yaml_string(&y, shuan_yaml_get(&y, root, "secret"), "secret", &secret))
		goto cleanup;
	if (!(k = shuan_calloc(1, sizeof(*k)))) {
		rc = SHUAN_ENOMEM;
		goto cleanup;
	}
	if (!hex_decode(secret, k->secret, sizeof(k->secret))) {
		snprintf(err, errlen, "key file %s: the secret is not 64 hex digits (file damaged?)", path);
		goto cleanup;
	}
	if (expand(k) != 0) {
		snprintf(err, errlen, "HMAC-SM3 is not available in this OpenSSL");
		rc = SHUAN_ERROR;
		goto cleanup;
	}
	if (strcasecmp(check, k->check) != 0) {
		snprintf(err, errlen,
		         "key file %s: its check value does not match its secret (file damaged or edited)",
		         path);
		goto cleanup;
	}
	*out = k;
	k = NULL;
	rc = 0;
cleanup:
	shuan_key_free(k);
	/* the document holds the secret's text: wipe it before freeing */
	if (secret)
		OPENSSL_cleanse((void *)secret, strlen(secret));
	shuan_yaml_free(&y);
	return rc;
}

void shuan_key_free(shuan_key *k)
{
	if (!k)
		return;
	OPENSSL_cleanse(k, sizeof(*k));
	shuan_free(k);
}

const char *shuan_key_check(const shuan_key *k)
{
	return k ? k->check : "";
}
