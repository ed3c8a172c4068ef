/*
 * lib/deid/xlsx.c - masking an xlsx workbook: the cells come from the
 * project's xlsx reader (lib/source/ooxml.c, shuan_ooxml__read_cells), each
 * is masked like a CSV cell (row 1 gives the column names the policy's
 * columns refer to; the scanner sees each cell as `shuan scan` does), and
 * a new workbook is written with libxlsxwriter in constant-memory mode
 * (rows stream to disk as they are finished).
 *
 * Values only: formulas become their cached values, styles, merged cells,
 * charts and comments are not copied. Numbers stay numbers and booleans
 * booleans unless masked (a masked value is a string). A date rule reads an
 * Excel date serial (days since 1899-12-30) as the date it stands for.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "lib/deid/internal.h"
#include "lib/deid/stream.h"
#include "lib/deid/xlsx.h"
#include "lib/scan/internal.h"
#include "lib/source/archive.h"
#include "util/alloc.h"

#define XLSX_MAX_STRING 32767

typedef struct xsheet {
	char *name;
	lxw_worksheet *ws;
	char **headers; /* row 1, by column */
	const deid_field_rule **rules;
	size_t ncols;
} xsheet;

typedef struct xctx {
	shuan_masker *m;
	deid_worker *w;
	lxw_workbook *wb;
	xsheet *sheets;
	size_t nsheets;
	size_t last;
	bool *seen; /* per field rule: a sheet has the column */
	const char *path;
	char err[256];
	uint64_t rows;
	shuan_cells cells;          /* the scanner's run over this workbook's cells */
	shuan_input_result cellres; /* its warnings (a cell cut short would be one) */
} xctx;

static xsheet *add_sheet(xctx *x, const char *name)
{
	xsheet *v = shuan_realloc(x->sheets, (x->nsheets + 1) * sizeof(*v));
	if (!v)
		return NULL;
	x->sheets = v;
	xsheet *s = &v[x->nsheets];
	memset(s, 0, sizeof(*s));
	if (!(s->name = shuan_strdup(name)))
		return NULL;
	if (!(s->ws = workbook_add_worksheet(x->wb, name))) {
		snprintf(x->err, sizeof(x->err), "sheet '%.40s' cannot be written (a name Excel refuses)",
		         name);
		shuan_free(s->name);
		return NULL;
	}
	x->nsheets++;
	return s;
}

static int on_sheets(void *ud, const char *const *names, size_t n)
{
	xctx *x = ud;
	for (size_t i = 0; i < n; i++)
		if (!add_sheet(x, names[i])) {
			if (!x->err[0])
				snprintf(x->err, sizeof(x->err), "out of memory");
			return SHUAN_ESTOP;
		}
	return 0;
}

static int grow_cols(xsheet *s, size_t col)
{
	if (col < s->ncols)
		return 0;
	size_t nc = col + 16;
	char **h = shuan_realloc(s->headers, nc * sizeof(*h));
	if (!h)
		return SHUAN_ENOMEM;
	s->headers = h;
	const deid_field_rule **r = shuan_realloc(s->rules, nc * sizeof(*r));
	if (!r)
		return SHUAN_ENOMEM;
	s->rules = r;
	for (size_t i = s->ncols; i < nc; i++) {
		s->headers[i] = NULL;
		s->rules[i] = NULL;
	}
	s->ncols = nc;
	return 0;
}

/* An Excel date serial as YYYY-MM-DD (the 1900 system, whose fictitious
 * 1900-02-29 is serial 60). false when s is not a plausible serial. */
static bool serial_date(const char *s, size_t n, char *out, size_t cap)
{
	char tmp[32], *end;
	if (n == 0 || n >= sizeof(tmp))
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	double v = strtod(tmp, &end);
	if (*end || v < 61 || v > 2958465)
		return false;
	/* days from 1970-01-01: serial 25569 is 1970-01-01 */
	long z = (long)v - 25569 + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097, doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365,
	     doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
	long y = yoe + era * 400 + (m <= 2);
	snprintf(out, cap, "%04d-%02d-%02d", (int)(y % 10000), (int)(m % 100), (int)(d % 100));
	return true;
}

static bool date_rule(const deid_action *a)
{
	return a->kind == ACT_GENERALIZE &&
	       (a->type == VT_DATE || a->to == GEN_YEAR || a->to == GEN_YEAR_MONTH || a->to == GEN_YEAR_BAND);
}

static int write_cell(xctx *x, xsheet *s, uint64_t row, long col, const char *type, const char *v, size_t n,
                      bool changed)
{
	lxw_error e;
	char *z = NULL;
	lxw_row_t r = (lxw_row_t)(row - 1);
	lxw_col_t c = (lxw_col_t)col;
	if (n > XLSX_MAX_STRING * 4 || deid_u8count(v, n) > XLSX_MAX_STRING) {
		snprintf(x->err, sizeof(x->err), "a masked value is longer than Excel's 32767 characters");
		return SHUAN_ELIMIT;
	}
	if (!(z = shuan_strndup(v, n)))
		return SHUAN_ENOMEM;
	if (!changed && !strcmp(type, "n")) {
		char *end;
		double d = strtod(z, &end);
		e = *end ? worksheet_write_string(s->ws, r, c, z, NULL)
		         : worksheet_write_number(s->ws, r, c, d, NULL);
	} else if (!changed && !strcmp(type, "b")) {
		e = worksheet_write_boolean(s->ws, r, c, z[0] == '1', NULL);
	} else {
		e = worksheet_write_string(s->ws, r, c, z, NULL);
	}
	shuan_free(z);
	if (e != LXW_NO_ERROR) {
		snprintf(x->err, sizeof(x->err), "writing the cell failed: %s", lxw_strerror(e));
		return SHUAN_EIO;
	}
	return 0;
}

static int on_cell(void *ud, const char *sheet, uint64_t row, long col, const char *type, const char *text,
                   size_t len, bool truncated)
{
	xctx *x = ud;
	deid_worker *w = x->w;
	const shuan_masker *m = x->m;
	xsheet *s = NULL;
	char ref[16], loc[200], date[48];
	int rc;

	if (x->last < x->nsheets && !strcmp(x->sheets[x->last].name, sheet))
		s = &x->sheets[x->last];
	for (size_t i = 0; !s && i < x->nsheets; i++)
		if (!strcmp(x->sheets[i].name, sheet)) {
			s = &x->sheets[i];
			x->last = i;
		}
	if (!s && !(s = add_sheet(x, sheet))) {
		if (!x->err[0])
			snprintf(x->err, sizeof(x->err), "out of memory");
		return SHUAN_ESTOP;
	}
	shuan_ooxml__col_name(col, ref);
	snprintf(loc, sizeof(loc), "%.120s!%s%llu", sheet, ref, (unsigned long long)row);
	if (truncated) {
		snprintf(x->err, sizeof(x->err), "%s: a cell longer than 256 KiB", loc);
		return SHUAN_ESTOP;
	}
	if (row < 1 || row > 1048576 || col < 0 || col >= 16384 || grow_cols(s, (size_t)col) != 0) {
		snprintf(x->err, sizeof(x->err), "%s: a cell outside Excel's grid, or out of memory", loc);
		return SHUAN_ESTOP;
	}
	bool header = row == 1;
	if (header) {
		size_t a = 0, b = len;
		deid_trim(text, &a, &b);
		shuan_free(s->headers[col]);
		if (!(s->headers[col] = shuan_strndup(text + a, b - a)))
			return SHUAN_ESTOP;
		s->rules[col] = deid_masker_column_rule(m, s->headers[col], b - a);
		for (size_t i = 0; i < m->nfields; i++)
			if (s->rules[col] == &m->fields[i])
				x->seen[i] = true;
	} else {
		x->rows = row > x->rows ? row : x->rows;
	}
	const char *field = header ? NULL : s->headers[col];
	size_t fl = field ? strlen(field) : 0;
	const deid_field_rule *fr = header ? NULL : s->rules[col];
	w->finds.n = 0;
	if (!m->opt.unmask &&
	    (rc = shuan_scanner__scan_cell(w->scanner, &x->cells, row, text, len, field, loc)) != 0) {
		snprintf(x->err, sizeof(x->err), "%.130s: %.120s", loc,
		         w->errmsg[0] ? w->errmsg : shuan_strerror(rc));
		return SHUAN_ESTOP;
	}
	bool actionable = false;
	for (size_t i = 0; i < w->finds.n; i++)
		actionable |= m->det_act[SHUAN_VEC_AT(&w->finds, deid_find, i).det] != NULL;
	bool changed = true;
	shuan_buf_reset(&w->scratch);
	if (m->opt.unmask) {
		rc = deid_unmask_value(w, field, fl, text, len, &w->scratch, &changed);
	} else if (fr) {
		const char *v = text;
		size_t n = len;
		if (!strcmp(type, "n") && date_rule(fr->act) && serial_date(text, len, date, sizeof(date)))
			v = date, n = strlen(date);
		int det = -1;
		for (size_t i = 0; i < w->finds.n; i++) {
			const deid_find *f = &SHUAN_VEC_AT(&w->finds, deid_find, i);
			size_t a = 0, b = len;
			deid_trim(text, &a, &b);
			if (v == text && f->start <= a && f->end >= b)
				det = f->det;
		}
		rc = deid_mask_value(w, fr, det, field, fl, v, n, &w->scratch);
	} else if (actionable) {
		rc = deid_rewrite_spans(w, field, fl, text, len, 0, w->finds.v, w->finds.n, &w->scratch);
	} else {
		changed = false;
		rc = 0;
	}
	if (rc) {
		snprintf(x->err, sizeof(x->err), "%.130s: %.120s", loc,
		         w->errmsg[0] ? w->errmsg : shuan_strerror(rc));
		return SHUAN_ESTOP;
	}
	if (changed)
		rc = write_cell(x, s, row, col, type, w->scratch.p ? w->scratch.p : "", w->scratch.len, true);
	else
		rc = write_cell(x, s, row, col, type, text, len, false);
	if (rc) {
		char tmp[256];
		snprintf(tmp, sizeof(tmp), "%.120s", x->err);
		snprintf(x->err, sizeof(x->err), "%.130s: %.120s", loc, tmp);
		return SHUAN_ESTOP;
	}
	return 0;
}

int deid_mask_xlsx(shuan_masker *m, const char *in_path, const char *out_path, shuan_mask_result *res)
{
	xctx x;
	deid_worker w;
	deid_out out;
	shuan_scan_options so;
	lxw_workbook_options wo = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_TRUE};
	char *err = res->error;
	size_t errlen = sizeof(res->error);
	int rc;

	memset(&x, 0, sizeof(x));
	memset(&out, 0, sizeof(out));
	out.fd = -1;
	res->format = SHUAN_FORMAT_AUTO;
	snprintf(res->encoding, sizeof(res->encoding), "xlsx");
	snprintf(res->output_encoding, sizeof(res->output_encoding), "xlsx");
	if (!strcmp(out_path, "-")) {
		snprintf(err, errlen, "%s: an xlsx output needs a file: -o FILE.xlsx", in_path);
		return SHUAN_EINVAL;
	}
	const char *dot = strrchr(out_path, '.'), *slash = strrchr(out_path, '/');
	if (dot && (!slash || dot > slash) && strcasecmp(dot, ".xlsx") != 0) {
		snprintf(err, errlen, "%.100s: a workbook is written as a workbook: name the output .xlsx, not %.20s", in_path,
			 dot);
		return SHUAN_EINVAL;
	}
	if (m->policy->kanon.on && !m->opt.unmask) {
		snprintf(err, errlen, "%s: k_anonymity is applied to CSV/TSV; save the sheet as CSV first",
		         m->policy->kanon.where);
		return SHUAN_EINVAL;
	}
	if ((rc = deid_worker_init(&w, m)) != 0) {
		snprintf(err, errlen, "out of memory");
		return rc;
	}
	x.m = m;
	x.w = &w;
	x.path = in_path;
	deid_scan_options(m, SHUAN_FORMAT_TEXT, &so);
	if (!(x.seen = shuan_calloc(m->nfields + 1, sizeof(bool))) ||
	    (!m->opt.unmask && shuan_scanner_new(&w.scanner, m->rules, &so) != 0)) {
		snprintf(err, errlen, "out of memory");
		rc = SHUAN_ENOMEM;
		goto cleanup;
	}
	if ((rc = deid_out_open(&out, out_path, NULL, m->opt.unmask, err, errlen)) != 0)
		goto cleanup;
	/* libxlsxwriter writes the file by name: the temporary one */
	close(out.fd);
	out.fd = -1;
	if (!(x.wb = workbook_new_opt(out.tmp_path, &wo))) {
		snprintf(err, errlen, "%s: cannot start the workbook", out_path);
		rc = SHUAN_EIO;
		goto cleanup;
	}
	if (w.scanner)
		shuan_scanner__begin_cells(w.scanner, &x.cells, in_path, deid_on_finding, &w, &x.cellres);
	shuan_ooxml_cells cb = {on_sheets, on_cell, &x};
	char why[256];
	rc = shuan_ooxml__read_cells(in_path, &cb, why, sizeof(why));
	if (!rc && x.cellres.limit) {
		/* a value the scanner could not see whole would go out unmasked */
		snprintf(x.err, sizeof(x.err), "the scanner reached a limit: %.200s", x.cellres.warning);
		rc = SHUAN_ELIMIT;
	}
	if (rc) {
		snprintf(err, errlen, "%.100s: %.150s", in_path, x.err[0] ? x.err : why);
		goto cleanup;
	}
	for (size_t i = 0; i < m->nfields; i++)
		if (m->fields[i].kind != RULE_PATH && !x.seen[i]) {
			const deid_rule *r = &SHUAN_VEC_AT(&m->policy->rules, deid_rule, m->fields[i].rule);
			snprintf(err, errlen, "%s: column '%s' is not in the first row of any sheet of %s",
			         r->where, m->fields[i].key, in_path);
			rc = SHUAN_EINVAL;
			goto cleanup;
		}
	if (!x.nsheets && !add_sheet(&x, "Sheet1")) {
		snprintf(err, errlen, "%s: out of memory", in_path);
		rc = SHUAN_ENOMEM;
		goto cleanup;
	}
	lxw_error e = workbook_close(x.wb);
	x.wb = NULL;
	if (e != LXW_NO_ERROR) {
		snprintf(err, errlen, "%s: writing the workbook failed: %s", out_path, lxw_strerror(e));
		rc = SHUAN_EIO;
		goto cleanup;
	}
	/* reopen to fsync and rename through the one commit path */
	out.fd = open(out.tmp_path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (out.fd >= 0 && fstat(out.fd, &st) == 0)
		out.bytes = (uint64_t)st.st_size;
	if ((rc = deid_out_commit(&out, err, errlen)) != 0)
		goto cleanup;
cleanup:
	if (x.wb)
		workbook_close(x.wb); /* frees it; the temporary file is removed below */
	res->records = x.rows > 1 ? x.rows - 1 : 0;
	res->masked = w.masked;
	res->invalid = w.invalid;
	res->bytes_out = out.bytes;
	struct stat ist;
	res->bytes_in = stat(in_path, &ist) == 0 ? (uint64_t)ist.st_size : 0;
	deid_input_report *ir;
	if (shuan_vec_add(&m->inputs, (void **)&ir) == 0) {
		ir->path = shuan_strdup(in_path);
		ir->output = shuan_strdup(out_path);
		ir->res = *res;
		deid_counts_init(&ir->counts);
		deid_counts_merge(&ir->counts, &w.counts);
	}
	for (size_t i = 0; i < x.nsheets; i++) {
		for (size_t c = 0; c < x.sheets[i].ncols; c++)
			shuan_free(x.sheets[i].headers[c]);
		shuan_free(x.sheets[i].headers);
		shuan_free(x.sheets[i].rules);
		shuan_free(x.sheets[i].name);
	}
	shuan_free(x.sheets);
	shuan_free(x.seen);
	deid_worker_free(&w);
	deid_out_close(&out);
	return rc;
}
