/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * us_lead.h — how far ahead of a departure the userspace engine sets its
 * timer, learnt from how late the wake-ups come.  Pure: no clock, no
 * timerfd; the engine (us_forward.c's us_run_due) asks and reports.
 *
 * A timer wake-up comes late: a few µs on an idle host, 50-100 µs under
 * load, 150-600 µs in a TCG VM, and the longer the CPU was idle, the
 * later (deeper idle states; a halted vCPU).  So the timer is set ahead
 * of the departure by an estimate learnt for waits of about that length
 * (us_lead_bucket(): under 0.5, 2, 8, 32, 128 ms, longer): a running
 * estimate of the *median* of that lateness, a quantile tracker, one
 * step up when a wake-up is later than the estimate, one down when
 * earlier, robust to the long tail an average would follow.  The step is
 * 1/32 of the estimate (2 µs at least), so that it stays fine-grained on
 * a fast platform and follows a slow one.  The first US_WARM wake-ups of
 * each length move it halfway to what they measured instead, so that it
 * is about right from the start (a launch with a long delay has few
 * wake-ups).  Wake-ups then land on the due time half of the time early,
 * half late.  Early by at most US_WINDOW: the copies leave at once (they
 * are that close, and so departures that close share one wake-up).
 * Early by at most us_lead_spin_limit() (US_SPIN, or half the lead when
 * that is more): the loop waits the rest out.  Earlier still: the timer
 * is armed again, for the due time itself.  The CPU is never spun for
 * long: at most us_lead_spin_limit() per wake-up, and only for the early
 * half of them.
 */
#ifndef LK_US_LEAD_H
#define LK_US_LEAD_H

#include <stdint.h>

#define US_LEAD_BUCKETS 6
#define US_WINDOW 10000ull
#define US_SPIN 50000ull
#define US_EARLY_MAX 2000000ull
#define US_LATE_STEP 2000ull /* ns per timer wake-up, at least */
#define US_WARM 16
#define US_LEAD_START 50000ull /* typical of this VM; it adapts */

/* The lead for waits of one length. */
struct us_lead {
	uint64_t early;
	unsigned n; /* wake-ups that measured it, up to US_WARM */
};

/* Every bucket at US_LEAD_START, nothing measured. */
void us_lead_init(struct us_lead lead[US_LEAD_BUCKETS]);

/* Which lead serves a wait of wait ns. */
unsigned us_lead_bucket(uint64_t wait);

/* A wake-up armed with the lead ld came late by late ns (0 when early). */
void us_lead_learn(struct us_lead *ld, uint64_t late);

/* How long a wake-up armed with ld may wait out the rest by spinning. */
uint64_t us_lead_spin_limit(const struct us_lead *ld);

/* When to arm the timer, at now, for a departure due at due: ahead of it
 * by the lead of the wait's bucket, stored in *bucket; or due itself when
 * there is no time for a lead (*bucket is then left alone). */
uint64_t us_lead_arm_at(const struct us_lead lead[US_LEAD_BUCKETS],
			uint64_t due, uint64_t now, unsigned *bucket);

#endif
