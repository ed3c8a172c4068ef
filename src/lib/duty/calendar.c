/*
 * lib/duty/calendar.c - the PRC working-day calendar (工作日), kept as data:
 * rules/calendar/cn-YYYY.yaml lists each year's public holidays and the
 * weekend days worked in exchange (调休上班), from the State Council's
 * yearly notice.
 *
 * A working day is a Monday to Friday that is no holiday, or a listed
 * exchange day. A year without a file is an error naming the year and the
 * file to add - never a guess from weekdays, since a week-long holiday
 * moves a 5-working-day deadline by a week. Each file is checked on load:
 * its year matches the name, dates fall inside it, exchange days are
 * weekend days outside the holidays.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/duty/internal.h"
#include "util/alloc.h"

#define MAX_YEARS 400

static int day_of_year(shuan_date d)
{
	shuan_date jan1 = {d.year, 1, 1};
	return (int)(shuan_date_days(d) - shuan_date_days(jan1));
}

/* 0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday). */
static int weekday(shuan_date d)
{
	int64_t z = shuan_date_days(d);
	int w = (int)((z % 7 + 7 + 3) % 7);
	return w;
}

/* A date scalar under `key` of map m that must lie in `year`. */
static int date_in_year(shuan_yaml *y, const shuan_yaml_node *m, const char *key, int year, shuan_date *out)
{
	shuan_yaml_node *n = shuan_yaml_get(y, m, key);
	const char *s;
	if (!n)
		return shuan_yaml_fail(y, m, "'%s' is required", key);
	if (shuan_yaml_string(y, n, key, &s) != 0)
		return SHUAN_ERULES;
	if (shuan_date_parse(s, out) != 0)
		return shuan_yaml_fail(y, n, "'%s' must be a date YYYY-MM-DD", key);
	if (out->year != year)
		return shuan_yaml_fail(y, n, "'%s' %s is not in %d, the year of this file", key, s, year);
	return 0;
}

static int parse_year(shuan_yaml *y, int file_year, duty_cal_year *cy)
{
	static const char *const keys[] = {"year", "cites", "unverified", "holidays", "working_days", NULL};
	static const char *const hkeys[] = {"name", "from", "to", NULL};
	static const char *const wkeys[] = {"date", "for", NULL};
	shuan_yaml_node *root = shuan_yaml_root(y), *seq, *n;
	int64_t year;
	int rc;

	if (!shuan_yaml_is_map(root))
		return shuan_yaml_fail(y, root, "the top level must be a mapping");
	if ((rc = shuan_yaml_check_keys(y, root, "calendar", keys)) != 0)
		return rc;
	if (!(n = shuan_yaml_get(y, root, "year")))
		return shuan_yaml_fail(y, root, "'year' is required");
	if ((rc = shuan_yaml_int(y, n, "year", 1900, 9999, &year)) != 0)
		return rc;
	if (year != file_year)
		return shuan_yaml_fail(y, n, "year %lld does not match the file name (cn-%d.yaml)",
		                       (long long)year, file_year);
	cy->year = (int)year;
	if ((n = shuan_yaml_get(y, root, "unverified")) &&
	    (rc = shuan_yaml_bool(y, n, "unverified", &cy->unverified)))
		return rc;
	if (!(seq = shuan_yaml_get(y, root, "holidays")) || !shuan_yaml_is_seq(seq))
		return shuan_yaml_fail(y, seq ? seq : root, "'holidays' must be a list");
	for (size_t i = 0; i < shuan_yaml_count(seq); i++) {
		shuan_yaml_node *m = shuan_yaml_item(y, seq, i);
		shuan_date from, to;
		const char *name;
		if ((rc = shuan_yaml_check_keys(y, m, "holiday", hkeys)) != 0)
			return rc;
		if (!(n = shuan_yaml_get(y, m, "name")) || shuan_yaml_string(y, n, "name", &name))
			return shuan_yaml_fail(y, m, "a holiday needs a 'name'");
		if ((rc = date_in_year(y, m, "from", cy->year, &from)) ||
		    (rc = date_in_year(y, m, "to", cy->year, &to)))
			return rc;
		if (shuan_date_days(to) < shuan_date_days(from) ||
		    shuan_date_days(to) - shuan_date_days(from) > 14)
			return shuan_yaml_fail(
			    y, m, "holiday '%s': 'to' must be on or after 'from', at most 15 days", name);
		for (int d = day_of_year(from); d <= day_of_year(to); d++)
			cy->holiday[d] = 1;
	}
	if ((seq = shuan_yaml_get(y, root, "working_days")) && !shuan_yaml_is_seq(seq))
		return shuan_yaml_fail(y, seq, "'working_days' must be a list");
	for (size_t i = 0; seq && i < shuan_yaml_count(seq); i++) {
		shuan_yaml_node *m = shuan_yaml_item(y, seq, i);
		shuan_date d;
		if ((rc = shuan_yaml_check_keys(y, m, "working day", wkeys)) != 0)
			return rc;
		if ((rc = date_in_year(y, m, "date", cy->year, &d)) != 0)
			return rc;
		if (weekday(d) < 5)
			return shuan_yaml_fail(
			    y, m, "%04d-%02d-%02d is a weekday: only weekend days are listed as working days",
			    d.year, d.month, d.day);
		if (cy->holiday[day_of_year(d)])
			return shuan_yaml_fail(y, m, "%04d-%02d-%02d is inside a holiday", d.year, d.month,
			                       d.day);
		cy->working[day_of_year(d)] = 1;
	}
	return 0;
}

static int cmp_year(const void *a, const void *b)
{
	return ((const duty_cal_year *)a)->year - ((const duty_cal_year *)b)->year;
}

int shuan_duty__calendar_load(shuan_duty_rules *r, const char *dir, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	shuan_vec years;
	int rc = 0;
	shuan_vec_init(&years, sizeof(duty_cal_year), MAX_YEARS);
	if (!d)
		return 0; /* no calendar at all: every working-day computation names the missing year */
	while ((e = readdir(d)) != NULL) {
		int year;
		char tail[8] = "", path[4600];
		shuan_yaml y = {0};
		duty_cal_year *cy;
		if (sscanf(e->d_name, "cn-%4d%7s", &year, tail) != 2 || strcmp(tail, ".yaml") ||
		    strlen(e->d_name) != 12)
			continue;
		if ((rc = shuan_vec_add(&years, (void **)&cy)) != 0) {
			if (rc == SHUAN_ELIMIT)
				snprintf(err, errlen, "%s: more than %d calendar years", dir, MAX_YEARS);
			break;
		}
		r->years = years.v; /* the array may have moved */
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		snprintf(cy->file, sizeof(cy->file), "%.500s", path);
		rc = shuan_yaml_load_file(&y, path, err, errlen);
		if (rc == 0)
			rc = parse_year(&y, year, cy);
		shuan_yaml_free(&y);
		if (rc != 0)
			break;
		for (size_t i = 0; i < r->nyears; i++)
			if (r->years[i].year == year) {
				snprintf(err, errlen, "%s: year %d is defined twice", path, year);
				rc = SHUAN_ERULES;
			}
		if (rc != 0)
			break;
		r->nyears++;
	}
	closedir(d);
	r->years = years.v; /* freed with the rules, whatever happened */
	if (rc == 0 && r->nyears)
		qsort(r->years, r->nyears, sizeof(*r->years), cmp_year);
	return rc;
}

void shuan_duty__calendar_free(shuan_duty_rules *r)
{
	shuan_free(r->years);
	r->years = NULL;
	r->nyears = 0;
}

void shuan_duty_calendar_years(const shuan_duty_rules *r, int *first, int *last)
{
	*first = r && r->nyears ? r->years[0].year : 0;
	*last = r && r->nyears ? r->years[r->nyears - 1].year : 0;
}

static const duty_cal_year *find_year(const shuan_duty_rules *r, int year)
{
	size_t lo = 0, hi = r ? r->nyears : 0;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (r->years[mid].year == year)
			return &r->years[mid];
		if (r->years[mid].year < year)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int shuan_duty_working_day(const shuan_duty_rules *r, shuan_date d, bool *out, char *err, size_t errlen)
{
	const duty_cal_year *cy = find_year(r, d.year);
	int doy;
	if (!cy) {
		snprintf(err, errlen,
		         "no working-day calendar for %d: add rules/calendar/cn-%d.yaml from the State "
		         "Council's notice "
		         "国务院办公厅关于%d年部分节假日安排的通知",
		         d.year, d.year, d.year);
		return SHUAN_ENOTFOUND;
	}
	doy = day_of_year(d);
	*out = cy->working[doy] || (weekday(d) < 5 && !cy->holiday[doy]);
	return 0;
}

bool shuan_duty_calendar_expected(int year, const shuan_time *as_of)
{
	shuan_date today = shuan_time_date(as_of, SHUAN_CHINA_OFFSET_MIN);
	/* the notice for a year comes out between late October and early December of the year before
	 * (2022-12-08, 2023-10-25, 2024-11-12, 2025-11-04) */
	return year <= today.year || (year == today.year + 1 && today.month == 12);
}

int shuan_duty__working_days(const shuan_duty_rules *r, shuan_date d, int n, const shuan_time *as_of,
                             shuan_date *out, bool *pending, char *err, size_t errlen)
{
	int missing = 0;
	int rc = shuan_duty__add_wd(r, d, n, out, &missing, err, errlen);
	*pending = false;
	if (rc == SHUAN_ENOTFOUND && missing && !shuan_duty_calendar_expected(missing, as_of)) {
		snprintf(err, errlen,
		         "depends on the %d public holidays, which the State Council has not published yet "
		         "(its notice "
		         "comes out late in %d): add rules/calendar/cn-%d.yaml then",
		         missing, missing - 1, missing);
		*pending = true;
		return 0;
	}
	return rc;
}

int shuan_duty__extension_window(const shuan_duty_rules *r, shuan_date last, int n, const shuan_time *as_of,
                                 shuan_date *opens, bool *pending, char *err, size_t errlen)
{
	bool work = false;
	int rc = shuan_duty_working_day(r, last, &work, err, errlen);
	*pending = false;
	if (rc == SHUAN_ENOTFOUND && !shuan_duty_calendar_expected(last.year, as_of)) {
		snprintf(err, errlen,
		         "depends on the %d public holidays, which the State Council has not published yet "
		         "(its notice "
		         "comes out late in %d): add rules/calendar/cn-%d.yaml then",
		         last.year, last.year - 1, last.year);
		*pending = true;
		return 0;
	}
	if (rc != 0)
		return rc;
	/* the last day counts when it is a working day: 60 working days end on it */
	return shuan_duty__working_days(r, last, -(n - (work ? 1 : 0)), as_of, opens, pending, err, errlen);
}

int shuan_duty_add_working_days(const shuan_duty_rules *r, shuan_date d, int n, shuan_date *out, char *err,
                                size_t errlen)
{
	int missing;
	return shuan_duty__add_wd(r, d, n, out, &missing, err, errlen);
}

int shuan_duty__add_wd(const shuan_duty_rules *r, shuan_date d, int n, shuan_date *out, int *missing,
                       char *err, size_t errlen)
{
	int64_t day = shuan_date_days(d);
	int step = n < 0 ? -1 : 1, left = n < 0 ? -n : n;
	*missing = 0;
	if (left > 10000) {
		snprintf(err, errlen, "%d working days is beyond the calendar's reach", n);
		return SHUAN_EINVAL;
	}
	while (left > 0) {
		bool work;
		int rc;
		day += step;
		if ((rc = shuan_duty_working_day(r, shuan_date_from_days(day), &work, err, errlen)) != 0) {
			*missing = shuan_date_from_days(day).year;
			return rc;
		}
		if (work)
			left--;
	}
	*out = shuan_date_from_days(day);
	return 0;
}
