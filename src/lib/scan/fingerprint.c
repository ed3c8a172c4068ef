/*
 * lib/scan/fingerprint.c - HMAC-SM3 (or HMAC-SHA-256) fingerprints via OpenSSL 3's
 * EVP_MAC API. The MAC context is created once per scanner and re-initialised
 * per value. Beside it, two SipHash-2-4 hashes under keys derived from the
 * same key: the 64-bit distinct-value hash, for counting values that are
 * never shown, and the 128-bit person key, which people counters link and
 * save (HMAC-SM3 was a fifth of an inventory's time on a dense table; the
 * person key costs a few percent of that).
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
	unsigned char personkey[16]; /* derived from key: shuan_fingerprint_person */
};

void shuan_fingerprinter_free(shuan_fingerprinter *f)
{
	if (!f)
		return;
	EVP_MAC_CTX_free(f->ctx);
	EVP_MAC_free(f->mac);
	OPENSSL_cleanse(f->key, sizeof(f->key));
	OPENSSL_cleanse(f->sipkey, sizeof(f->sipkey));
	OPENSSL_cleanse(f->personkey, sizeof(f->personkey));
	shuan_free(f);
}

/* out = the first 16 bytes of HMAC-SHA-256(key, label). */
static int derive(unsigned char out[16], const unsigned char *key, size_t keylen, const char *label)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	size_t n = 0;
	int ok = EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, keylen, (const unsigned char *)label,
			   strlen(label), md, sizeof(md), &n) != NULL && n >= 16;
	if (ok)
		memcpy(out, md, 16);
	OPENSSL_cleanse(md, sizeof(md));
	return ok ? 0 : SHUAN_ERROR;
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
	if (!(f->ctx = f->mac ? EVP_MAC_CTX_new(f->mac) : NULL)) {
		shuan_fingerprinter_free(f);
		return SHUAN_ERROR;
	}
	/* keys of their own for the SipHash hashes, so that no SipHash key
	 * equals (or reveals) the fingerprint key or the other one */
	if (derive(f->sipkey, key, keylen, "shuan distinct-value key v1") < 0 ||
	    derive(f->personkey, key, keylen, "shuan person key v1") < 0) {
		shuan_fingerprinter_free(f);
		return SHUAN_ERROR;
	}
	*out = f;
	return 0;
}

uint64_t shuan_fingerprint_distinct(const shuan_fingerprinter *f, const char *detector_id, const char *value,
				    size_t n)
{
	uint64_t k = shuan_siphash2(f->sipkey, detector_id, strlen(detector_id) + 1, value, n);
	return k ? k : 1;
}

void shuan_fingerprint_person(const shuan_fingerprinter *f, const char *detector_id, const char *value, size_t n,
			      unsigned char out[16])
{
	shuan_siphash128_2(f->personkey, detector_id, strlen(detector_id) + 1, value, n, out);
}

int shuan_fingerprint(shuan_fingerprinter *f, const char *detector_id, const char *value, size_t n, char *out,
		      size_t cap)
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
	return 0;
}
