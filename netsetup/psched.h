/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * psched.h — the kernel's packet scheduler clock, as /proc/net/psched
 * tells it, and tc's conversions between times and scheduler ticks
 * (iproute2 tc/tc_core.c).  Encoders take a struct lk_psched as a
 * parameter so that they stay pure; only lk_psched_read reads the file.
 */
#ifndef LK_PSCHED_H
#define LK_PSCHED_H

#include "linkem.h"

#include <stdbool.h>

#include <stdint.h>

struct lk_psched {
	uint32_t t2us, us2t, clock_res, hz; /* the four fields */
	double tick_in_usec;		    /* ticks per microsecond */
	double clock_factor;
};

/* Parse the text of /proc/net/psched ("000003e8 00000040 000f4240
 * 3b9aca00").  Pure.  Returns 0 or -EINVAL. */
int lk_psched_parse(const char *text, struct lk_psched *out);
/* What every kernel since 2.6.31 says (64 ns ticks, hz 1e9). */
void lk_psched_default(struct lk_psched *out);
/* Read /proc/net/psched. */
int lk_psched_read(struct lk_psched *out, struct lk_error *e);

/* tc_core_time2tick: microseconds to ticks, truncated like tc. */
uint32_t lk_psched_us2tick(const struct lk_psched *ps, uint32_t us);
/* Whether us in ticks does not fit 32 bits (tc_core_time2big). */
bool lk_psched_us_too_big(const struct lk_psched *ps, uint32_t us);
/* tc_calc_xmittime: ticks to send size bytes at rate bytes/s (tc's
 * truncations; saturated at UINT32_MAX where tc's conversion is
 * undefined). */
uint32_t lk_psched_xmittime(const struct lk_psched *ps, uint64_t rate,
			    uint32_t size);
/* Whether that time does not fit 32 bits of ticks (about 275 s at the
 * usual 64 ns tick). */
bool lk_psched_xmittime_too_big(const struct lk_psched *ps, uint64_t rate,
				uint32_t size);

#endif
