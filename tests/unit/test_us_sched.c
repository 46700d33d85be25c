/* test_us_sched.c — one timer for many links: the indexed deadline heap,
 * and an event loop over several pipelines driven by it. */
#include "userspace/us_pipeline.h"
#include "userspace/us_sched.h"

#include <criterion/criterion.h>

#define MS 1000000ull
#define T0 (1000ull * 1000 * MS)

Test(us_sched, peek_is_the_minimum_through_updates)
{
	enum { N = 300 };
	static struct us_sched_node nd[N];
	struct us_sched s;
	struct us_rng r;

	us_sched_init(&s);
	us_rng_seed(&r, 1, 0, 0);
	for (int i = 0; i < N; i++)
		us_sched_node_init(&nd[i]);
	for (int step = 0; step < 20000; step++) {
		int i = (int)us_rng_below(&r, N);
		uint64_t key = us_rng_below(&r, 10) == 0
				   ? UINT64_MAX
				   : us_rng_below(&r, 1000);
		uint64_t min = UINT64_MAX;
		uint32_t count = 0;

		cr_assert_eq(us_sched_set(&s, &nd[i], key), 0);
		for (int k = 0; k < N; k++) {
			if (nd[k].pos == US_SCHED_NONE)
				continue;
			count++;
			min = nd[k].key < min ? nd[k].key : min;
			cr_assert_eq(s.h[nd[k].pos], &nd[k]);
		}
		cr_assert_eq(count, s.n);
		if (count)
			cr_assert_eq(us_sched_peek(&s)->key, min);
		else
			cr_assert_null(us_sched_peek(&s));
	}
	us_sched_free(&s);
	for (int i = 0; i < N; i++)
		cr_assert_eq(nd[i].pos, US_SCHED_NONE);
}

/* What the supervisor's loop will do, with a simulated clock: frames
 * arrive on 4 links; one timer (the us_sched top) releases them. */
Test(us_sched, event_loop_over_pipes)
{
	struct lk_impair im[4] = {
	    {.delay_ns = 30 * MS, .jitter_ns = 5 * MS},
	    {.delay_ns = 10 * MS, .rate_Bps = 125000},
	    {.tb_rate_Bps = 62500, .tb_burst = 3000},
	    {.delay_ns = 5 * MS, .duplicate = UINT32_MAX},
	};
	struct us_pipe *p[4];
	struct us_sched s;
	struct us_departure d;
	struct lk_error e = {0};
	unsigned sent = 0, got = 0, dups = 0;
	uint64_t now = T0, last_due = 0;

	us_sched_init(&s);
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(
		    us_pipe_new(&p[i], &im[i], 9, 1, (uint32_t)i + 2, &e), 0,
		    "%s", e.msg);
		p[i]->owner = (void *)(uintptr_t)i;
	}
	for (unsigned k = 0; k < 2000; k++) {
		uint64_t arrive = T0 + k * 2 * MS; /* next frame */

		/* fire the timer until the next arrival */
		for (struct us_sched_node *nd;
		     (nd = us_sched_peek(&s)) && nd->key <= arrive;) {
			struct us_pipe *q = us_pipe_of(nd);

			now = nd->key > now ? nd->key : now;
			cr_assert(us_pipe_dequeue(q, now, &d));
			cr_assert_geq(d.due_ns, last_due, "time goes forward");
			last_due = d.due_ns;
			got++;
			dups += !!(d.flags & US_E_DUP);
			cr_assert_eq(us_pipe_resched(q, &s), 0);
		}
		now = arrive;
		struct us_pipe *q = p[k % 4];

		sent++;
		us_pipe_enqueue(q, now, 1000, 0, NULL, NULL);
		cr_assert_eq(us_pipe_resched(q, &s), 0);
	}
	while (us_sched_peek(&s)) {
		struct us_pipe *q = us_pipe_of(us_sched_peek(&s));

		now =
		    us_sched_peek(&s)->key > now ? us_sched_peek(&s)->key : now;
		cr_assert(us_pipe_dequeue(q, now, &d));
		got++;
		dups += !!(d.flags & US_E_DUP);
		cr_assert_eq(us_pipe_resched(q, &s), 0);
	}
	cr_assert_eq(got, sent + dups);
	cr_assert_eq(dups, 500);
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(us_pipe_qlen(p[i]), 0);
		us_pipe_free(p[i]);
	}
	us_sched_free(&s);
}
