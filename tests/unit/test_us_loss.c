/* test_us_loss.c — netem's loss generators against their analytic rates. */
#include "userspace/us_loss.h"

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#define PCT(x) ((uint32_t)((x) / 100.0 * UINT32_MAX))

struct run {
	unsigned long lost, bursts;
};

static struct run run_model(const struct lk_impair *im, unsigned long n,
			    uint64_t seed)
{
	struct us_rng r;
	struct us_loss l;
	struct run out = {0};
	bool prev = false;

	us_rng_seed(&r, seed, 1, 2);
	us_loss_init(&l, im, &r);
	for (unsigned long i = 0; i < n; i++) {
		bool x = us_loss_event(&l, &r);

		out.lost += x;
		out.bursts += x && !prev;
		prev = x;
	}
	return out;
}

Test(us_loss, random_within_binomial_bounds)
{
	struct lk_impair im = {.loss_model = LK_LOSS_RANDOM, .loss = PCT(10)};
	const unsigned long n = 100000;
	double sd = sqrt(n * 0.1 * 0.9);

	for (uint64_t seed = 1; seed <= 3; seed++) {
		struct run r = run_model(&im, n, seed);

		cr_assert(fabs((double)r.lost - n * 0.1) < 5 * sd,
			  "seed %lu: %lu lost", (unsigned long)seed, r.lost);
	}
	im.loss = 0;
	cr_assert_eq(run_model(&im, n, 1).lost, 0);
	im.loss = UINT32_MAX;
	cr_assert_eq(run_model(&im, n, 1).lost, n);
}

Test(us_loss, correlation_makes_longer_bursts)
{
	struct lk_impair im = {.loss_model = LK_LOSS_RANDOM, .loss = PCT(50)};
	const unsigned long n = 200000;
	struct run u = run_model(&im, n, 9), c;
	double mu, mc;

	im.loss_corr = PCT(75);
	c = run_model(&im, n, 9);
	mu = (double)u.lost / u.bursts;
	mc = (double)c.lost / c.bursts;
	/* uncorrelated: geometric bursts, mean 1 / (1 - p) = 2 */
	cr_assert(fabs(mu - 2.0) < 0.1, "uncorrelated mean burst %.3f", mu);
	cr_assert_gt(mc, 1.5 * mu, "correlated %.3f vs %.3f", mc, mu);
	/* at 50% the correlated generator keeps the rate (symmetry) */
	cr_assert(fabs((double)c.lost / n - 0.5) < 0.02, "%lu", c.lost);
}

/* Stationary distribution of the 4-state chain, written from the model's
 * definition (GI model: 1 = gap rx, 2 = burst rx, 3 = burst loss,
 * 4 = isolated loss). */
static double four_state_rate(double p13, double p31, double p32, double p23,
			      double p14)
{
	double P[4][4] = {
	    {1 - p13 - p14, 0, p13, p14},
	    {0, 1 - p23, p23, 0},
	    {p31, p32, 1 - p31 - p32, 0},
	    {1, 0, 0, 0},
	};
	double pi[4] = {1, 0, 0, 0};

	for (int it = 0; it < 20000; it++) {
		double nx[4] = {0};

		for (int i = 0; i < 4; i++)
			for (int j = 0; j < 4; j++)
				nx[j] += pi[i] * P[i][j];
		memcpy(pi, nx, sizeof(pi));
	}
	return pi[2] + pi[3];
}

Test(us_loss, four_state_long_run_rate)
{
	struct lk_impair im = {
	    .loss_model = LK_LOSS_STATE,
	    .p13 = PCT(5),
	    .p31 = PCT(30),
	    .p32 = PCT(10),
	    .p23 = PCT(20),
	    .p14 = PCT(1),
	};
	const unsigned long n = 1000000;
	double want = four_state_rate(0.05, 0.30, 0.10, 0.20, 0.01);
	struct run r = run_model(&im, n, 5);
	double got = (double)r.lost / n;

	cr_assert(fabs(got - want) < 0.05 * want, "got %.4f want %.4f", got,
		  want);
	/* a pure gap model: only isolated losses, rate p14 / (1 + p14) */
	memset(&im, 0, sizeof(im));
	im.loss_model = LK_LOSS_STATE;
	im.p14 = PCT(10);
	r = run_model(&im, n, 6);
	got = (double)r.lost / n;
	cr_assert(fabs(got - 0.1 / 1.1) < 0.005, "gap-only %.4f", got);
	cr_assert_eq(r.lost, r.bursts, "isolated losses only");
}

Test(us_loss, gilbert_elliott_long_run_rate)
{
	/* p, r, and the user's 1-h (loss when bad), 1-k (loss when good) */
	struct lk_impair im = {
	    .loss_model = LK_LOSS_GEMODEL,
	    .ge_p = PCT(5),
	    .ge_r = PCT(40),
	    .ge_h = PCT(80),
	    .ge_k1 = PCT(2),
	};
	const unsigned long n = 1000000;
	double bad = 0.05 / (0.05 + 0.40);
	double want = (1 - bad) * 0.02 + bad * 0.80;
	struct run r = run_model(&im, n, 11);
	double got = (double)r.lost / n;

	cr_assert(fabs(got - want) < 0.05 * want, "got %.4f want %.4f", got,
		  want);
	/* Simple Gilbert (1-h = 100%, 1-k = 0): loss = p / (p + r) */
	im.ge_h = UINT32_MAX;
	im.ge_k1 = 0;
	r = run_model(&im, n, 12);
	got = (double)r.lost / n;
	cr_assert(fabs(got - bad) < 0.05 * bad, "simple gilbert %.4f vs %.4f",
		  got, bad);
}
