/*
 * tests/unit/test_rules_cache.c - the compiled-patterns cache: a second load
 * is a hit and finds the same values; edited rules, a file renamed onto
 * another key, a damaged or truncated file are never trusted (compiled
 * again, replaced); a directory that cannot be written only adds a note;
 * several processes filling one empty directory at once all load and leave
 * one sound file.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "shuan/rules.h"
#include "shuan/scanner.h"

static char g_tmp[256];

static int setup(void **state)
{
	(void)state;
	snprintf(g_tmp, sizeof(g_tmp), "/tmp/shuan-test-cache-XXXXXX");
	return mkdtemp(g_tmp) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[1024];
	(void)state;
	snprintf(cmd, sizeof(cmd), "chmod -R u+w '%s' 2>/dev/null; rm -rf '%s'", g_tmp, g_tmp);
	return system(cmd) == 0 ? 0 : -1;
}

static shuan_rules *load(const char *rules_dir, const char *cache_dir, shuan_rules_cache_info *ci)
{
	shuan_rules_options o = SHUAN_RULES_OPTIONS_INIT;
	shuan_rules *r = NULL;
	char err[1024];
	o.cache_dir = cache_dir;
	int rc = shuan_rules_load(&r, rules_dir, &o, err, sizeof(err));
	if (rc)
		fprintf(stderr, "load: %s\n", err);
	assert_int_equal(rc, 0);
	shuan_rules_cache_get(r, ci);
	return r;
}

/* Findings of `text` as "detector:offset:length;" in order. */
static int add(const shuan_finding *f, void *ud)
{
	char *out = ud;
	size_t n = strlen(out);
	snprintf(out + n, 4096 - n, "%s:%llu:%llu;", f->detector->id, (unsigned long long)f->offset,
		 (unsigned long long)f->length);
	return 0;
}

static void findings(const shuan_rules *r, const char *text, char out[4096])
{
	shuan_scanner *s = NULL;
	shuan_input in = {"t.txt", "t.txt", SHUAN_FORMAT_TEXT};
	out[0] = '\0';
	assert_int_equal(shuan_scanner_new(&s, r, NULL), 0);
	assert_int_equal(shuan_scanner_scan_buffer(s, &in, text, strlen(text), add, out, NULL), 0);
	shuan_scanner_free(s);
}

static const char SAMPLE[] = "联系电话 13812345678, 邮箱 zhang.wei@example.com, 身份证 110101199003074258\n";

static size_t count_files(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;
	if (!d)
		return 0;
	while ((de = readdir(d)))
		n += !strncmp(de->d_name, prefix, strlen(prefix));
	closedir(d);
	return n;
}

static void test_hit_finds_the_same(void **state)
{
	shuan_rules_cache_info a, b, off;
	char cache[300], fa[4096], fb[4096], fo[4096];
	struct stat st1, st2;
	(void)state;
	snprintf(cache, sizeof(cache), "%s/cache/sub", g_tmp); /* created with its parents */

	shuan_rules *plain = load(SHUAN_TEST_RULES_DIR, NULL, &off);
	assert_int_equal(off.state, SHUAN_RULES_CACHE_OFF);
	assert_string_equal(off.path, "");

	shuan_rules *first = load(SHUAN_TEST_RULES_DIR, cache, &a);
	assert_int_equal(a.state, SHUAN_RULES_CACHE_STORED);
	assert_string_equal(a.note, "");
	assert_non_null(strstr(a.path, cache));
	assert_int_equal(stat(a.path, &st1), 0);

	shuan_rules *second = load(SHUAN_TEST_RULES_DIR, cache, &b);
	assert_int_equal(b.state, SHUAN_RULES_CACHE_HIT);
	assert_string_equal(b.note, "");
	assert_string_equal(a.path, b.path);
	assert_int_equal(stat(b.path, &st2), 0);
	assert_true(st1.st_ino == st2.st_ino && st1.st_mtime == st2.st_mtime); /* not rewritten */

	findings(plain, SAMPLE, fo);
	findings(first, SAMPLE, fa);
	findings(second, SAMPLE, fb);
	assert_non_null(strstr(fo, "cn_mobile:"));
	assert_non_null(strstr(fo, "email:"));
	assert_non_null(strstr(fo, "cn_resident_id:"));
	assert_string_equal(fo, fa);
	assert_string_equal(fo, fb);
	assert_int_equal(count_files(cache, ".vectorscan-"), 0); /* no temporary file left */

	/* another selection is another key, kept beside the first */
	shuan_rules_options o = SHUAN_RULES_OPTIONS_INIT;
	const char *only[] = {"email", NULL};
	shuan_rules *sel = NULL;
	shuan_rules_cache_info c;
	o.only = only;
	o.cache_dir = cache;
	assert_int_equal(shuan_rules_load(&sel, SHUAN_TEST_RULES_DIR, &o, NULL, 0), 0);
	shuan_rules_cache_get(sel, &c);
	assert_int_equal(c.state, SHUAN_RULES_CACHE_STORED);
	assert_string_not_equal(c.path, a.path);
	assert_int_equal(count_files(cache, "vectorscan-"), 2);

	shuan_rules_free(sel);
	shuan_rules_free(plain);
	shuan_rules_free(first);
	shuan_rules_free(second);
}

static void test_version_1_options_have_no_cache(void **state)
{
	shuan_rules_options o = {1, NULL, NULL, "/nonexistent/never-read", false};
	shuan_rules *r = NULL;
	shuan_rules_cache_info ci;
	(void)state;
	assert_int_equal(shuan_rules_load(&r, SHUAN_TEST_RULES_DIR, &o, NULL, 0), 0);
	shuan_rules_cache_get(r, &ci);
	assert_int_equal(ci.state, SHUAN_RULES_CACHE_OFF);
	shuan_rules_free(r);
	o.version = 3;
	assert_int_equal(shuan_rules_load(&r, SHUAN_TEST_RULES_DIR, &o, NULL, 0), SHUAN_EINVAL);
	assert_null(r);
}

static void run(const char *cmd)
{
	assert_int_equal(system(cmd), 0);
}

static void test_edited_rules_are_compiled_again(void **state)
{
	char rules[300], cache[300], cmd[1024], f1[4096], f2[4096];
	shuan_rules_cache_info a, b;
	(void)state;
	snprintf(rules, sizeof(rules), "%s/rules", g_tmp);
	snprintf(cache, sizeof(cache), "%s/cache", g_tmp);
	snprintf(cmd, sizeof(cmd), "cp -r '%s' '%s'", SHUAN_TEST_RULES_DIR, rules);
	run(cmd);

	char p1[4096], p2[4096];
	shuan_rules *r1 = load(rules, cache, &a);
	assert_int_equal(a.state, SHUAN_RULES_CACHE_STORED);
	snprintf(p1, sizeof(p1), "%s", a.path); /* a's strings die with r1 */
	findings(r1, SAMPLE, f1);
	assert_non_null(strstr(f1, "email:"));
	shuan_rules_free(r1);

	/* The e-mail pattern now only accepts .org addresses: a stale
	 * database would still report the .com one. */
	snprintf(cmd, sizeof(cmd),
		 "sed -i 's/[.]\\[A-Za-z0-9[.]\\\\-\\]+/.org/' '%s/detectors/email.yaml' && "
		 "grep -q 'org' '%s/detectors/email.yaml'",
		 rules, rules);
	run(cmd);
	shuan_rules *r2 = load(rules, cache, &b);
	assert_int_equal(b.state, SHUAN_RULES_CACHE_STORED);
	assert_string_not_equal(p1, b.path);
	snprintf(p2, sizeof(p2), "%s", b.path);
	findings(r2, SAMPLE, f2);
	assert_null(strstr(f2, "email:"));
	assert_non_null(strstr(f2, "cn_mobile:"));
	shuan_rules_free(r2);

	/* A comment is an edit of the rule file too: a new key. */
	snprintf(cmd, sizeof(cmd), "echo '# note' >> '%s/detectors/cn_mobile.yaml'", rules);
	run(cmd);
	shuan_rules *r3 = load(rules, cache, &a);
	assert_int_equal(a.state, SHUAN_RULES_CACHE_STORED);
	assert_string_not_equal(a.path, p2);
	assert_string_not_equal(a.path, p1);
	shuan_rules_free(r3);
}

static void test_file_of_other_rules_is_refused(void **state)
{
	char cache[300], cmd[9000], f[4096], fo[4096];
	shuan_rules_cache_info all, one, again;
	shuan_rules_options o = SHUAN_RULES_OPTIONS_INIT;
	const char *only[] = {"email", NULL};
	shuan_rules *r = NULL, *plain;
	(void)state;
	snprintf(cache, sizeof(cache), "%s/cache", g_tmp);

	shuan_rules *a = load(SHUAN_TEST_RULES_DIR, cache, &all);
	o.only = only;
	o.cache_dir = cache;
	assert_int_equal(shuan_rules_load(&r, SHUAN_TEST_RULES_DIR, &o, NULL, 0), 0);
	shuan_rules_cache_get(r, &one);
	char one_path[4096];
	snprintf(one_path, sizeof(one_path), "%s", one.path);
	shuan_rules_free(r);
	r = NULL;
	/* the all-detectors database copied over the e-mail-only file's name */
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", all.path, one_path);
	run(cmd);
	shuan_rules_free(a);

	assert_int_equal(shuan_rules_load(&r, SHUAN_TEST_RULES_DIR, &o, NULL, 0), 0);
	shuan_rules_cache_get(r, &again);
	assert_int_equal(again.state, SHUAN_RULES_CACHE_STORED);
	assert_non_null(strstr(again.note, "compiled from other rules"));
	findings(r, SAMPLE, f);
	assert_non_null(strstr(f, "email:"));
	assert_null(strstr(f, "cn_mobile:")); /* the copied database would report mobiles */
	shuan_rules_free(r);
	r = NULL;

	/* replaced by a sound file: the next load is a hit */
	assert_int_equal(shuan_rules_load(&r, SHUAN_TEST_RULES_DIR, &o, NULL, 0), 0);
	shuan_rules_cache_get(r, &again);
	assert_int_equal(again.state, SHUAN_RULES_CACHE_HIT);
	plain = load(SHUAN_TEST_RULES_DIR, NULL, &all);
	shuan_rules_free(plain);
	findings(r, SAMPLE, fo);
	assert_string_equal(f, fo);
	shuan_rules_free(r);
}

/* Overwrites `n` bytes at `off` (from the end when off < 0), or truncates
 * to `trunc` bytes when trunc >= 0. */
static void damage(const char *path, long off, const char *bytes, size_t n, long trunc)
{
	int fd = open(path, O_RDWR);
	struct stat st;
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	if (trunc >= 0) {
		assert_int_equal(ftruncate(fd, trunc), 0);
	} else {
		off_t at = off < 0 ? st.st_size + off : off;
		assert_int_equal(pwrite(fd, bytes, n, at), (ssize_t)n);
	}
	close(fd);
}

/* The cache header's size (lib/match/cache.c): magic, format, reserved,
 * key, payload length, payload SHA-256; the payload opens with the
 * pattern count. */
#define CACHE_HEADER (8 + 4 + 4 + 32 + 8 + 32)

/* Adds one to the file's pattern count and writes the payload's checksum
 * again, so that only the count is wrong. */
static void recount(const char *path)
{
	int fd = open(path, O_RDWR);
	struct stat st;
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	unsigned char *b = malloc((size_t)st.st_size), sum[32];
	unsigned int n = 0;
	assert_non_null(b);
	assert_int_equal(pread(fd, b, (size_t)st.st_size, 0), st.st_size);
	b[CACHE_HEADER]++;
	assert_int_equal(EVP_Digest(b + CACHE_HEADER, (size_t)st.st_size - CACHE_HEADER, sum, &n, EVP_sha256(), NULL), 1);
	memcpy(b + 56, sum, 32);
	assert_int_equal(pwrite(fd, b, (size_t)st.st_size, 0), st.st_size);
	close(fd);
	free(b);
}

static void expect_recompiled(const char *cache, const char *why)
{
	shuan_rules_cache_info ci;
	char f[4096], fo[4096];
	shuan_rules *plain = load(SHUAN_TEST_RULES_DIR, NULL, &ci);
	shuan_rules *r = load(SHUAN_TEST_RULES_DIR, cache, &ci);
	assert_int_equal(ci.state, SHUAN_RULES_CACHE_STORED);
	if (!strstr(ci.note, why))
		fail_msg("note '%s' does not say '%s'", ci.note, why);
	findings(r, SAMPLE, f);
	findings(plain, SAMPLE, fo);
	assert_string_equal(f, fo);
	shuan_rules_free(r);
	shuan_rules_free(plain);
	r = load(SHUAN_TEST_RULES_DIR, cache, &ci); /* the file was replaced */
	assert_int_equal(ci.state, SHUAN_RULES_CACHE_HIT);
	shuan_rules_free(r);
}

static void test_damaged_file_is_recompiled(void **state)
{
	char cache[300], path[4096];
	shuan_rules_cache_info ci;
	(void)state;
	snprintf(cache, sizeof(cache), "%s/cache", g_tmp);
	shuan_rules *r = load(SHUAN_TEST_RULES_DIR, cache, &ci);
	snprintf(path, sizeof(path), "%s", ci.path);
	shuan_rules_free(r);

	damage(path, -100, "\xff\x00\xff\x00", 4, -1); /* inside the compiled patterns */
	expect_recompiled(cache, "damaged (checksum mismatch)");
	damage(path, 0, NULL, 0, 4000);
	expect_recompiled(cache, "truncated");
	damage(path, 0, NULL, 0, 10);
	expect_recompiled(cache, "not a rules cache file");
	damage(path, 0, "garbage!", 8, -1);
	expect_recompiled(cache, "not a rules cache file");
	damage(path, 8, "\x07", 1, -1); /* another format version */
	expect_recompiled(cache, "another version of the cache format");
	damage(path, 8, "\x01", 1, -1); /* format 1, before the widths */
	expect_recompiled(cache, "another version of the cache format");
	damage(path, CACHE_HEADER + 4, "\xff\xff", 2, -1); /* inside the widths */
	expect_recompiled(cache, "damaged (checksum mismatch)");
	/* a sound file for another number of patterns (only a crafted file
	 * is: the count is in the key) */
	recount(path);
	expect_recompiled(cache, "another number of patterns");
	damage(path, 0, NULL, 0, 0);
	expect_recompiled(cache, "not a rules cache file");
}

static void test_unwritable_directory_only_notes(void **state)
{
	char file[300], cache[400], f[4096], fo[4096];
	shuan_rules_cache_info ci;
	(void)state;
	/* a cache "directory" below a regular file can never be created,
	 * whoever runs the test (root ignores permission bits) */
	snprintf(file, sizeof(file), "%s/plainfile", g_tmp);
	FILE *fp = fopen(file, "w");
	assert_non_null(fp);
	fclose(fp);
	snprintf(cache, sizeof(cache), "%s/cache", file);
	shuan_rules *plain = load(SHUAN_TEST_RULES_DIR, NULL, &ci);
	shuan_rules *r = load(SHUAN_TEST_RULES_DIR, cache, &ci);
	assert_int_equal(ci.state, SHUAN_RULES_CACHE_UNWRITABLE);
	assert_non_null(strstr(ci.note, "cannot be written"));
	assert_non_null(strstr(ci.note, "shuan rules compile"));
	findings(r, SAMPLE, f);
	findings(plain, SAMPLE, fo);
	assert_string_equal(f, fo);
	shuan_rules_free(r);

	/* a read-only directory holding a pre-built cache: a hit, nothing written */
	snprintf(cache, sizeof(cache), "%s/ro", g_tmp);
	r = load(SHUAN_TEST_RULES_DIR, cache, &ci);
	assert_int_equal(ci.state, SHUAN_RULES_CACHE_STORED);
	shuan_rules_free(r);
	assert_int_equal(chmod(cache, 0555), 0);
	r = load(SHUAN_TEST_RULES_DIR, cache, &ci);
	assert_int_equal(ci.state, SHUAN_RULES_CACHE_HIT);
	assert_string_equal(ci.note, "");
	shuan_rules_free(r);
	if (geteuid() != 0) {
		/* permission bits bind everyone but root */
		char other[500];
		snprintf(other, sizeof(other), "%s/sub", cache);
		r = load(SHUAN_TEST_RULES_DIR, other, &ci);
		assert_int_equal(ci.state, SHUAN_RULES_CACHE_UNWRITABLE);
		shuan_rules_free(r);
	}
	assert_int_equal(chmod(cache, 0755), 0);
	shuan_rules_free(plain);
}

static void test_processes_at_once(void **state)
{
	enum { N = 4 };
	char cache[300], go = 'g';
	int start[2];
	pid_t pids[N];
	shuan_rules_cache_info ci;
	(void)state;
	snprintf(cache, sizeof(cache), "%s/shared", g_tmp);
	assert_int_equal(pipe(start), 0);
	for (int i = 0; i < N; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			/* wait for the start signal, so every process misses and writes */
			char c;
			close(start[1]);
			if (read(start[0], &c, 1) != 1)
				_exit(3);
			shuan_rules_options o = SHUAN_RULES_OPTIONS_INIT;
			shuan_rules *r = NULL;
			char f[4096];
			o.cache_dir = cache;
			if (shuan_rules_load(&r, SHUAN_TEST_RULES_DIR, &o, NULL, 0) != 0)
				_exit(1);
			shuan_rules_cache_get(r, &ci);
			shuan_scanner *s = NULL;
			shuan_input in = {"t.txt", "t.txt", SHUAN_FORMAT_TEXT};
			f[0] = '\0';
			if (shuan_scanner_new(&s, r, NULL) ||
			    shuan_scanner_scan_buffer(s, &in, SAMPLE, strlen(SAMPLE), add, f, NULL) ||
			    !strstr(f, "cn_resident_id:"))
				_exit(2);
			shuan_scanner_free(s);
			int st = ci.state == SHUAN_RULES_CACHE_STORED || ci.state == SHUAN_RULES_CACHE_HIT ? 0 : 4;
			shuan_rules_free(r);
			_exit(st);
		}
	}
	close(start[0]);
	for (int i = 0; i < N; i++)
		assert_int_equal(write(start[1], &go, 1), 1);
	close(start[1]);
	for (int i = 0; i < N; i++) {
		int st = 0;
		assert_int_equal(waitpid(pids[i], &st, 0), pids[i]);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	}
	assert_int_equal(count_files(cache, "vectorscan-"), 1);
	assert_int_equal(count_files(cache, ".vectorscan-"), 0);
	shuan_rules *r = load(SHUAN_TEST_RULES_DIR, cache, &ci);
	assert_int_equal(ci.state, SHUAN_RULES_CACHE_HIT);
	shuan_rules_free(r);
}

static void test_read_only_reads_never_writes(void **state)
{
	char cache[300];
	shuan_rules_options o = SHUAN_RULES_OPTIONS_INIT;
	shuan_rules *r = NULL;
	shuan_rules_cache_info ci;
	struct stat st;
	(void)state;
	snprintf(cache, sizeof(cache), "%s/ro-by-request", g_tmp);
	o.cache_dir = cache;
	o.cache_read_only = true;
	assert_int_equal(shuan_rules_load(&r, SHUAN_TEST_RULES_DIR, &o, NULL, 0), 0);
	shuan_rules_cache_get(r, &ci);
	assert_int_equal(ci.state, SHUAN_RULES_CACHE_MISS);
	assert_string_equal(ci.note, "");
	assert_int_not_equal(stat(cache, &st), 0); /* not even the directory */
	shuan_rules_free(r);
	r = load(SHUAN_TEST_RULES_DIR, cache, &ci); /* a writer fills it */
	assert_int_equal(ci.state, SHUAN_RULES_CACHE_STORED);
	char path[4096];
	snprintf(path, sizeof(path), "%s", ci.path);
	shuan_rules_free(r);
	r = NULL;
	assert_int_equal(shuan_rules_load(&r, SHUAN_TEST_RULES_DIR, &o, NULL, 0), 0);
	shuan_rules_cache_get(r, &ci);
	assert_int_equal(ci.state, SHUAN_RULES_CACHE_HIT);
	shuan_rules_free(r);
	r = NULL;
	damage(path, -50, "XXXX", 4, -1);
	assert_int_equal(stat(path, &st), 0);
	time_t before = st.st_mtime;
	ino_t ino = st.st_ino;
	assert_int_equal(shuan_rules_load(&r, SHUAN_TEST_RULES_DIR, &o, NULL, 0), 0);
	shuan_rules_cache_get(r, &ci);
	assert_int_equal(ci.state, SHUAN_RULES_CACHE_MISS);
	assert_non_null(strstr(ci.note, "damaged"));
	assert_non_null(strstr(ci.note, "not replaced"));
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_ino == ino && st.st_mtime == before);
	shuan_rules_free(r);
}

static void test_default_dir(void **state)
{
	char buf[512], small[8];
	(void)state;
	setenv("SHUAN_CACHE_DIR", "/x/own", 1);
	setenv("XDG_CACHE_HOME", "/x/xdg", 1);
	setenv("HOME", "/x/home", 1);
	assert_int_equal(shuan_rules_cache_default_dir(buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/x/own");
	unsetenv("SHUAN_CACHE_DIR");
	assert_int_equal(shuan_rules_cache_default_dir(buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/x/xdg/shuan");
	setenv("XDG_CACHE_HOME", "relative", 1); /* invalid per the XDG spec: ignored */
	assert_int_equal(shuan_rules_cache_default_dir(buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/x/home/.cache/shuan");
	assert_int_equal(shuan_rules_cache_default_dir(small, sizeof(small)), SHUAN_ELIMIT);
	unsetenv("XDG_CACHE_HOME");
	unsetenv("HOME");
	assert_int_equal(shuan_rules_cache_default_dir(buf, sizeof(buf)), SHUAN_ENOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hit_finds_the_same, setup, teardown),
		cmocka_unit_test_setup_teardown(test_version_1_options_have_no_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edited_rules_are_compiled_again, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_of_other_rules_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_file_is_recompiled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unwritable_directory_only_notes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_processes_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_only_reads_never_writes, setup, teardown),
		cmocka_unit_test(test_default_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
