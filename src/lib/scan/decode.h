/*
 * lib/scan/decode.h - a decoder that is itself a shuan_reader (detection is
 * util/encoding.h), turning GB18030
 * (GBK, GB2312) or UTF-16 into UTF-8 for the rest of the pipeline while
 * remembering where each decoded character came from, so findings can give
 * offsets in the bytes as stored.
 *
 * UTF-8 input is never decoded: the scanner reads it as stored (zero copy).
 */
#ifndef SHUAN_LIB_DECODE_H
#define SHUAN_LIB_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shuan/scanner.h"
#include "util/encoding.h"

typedef struct shuan_decoder shuan_decoder;

/*
 * Creates a decoder from `enc` (not UTF-8) to UTF-8 over `inner`. `head` is
 * what was already read from inner (copied; may be NULL), of which the first
 * `skip` bytes (a BOM) are dropped; `inner_eof` says inner is exhausted.
 * `window` is how many decoded bytes the consumer keeps before calling
 * shuan_decoder_forget (0 = 4 MiB); the offset map is bounded by it.
 * Returns 0, SHUAN_ENOMEM or SHUAN_EINVAL (iconv has no such converter).
 */
int shuan_decoder_new(shuan_decoder **out, shuan_enc enc, shuan_reader *inner, const char *head,
			 size_t head_len, size_t skip, bool inner_eof, size_t window);
void shuan_decoder_free(shuan_decoder *d);

/* The decoder as a reader: UTF-8 out, 0 at the end, or a negative code.
 * Invalid input sequences come out as U+FFFD. */
shuan_reader shuan_decoder_reader(shuan_decoder *d);

/* The stored offset of the decoded byte at `decoded` (an offset in the
 * decoded stream not yet forgotten). An offset inside a character maps to
 * the character's first stored byte; the end of the output maps to the end
 * of the input consumed. */
uint64_t shuan_decoder_raw_offset(const shuan_decoder *d, uint64_t decoded);

/* The consumer no longer asks about decoded offsets before `decoded`. */
void shuan_decoder_forget(shuan_decoder *d, uint64_t decoded);

/* Stored bytes taken in (head included), and stored bytes replaced by U+FFFD. */
uint64_t shuan_decoder_bytes_in(const shuan_decoder *d);
uint64_t shuan_decoder_invalid(const shuan_decoder *d);

#endif
