/*
 * lib/duty/datetime.c - instants with a zone and calendar dates, the units
 * every deadline is computed in.
 *
 * Written by hand rather than with mktime/timegm and strptime because those
 * depend on the process's TZ and locale: a deadline must come out the same
 * on every machine. Dates use the days-from-civil algorithm (Howard
 * Hinnant's, public domain), exact for the proleptic Gregorian calendar;
 * an instant is UTC seconds plus the offset it is shown in, so
 * "2025-03-01T09:30:00+08:00" + 10 minutes is written back in +08:00.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "shuan/duty.h"

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap(y) ? 29 : d[m - 1];
}

int64_t shuan_date_days(shuan_date d)
{
	int64_t y = d.year - (d.month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (d.month + (d.month > 2 ? -3 : 9)) + 2) / 5 + d.day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

shuan_date shuan_date_from_days(int64_t z)
{
	shuan_date d;
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
	d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
	d.year = (int)(yoe + era * 400 + (d.month <= 2));
	return d;
}

shuan_date shuan_date_add_months(shuan_date d, int months)
{
	int64_t m = (int64_t)d.year * 12 + (d.month - 1) + months;
	shuan_date r;
	r.year = (int)(m >= 0 ? m / 12 : (m - 11) / 12);
	r.month = (int)(m - (int64_t)r.year * 12) + 1;
	r.day = d.day;
	if (r.day > month_days(r.year, r.month))
		r.day = month_days(r.year, r.month);
	return r;
}

/* Reads exactly n digits at *p into *out. */
static bool digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return false;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return true;
}

static bool valid_date(int y, int m, int d)
{
	return y >= 1900 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= month_days(y, m);
}

/* "YYYY-MM-DD" at *p. */
static bool parse_ymd(const char **p, shuan_date *out)
{
	int y, m, d;
	if (!digits(p, 4, &y) || **p != '-')
		return false;
	(*p)++;
	if (!digits(p, 2, &m) || **p != '-')
		return false;
	(*p)++;
	if (!digits(p, 2, &d) || !valid_date(y, m, d))
		return false;
	out->year = y;
	out->month = m;
	out->day = d;
	return true;
}

int shuan_date_parse(const char *s, shuan_date *out)
{
	const char *p = s;
	if (!s || !parse_ymd(&p, out) || *p)
		return SHUAN_EINVAL;
	return 0;
}

void shuan_date_format(shuan_date d, char *buf, size_t len)
{
	snprintf(buf, len, "%04d-%02d-%02d", d.year, d.month, d.day);
}

int shuan_time_parse(const char *s, bool date_ok, const char *what, shuan_time *out, char *errbuf,
                     size_t errlen)
{
	const char *p = s;
	shuan_date d;
	int hh = 0, mm = 0, ss = 0, off = 0;

	if (!s || !parse_ymd(&p, &d)) {
		snprintf(errbuf, errlen, "%s: '%s' is not a date and time (YYYY-MM-DDTHH:MM[:SS]+08:00)",
		         what, s ? s : "");
		return SHUAN_EINVAL;
	}
	if (!*p) {
		if (!date_ok) {
			snprintf(errbuf, errlen, "%s: '%s' needs a time and a zone, e.g. %sT09:30+08:00",
			         what, s, s);
			return SHUAN_EINVAL;
		}
		out->utc = shuan_date_days(d) * 86400 - (int64_t)SHUAN_CHINA_OFFSET_MIN * 60;
		out->offset_min = SHUAN_CHINA_OFFSET_MIN;
		return 0;
	}
	if (*p != 'T' && *p != 't' && *p != ' ')
		goto bad;
	p++;
	if (!digits(&p, 2, &hh) || *p != ':')
		goto bad;
	p++;
	if (!digits(&p, 2, &mm))
		goto bad;
	if (*p == ':') {
		p++;
		if (!digits(&p, 2, &ss))
			goto bad;
		if (*p == '.') /* fractions of a second are dropped */
			while (isdigit((unsigned char)*++p))
				;
	}
	if (hh > 23 || mm > 59 || ss > 60)
		goto bad;
	if (ss == 60)
		ss = 59;
	while (*p == ' ')
		p++;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
		if (!digits(&p, 2, &oh))
			goto bad;
		if (*p == ':')
			p++;
		if (isdigit((unsigned char)*p) && !digits(&p, 2, &om))
			goto bad;
		if (oh > 14 || om > 59)
			goto bad;
		off = sign * (oh * 60 + om);
	} else if (!*p) {
		snprintf(errbuf, errlen,
		         "%s: '%s' has no time zone: add one, e.g. +08:00 for China time or Z for UTC", what,
		         s);
		return SHUAN_EINVAL;
	} else {
		goto bad;
	}
	if (*p)
		goto bad;
	out->utc = shuan_date_days(d) * 86400 + hh * 3600 + mm * 60 + ss - (int64_t)off * 60;
	out->offset_min = off;
	return 0;
bad:
	snprintf(errbuf, errlen, "%s: '%s' is not a date and time (YYYY-MM-DDTHH:MM[:SS]+08:00)", what, s);
	return SHUAN_EINVAL;
}

shuan_date shuan_time_date(const shuan_time *t, int offset_min)
{
	int64_t local = t->utc + (int64_t)offset_min * 60;
	int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
	return shuan_date_from_days(days);
}

void shuan_time_format(const shuan_time *t, char buf[SHUAN_TIME_TEXT])
{
	int64_t local = t->utc + (int64_t)t->offset_min * 60;
	int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
	unsigned sec = (unsigned)(local - days * 86400);
	shuan_date d = shuan_date_from_days(days);
	unsigned off = (unsigned)(t->offset_min < 0 ? -t->offset_min : t->offset_min) % (24 * 60);
	unsigned y = (unsigned)d.year % 10000, mo = (unsigned)d.month % 13, dd = (unsigned)d.day % 32;
	if (t->offset_min == 0)
		snprintf(buf, SHUAN_TIME_TEXT, "%04u-%02u-%02uT%02u:%02u:%02uZ", y, mo, dd, sec / 3600 % 24,
		         sec / 60 % 60, sec % 60);
	else
		snprintf(buf, SHUAN_TIME_TEXT, "%04u-%02u-%02uT%02u:%02u:%02u%c%02u:%02u", y, mo, dd,
		         sec / 3600 % 24, sec / 60 % 60, sec % 60, t->offset_min < 0 ? '-' : '+', off / 60,
		         off % 60);
}

shuan_time shuan_time_now(void)
{
	shuan_time t = {(int64_t)time(NULL), SHUAN_CHINA_OFFSET_MIN};
	return t;
}

int shuan_duty_format_parse(const char *s, shuan_duty_format *out)
{
	if (!s)
		return SHUAN_EINVAL;
	if (!strcmp(s, "text"))
		*out = SHUAN_DUTY_TEXT;
	else if (!strcmp(s, "json"))
		*out = SHUAN_DUTY_JSON;
	else if (!strcmp(s, "md") || !strcmp(s, "markdown"))
		*out = SHUAN_DUTY_MD;
	else
		return SHUAN_EINVAL;
	return 0;
}
