/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* clock.h — the one monotonic clock, in nanoseconds. */
#ifndef LK_CLOCK_H
#define LK_CLOCK_H

#include <stdint.h>
#include <time.h>

/* CLOCK_MONOTONIC: the same clock in every namespace, what timerfds and
 * the timeline count in. */
static inline uint64_t lk_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#endif
