/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* us_close.c — close many TAP descriptors from a few threads at once. */
#include "userspace/us_close.h"

#include <pthread.h>
#include <unistd.h>

/* Threads enough for the kernel to batch: past 64 the time no longer
 * drops (the RTNL lock serialises the rest). */
#define US_CLOSE_THREADS 64
/* Below this many, one thread. */
#define US_CLOSE_MIN_PARALLEL 4

struct us_close_job {
	int *fds;
	size_t n, first, step;
};

static void *close_some(void *arg)
{
	struct us_close_job *j = arg;

	for (size_t i = j->first; i < j->n; i += j->step) {
		if (j->fds[i] >= 0)
			close(j->fds[i]);
	}
	return NULL;
}

void us_close_many(int *fds, size_t n)
{
	pthread_t th[US_CLOSE_THREADS];
	struct us_close_job jobs[US_CLOSE_THREADS];
	size_t want = n / 2, started = 0;

	if (want > US_CLOSE_THREADS)
		want = US_CLOSE_THREADS;
	if (n < US_CLOSE_MIN_PARALLEL || want == 0)
		want = 1;
	if (want > 1) {
		for (size_t k = 0; k < want; k++) {
			jobs[k] = (struct us_close_job){fds, n, k, want};
			if (pthread_create(&th[started], NULL, close_some,
					   &jobs[k]) != 0)
				break;
			started++;
		}
	}
	/* The shares no thread took (none started, or fewer): here. */
	for (size_t k = started; k < want; k++) {
		struct us_close_job j = {fds, n, k, want};

		close_some(&j);
	}
	for (size_t k = 0; k < started; k++)
		pthread_join(th[k], NULL);
	for (size_t i = 0; i < n; i++)
		fds[i] = -1;
}
