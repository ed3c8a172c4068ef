/*
 * lib/duty/ical.c - the duties as an iCalendar object (RFC 5545) that
 * calendar programs import.
 *
 * Written by hand: what is needed is a handful of properties, and the
 * Debian iCalendar library (libical) would be a dependency for that alone.
 * The rules of RFC 5545 that matter here: content lines end with CRLF
 * (3.1); lines longer than 75 octets are folded, CRLF followed by one space,
 * never inside a UTF-8 sequence (3.1); TEXT values escape backslash,
 * semicolon, comma and newline (3.3.11); every VEVENT has UID and DTSTAMP
 * (3.6.1). Each dated duty is an all-day event on its due date (and one on
 * the day an extension window opens); a recurring duty carries an RRULE.
 * UIDs are a hash of the organisation, the duty and its subject - not of
 * the date - so importing a later run updates the events instead of
 * duplicating them. DTSTAMP is the run's as-of time, so output is
 * reproducible.
 */
#include <stdio.h>
#include <string.h>

#include "lib/duty/internal.h"

#define FOLD 75

/* Writes one content line, folded at 75 octets without splitting UTF-8. */
static void line(FILE *f, const char *s)
{
	size_t len = strlen(s), pos = 0, room = FOLD;
	while (len - pos > room) {
		size_t cut = pos + room;
		while (cut > pos && ((unsigned char)s[cut] & 0xC0) == 0x80)
			cut--;
		fwrite(s + pos, 1, cut - pos, f);
		fputs("\r\n ", f);
		pos = cut;
		room = FOLD - 1; /* the leading space counts */
	}
	fwrite(s + pos, 1, len - pos, f);
	fputs("\r\n", f);
}

/* Appends s escaped as TEXT to buf (bounded). */
static void text(char *buf, size_t cap, const char *s)
{
	size_t o = strlen(buf);
	for (; s && *s && o + 3 < cap; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\\' || c == ';' || c == ',') {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else if (c == '\n') {
			buf[o++] = '\\';
			buf[o++] = 'n';
		} else if (c >= 0x20 && c != 0x7f) {
			buf[o++] = (char)c;
		}
	}
	/* never end inside a UTF-8 sequence when the buffer filled up */
	while (o > 0 && ((unsigned char)buf[o - 1] & 0x80)) {
		size_t k = o - 1;
		while (k > 0 && ((unsigned char)buf[k] & 0xC0) == 0x80)
			k--;
		{
			unsigned char lead = (unsigned char)buf[k];
			size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
			if (o - k == need)
				break;
			o = k;
		}
	}
	buf[o] = '\0';
}

static uint64_t fnv1a(uint64_t h, const char *s)
{
	for (; s && *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	h ^= 0xff; /* separator, so ("ab","c") and ("a","bc") differ */
	h *= 1099511628211ull;
	return h;
}

static void event(FILE *f, const shuan_duties_result *r, const shuan_duty_item *it, const char *stamp,
                  bool window)
{
	char buf[2048], date[16], end[16];
	shuan_date d = window ? it->window_opens : it->due, e = shuan_date_from_days(shuan_date_days(d) + 1);
	uint64_t h = 1469598103934665603ull;
	h = fnv1a(h, r->org_name);
	h = fnv1a(h, it->id);
	h = fnv1a(h, it->subject);
	h = fnv1a(h, window ? "window" : "due");
	snprintf(date, sizeof(date), "%04d%02d%02d", d.year, d.month, d.day);
	snprintf(end, sizeof(end), "%04d%02d%02d", e.year, e.month, e.day);

	line(f, "BEGIN:VEVENT");
	snprintf(buf, sizeof(buf), "UID:%016llx-%s@shuan", (unsigned long long)h, window ? "w" : "d");
	line(f, buf);
	snprintf(buf, sizeof(buf), "DTSTAMP:%s", stamp);
	line(f, buf);
	snprintf(buf, sizeof(buf), "DTSTART;VALUE=DATE:%s", date);
	line(f, buf);
	snprintf(buf, sizeof(buf), "DTEND;VALUE=DATE:%s", end);
	line(f, buf);
	buf[0] = '\0';
	snprintf(buf, sizeof(buf), "SUMMARY:");
	text(buf, sizeof(buf), it->basis.unverified ? "[UNVERIFIED] " : "");
	text(buf, sizeof(buf), window ? "Extension window opens: " : "");
	text(buf, sizeof(buf), it->title);
	if (it->subject[0]) {
		text(buf, sizeof(buf), " (");
		text(buf, sizeof(buf), it->subject);
		text(buf, sizeof(buf), ")");
	}
	line(f, buf);
	snprintf(buf, sizeof(buf), "DESCRIPTION:");
	text(buf, sizeof(buf), it->detail);
	if (it->party) {
		text(buf, sizeof(buf), "\nParty: ");
		text(buf, sizeof(buf), it->party);
	}
	text(buf, sizeof(buf), "\nBasis: ");
	text(buf, sizeof(buf), it->basis.article);
	if (it->basis.cites) {
		text(buf, sizeof(buf), " [");
		text(buf, sizeof(buf), it->basis.cites);
		text(buf, sizeof(buf), "]");
	}
	text(buf, sizeof(buf), "\nRule: ");
	text(buf, sizeof(buf), it->basis.rule);
	if (it->basis.unverified) {
		text(buf, sizeof(buf), "\n[UNVERIFIED] ");
		text(buf, sizeof(buf),
		     it->basis.note ? it->basis.note : "not checked against the official text");
	}
	line(f, buf);
	line(f, "CATEGORIES:COMPLIANCE");
	if (!window && it->every_months > 0) {
		if (it->every_months % 12 == 0)
			snprintf(buf, sizeof(buf), "RRULE:FREQ=YEARLY;INTERVAL=%d", it->every_months / 12);
		else
			snprintf(buf, sizeof(buf), "RRULE:FREQ=MONTHLY;INTERVAL=%d", it->every_months);
		line(f, buf);
	}
	line(f, "END:VEVENT");
}

int shuan_duties_write_ics(FILE *f, const shuan_duties_result *r)
{
	char stamp[32], buf[512];
	int64_t t = r->as_of.utc;
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	shuan_date d = shuan_date_from_days(days);
	unsigned sec = (unsigned)(t - days * 86400);
	snprintf(stamp, sizeof(stamp), "%04u%02u%02uT%02u%02u%02uZ", (unsigned)d.year % 10000,
	         (unsigned)d.month % 13, (unsigned)d.day % 32, sec / 3600 % 24, sec / 60 % 60, sec % 60);
	line(f, "BEGIN:VCALENDAR");
	line(f, "VERSION:2.0");
	snprintf(buf, sizeof(buf), "PRODID:-//shuan//shuan duties %s//ZH", shuan_version());
	line(f, buf);
	line(f, "CALSCALE:GREGORIAN");
	line(f, "METHOD:PUBLISH");
	snprintf(buf, sizeof(buf), "X-WR-CALNAME:");
	text(buf, sizeof(buf), "shuan duties");
	if (r->org_name) {
		text(buf, sizeof(buf), " - ");
		text(buf, sizeof(buf), r->org_name);
	}
	line(f, buf);
	for (size_t i = 0; i < r->nitems; i++) {
		const shuan_duty_item *it = &r->items[i];
		if (!it->has_due || it->status == SHUAN_DUTY_NOT_APPLICABLE || it->status == SHUAN_DUTY_ERROR)
			continue;
		event(f, r, it, stamp, false);
		if (it->has_window)
			event(f, r, it, stamp, true);
	}
	line(f, "END:VCALENDAR");
	return ferror(f) ? SHUAN_EIO : 0;
}
