/*
 * tests/unit/test_store.c - the store's schema migrations: a new store, a
 * store written before migrations existed, a store from a newer shuan, a
 * migration that fails half-way, and two processes opening an old store at
 * once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "lib/store/internal.h"
#include "shuan/store.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/shuan_store_XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static sqlite3 *open_db(void)
{
	char path[128];
	sqlite3 *db = NULL;
	snprintf(path, sizeof(path), "%s/shuan.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	return db;
}

static int version_of(void)
{
	sqlite3 *db = open_db();
	int v = -1;
	assert_int_equal(shuan_store__schema_version(db, &v), 0);
	sqlite3_close(db);
	return v;
}

static int count_rows(const char *sql)
{
	sqlite3 *db = open_db();
	sqlite3_stmt *st;
	int n = -1;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static void test_new_store_is_latest(void **state)
{
	shuan_store *s = NULL;
	char err[512];
	(void)state;
	assert_int_equal(shuan_store_open(&s, dir, err, sizeof(err)), 0);
	shuan_store_free(s);
	assert_int_equal(version_of(), shuan_store__latest_version());
	assert_int_equal(count_rows("SELECT count(*) FROM sqlite_master WHERE name IN ('scans','regs_entries')"), 2);
	/* opening again changes nothing */
	assert_int_equal(shuan_store_open(&s, dir, err, sizeof(err)), 0);
	shuan_store_free(s);
	assert_int_equal(version_of(), shuan_store__latest_version());
}

/* What shuan 0.1 left on disk: tables made IF NOT EXISTS, user_version 0. */
static void make_old_store(void)
{
	sqlite3 *db = open_db();
	assert_int_equal(sqlite3_exec(db,
				      "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
				      "INSERT INTO meta VALUES('schema_version','1');"
				      "CREATE TABLE scans(id INTEGER PRIMARY KEY, started TEXT, finished TEXT, elapsed REAL,"
				      " targets TEXT, version TEXT, inputs_scanned INTEGER, inputs_skipped INTEGER,"
				      " bytes INTEGER, findings INTEGER, sensitive INTEGER, distinct_exact INTEGER);"
				      "INSERT INTO scans(started, findings) VALUES('2026-01-01T00:00:00Z', 7);",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
}

static void test_old_store_is_migrated_keeping_data(void **state)
{
	shuan_store *s = NULL;
	char err[512];
	(void)state;
	make_old_store();
	assert_int_equal(shuan_store_open(&s, dir, err, sizeof(err)), 0);
	shuan_store_free(s);
	assert_int_equal(version_of(), shuan_store__latest_version());
	assert_int_equal(count_rows("SELECT findings FROM scans"), 7);
	assert_int_equal(count_rows("SELECT count(*) FROM sqlite_master WHERE name = 'scan_detectors'"), 1);
}

static void test_newer_store_is_refused(void **state)
{
	shuan_store *s = NULL;
	char err[512] = "";
	sqlite3 *db;
	(void)state;
	db = open_db();
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 9999", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(shuan_store_open(&s, dir, err, sizeof(err)), SHUAN_ESTORE);
	assert_null(s);
	assert_non_null(strstr(err, "newer shuan"));
	assert_non_null(strstr(err, "9999"));
	assert_int_equal(version_of(), 9999); /* untouched */
}

static void test_failed_migration_rolls_back(void **state)
{
	static const shuan_store_migration list[] = {
		{1, "one", "CREATE TABLE a(x);"},
		{2, "two", "CREATE TABLE b(x); INSERT INTO no_such_table VALUES(1);"},
		{3, "three", "CREATE TABLE c(x);"},
	};
	char err[512] = "";
	sqlite3 *db;
	(void)state;
	db = open_db();
	assert_int_equal(shuan_store__migrate_list(db, list, 3, err, sizeof(err)), SHUAN_ESTORE);
	assert_non_null(strstr(err, "schema version 2 (two)"));
	sqlite3_close(db);
	assert_int_equal(version_of(), 1);
	assert_int_equal(count_rows("SELECT count(*) FROM sqlite_master WHERE name = 'a'"), 1);
	assert_int_equal(count_rows("SELECT count(*) FROM sqlite_master WHERE name IN ('b', 'c')"), 0);
}

static void test_two_processes_at_once(void **state)
{
	pid_t kids[4];
	(void)state;
	make_old_store();
	for (int i = 0; i < 4; i++) {
		kids[i] = fork();
		assert_true(kids[i] >= 0);
		if (kids[i] == 0) {
			shuan_store *s = NULL;
			char err[512];
			int rc = shuan_store_open(&s, dir, err, sizeof(err));
			if (rc)
				fprintf(stderr, "child %d: %s\n", i, err);
			shuan_store_free(s);
			_exit(rc == 0 ? 0 : 1);
		}
	}
	for (int i = 0; i < 4; i++) {
		int st = 0;
		assert_int_equal(waitpid(kids[i], &st, 0), kids[i]);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	assert_int_equal(version_of(), shuan_store__latest_version());
	assert_int_equal(count_rows("SELECT findings FROM scans"), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_new_store_is_latest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_store_is_migrated_keeping_data, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_store_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_migration_rolls_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_processes_at_once, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
