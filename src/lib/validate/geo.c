/*
 * lib/validate/geo.c - latitude/longitude pairs.
 *
 * Accepts "lat,lon" and "lon,lat" written as signed decimals separated by a
 * comma, a full-width comma (，) or spaces, e.g. "30.2741,120.1551" or
 * "120.155070, 30.274085". The order is decided by the ranges: when the
 * first value fits a latitude (|v| <= 90) and the second a longitude it is
 * lat,lon, otherwise lon,lat. Each value needs at least 2 decimals, so
 * version pairs such as "1.2, 3.4" are refused. precision is the smaller
 * number of decimals; precise is set when precision reaches
 * vdata->precise_location_decimals (default 4, about 11 m of latitude).
 */
#include <string.h>

#include "lib/validate/internal.h"

typedef struct num {
	double v;
	int decimals;
} num;

/* Parses [-+]?D{1,3}.D{2,15}; returns bytes used, 0 on failure. */
static size_t parse_num(const char *s, size_t n, num *out)
{
	size_t i = 0;
	int sign = 1;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		sign = s[i++] == '-' ? -1 : 1;
	size_t st = i;
	double v = 0;
	while (i < n && is_digit(s[i]) && i - st < 3)
		v = v * 10 + (s[i++] - '0');
	if (i == st || i >= n || s[i] != '.')
		return 0;
	i++;
	double scale = 0.1;
	int dec = 0;
	while (i < n && is_digit(s[i]) && dec < 15) {
		v += (s[i++] - '0') * scale;
		scale /= 10;
		dec++;
	}
	if (dec < 2)
		return 0;
	out->v = sign * v;
	out->decimals = dec;
	return i;
}

/* Separator: optional spaces around ',' or '，', or at least one space. */
static size_t parse_sep(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && s[i] == ' ')
		i++;
	size_t spaces = i;
	if (i < n && s[i] == ',')
		i++;
	else if (n - i >= 3 && memcmp(s + i, "\xEF\xBC\x8C", 3) == 0)
		i += 3;
	else
		return spaces;
	while (i < n && s[i] == ' ')
		i++;
	return i;
}

static bool in_china(double lat, double lon)
{
	return lat >= 3.0 && lat <= 54.0 && lon >= 73.0 && lon <= 136.0;
}

bool shuan_validate__geo_coordinate(const shuan_vdata *d, const char *buf, size_t len, shuan_vresult *r)
{
	const char *s = SPAN_P(buf, r);
	size_t n = SPAN_N(r);
	num a, b;
	size_t i = parse_num(s, n, &a);
	if (i == 0)
		return false;
	size_t sep = parse_sep(s + i, n - i);
	if (sep == 0)
		return false;
	i += sep;
	size_t j = parse_num(s + i, n - i, &b);
	if (j == 0 || i + j != n)
		return false;
	double lat = a.v, lon = b.v;
	bool swapped = false;
	if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180)) {
		lat = b.v;
		lon = a.v;
		swapped = true;
		if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180))
			return false;
	}
	if (lat == 0 && lon == 0)
		return false;
	r->precision = a.decimals < b.decimals ? a.decimals : b.decimals;
	int want = d && d->precise_location_decimals > 0 ? d->precise_location_decimals : 4;
	r->precise = r->precision >= want;
	r->confidence = in_china(lat, lon) ? 0.75 : 0.5;
	shuan_validate__kind(r, swapped ? "lon_lat" : "lat_lon");
	return true;
}
