/*
 * cli/scan_sink.c - the sink of `shuan scan` (see scan_sink.h).
 *
 * Names from the input (paths, member and sheet names, CSV headers) are
 * shown with their PI masked by the scanner's own detectors (a file named
 * after an ID number shows 1101**********002X, as a finding would) unless
 * --reveal, and escaped for the terminal in every message. A database's
 * URL (already without its password) is the user's own server, not a data
 * subject's: it is shown as typed, and only the table part after it masked. The jobs pool
 * calls these functions one at a time (never two at once).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/scan_sink.h"
#include "shuan/db.h"
#include "util/text.h"

#define NAME_MAX_BYTES 4096

const char *name_mask(name_masker *m, const char *raw)
{
	char buf[NAME_MAX_BYTES];
	if (!raw || !m->s)
		return raw;
	for (unsigned i = 0; i < sizeof(m->cache) / sizeof(m->cache[0]); i++)
		if (m->cache[i].raw && !strcmp(m->cache[i].raw, raw))
			return m->cache[i].shown;
	unsigned k = m->next++ % (sizeof(m->cache) / sizeof(m->cache[0]));
	free(m->cache[k].raw);
	free(m->cache[k].shown);
	size_t keep = shuan_db_looks_like_url(raw) ? strcspn(raw, "!") : 0;
	if (keep >= sizeof(buf))
		keep = 0; /* too long to keep apart: masked whole */
	memcpy(buf, raw, keep);
	shuan_scanner_mask_text(m->s, raw + keep, strlen(raw + keep), buf + keep, sizeof(buf) - keep, NULL);
	m->cache[k].raw = strdup(raw);
	m->cache[k].shown = strdup(buf);
	if (!m->cache[k].raw || !m->cache[k].shown) {
		free(m->cache[k].raw);
		free(m->cache[k].shown);
		m->cache[k].raw = m->cache[k].shown = NULL;
		return "(name withheld: out of memory)";
	}
	return m->cache[k].shown;
}

void name_masker_clear(name_masker *m)
{
	for (unsigned i = 0; i < sizeof(m->cache) / sizeof(m->cache[0]); i++) {
		free(m->cache[i].raw);
		free(m->cache[i].shown);
		m->cache[i].raw = m->cache[i].shown = NULL;
	}
}

/* Takes the terminal: clears the progress line so what follows starts on a
 * clean line. */
static void term_take(scan_sink *k)
{
	if (k->term)
		pthread_mutex_lock(k->term);
	if (k->progress_shown && *k->progress_shown) {
		fputs("\r\033[K", stderr);
		*k->progress_shown = false;
	}
}

static void term_give(scan_sink *k)
{
	if (k->flush_each)
		fflush(k->rep->out);
	if (k->term)
		pthread_mutex_unlock(k->term);
}

void sink_finding(const shuan_finding *f, void *ud)
{
	scan_sink *k = ud;
	shuan_finding g = *f;
	g.path = name_mask(&k->names, f->path);
	g.field = name_mask(&k->fields, f->field);
	g.location = name_mask(&k->locations, f->location);
	cli_suppressed why = cli_suppress_check(k->sup, f, f->path, g.path);
	if (why == CLI_SUPPRESSED_IGNORE)
		k->suppressed_ignore++;
	else if (why == CLI_SUPPRESSED_BASELINE)
		k->suppressed_baseline++;
	if (why && !k->show_suppressed)
		return; /* counted, accepted: not written and not gated */
	if (!why && (k->fail_on == FAIL_ON_ANY ||
		     (k->fail_on == FAIL_ON_SENSITIVE && (f->sensitive || shuan_output_is_secret(f)))))
		k->gate_hits++;
	term_take(k);
	k->rep->ops->finding(k->rep, &g);
	k->rep->count++;
	term_give(k);
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

static bool is_named(const scan_sink *k, const char *path)
{
	for (size_t i = 0; i < k->nnamed; i++)
		if (!strcmp(k->named[i], path))
			return true;
	for (size_t i = 0; i < k->ndbs; i++) {
		size_t n = strlen(k->dbs[i]);
		if (!strncmp(path, k->dbs[i], n) && (path[n] == '\0' || path[n] == '!'))
			return true;
	}
	return false;
}

static void add_notice(scan_sink *k, const char *shown, const char *text, bool error)
{
	if (k->nnotices == SINK_NOTICES_MAX) {
		k->notices_dropped++;
		return;
	}
	shuan_output_notice *v = realloc(k->notices, (k->nnotices + 1) * sizeof(*v));
	if (!v) {
		k->notices_dropped++;
		return;
	}
	k->notices = v;
	v[k->nnotices].path = strdup(shown);
	v[k->nnotices].text = strdup(text);
	v[k->nnotices].error = error;
	if (!v[k->nnotices].path || !v[k->nnotices].text) {
		free((char *)v[k->nnotices].path);
		free((char *)v[k->nnotices].text);
		k->notices_dropped++;
		return;
	}
	k->nnotices++;
}

void sink_message(scan_sink *k, const char *path, const char *fmt, ...)
{
	char text[1024], esc[SHUAN_ESCAPE_MAX(1024)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	term_take(k);
	fputs("shuan: ", stderr);
	shuan_fputs_safe(stderr, name_mask(&k->names, path));
	/* reasons name parts and members of the input: escaped too */
	fprintf(stderr, ": %s\n", shuan_escape_display(text, strlen(text), esc, sizeof(esc)));
	if (k->term)
		pthread_mutex_unlock(k->term);
}

/* Whether a skip means the input could not be read at all (the file system
 * said no), as opposed to read and found unusable (binary, a limit). */
static bool unreadable_code(int code)
{
	return code == SHUAN_EIO || code == SHUAN_ENOTFOUND;
}

static void count_skip(scan_sink *k, const char *path, bool unreadable)
{
	if (unreadable)
		k->unreadable++;
	if ((k->fail_on_skip == FAIL_SKIP_NAMED && (unreadable || is_named(k, path))) ||
	    k->fail_on_skip == FAIL_SKIP_ANY)
		k->skip_failures++;
}

void sink_input(const char *path, const shuan_input_result *res, void *ud)
{
	scan_sink *k = ud;
	char text[400];
	bool skipped = res->skipped && res->skipped != SHUAN_EINTR;
	if (skipped) {
		count_skip(k, path, unreadable_code(res->skipped));
		snprintf(text, sizeof(text), "skipped: %s%s", res->reason, limit_flag(res->limit));
	} else if (res->warning[0]) {
		snprintf(text, sizeof(text), "warning: %s%s", res->warning, limit_flag(res->limit));
	} else {
		text[0] = '\0';
	}
	if (text[0])
		add_notice(k, name_mask(&k->names, path), text, skipped);
	if (k->quiet)
		return;
	if (text[0])
		sink_message(k, path, "%s", text);
	if (res->skipped)
		return;
	if (res->invalid_utf8)
		sink_message(k, path, "warning: %llu invalid UTF-8 sequences (scanned anyway)",
			     (unsigned long long)res->invalid_utf8);
	else if (res->invalid_bytes)
		sink_message(k, path, "warning: %llu invalid %s bytes replaced by U+FFFD (scanned anyway)",
			     (unsigned long long)res->invalid_bytes, res->encoding);
}

void sink_walk_skip(scan_sink *k, const char *path, const char *reason, bool unreadable)
{
	char text[400];
	count_skip(k, path, unreadable);
	snprintf(text, sizeof(text), "skipped: %s", reason);
	add_notice(k, name_mask(&k->names, path), text, true);
	if (!k->quiet)
		sink_message(k, path, "%s", text);
}

void sink_free(scan_sink *k)
{
	for (size_t i = 0; i < k->nnotices; i++) {
		free((char *)k->notices[i].path);
		free((char *)k->notices[i].text);
	}
	free(k->notices);
	k->notices = NULL;
	k->nnotices = 0;
	free(k->dbs);
	k->dbs = NULL;
	k->ndbs = 0;
	name_masker_clear(&k->names);
	name_masker_clear(&k->fields);
	name_masker_clear(&k->locations);
}
