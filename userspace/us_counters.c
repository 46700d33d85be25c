// SPDX-License-Identifier: LGPL-2.1-or-later
/* us_counters.c — names and sums for the per-link counters. */
#include "userspace/us_counters.h"

const char *us_drop_name(enum us_drop d)
{
	switch (d) {
	case US_DROP_NONE:
		return "none";
	case US_DROP_LOSS:
		return "loss";
	case US_DROP_DOWN:
		return "down";
	case US_DROP_LIMIT:
		return "queue-full";
	case US_DROP_TB:
		return "token-bucket";
	case US_DROP_MAX:
	default:
		return "?";
	}
}

uint64_t us_counters_dropped(const struct us_counters *c)
{
	uint64_t sum = 0;

	for (int i = 1; i < US_DROP_MAX; i++)
		sum += c->dropped_pkts[i];
	return sum;
}
