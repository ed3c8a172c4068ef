/*
 * cli/scan_progress.h - the progress line of `shuan scan` on a terminal:
 * files, bytes, speed and ETA, rewritten in place on stderr. It shares the
 * terminal with the findings and messages through one lock: each of them
 * clears the line first and writes whole lines, so results and progress
 * never interleave, not even inside a character.
 */
#ifndef SHUAN_CLI_SCAN_PROGRESS_H
#define SHUAN_CLI_SCAN_PROGRESS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "shuan/jobs.h"

typedef struct scan_progress {
	const shuan_jobs *jobs;
	pthread_t thread;
	atomic_int stop;
	bool started;
	pthread_mutex_t term; /* the terminal: held while anything is written to it */
	bool shown;           /* a progress line is on the screen (guarded by term) */
} scan_progress;

/* Starts the line's thread; false when it cannot (no line then). */
bool scan_progress_start(scan_progress *p, const shuan_jobs *jobs);
/* Stops it and clears the line. */
void scan_progress_stop(scan_progress *p);

#endif
