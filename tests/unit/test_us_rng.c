/* test_us_rng.c — seeded streams, netem's correlated generator, tabledist. */
#include "userspace/us_rng.h"

#include <criterion/criterion.h>
#include <stdlib.h>

Test(us_rng, same_seed_same_stream_links_differ)
{
	struct us_rng a, b, c, d;
	int same_c = 0, same_d = 0;

	us_rng_seed(&a, 42, 1, 2);
	us_rng_seed(&b, 42, 1, 2);
	us_rng_seed(&c, 42, 2, 1);
	us_rng_seed(&d, 43, 1, 2);
	for (int i = 0; i < 1000; i++) {
		uint64_t x = us_rng_u64(&a);

		cr_assert_eq(x, us_rng_u64(&b));
		same_c += x == us_rng_u64(&c);
		same_d += x == us_rng_u64(&d);
	}
	cr_assert_eq(same_c, 0);
	cr_assert_eq(same_d, 0);
}

Test(us_rng, below_is_in_range_and_even)
{
	struct us_rng r;
	unsigned hist[10] = {0};

	us_rng_seed(&r, 1, 0, 0);
	for (int i = 0; i < 100000; i++) {
		uint32_t x = us_rng_below(&r, 10);

		cr_assert_lt(x, 10);
		hist[x]++;
	}
	/* each bin ~ Binomial(1e5, 0.1): sd 95; 6 sd */
	for (int i = 0; i < 10; i++)
		cr_assert(hist[i] > 10000 - 570 && hist[i] < 10000 + 570,
			  "bin %d: %u", i, hist[i]);
}

/* get_crandom() with rho: the kernel's fixed-point formula, draw by draw. */
Test(us_rng, crandom_matches_kernel_formula)
{
	struct us_rng r, shadow;
	struct us_crandom c;
	uint32_t rho = UINT32_MAX / 4, last;

	us_rng_seed(&r, 7, 1, 2);
	us_crandom_init(&c, rho, &r);
	shadow = r;
	last = c.last;
	for (int i = 0; i < 1000; i++) {
		uint64_t v = us_rng_u32(&shadow), k = (uint64_t)rho + 1;
		uint32_t want =
		    (uint32_t)((v * ((1ull << 32) - k) + last * k) >> 32);

		cr_assert_eq(us_crandom_next(&c, &r), want);
		last = want;
	}
	/* rho 0: plain draws */
	us_crandom_init(&c, 0, &r);
	shadow = r;
	for (int i = 0; i < 100; i++)
		cr_assert_eq(us_crandom_next(&c, &r), us_rng_u32(&shadow));
}

Test(us_rng, tabledist_uniform_and_table)
{
	struct us_rng r;
	struct us_crandom c = {0};
	struct lk_dist_table *t = malloc(sizeof(*t) + 4 * sizeof(int16_t));
	int64_t lo = INT64_MAX, hi = INT64_MIN;

	us_rng_seed(&r, 3, 0, 0);
	cr_assert_eq(us_tabledist(500, 0, &c, &r, NULL), 500);
	for (int i = 0; i < 100000; i++) {
		int64_t x = us_tabledist(1000, 100, &c, &r, NULL);

		lo = x < lo ? x : lo;
		hi = x > hi ? x : hi;
	}
	cr_assert_eq(lo, 900); /* [mu - sigma, mu + sigma) */
	cr_assert_eq(hi, 1099);

	/* table values are deviates * 8192: -1, -0.5, 0.5, 1 */
	t->len = 4;
	t->data[0] = -8192;
	t->data[1] = -4096;
	t->data[2] = 4096;
	t->data[3] = 8192;
	for (int i = 0; i < 1000; i++) {
		int64_t x = us_tabledist(1000000, 20000, &c, &r, t);

		cr_assert(x == 980000 || x == 990000 || x == 1010000 ||
			      x == 1020000,
			  "%ld", (long)x);
	}
	free(t);
}
