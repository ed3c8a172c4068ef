/*
 * cli/cmd_scans.c - `shuan scans`: the scans recorded in the store, one of
 * them in full, or two side by side (what changed: inputs, findings per
 * detector, skips). The store keeps counts and masked names only, so
 * nothing here shows a value.
 *
 *   shuan scans                 the last 20
 *   shuan scans show 12
 *   shuan scans diff 11 12      (or: diff 12 = the one before 12 and 12)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "shuan/store.h"
#include "util/json.h"
#include "util/text.h"

enum { OPT_FORMAT = 'f', OPT_HELP = 'h', OPT_STORE = 256, OPT_LIMIT };

static const cli_option scans_options[] = {
	{"store", 0, required_argument, "DIR", "store directory (default: $SHUAN_STORE or ~/.local/share/shuan)", OPT_STORE},
	{"format", 'f', required_argument, "FMT", "text or json (default: text)", OPT_FORMAT},
	{"limit", 0, required_argument, "N", "list the last N scans (default: 20; 0: all)", OPT_LIMIT},
	{"help", 'h', no_argument, NULL, "show this help", OPT_HELP},
};

static const cli_help scans_help = {
	"usage: shuan scans [options]              the scans recorded in the store\n"
	"       shuan scans show ID                 one scan: inputs, skips, findings per detector\n"
	"       shuan scans diff [A] B              what changed from scan A (default: the one before B) to B\n\n"
	"Lists past scans from the store (what `shuan scan` records unless --no-store) and\n"
	"compares two: inputs, bytes, findings, distinct values and sensitive PI per detector,\n"
	"skip reasons. The store keeps counts and masked names only.\n\noptions:\n",
	scans_options, CLI_NOPTS(scans_options),
	"\nexit status: 0 ok, 2 usage error, unknown scan or store failure.\n",
};

/* Writes one line of a targets list ("a\nb\n") as "a b". */
static void targets_line(FILE *out, const char *t)
{
	char buf[4096];
	size_t o = 0;
	for (const char *p = t; *p && o + 1 < sizeof(buf); p++)
		buf[o++] = *p == '\n' ? (p[1] ? ' ' : '\0') : *p;
	buf[o] = '\0';
	shuan_fputs_safe(out, buf);
}

static const char *outcome_word(const shuan_scan_info *i)
{
	if (!i->has_outcome)
		return "-";
	if (i->outcome.interrupted)
		return "interrupted";
	switch (i->outcome.exit_code) {
	case 0: return "clean";
	case 1: return "findings";
	default: return "incomplete";
	}
}

static void json_info(FILE *o, const shuan_scan_info *i)
{
	fprintf(o, "{\"id\":%lld,\"started\":", (long long)i->id);
	shuan_json_cstring(o, i->started);
	shuan_json_field(o, ",\"finished\":", i->finished);
	fprintf(o, ",\"elapsed_seconds\":%.3f,\"targets\":", i->elapsed);
	shuan_json_cstring(o, i->targets);
	shuan_json_field(o, ",\"version\":", i->version);
	fprintf(o,
		",\"inputs\":{\"scanned\":%llu,\"skipped\":%llu},\"bytes\":%llu,\"findings\":%llu,\"sensitive\":%llu,"
		"\"distinct_exact\":%s",
		(unsigned long long)i->inputs_scanned, (unsigned long long)i->inputs_skipped, (unsigned long long)i->bytes,
		(unsigned long long)i->findings, (unsigned long long)i->sensitive, i->distinct_exact ? "true" : "false");
	if (i->has_outcome)
		fprintf(o,
			",\"outcome\":{\"interrupted\":%s,\"inputs_interrupted\":%llu,\"unreadable\":%llu,"
			"\"suppressed_ignore\":%llu,\"suppressed_baseline\":%llu,\"gated\":%llu,\"exit_code\":%d}",
			i->outcome.interrupted ? "true" : "false", (unsigned long long)i->outcome.inputs_interrupted,
			(unsigned long long)i->outcome.unreadable, (unsigned long long)i->outcome.suppressed_ignore,
			(unsigned long long)i->outcome.suppressed_baseline, (unsigned long long)i->outcome.gated,
			i->outcome.exit_code);
	else
		fputs(",\"outcome\":null", o);
	fputc('}', o);
}

static int do_list(shuan_store *st, size_t limit, bool json)
{
	shuan_scan_info *v;
	size_t n;
	if (shuan_store_scans(st, limit, &v, &n) != 0) {
		fprintf(stderr, "shuan scans: %s\n", shuan_store_errmsg(st));
		return CLI_EXIT_ERROR;
	}
	if (json) {
		fputc('[', stdout);
		for (size_t i = 0; i < n; i++) {
			fputs(i ? ",\n" : "\n", stdout);
			json_info(stdout, &v[i]);
		}
		fputs("\n]\n", stdout);
	} else if (!n) {
		printf("no scans recorded in this store yet (shuan scan records one unless --no-store)\n");
	} else {
		printf("%6s  %-20s  %8s %8s %10s %9s  %-11s  %s\n", "id", "started", "inputs", "skipped", "findings",
		       "sensitive", "outcome", "targets");
		for (size_t i = 0; i < n; i++) {
			printf("%6lld  %-20s  %8llu %8llu %10llu %9llu  %-11s  ", (long long)v[i].id, v[i].started,
			       (unsigned long long)v[i].inputs_scanned, (unsigned long long)v[i].inputs_skipped,
			       (unsigned long long)v[i].findings, (unsigned long long)v[i].sensitive, outcome_word(&v[i]));
			targets_line(stdout, v[i].targets);
			fputc('\n', stdout);
		}
	}
	shuan_scan_infos_free(v, n);
	return CLI_EXIT_OK;
}

typedef struct one_scan {
	shuan_scan_info info;
	shuan_scan_count *dets, *skips;
	size_t ndets, nskips;
	bool loaded;
} one_scan;

static int load(shuan_store *st, long long id, one_scan *s)
{
	memset(s, 0, sizeof(*s));
	int rc = shuan_store_scan_get(st, id, &s->info, &s->dets, &s->ndets, &s->skips, &s->nskips);
	if (rc) {
		fprintf(stderr, "shuan scans: %s\n", shuan_store_errmsg(st));
		return CLI_EXIT_ERROR;
	}
	s->loaded = true;
	return 0;
}

static void unload(one_scan *s)
{
	if (!s->loaded)
		return;
	shuan_scan_info_clear(&s->info);
	shuan_scan_counts_free(s->dets, s->ndets);
	shuan_scan_counts_free(s->skips, s->nskips);
}

static void json_counts(FILE *o, const shuan_scan_count *v, size_t n, bool det)
{
	fputc('[', o);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",{" : "{", o);
		fputs(det ? "\"detector\":" : "\"reason\":", o);
		shuan_json_cstring(o, v[i].name);
		if (det)
			fprintf(o, ",\"findings\":%llu,\"distinct\":%llu,\"sensitive\":%llu}", (unsigned long long)v[i].findings,
				(unsigned long long)v[i].distinct, (unsigned long long)v[i].sensitive);
		else
			fprintf(o, ",\"count\":%llu}", (unsigned long long)v[i].findings);
	}
	fputc(']', o);
}

static int do_show(shuan_store *st, long long id, bool json)
{
	one_scan s;
	if (load(st, id, &s))
		return CLI_EXIT_ERROR;
	if (json) {
		printf("{\"scan\":");
		json_info(stdout, &s.info);
		printf(",\"by_detector\":");
		json_counts(stdout, s.dets, s.ndets, true);
		printf(",\"skipped_reasons\":");
		json_counts(stdout, s.skips, s.nskips, false);
		printf("}\n");
	} else {
		const shuan_scan_info *i = &s.info;
		printf("scan %lld  %s .. %s (%.1f s)  shuan %s\ntargets: ", (long long)i->id, i->started, i->finished,
		       i->elapsed, i->version);
		targets_line(stdout, i->targets);
		printf("\ninputs scanned %llu, skipped %llu, bytes %llu; findings %llu, sensitive %llu; outcome %s\n",
		       (unsigned long long)i->inputs_scanned, (unsigned long long)i->inputs_skipped,
		       (unsigned long long)i->bytes, (unsigned long long)i->findings, (unsigned long long)i->sensitive,
		       outcome_word(i));
		if (i->has_outcome && (i->outcome.unreadable || i->outcome.suppressed_ignore || i->outcome.suppressed_baseline ||
				       i->outcome.inputs_interrupted))
			printf("unreadable %llu, interrupted %llu, accepted by .shuanignore %llu, by the baseline %llu\n",
			       (unsigned long long)i->outcome.unreadable, (unsigned long long)i->outcome.inputs_interrupted,
			       (unsigned long long)i->outcome.suppressed_ignore,
			       (unsigned long long)i->outcome.suppressed_baseline);
		for (size_t k = 0; k < s.nskips; k++) {
			printf("  skipped %llu × ", (unsigned long long)s.skips[k].findings);
			shuan_fputs_safe(stdout, s.skips[k].name);
			fputc('\n', stdout);
		}
		for (size_t k = 0; k < s.ndets; k++)
			printf("  %-22s %10llu findings %10llu distinct %10llu sensitive\n", s.dets[k].name,
			       (unsigned long long)s.dets[k].findings, (unsigned long long)s.dets[k].distinct,
			       (unsigned long long)s.dets[k].sensitive);
	}
	unload(&s);
	return CLI_EXIT_OK;
}

static const shuan_scan_count *find(const shuan_scan_count *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return &v[i];
	return NULL;
}

static void delta(const char *what, unsigned long long a, unsigned long long b)
{
	printf("  %-12s %12llu -> %-12llu (%+lld)\n", what, a, b, (long long)b - (long long)a);
}

/* Every name in a or b once, a's order first. */
static void diff_counts(const shuan_scan_count *a, size_t na, const shuan_scan_count *b, size_t nb, bool det,
			bool json, bool *first)
{
	for (int pass = 0; pass < 2; pass++) {
		const shuan_scan_count *v = pass ? b : a;
		size_t n = pass ? nb : na;
		for (size_t i = 0; i < n; i++) {
			const shuan_scan_count *x = pass ? find(a, na, v[i].name) : &v[i];
			const shuan_scan_count *y = pass ? &v[i] : find(b, nb, v[i].name);
			if (pass && x)
				continue; /* listed in the first pass */
			unsigned long long fa = x ? x->findings : 0, fb = y ? y->findings : 0;
			unsigned long long da = x ? x->distinct : 0, db = y ? y->distinct : 0;
			unsigned long long sa = x ? x->sensitive : 0, sb = y ? y->sensitive : 0;
			if (json) {
				fputs(*first ? "{" : ",{", stdout);
				*first = false;
				fputs(det ? "\"detector\":" : "\"reason\":", stdout);
				shuan_json_cstring(stdout, v[i].name);
				printf(",\"a\":%llu,\"b\":%llu", fa, fb);
				if (det)
					printf(",\"distinct_a\":%llu,\"distinct_b\":%llu,\"sensitive_a\":%llu,\"sensitive_b\":%llu", da,
					       db, sa, sb);
				fputc('}', stdout);
				continue;
			}
			if (fa == fb && da == db && sa == sb)
				continue;
			if (det)
				printf("  %-22s %10llu -> %-10llu (%+lld)  distinct %llu -> %llu  sensitive %llu -> %llu\n",
				       v[i].name, fa, fb, (long long)fb - (long long)fa, da, db, sa, sb);
			else {
				printf("  skipped %llu -> %llu  ", fa, fb);
				shuan_fputs_safe(stdout, v[i].name);
				fputc('\n', stdout);
			}
		}
	}
}

static int do_diff(shuan_store *st, long long a_id, long long b_id, bool json)
{
	one_scan a, b;
	int rc = CLI_EXIT_ERROR;
	if (load(st, a_id, &a))
		return CLI_EXIT_ERROR;
	if (load(st, b_id, &b))
		goto cleanup;
	const shuan_scan_info *x = &a.info, *y = &b.info;
	bool first = true;
	if (json) {
		printf("{\"a\":");
		json_info(stdout, x);
		printf(",\"b\":");
		json_info(stdout, y);
		printf(",\"by_detector\":[");
		diff_counts(a.dets, a.ndets, b.dets, b.ndets, true, true, &first);
		printf("],\"skipped_reasons\":[");
		first = true;
		diff_counts(a.skips, a.nskips, b.skips, b.nskips, false, true, &first);
		printf("]}\n");
	} else {
		printf("scan %lld (%s) -> scan %lld (%s)\n", a_id, x->started, b_id, y->started);
		if (strcmp(x->targets, y->targets)) {
			fputs("  targets differ: ", stdout);
			targets_line(stdout, x->targets);
			fputs(" -> ", stdout);
			targets_line(stdout, y->targets);
			fputc('\n', stdout);
		}
		delta("inputs", x->inputs_scanned, y->inputs_scanned);
		delta("skipped", x->inputs_skipped, y->inputs_skipped);
		delta("bytes", x->bytes, y->bytes);
		delta("findings", x->findings, y->findings);
		delta("sensitive", x->sensitive, y->sensitive);
		printf("by detector (only what changed):\n");
		diff_counts(a.dets, a.ndets, b.dets, b.ndets, true, false, &first);
		diff_counts(a.skips, a.nskips, b.skips, b.nskips, false, false, &first);
	}
	rc = CLI_EXIT_OK;
cleanup:
	unload(&a);
	unload(&b);
	return rc;
}

static bool parse_id(const char *s, long long *out)
{
	char *end;
	*out = strtoll(s, &end, 10);
	return *s && !*end && *out > 0;
}

int cmd_scans(int argc, char **argv)
{
	const char *store_opt = NULL, *format = "text";
	char shortopts[32], store_dir[4096], errbuf[1024];
	shuan_store *st = NULL;
	long long limit = 20;
	int c, rc = CLI_EXIT_ERROR;

	const struct option *longopts = cli_options_build(scans_options, CLI_NOPTS(scans_options), shortopts, sizeof(shortopts));
	optind = 1;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case OPT_STORE: store_opt = optarg; break;
		case OPT_FORMAT: format = optarg; break;
		case OPT_LIMIT: {
			char *end;
			limit = strtoll(optarg, &end, 10);
			if (*end || end == optarg || limit < 0) {
				fprintf(stderr, "shuan scans: --limit takes a number (0: all)\n");
				return CLI_EXIT_ERROR;
			}
			break;
		}
		case OPT_HELP: cli_help_print(stdout, &scans_help); return CLI_EXIT_OK;
		default: cli_help_print(stderr, &scans_help); return CLI_EXIT_ERROR;
		}
	}
	if (strcmp(format, "text") && strcmp(format, "json")) {
		fprintf(stderr, "shuan scans: --format takes text or json\n");
		return CLI_EXIT_ERROR;
	}
	bool json = !strcmp(format, "json");
	const char *sub = optind < argc ? argv[optind] : "list";
	int nargs = argc - optind - (optind < argc);
	char **args = argv + optind + (optind < argc);
	long long a = 0, b = 0;
	if (!strcmp(sub, "show") ? nargs != 1 || !parse_id(args[0], &a)
	    : !strcmp(sub, "diff") ? nargs < 1 || nargs > 2 || !parse_id(args[0], &a) || (nargs == 2 && !parse_id(args[1], &b))
	    : strcmp(sub, "list") || nargs != 0) {
		cli_help_print(stderr, &scans_help);
		return CLI_EXIT_ERROR;
	}
	if (cli_store_dir(store_opt, store_dir, sizeof(store_dir)) != 0)
		return CLI_EXIT_ERROR;
	if (shuan_store_open(&st, store_dir, errbuf, sizeof(errbuf)) != 0) {
		fprintf(stderr, "shuan scans: store: %s\n", errbuf);
		return CLI_EXIT_ERROR;
	}
	if (!strcmp(sub, "list"))
		rc = do_list(st, (size_t)limit, json);
	else if (!strcmp(sub, "show"))
		rc = do_show(st, a, json);
	else if (nargs == 2)
		rc = do_diff(st, a, b, json);
	else
		rc = do_diff(st, a - 1, a, json); /* diff B: the scan before it */
	shuan_store_free(st);
	return rc;
}
