/*
 * tests/unit/test_db.c - the database layer's own logic, without a server:
 * URL parsing and the password-free display form (every place a password
 * can be written), identifier quoting (quotes, spaces, Chinese), the cell
 * cap on UTF-8 boundaries, the scrubbing of driver messages, and SQLite
 * sources end to end (tables, views, quoted names, blobs, NULLs, a cap,
 * a file that is not SQLite).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "lib/source/db.h"
#include "util/alloc.h"

static void test_display_never_holds_the_password(void **state)
{
	char out[512];
	(void)state;
	assert_int_equal(shuan_db_display_url("postgresql://scan:S3cr3t@db.example:5432/app?sslmode=require", out, sizeof(out)), 0);
	assert_string_equal(out, "postgresql://scan@db.example:5432/app?sslmode=require");
	assert_int_equal(shuan_db_display_url("mysql://u:p%40ss@[::1]:3306/shop?password=S3cr3t&ssl-mode=REQUIRED", out, sizeof(out)), 0);
	assert_string_equal(out, "mysql://u@[::1]:3306/shop?ssl-mode=REQUIRED");
	assert_null(strstr(out, "S3cr3t"));
	/* a password containing '@' and ':' */
	assert_int_equal(shuan_db_display_url("postgres://a:b@c:d@host/db", out, sizeof(out)), 0);
	assert_string_equal(out, "postgres://a@host/db");
	/* any scheme is displayed safely, so an unknown one can be named */
	assert_int_equal(shuan_db_display_url("ftp://u:pw@h/x?pwd=1", out, sizeof(out)), 0);
	assert_string_equal(out, "ftp://u@h/x");
	assert_int_equal(shuan_db_display_url("/not/a/url", out, sizeof(out)), SHUAN_EINVAL);
	/* truncated display: still a prefix of the password-free text */
	assert_int_equal(shuan_db_display_url("postgresql://scan:S3cr3t@a-very-long-host-name/app", out, 20), SHUAN_ELIMIT);
	assert_string_equal(out, "postgresql://scan@a");
	assert_int_equal(shuan_db_display_url("postgresql://scan@h/db", out, 23), 0);
	assert_int_equal(shuan_db_display_url("postgresql://scan@h/db", out, 22), SHUAN_ELIMIT);
	assert_true(shuan_db_is_url("sqlite:///x.db"));
	assert_true(shuan_db_is_url("MySQL://h/db"));
	assert_false(shuan_db_is_url("ftp://h"));
	assert_true(shuan_db_looks_like_url("ftp://h"));
	assert_false(shuan_db_looks_like_url("C:/x"));
	assert_false(shuan_db_looks_like_url("data/x.csv"));
}

static void test_parse_url(void **state)
{
	shuan_db_url u;
	char err[256], buf[64];
	(void)state;
	assert_int_equal(shuan_db__parse_url(&u, "mysql://sc%20an:p%3Aw@127.0.0.1:3306/%E5%BA%93?socket=/tmp/my.sock&ssl-mode=REQUIRED",
					     err, sizeof(err)), 0);
	assert_int_equal(u.engine, SHUAN_DB_MYSQL);
	assert_string_equal(u.user, "sc an");
	assert_string_equal(u.password, "p:w");
	assert_string_equal(u.host, "127.0.0.1");
	assert_string_equal(u.port, "3306");
	assert_string_equal(u.dbname, "库");
	assert_string_equal(shuan_db__url_param(&u, "socket", buf, sizeof(buf)), "/tmp/my.sock");
	assert_string_equal(shuan_db__url_param(&u, "SSL-MODE", buf, sizeof(buf)), "REQUIRED");
	assert_null(shuan_db__url_param(&u, "nope", buf, sizeof(buf)));
	assert_null(strstr(u.display, "p:w"));
	shuan_db__url_free(&u);
	assert_int_equal(shuan_db__parse_url(&u, "sqlite:///var/lib/app.db", err, sizeof(err)), 0);
	assert_string_equal(u.path, "/var/lib/app.db");
	shuan_db__url_free(&u);
	assert_int_equal(shuan_db__parse_url(&u, "sqlite:////var/lib/app.db", err, sizeof(err)), 0);
	assert_string_equal(u.path, "/var/lib/app.db");
	shuan_db__url_free(&u);
	assert_int_equal(shuan_db__parse_url(&u, "sqlite://rel/app.db", err, sizeof(err)), 0);
	assert_string_equal(u.path, "rel/app.db");
	shuan_db__url_free(&u);
	assert_int_equal(shuan_db__parse_url(&u, "sqlite://", err, sizeof(err)), SHUAN_EINVAL);
	assert_non_null(strstr(err, "no file path"));
	assert_int_equal(shuan_db__parse_url(&u, "postgresql://h:54x2/db", err, sizeof(err)), SHUAN_EINVAL);
	assert_non_null(strstr(err, "port is not a number"));
	assert_int_equal(shuan_db__parse_url(&u, "oracle://u:topsecret@h/db", err, sizeof(err)), SHUAN_EINVAL);
	assert_non_null(strstr(err, "unknown database URL scheme"));
	assert_null(strstr(err, "topsecret"));
	assert_int_equal(shuan_db__parse_url(&u, "postgresql://[::1/db", err, sizeof(err)), SHUAN_EINVAL);
	/* every allocation failing in turn: an error, never a leak */
	for (long n = 1; n < 12; n++) {
		int rc;
		shuan_alloc_fail_after(n);
		rc = shuan_db__parse_url(&u, "mysql://a:b@h:1/d?x=1", err, sizeof(err));
		shuan_alloc_fail_after(0);
		assert_true(rc == 0 || rc == SHUAN_ENOMEM);
		if (rc == 0)
			shuan_db__url_free(&u);
	}
}

static void test_quote_and_cap(void **state)
{
	shuan_buf b;
	bool cut;
	(void)state;
	shuan_buf_init(&b, 1024);
	assert_int_equal(shuan_db__quote_ident(&b, "客户 \"VIP\" 名单", '"'), 0);
	assert_string_equal(shuan_buf_str(&b), "\"客户 \"\"VIP\"\" 名单\"");
	shuan_buf_reset(&b);
	assert_int_equal(shuan_db__quote_ident(&b, "a`b", '`'), 0);
	assert_string_equal(shuan_buf_str(&b), "`a``b`");
	shuan_buf_free(&b);
	/* "张三" is 6 bytes: a cap of 4 keeps one whole character */
	assert_int_equal(shuan_db__cap_text("张三", 6, 4, &cut), 3);
	assert_true(cut);
	assert_int_equal(shuan_db__cap_text("张三", 6, 6, &cut), 6);
	assert_false(cut);
	assert_int_equal(shuan_db__cap_text("abcdef", 6, 3, &cut), 3);
	assert_true(cut);
}

static void test_scrub(void **state)
{
	char msg[128];
	(void)state;
	snprintf(msg, sizeof(msg), "FATAL: bad pw hunter2 for user x (hunter2)");
	shuan_db__scrub(msg, sizeof(msg), "hunter2");
	assert_string_equal(msg, "FATAL: bad pw **** for user x (****)");
	snprintf(msg, sizeof(msg), "x=ab;ab");
	shuan_db__scrub(msg, sizeof(msg), "ab");
	assert_string_equal(msg, "x=****;****");
	shuan_db__scrub(msg, sizeof(msg), NULL);
	shuan_db__scrub(msg, sizeof(msg), "");
	assert_string_equal(msg, "x=****;****");
}

static char dbpath[64];

static void make_sqlite(void)
{
	sqlite3 *db;
	char big[5000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	snprintf(dbpath, sizeof(dbpath), "/tmp/shuan_db_XXXXXX");
	close(mkstemp(dbpath));
	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "CREATE TABLE \"客户 \"\"VIP\"\"\"(id INTEGER PRIMARY KEY, \"手机 号\" TEXT, pic BLOB, n TEXT);"
				      "INSERT INTO \"客户 \"\"VIP\"\"\" VALUES (1, '13812345678', x'89504e470d0a1a0a00', NULL);"
				      "CREATE VIEW v AS SELECT id FROM \"客户 \"\"VIP\"\"\";"
				      "CREATE TABLE big(t TEXT);",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db, "INSERT INTO big VALUES (?)", -1, &st, NULL);
	sqlite3_bind_text(st, 1, big, -1, SQLITE_STATIC);
	sqlite3_step(st);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void test_sqlite_rows(void **state)
{
	shuan_db_options o = SHUAN_DB_OPTIONS_INIT;
	shuan_db *db = NULL;
	shuan_db_catalog cat;
	shuan_db_rows *r = NULL;
	const shuan_db_value *v;
	char url[128], err[512];
	(void)state;
	make_sqlite();
	o.max_cell = 100;
	snprintf(url, sizeof(url), "sqlite://%s", dbpath);
	assert_int_equal(shuan_db__open(&db, url, &o, err, sizeof(err)), 0);
	assert_int_equal(shuan_db__list(db, &cat), 0);
	assert_int_equal(cat.n, 3);
	assert_string_equal(cat.tables[0].name, "big");
	assert_string_equal(cat.tables[1].name, "v");
	assert_true(cat.tables[1].view);
	assert_string_equal(cat.tables[2].name, "客户 \"VIP\"");
	assert_int_equal(cat.tables[2].ncols, 4);
	assert_true(cat.tables[2].cols[0].pk && cat.tables[2].cols[0].integer);
	assert_string_equal(cat.tables[2].cols[1].name, "手机 号");
	assert_true(cat.tables[2].cols[2].binary);
	/* quoted names read */
	assert_int_equal(shuan_db__rows_open(db, &cat.tables[2], &r), 0);
	assert_int_equal(shuan_db__rows_next(r, &v), 1);
	assert_int_equal(v[1].len, 11);
	assert_memory_equal(v[1].p, "13812345678", 11);
	assert_true(v[2].binary);
	assert_int_equal(v[2].len, 9);
	assert_null(v[3].p);
	assert_int_equal(shuan_db__rows_next(r, &v), 0);
	shuan_db__rows_close(r);
	/* a cell over the cap: cut and flagged */
	assert_int_equal(shuan_db__rows_open(db, &cat.tables[0], &r), 0);
	assert_int_equal(shuan_db__rows_next(r, &v), 1);
	assert_int_equal(v[0].len, 100);
	assert_true(v[0].truncated);
	shuan_db__rows_close(r);
	/* the table gone: this table fails, the connection stays */
	{
		shuan_db_table gone = cat.tables[0];
		char name[] = "no_such_table";
		gone.name = name;
		assert_int_equal(shuan_db__rows_open(db, &gone, &r), SHUAN_EIO);
		assert_non_null(strstr(shuan_db__errmsg(db), "no such table"));
		assert_non_null(strstr(shuan_db__errmsg(db), dbpath));
	}
	assert_int_equal(shuan_db__rows_open(db, &cat.tables[1], &r), 0);
	assert_int_equal(shuan_db__rows_next(r, &v), 1);
	shuan_db__rows_close(r);
	shuan_db__catalog_free(&cat);
	shuan_db__close(db);
	shuan_db__close(NULL);
	shuan_db__rows_close(NULL);
	/* not a database, not there */
	{
		FILE *f = fopen(dbpath, "w");
		fputs("hello, not SQLite\n", f);
		fclose(f);
	}
	assert_int_equal(shuan_db__open(&db, url, NULL, err, sizeof(err)), SHUAN_EIO);
	assert_null(db);
	assert_non_null(strstr(err, "file is not a database"));
	unlink(dbpath);
	assert_int_equal(shuan_db__open(&db, url, NULL, err, sizeof(err)), SHUAN_ENOTFOUND);
	o.version = 99;
	assert_int_equal(shuan_db__open(&db, url, &o, err, sizeof(err)), SHUAN_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_display_never_holds_the_password),
		cmocka_unit_test(test_parse_url),
		cmocka_unit_test(test_quote_and_cap),
		cmocka_unit_test(test_scrub),
		cmocka_unit_test(test_sqlite_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
