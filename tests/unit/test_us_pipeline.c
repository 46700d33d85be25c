/* test_us_pipeline.c — one link of the userspace engine: netem's and tbf's
 * semantics, deterministic under a seed. */
#include "userspace/us_pipeline.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PCT(x) ((uint32_t)((x) / 100.0 * UINT32_MAX))
#define MS 1000000ull
#define T0 (1000ull * 1000 * MS) /* a monotonic clock far from zero */

static struct us_pipe *mk(const struct lk_impair *im, uint64_t seed)
{
	struct us_pipe *p = NULL;
	struct lk_error e = {0};

	cr_assert_eq(us_pipe_new(&p, im, seed, 1, 2, &e), 0, "%s", e.msg);
	return p;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void check_balance(const struct us_pipe *p)
{
	const struct us_counters *c = us_pipe_counters(p);

	cr_assert_eq(c->offered_pkts + c->duplicated,
		     c->delivered_pkts + us_counters_dropped(c) +
			 us_pipe_qlen(p),
		     "counters do not balance");
}

/* Everything at once, 1 packet per ms, draining as an event loop would. */
static void run_all(struct us_pipe *p, unsigned n, struct us_verdict *v,
		    struct us_departure *d, unsigned *nd)
{
	*nd = 0;
	for (unsigned i = 0; i < n; i++) {
		uint64_t now = T0 + i * MS;

		while (us_pipe_dequeue(p, now, &d[*nd]))
			(*nd)++;
		us_pipe_enqueue(p, now, 100 + i % 1400, i % 3 ? US_IN_ECT : 0,
				(void *)(uintptr_t)(i + 1), &v[i]);
	}
	while (us_pipe_dequeue(p, UINT64_MAX - 1, &d[*nd]))
		(*nd)++;
}

static const struct lk_impair busy = {
    .delay_ns = 50 * MS,
    .jitter_ns = 10 * MS,
    .delay_corr = PCT(25),
    .loss_model = LK_LOSS_RANDOM,
    .loss = PCT(10),
    .loss_corr = PCT(25),
    .ecn = true,
    .duplicate = PCT(5),
    .corrupt = PCT(5),
    .reorder = PCT(25),
    .gap = 3,
    .rate_Bps = 1000000,
    .tb_rate_Bps = 2000000,
    .tb_burst = 20000,
};

Test(us_pipeline, same_seed_same_decisions)
{
	enum { N = 20000 };
	struct us_verdict *v1 = calloc(N, sizeof(*v1)),
			  *v2 = calloc(N, sizeof(*v2));
	struct us_departure *d1 = calloc(2 * N, sizeof(*d1));
	struct us_departure *d2 = calloc(2 * N, sizeof(*d2));
	struct us_pipe *a = mk(&busy, 77), *b = mk(&busy, 77),
		       *c = mk(&busy, 78);
	unsigned n1, n2, n3, diff = 0;

	run_all(a, N, v1, d1, &n1);
	run_all(b, N, v2, d2, &n2);
	cr_assert_eq(n1, n2);
	cr_assert_eq(memcmp(v1, v2, N * sizeof(*v1)), 0);
	cr_assert_eq(memcmp(d1, d2, n1 * sizeof(*d1)), 0);
	cr_assert_eq(memcmp(us_pipe_counters(a), us_pipe_counters(b),
			    sizeof(struct us_counters)),
		     0);
	check_balance(a);
	cr_assert_eq(us_pipe_qlen(a), 0);

	run_all(c, N, v2, d2, &n3);
	for (unsigned i = 0; i < N; i++)
		diff += v1[i].queued != v2[i].queued ||
			v1[i].copy[0].tts_ns != v2[i].copy[0].tts_ns;
	cr_assert_gt(diff, N / 10, "another seed changed only %u", diff);
	/* every feature fired */
	const struct us_counters *k = us_pipe_counters(a);
	cr_assert(k->dropped_pkts[US_DROP_LOSS] && k->ecn_marked &&
		  k->duplicated && k->corrupted && k->reordered);
	us_pipe_free(a);
	us_pipe_free(b);
	us_pipe_free(c);
	free(v1), free(v2), free(d1), free(d2);
}

Test(us_pipeline, loss_and_duplicate_within_binomial_bounds)
{
	struct lk_impair im = {
	    .loss_model = LK_LOSS_RANDOM,
	    .loss = PCT(10),
	    .duplicate = PCT(5),
	    .limit = 1000000,
	};
	struct us_pipe *p = mk(&im, 1);
	const unsigned n = 100000;
	const struct us_counters *c = us_pipe_counters(p);
	struct us_departure d;
	unsigned queued = 0;

	for (unsigned i = 0; i < n; i++)
		queued += us_pipe_enqueue(p, T0 + i, 1000, 0, NULL, NULL);
	/* duplicates: Binomial(n, 0.05), sd 69 */
	cr_assert(fabs((double)c->duplicated - 5000) < 350, "%lu",
		  (unsigned long)c->duplicated);
	/* every offered packet and every clone (made unless its original
	 * was lost: 5% * 90%) face the 10% loss */
	double copies = n * 1.045, sd = sqrt(copies * 0.09);
	cr_assert(fabs(c->dropped_pkts[US_DROP_LOSS] - copies * 0.1) < 5 * sd,
		  "%lu lost", (unsigned long)c->dropped_pkts[US_DROP_LOSS]);
	cr_assert_eq(queued, us_pipe_qlen(p));
	check_balance(p);
	while (us_pipe_dequeue(p, T0 + n, &d))
		;
	cr_assert_eq(c->delivered_pkts, queued);
	check_balance(p);
	us_pipe_free(p);
}

Test(us_pipeline, duplicate_comes_first_and_is_marked)
{
	struct lk_impair im = {.duplicate = UINT32_MAX, .delay_ns = 10 * MS};
	struct us_pipe *p = mk(&im, 1);
	struct us_verdict v;
	struct us_departure d;

	cr_assert_eq(us_pipe_enqueue(p, T0, 100, 0, (void *)1, &v), 2);
	cr_assert(v.copy[0].flags & US_E_DUP);
	cr_assert_not(v.copy[1].flags & US_E_DUP);
	cr_assert(us_pipe_dequeue(p, T0 + 10 * MS, &d));
	cr_assert(d.flags & US_E_DUP);
	cr_assert_eq(d.cookie, (void *)1);
	cr_assert(us_pipe_dequeue(p, T0 + 10 * MS, &d));
	cr_assert_not(d.flags & US_E_DUP);
	us_pipe_free(p);
}

Test(us_pipeline, ecn_marks_ect_and_drops_the_rest)
{
	struct lk_impair im = {
	    .loss_model = LK_LOSS_RANDOM, .loss = UINT32_MAX, .ecn = true};
	struct us_pipe *p = mk(&im, 1);
	struct us_verdict v;

	cr_assert_eq(us_pipe_enqueue(p, T0, 100, US_IN_ECT, NULL, &v), 1);
	cr_assert(v.copy[0].flags & US_E_CE);
	cr_assert_eq(us_pipe_enqueue(p, T0, 100, 0, NULL, &v), 0);
	cr_assert_eq(v.cause, US_DROP_LOSS);
	cr_assert_eq(us_pipe_counters(p)->ecn_marked, 1);
	/* a duplicate of a CE-marked frame is CE, so its own loss drops it */
	im.duplicate = UINT32_MAX;
	cr_assert_eq(us_pipe_update(p, &im, NULL), 0);
	cr_assert_eq(us_pipe_enqueue(p, T0, 100, US_IN_ECT, NULL, &v), 1);
	cr_assert_eq(v.dropped, 1);
	cr_assert_eq(v.cause, US_DROP_LOSS);
	cr_assert_eq(v.copy[0].flags & (US_E_CE | US_E_DUP), US_E_CE);
	im.duplicate = 0;
	im.ecn = false;
	cr_assert_eq(us_pipe_update(p, &im, NULL), 0);
	cr_assert_eq(us_pipe_enqueue(p, T0, 100, US_IN_ECT, NULL, &v), 0);
	us_pipe_free(p);
}

Test(us_pipeline, corrupt_picks_a_bit_of_the_frame)
{
	struct lk_impair im = {.corrupt = PCT(10), .limit = 100000};
	struct us_pipe *p = mk(&im, 3);
	struct us_verdict v;
	unsigned hit = 0;

	for (unsigned i = 0; i < 20000; i++) {
		us_pipe_enqueue(p, T0 + i, 64, 0, NULL, &v);
		if (v.copy[0].flags & US_E_CORRUPT) {
			hit++;
			cr_assert_lt(v.copy[0].corrupt_bit, 64 * 8);
		}
	}
	cr_assert(fabs(hit - 2000.0) < 5 * sqrt(20000 * 0.09), "%u", hit);
	us_pipe_free(p);
}

static void delays(const struct lk_impair *im, unsigned n, uint64_t *out)
{
	struct us_pipe *p = mk(im, 21);
	struct us_verdict v;
	struct us_departure d;

	for (unsigned i = 0; i < n; i++) {
		uint64_t now = T0 + i * MS;

		while (us_pipe_dequeue(p, now, &d))
			;
		us_pipe_enqueue(p, now, 100, 0, NULL, &v);
		out[i] = v.copy[0].tts_ns - now;
	}
	qsort(out, n, sizeof(*out), cmp_u64);
	us_pipe_free(p);
}

Test(us_pipeline, delay_uniform_jitter)
{
	enum { N = 20001 };
	static uint64_t d[N];
	struct lk_impair im = {.delay_ns = 100 * MS, .jitter_ns = 10 * MS};

	delays(&im, N, d);
	cr_assert_geq(d[0], 90 * MS);
	cr_assert_lt(d[N - 1], 110 * MS);
	cr_assert(llabs((long long)d[N / 2] - (long long)(100 * MS)) < 300000,
		  "median %lu", (unsigned long)d[N / 2]);
	/* quartiles of U(90, 110) ms: 95 and 105 */
	cr_assert(llabs((long long)d[N / 4] - (long long)(95 * MS)) < 300000);
	cr_assert(llabs((long long)d[3 * N / 4] - (long long)(105 * MS)) <
		  300000);
}

/* A netem-style normal table: inverse CDF at evenly spaced quantiles,
 * scaled by 8192. */
static struct lk_dist_table *normal_table(uint32_t len)
{
	struct lk_dist_table *t = malloc(sizeof(*t) + len * sizeof(int16_t));

	t->refs = 1;
	t->len = len;
	for (uint32_t i = 0; i < len; i++) {
		double u = (i + 0.5) / len, lo = -8, hi = 8;

		for (int k = 0; k < 60; k++) {
			double mid = (lo + hi) / 2;

			if (0.5 * erfc(-mid / sqrt(2)) < u)
				lo = mid;
			else
				hi = mid;
		}
		double x = lo * 8192;
		t->data[i] = (int16_t)(x > 32767    ? 32767
				       : x < -32768 ? -32768
						    : lround(x));
	}
	return t;
}

Test(us_pipeline, delay_normal_table)
{
	enum { N = 20001 };
	static uint64_t d[N];
	struct lk_dist_table *t = normal_table(4096);
	struct lk_impair im = {.delay_ns = 100 * MS,
			       .jitter_ns = 10 * MS,
			       .dist = LK_DIST_NORMAL,
			       .table = t};
	unsigned within = 0;

	delays(&im, N, d);
	for (unsigned i = 0; i < N; i++)
		within += d[i] >= 90 * MS && d[i] <= 110 * MS;
	cr_assert(llabs((long long)d[N / 2] - (long long)(100 * MS)) < 400000,
		  "median %lu", (unsigned long)d[N / 2]);
	/* IQR of N(100, 10) ms: 2 * 0.6745 * 10 = 13.49 ms */
	double iqr = (double)(d[3 * N / 4] - d[N / 4]) / MS;
	cr_assert(fabs(iqr - 13.49) < 0.6, "IQR %.2f ms", iqr);
	/* about 68.3% within one sigma (uniform would give 100%) */
	cr_assert(fabs(within / (double)N - 0.683) < 0.02, "%u", within);
	cr_assert_lt(d[0], 70 * MS);
	free(t);
}

Test(us_pipeline, table_needed_but_missing_is_an_error)
{
	struct lk_impair im = {
	    .delay_ns = MS, .jitter_ns = MS, .dist = LK_DIST_PARETO};
	struct us_pipe *p = NULL;
	struct lk_error e = {0};

	cr_assert_lt(us_pipe_new(&p, &im, 1, 3, 4, &e), 0);
	cr_assert_not_null(strstr(e.msg, "3-4"), "%s", e.msg);
	cr_assert_null(p);
}

Test(us_pipeline, jitter_reorders_rate_keeps_order)
{
	struct lk_impair im = {.delay_ns = 50 * MS, .jitter_ns = 20 * MS};
	struct us_pipe *p = mk(&im, 4);
	struct us_departure d;
	uintptr_t prev = 0;
	unsigned inversions = 0;

	for (uintptr_t i = 1; i <= 1000; i++)
		us_pipe_enqueue(p, T0 + i * MS, 100, 0, (void *)i, NULL);
	while (us_pipe_dequeue(p, UINT64_MAX - 1, &d)) {
		inversions += (uintptr_t)d.cookie < prev;
		prev = (uintptr_t)d.cookie;
	}
	cr_assert_gt(inversions, 100, "tfifo sorts by time: %u", inversions);
	us_pipe_free(p);

	im.rate_Bps = 10000000; /* rate: each packet after the last queued */
	p = mk(&im, 4);
	prev = 0;
	inversions = 0;
	for (uintptr_t i = 1; i <= 1000; i++)
		us_pipe_enqueue(p, T0 + i * MS, 100, 0, (void *)i, NULL);
	while (us_pipe_dequeue(p, UINT64_MAX - 1, &d)) {
		inversions += (uintptr_t)d.cookie < prev;
		prev = (uintptr_t)d.cookie;
	}
	cr_assert_eq(inversions, 0);
	us_pipe_free(p);
}

Test(us_pipeline, reorder_gap_every_fifth_is_immediate)
{
	struct lk_impair im = {
	    .delay_ns = 10 * MS, .reorder = UINT32_MAX, .gap = 5};
	struct us_pipe *p = mk(&im, 1);
	struct us_verdict v;
	struct us_departure d;

	for (unsigned i = 0; i < 50; i++) {
		uint64_t now = T0 + i * 100000; /* 0.1 ms apart */

		us_pipe_enqueue(p, now, 100, 0, (void *)(uintptr_t)i, &v);
		bool imm = (i % 5) == 4;
		cr_assert_eq(!!(v.copy[0].flags & US_E_REORDERED), imm, "%u",
			     i);
		cr_assert_eq(v.copy[0].tts_ns, imm ? now : now + 10 * MS);
		if (imm) { /* it leaves now, ahead of the 4 delayed ones */
			cr_assert(us_pipe_dequeue(p, now, &d));
			cr_assert_eq(d.cookie, (void *)(uintptr_t)i);
		}
		cr_assert_not(us_pipe_dequeue(p, now, &d));
	}
	cr_assert_eq(us_pipe_counters(p)->reordered, 10);
	us_pipe_free(p);

	/* "reorder 25%" alone: gap 1, a quarter of packets go at once */
	im.reorder = PCT(25);
	im.gap = 0;
	im.limit = 100000;
	p = mk(&im, 2);
	for (unsigned i = 0; i < 40000; i++)
		us_pipe_enqueue(p, T0 + i, 100, 0, NULL, NULL);
	double r = (double)us_pipe_counters(p)->reordered;
	cr_assert(fabs(r - 10000) < 5 * sqrt(40000 * 0.1875), "%.0f", r);
	us_pipe_free(p);
}

Test(us_pipeline, rate_serialisation_and_cells)
{
	struct lk_impair im = {.rate_Bps = 125000}; /* 1 Mbit/s */
	struct us_pipe *p = mk(&im, 1);
	struct us_verdict v;

	/* 1000 B at 1 Mbit/s: 8 ms each, back to back */
	for (unsigned i = 0; i < 10; i++) {
		us_pipe_enqueue(p, T0, 1000, 0, NULL, &v);
		cr_assert_eq(v.copy[0].tts_ns, T0 + (i + 1) * 8 * MS);
	}
	/* the queue drains; a packet after an idle gap starts at once */
	struct us_departure d;
	while (us_pipe_dequeue(p, T0 + 200 * MS, &d))
		;
	us_pipe_enqueue(p, T0 + 200 * MS, 1000, 0, NULL, &v);
	cr_assert_eq(v.copy[0].tts_ns, T0 + 208 * MS);
	us_pipe_free(p);

	/* ATM (the manual): 50 B, cell 48 + 5 -> 2 cells = 106 B */
	im = (struct lk_impair){
	    .rate_Bps = 1000000, .cell_size = 48, .cell_overhead = 5};
	p = mk(&im, 1);
	cr_assert_eq(us_pipe_packet_time_ns(p, 50), 106000);
	cr_assert_eq(us_pipe_packet_time_ns(p, 48), 53000);
	us_pipe_free(p);
	/* "rate 5kbit 20 100 5": 80 B + 20 = 100 -> 1 cell of 105 B */
	im = (struct lk_impair){.rate_Bps = 625,
				.packet_overhead = 20,
				.cell_size = 100,
				.cell_overhead = 5};
	p = mk(&im, 1);
	cr_assert_eq(us_pipe_packet_time_ns(p, 80), 105 * 1600000ull);
	cr_assert_eq(us_pipe_packet_time_ns(p, 81), 210 * 1600000ull);
	us_pipe_free(p);
	/* negative overhead strips the Ethernet header */
	im = (struct lk_impair){.rate_Bps = 1000000, .packet_overhead = -14};
	p = mk(&im, 1);
	cr_assert_eq(us_pipe_packet_time_ns(p, 114), 100000);
	us_pipe_free(p);
}

Test(us_pipeline, rate_with_delay_uses_last_packet)
{
	struct lk_impair im = {.rate_Bps = 125000, .delay_ns = 20 * MS};
	struct us_pipe *p = mk(&im, 1);
	struct us_verdict v;

	us_pipe_enqueue(p, T0, 1000, 0, NULL, &v);
	cr_assert_eq(v.copy[0].tts_ns, T0 + 28 * MS);
	/* 1 ms later: max(last, now + delay) + 8 ms */
	us_pipe_enqueue(p, T0 + MS, 1000, 0, NULL, &v);
	cr_assert_eq(v.copy[0].tts_ns, T0 + 36 * MS);
	us_pipe_free(p);
}

Test(us_pipeline, token_bucket_conformance)
{
	/* 1 Mbit/s, 10 kB burst, netem adds nothing */
	struct lk_impair im = {.tb_rate_Bps = 125000, .tb_burst = 10000};
	struct us_pipe *p = mk(&im, 1);
	struct us_departure d;
	uint64_t first = 0, last = 0, bytes = 0;
	unsigned n = 0;

	for (unsigned i = 0; i < 100; i++)
		us_pipe_enqueue(p, T0, 1000, 0, NULL, NULL);
	for (uint64_t now = T0; us_pipe_qlen(p);) {
		uint64_t next = us_pipe_next_ns(p);

		if (next > now)
			now = next;
		cr_assert(us_pipe_dequeue(p, now, &d));
		cr_assert_eq(d.due_ns, now);
		if (!n)
			first = d.due_ns;
		last = d.due_ns;
		bytes += d.len;
		n++;
		/* never more than burst + rate * elapsed */
		cr_assert_leq(
		    bytes,
		    10000 + (d.due_ns - first) * 125000 / 1000000000ull + 1);
	}
	cr_assert_eq(n, 100);
	/* first 10 at once (the full bucket), then one per 8 ms */
	cr_assert_eq(last - first, 90 * 8 * MS);

	/* larger than the bucket: can never pass */
	struct us_verdict v;
	cr_assert_eq(us_pipe_enqueue(p, last, 10001, 0, NULL, &v), 0);
	cr_assert_eq(v.cause, US_DROP_TB);
	check_balance(p);
	us_pipe_free(p);
}

Test(us_pipeline, token_bucket_after_netem_delay)
{
	struct lk_impair im = {
	    .delay_ns = 50 * MS, .tb_rate_Bps = 125000, .tb_burst = 2000};
	struct us_pipe *p = mk(&im, 1);
	struct us_departure d;

	for (unsigned i = 0; i < 4; i++)
		us_pipe_enqueue(p, T0, 1000, 0, NULL, NULL);
	cr_assert_eq(us_pipe_next_ns(p), T0 + 50 * MS);
	cr_assert_not(us_pipe_dequeue(p, T0 + 49 * MS, &d));
	/* late loop: departures are still the virtual times */
	uint64_t want[4] = {50, 50, 58, 66};
	for (unsigned i = 0; i < 4; i++) {
		cr_assert(us_pipe_dequeue(p, T0 + 100 * MS, &d));
		cr_assert_eq(d.due_ns, T0 + want[i] * MS, "%u: %lu", i,
			     (unsigned long)(d.due_ns - T0));
		cr_assert_eq(d.tts_ns, T0 + 50 * MS);
	}
	us_pipe_free(p);
}

Test(us_pipeline, queue_limit_and_overflow_counters)
{
	struct lk_impair im = {.delay_ns = 1000 * MS, .limit = 10};
	struct us_pipe *p = mk(&im, 1);
	struct us_verdict v;
	const struct us_counters *c = us_pipe_counters(p);

	for (unsigned i = 0; i < 15; i++) {
		us_pipe_enqueue(p, T0, 100, 0, NULL, &v);
		if (i >= 10)
			cr_assert_eq(v.cause, US_DROP_LIMIT);
	}
	cr_assert_eq(us_pipe_qlen(p), 10);
	cr_assert_eq(c->dropped_pkts[US_DROP_LIMIT], 5);
	cr_assert_eq(c->queue_overflows, 5);
	cr_assert_eq(c->dropped_bytes[US_DROP_LIMIT], 500);
	check_balance(p);
	/* default limit is tc's 1000 */
	im.limit = 0;
	cr_assert_eq(us_pipe_update(p, &im, NULL), 0);
	cr_assert_eq(p->limit, US_DEFAULT_LIMIT);
	cr_assert_eq(us_pipe_qlen(p), 10, "change keeps the queue");
	us_pipe_free(p);
}

Test(us_pipeline, down_drops_everything)
{
	struct lk_impair im = {.down = true};
	struct us_pipe *p = mk(&im, 1);
	struct us_verdict v;

	for (unsigned i = 0; i < 10; i++)
		cr_assert_eq(us_pipe_enqueue(p, T0, 100, 0, NULL, &v), 0);
	cr_assert_eq(v.cause, US_DROP_DOWN);
	cr_assert_eq(us_pipe_counters(p)->dropped_pkts[US_DROP_DOWN], 10);
	cr_assert_eq(us_pipe_next_ns(p), UINT64_MAX);
	us_pipe_free(p);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Not an assertion on speed: prints ns per enqueue + dequeue. */
Test(us_pipeline, bench)
{
	const struct lk_impair *cfg[2] = {&busy, NULL};
	struct lk_impair plain = {
	    .delay_ns = 20 * MS, .jitter_ns = 5 * MS, .limit = 100000};
	const unsigned n = 200000;
	struct us_departure d;

	cfg[1] = &plain;
	for (int k = 0; k < 2; k++) {
		struct us_pipe *p = mk(cfg[k], 5);
		uint64_t t0 = mono_ns(), ops = 0;

		for (unsigned i = 0; i < n; i++) {
			/* 50 kpps, or 1 kpps under busy's rates */
			uint64_t now = T0 + i * (k ? 20000ull : 1000000ull);

			while (us_pipe_dequeue(p, now, &d))
				ops++;
			us_pipe_enqueue(p, now, 1000, US_IN_ECT, NULL, NULL);
		}
		uint64_t dt = mono_ns() - t0;
		fprintf(stderr,
			"us_pipeline bench (%s): %.1f ns per packet "
			"(enqueue + dequeue), queue ~%u\n",
			k ? "delay+jitter" : "all features", (double)dt / n,
			us_pipe_qlen(p));
		cr_assert_gt(ops, n / 2);
		us_pipe_free(p);
	}
}

Test(us_pipeline, update_shrinking_burst_never_blocks)
{
	struct lk_impair im = {
	    .delay_ns = 10 * MS, .tb_rate_Bps = 125000, .tb_burst = 4000};
	struct us_pipe *p = mk(&im, 1);
	struct us_departure d;
	uint64_t now = T0;

	us_pipe_enqueue(p, T0, 3000, 0, NULL, NULL);
	us_pipe_enqueue(p, T0, 3000, 0, NULL, NULL);
	im.tb_burst = 2000; /* both queued copies are now too big */
	cr_assert_eq(us_pipe_update(p, &im, NULL), 0);
	for (unsigned k = 0; k < 2; k++) {
		now = us_pipe_next_ns(p);
		cr_assert_lt(now, T0 + 100 * MS);
		cr_assert(us_pipe_dequeue(p, now, &d));
	}
	cr_assert_eq(us_pipe_next_ns(p), UINT64_MAX);
	/* removing the bucket releases what it would have held */
	im.tb_burst = 4000;
	cr_assert_eq(us_pipe_update(p, &im, NULL), 0);
	for (unsigned i = 0; i < 3; i++)
		us_pipe_enqueue(p, now, 4000, 0, NULL, NULL);
	cr_assert(us_pipe_dequeue(p, now + 10 * MS, &d));
	cr_assert_not(us_pipe_dequeue(p, now + 10 * MS, &d)); /* held */
	im.tb_rate_Bps = 0;
	cr_assert_eq(us_pipe_update(p, &im, NULL), 0);
	cr_assert(us_pipe_dequeue(p, now + 10 * MS, &d));
	cr_assert(us_pipe_dequeue(p, now + 10 * MS, &d));
	cr_assert_eq(us_pipe_qlen(p), 0);
	check_balance(p);
	us_pipe_free(p);
}

Test(us_pipeline, flush_returns_every_cookie)
{
	struct lk_impair im = {.delay_ns = 1000 * MS,
			       .duplicate = PCT(50),
			       .tb_rate_Bps = 1000,
			       .tb_burst = 1000};
	struct us_pipe *p = mk(&im, 8);
	struct us_departure d;
	unsigned refs[20] = {0}, queued = 0, back = 0;

	for (uintptr_t i = 0; i < 20; i++) {
		refs[i] = us_pipe_enqueue(p, T0, 1000, 0, (void *)i, NULL);
		queued += refs[i];
	}
	cr_assert(us_pipe_dequeue(p, T0 + 1000 * MS, &d));
	refs[(uintptr_t)d.cookie]--;
	back++;
	cr_assert_not(us_pipe_dequeue(p, T0 + 1000 * MS, &d)); /* bucket */
	while (us_pipe_flush(p, &d)) {
		refs[(uintptr_t)d.cookie]--;
		back++;
	}
	cr_assert_eq(back, queued);
	for (unsigned i = 0; i < 20; i++)
		cr_assert_eq(refs[i], 0);
	us_pipe_free(p);
}
