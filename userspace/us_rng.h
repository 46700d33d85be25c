/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * us_rng.h — the userspace engine's random numbers: one seeded stream per
 * link, and netem's correlated generator and delay distribution on top.
 *
 * The stream is xoshiro256** seeded through splitmix64 from (launch seed,
 * src, dst): the same seed and the same packets give the same decisions.
 * us_crandom and us_tabledist follow the kernel's get_crandom() and
 * tabledist() in net/sched/sch_netem.c value for value, given the same
 * uniform 32-bit draws.
 */
#ifndef LK_US_RNG_H
#define LK_US_RNG_H

#include <stdint.h>

#include "model/impair.h"

#define US_DIST_SCALE 8192 /* NETEM_DIST_SCALE */

struct us_rng {
	uint64_t s[4];
};

/* One stream per directed link: src -> dst (peer numbers). */
void us_rng_seed(struct us_rng *r, uint64_t seed, uint32_t src, uint32_t dst);
uint64_t us_rng_u64(struct us_rng *r);

static inline uint32_t us_rng_u32(struct us_rng *r)
{
	return (uint32_t)(us_rng_u64(r) >> 32);
}

/* Uniform in [0, n) (n > 0), like the kernel's get_random_u32_below(). */
static inline uint32_t us_rng_below(struct us_rng *r, uint32_t n)
{
	return (uint32_t)(((uint64_t)us_rng_u32(r) * n) >> 32);
}

/* netem's correlated generator: last value and rho (UINT32_MAX = 100%). */
struct us_crandom {
	uint32_t last;
	uint32_t rho;
};

/* init_crandom(): the first "last" is a draw from the stream. */
void us_crandom_init(struct us_crandom *c, uint32_t rho, struct us_rng *r);
/* get_crandom(): (1 - rho) * rnd + rho * last in 32-bit fixed point. */
uint32_t us_crandom_next(struct us_crandom *c, struct us_rng *r);

/* tabledist(): mu + a deviate of spread sigma; uniform in [mu - sigma,
 * mu + sigma) without a table, else table[rnd % len] * sigma / 8192,
 * rounded as the kernel rounds.  sigma must be within [0, INT32_MAX]. */
int64_t us_tabledist(int64_t mu, int32_t sigma, struct us_crandom *c,
		     struct us_rng *r, const struct lk_dist_table *t);

#endif
