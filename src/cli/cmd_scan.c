/*
 * cli/cmd_scan.c - `shuan scan`: walks the named paths (or reads stdin),
 * scans every input, writes findings in the chosen format, records the
 * summary in the store, and sets the exit code for CI gates.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "lib/output/output.h"
#include "shuan/jobs.h"
#include "shuan/scanner.h"
#include "shuan/source.h"
#include "shuan/stats.h"
#include "shuan/store.h"
#include "shuan/walk.h"

enum {
	OPT_FORMAT = 'f', OPT_OUT = 'o', OPT_QUIET = 'q', OPT_HELP = 'h',
	OPT_REVEAL = 256, OPT_STORE, OPT_NO_STORE, OPT_FAIL_ON, OPT_DETECTORS, OPT_EXCLUDE_DETECTORS,
	OPT_INCLUDE, OPT_EXCLUDE, OPT_MIN_CONF, OPT_MAX_FILE_SIZE, OPT_DATE, OPT_RULES, OPT_FINGERPRINT,
	OPT_INPUT_FORMAT, OPT_COLOR, OPT_PART_SIZE, OPT_ENCODING, OPT_MAX_DEPTH, OPT_MAX_EXPANDED, OPT_MAX_RATIO,
	OPT_CACHE, OPT_NO_CACHE,
	OPT_JOBS = 'j',
};

static const cli_option scan_options[] = {
	{"format", 'f', required_argument, "FMT", "text, jsonl, json, sarif, csv, or summary (counts only) (default: text on a terminal, else jsonl)", OPT_FORMAT},
	{"out", 'o', required_argument, "FILE", "write findings to FILE instead of standard output", OPT_OUT},
	{"reveal", 0, no_argument, NULL, "show raw values (default: masked evidence only)", OPT_REVEAL},
	{"fail-on", 0, required_argument, "LEVEL", "exit 1 when findings at LEVEL exist: any, sensitive or none (default: any)", OPT_FAIL_ON},
	{"detectors", 0, required_argument, "IDS", "only these detectors (comma-separated ids; see 'shuan detectors')", OPT_DETECTORS},
	{"exclude-detectors", 0, required_argument, "IDS", "all detectors but these", OPT_EXCLUDE_DETECTORS},
	{"include", 0, required_argument, "GLOB", "scan only files matching GLOB (repeatable)", OPT_INCLUDE},
	{"exclude", 0, required_argument, "GLOB", "skip files and directories matching GLOB (repeatable)", OPT_EXCLUDE},
	{"input-format", 0, required_argument, "FMT", "treat inputs as auto, text, csv, tsv, json or jsonl (default: auto)", OPT_INPUT_FORMAT},
	{"encoding", 0, required_argument, "NAME", "read inputs as auto, utf-8, gb18030, gbk, gb2312, utf-16le or utf-16be (default: auto)", OPT_ENCODING},
	{"min-confidence", 0, required_argument, "X", "drop findings below confidence X (0..1, default: 0)", OPT_MIN_CONF},
	{"max-file-size", 0, required_argument, "SIZE", "skip inputs larger than SIZE (e.g. 500M, 2G; default: no limit)", OPT_MAX_FILE_SIZE},
	{"max-depth", 0, required_argument, "N", "open archives nested up to N levels deep (default: 3)", OPT_MAX_DEPTH},
	{"max-expanded", 0, required_argument, "SIZE", "stop reading an archive that expands beyond SIZE (default: 16G)", OPT_MAX_EXPANDED},
	{"max-ratio", 0, required_argument, "X", "stop reading an archive that expands more than X times its size, judged after 64 MiB (default: 200)", OPT_MAX_RATIO},
	{"date", 0, required_argument, "YYYY-MM-DD", "the scan date for ages and future-date checks (default: today)", OPT_DATE},
	{"store", 0, required_argument, "DIR", "store directory (default: $SHUAN_STORE or ~/.local/share/shuan)", OPT_STORE},
	{"no-store", 0, no_argument, NULL, "write nothing to disk (a rules cache is read, not written, unless --cache names it); fingerprints use a throwaway key", OPT_NO_STORE},
	{"fingerprint", 0, required_argument, "ALG", "fingerprint HMAC: sm3 or sha256 (default: sm3)", OPT_FINGERPRINT},
	{"rules", 0, required_argument, "DIR", "rules directory (default: $SHUAN_RULES or the installed rules)", OPT_RULES},
	{"cache", 0, required_argument, "DIR", "compiled-patterns cache (default: $SHUAN_CACHE_DIR, else $XDG_CACHE_HOME/shuan, else ~/.cache/shuan; see 'shuan rules compile')", OPT_CACHE},
	{"no-cache", 0, no_argument, NULL, "compile the patterns in memory; read and write no cache", OPT_NO_CACHE},
	{"color", 0, required_argument, "WHEN", "auto, always or never (text format)", OPT_COLOR},
	{"jobs", 'j', required_argument, "N", "scan with N threads; large files are split across them (default: the number of cores)", OPT_JOBS},
	{"part-size", 0, required_argument, "SIZE", "split files of at least 4 x SIZE into parts of SIZE across jobs (default: 16M)", OPT_PART_SIZE},
	{"quiet", 'q', no_argument, NULL, "no progress line and no messages about skipped inputs on stderr", OPT_QUIET},
	{"help", 'h', no_argument, NULL, "show this help", OPT_HELP},
};
#define N_SCAN_OPTIONS (sizeof(scan_options) / sizeof(scan_options[0]))

static void scan_usage(FILE *out)
{
	fprintf(out, "usage: shuan scan [options] [PATH...]\n\n"
		     "Finds personal information (个人信息) and sensitive personal information (敏感个人信息)\n"
		     "in files, directories (recursively) or standard input (no PATH, or '-').\n"
		     "Reads text, CSV/TSV, JSON/JSON Lines, .xlsx cells and .docx text, and archives\n"
		     "(.zip .tar .gz .bz2 .xz .zst .7z …, nested; members shown as a.zip!dir/x.log).\n\n"
		     "options:\n");
	cli_options_help(out, scan_options, N_SCAN_OPTIONS);
	fprintf(out, "\nexit status: 0 nothing at or above --fail-on, 1 findings, 2 usage or runtime error.\n");
}

/* Files of at least 4 parts are split into parts of PART_SIZE across jobs. */
#define PART_SIZE (16ull << 20)

/* Set from the SIGINT handler; the scanner polls it between chunks. */
static atomic_int g_cancel;

static void on_sigint(int sig)
{
	(void)sig;
	atomic_store(&g_cancel, 1);
}

typedef struct scan_run {
	shuan_stats *stats;   /* walk problems; workers' stats merge in */
	bool quiet;
	bool error;
	char **files;         /* what the walk found, in walk order */
	size_t nfiles, capfiles;
} scan_run;

/* What the jobs pool hands back: findings in order, finished inputs. */
typedef struct scan_sink {
	shuan_output *rep;
	int fail_on;                    /* 0 none, 1 any, 2 sensitive */
	bool quiet;
	unsigned long long gate_hits;   /* findings at or above --fail-on */
} scan_sink;

static void sink_finding(const shuan_finding *f, void *ud)
{
	scan_sink *k = ud;
	if (k->fail_on == 1 || (k->fail_on == 2 && f->sensitive))
		k->gate_hits++;
	k->rep->ops->finding(k->rep, f);
	k->rep->count++;
}

/* The option of `shuan scan` that sets a limit, for messages. */
static const char *limit_flag(shuan_limit l)
{
	switch (l) {
	case SHUAN_LIMIT_FILE_SIZE: return " (--max-file-size)";
	case SHUAN_LIMIT_DEPTH: return " (--max-depth)";
	case SHUAN_LIMIT_EXPANDED: return " (--max-expanded)";
	case SHUAN_LIMIT_RATIO: return " (--max-ratio)";
	default: return "";
	}
}

static void sink_input(const char *path, const shuan_input_result *res, void *ud)
{
	scan_sink *k = ud;
	if (k->quiet)
		return;
	if (res->skipped)
		fprintf(stderr, "shuan: %s: skipped: %s%s\n", path, res->reason, limit_flag(res->limit));
	else if (res->warning[0])
		fprintf(stderr, "shuan: %s: warning: %s%s\n", path, res->warning, limit_flag(res->limit));
	if (res->skipped)
		return;
	if (res->invalid_utf8)
		fprintf(stderr, "shuan: %s: warning: %llu invalid UTF-8 sequences (scanned anyway)\n", path,
			(unsigned long long)res->invalid_utf8);
	else if (res->invalid_bytes)
		fprintf(stderr, "shuan: %s: warning: %llu invalid %s bytes replaced by U+FFFD (scanned anyway)\n", path,
			(unsigned long long)res->invalid_bytes, res->encoding);
}

/* The progress line: files, bytes, speed, ETA, rewritten in place on stderr. */
typedef struct progress {
	const shuan_jobs *jobs;
	pthread_t thread;
	atomic_int stop;
} progress;

static double now_seconds(void);

static void *progress_main(void *arg)
{
	progress *pg = arg;
	double t0 = now_seconds();
	while (!atomic_load(&pg->stop)) {
		struct timespec ts = {0, 250 * 1000 * 1000};
		shuan_jobs_progress p;
		nanosleep(&ts, NULL);
		shuan_jobs_progress_get(pg->jobs, &p);
		double el = now_seconds() - t0, done = (double)p.bytes_done;
		double rate = el > 0 ? done / el : 0;
		char eta[32] = "";
		if (rate > 0 && (double)p.bytes_total > done)
			snprintf(eta, sizeof(eta), ", ETA %.0f s", ((double)p.bytes_total - done) / rate);
		fprintf(stderr, "\r\033[Kshuan: %zu/%zu files, %.1f/%.1f MB, %.1f MB/s%s", p.files_done,
			p.files_total, done / 1e6, (double)p.bytes_total / 1e6, rate / 1e6, eta);
	}
	fputs("\r\033[K", stderr);
	return NULL;
}

static int on_file(const char *path, void *ud)
{
	scan_run *run = ud;
	if (run->nfiles == run->capfiles) {
		size_t cap = run->capfiles ? run->capfiles * 2 : 256;
		char **v = realloc(run->files, cap * sizeof(*v));
		if (!v)
			return 1;
		run->files = v;
		run->capfiles = cap;
	}
	if (!(run->files[run->nfiles] = strdup(path)))
		return 1;
	run->nfiles++;
	return 0;
}

static int on_skip(const char *path, const char *reason, void *ud)
{
	scan_run *run = ud;
	shuan_stats_add_skip(run->stats, reason);
	if (!run->quiet)
		fprintf(stderr, "shuan: %s: skipped: %s\n", path, reason);
	return 0;
}

static int push_glob(const char ***list, size_t *n, const char *g)
{
	const char **v = realloc(*list, (*n + 2) * sizeof(*v));
	if (!v)
		return -1;
	v[(*n)++] = g;
	v[*n] = NULL;
	*list = v;
	return 0;
}

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || v < 0)
		return -1;
	switch (*end) {
	case 'k': case 'K': v *= 1024; end++; break;
	case 'm': case 'M': v *= 1024 * 1024; end++; break;
	case 'g': case 'G': v *= 1024.0 * 1024 * 1024; end++; break;
	default: break;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

static int parse_format(const char *s, shuan_format *f)
{
	static const char *const names[] = {"auto", "text", "csv", "tsv", "json", "jsonl"};
	for (int i = 0; i < 6; i++)
		if (!strcmp(s, names[i])) {
			*f = (shuan_format)i;
			return 0;
		}
	return -1;
}

static void iso_now(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cmd_scan(int argc, char **argv)
{
	const char *format = NULL, *out_path = NULL, *store_opt = NULL, *rules_opt = NULL, *color = "auto";
	const char *cache_opt = NULL;
	bool no_cache = false;
	char cache_dir[4096];
	const char **only = NULL, **exclude_dets = NULL, **include = NULL, **exclude = NULL;
	size_t n_include = 0, n_exclude = 0;
	bool reveal = false, no_store = false;
	shuan_scan_options so = SHUAN_SCAN_OPTIONS_INIT;
	shuan_source_options src = SHUAN_SOURCE_OPTIONS_INIT;
	shuan_rules_options ro = SHUAN_RULES_OPTIONS_INIT;
	scan_run run = {0};
	shuan_output rep = {0};
	shuan_jobs_options jo = SHUAN_JOBS_OPTIONS_INIT;
	shuan_jobs_result jr = {0};
	shuan_jobs *pool = NULL;
	scan_sink sink = {0};
	progress prog = {0};
	bool prog_started = false;
	shuan_rules *rules = NULL;
	shuan_store *store = NULL;
	unsigned char key[32];
	char errbuf[1024], store_dir[4096], started[32], shortopts[64];
	shuan_output_summary sum = {0};
	int exit_code = CLI_EXIT_ERROR, c, fail_on = 1;
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t part_size = PART_SIZE;

	so.fingerprint_alg = SHUAN_FP_HMAC_SM3;
	const struct option *longopts = cli_options_build(scan_options, N_SCAN_OPTIONS, shortopts, sizeof(shortopts));
	optind = 1;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case OPT_FORMAT: format = optarg; break;
		case OPT_OUT: out_path = optarg; break;
		case OPT_REVEAL: reveal = true; break;
		case OPT_QUIET: run.quiet = true; break;
		case OPT_STORE: store_opt = optarg; break;
		case OPT_NO_STORE: no_store = true; break;
		case OPT_RULES: rules_opt = optarg; break;
		case OPT_CACHE: cache_opt = optarg; break;
		case OPT_NO_CACHE: no_cache = true; break;
		case OPT_COLOR: color = optarg; break;
		case OPT_DETECTORS: only = cli_split_ids(optarg); break;
		case OPT_EXCLUDE_DETECTORS: exclude_dets = cli_split_ids(optarg); break;
		case OPT_INCLUDE: push_glob(&include, &n_include, optarg); break;
		case OPT_EXCLUDE: push_glob(&exclude, &n_exclude, optarg); break;
		case OPT_JOBS: {
			char *end;
			jobs = strtol(optarg, &end, 10);
			if (*end || jobs < 1 || jobs > 256) {
				fprintf(stderr, "shuan scan: --jobs takes a number from 1 to 256\n");
				goto cleanup;
			}
			break;
		}
		case OPT_PART_SIZE:
			if (parse_size(optarg, &part_size) || part_size < 4096) {
				fprintf(stderr, "shuan scan: --part-size takes a size of at least 4K\n");
				goto cleanup;
			}
			break;
		case OPT_FAIL_ON:
			if (!strcmp(optarg, "none")) fail_on = 0;
			else if (!strcmp(optarg, "any")) fail_on = 1;
			else if (!strcmp(optarg, "sensitive")) fail_on = 2;
			else { fprintf(stderr, "shuan scan: --fail-on takes any, sensitive or none\n"); goto cleanup; }
			break;
		case OPT_MIN_CONF: {
			char *end;
			so.min_confidence = strtod(optarg, &end);
			if (*end || so.min_confidence < 0 || so.min_confidence > 1) {
				fprintf(stderr, "shuan scan: --min-confidence takes a number from 0 to 1\n");
				goto cleanup;
			}
			break;
		}
		case OPT_MAX_FILE_SIZE:
			if (parse_size(optarg, &so.max_file_size)) {
				fprintf(stderr, "shuan scan: --max-file-size takes a size such as 500M or 2G\n");
				goto cleanup;
			}
			break;
		case OPT_MAX_DEPTH: {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || end == optarg || v < 1 || v > 64) {
				fprintf(stderr, "shuan scan: --max-depth takes a number from 1 to 64\n");
				goto cleanup;
			}
			src.max_depth = (int)v;
			break;
		}
		case OPT_MAX_EXPANDED:
			if (parse_size(optarg, &src.max_expanded) || !src.max_expanded) {
				fprintf(stderr, "shuan scan: --max-expanded takes a size such as 500M or 16G\n");
				goto cleanup;
			}
			break;
		case OPT_MAX_RATIO: {
			char *end;
			src.max_ratio = strtod(optarg, &end);
			if (*end || end == optarg || !(src.max_ratio >= 1)) {
				fprintf(stderr, "shuan scan: --max-ratio takes a number of at least 1\n");
				goto cleanup;
			}
			break;
		}
		case OPT_DATE:
			if (sscanf(optarg, "%d-%d-%d", &so.year, &so.month, &so.day) != 3 || so.year < 1900 ||
			    so.month < 1 || so.month > 12 || so.day < 1 || so.day > 31) {
				fprintf(stderr, "shuan scan: --date takes YYYY-MM-DD\n");
				goto cleanup;
			}
			break;
		case OPT_FINGERPRINT:
			if (!strcmp(optarg, "sm3")) so.fingerprint_alg = SHUAN_FP_HMAC_SM3;
			else if (!strcmp(optarg, "sha256")) so.fingerprint_alg = SHUAN_FP_HMAC_SHA256;
			else { fprintf(stderr, "shuan scan: --fingerprint takes sm3 or sha256\n"); goto cleanup; }
			break;
		case OPT_INPUT_FORMAT:
			if (parse_format(optarg, &so.format)) {
				fprintf(stderr, "shuan scan: --input-format takes auto, text, csv, tsv, json or jsonl\n");
				goto cleanup;
			}
			break;
		case OPT_ENCODING:
			so.encoding = optarg;
			break;
		case OPT_HELP:
			scan_usage(stdout);
			exit_code = CLI_EXIT_OK;
			goto cleanup;
		default:
			scan_usage(stderr);
			goto cleanup;
		}
	}
	if (!format)
		format = (!out_path && isatty(STDOUT_FILENO)) ? "text" : "jsonl";
	if (!(rep.ops = shuan_output_ops_for(format))) {
		fprintf(stderr, "shuan scan: unknown --format '%s' (text, jsonl, json, sarif, csv, summary)\n", format);
		goto cleanup;
	}
	if (optind >= argc && isatty(STDIN_FILENO)) {
		fprintf(stderr, "shuan scan: name the files or directories to scan, or pipe data in ('-')\n");
		scan_usage(stderr);
		goto cleanup;
	}

	ro.only = only;
	ro.exclude = exclude_dets;
	ro.cache_dir = cli_cache_dir(cache_opt, no_cache, cache_dir, sizeof(cache_dir));
	ro.cache_read_only = no_store && !cache_opt; /* --no-store writes nothing it was not asked to */
	if (shuan_rules_load(&rules, cli_rules_dir(rules_opt), &ro, errbuf, sizeof(errbuf)) != 0) {
		fprintf(stderr, "shuan scan: cannot load rules: %s\n", errbuf);
		goto cleanup;
	}
	shuan_rules_cache_info cache_info;
	shuan_rules_cache_get(rules, &cache_info);
	if (cache_info.note[0] && !run.quiet)
		fprintf(stderr, "shuan scan: note: %s\n", cache_info.note);
	if (!no_store) {
		if (cli_store_dir(store_opt, store_dir, sizeof(store_dir)) != 0)
			goto cleanup;
		if (shuan_store_open(&store, store_dir, errbuf, sizeof(errbuf)) != 0) {
			fprintf(stderr, "shuan scan: store: %s (use --no-store to scan without one)\n", errbuf);
			goto cleanup;
		}
		if (shuan_store_fingerprint_key(store, key) != 0) {
			fprintf(stderr, "shuan scan: store: %s\n", shuan_store_errmsg(store));
			goto cleanup;
		}
		sum.store_dir = store_dir;
	} else if (shuan_random_bytes(key, sizeof(key)) != 0) {
		fprintf(stderr, "shuan scan: no random bytes for a throwaway fingerprint key\n");
		goto cleanup;
	} else {
		sum.fingerprint_ephemeral = true;
	}
	sum.fingerprint_alg = so.fingerprint_alg == SHUAN_FP_HMAC_SM3 ? "hmac-sm3" : "hmac-sha256";
	so.fingerprint_key = key;
	so.fingerprint_key_len = sizeof(key);
	/* text and summary show no fingerprint: distinct counts need only the
	 * cheap keyed hash, not an HMAC per finding */
	so.distinct_only = !strcmp(format, "summary") || !strcmp(format, "text");
	so.cancel = &g_cancel;
	/* a probe scanner validates the options the workers will use */
	shuan_scanner *probe = NULL;
	int crc = shuan_scanner_new(&probe, rules, &so);
	shuan_scanner_free(probe);
	if (crc == SHUAN_EINVAL) {
		fprintf(stderr, "shuan scan: unknown --encoding '%s' (auto, utf-8, gb18030, gbk, gb2312, utf-16le, "
				"utf-16be)\n", so.encoding);
		goto cleanup;
	}
	if (crc != 0 || shuan_stats_new(&run.stats) != 0) {
		fprintf(stderr, "shuan scan: out of memory\n");
		goto cleanup;
	}

	rep.out = stdout;
	if (out_path) {
		/* Revealed values are personal information: keep the file private. */
		int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, reveal ? 0600 : 0644);
		if (fd < 0 || !(rep.out = fdopen(fd, "w"))) {
			fprintf(stderr, "shuan scan: cannot write %s: %s\n", out_path, strerror(errno));
			if (fd >= 0)
				close(fd);
			rep.out = NULL;
			goto cleanup;
		}
	}
	/* findings are many small writes: give the stream a large buffer */
	setvbuf(rep.out, NULL, _IOFBF, 1u << 20);
	rep.reveal = reveal;
	rep.rules = rules;
	rep.color = !strcmp(color, "always") ||
		    (!strcmp(color, "auto") && !out_path && isatty(STDOUT_FILENO) && !getenv("NO_COLOR"));
	signal(SIGINT, on_sigint);
	iso_now(started, sizeof(started));
	sum.started = started;
	double t0 = now_seconds();

	/* Walk first: the file list gives the progress line its total. */
	shuan_walk_options wo = SHUAN_WALK_OPTIONS_INIT;
	wo.include = include;
	wo.exclude = exclude;
	if (optind >= argc)
		on_file("-", &run);
	for (int i = optind; i < argc && !atomic_load(&g_cancel); i++) {
		struct stat st;
		if (!strcmp(argv[i], "-")) {
			on_file("-", &run);
			continue;
		}
		if (stat(argv[i], &st) != 0 && lstat(argv[i], &st) != 0) {
			fprintf(stderr, "shuan scan: %s: %s\n", argv[i], strerror(errno));
			shuan_stats_add_skip(run.stats, "named path does not exist");
			run.error = true;
			continue;
		}
		if (shuan_walk(argv[i], &wo, on_file, on_skip, &run) != 0) {
			fprintf(stderr, "shuan scan: out of memory while listing files\n");
			run.error = true;
			break;
		}
	}

	rep.ops->begin(&rep);
	jo.jobs = (int)jobs;
	jo.split_min = jobs > 1 ? 4 * part_size : 0;
	jo.part_size = part_size;
	jo.keep_values = reveal;
	sink.rep = &rep;
	sink.fail_on = fail_on;
	sink.quiet = run.quiet;
	shuan_jobs_sink js = {sink_finding, sink_input, &sink};
	int jrc = shuan_jobs_new(&pool, rules, &so, &src, &jo);
	if (jrc == 0 && !run.quiet && isatty(STDERR_FILENO)) {
		prog.jobs = pool;
		prog_started = pthread_create(&prog.thread, NULL, progress_main, &prog) == 0;
	}
	if (jrc == 0)
		jrc = shuan_jobs_run(pool, (const char *const *)run.files, run.nfiles, &js, run.stats, &jr);
	if (prog_started) {
		atomic_store(&prog.stop, 1);
		pthread_join(prog.thread, NULL);
	}
	if (jrc != 0 || jr.error) {
		fprintf(stderr, "shuan scan: %s; results are incomplete\n",
			jr.error == SHUAN_ERROR ? "no threads" : "out of memory");
		run.error = true;
	}
	sum.elapsed = now_seconds() - t0;
	sum.interrupted = atomic_load(&g_cancel) || jr.interrupted;
	if (store) {
		char finished[32];
		size_t tl = 1;
		for (int i = optind; i < argc; i++)
			tl += strlen(argv[i]) + 1;
		char *targets = calloc(tl + 2, 1);
		for (int i = optind; targets && i < argc; i++) {
			strcat(targets, argv[i]);
			strcat(targets, "\n");
		}
		iso_now(finished, sizeof(finished));
		shuan_scan_record rec = {started, finished, sum.elapsed, targets ? targets : "", shuan_version()};
		int64_t id = 0;
		if (shuan_store_record_scan(store, &rec, run.stats, &id) != 0)
			fprintf(stderr, "shuan scan: store: %s\n", shuan_store_errmsg(store));
		sum.scan_id = id;
		free(targets);
	}
	rep.ops->end(&rep, run.stats, &sum);
	if (fflush(rep.out) != 0) {
		fprintf(stderr, "shuan scan: writing output failed: %s\n", strerror(errno));
		run.error = true;
	}
	if (rep.ops != shuan_output_ops_for("text") && rep.ops != shuan_output_ops_for("csv") &&
	    rep.ops != shuan_output_ops_for("summary") && !run.quiet &&
	    (out_path || !isatty(STDOUT_FILENO)) && isatty(STDERR_FILENO))
		shuan_output_text_summary(stderr, run.stats, &sum, rules);
	exit_code = run.error || sum.interrupted ? CLI_EXIT_ERROR : sink.gate_hits ? CLI_EXIT_FOUND : CLI_EXIT_OK;
	if (sum.interrupted)
		fprintf(stderr, "shuan scan: interrupted; the summary covers what was scanned\n");
cleanup:
	shuan_jobs_free(pool);
	if (rep.out && rep.out != stdout)
		fclose(rep.out);
	shuan_stats_free(run.stats);
	shuan_store_free(store);
	shuan_rules_free(rules);
	for (size_t i = 0; i < run.nfiles; i++)
		free(run.files[i]);
	free(run.files);
	free(only);
	free(exclude_dets);
	free(include);
	free(exclude);
	return exit_code;
}
