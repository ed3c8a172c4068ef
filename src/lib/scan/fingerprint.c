/*
 * lib/scan/fingerprint.c - HMAC-SM3 (or HMAC-SHA-256) fingerprints via OpenSSL 3's
 * EVP_MAC API. The MAC context is created once per scanner and re-initialised
 * per value. Beside it, the distinct-value hash: SipHash-2-4 under a key
 * derived from the same key, for counting values that are never shown.
 */
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <string.h>

#include "lib/scan/fingerprint.h"
#include "util/alloc.h"
#include "util/hex.h"
#include "util/siphash.h"

struct shuan_fingerprinter {
	EVP_MAC *mac;
	EVP_MAC_CTX *ctx;
	unsigned char key[64];
	size_t keylen;
	char digest[16];
	int keyed; /* the context holds the key schedule: later inits reuse it */
	unsigned char sipkey[16]; /* derived from key: shuan_fingerprint_distinct */
};

void shuan_fingerprinter_free(shuan_fingerprinter *f)
{
	if (!f)
		return;
	EVP_MAC_CTX_free(f->ctx);
	EVP_MAC_free(f->mac);
	OPENSSL_cleanse(f->key, sizeof(f->key));
	OPENSSL_cleanse(f->sipkey, sizeof(f->sipkey));
	shuan_free(f);
}

int shuan_fingerprinter_new(shuan_fingerprinter **out, shuan_fingerprint_alg alg, const unsigned char *key,
			    size_t keylen)
{
	shuan_fingerprinter *f = shuan_calloc(1, sizeof(*f));
	*out = NULL;
	if (!f)
		return SHUAN_ENOMEM;
	if (keylen == 0 || keylen > sizeof(f->key)) {
		shuan_free(f);
		return SHUAN_EINVAL;
	}
	memcpy(f->key, key, keylen);
	f->keylen = keylen;
	strcpy(f->digest, alg == SHUAN_FP_HMAC_SHA256 ? "SHA256" : "SM3");
	f->mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	f->ctx = f->mac ? EVP_MAC_CTX_new(f->mac) : NULL;
	/* a key of its own for the distinct-value hash, so the SipHash key
	 * never equals (or reveals) the fingerprint key */
	static const char label[] = "shuan distinct-value key v1";
	unsigned char derived[EVP_MAX_MD_SIZE];
	size_t dl = 0;
	if (!f->ctx || !EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, keylen, (const unsigned char *)label,
				  sizeof(label) - 1, derived, sizeof(derived), &dl) || dl < 16) {
		shuan_fingerprinter_free(f);
		return SHUAN_ERROR;
	}
	memcpy(f->sipkey, derived, sizeof(f->sipkey));
	OPENSSL_cleanse(derived, sizeof(derived));
	*out = f;
	return 0;
}

uint64_t shuan_fingerprint_distinct(const shuan_fingerprinter *f, const char *detector_id, const char *value,
				    size_t n)
{
	uint64_t k = shuan_siphash2(f->sipkey, detector_id, strlen(detector_id) + 1, value, n);
	return k ? k : 1;
}

int shuan_fingerprint(shuan_fingerprinter *f, const char *detector_id, const char *value, size_t n, char *out,
		      size_t cap, unsigned char *raw)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	size_t mdlen = 0;
	OSSL_PARAM params[2];

	if (cap < 33)
		return SHUAN_EINVAL;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, f->digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	/* OpenSSL 3 re-initialises with the previous key when key is NULL,
	 * which skips re-deriving the inner and outer pads for every value. */
	int ok = f->keyed ? EVP_MAC_init(f->ctx, NULL, 0, NULL) : EVP_MAC_init(f->ctx, f->key, f->keylen, params);
	f->keyed = ok;
	if (!ok ||
	    !EVP_MAC_update(f->ctx, (const unsigned char *)detector_id, strlen(detector_id) + 1) ||
	    !EVP_MAC_update(f->ctx, (const unsigned char *)value, n) ||
	    !EVP_MAC_final(f->ctx, md, &mdlen, sizeof(md)) || mdlen < 16)
		return SHUAN_ERROR;
	shuan_hex_encode(md, 16, out);
	if (raw)
		memcpy(raw, md, 16);
	return 0;
}
