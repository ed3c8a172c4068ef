/*
 * lib/source/db.c - what the three engines share: URL parsing and the
 * password-free display form, dispatch to the engine, the row interface's
 * bookkeeping, identifier quoting and the cell cap.
 *
 * URLs: scheme://[user[:password]@][host][:port][/dbname][?query]. For
 * sqlite: the rest after "sqlite://" is the path ("sqlite:///var/app.db" is
 * /var/app.db, "sqlite://app.db" is relative). The password, wherever it is
 * written (userinfo or a password= parameter), is kept only until the
 * connection is made, then wiped; the display form never has it.
 */
#include "lib/source/db.h"

#include <openssl/crypto.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/alloc.h"
#include "util/hex.h"

const char *shuan_db__engine_name(shuan_db_engine e)
{
	switch (e) {
	case SHUAN_DB_SQLITE: return "sqlite";
	case SHUAN_DB_POSTGRES: return "postgresql";
	case SHUAN_DB_MYSQL: return "mysql";
	}
	return "unknown";
}

static const struct {
	const char *scheme;
	shuan_db_engine engine;
} schemes[] = {
	{"sqlite", SHUAN_DB_SQLITE},
	{"postgresql", SHUAN_DB_POSTGRES},
	{"postgres", SHUAN_DB_POSTGRES},
	{"mysql", SHUAN_DB_MYSQL},
	{"mariadb", SHUAN_DB_MYSQL},
};

/* The length of "scheme" when s starts with "scheme://", else 0. */
static size_t scheme_len(const char *s)
{
	size_t n = 0;
	if (!s)
		return 0;
	while ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') || (n && s[n] >= '0' && s[n] <= '9') ||
	       (n && (s[n] == '+' || s[n] == '-' || s[n] == '.')))
		n++;
	return n >= 2 && !strncmp(s + n, "://", 3) ? n : 0;
}

static int engine_of(const char *s, shuan_db_engine *e)
{
	size_t n = scheme_len(s);
	for (size_t i = 0; n && i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (strlen(schemes[i].scheme) == n && !strncasecmp(s, schemes[i].scheme, n)) {
			*e = schemes[i].engine;
			return 0;
		}
	return SHUAN_EINVAL;
}

bool shuan_db_looks_like_url(const char *s) { return scheme_len(s) > 0; }

bool shuan_db_is_url(const char *s)
{
	shuan_db_engine e;
	return engine_of(s, &e) == 0;
}

/* A percent-decoded copy of s[0..n). */
static char *decoded(const char *s, size_t n)
{
	char *d = shuan_malloc(n + 1), *w = d;
	if (!d)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && shuan_hex_digit(s[i + 1]) >= 0 &&
		    shuan_hex_digit(s[i + 2]) >= 0) {
			*w++ = (char)(shuan_hex_digit(s[i + 1]) * 16 + shuan_hex_digit(s[i + 2]));
			i += 2;
		} else {
			*w++ = s[i];
		}
	}
	*w = '\0';
	return d;
}

/* Whether query parameter [p, p+n) is a password ("password=..."). */
static bool is_password_param(const char *p, size_t n)
{
	return (n >= 9 && !strncasecmp(p, "password=", 9)) || (n >= 7 && !strncasecmp(p, "passwd=", 7)) ||
	       (n >= 4 && !strncasecmp(p, "pwd=", 4));
}

/* scheme://user@host:port/db?query without the password, cut to cap;
 * returns false when it did not fit (out then holds a prefix of it, which
 * cannot expose anything: the password was never in it). */
static bool build_display(const char *url, char *out, size_t cap)
{
	shuan_buf b;
	size_t sl = scheme_len(url), len;
	const char *rest = url + sl + 3, *auth_end, *at, *q;
	bool fits;

	/* the display is never longer than the URL */
	shuan_buf_init(&b, strlen(url) + 1);
	auth_end = rest + strcspn(rest, "/?");
	shuan_buf_add(&b, url, sl + 3);
	at = memrchr(rest, '@', (size_t)(auth_end - rest));
	if (at) {
		const char *colon = memchr(rest, ':', (size_t)(at - rest));
		shuan_buf_add(&b, rest, (size_t)((colon ? colon : at) - rest));
		shuan_buf_addc(&b, '@');
		rest = at + 1;
	}
	q = strchr(rest, '?');
	shuan_buf_add(&b, rest, q ? (size_t)(q - rest) : strlen(rest));
	if (q) {
		const char *p = q + 1;
		char sep = '?';
		while (*p) {
			size_t n = strcspn(p, "&");
			if (n && !is_password_param(p, n)) {
				shuan_buf_addc(&b, sep);
				shuan_buf_add(&b, p, n);
				sep = '&';
			}
			p += n;
			if (*p == '&')
				p++;
		}
	}
	len = b.len;
	fits = len + 1 <= cap;
	/* out of memory leaves the buffer empty: the display is then just cut short */
	snprintf(out, cap, "%s", shuan_buf_str(&b));
	shuan_buf_free(&b);
	return fits;
}

int shuan_db_display_url(const char *url, char *out, size_t cap)
{
	shuan_db_engine e;
	if (!out || !cap)
		return SHUAN_EINVAL;
	out[0] = '\0';
	(void)e;
	if (!scheme_len(url))
		return SHUAN_EINVAL;
	return build_display(url, out, cap) ? 0 : SHUAN_ELIMIT;
}

void shuan_db__url_free(shuan_db_url *u)
{
	if (!u)
		return;
	if (u->password)
		OPENSSL_cleanse(u->password, strlen(u->password));
	if (u->raw) {
		/* the raw URL may hold the password too */
		OPENSSL_cleanse(u->raw, strlen(u->raw));
	}
	shuan_free(u->raw);
	shuan_free(u->user);
	shuan_free(u->password);
	shuan_free(u->host);
	shuan_free(u->port);
	shuan_free(u->dbname);
	shuan_free(u->path);
	shuan_free(u->query);
	memset(u, 0, sizeof(*u));
}

int shuan_db__parse_url(shuan_db_url *u, const char *url, char *err, size_t errlen)
{
	const char *rest, *auth_end, *at, *hp, *q;
	size_t sl;

	memset(u, 0, sizeof(*u));
	if (engine_of(url, &u->engine) != 0) {
		if (shuan_db_looks_like_url(url)) {
			build_display(url, u->display, sizeof(u->display));
			snprintf(err, errlen, "%s: unknown database URL scheme (sqlite://, postgresql://, mysql://)",
				 u->display);
		}
		else
			snprintf(err, errlen, "not a database URL");
		return SHUAN_EINVAL;
	}
	build_display(url, u->display, sizeof(u->display));
	sl = scheme_len(url);
	rest = url + sl + 3;
	if (!(u->raw = shuan_strdup(url)))
		goto nomem;
	q = strchr(rest, '?');
	if (!(u->query = shuan_strdup(q ? q + 1 : "")))
		goto nomem;
	if (u->engine == SHUAN_DB_SQLITE) {
		size_t n = q ? (size_t)(q - rest) : strlen(rest);
		while (n > 1 && rest[0] == '/' && rest[1] == '/') {
			rest++;
			n--;
		}
		if (n == 0) {
			snprintf(err, errlen, "%s: no file path (sqlite:///path/to/app.db)", u->display);
			shuan_db__url_free(u);
			return SHUAN_EINVAL;
		}
		if (!(u->path = decoded(rest, n)))
			goto nomem;
		return 0;
	}
	auth_end = rest + strcspn(rest, "/?");
	at = memrchr(rest, '@', (size_t)(auth_end - rest));
	hp = rest;
	if (at) {
		const char *colon = memchr(rest, ':', (size_t)(at - rest));
		if (!(u->user = decoded(rest, (size_t)((colon ? colon : at) - rest))))
			goto nomem;
		if (colon && !(u->password = decoded(colon + 1, (size_t)(at - colon - 1))))
			goto nomem;
		hp = at + 1;
	}
	{
		const char *port = NULL, *host_end = auth_end;
		if (*hp == '[') { /* [IPv6] */
			const char *rb = memchr(hp, ']', (size_t)(auth_end - hp));
			if (!rb) {
				snprintf(err, errlen, "%s: malformed host", u->display);
				shuan_db__url_free(u);
				return SHUAN_EINVAL;
			}
			if (!(u->host = decoded(hp + 1, (size_t)(rb - hp - 1))))
				goto nomem;
			if (rb + 1 < auth_end && rb[1] == ':')
				port = rb + 2;
		} else {
			const char *colon = memchr(hp, ':', (size_t)(auth_end - hp));
			if (colon) {
				host_end = colon;
				port = colon + 1;
			}
			if (host_end > hp && !(u->host = decoded(hp, (size_t)(host_end - hp))))
				goto nomem;
		}
		if (port && port < auth_end) {
			for (const char *c = port; c < auth_end; c++)
				if (*c < '0' || *c > '9') {
					snprintf(err, errlen, "%s: the port is not a number", u->display);
					shuan_db__url_free(u);
					return SHUAN_EINVAL;
				}
			if (!(u->port = shuan_strndup(port, (size_t)(auth_end - port))))
				goto nomem;
		}
	}
	if (*auth_end == '/') {
		const char *db = auth_end + 1;
		size_t n = q ? (size_t)(q - db) : strlen(db);
		if (n && !(u->dbname = decoded(db, n)))
			goto nomem;
	}
	return 0;
nomem:
	snprintf(err, errlen, "%s: out of memory", u->display[0] ? u->display : "database URL");
	shuan_db__url_free(u);
	return SHUAN_ENOMEM;
}

const char *shuan_db__url_param(const shuan_db_url *u, const char *key, char *buf, size_t cap)
{
	size_t kl = strlen(key);
	for (const char *p = u->query; p && *p;) {
		size_t n = strcspn(p, "&");
		if (n > kl && p[kl] == '=' && !strncasecmp(p, key, kl)) {
			char *d = decoded(p + kl + 1, n - kl - 1);
			if (!d)
				return NULL;
			snprintf(buf, cap, "%s", d);
			OPENSSL_cleanse(d, strlen(d));
			shuan_free(d);
			return buf;
		}
		p += n;
		if (*p == '&')
			p++;
	}
	return NULL;
}

int shuan_db__seterr(shuan_db *db, int code, const char *fmt, ...)
{
	char msg[sizeof(db->err) - sizeof(db->display) - 8];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* one line: drivers end messages with newlines */
	for (char *c = msg; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = c[1] ? ' ' : '\0';
	snprintf(db->err, sizeof(db->err), "%s: %s", db->display, msg);
	return code;
}

void shuan_db__scrub(char *msg, size_t cap, const char *secret)
{
	size_t sl = secret ? strlen(secret) : 0, w = 0;
	char out[1024];
	if (!sl || !msg || !strstr(msg, secret))
		return;
	if (cap > sizeof(out))
		cap = sizeof(out);
	for (const char *c = msg; *c && w + 1 < cap;) {
		if (!strncmp(c, secret, sl)) {
			for (const char *m = "****"; *m && w + 1 < cap; m++)
				out[w++] = *m;
			c += sl;
		} else {
			out[w++] = *c++;
		}
	}
	out[w] = '\0';
	memcpy(msg, out, w + 1);
	OPENSSL_cleanse(out, sizeof(out));
}

int shuan_db__quote_ident(shuan_buf *b, const char *name, char q)
{
	int rc = shuan_buf_addc(b, q);
	for (const char *c = name; !rc && *c; c++) {
		if (*c == q)
			rc = shuan_buf_addc(b, q);
		if (!rc)
			rc = shuan_buf_addc(b, *c);
	}
	return rc ? rc : shuan_buf_addc(b, q);
}

int shuan_db__end_select(shuan_db_rows *r, const char *how)
{
	unsigned long long n = (unsigned long long)r->db->opt.sample;

	if (r->db->opt.full) {
		snprintf(r->method, sizeof(r->method), "full");
		return 0;
	}
	if (how)
		snprintf(r->method, sizeof(r->method), "%s", how);
	else
		snprintf(r->method, sizeof(r->method), "first %llu rows", n);
	return shuan_buf_addf(&r->sql, " LIMIT %llu", n);
}

size_t shuan_db__cap_text(const char *p, size_t len, size_t max_cell, bool *truncated)
{
	*truncated = false;
	if (len <= max_cell)
		return len;
	*truncated = true;
	len = max_cell;
	/* never cut a UTF-8 character: back up over continuation bytes */
	while (len > 0 && ((unsigned char)p[len] & 0xC0) == 0x80)
		len--;
	return len;
}

static const shuan_db_ops *ops_for(shuan_db_engine e)
{
	switch (e) {
	case SHUAN_DB_SQLITE: return &shuan_db__sqlite_ops;
	case SHUAN_DB_POSTGRES: return &shuan_db__postgres_ops;
	case SHUAN_DB_MYSQL: return &shuan_db__mysql_ops;
	}
	return NULL;
}

int shuan_db__open(shuan_db **out, const char *url, const shuan_db_options *opts, char *errbuf, size_t errlen)
{
	return shuan_db__open_rw(out, url, opts, false, errbuf, errlen);
}

int shuan_db__open_rw(shuan_db **out, const char *url, const shuan_db_options *opts, bool writable, char *errbuf,
		      size_t errlen)
{
	shuan_db_url u;
	shuan_db *db = NULL;
	char tmp[1024];
	int rc;

	*out = NULL;
	if (errlen)
		errbuf[0] = '\0';
	if (opts && opts->version != SHUAN_DB_OPTIONS_VERSION && opts->version != 1) {
		snprintf(errbuf, errlen, "database options: unknown version %u", opts->version);
		return SHUAN_EINVAL;
	}
	if ((rc = shuan_db__parse_url(&u, url, tmp, sizeof(tmp))) < 0) {
		snprintf(errbuf, errlen, "%s", tmp);
		return rc;
	}
	if (!(db = shuan_calloc(1, sizeof(*db)))) {
		snprintf(errbuf, errlen, "%s: out of memory", u.display);
		shuan_db__url_free(&u);
		return SHUAN_ENOMEM;
	}
	db->ops = ops_for(u.engine);
	db->writable = writable;
	db->opt = (shuan_db_options)SHUAN_DB_OPTIONS_INIT;
	if (opts && opts->version == 1) /* without connections */
		memcpy(&db->opt, opts, offsetof(shuan_db_options, connections));
	else if (opts)
		db->opt = *opts;
	db->opt.version = SHUAN_DB_OPTIONS_VERSION;
	if (db->opt.connections > SHUAN_DB_MAX_CONNECTIONS)
		db->opt.connections = SHUAN_DB_MAX_CONNECTIONS;
	db->opt.password = NULL;
	if (!db->opt.sample)
		db->opt.sample = SHUAN_DB_DEFAULT_SAMPLE;
	if (!db->opt.max_cell)
		db->opt.max_cell = SHUAN_DB_DEFAULT_MAX_CELL;
	if (!db->opt.connect_timeout)
		db->opt.connect_timeout = 10;
	if (!db->opt.statement_timeout && !db->opt.full)
		db->opt.statement_timeout = 30;
	snprintf(db->display, sizeof(db->display), "%s", u.display);
	{
		/* the options' password wins over one written in the URL */
		const char *pw = opts && opts->password ? opts->password : u.password;
		rc = db->ops->connect(db, &u, pw);
		/* a driver's message must never carry the password back out */
		shuan_db__scrub(db->err, sizeof(db->err), pw);
		if (u.password)
			shuan_db__scrub(db->err, sizeof(db->err), u.password);
	}
	shuan_db__url_free(&u);
	if (rc < 0) {
		snprintf(errbuf, errlen, "%s", db->err);
		shuan_db__close(db);
		return rc;
	}
	*out = db;
	return 0;
}

void shuan_db__close(shuan_db *db)
{
	if (!db)
		return;
	if (db->conn && !db->borrowed)
		db->ops->close(db);
	shuan_free(db);
}

shuan_db_engine shuan_db__engine(const shuan_db *db) { return db->ops->engine; }
const char *shuan_db__display(const shuan_db *db) { return db->display; }
const char *shuan_db__errmsg(const shuan_db *db) { return db ? db->err : ""; }
const shuan_db_options *shuan_db__options(const shuan_db *db) { return &db->opt; }

int shuan_db__list(shuan_db *db, shuan_db_catalog *out)
{
	memset(out, 0, sizeof(*out));
	db->err[0] = '\0';
	int rc = db->ops->list(db, out);
	if (rc < 0)
		shuan_db__catalog_free(out);
	return rc;
}

void shuan_db__catalog_free(shuan_db_catalog *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		shuan_db_table *t = &c->tables[i];
		for (size_t k = 0; k < t->ncols; k++) {
			shuan_free(t->cols[k].name);
			shuan_free(t->cols[k].type);
			shuan_free(t->cols[k].comment);
		}
		shuan_free(t->cols);
		shuan_free(t->schema);
		shuan_free(t->name);
		shuan_free(t->comment);
	}
	shuan_free(c->tables);
	memset(c, 0, sizeof(*c));
}

shuan_db_rows *shuan_db__rows_new(shuan_db *db, const shuan_db_table *t)
{
	shuan_db_rows *r;
	if (!(r = shuan_calloc(1, sizeof(*r))))
		return NULL;
	r->db = db;
	r->t = t;
	shuan_buf_init(&r->sql, 1u << 20);
	/* a row's cells as the engine sends them, before the cap: up to four
	 * bytes per character of cap + 1 characters, or hex for bytes */
	shuan_buf_init(&r->cell, (t->ncols + 1) * (4 * db->opt.max_cell + 16));
	r->vals = shuan_calloc(t->ncols ? t->ncols : 1, sizeof(*r->vals));
	r->cell_off = shuan_calloc(t->ncols ? t->ncols : 1, sizeof(*r->cell_off));
	if (!r->vals || !r->cell_off) {
		shuan_db__rows_close(r);
		return NULL;
	}
	return r;
}

int shuan_db__rows_open(shuan_db *db, const shuan_db_table *t, shuan_db_rows **out)
{
	shuan_db_rows *r;
	int rc;

	*out = NULL;
	db->err[0] = '\0';
	if (!(r = shuan_db__rows_new(db, t)))
		return shuan_db__seterr(db, SHUAN_ENOMEM, "%s.%s: out of memory", t->schema, t->name);
	if ((rc = db->ops->rows_open(r)) < 0) {
		shuan_db__rows_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

int shuan_db__rows_open_parts(shuan_db *db, const shuan_db_table *t, shuan_db_rows **parts, unsigned *n)
{
	*n = 0;
	if (db->opt.full && db->nspare && db->ops->open_parts && t->plain) {
		int rc = db->ops->open_parts(db, t, parts, n);
		if (rc < 0 || *n)
			return rc;
	}
	*n = 1;
	return shuan_db__rows_open(db, t, &parts[0]);
}

shuan_db *shuan_db__rows_db(const shuan_db_rows *r) { return r->db; }

int shuan_db__rows_next(shuan_db_rows *r, const shuan_db_value **vals)
{
	int rc = r->db->ops->rows_next(r);
	if (rc == 1) {
		r->rows++;
		*vals = r->vals;
	}
	return rc;
}

const char *shuan_db__rows_method(const shuan_db_rows *r) { return r->method; }

void shuan_db__rows_close(shuan_db_rows *r)
{
	if (!r)
		return;
	if (r->impl)
		r->db->ops->rows_close(r);
	shuan_free(r->own); /* borrowed its connection: nothing to close */
	shuan_buf_free(&r->sql);
	shuan_buf_free(&r->cell);
	shuan_free(r->vals);
	shuan_free(r->cell_off);
	shuan_free(r);
}
