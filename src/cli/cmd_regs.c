/*
 * cli/cmd_regs.c - `shuan regs`: search, show, timeline, digest, ingest and
 * check over the regulation catalogue. Argument parsing and printing only;
 * everything else is libshuan's shuan_regs_* API.
 *
 * The catalogue seen by every subcommand is the bundled YAML (rules/regs/)
 * plus the user's store additions, unless --no-store is given. Only
 * `ingest --apply` writes, and only to the store.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/json.h"
#include "shuan/regs.h"
#include "shuan/store.h"

typedef struct opts {
	const char *rules, *store, *format, *month, *year;
	shuan_regs_filter f;
	int no_store, apply, help;
} opts;

static const char *USAGE =
    "usage: shuan regs <subcommand> [options]\n"
    "法规目录：检索、查看、时间线、月报、导入与引用检查（离线）\n\n"
    "subcommands:\n"
    "  search QUERY     full-text search (Chinese or English, synonyms such as 出境/跨境); filters below\n"
    "  show ID          one entry, its relations and the rules that cite it\n"
    "  timeline         entries by month (--year Y, filters)\n"
    "  digest           a month's digest (--month YYYY-MM, --format md|html)\n"
    "  ingest FILE...   extract instruments from digest articles (--apply stores new ones)\n"
    "  check            validate the catalogue and every cites: in the rules\n\n"
    "options:\n"
    "  --sector S --level L --status S --issuer I --from DATE --to DATE   filters (search, timeline)\n"
    "  --format text|json (search, show, timeline, ingest), md|html (digest)\n"
    "  --rules DIR      rules directory (default $SHUAN_RULES or the installed copy)\n"
    "  --store DIR      store holding catalogue additions; --no-store to ignore it\n"
    "  --apply          (ingest) add the new entries to the store\n"
    "exit: 0 ok, 1 dangling citations or conflicts found (check, ingest), 2 error\n";

static const char *SUB_HELP[][2] = {
    {"search",
     "usage: shuan regs search QUERY [--sector S] [--level L] [--status S] [--issuer I]\n"
     "                          [--from DATE] [--to DATE] [--format text|json]\n"
     "全文检索法规目录（中英文，含同义词与关键词）\n"
     "Terms are ANDed; each also matches with its synonyms (rules/regs/synonyms.yaml: 出境/跨境,\n"
     "个保/个人信息保护 ...) and the entries' keywords. Three or more characters use the trigram\n"
     "index, shorter ones a substring scan.\n"
     "example: shuan regs search 数据出境 --status 现行有效\n"},
    {"show", "usage: shuan regs show ID [--format text|json]\n"
             "查看一条法规：要点、关系及引用它的规则\n"
             "Prints the entry, its relations, and the rules under rules/ whose cites: include ID.\n"
             "example: shuan regs show gb-t-43697-2024\n"},
    {"timeline", "usage: shuan regs timeline [--year YYYY] [--sector S] [filters] [--format text|json]\n"
                 "按月列出法规时间线\n"
                 "Entries with a date, oldest first, grouped by month.\n"},
    {"digest", "usage: shuan regs digest --month YYYY-MM [--format md|html]\n"
               "生成某月的法规月报\n"
               "Entries issued that month by sector and level, then those taking effect.\n"},
    {"ingest", "usage: shuan regs ingest FILE... [--apply] [--store DIR | --no-store] [--format text|json]\n"
               "从法规动态文章中导入新规并与目录比对\n"
               "Reads Markdown, text or HTML articles (UTF-8 or GBK; prose, tables, numbered headings,\n"
               "WeChat exports) and reports each 《title》 as new, matched or conflict, with what every\n"
               "mention of it says. --apply adds the new ones to the store (never to rules/regs/).\n"
               "Exit 1 when conflicts were found.\n"},
    {"check",
     "usage: shuan regs check [--rules DIR]\n"
     "检查法规目录及规则中的全部引用\n"
     "Validates the catalogue and every cites: in rules/**/*.yaml; exit 1 on a dangling citation.\n"},
};

static int parse(int argc, char **argv, opts *o)
{
	enum {
		O_SECTOR = 256,
		O_LEVEL,
		O_STATUS,
		O_ISSUER,
		O_FROM,
		O_TO,
		O_FORMAT,
		O_RULES,
		O_STORE,
		O_NOSTORE,
		O_MONTH,
		O_YEAR,
		O_APPLY
	};
	static const struct option lo[] = {
	    {"sector", 1, 0, O_SECTOR},    {"level", 1, 0, O_LEVEL}, {"status", 1, 0, O_STATUS},
	    {"issuer", 1, 0, O_ISSUER},    {"from", 1, 0, O_FROM},   {"to", 1, 0, O_TO},
	    {"format", 1, 0, O_FORMAT},    {"rules", 1, 0, O_RULES}, {"store", 1, 0, O_STORE},
	    {"no-store", 0, 0, O_NOSTORE}, {"month", 1, 0, O_MONTH}, {"year", 1, 0, O_YEAR},
	    {"apply", 0, 0, O_APPLY},      {"help", 0, 0, 'h'},      {0, 0, 0, 0}};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case O_SECTOR:
			o->f.sector = optarg;
			break;
		case O_LEVEL:
			o->f.level = optarg;
			break;
		case O_STATUS:
			o->f.status = optarg;
			break;
		case O_ISSUER:
			o->f.issuer = optarg;
			break;
		case O_FROM:
			o->f.from = optarg;
			break;
		case O_TO:
			o->f.to = optarg;
			break;
		case O_FORMAT:
			o->format = optarg;
			break;
		case O_RULES:
			o->rules = optarg;
			break;
		case O_STORE:
			o->store = optarg;
			break;
		case O_NOSTORE:
			o->no_store = 1;
			break;
		case O_MONTH:
			o->month = optarg;
			break;
		case O_YEAR:
			o->year = optarg;
			break;
		case O_APPLY:
			o->apply = 1;
			break;
		case 'h':
			o->help = 1;
			break;
		default:
			return -1;
		}
	}
	return optind;
}

static void json_dates(FILE *f, const shuan_regs_date *d, size_t n)
{
	fputc('[', f);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%s{\"date\":", i ? "," : "");
		shuan_json_cstring(f, d[i].date);
		fputs(",\"sources\":", f);
		shuan_json_strings(f, d[i].sources, d[i].nsources);
		shuan_json_field(f, ",\"note\":", d[i].note);
		fputc('}', f);
	}
	fputc(']', f);
}

static void json_entry(FILE *f, const shuan_regs_entry *e)
{
	shuan_json_field(f, "{\"id\":", e->id);
	shuan_json_field(f, ",\"title\":", e->title);
	shuan_json_field(f, ",\"title_en\":", e->title_en);
	shuan_json_field(f, ",\"doc_number\":", e->doc_number);
	fputs(",\"issuers\":", f);
	shuan_json_strings(f, e->issuers, e->nissuers);
	fputs(",\"issued\":", f);
	json_dates(f, e->issued, e->nissued);
	fputs(",\"effective\":", f);
	json_dates(f, e->effective, e->neffective);
	shuan_json_field(f, ",\"status\":", e->status);
	shuan_json_field(f, ",\"level\":", e->level);
	fputs(",\"sectors\":", f);
	shuan_json_strings(f, e->sectors, e->nsectors);
	shuan_json_field(f, ",\"region\":", e->region);
	shuan_json_field(f, ",\"summary\":", e->summary);
	fputs(",\"obligations\":", f);
	shuan_json_strings(f, e->obligations, e->nobligations);
	fputs(",\"relations\":[", f);
	for (size_t i = 0; i < e->nrelations; i++) {
		fprintf(f, "%s{\"type\":", i ? "," : "");
		shuan_json_cstring(f, e->relations[i].type);
		shuan_json_field(f, ",\"target\":", e->relations[i].target);
		fputc('}', f);
	}
	fputs("],\"sources\":", f);
	shuan_json_strings(f, e->sources, e->nsources);
	fputs(",\"unverified\":", f);
	shuan_json_strings(f, e->unverified, e->nunverified);
	fputc('}', f);
}

static void line_entry(const shuan_regs_entry *e)
{
	const char *d = shuan_regs_entry_date(e);
	printf("%-10s  %s  《%s》", d ? d : "-", e->id, e->title);
	if (e->doc_number)
		printf(" %s", e->doc_number);
	printf("  [%s · %s]\n", e->level, e->status);
}

/* Opens the catalogue, merging the store unless --no-store. */
static int open_regs(const opts *o, shuan_regs **r, shuan_store **st, int need_store)
{
	char err[512], dir[4096];
	int rc = shuan_regs_open(r, cli_rules_dir(o->rules), err, sizeof(err));
	*st = NULL;
	if (rc) {
		fprintf(stderr, "shuan regs: %s (%s)\n", err[0] ? err : shuan_strerror(rc),
		        shuan_strerror(rc));
		return CLI_EXIT_ERROR;
	}
	if (o->no_store && !need_store)
		return 0;
	/* Read-only commands use the default store only if it already exists,
	 * and never create one. */
	if (!need_store && !o->store) {
		char db[4200];
		FILE *f;
		if (shuan_store_default_dir(dir, sizeof(dir)) != 0)
			return 0;
		snprintf(db, sizeof(db), "%s/shuan.db", dir);
		if (!(f = fopen(db, "rb")))
			return 0;
		fclose(f);
	} else if (cli_store_dir(o->store, dir, sizeof(dir)) != 0) {
		return CLI_EXIT_ERROR;
	}
	if ((rc = shuan_store_open(st, dir, err, sizeof(err))) != 0) {
		fprintf(stderr, "shuan regs: %s\n", err);
		return CLI_EXIT_ERROR;
	}
	if ((rc = shuan_regs_load_store(*r, *st)) != 0) {
		fprintf(stderr, "shuan regs: %s\n", shuan_regs_errmsg(*r));
		return CLI_EXIT_ERROR;
	}
	return 0;
}

/* A list of entries as one JSON array (search, timeline). */
static void json_entries(const shuan_regs_entry *const *list, size_t n)
{
	fputc('[', stdout);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputs(",\n", stdout);
		json_entry(stdout, list[i]);
	}
	fputs("]\n", stdout);
}

static int do_search(shuan_regs *r, const opts *o, const char *query)
{
	const shuan_regs_entry **list;
	size_t n;
	int rc = shuan_regs_search(r, query, &o->f, &list, &n);
	bool json = o->format && !strcmp(o->format, "json");
	if (rc) {
		fprintf(stderr, "shuan regs search: %s\n", shuan_regs_errmsg(r));
		return CLI_EXIT_ERROR;
	}
	if (json) {
		json_entries(list, n);
	} else {
		for (size_t i = 0; i < n; i++)
			line_entry(list[i]);
		fprintf(stderr, "%zu result%s\n", n, n == 1 ? "" : "s");
	}
	shuan_regs_list_free(list);
	return CLI_EXIT_OK;
}

static void print_dates(const char *label, const shuan_regs_date *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		printf("%-12s %s", i ? "" : label, d[i].date);
		if (d[i].note)
			printf(" (%s)", d[i].note);
		for (size_t k = 0; k < d[i].nsources; k++)
			printf("%s%s", k ? ", " : "  [", d[i].sources[k]);
		printf("%s\n", d[i].nsources ? "]" : "");
	}
}

/* A rule file as the user knows it: relative to the rules directory
 * ("rules/detectors/cn_mobile.yaml"), not an absolute path of this
 * machine. */
static const char *rule_file(const char *file, const char *rules_dir)
{
	size_t n = strlen(rules_dir);
	while (n > 1 && rules_dir[n - 1] == '/')
		n--;
	if (!strncmp(file, rules_dir, n) && file[n] == '/') {
		static char buf[1024];
		snprintf(buf, sizeof(buf), "rules/%s", file + n + 1);
		return buf;
	}
	return file;
}

static int do_show(shuan_regs *r, const opts *o, const char *id)
{
	const shuan_regs_entry *e = shuan_regs_get(r, id);
	const shuan_regs_citation *c;
	size_t nc, shown = 0;
	int rc;

	if (!e) {
		fprintf(stderr, "shuan regs show: no entry '%s' (try: shuan regs search)\n", id);
		return CLI_EXIT_ERROR;
	}
	rc = shuan_regs_scan_citations(r, cli_rules_dir(o->rules));
	if (rc)
		fprintf(stderr, "shuan regs show: warning: %s\n", shuan_regs_errmsg(r));
	c = shuan_regs_citations(r, &nc);
	if (o->format && !strcmp(o->format, "json")) {
		json_entry(stdout, e);
		printf("\n");
		return CLI_EXIT_OK;
	}
	printf("%s\n《%s》\n", e->id, e->title);
	if (e->title_en)
		printf("%-12s %s\n", "English", e->title_en);
	if (e->doc_number)
		printf("%-12s %s\n", "doc number", e->doc_number);
	printf("%-12s ", "issuers");
	for (size_t i = 0; i < e->nissuers; i++)
		printf("%s%s", i ? "、" : "", e->issuers[i]);
	printf("\n");
	print_dates("issued", e->issued, e->nissued);
	print_dates("effective", e->effective, e->neffective);
	printf("%-12s %s\n%-12s %s\n%-12s %s\n%-12s ", "status", e->status, "level", e->level, "region",
	       e->region ? e->region : "-", "sectors");
	for (size_t i = 0; i < e->nsectors; i++)
		printf("%s%s", i ? ", " : "", e->sectors[i]);
	printf("\n\n%s\n", e->summary ? e->summary : "");
	if (e->nobligations) {
		printf("\nkey obligations:\n");
		for (size_t i = 0; i < e->nobligations; i++)
			printf("  - %s\n", e->obligations[i]);
	}
	if (e->nrelations) {
		printf("\nrelations:\n");
		for (size_t i = 0; i < e->nrelations; i++) {
			const char *t = shuan_regs_title(r, e->relations[i].target);
			printf("  %-13s %s  《%s》\n", e->relations[i].type, e->relations[i].target,
			       t ? t : "(unknown)");
		}
	}
	/* Reverse relations: entries that point at this one. */
	for (size_t i = 0, head = 0; i < shuan_regs_count(r); i++) {
		const shuan_regs_entry *x = shuan_regs_at(r, i);
		for (size_t k = 0; k < x->nrelations; k++)
			if (!strcmp(x->relations[k].target, e->id) &&
			    strcmp(x->relations[k].type, "draft_of") &&
			    strcmp(x->relations[k].type, "final_of") &&
			    strcmp(x->relations[k].type, "supersedes") &&
			    strcmp(x->relations[k].type, "superseded_by")) {
				if (!head++)
					printf("\nreferred to by:\n");
				printf("  %-13s %s  《%s》\n", x->relations[k].type, x->id, x->title);
			}
	}
	printf("\nimplemented by:\n");
	for (size_t i = 0; i < nc; i++)
		if (!strcmp(c[i].cited, e->id)) {
			printf("  %s  (%s:%d; shuan detectors shows it)\n", c[i].rule, rule_file(c[i].file, cli_rules_dir(o->rules)),
			       c[i].line);
			shown++;
		}
	if (!shown)
		printf("  (no detector cites it yet)\n");
	if (e->nsources) {
		printf("\nsources:\n");
		for (size_t i = 0; i < e->nsources; i++) {
			const shuan_regs_source *s = shuan_regs_source_get(r, e->sources[i]);
			printf("  %s  %s%s%s\n", e->sources[i], s && s->title ? s->title : "",
			       s && s->url ? "  " : "", s && s->url ? s->url : "");
		}
	}
	if (e->nunverified) {
		printf("\n[UNVERIFIED]\n");
		for (size_t i = 0; i < e->nunverified; i++)
			printf("  - %s\n", e->unverified[i]);
	}
	if (e->notes)
		printf("\nnotes: %s\n", e->notes);
	return CLI_EXIT_OK;
}

static int do_timeline(shuan_regs *r, opts *o)
{
	const shuan_regs_entry **list;
	size_t n;
	char month[8] = "";
	if (o->year) {
		if (strlen(o->year) != 4) {
			fprintf(stderr, "shuan regs timeline: --year wants YYYY\n");
			return CLI_EXIT_ERROR;
		}
		o->f.from = o->f.to = o->year;
	}
	if (shuan_regs_timeline(r, &o->f, &list, &n)) {
		fprintf(stderr, "shuan regs timeline: %s\n", shuan_regs_errmsg(r));
		return CLI_EXIT_ERROR;
	}
	if (o->format && !strcmp(o->format, "json")) {
		json_entries(list, n);
		shuan_regs_list_free(list);
		return CLI_EXIT_OK;
	}
	for (size_t i = 0; i < n; i++) {
		const char *d = shuan_regs_entry_date(list[i]);
		char key[8];
		/* Group by YYYY-MM; a year-only date is its own group. */
		snprintf(key, sizeof(key), "%.7s", d);
		if (strcmp(key, month)) {
			memcpy(month, key, sizeof(month));
			printf("%s## %s\n", i ? "\n" : "", month);
		}
		line_entry(list[i]);
	}
	shuan_regs_list_free(list);
	return CLI_EXIT_OK;
}

static int do_digest(shuan_regs *r, const opts *o)
{
	char *out = NULL;
	shuan_regs_format fmt = SHUAN_REGS_MD;
	if (!o->month) {
		fprintf(stderr, "shuan regs digest: --month YYYY-MM is required\n");
		return CLI_EXIT_ERROR;
	}
	if (o->format && !strcmp(o->format, "html"))
		fmt = SHUAN_REGS_HTML;
	else if (o->format && strcmp(o->format, "md")) {
		fprintf(stderr, "shuan regs digest: --format is md or html\n");
		return CLI_EXIT_ERROR;
	}
	if (shuan_regs_digest(r, o->month, fmt, &out)) {
		fprintf(stderr, "shuan regs digest: %s\n", shuan_regs_errmsg(r));
		return CLI_EXIT_ERROR;
	}
	fputs(out, stdout);
	shuan_regs_string_free(out);
	return CLI_EXIT_OK;
}

static const char *match_word(shuan_regs_match m)
{
	return m == SHUAN_REGS_NEW ? "new" : m == SHUAN_REGS_MATCHED ? "matched" : "conflict";
}

static void print_report(const shuan_regs_report *rep, bool json)
{
	if (json) {
		printf("{\"path\":");
		shuan_json_cstring(stdout, rep->path);
		printf(",\"encoding\":\"%s\",\"format\":\"%s\",\"year\":%d,\"new\":%zu,\"matched\":%zu,"
		       "\"conflicts\":%zu,\"mentions\":%zu,\"candidates\":[",
		       rep->encoding, rep->format, rep->year, rep->nnew, rep->nmatched, rep->nconflicts,
		       rep->nmentions);
		for (size_t i = 0; i < rep->ncandidates; i++) {
			const shuan_regs_candidate *c = &rep->candidates[i];
			printf("%s\n{\"match\":\"%s\",\"mention\":%s,\"line\":%d,\"title\":", i ? "," : "",
			       match_word(c->match), c->mention ? "true" : "false", c->line);
			shuan_json_cstring(stdout, c->title);
			printf(",\"doc_number\":");
			shuan_json_cstring(stdout, c->doc_number);
			printf(",\"date\":");
			shuan_json_cstring(stdout, c->date);
			printf(",\"effective\":");
			shuan_json_cstring(stdout, c->effective);
			printf(",\"status\":");
			shuan_json_cstring(stdout, c->status);
			printf(",\"sector\":");
			shuan_json_cstring(stdout, c->sector);
			printf(",\"issuers\":");
			shuan_json_strings(stdout, c->issuers, c->nissuers);
			printf(",\"id\":");
			shuan_json_cstring(stdout, c->matched_id);
			printf(",\"conflict\":");
			shuan_json_cstring(stdout, c->conflict);
			printf("}");
		}
		printf("]}\n");
		return;
	}
	printf("# %s (%s, %s, year %d)\n", rep->path, rep->encoding, rep->format, rep->year);
	for (size_t i = 0; i < rep->ncandidates; i++) {
		const shuan_regs_candidate *c = &rep->candidates[i];
		printf("%-8s %5d  %-10s 《%s》", c->mention ? "mention" : match_word(c->match), c->line,
		       c->date ? c->date : "-", c->title);
		if (c->doc_number)
			printf(" %s", c->doc_number);
		if (c->nissuers) {
			printf("  ");
			for (size_t k = 0; k < c->nissuers; k++)
				printf("%s%s", k ? "、" : "", c->issuers[k]);
		}
		if (c->status)
			printf("  [%s]", c->status);
		if (c->sector)
			printf("  {%s}", c->sector);
		if (c->matched_id)
			printf("  -> %s", c->matched_id);
		if (c->conflict)
			printf("\n                    conflict: %s", c->conflict);
		printf("\n");
	}
	printf("%zu new, %zu matched, %zu conflicts, %zu mentions\n", rep->nnew, rep->nmatched,
	       rep->nconflicts, rep->nmentions);
}

static int do_ingest(shuan_regs *r, shuan_store *st, const opts *o, int argc, char **argv)
{
	int exit_code = CLI_EXIT_OK;
	bool json = o->format && !strcmp(o->format, "json");
	if (argc == 0) {
		fprintf(stderr, "shuan regs ingest: no FILE given\n");
		return CLI_EXIT_ERROR;
	}
	for (int i = 0; i < argc; i++) {
		shuan_regs_report *rep = NULL;
		int rc = shuan_regs_ingest_file(r, argv[i], &rep);
		if (rc && !(rc == SHUAN_EINVAL && rep)) {
			fprintf(stderr, "shuan regs ingest: %s\n", shuan_regs_errmsg(r));
			exit_code = CLI_EXIT_ERROR;
			continue;
		}
		if (rc == SHUAN_EINVAL)
			fprintf(stderr, "shuan regs ingest: %s\n", shuan_regs_errmsg(r));
		print_report(rep, json);
		if (rep->nconflicts && exit_code == CLI_EXIT_OK)
			exit_code = CLI_EXIT_FOUND;
		if (o->apply && st) {
			size_t added = 0;
			if (shuan_regs_apply(r, st, rep, &added)) {
				fprintf(stderr, "shuan regs ingest: %s\n", shuan_regs_errmsg(r));
				exit_code = CLI_EXIT_ERROR;
			} else {
				fprintf(stderr, "%s: added %zu entr%s to %s\n", argv[i], added,
				        added == 1 ? "y" : "ies", shuan_store_dir(st));
			}
		}
		shuan_regs_report_free(rep);
	}
	return exit_code;
}

static void on_problem(void *ud, const char *file, int line, const char *msg)
{
	(void)ud;
	if (file)
		fprintf(stdout, "%s:%d: %s\n", file, line, msg);
	else
		fprintf(stdout, "%s\n", msg);
}

static int do_check(shuan_regs *r, const opts *o)
{
	const shuan_regs_citation *c;
	size_t nc, dangling = 0, problems;
	int rc;

	problems = shuan_regs_validate(r, on_problem, NULL);
	rc = shuan_regs_scan_citations(r, cli_rules_dir(o->rules));
	if (rc) {
		fprintf(stderr, "shuan regs check: %s\n", shuan_regs_errmsg(r));
		return CLI_EXIT_ERROR;
	}
	c = shuan_regs_citations(r, &nc);
	for (size_t i = 0; i < nc; i++)
		if (!shuan_regs_title(r, c[i].cited)) {
			printf("%s:%d: %s cites '%s', which is not in the catalogue\n", c[i].file, c[i].line,
			       c[i].rule, c[i].cited);
			dangling++;
		}
	printf("%zu entries, %zu catalogue problems, %zu citations, %zu dangling\n", shuan_regs_count(r),
	       problems, nc, dangling);
	return (dangling || problems) ? CLI_EXIT_FOUND : CLI_EXIT_OK;
}

int cmd_regs(int argc, char **argv)
{
	opts o = {0};
	shuan_regs *r = NULL;
	shuan_store *st = NULL;
	const char *sub;
	int first, rc = CLI_EXIT_ERROR;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		fputs(USAGE, argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_EXIT_ERROR : CLI_EXIT_OK;
	}
	sub = argv[1];
	first = parse(argc - 1, argv + 1, &o);
	if (first < 0) {
		fputs(USAGE, stderr);
		return CLI_EXIT_ERROR;
	}
	if (o.help) {
		for (size_t i = 0; i < sizeof(SUB_HELP) / sizeof(*SUB_HELP); i++)
			if (!strcmp(sub, SUB_HELP[i][0])) {
				fputs(SUB_HELP[i][1], stdout);
				return CLI_EXIT_OK;
			}
		fputs(USAGE, stdout);
		return CLI_EXIT_OK;
	}
	argc -= 1 + first;
	argv += 1 + first;
	if (strcmp(sub, "search") && strcmp(sub, "show") && strcmp(sub, "timeline") &&
	    strcmp(sub, "digest") && strcmp(sub, "ingest") && strcmp(sub, "check")) {
		fprintf(stderr, "shuan regs: unknown subcommand '%s'\n", sub);
		fputs(USAGE, stderr);
		return CLI_EXIT_ERROR;
	}
	if (o.apply && o.no_store) {
		fprintf(stderr, "shuan regs ingest: --apply needs a store; drop --no-store\n");
		return CLI_EXIT_ERROR;
	}
	if (o.format && (strcmp(sub, "digest") ? strcmp(o.format, "text") && strcmp(o.format, "json")
	                                       : strcmp(o.format, "md") && strcmp(o.format, "html"))) {
		fprintf(stderr, "shuan regs %s: unknown --format '%s'\n", sub, o.format);
		return CLI_EXIT_ERROR;
	}
	if (!strcmp(sub, "check"))
		o.no_store = 1; /* check validates what ships, not a user's additions */
	if ((rc = open_regs(&o, &r, &st, o.apply)) != 0)
		goto cleanup;
	rc = CLI_EXIT_ERROR;
	if (!strcmp(sub, "search")) {
		/* Unquoted words are one query: `regs search 数据 出境`. */
		char q[1024];
		size_t qn = 0;
		for (int i = 0; i < argc && qn < sizeof(q); i++)
			qn += (size_t)snprintf(q + qn, sizeof(q) - qn, "%s%s", i ? " " : "", argv[i]);
		if (argc < 1)
			fprintf(stderr, "shuan regs search: QUERY missing\n");
		else if (qn >= sizeof(q))
			fprintf(stderr, "shuan regs search: QUERY too long\n");
		else
			rc = do_search(r, &o, q);
	} else if (!strcmp(sub, "show")) {
		if (argc != 1)
			fprintf(stderr, "shuan regs show: one ID expected\n");
		else
			rc = do_show(r, &o, argv[0]);
	} else if (!strcmp(sub, "timeline")) {
		rc = do_timeline(r, &o);
	} else if (!strcmp(sub, "digest")) {
		rc = do_digest(r, &o);
	} else if (!strcmp(sub, "ingest")) {
		rc = do_ingest(r, st, &o, argc, argv);
	} else {
		rc = do_check(r, &o);
	}
cleanup:
	shuan_regs_free(r);
	shuan_store_free(st);
	return rc;
}
