/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * us_counters.h — what one link did.  Every offered frame and every
 * duplicate made of one ends up delivered, dropped (by cause) or still
 * queued:  offered + duplicated == delivered + dropped + queued.
 */
#ifndef LK_US_COUNTERS_H
#define LK_US_COUNTERS_H

#include <stdint.h>

enum us_drop {
	US_DROP_NONE = 0,
	US_DROP_LOSS,  /* the loss model */
	US_DROP_DOWN,  /* the link is down */
	US_DROP_LIMIT, /* netem's queue limit (packets) */
	US_DROP_TB,    /* larger than the token bucket holds */
	US_DROP_MAX,
};

struct us_counters {
	uint64_t offered_pkts, offered_bytes;
	uint64_t delivered_pkts, delivered_bytes;
	uint64_t dropped_pkts[US_DROP_MAX], dropped_bytes[US_DROP_MAX];
	uint64_t duplicated;	  /* extra copies made */
	uint64_t corrupted;	  /* copies with a flipped bit */
	uint64_t ecn_marked;	  /* CE set instead of a loss */
	uint64_t reordered;	  /* sent ahead of the queue (reorder/gap) */
	uint64_t queue_overflows; /* == dropped_pkts[US_DROP_LIMIT] */
};

const char *us_drop_name(enum us_drop d);
uint64_t us_counters_dropped(const struct us_counters *c);

#endif
