/*
 * cli/cmd_incident.c - `shuan incident grade|new|list|show|update|close|
 * report`: data security incidents (数据安全事件). Grading is stateless
 * (grade --facts F.yaml); new/update/close keep an append-only timeline in
 * the store; list and show put overdue and due-soon deadlines first (red
 * and yellow on a terminal); report writes the report documents.
 *
 * Facts come from a YAML file, from flags (--type leak --pi-people 12000
 * ...) or, for `new` on a terminal with neither, from questions. Flags and
 * answers are turned into the same YAML the files use and read by the same
 * reader, so every input gets the same checks and the same messages naming
 * the field.
 *
 * Exit: 0 ok; 1 (grade, show, list) one of your deadlines is overdue;
 * 2 error (bad input, a missing calendar year, the store).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_duty.h"
#include "cli/db_cli.h"
#include "cli/options.h"
#include "shuan/duties.h"
#include "shuan/incident.h"
#include "shuan/people.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/yaml.h"

enum {
	O_HELP = 'h',
	O_FACTS = 256,
	O_FROM_SCAN,
	O_EVENT,
	O_AT,
	O_NOTE,
	O_LEVEL,
	O_SUMMARY,
	O_OUT_DIR,
	O_ALL,
	O_FACT, /* O_FACT + i: the facts flag FACT_FLAGS[i] */
};

/* The facts flags: the option (the facts key it sets, with '-' for '_'), its
 * metavar and help. The option table and the facts YAML of flags_yaml are
 * both made from this one list. */
static const struct fact_flag {
	const char *name, *metavar, *help;
} FACT_FLAGS[] = {
    {"discovered", "DATETIME", "when it was discovered, with its zone (2025-03-01T09:30+08:00)"},
    {"type", "TYPE",
     "tamper, destroy, leak, illegal_acquire or illegal_use (篡改/破坏/泄露/非法获取/非法利用)"},
    {"data-grade", "GRADE", "core, important or general (核心/重要/一般)"},
    {"pi-people", "N", "people whose personal information is affected"},
    {"spi-people", "N", "of them, people whose sensitive PI is affected"},
    {"loss-cny", "CNY", "direct economic loss"},
    {"outage-hours", "H", "outage, anomaly or interference, in hours"},
    {"domain", "D", "industrial, telecom, radio or other (工业/电信/无线电)"},
    {"role", "R",
     "processor, ciio, central_organ, support_body, local_regulator, mechanism, provincial_cac or "
     "protection_department (default: processor)"},
    {"regime", "R", "miit, cac or both (default: by the domain and the date)"},
    {"threat", "T", "particularly_serious, serious, relatively_serious or some (grading criterion 1)"},
    {"production-impact", "I", "large_scale, fairly_large, partial or minor (industrial data)"},
    {"outage-scope", "S", "whole or main_function (a CIIO's outage)"},
    {"response-ended", "DATETIME", "when the emergency response ended"},
    {"title", "TEXT", "a short name for the incident"},
};
#define N_FACTS CLI_NOPTS(FACT_FLAGS)

/* The options after --facts and the facts flags. */
static const cli_option incident_more_options[] = {
    {"data", 0, required_argument, "SOURCE",
     "count the affected people by scanning SOURCE, e.g. the leaked files or tables (repeatable; a "
     "database URL is read in full)",
     CLI_DUTY_DATA},
    {"from-scan", 0, required_argument, "RUN",
     "take the affected people from inventory run RUN in the store (a number from 'shuan inventory "
     "list', or latest)",
     O_FROM_SCAN},
    {"event", 0, required_argument, "KIND",
     "(update) phoned, written_report, level_adjusted, response_ended, summary_submitted, facts_updated or "
     "note",
     O_EVENT},
    {"at", 0, required_argument, "DATETIME", "(update, close) when the event happened (default: now)", O_AT},
    {"note", 0, required_argument, "TEXT", "(update, close) the event's detail", O_NOTE},
    {"level", 0, required_argument, "LEVEL",
     "(update --event level_adjusted) general, significant, major or extraordinary (一般/较大/重大/特别重大)",
     O_LEVEL},
    {"summary", 0, no_argument, NULL, "(report) the summary report (总结报告) instead of the initial report",
     O_SUMMARY},
    {"out-dir", 0, required_argument, "DIR",
     "(report) where the documents go (default: the current directory)", O_OUT_DIR},
    {"all", 0, no_argument, NULL, "(list) closed incidents too", O_ALL},
    {"format", 'f', required_argument, "FMT",
     "text, json or md; report: md, html or both (default: text; report: both)", CLI_DUTY_FORMAT},
    {"store", 0, required_argument, "DIR",
     "store holding the incidents (default: $SHUAN_STORE or ~/.local/share/shuan)", CLI_DUTY_STORE},
    CLI_DUTY_COMMON_ROWS,
    CLI_DUTY_DATA_ROWS,
    {"help", 'h', no_argument, NULL, "show this help", O_HELP},
};

/* The option table: --facts, the facts flags, the rest. Filled by
 * incident_options_init at the start of cmd_incident (one thread). */
static cli_option incident_options[1 + N_FACTS + CLI_NOPTS(incident_more_options)];

static void incident_options_init(void)
{
	size_t n = 0;
	incident_options[n++] = (cli_option){
	    "facts", 0, required_argument, "F.yaml", "the incident facts (grade, new, update)", O_FACTS};
	for (size_t i = 0; i < N_FACTS; i++) {
		const struct fact_flag *f = &FACT_FLAGS[i];
		incident_options[n++] =
		    (cli_option){f->name, 0, required_argument, f->metavar, f->help, O_FACT + (int)i};
	}
	memcpy(incident_options + n, incident_more_options, sizeof(incident_more_options));
}

static const cli_help incident_help = {
    "usage: shuan incident grade --facts F.yaml [--data SOURCE... | --from-scan RUN] [options]\n"
    "       shuan incident new [--facts F.yaml | fact flags] [--data SOURCE... | --from-scan RUN]\n"
    "       shuan incident list [--all]\n"
    "       shuan incident show ID\n"
    "       shuan incident update ID --event KIND [--at DATETIME] [--note TEXT | --level L | fact "
    "flags]\n"
    "       shuan incident close ID [--at DATETIME] [--note TEXT]\n"
    "       shuan incident report ID [--summary] [--out-dir DIR] [--format md|html|both]\n\n"
    "Grades a data security incident (数据安全事件) under the MIIT plan "
    "(工业和信息化领域数据安全事件\n"
    "应急预案) and/or the CAC's 国家网络安全事件报告管理办法 (from 2025-11-01): the level "
    "(特别重大/重大/\n"
    "较大/一般) with every criterion matched (the highest wins), the response level I-IV, the "
    "warning\n"
    "colour, and every deadline as an absolute time with the party to report to and its article.\n"
    "`new` stores the incident with an append-only timeline; `list` and `show` put overdue and\n"
    "due-soon deadlines first; `report` writes the report (附件2) or summary (附件3) documents in\n"
    "shuan's own template (the official templates' fields are not known) as Markdown and HTML.\n"
    "`new` with neither --facts nor fact flags asks questions on a terminal.\n"
    "Facts keys: docs/duty-engines.md. An unknown key, an unknown value, a negative count or a\n"
    "discovery in the future is an error naming the field.\n\n"
    "options:\n",
    incident_options,
    CLI_NOPTS(incident_options),
    "\nexit status: 0 ok, 1 (grade, show, list) one of your deadlines is overdue,\n"
    "2 usage or runtime error (bad input, a missing calendar year, the store).\n"
    "example: shuan incident grade --facts leak.yaml --as-of 2025-03-01T10:00+08:00\n",
};

typedef struct iopts {
	const char *facts, *event, *at, *note, *level, *out_dir;
	const char *from_scan;
	const char *fact[N_FACTS];
	size_t nfacts;
	bool summary, all;
	const char *id;
	cli_duty_opts d;
} iopts;

static int parse(int argc, char **argv, iopts *o, bool want_id)
{
	char shortopts[64];
	const struct option *lo =
	    cli_options_build(incident_options, CLI_NOPTS(incident_options), shortopts, sizeof(shortopts));
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, shortopts, lo, NULL)) != -1) {
		if (c >= O_FACT && c < O_FACT + (int)N_FACTS) {
			o->fact[c - O_FACT] = optarg;
			o->nfacts++;
			continue;
		}
		switch (c) {
		case O_FACTS:
			o->facts = optarg;
			break;
		case O_FROM_SCAN:
			o->from_scan = optarg;
			break;
		case O_EVENT:
			o->event = optarg;
			break;
		case O_AT:
			o->at = optarg;
			break;
		case O_NOTE:
			o->note = optarg;
			break;
		case O_LEVEL:
			o->level = optarg;
			break;
		case O_SUMMARY:
			o->summary = true;
			break;
		case O_OUT_DIR:
			o->out_dir = optarg;
			break;
		case O_ALL:
			o->all = true;
			break;
		case O_HELP:
			cli_help_print(stdout, &incident_help);
			return -1;
		default: {
			int r = cli_duty_option(&o->d, c, optarg, "incident");
			if (r == 1)
				break;
			if (r == 0)
				cli_help_print(stderr, &incident_help);
			return CLI_EXIT_ERROR;
		}
		}
	}
	if (want_id) {
		if (optind >= argc) {
			fprintf(
			    stderr,
			    "shuan incident: name the incident (its number, see 'shuan incident list')\n");
			return CLI_EXIT_ERROR;
		}
		o->id = argv[optind++];
	}
	for (int i = optind; i < argc; i++)
		if (cli_push_arg(&o->d.data, &o->d.ndata, argv[i]))
			return CLI_EXIT_ERROR;
	return 0;
}

static int parse_id(const char *s, int64_t *id)
{
	char *end;
	long long v = strtoll(s ? s : "", &end, 10);
	if (!s || *end || end == s || v < 1) {
		fprintf(stderr, "shuan incident: '%s' is not an incident number\n", s ? s : "");
		return CLI_EXIT_ERROR;
	}
	*id = v;
	return 0;
}

/* Appends `key: "value"` (value quoted so that it reads back as given) to b. */
static int yaml_kv(shuan_buf *b, const char *key, const char *value)
{
	int rc = shuan_buf_addf(b, "%s: ", key);
	if (rc == 0)
		rc = shuan_yaml_quoted(b, value);
	return rc ? rc : shuan_buf_addc(b, '\n');
}

/* The facts flags as YAML facts text. */
static int flags_yaml(const iopts *o, shuan_buf *b)
{
	for (size_t i = 0; i < N_FACTS; i++) {
		char key[32];
		size_t k = 0;
		if (!o->fact[i])
			continue;
		for (const char *p = FACT_FLAGS[i].name; *p && k + 1 < sizeof(key); p++)
			key[k++] = *p == '-' ? '_' : *p;
		key[k] = '\0';
		if (yaml_kv(b, key, o->fact[i]) != 0)
			return -1;
	}
	return 0;
}

/* Questions for `new` on a terminal: each answer is checked by the facts
 * reader before the next question. */
static int ask(shuan_buf *yaml)
{
	static const struct {
		const char *key, *question;
	} q[] = {
	    {"discovered", "When was it discovered? (e.g. 2025-03-01T09:30+08:00; empty: now)"},
	    {"type", "Type: tamper, destroy, leak, illegal_acquire or illegal_use"},
	    {"data_grade", "Data grade involved: core, important or general"},
	    {"pi_people", "People whose personal information is affected (empty: unknown)"},
	    {"spi_people", "Of them, people whose sensitive PI is affected (empty: unknown)"},
	    {"loss_cny", "Direct economic loss in CNY (empty: unknown)"},
	    {"outage_hours", "Outage or interference in hours (empty: none or unknown)"},
	    {"domain", "Domain: industrial, telecom, radio or other"},
	    {"role", "Your role: processor, ciio, central_organ, ... (empty: processor)"},
	    {"regime", "Regime: miit, cac or both (empty: by the domain and the date)"},
	    {"title", "A short name for the incident"},
	};
	char line[1024], err[512];
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		for (int tries = 0;; tries++) {
			shuan_buf one;
			shuan_incident_facts scratch;
			size_t n;
			int rc;
			fprintf(stderr, "%s: ", q[i].question);
			if (!fgets(line, sizeof(line), stdin))
				return -1;
			n = strlen(line);
			while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
				line[--n] = '\0';
			if (!n && !strcmp(q[i].key, "discovered")) {
				char t[SHUAN_TIME_TEXT];
				shuan_time now = shuan_time_now();
				shuan_time_format(&now, t);
				snprintf(line, sizeof(line), "%s", t);
			}
			if (!line[0])
				break;
			shuan_buf_init(&one, 4096);
			shuan_incident_facts_init(&scratch);
			rc = yaml_kv(&one, q[i].key, line)
			         ? SHUAN_ELIMIT
			         : shuan_incident_facts_parse(&scratch, "answer", shuan_buf_str(&one),
			                                      one.len, err, sizeof(err));
			shuan_incident_facts_free(&scratch);
			if (rc == 0) {
				rc = shuan_buf_add(yaml, one.p, one.len);
				shuan_buf_free(&one);
				if (rc)
					return -1;
				break;
			}
			shuan_buf_free(&one);
			fprintf(stderr, "  %s\n", err);
			if (tries == 4)
				return -1;
		}
	}
	return 0;
}

/* --from-scan RUN: the people counts of a stored inventory run (of the
 * leaked files or tables) replace the facts' counts. */
static int people_from_run(const char *cmd, const iopts *o, shuan_store *store, shuan_incident_facts *f)
{
	shuan_duties_inventory inv;
	char *end;
	long long run = 0;
	int rc;
	if (strcmp(o->from_scan, "latest")) {
		run = strtoll(o->from_scan, &end, 10);
		if (*end || end == o->from_scan || run < 1) {
			fprintf(stderr,
			        "shuan %s: --from-scan takes an inventory run number or latest, not '%s'\n",
			        cmd, o->from_scan);
			return CLI_EXIT_ERROR;
		}
	}
	if (!store) {
		fprintf(
		    stderr,
		    "shuan %s: --from-scan: no store yet: run 'shuan inventory' on the leaked data first\n",
		    cmd);
		return CLI_EXIT_ERROR;
	}
	rc = run ? shuan_duties_inventory_run(store, run, &inv) : shuan_duties_inventory_latest(store, &inv);
	if (rc != 0 || inv.pi_people < 0) {
		fprintf(stderr, "shuan %s: --from-scan %s: %s\n", cmd, o->from_scan,
		        rc == SHUAN_ENOTFOUND
		            ? "no such inventory run in the store (see 'shuan inventory list')"
		            : "the run has no people counts");
		return CLI_EXIT_ERROR;
	}
	if (!o->d.quiet) {
		fprintf(stderr, "shuan %s: --from-scan: %s: %lld people with PI, %lld with sensitive PI\n",
		        cmd, inv.run, (long long)inv.pi_people, (long long)inv.spi_people);
		if (inv.sampled)
			fprintf(
			    stderr,
			    "shuan %s: --from-scan: the run sampled its tables: the counts are a lower bound "
			    "(run 'shuan inventory --full' on the leaked tables)\n",
			    cmd);
		if (f->pi_people >= 0 || f->spi_people >= 0)
			fprintf(stderr,
			        "shuan %s: --from-scan given: the run's counts replace the facts' counts\n",
			        cmd);
	}
	f->pi_people = inv.pi_people;
	f->spi_people = inv.spi_people;
	return 0;
}

/* Reads the facts: --facts, then flags on top; --data counts replace the counts. */
static int load_facts(const char *cmd, iopts *o, const shuan_duty_rules *dr, shuan_store *store,
                      bool interactive, shuan_incident_facts *f)
{
	char err[1024];
	shuan_buf yaml;
	int rc = 0;
	shuan_buf_init(&yaml, 1u << 20);
	if (o->facts && (rc = shuan_incident_facts_load(f, o->facts, err, sizeof(err))) != 0)
		goto fail;
	if (interactive && !o->facts && !o->nfacts) {
		if (ask(&yaml) != 0) {
			fprintf(stderr, "shuan %s: no facts: give --facts F.yaml or fact flags\n", cmd);
			shuan_buf_free(&yaml);
			return CLI_EXIT_ERROR;
		}
	} else if (flags_yaml(o, &yaml) != 0) {
		snprintf(err, sizeof(err), "the fact flags are too long");
		rc = SHUAN_ELIMIT;
		goto fail;
	}
	if (yaml.len && (rc = shuan_incident_facts_parse(f, "command line", shuan_buf_str(&yaml), yaml.len,
	                                                 err, sizeof(err))) != 0)
		goto fail;
	shuan_buf_free(&yaml);
	if (o->from_scan && o->d.ndata) {
		fprintf(stderr, "shuan %s: give --data or --from-scan, not both\n", cmd);
		return CLI_EXIT_ERROR;
	}
	if (o->from_scan)
		return people_from_run(cmd, o, store, f);
	if (o->d.ndata) {
		shuan_people *people = NULL;
		shuan_people_counts pc;
		shuan_duty_data_result dres;
		if (cli_duty_count(cmd, dr, o->d.rules, o->d.data, o->d.ndata, &o->d.db.opt, store, o->d.jobs,
		                   o->d.quiet, &people, &dres))
			return CLI_EXIT_ERROR;
		shuan_people_counts_get(people, &pc);
		shuan_people_free(people);
		if ((f->pi_people >= 0 || f->spi_people >= 0) && !o->d.quiet)
			fprintf(stderr,
			        "shuan %s: --data given: the people counted in the data replace the facts' "
			        "counts\n",
			        cmd);
		f->pi_people = (int64_t)pc.distinct;
		f->spi_people = (int64_t)pc.sensitive;
	}
	return 0;
fail:
	shuan_buf_free(&yaml);
	fprintf(stderr, "shuan %s: %s\n", cmd, err);
	return CLI_EXIT_ERROR;
}

static bool any_overdue(const shuan_incident_grade *g)
{
	for (size_t i = 0; i < g->ndeadlines; i++)
		if (g->deadlines[i].yours && g->deadlines[i].status == SHUAN_DEADLINE_OVERDUE)
			return true;
	return false;
}

/* grade and new. */
static int grade_or_new(iopts *o, bool store_it)
{
	const char *cmd = store_it ? "incident new" : "incident grade";
	shuan_duty_rules *dr = NULL;
	shuan_store *store = NULL;
	shuan_incident_facts f;
	shuan_incident_grade *g = NULL;
	shuan_duty_format fmt;
	shuan_time as_of;
	char err[1024];
	int exit_code = CLI_EXIT_ERROR, rc;

	shuan_incident_facts_init(&f);
	if (!store_it && !o->facts && !o->nfacts) {
		fprintf(stderr, "shuan %s: give --facts F.yaml (or fact flags)\n", cmd);
		return CLI_EXIT_ERROR;
	}
	if (cli_duty_format(cmd, o->d.format, &fmt) || cli_duty_as_of(cmd, o->d.as_of, &as_of) ||
	    cli_duty_rules(cmd, o->d.rules, &dr) || cli_duty_store(cmd, o->d.store, false, store_it, &store))
		goto cleanup;
	if (load_facts(cmd, o, dr, store, store_it && isatty(STDIN_FILENO), &f))
		goto cleanup;
	if (!(g = shuan_malloc(sizeof(*g)))) {
		fprintf(stderr, "shuan %s: out of memory\n", cmd);
		goto cleanup;
	}
	rc = shuan_incident_grade_facts(dr, &f, NULL, 0, &as_of, g, err, sizeof(err));
	if (rc != 0 && rc != SHUAN_ENOTFOUND) {
		fprintf(stderr, "shuan %s: %s\n", cmd, err);
		goto cleanup;
	}
	if (store_it) {
		int64_t id;
		char e2[1024];
		if (shuan_incident_create(store, &f, &as_of, &id, e2, sizeof(e2)) != 0) {
			fprintf(stderr, "shuan %s: %s\n", cmd, e2);
			goto cleanup;
		}
		if (fmt == SHUAN_DUTY_TEXT)
			printf("incident #%lld recorded\n\n", (long long)id);
		else
			fprintf(stderr, "shuan %s: incident #%lld recorded\n", cmd, (long long)id);
	}
	if (shuan_incident_grade_write(stdout, g, &f, fmt, cli_duty_color(o->d.color, stdout, fmt)) != 0 ||
	    fflush(stdout) != 0) {
		fprintf(stderr, "shuan %s: writing the output failed\n", cmd);
		goto cleanup;
	}
	if (rc == SHUAN_ENOTFOUND) {
		fprintf(stderr, "shuan %s: %s\n", cmd, err);
		goto cleanup;
	}
	exit_code = !store_it && any_overdue(g) ? CLI_EXIT_FOUND : CLI_EXIT_OK;
cleanup:
	shuan_free(g);
	shuan_incident_facts_free(&f);
	shuan_store_free(store);
	shuan_duty_rules_free(dr);
	return exit_code;
}

/* Opens the store (it must exist) and reads + grades incident `id`. */
static int load_graded(const char *cmd, const iopts *o, shuan_duty_rules *dr, shuan_store *store, int64_t id,
                       const shuan_time *as_of, shuan_incident *inc, shuan_incident_grade *g, int *grade_rc)
{
	char err[1024];
	int rc = shuan_incident_read(store, id, inc, err, sizeof(err));
	(void)o;
	if (rc != 0) {
		fprintf(stderr, "shuan %s: %s\n", cmd, err);
		return CLI_EXIT_ERROR;
	}
	*grade_rc = shuan_incident_grade_facts(dr, &inc->facts, inc->events, inc->nevents, as_of, g, err,
	                                       sizeof(err));
	if (*grade_rc != 0 && *grade_rc != SHUAN_ENOTFOUND) {
		fprintf(stderr, "shuan %s: incident #%lld: %s\n", cmd, (long long)id, err);
		shuan_incident_free(inc);
		return CLI_EXIT_ERROR;
	}
	if (*grade_rc == SHUAN_ENOTFOUND)
		fprintf(stderr, "shuan %s: incident #%lld: %s\n", cmd, (long long)id, err);
	return 0;
}

static int need_store(const char *cmd, const iopts *o, shuan_store **store)
{
	if (cli_duty_store(cmd, o->d.store, false, false, store))
		return CLI_EXIT_ERROR;
	if (!*store) {
		fprintf(stderr,
		        "shuan %s: no store yet: record an incident first with 'shuan incident new'\n", cmd);
		return CLI_EXIT_ERROR;
	}
	return 0;
}

/* A stored incident opened for show and report: rules, store, the incident graded. */
typedef struct stored {
	shuan_duty_rules *dr;
	shuan_store *store;
	shuan_incident inc;
	shuan_incident_grade *g;
	bool loaded;
	int grade_rc; /* SHUAN_ENOTFOUND: a deadline needs a missing calendar year */
} stored;

static int stored_open(const char *cmd, const iopts *o, const shuan_time *as_of, stored *st)
{
	int64_t id;
	memset(st, 0, sizeof(*st));
	if (parse_id(o->id, &id) || cli_duty_rules(cmd, o->d.rules, &st->dr) ||
	    need_store(cmd, o, &st->store))
		return CLI_EXIT_ERROR;
	if (!(st->g = shuan_malloc(sizeof(*st->g)))) {
		fprintf(stderr, "shuan %s: out of memory\n", cmd);
		return CLI_EXIT_ERROR;
	}
	if (load_graded(cmd, o, st->dr, st->store, id, as_of, &st->inc, st->g, &st->grade_rc))
		return CLI_EXIT_ERROR;
	st->loaded = true;
	return 0;
}

static void stored_close(stored *st)
{
	if (st->loaded)
		shuan_incident_free(&st->inc);
	shuan_free(st->g);
	shuan_store_free(st->store);
	shuan_duty_rules_free(st->dr);
}

static int show(iopts *o)
{
	const char *cmd = "incident show";
	stored st;
	shuan_duty_format fmt;
	shuan_time as_of;
	int exit_code = CLI_EXIT_ERROR;

	if (cli_duty_format(cmd, o->d.format, &fmt) || cli_duty_as_of(cmd, o->d.as_of, &as_of))
		return CLI_EXIT_ERROR;
	if (stored_open(cmd, o, &as_of, &st) == 0 &&
	    shuan_incident_show_write(stdout, &st.inc, st.g, fmt, cli_duty_color(o->d.color, stdout, fmt)) ==
	        0 &&
	    fflush(stdout) == 0)
		exit_code = st.grade_rc ? CLI_EXIT_ERROR : any_overdue(st.g) ? CLI_EXIT_FOUND : CLI_EXIT_OK;
	stored_close(&st);
	return exit_code;
}

/* The most urgent of your deadlines, for list. */
static const shuan_incident_deadline *next_deadline(const shuan_incident_grade *g)
{
	for (size_t i = 0; i < g->ndeadlines; i++)
		if (g->deadlines[i].yours && g->deadlines[i].status != SHUAN_DEADLINE_DONE)
			return &g->deadlines[i];
	return NULL;
}

typedef struct list_row {
	int64_t id;
	char title[128];
	bool closed;
	shuan_incident_level level;
	int overdue, due_soon;
	bool has_next;
	shuan_incident_deadline next;
} list_row;

static int row_rank(const list_row *r)
{
	return r->overdue ? 0 : r->due_soon ? 1 : r->has_next ? 2 : 3;
}

static int cmp_rows(const void *a, const void *b)
{
	const list_row *x = a, *y = b;
	int rx = row_rank(x), ry = row_rank(y);
	if (rx != ry)
		return rx - ry;
	if (x->has_next && y->has_next && x->next.has_due && y->next.has_due &&
	    x->next.due.utc != y->next.due.utc)
		return x->next.due.utc < y->next.due.utc ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int list(iopts *o)
{
	const char *cmd = "incident list";
	shuan_duty_rules *dr = NULL;
	shuan_store *store = NULL;
	shuan_incident_grade *g = NULL;
	list_row *rows = NULL;
	int64_t *ids = NULL;
	size_t n = 0;
	shuan_duty_format fmt;
	shuan_time as_of;
	char err[1024];
	int exit_code = CLI_EXIT_ERROR;
	bool color, overdue = false, failed = false;

	if (cli_duty_format(cmd, o->d.format, &fmt) || cli_duty_as_of(cmd, o->d.as_of, &as_of) ||
	    cli_duty_rules(cmd, o->d.rules, &dr) || cli_duty_store(cmd, o->d.store, false, false, &store))
		goto cleanup;
	color = cli_duty_color(o->d.color, stdout, fmt);
	if (store && shuan_incident_ids(store, o->all, &ids, &n, err, sizeof(err)) != 0) {
		fprintf(stderr, "shuan %s: %s\n", cmd, err);
		goto cleanup;
	}
	if (!(g = shuan_malloc(sizeof(*g))) || !(rows = calloc(n + 1, sizeof(*rows))))
		goto cleanup;
	for (size_t i = 0; i < n; i++) {
		shuan_incident inc;
		const shuan_incident_deadline *d;
		int grc;
		if (load_graded(cmd, o, dr, store, ids[i], &as_of, &inc, g, &grc)) {
			failed = true;
			continue;
		}
		failed = failed || grc != 0;
		rows[i].id = ids[i];
		snprintf(rows[i].title, sizeof(rows[i].title), "%s", inc.facts.title ? inc.facts.title : "");
		rows[i].closed = inc.closed;
		rows[i].level = g->level;
		for (size_t k = 0; k < g->ndeadlines; k++) {
			if (!g->deadlines[k].yours)
				continue;
			rows[i].overdue += g->deadlines[k].status == SHUAN_DEADLINE_OVERDUE;
			rows[i].due_soon += g->deadlines[k].status == SHUAN_DEADLINE_DUE_SOON;
		}
		if ((d = next_deadline(g)) && !inc.closed) {
			rows[i].has_next = true;
			rows[i].next = *d;
		}
		overdue = overdue || (rows[i].overdue && !inc.closed);
		shuan_incident_free(&inc);
	}
	qsort(rows, n, sizeof(*rows), cmp_rows);
	if (fmt == SHUAN_DUTY_JSON) {
		fputs("{\"type\":\"incident_list\",\"schema_version\":1,\"incidents\":[", stdout);
		for (size_t i = 0; i < n; i++) {
			const list_row *r = &rows[i];
			char t[SHUAN_TIME_TEXT];
			printf("%s{\"id\":%lld,\"title\":", i ? "," : "", (long long)r->id);
			shuan_json_cstring(stdout, r->title[0] ? r->title : NULL);
			printf(",\"closed\":%s,\"level\":\"%s\",\"overdue\":%d,\"due_soon\":%d,\"next\":",
			       r->closed ? "true" : "false", shuan_incident_level_name(r->level), r->overdue,
			       r->due_soon);
			if (!r->has_next) {
				fputs("null}", stdout);
				continue;
			}
			printf("{\"step\":\"%s\",\"status\":\"%s\",\"due\":", r->next.step,
			       shuan_deadline_status_name(r->next.status));
			if (r->next.has_due) {
				shuan_time_format(&r->next.due, t);
				shuan_json_cstring(stdout, t);
			} else {
				fputs("null", stdout);
			}
			fputs(",\"party\":", stdout);
			shuan_json_cstring(stdout, r->next.party);
			fputs("}}", stdout);
		}
		fputs("]}\n", stdout);
	} else {
		if (fmt == SHUAN_DUTY_MD)
			fputs("| # | Level | Title | Next deadline | Due | Status "
			      "|\n|---|---|---|---|---|---|\n",
			      stdout);
		else if (!n)
			printf("no %sincidents in the store\n", o->all ? "" : "open ");
		for (size_t i = 0; i < n; i++) {
			const list_row *r = &rows[i];
			char t[SHUAN_TIME_TEXT] = "-";
			const char *st = r->closed     ? "closed"
			                 : r->has_next ? shuan_deadline_status_name(r->next.status)
			                               : "-";
			const char *c = r->overdue ? "\033[31m" : r->due_soon ? "\033[33m" : "";
			if (r->has_next && r->next.has_due)
				shuan_time_format(&r->next.due, t);
			if (fmt == SHUAN_DUTY_MD) {
				printf("| %lld | %s | ", (long long)r->id, shuan_incident_level_zh(r->level));
				fputs(r->title, stdout);
				printf(" | %s | %s | %s |\n", r->has_next ? r->next.step : "-", t, st);
				continue;
			}
			printf("%s#%-4lld %-8s %-9s %-25s %-26s%s ", color ? c : "", (long long)r->id,
			       shuan_incident_level_zh(r->level), st, t, r->has_next ? r->next.step : "-",
			       color && *c ? "\033[0m" : "");
			for (const char *p = r->title; *p; p++)
				putchar((unsigned char)*p < 0x20 ? '?' : *p);
			putchar('\n');
		}
	}
	if (fflush(stdout) != 0)
		goto cleanup;
	exit_code = failed ? CLI_EXIT_ERROR : overdue ? CLI_EXIT_FOUND : CLI_EXIT_OK;
cleanup:
	free(rows);
	shuan_free(g);
	shuan_incident_ids_free(ids);
	shuan_store_free(store);
	shuan_duty_rules_free(dr);
	return exit_code;
}

/* update and close: one event on the timeline. */
static int add_event(iopts *o, bool close)
{
	const char *cmd = close ? "incident close" : "incident update";
	shuan_store *store = NULL;
	shuan_buf detail;
	shuan_time at, now;
	int64_t id;
	char err[1024];
	const char *kind = close ? "closed" : o->event;
	int exit_code = CLI_EXIT_ERROR;

	shuan_buf_init(&detail, 1u << 20);
	if (parse_id(o->id, &id) || cli_duty_as_of(cmd, o->d.as_of, &now) || need_store(cmd, o, &store))
		goto cleanup;
	at = now;
	if (o->at && shuan_time_parse(o->at, false, "--at", &at, err, sizeof(err)) != 0) {
		fprintf(stderr, "shuan %s: %s\n", cmd, err);
		goto cleanup;
	}
	if (!kind && (o->facts || o->nfacts))
		kind = "facts_updated";
	if (!kind) {
		fprintf(stderr,
		        "shuan %s: --event KIND is required (phoned, written_report, level_adjusted, "
		        "response_ended, summary_submitted, facts_updated, note)\n",
		        cmd);
		goto cleanup;
	}
	if (!strcmp(kind, "facts_updated")) {
		/* a facts file and flags become one YAML text, checked on append */
		if (o->facts) {
			char *text = NULL;
			FILE *fp = fopen(o->facts, "rb");
			size_t len = 0;
			if (!fp) {
				fprintf(stderr, "shuan %s: %s: cannot read\n", cmd, o->facts);
				goto cleanup;
			}
			text = malloc(1u << 20);
			if (text)
				len = fread(text, 1, (1u << 20) - 1, fp);
			fclose(fp);
			if (!text || shuan_buf_add(&detail, text, len) || shuan_buf_addc(&detail, '\n')) {
				free(text);
				fprintf(stderr, "shuan %s: %s is too large\n", cmd, o->facts);
				goto cleanup;
			}
			free(text);
		}
		if (flags_yaml(o, &detail) != 0) {
			fprintf(stderr, "shuan %s: the fact flags are too long\n", cmd);
			goto cleanup;
		}
	} else if (!strcmp(kind, "level_adjusted")) {
		if (!o->level) {
			fprintf(stderr, "shuan %s: --event level_adjusted needs --level LEVEL\n", cmd);
			goto cleanup;
		}
		shuan_buf_adds(&detail, o->level);
	} else if (o->nfacts || o->facts) {
		fprintf(stderr, "shuan %s: fact flags and --facts go with --event facts_updated\n", cmd);
		goto cleanup;
	}
	if (o->note && strcmp(kind, "facts_updated") && strcmp(kind, "level_adjusted"))
		shuan_buf_adds(&detail, o->note);
	if (shuan_incident_append(store, id, kind, &at, detail.len ? shuan_buf_str(&detail) : NULL, &now, err,
	                          sizeof(err)) != 0) {
		fprintf(stderr, "shuan %s: %s\n", cmd, err);
		goto cleanup;
	}
	{
		char t[SHUAN_TIME_TEXT];
		shuan_time_format(&at, t);
		printf("incident #%lld: %s at %s\n", (long long)id, kind, t);
	}
	exit_code = CLI_EXIT_OK;
cleanup:
	shuan_buf_free(&detail);
	shuan_store_free(store);
	return exit_code;
}

static int report(iopts *o)
{
	const char *cmd = "incident report";
	stored st;
	shuan_time as_of;
	int exit_code = CLI_EXIT_ERROR;
	bool md = true, html = true;
	const char *dir = o->out_dir ? o->out_dir : ".";

	if (o->d.format && !strcmp(o->d.format, "md"))
		html = false;
	else if (o->d.format && !strcmp(o->d.format, "html"))
		md = false;
	else if (o->d.format && strcmp(o->d.format, "both")) {
		fprintf(stderr, "shuan %s: --format takes md, html or both\n", cmd);
		return CLI_EXIT_ERROR;
	}
	if (cli_duty_as_of(cmd, o->d.as_of, &as_of))
		return CLI_EXIT_ERROR;
	if (stored_open(cmd, o, &as_of, &st))
		goto cleanup;
	for (int k = 0; k < 2; k++) {
		char path[4200];
		FILE *f;
		if ((k == 0 && !md) || (k == 1 && !html))
			continue;
		snprintf(path, sizeof(path), "%s/incident-%lld-%s.%s", dir, (long long)st.inc.id,
		         o->summary ? "summary" : "report", k == 0 ? "md" : "html");
		if (cli_duty_write_file(cmd, path, &f))
			goto cleanup;
		if (shuan_incident_report_write(f, &st.inc, st.g, o->summary,
		                                k == 0 ? SHUAN_REPORT_MD : SHUAN_REPORT_HTML) != 0 ||
		    fclose(f) != 0) {
			fprintf(stderr, "shuan %s: writing %s failed\n", cmd, path);
			goto cleanup;
		}
		printf("%s\n", path);
	}
	exit_code = st.grade_rc ? CLI_EXIT_ERROR : CLI_EXIT_OK;
cleanup:
	stored_close(&st);
	return exit_code;
}

int cmd_incident(int argc, char **argv)
{
	static const char *const subs[] = {"grade", "new", "list", "show", "update", "close", "report", NULL};
	iopts o = {0};
	const char *sub = argc > 1 ? argv[1] : NULL;
	int k = -1, rc;
	incident_options_init();
	if (!sub || !strcmp(sub, "--help") || !strcmp(sub, "-h") || !strcmp(sub, "help")) {
		cli_help_print(sub ? stdout : stderr, &incident_help);
		return sub ? CLI_EXIT_OK : CLI_EXIT_ERROR;
	}
	for (int i = 0; subs[i]; i++)
		if (!strcmp(subs[i], sub))
			k = i;
	if (k < 0) {
		fprintf(stderr,
		        "shuan incident: unknown subcommand '%s' (grade, new, list, show, update, close, "
		        "report)\n",
		        sub);
		return CLI_EXIT_ERROR;
	}
	cli_duty_opts_init(&o.d);
	rc = parse(argc - 1, argv + 1, &o, k >= 3);
	if (rc == -1) {
		cli_duty_opts_clear(&o.d);
		return CLI_EXIT_OK;
	}
	if (rc == 0 && o.d.ndata && k > 1) {
		fprintf(stderr, "shuan incident %s: unexpected argument '%s'\n", sub, o.d.data[0]);
		rc = CLI_EXIT_ERROR;
	}
	if (rc == 0) {
		switch (k) {
		case 0:
			rc = grade_or_new(&o, false);
			break;
		case 1:
			rc = grade_or_new(&o, true);
			break;
		case 2:
			rc = list(&o);
			break;
		case 3:
			rc = show(&o);
			break;
		case 4:
			rc = add_event(&o, false);
			break;
		case 5:
			rc = add_event(&o, true);
			break;
		default:
			rc = report(&o);
			break;
		}
	}
	cli_duty_opts_clear(&o.d);
	return rc;
}
