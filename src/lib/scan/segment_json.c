/*
 * lib/scan/segment_json.c - a streaming JSON key-path tracker. It does not build a
 * tree: it keeps a bounded stack of (object key | array index) and advances
 * byte by byte, so a finding at any offset can be named "user.phones[1]"
 * and memory stays flat for any document size. Malformed input never fails:
 * the path may become imprecise, and JSON Lines resets at every newline.
 */
#include <stdio.h>
#include <string.h>

#include "lib/rules/internal.h"
#include "lib/scan/segment.h"
#include "shuan/common.h"

void seg_json_init(seg_json *j, bool lines)
{
	memset(j, 0, sizeof(*j));
	j->lines = lines;
}

static void reset(seg_json *j)
{
	j->depth = 0;
	j->overflow = 0;
	j->in_string = j->escape = j->string_is_key = j->expect_key = false;
}

static void push(seg_json *j, bool is_array)
{
	if (j->depth >= SEG_MAX_DEPTH) {
		j->overflow++;
		j->depth_cut = true;
		return;
	}
	seg_json_level *l = &j->stack[j->depth++];
	l->is_array = is_array;
	l->index = 0;
	l->key[0] = '\0';
	l->key_truncated = false;
	j->expect_key = !is_array;
}

static void pop(seg_json *j)
{
	if (j->overflow) {
		j->overflow--;
		return;
	}
	if (j->depth > 0)
		j->depth--;
	j->expect_key = false;
}

static seg_json_level *top(seg_json *j) { return j->depth && !j->overflow ? &j->stack[j->depth - 1] : NULL; }

/* One byte of input at offset i. Returns true when a string just closed. */
static inline bool step(seg_json *j, const char *buf, size_t i)
{
	char ch = buf[i];
	seg_json_level *l;

	if (j->in_string) {
		if (j->escape) {
			j->escape = false;
		} else if (ch == '\\') {
			j->escape = true;
		} else if (ch == '"') {
			j->in_string = false;
			return true;
		} else if (j->string_is_key && (l = top(j))) {
			if (j->keylen < SEG_MAX_NAME - 1)
				l->key[j->keylen++] = ch;
			else
				l->key_truncated = true;
			l->key[j->keylen] = '\0';
		}
		if (ch == '\n' && j->lines)
			reset(j);
		return false;
	}
	switch (ch) {
	case '"':
		j->in_string = true;
		j->string_start = i + 1;
		l = top(j);
		j->string_is_key = l && !l->is_array && j->expect_key;
		if (j->string_is_key) {
			j->keylen = 0;
			l->key[0] = '\0';
			l->key_truncated = false;
		}
		break;
	case '{':
		push(j, false);
		break;
	case '[':
		push(j, true);
		break;
	case '}':
	case ']':
		pop(j);
		break;
	case ':':
		j->expect_key = false;
		break;
	case ',':
		if ((l = top(j))) {
			if (l->is_array)
				l->index++;
			else
				j->expect_key = true;
		}
		break;
	case '\n':
		if (j->lines)
			reset(j);
		break;
	default:
		break;
	}
	return false;
}

void seg_json_advance(seg_json *j, const char *buf, size_t upto)
{
	for (size_t i = j->pos; i < upto; i++)
		step(j, buf, i);
	if (upto > j->pos)
		j->pos = upto;
}

void seg_json_chunk_done(seg_json *j) { j->pos = 0; }

/* One level of a key path: ".key" (no dot first) or "[3]". */
static int level_text(const seg_json_level *l, bool first, char *out, size_t cap)
{
	if (l->is_array)
		return snprintf(out, cap, "[%ld]", l->index);
	return snprintf(out, cap, "%s%s%s", first ? "" : ".", l->key, l->key_truncated ? "…" : "");
}

/* A path longer than cap keeps its innermost levels (the key that names the
 * value) after a leading "…". */
size_t seg_json_path(const seg_json *j, char *out, size_t cap)
{
	static const char ellipsis[] = "…";
	char piece[SEG_MAX_NAME + 32];
	size_t o = 0, total = 0;
	int from = 0;
	if (cap == 0)
		return 0;
	out[0] = '\0';
	for (int d = j->depth - 1; d >= 0; d--) {
		int n = level_text(&j->stack[d], d == 0, piece, sizeof(piece));
		if (n < 0)
			return 0;
		if (total + (size_t)n + (d ? sizeof(ellipsis) : 1) > cap) {
			from = d + 1;
			break;
		}
		total += (size_t)n;
	}
	if (from > 0) {
		if (sizeof(ellipsis) > cap)
			return 0;
		memcpy(out, ellipsis, sizeof(ellipsis) - 1);
		o = sizeof(ellipsis) - 1;
	}
	for (int d = from; d < j->depth; d++) {
		int n = level_text(&j->stack[d], d == from, out + o, cap - o);
		if (n < 0 || (size_t)n >= cap - o)
			break;
		o += (size_t)n;
	}
	out[o] = '\0';
	return o;
}

int seg_json_cells(const seg_json *start_state, const char *buf, size_t len,
		   bool (*want_key)(const char *norm, void *ud), seg_cell_fn cell_fn, void *ud)
{
	seg_json j = *start_state;
	j.pos = 0;
	for (size_t i = 0; i < len; i++) {
		bool was_key = j.string_is_key;
		if (!step(&j, buf, i) || was_key)
			continue;
		seg_json_level *l = top(&j);
		if (!l || l->is_array || i <= j.string_start)
			continue;
		char norm[SEG_MAX_NAME];
		shuan_field_normalise(l->key, strlen(l->key), norm, sizeof(norm));
		if (!want_key(norm, ud))
			continue;
		seg_cell cell;
		cell.start = j.string_start;
		cell.end = i;
		cell.column = -1;
		seg_json_path(&j, cell.field, sizeof(cell.field));
		int rc = cell_fn(&cell, norm, ud);
		if (rc)
			return rc;
	}
	return 0;
}
