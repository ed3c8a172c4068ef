/*
 * util/clock.c - the wall clock (see clock.h).
 */
#include "util/clock.h"

#include <time.h>

void shuan_clock_today(int *year, int *month, int *day)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	*year = tm.tm_year + 1900;
	*month = tm.tm_mon + 1;
	*day = tm.tm_mday;
}

void shuan_clock_date_or_today(int year, int month, int day, int *y, int *m, int *d)
{
	if (!year) {
		shuan_clock_today(y, m, d);
		return;
	}
	*y = year;
	*m = month;
	*d = day;
}

void shuan_clock_iso_utc(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	if (!strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) && len)
		buf[0] = '\0';
}
