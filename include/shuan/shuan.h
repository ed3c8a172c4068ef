/*
 * shuan/shuan.h - the whole public API in one include.
 *
 *   version.h  compile-time version         common.h  errors, allocator, version
 *   rules.h    detectors, compiled rules    scanner.h scanning streams and files
 *   finding.h  what a finding carries       source.h  archives, Office, stdin
 *   walk.h     directory walks              jobs.h    ordered multi-threaded scans
 *   stats.h    mergeable aggregates         store.h   the embedded store
 *   regs.h     the regulation catalogue     people.h  counting natural persons
 */
#ifndef SHUAN_SHUAN_H
#define SHUAN_SHUAN_H

#include "shuan/version.h"
#include "shuan/common.h"
#include "shuan/rules.h"
#include "shuan/finding.h"
#include "shuan/scanner.h"
#include "shuan/source.h"
#include "shuan/walk.h"
#include "shuan/jobs.h"
#include "shuan/stats.h"
#include "shuan/store.h"
#include "shuan/regs.h"
#include "shuan/people.h"
#include "shuan/duty.h"
#include "shuan/xborder.h"
#include "shuan/incident.h"
#include "shuan/duties.h"

#endif
