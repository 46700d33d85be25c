/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* us_lead.c — the timer's lead, learnt per length of wait (us_lead.h). */
#include "userspace/us_lead.h"

void us_lead_init(struct us_lead lead[US_LEAD_BUCKETS])
{
	for (unsigned b = 0; b < US_LEAD_BUCKETS; b++)
		lead[b] = (struct us_lead){.early = US_LEAD_START};
}

unsigned us_lead_bucket(uint64_t wait)
{
	unsigned b = 0;

	for (uint64_t lim = 500000; b + 1 < US_LEAD_BUCKETS && wait >= lim;
	     lim *= 4)
		b++;
	return b;
}

void us_lead_learn(struct us_lead *ld, uint64_t late)
{
	uint64_t step =
	    ld->early / 32 > US_LATE_STEP ? ld->early / 32 : US_LATE_STEP;

	if (ld->n < US_WARM) {
		ld->n++;
		if (late > US_EARLY_MAX)
			late = US_EARLY_MAX;
		ld->early = (ld->early + late) / 2;
	} else if (late > ld->early && ld->early < US_EARLY_MAX) {
		ld->early += step;
	} else if (late < ld->early && ld->early >= step) {
		ld->early -= step;
	}
}

uint64_t us_lead_spin_limit(const struct us_lead *ld)
{
	return ld->early / 2 > US_SPIN ? ld->early / 2 : US_SPIN;
}

uint64_t us_lead_arm_at(const struct us_lead lead[US_LEAD_BUCKETS],
			uint64_t due, uint64_t now, unsigned *bucket)
{
	unsigned b = us_lead_bucket(due > now ? due - now : 0);
	uint64_t early = lead[b].early;

	if (due < now + early + US_WINDOW)
		return due; /* no time for a lead: due time */
	*bucket = b;
	return due - early;
}
