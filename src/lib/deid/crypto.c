/*
 * lib/deid/crypto.c - the 商用密码 primitives of de-identification, over
 * OpenSSL 3: HMAC-SM3 (GB/T 32905 hash, RFC 2104 HMAC), SM4 (GB/T 32907) in
 * counter mode, the encryption tokens and a deterministic random stream.
 *
 * Why this construction. OpenSSL 3.0 (Debian 12) offers SM4 in ECB, CBC,
 * CFB, OFB and CTR modes but no authenticated mode (SM4-GCM and SM4-CCM came
 * with 3.2), so authenticated encryption is built from two standard parts
 * with separate keys:
 *
 *   random (default)  IV = 16 random bytes; C = SM4-CTR(k_enc, IV, P);
 *                     T = HMAC-SM3(k_mac, H || IV || C)[0..16]
 *                     token body = H || IV || C || T          (encrypt-then-MAC)
 *   deterministic     V = HMAC-SM3(k_mac, H || P)[0..16]; C = SM4-CTR(k_enc, V, P)
 *                     token body = H || V || C                 (SIV, RFC 5297's
 *                     synthetic IV with HMAC-SM3 as the PRF: the same P gives
 *                     the same token, so joins work; V authenticates P)
 *
 * H is 5 bytes: the mode (1 random, 2 deterministic) and the first 4 bytes
 * of the key check value, so a token encrypted under another key is told
 * apart from a damaged one before any MAC is computed. The MAC covers H, so
 * neither the mode nor the key id can be swapped. Tags are compared in
 * constant time. A token is "SM4:" followed by the body in base64url
 * without padding (no character that needs quoting in CSV, JSON or a URL).
 *
 * The stream (deid_drbg) is HMAC-SM3(k_surrogate, seed || counter) blocks
 * with seed = HMAC-SM3(k_surrogate, type || value): surrogates are drawn
 * from it, so the same value gets the same surrogate under the same key.
 */
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>
#include <string.h>

#include "lib/deid/internal.h"
#include "util/alloc.h"

#define HDR_LEN 5
#define IV_LEN 16
#define TAG_LEN 16
#define MODE_RANDOM 1
#define MODE_DETERMINISTIC 2

int deid_hmac_once(const unsigned char *key, size_t keylen, const void *a, size_t an, const void *b,
                   size_t bn, unsigned char out[DEID_MAC_LEN])
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
	OSSL_PARAM params[2];
	size_t len = 0;
	int ok;

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SM3", 0);
	params[1] = OSSL_PARAM_construct_end();
	ok = ctx && EVP_MAC_init(ctx, key, keylen, params) && EVP_MAC_update(ctx, a, an) &&
	     (!b || EVP_MAC_update(ctx, b, bn)) && EVP_MAC_final(ctx, out, &len, DEID_MAC_LEN) &&
	     len == DEID_MAC_LEN;
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return ok ? 0 : SHUAN_ERROR;
}

static int mac_init(deid_mac *m, EVP_MAC *mac, const unsigned char key[32])
{
	memcpy(m->key, key, 32);
	m->keyed = false;
	m->ctx = EVP_MAC_CTX_new(mac);
	return m->ctx ? 0 : SHUAN_ENOMEM;
}

int deid_mac_run(deid_mac *m, const void *a, size_t an, const void *b, size_t bn, const void *c, size_t cn,
                 unsigned char out[DEID_MAC_LEN])
{
	OSSL_PARAM params[2];
	size_t len = 0;
	int ok;

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SM3", 0);
	params[1] = OSSL_PARAM_construct_end();
	/* After the first init OpenSSL keeps the key schedule: re-init with NULL. */
	ok = m->keyed ? EVP_MAC_init(m->ctx, NULL, 0, NULL)
	              : EVP_MAC_init(m->ctx, m->key, sizeof(m->key), params);
	m->keyed = ok;
	ok = ok && EVP_MAC_update(m->ctx, a, an) && (!b || EVP_MAC_update(m->ctx, b, bn)) &&
	     (!c || EVP_MAC_update(m->ctx, c, cn)) && EVP_MAC_final(m->ctx, out, &len, DEID_MAC_LEN) &&
	     len == DEID_MAC_LEN;
	return ok ? 0 : SHUAN_ERROR;
}

int deid_crypto_init(deid_crypto *c, const shuan_key *key)
{
	memset(c, 0, sizeof(*c));
	c->key = key;
	c->mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	c->sm4ctr = EVP_CIPHER_fetch(NULL, "SM4-CTR", NULL);
	c->cctx = EVP_CIPHER_CTX_new();
	if (!c->mac || !c->sm4ctr || !c->cctx)
		goto fail;
	if (mac_init(&c->pseudo, c->mac, key->k_pseudo) ||
	    mac_init(&c->surrogate, c->mac, key->k_surrogate) || mac_init(&c->auth, c->mac, key->k_mac))
		goto fail;
	return 0;
fail:
	deid_crypto_free(c);
	return SHUAN_ERROR;
}

void deid_crypto_free(deid_crypto *c)
{
	deid_mac *ms[] = {&c->pseudo, &c->surrogate, &c->auth};
	for (size_t i = 0; i < 3; i++) {
		EVP_MAC_CTX_free(ms[i]->ctx);
		OPENSSL_cleanse(ms[i]->key, sizeof(ms[i]->key));
	}
	EVP_CIPHER_CTX_free(c->cctx);
	EVP_CIPHER_free(c->sm4ctr);
	EVP_MAC_free(c->mac);
	memset(c, 0, sizeof(*c));
}

/* SM4-CTR of in[0..n) with the counter block iv into out (CTR encrypts and
 * decrypts alike). */
static int ctr(deid_crypto *c, const unsigned char iv[IV_LEN], const unsigned char *in, size_t n,
               unsigned char *out)
{
	int len = 0, fin = 0;
	if (n > (size_t)INT32_MAX)
		return SHUAN_ELIMIT;
	int ok = c->cipher_keyed ? EVP_EncryptInit_ex2(c->cctx, NULL, NULL, iv, NULL)
	                         : EVP_EncryptInit_ex2(c->cctx, c->sm4ctr, c->key->k_enc, iv, NULL);
	c->cipher_keyed = ok;
	ok = ok && EVP_EncryptUpdate(c->cctx, out, &len, in, (int)n) &&
	     EVP_EncryptFinal_ex(c->cctx, out + len, &fin);
	return ok && (size_t)(len + fin) == n ? 0 : SHUAN_ERROR;
}

/* ---- base64url without padding ---- */

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static int b64_val(unsigned char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '-')
		return 62;
	if (ch == '_')
		return 63;
	return -1;
}

static int b64_append(shuan_buf *out, const unsigned char *b, size_t n)
{
	char q[4];
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i += 3) {
		uint32_t v = (uint32_t)b[i] << 16 | (i + 1 < n ? (uint32_t)b[i + 1] << 8 : 0) |
		             (i + 2 < n ? b[i + 2] : 0);
		size_t k = n - i >= 3 ? 4 : n - i == 2 ? 3 : 2;
		q[0] = B64[v >> 18 & 63];
		q[1] = B64[v >> 12 & 63];
		q[2] = B64[v >> 6 & 63];
		q[3] = B64[v & 63];
		rc = shuan_buf_add(out, q, k);
	}
	return rc;
}

/* Decodes t[0..n) (all base64url characters) into out; false when n is an
 * impossible length or the last character has stray bits. */
static bool b64_decode(const char *t, size_t n, unsigned char *out, size_t *outlen)
{
	size_t o = 0, i;
	if (n % 4 == 1)
		return false;
	for (i = 0; i + 4 <= n; i += 4) {
		uint32_t v = (uint32_t)b64_val(t[i]) << 18 | (uint32_t)b64_val(t[i + 1]) << 12 |
		             (uint32_t)b64_val(t[i + 2]) << 6 | (uint32_t)b64_val(t[i + 3]);
		out[o++] = (unsigned char)(v >> 16);
		out[o++] = (unsigned char)(v >> 8);
		out[o++] = (unsigned char)v;
	}
	if (n - i == 2) {
		uint32_t v = (uint32_t)b64_val(t[i]) << 18 | (uint32_t)b64_val(t[i + 1]) << 12;
		if (v & 0xFFFF)
			return false;
		out[o++] = (unsigned char)(v >> 16);
	} else if (n - i == 3) {
		uint32_t v = (uint32_t)b64_val(t[i]) << 18 | (uint32_t)b64_val(t[i + 1]) << 12 |
		             (uint32_t)b64_val(t[i + 2]) << 6;
		if (v & 0xFF)
			return false;
		out[o++] = (unsigned char)(v >> 16);
		out[o++] = (unsigned char)(v >> 8);
	}
	*outlen = o;
	return true;
}

size_t deid_token_body_len(const char *t, size_t n)
{
	size_t i = 0;
	while (i < n && b64_val((unsigned char)t[i]) >= 0)
		i++;
	return i;
}

/* ---- tokens ---- */

int deid_encrypt(deid_crypto *c, bool deterministic, const char *v, size_t n, shuan_buf *out)
{
	unsigned char hdr[HDR_LEN], iv[IV_LEN], mac[DEID_MAC_LEN];
	unsigned char *body = NULL;
	size_t blen = HDR_LEN + IV_LEN + n + (deterministic ? 0 : TAG_LEN);
	int rc;

	hdr[0] = deterministic ? MODE_DETERMINISTIC : MODE_RANDOM;
	memcpy(hdr + 1, c->key->check_bytes, 4);
	if (!(body = shuan_malloc(blen)))
		return SHUAN_ENOMEM;
	if (deterministic) {
		if ((rc = deid_mac_run(&c->auth, hdr, HDR_LEN, v, n, NULL, 0, mac)))
			goto cleanup;
		memcpy(iv, mac, IV_LEN);
	} else if (shuan_random_bytes(iv, IV_LEN) != 0) {
		rc = SHUAN_ERROR;
		goto cleanup;
	}
	memcpy(body, hdr, HDR_LEN);
	memcpy(body + HDR_LEN, iv, IV_LEN);
	if ((rc = ctr(c, iv, (const unsigned char *)v, n, body + HDR_LEN + IV_LEN)))
		goto cleanup;
	if (!deterministic) {
		if ((rc = deid_mac_run(&c->auth, body, HDR_LEN + IV_LEN + n, NULL, 0, NULL, 0, mac)))
			goto cleanup;
		memcpy(body + HDR_LEN + IV_LEN + n, mac, TAG_LEN);
	}
	if ((rc = shuan_buf_adds(out, DEID_TOKEN_PREFIX)) == 0)
		rc = b64_append(out, body, blen);
cleanup:
	OPENSSL_cleanse(mac, sizeof(mac));
	shuan_free(body);
	return rc;
}

int deid_decrypt(deid_crypto *c, const char *t, size_t n, shuan_buf *out, const char **why)
{
	unsigned char mac[DEID_MAC_LEN], *body = NULL, *plain = NULL;
	size_t blen = 0, plen;
	int rc = 1;

	*why = NULL;
	if (n < 30 || n > (SIZE_MAX / 3) || !(body = shuan_malloc(n / 4 * 3 + 3)))
		return n < 30 ? 1 : SHUAN_ENOMEM;
	if (!b64_decode(t, n, body, &blen) || blen < HDR_LEN + IV_LEN ||
	    (body[0] != MODE_RANDOM && body[0] != MODE_DETERMINISTIC) ||
	    (body[0] == MODE_RANDOM && blen < HDR_LEN + IV_LEN + TAG_LEN))
		goto cleanup; /* not a token: text that merely looks like one */
	if (CRYPTO_memcmp(body + 1, c->key->check_bytes, 4) != 0) {
		*why = "it was encrypted with another key";
		rc = SHUAN_EINVAL;
		goto cleanup;
	}
	plen = blen - HDR_LEN - IV_LEN - (body[0] == MODE_RANDOM ? TAG_LEN : 0);
	if (!(plain = shuan_malloc(plen + 1))) {
		rc = SHUAN_ENOMEM;
		goto cleanup;
	}
	rc = SHUAN_EINVAL;
	*why = "it is damaged or was altered (authentication failed)";
	if (body[0] == MODE_RANDOM) {
		if (deid_mac_run(&c->auth, body, blen - TAG_LEN, NULL, 0, NULL, 0, mac) ||
		    CRYPTO_memcmp(mac, body + blen - TAG_LEN, TAG_LEN) != 0)
			goto cleanup;
		if (ctr(c, body + HDR_LEN, body + HDR_LEN + IV_LEN, plen, plain))
			goto cleanup;
	} else {
		if (ctr(c, body + HDR_LEN, body + HDR_LEN + IV_LEN, plen, plain) ||
		    deid_mac_run(&c->auth, body, HDR_LEN, plain, plen, NULL, 0, mac) ||
		    CRYPTO_memcmp(mac, body + HDR_LEN, IV_LEN) != 0)
			goto cleanup;
	}
	*why = NULL;
	rc = shuan_buf_add(out, plain, plen);
cleanup:
	if (plain) {
		OPENSSL_cleanse(plain, plen);
		shuan_free(plain);
	}
	shuan_free(body);
	return rc;
}

/* ---- the deterministic stream ---- */

void deid_drbg_init(deid_drbg *d, deid_mac *mac, const unsigned char seed[DEID_MAC_LEN])
{
	d->mac = mac;
	memcpy(d->seed, seed, DEID_MAC_LEN);
	d->counter = 0;
	d->used = DEID_MAC_LEN;
}

static uint32_t next32(deid_drbg *d)
{
	if (d->used + 4 > DEID_MAC_LEN) {
		unsigned char ctrb[4] = {(unsigned char)(d->counter >> 24), (unsigned char)(d->counter >> 16),
		                         (unsigned char)(d->counter >> 8), (unsigned char)d->counter};
		d->counter++;
		/* A failure here is an OpenSSL without SM3, refused at start-up
		 * (deid_crypto_init); zeros keep the stream defined regardless. */
		if (deid_mac_run(d->mac, d->seed, DEID_MAC_LEN, ctrb, 4, NULL, 0, d->block) != 0)
			memset(d->block, 0, sizeof(d->block));
		d->used = 0;
	}
	const unsigned char *p = d->block + d->used;
	d->used += 4;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint32_t deid_drbg_below(deid_drbg *d, uint32_t n)
{
	/* reject the top partial range so every value is equally likely */
	uint32_t limit = UINT32_MAX - UINT32_MAX % n, x;
	do
		x = next32(d);
	while (x >= limit);
	return x % n;
}
