/*
 * lib/deid/csv.c - CSV/TSV record primitives (see csv.h): finding record
 * ends in a stream, splitting a record into cells, unquoting and quoting.
 *
 * Worked example (delimiter ','):  a,"b,""c""",d\r\n
 *   cells: [0,1) a, [2,12) "b,""c""" (quoted), [13,14) d; terminator \r\n;
 *   the second cell's value is b,"c".
 */
#include <string.h>

#include "lib/deid/csv.h"

void deid_csv_cut_scan(deid_csv_cut *c, const char *buf, size_t len)
{
	size_t i = c->scanned;
	bool inq = c->inq;
	while (i < len) {
		if (inq) {
			/* inside quotes only a quote matters (newlines are data) */
			const char *q = memchr(buf + i, '"', len - i);
			for (const char *p = buf + i; p < (q ? q : buf + len); p++)
				c->newlines += *p == '\n';
			if (!q) {
				i = len;
				break;
			}
			i = (size_t)(q - buf) + 1;
			if (i < len && buf[i] == '"') {
				i++; /* a doubled quote is a literal one */
				continue;
			}
			if (i == len) {
				/* could be the first of a doubled quote: decide with more data */
				i--;
				break;
			}
			inq = false;
			continue;
		}
		/* outside quotes: the next quote or newline */
		const char *p = buf + i, *end = buf + len;
		while (p < end && *p != '"' && *p != '\n')
			p++;
		if (p == end) {
			i = len;
			break;
		}
		i = (size_t)(p - buf) + 1;
		if (*p == '"') {
			inq = true;
		} else {
			c->newlines++;
			c->last_end = i;
			c->last_lines = c->newlines;
		}
	}
	c->scanned = i;
	c->inq = inq;
}

void deid_csv_cut_shift(deid_csv_cut *c, size_t upto)
{
	c->scanned -= upto;
	c->newlines -= c->last_lines;
	c->last_lines = 0;
	c->last_end = 0;
}

bool deid_csv_record(const char *buf, size_t pos, size_t len, char delim, deid_csv_cell *cells, size_t max,
                     size_t *ncells, size_t *next, size_t *eol)
{
	size_t i = pos, start = pos, k = 0;
	bool inq = false, quoted = false;

	*eol = 0;
	while (i < len) {
		char ch = buf[i];
		if (inq) {
			if (ch == '"') {
				if (i + 1 < len && buf[i + 1] == '"')
					i++;
				else
					inq = false;
			}
			i++;
			continue;
		}
		if (ch == '"') {
			inq = quoted = true;
			i++;
			continue;
		}
		if (ch == delim || ch == '\n') {
			size_t e = i;
			if (ch == '\n') {
				*eol = 1;
				if (e > start && buf[e - 1] == '\r') {
					e--;
					*eol = 2;
				}
			}
			if (k < max)
				cells[k] = (deid_csv_cell){start, e, quoted};
			k++;
			quoted = false;
			start = i + 1;
			i++;
			if (ch == '\n') {
				*ncells = k;
				*next = i;
				return true;
			}
			continue;
		}
		i++;
	}
	if (inq) {
		*ncells = k;
		*next = len;
		return false;
	}
	/* the last record without a newline */
	size_t e = len;
	if (e > start && buf[e - 1] == '\r') {
		e--;
		*eol = 1;
	}
	if (k < max)
		cells[k] = (deid_csv_cell){start, e, quoted};
	*ncells = k + 1;
	*next = len;
	return true;
}

int deid_csv_unquote(const char *raw, size_t n, shuan_buf *out)
{
	size_t i = 0, run = 0;
	bool inq = false;
	int rc;
	while (i < n) {
		if (raw[i] != '"') {
			i++;
			run++;
			continue;
		}
		if ((rc = shuan_buf_add(out, raw + i - run, run)) != 0)
			return rc;
		run = 0;
		if (inq && i + 1 < n && raw[i + 1] == '"') {
			if ((rc = shuan_buf_addc(out, '"')) != 0)
				return rc;
			i += 2;
			continue;
		}
		inq = !inq;
		i++;
	}
	return shuan_buf_add(out, raw + i - run, run);
}

int deid_csv_quote(const char *v, size_t n, char delim, bool force, shuan_buf *out)
{
	bool need = force;
	int rc;
	for (size_t i = 0; i < n && !need; i++)
		need = v[i] == delim || v[i] == '"' || v[i] == '\n' || v[i] == '\r';
	if (!need)
		return shuan_buf_add(out, v, n);
	if ((rc = shuan_buf_addc(out, '"')) != 0)
		return rc;
	for (size_t i = 0, s = 0; i <= n; i++) {
		if (i == n || v[i] == '"') {
			if ((rc = shuan_buf_add(out, v + s, i - s)) != 0)
				return rc;
			if (i < n && (rc = shuan_buf_add(out, "\"\"", 2)) != 0)
				return rc;
			s = i + 1;
		}
	}
	return shuan_buf_addc(out, '"');
}
