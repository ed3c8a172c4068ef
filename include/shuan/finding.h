/*
 * shuan/finding.h - one piece of personal information found by a scan.
 *
 * A finding passed to a callback is borrowed: it and every pointer in it are
 * valid only during the callback. `value` is the raw matched value and must
 * never be printed, logged or stored unless the user asked to reveal values;
 * `evidence` is the masked form that outputs show by default.
 */
#ifndef SHUAN_FINDING_H
#define SHUAN_FINDING_H

#include <stdbool.h>
#include <stdint.h>

#include "shuan/rules.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a validator derived from the value. */
typedef struct shuan_finding_attrs {
	const char *kind;   /* sub-kind, e.g. "legacy_15", "aws_access_key"; "" if none */
	int birth_year, birth_month, birth_day; /* cn_resident_id; 0 when unknown */
	char sex;           /* 'M', 'F' or 0 */
	int age;            /* on the scan date; -1 when unknown */
	bool minor_under_14;
	bool weak_password; /* credential */
	int precision;      /* geo_coordinate: decimal places */
	bool precise;       /* geo_coordinate: precise location */
} shuan_finding_attrs;

typedef struct shuan_finding {
	const char *path;       /* display path, e.g. "logs/app.log" or "a.zip!x/y.csv"; "-" for stdin */
	uint64_t line;          /* 1-based line number */
	uint64_t column;        /* 1-based column, in characters, within the line */
	uint64_t offset;        /* byte offset of the value in the input as stored */
	uint64_t length;        /* byte length of the value as stored */
	const char *field;      /* CSV column header, JSON key path ("user.phone"), xlsx column header, or NULL */
	const char *location;   /* spreadsheet cell "客户!C17", or database column "public.customers.sfzh"
				 * (then line/column/offset count within the cell, see
				 * docs/findings-schema.md), or NULL */
	const shuan_detector_info *detector;
	double confidence;      /* 0..1: validator plus context */
	bool sensitive;         /* effective: detector default, or raised (minor, precise location) */
	const char *spi_category; /* effective sensitive-PI category, "" when not sensitive */
	bool context;           /* a cue word or a field name supported the finding */
	const char *evidence;   /* masked value, e.g. "138****5678" */
	const char *fingerprint;/* hex keyed HMAC of the normalised value; "" without a key or
				 * with the scan option distinct_only */
	uint64_t distinct_key;  /* keyed 64-bit hash (SipHash-2-4 under a key derived from the
				 * fingerprint key) of the detector and normalised value: equal
				 * values give equal keys under one key; for counting only, never
				 * shown; 0 without a key */
	const char *value;      /* raw value (NOT NUL-terminated) - do not show unless revealing */
	size_t value_len;
	shuan_finding_attrs attrs;
	const char *row;        /* a database row: its primary key "id=42" when that is an integer key,
				 * else "fp:<32 hex>" (the key's keyed fingerprint: it may itself be
				 * personal information), or "row:N" (ordinal in the read) without a
				 * key; NULL for files */
	const unsigned char *person_key; /* 16 bytes: a keyed 128-bit hash (SipHash-2-4-128 under
					  * a key derived from the fingerprint key) of the detector
					  * and normalised value, which people counters link records
					  * by (shuan/people.h); never shown; made with the scan
					  * option counts_only where a fingerprint would be (which
					  * is then empty); else NULL */
} shuan_finding;

#ifdef __cplusplus
}
#endif
#endif
