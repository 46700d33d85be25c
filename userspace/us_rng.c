// SPDX-License-Identifier: LGPL-2.1-or-later
/* us_rng.c — seeded streams, netem's correlated generator, tabledist. */
#include "userspace/us_rng.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void us_rng_seed(struct us_rng *r, uint64_t seed, uint32_t src, uint32_t dst)
{
	uint64_t a = seed, b = ((uint64_t)src << 32) | dst;
	uint64_t x = splitmix64(&a) ^ (splitmix64(&b) * 0xd6e8feb86659fd93ull);

	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
	/* xoshiro's only bad state is all zero; splitmix64 never gives four
	 * zeros in a row, but be explicit. */
	if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
		r->s[0] = 1;
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256** 1.0 (Blackman and Vigna, public domain algorithm). */
uint64_t us_rng_u64(struct us_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

void us_crandom_init(struct us_crandom *c, uint32_t rho, struct us_rng *r)
{
	c->rho = rho;
	c->last = us_rng_u32(r);
}

uint32_t us_crandom_next(struct us_crandom *c, struct us_rng *r)
{
	uint64_t value, rho;
	uint32_t answer;

	if (!c || c->rho == 0)
		return us_rng_u32(r);
	value = us_rng_u32(r);
	rho = (uint64_t)c->rho + 1;
	/* Cannot overflow: both products are below 2^32 * 2^32 together. */
	answer =
	    (uint32_t)((value * ((1ull << 32) - rho) + c->last * rho) >> 32);
	c->last = answer;
	return answer;
}

int64_t us_tabledist(int64_t mu, int32_t sigma, struct us_crandom *c,
		     struct us_rng *r, const struct lk_dist_table *t)
{
	int64_t x, v;
	uint32_t rnd;

	if (sigma <= 0)
		return mu;
	rnd = us_crandom_next(c, r);
	if (!t || !t->len)
		return (int64_t)(rnd % (2 * (uint32_t)sigma)) + mu - sigma;

	v = t->data[rnd % t->len];
	x = (int64_t)(sigma % US_DIST_SCALE) * v;
	if (x >= 0)
		x += US_DIST_SCALE / 2;
	else
		x -= US_DIST_SCALE / 2;
	return x / US_DIST_SCALE + (int64_t)(sigma / US_DIST_SCALE) * v + mu;
}
