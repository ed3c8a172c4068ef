/*
 * cli/scan_progress.c - the progress line (see scan_progress.h).
 */
#include <stdio.h>
#include <time.h>

#include "cli/scan_progress.h"

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *progress_main(void *arg)
{
	scan_progress *pg = arg;
	double t0 = now_seconds();
	while (!atomic_load(&pg->stop)) {
		struct timespec ts = {0, 250 * 1000 * 1000};
		shuan_jobs_progress p;
		nanosleep(&ts, NULL);
		if (atomic_load(&pg->stop))
			break;
		shuan_jobs_progress_get(pg->jobs, &p);
		double el = now_seconds() - t0, done = (double)p.bytes_done;
		double rate = el > 0 ? done / el : 0;
		char eta[32] = "";
		if (rate > 0 && (double)p.bytes_total > done)
			snprintf(eta, sizeof(eta), ", ETA %.0f s", ((double)p.bytes_total - done) / rate);
		pthread_mutex_lock(&pg->term);
		fprintf(stderr, "\r\033[Kshuan: %zu/%zu files, %.1f/%.1f MB, %.1f MB/s%s", p.files_done, p.files_total,
			done / 1e6, (double)p.bytes_total / 1e6, rate / 1e6, eta);
		fflush(stderr);
		pg->shown = true;
		pthread_mutex_unlock(&pg->term);
	}
	return NULL;
}

bool scan_progress_start(scan_progress *p, const shuan_jobs *jobs)
{
	p->jobs = jobs;
	atomic_store(&p->stop, 0);
	p->started = pthread_create(&p->thread, NULL, progress_main, p) == 0;
	return p->started;
}

void scan_progress_stop(scan_progress *p)
{
	if (!p->started)
		return;
	atomic_store(&p->stop, 1);
	pthread_join(p->thread, NULL);
	p->started = false;
	pthread_mutex_lock(&p->term);
	if (p->shown)
		fputs("\r\033[K", stderr);
	p->shown = false;
	pthread_mutex_unlock(&p->term);
}
