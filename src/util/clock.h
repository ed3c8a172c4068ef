/*
 * util/clock.h - the wall clock, read in one place: today's local date
 * (the reference date of ages and birth-date checks when none is given)
 * and the current UTC time as an ISO 8601 stamp for reports.
 */
#ifndef SHUAN_UTIL_CLOCK_H
#define SHUAN_UTIL_CLOCK_H

#include <stddef.h>

/* Today's date in the local time zone. */
void shuan_clock_today(int *year, int *month, int *day);

/* The date given, or today's when year is 0. */
void shuan_clock_date_or_today(int year, int month, int day, int *y, int *m, int *d);

/* Now in UTC, "YYYY-MM-DDTHH:MM:SSZ" (len >= 21). */
void shuan_clock_iso_utc(char *buf, size_t len);

#endif
