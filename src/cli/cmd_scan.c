/*
 * cli/cmd_scan.c - `shuan scan`: walks the named paths (or reads stdin),
 * scans every input, writes findings in the chosen format (through the sink,
 * scan_sink.c: names masked, accepted findings counted), records the summary
 * in the store, and sets the exit code for CI gates. SIGINT, SIGTERM and
 * SIGHUP all stop the scan the same way: complete output, a summary marked
 * interrupted, exit 2.
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
#include "cli/db_cli.h"
#include "cli/options.h"
#include "cli/scan_progress.h"
#include "cli/scan_sink.h"
#include "cli/suppress.h"
#include "lib/output/output.h"
#include "shuan/db.h"
#include "shuan/jobs.h"
#include "shuan/scanner.h"
#include "shuan/source.h"
#include "shuan/stats.h"
#include "shuan/store.h"
#include "shuan/walk.h"
#include "util/clock.h"
#include "util/text.h"

enum {
	OPT_FORMAT = 'f', OPT_OUT = 'o', OPT_QUIET = 'q', OPT_HELP = 'h',
	OPT_REVEAL = 256, OPT_STORE, OPT_NO_STORE, OPT_FAIL_ON, OPT_DETECTORS, OPT_EXCLUDE_DETECTORS,
	OPT_INCLUDE, OPT_EXCLUDE, OPT_MIN_CONF, OPT_MAX_FILE_SIZE, OPT_DATE, OPT_RULES, OPT_FINGERPRINT,
	OPT_INPUT_FORMAT, OPT_COLOR, OPT_PART_SIZE, OPT_ENCODING, OPT_MAX_DEPTH, OPT_MAX_EXPANDED, OPT_MAX_RATIO,
	OPT_FAIL_ON_SKIP, OPT_NO_BOM, OPT_SARIF_AGGREGATE, OPT_MAX_RESULTS, OPT_IGNORE_FILE, OPT_NO_IGNORE, OPT_BASELINE,
	OPT_SHOW_SUPPRESSED, OPT_CACHE, OPT_NO_CACHE,
	OPT_JOBS = 'j',
};

static const cli_option scan_options[] = {
	{"format", 'f', required_argument, "FMT", "text (grouped by file and field, for people), lines (one per finding), jsonl, json, sarif, csv, or summary (only the JSON summary line) (default: text on a terminal, else jsonl)", OPT_FORMAT},
	{"out", 'o', required_argument, "FILE", "write findings to FILE instead of standard output", OPT_OUT},
	{"reveal", 0, no_argument, NULL, "show raw values and unmasked names (default: masked evidence; PI in file names masked too)", OPT_REVEAL},
	{"fail-on", 0, required_argument, "LEVEL", "exit 1 when findings at LEVEL exist: any, sensitive (sensitive PI or secrets) or none (default: any)", OPT_FAIL_ON},
	{"fail-on-skip", 0, required_argument, "WHICH", "exit 2 when inputs were not read: named (an input named here, or any file that could not be read), any (any skip), none (default: named)", OPT_FAIL_ON_SKIP},
	{"ignore-file", 0, required_argument, "FILE", "accept the findings its rules match, each with a reason (default: ./.shuanignore when present)", OPT_IGNORE_FILE},
	{"no-ignore", 0, no_argument, NULL, "use no ignore file", OPT_NO_IGNORE},
	{"baseline", 0, required_argument, "FILE", "accept the findings of a previous --format jsonl run: only new ones are written and gated", OPT_BASELINE},
	{"show-suppressed", 0, no_argument, NULL, "write accepted findings too (they never count for --fail-on)", OPT_SHOW_SUPPRESSED},
	{"no-bom", 0, no_argument, NULL, "csv: no UTF-8 byte order mark (default: one, so Excel reads the Chinese right)", OPT_NO_BOM},
	{"sarif-aggregate", 0, no_argument, NULL, "sarif: one result per file and detector, with its count and first locations", OPT_SARIF_AGGREGATE},
	{"max-results", 0, required_argument, "N", "sarif: write at most N results, say how many were left out (default: 25000, GitHub's limit; 0: no cap)", OPT_MAX_RESULTS},
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
	CLI_DB_OPTION_ROWS,
	{"help", 'h', no_argument, NULL, "show this help", OPT_HELP},
};

static const cli_help scan_help = {
	"usage: shuan scan [options] [PATH|URL...]\n"
	"扫描文件、目录、标准输入或数据库中的个人信息与敏感个人信息（默认打码输出）\n\n"
	"Finds personal information (个人信息) and sensitive personal information (敏感个人信息)\n"
	"in files, directories (recursively) or standard input (no PATH, or '-').\n"
	"Reads text, CSV/TSV, JSON/JSON Lines, .xlsx cells and .docx text, and archives\n"
	"(.zip .tar .gz .bz2 .xz .zst .7z …, nested; members shown as a.zip!dir/x.log).\n"
	"Databases: sqlite:///path/app.db (an SQLite file in a directory is found by its header),\n"
	"postgresql://user@host:5432/db?sslmode=require, mysql://user@host:3306/db; each table\n"
	"is an input (SOURCE!schema.table), findings are located as schema.table.column with a\n"
	"row reference (the primary key, or its fingerprint when the key may be personal data).\n\n"
	"options:\n",
	scan_options, CLI_NOPTS(scan_options),
	"\nexit status: 0 nothing at or above --fail-on, 1 findings, 2 usage or runtime error, an\n"
	"interruption (Ctrl-C, SIGTERM, SIGHUP), or inputs not read (see --fail-on-skip; a database\n"
	"named, or one of its tables, counts as named).\n",
};

/* Files of at least 4 parts are split into parts of PART_SIZE across jobs. */
#define PART_SIZE (16ull << 20)

/* Set from the signal handler; the scanner polls it between chunks. */
static atomic_int g_cancel;

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&g_cancel, 1);
}

/* SIGINT, SIGTERM and SIGHUP end the scan alike: the workers stop between
 * chunks, what was done is written out whole, and the summary says so. */
static void catch_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

typedef struct scan_run {
	shuan_stats *stats;   /* walk problems; workers' stats merge in */
	scan_sink *sink;
	bool quiet;
	bool error;
	char **files;         /* what the walk found, in walk order */
	size_t nfiles, capfiles;
} scan_run;

static double now_seconds(void);

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
	/* a directory the file system would not let us read is content not
	 * checked; a loop or a dangling link is not */
	bool unreadable = !strcmp(reason, strerror(EACCES)) || !strcmp(reason, strerror(EPERM)) ||
			  !strcmp(reason, strerror(EIO));
	shuan_stats_add_skip(run->stats, reason);
	sink_walk_skip(run->sink, path, reason, unreadable);
	return 0;
}

/* The baseline's paths in the form findings show them (PI masked). */
static const char *mask_for_baseline(const char *name, void *ud)
{
	return name_mask(ud, name);
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
	const char **only = NULL, **exclude_dets = NULL, **include = NULL, **exclude = NULL;
	size_t n_include = 0, n_exclude = 0;
	bool reveal = false, no_store = false;
	shuan_scan_options so = SHUAN_SCAN_OPTIONS_INIT;
	shuan_source_options src = SHUAN_SOURCE_OPTIONS_INIT;
	scan_run run = {0};
	shuan_output rep = {0};
	shuan_jobs_options jo = SHUAN_JOBS_OPTIONS_INIT;
	shuan_jobs_result jr = {0};
	shuan_jobs *pool = NULL;
	scan_sink sink = {0};
	scan_progress prog = {.term = PTHREAD_MUTEX_INITIALIZER};
	shuan_scanner *masker = NULL;
	name_masker store_names = {0};
	cli_suppress *sup = NULL;
	const char *ignore_file = NULL, *baseline = NULL;
	bool no_ignore = false, no_bom = false, sarif_aggregate = false, show_suppressed = false;
	unsigned long long max_results = 25000;
	sink_fail_on_skip fail_on_skip = FAIL_SKIP_NAMED;
	shuan_rules *rules = NULL;
	shuan_store *store = NULL;
	unsigned char key[32];
	char errbuf[1024], store_dir[4096], started[32], shortopts[64];
	shuan_output_summary sum = {0};
	int exit_code = CLI_EXIT_ERROR, c, fail_on = 1;
	cli_db dbc;
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t part_size = PART_SIZE;

	so.fingerprint_alg = SHUAN_FP_HMAC_SM3;
	cli_db_init(&dbc);
	src.db = &dbc.opt;
	const struct option *longopts = cli_options_build(scan_options, CLI_NOPTS(scan_options), shortopts, sizeof(shortopts));
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
			if (cli_parse_size(optarg, &part_size) || part_size < 4096) {
				fprintf(stderr, "shuan scan: --part-size takes a size of at least 4K\n");
				goto cleanup;
			}
			break;
		case OPT_FAIL_ON_SKIP:
			if (!strcmp(optarg, "none")) fail_on_skip = FAIL_SKIP_NONE;
			else if (!strcmp(optarg, "named")) fail_on_skip = FAIL_SKIP_NAMED;
			else if (!strcmp(optarg, "any")) fail_on_skip = FAIL_SKIP_ANY;
			else { fprintf(stderr, "shuan scan: --fail-on-skip takes named, any or none\n"); goto cleanup; }
			break;
		case OPT_IGNORE_FILE: ignore_file = optarg; break;
		case OPT_NO_IGNORE: no_ignore = true; break;
		case OPT_BASELINE: baseline = optarg; break;
		case OPT_SHOW_SUPPRESSED: show_suppressed = true; break;
		case OPT_NO_BOM: no_bom = true; break;
		case OPT_SARIF_AGGREGATE: sarif_aggregate = true; break;
		case OPT_MAX_RESULTS: {
			char *end;
			errno = 0;
			max_results = strtoull(optarg, &end, 10);
			if (errno || *end || end == optarg || optarg[0] == '-') {
				fprintf(stderr, "shuan scan: --max-results takes a number (0: no cap)\n");
				goto cleanup;
			}
			break;
		}
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
			if (cli_parse_size(optarg, &so.max_file_size)) {
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
			if (cli_parse_size(optarg, &src.max_expanded) || !src.max_expanded) {
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
			if (cli_parse_format(optarg, &so.format)) {
				fprintf(stderr, "shuan scan: --input-format takes auto, text, csv, tsv, json or jsonl\n");
				goto cleanup;
			}
			break;
		case OPT_ENCODING:
			so.encoding = optarg;
			break;
		case OPT_HELP:
			cli_help_print(stdout, &scan_help);
			exit_code = CLI_EXIT_OK;
			goto cleanup;
		default: {
			int r = cli_db_option(&dbc, c, optarg, "scan");
			if (r < 0)
				goto cleanup;
			if (r == 0) {
				cli_help_print(stderr, &scan_help);
				goto cleanup;
			}
		}
		}
	}
	if (!format)
		format = (!out_path && isatty(STDOUT_FILENO)) ? "text" : "jsonl";
	if (!(rep.ops = shuan_output_ops_for(format))) {
		fprintf(stderr, "shuan scan: unknown --format '%s' (text, lines, jsonl, json, sarif, csv, summary)\n", format);
		goto cleanup;
	}
	if (optind >= argc && isatty(STDIN_FILENO)) {
		fprintf(stderr, "shuan scan: name the files or directories to scan, or pipe data in ('-')\n");
		cli_help_print(stderr, &scan_help);
		goto cleanup;
	}

	/* --no-store writes nothing it was not asked to */
	if (cli_rules_load(&rules, rules_opt, cache_opt, no_cache, no_store && !cache_opt, only, exclude_dets, errbuf,
	                   sizeof(errbuf)) != 0) {
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
	if (crc != 0 || shuan_stats_new(&run.stats) != 0 || shuan_scanner_new(&masker, rules, NULL) != 0) {
		fprintf(stderr, "shuan scan: out of memory\n");
		goto cleanup;
	}
	/* Names are shown with their PI masked, unless revealing; the store
	 * never keeps a raw one. */
	store_names.s = masker;
	sink.names.s = reveal ? NULL : masker;
	sink.fields.s = reveal ? NULL : masker;
	sink.locations.s = sink.fields.s;
	if (!(sup = cli_suppress_new())) {
		fprintf(stderr, "shuan scan: out of memory\n");
		goto cleanup;
	}
	if (!no_ignore && cli_suppress_load_ignore(sup, ignore_file ? ignore_file : ".shuanignore", ignore_file != NULL,
						   errbuf, sizeof(errbuf)) != 0) {
		fprintf(stderr, "shuan scan: ignore file: %s\n", errbuf);
		goto cleanup;
	}
	if (baseline) {
		char warn[512];
		if (cli_suppress_load_baseline(sup, baseline, mask_for_baseline, &store_names, errbuf, sizeof(errbuf),
					       warn, sizeof(warn)) != 0) {
			fprintf(stderr, "shuan scan: %s\n", errbuf);
			goto cleanup;
		}
		if (warn[0])
			fprintf(stderr, "shuan scan: warning: %s\n", warn);
		else if (!cli_suppress_baseline_key_ok(sup, sum.fingerprint_alg) || sum.fingerprint_ephemeral)
			fprintf(stderr, "shuan scan: warning: --baseline %s: this run's fingerprints (%s%s) cannot match "
					"the baseline's: use the store and --fingerprint it was written with\n",
				baseline, sum.fingerprint_alg, sum.fingerprint_ephemeral ? ", throwaway key" : "");
	}

	rep.out = stdout;
	if (out_path) {
		/* Revealed values are personal information: the file is private,
		 * whether it is new or not (an existing file keeps its mode on
		 * open, so it is set before anything is written). */
		int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, reveal ? 0600 : 0644);
		if (fd >= 0 && reveal && fchmod(fd, 0600) != 0) {
			fprintf(stderr, "shuan scan: cannot make %s private (mode 0600): %s; revealed values are not written\n",
				out_path, strerror(errno));
			close(fd);
			goto cleanup;
		}
		if (fd < 0 || !(rep.out = fdopen(fd, "w"))) {
			fprintf(stderr, "shuan scan: cannot write %s: %s\n", out_path, strerror(errno));
			if (fd >= 0)
				close(fd);
			rep.out = NULL;
			goto cleanup;
		}
	}
	bool out_tty = !out_path && isatty(STDOUT_FILENO);
	/* findings are many small writes: give the stream a large buffer (on a
	 * terminal each write is flushed whole, see the sink) */
	setvbuf(rep.out, NULL, _IOFBF, 1u << 20);
	rep.reveal = reveal;
	rep.rules = rules;
	rep.bom = !no_bom;
	rep.aggregate = sarif_aggregate;
	rep.max_results = max_results;
	rep.color = !strcmp(color, "always") || (!strcmp(color, "auto") && out_tty && !getenv("NO_COLOR"));
	catch_signals();
	shuan_clock_iso_utc(started, sizeof(started));
	sum.started = started;
	double t0 = now_seconds();

	sink.rep = &rep;
	sink.fail_on = fail_on == 0 ? FAIL_ON_NONE : fail_on == 1 ? FAIL_ON_ANY : FAIL_ON_SENSITIVE;
	sink.fail_on_skip = fail_on_skip;
	sink.quiet = run.quiet;
	sink.show_suppressed = show_suppressed;
	sink.sup = sup;
	sink.named = (const char *const *)argv + optind;
	sink.nnamed = (size_t)(argc - optind);
	run.sink = &sink;
	/* The progress line shares the terminal with the findings when they go
	 * there too: only formats written in whole lines then, each flushed. */
	bool line_format = rep.ops == shuan_output_ops_for("text") || rep.ops == shuan_output_ops_for("lines") ||
			   rep.ops == shuan_output_ops_for("jsonl") || rep.ops == shuan_output_ops_for("csv");
	bool want_progress = !run.quiet && isatty(STDERR_FILENO) && (!out_tty || line_format);
	sink.flush_each = out_tty;
	if (want_progress) {
		sink.term = &prog.term;
		sink.progress_shown = &prog.shown;
	}

	/* Walk first: the file list gives the progress line its total. */
	shuan_walk_options wo = SHUAN_WALK_OPTIONS_INIT;
	wo.include = include;
	wo.exclude = exclude;
	if (optind >= argc)
		on_file("-", &run);
	for (int i = optind; i < argc && !atomic_load(&g_cancel); i++) {
		struct stat st;
		if (!strcmp(argv[i], "-") || shuan_db_looks_like_url(argv[i])) {
			/* stdin, or a database (an unknown scheme is refused by the source) */
			on_file(argv[i], &run);
			if (strcmp(argv[i], "-")) {
				void *v = realloc(sink.dbs, (sink.ndbs + 1) * sizeof(*sink.dbs));
				if (v) {
					sink.dbs = v;
					if (shuan_db_display_url(argv[i], sink.dbs[sink.ndbs], sizeof(sink.dbs[0])) < 0)
						snprintf(sink.dbs[sink.ndbs], sizeof(sink.dbs[0]), "%.*s", (int)strcspn(argv[i], ":"),
							 argv[i]);
					sink.ndbs++;
				}
			}
			continue;
		}
		if (stat(argv[i], &st) != 0 && lstat(argv[i], &st) != 0) {
			int e = errno;
			fputs("shuan scan: ", stderr);
			shuan_fputs_safe(stderr, name_mask(&sink.names, argv[i]));
			fprintf(stderr, ": %s\n", strerror(e));
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
	shuan_jobs_sink js = {sink_finding, sink_input, &sink};
	int jrc = shuan_jobs_new(&pool, rules, &so, &src, &jo);
	if (jrc == 0 && want_progress)
		scan_progress_start(&prog, pool);
	if (jrc == 0)
		jrc = shuan_jobs_run(pool, (const char *const *)run.files, run.nfiles, &js, run.stats, &jr);
	scan_progress_stop(&prog);
	sink.term = NULL;
	if (jrc != 0 || jr.error) {
		fprintf(stderr, "shuan scan: %s; results are incomplete\n",
			jr.error == SHUAN_ERROR ? "no threads" : "out of memory");
		run.error = true;
	}
	sum.elapsed = now_seconds() - t0;
	sum.interrupted = atomic_load(&g_cancel) || jr.interrupted;
	sum.unreadable = sink.unreadable;
	sum.incomplete = run.error || sink.unreadable > 0 || sink.skip_failures > 0;
	sum.suppressed_ignore = sink.suppressed_ignore;
	sum.suppressed_baseline = sink.suppressed_baseline;
	sum.notices = sink.notices;
	sum.nnotices = sink.nnotices;
	sum.notices_dropped = sink.notices_dropped;
	exit_code = run.error || sum.interrupted || sink.skip_failures ? CLI_EXIT_ERROR
		    : sink.gate_hits					   ? CLI_EXIT_FOUND
										   : CLI_EXIT_OK;
	/* What was scanned, as the store keeps it and the next-step hint shows
	 * it: PI in names masked (the store never keeps a raw value). */
	size_t tl = 1;
	for (int i = optind; i < argc; i++)
		tl += strlen(name_mask(&store_names, argv[i])) * 6 + 2;
	char *targets = calloc(tl + 2, 1), *hint = calloc(tl + 2, 1);
	for (int i = optind; targets && hint && i < argc; i++) {
		const char *t = name_mask(&store_names, argv[i]);
		strcat(targets, t);
		strcat(targets, "\n");
		if (i > optind)
			strcat(hint, " ");
		strcat(hint, t);
	}
	sum.targets = hint && *hint ? hint : NULL;
	if (store) {
		char finished[32];
		shuan_clock_iso_utc(finished, sizeof(finished));
		shuan_scan_record rec = {started, finished, sum.elapsed, targets ? targets : "", shuan_version()};
		int64_t id = 0;
		if (shuan_store_record_scan(store, &rec, run.stats, &id) != 0)
			fprintf(stderr, "shuan scan: store: %s\n", shuan_store_errmsg(store));
		else {
			shuan_scan_outcome oc = SHUAN_SCAN_OUTCOME_INIT;
			oc.interrupted = sum.interrupted;
			oc.inputs_interrupted = shuan_stats_inputs_interrupted(run.stats);
			oc.unreadable = sink.unreadable;
			oc.suppressed_ignore = sink.suppressed_ignore;
			oc.suppressed_baseline = sink.suppressed_baseline;
			oc.gated = sink.gate_hits;
			oc.exit_code = exit_code;
			if (shuan_store_record_outcome(store, id, &oc) != 0)
				fprintf(stderr, "shuan scan: store: %s\n", shuan_store_errmsg(store));
		}
		sum.scan_id = id;
	}
	rep.ops->end(&rep, run.stats, &sum);
	free(targets);
	free(hint);
	if (fflush(rep.out) != 0) {
		fprintf(stderr, "shuan scan: writing output failed: %s\n", strerror(errno));
		run.error = true;
		exit_code = CLI_EXIT_ERROR;
	}
	if (rep.ops != shuan_output_ops_for("text") && rep.ops != shuan_output_ops_for("lines") &&
	    rep.ops != shuan_output_ops_for("csv") && rep.ops != shuan_output_ops_for("summary") && !run.quiet &&
	    (out_path || !isatty(STDOUT_FILENO)) && isatty(STDERR_FILENO))
		shuan_output_text_summary(stderr, run.stats, &sum, rules);
	if (sink.skip_failures)
		fprintf(stderr,
			"shuan scan: %llu input(s) were not read (see above): not every input was checked, exit 2 "
			"(--fail-on-skip %s)\n",
			(unsigned long long)sink.skip_failures, fail_on_skip == FAIL_SKIP_ANY ? "any" : "named; none ignores them");
	if (sum.interrupted)
		fprintf(stderr, "shuan scan: interrupted; the summary covers what was scanned\n");
cleanup:
	shuan_jobs_free(pool);
	sink_free(&sink);
	name_masker_clear(&store_names);
	shuan_scanner_free(masker);
	cli_suppress_free(sup);
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
	cli_db_clear(&dbc);
	return exit_code;
}
