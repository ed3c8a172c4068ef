/*
 * lib/deid/xlsx.h - masking xlsx workbooks (xlsx.c).
 */
#ifndef SHUAN_LIB_DEID_XLSX_H
#define SHUAN_LIB_DEID_XLSX_H

#include "lib/deid/internal.h"

/* shuan_mask_file() for a workbook: same contract, out_path must be a file. */
int deid_mask_xlsx(shuan_masker *m, const char *in_path, const char *out_path, shuan_mask_result *res);

#endif
