/* test_tbf_encode.c — token bucket and htb encoders: defaults and the
 * numbers inside, independent of the recorded fixtures. */
#include "model/linkspec.h"
#include "netsetup/qdisc_htb.h"
#include "netsetup/qdisc_tbf.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct lk_impair imp_of(const char *params)
{
	char spec[512];
	struct lk_linkspec s;
	struct lk_error e = {0};

	snprintf(spec, sizeof(spec), "1>2:%s", params);
	cr_assert_eq(lk_linkspec_parse(spec, 2, &s, &e), 0, "%s", e.msg);
	free(s.text); /* the impairment has no table in these specs */
	return s.imp;
}

Test(tbf_encode, defaults_from_impair)
{
	struct lk_impair i = imp_of("rate=1gbit");
	struct lk_tbf t;

	cr_assert(lk_tbf_from_impair(&i, &t));
	cr_assert_eq(t.rate, 125000000u);
	cr_assert_eq(t.burst, 625000u, "5 ms of rate");
	cr_assert_eq(t.latency_ns, LK_TBF_DEFAULT_LATENCY_NS);
	i = imp_of("rate=256kbit");
	cr_assert(lk_tbf_from_impair(&i, &t));
	cr_assert_eq(t.burst, LK_TBF_MIN_BURST);
	i = imp_of("rate=1mbit,queue=20k");
	cr_assert(lk_tbf_from_impair(&i, &t));
	cr_assert_eq(t.limit, 20480);
	cr_assert_eq(t.latency_ns, 0);
	i = imp_of("delay=10ms");
	cr_assert(!lk_tbf_from_impair(&i, &t));
}

Test(tbf_encode, parms_limit_and_table)
{
	struct lk_tbf t = {
	    .rate = 1250000, .burst = 32768, .latency_ns = 50000000};
	struct lk_psched ps;
	struct tc_tbf_qopt q;
	uint8_t buf[LK_TBF_OPTS_MAX];
	uint32_t rtab[256];
	int n;

	lk_psched_default(&ps);
	n = lk_tbf_encode(&t, &ps, buf, sizeof(buf));
	cr_assert_eq(n, 4 + 40 + 8 + 1028);
	memcpy(&q, buf + 8, sizeof(q));
	cr_assert_eq(q.limit, 62500 + 32768, "rate x latency + burst");
	cr_assert_eq(q.rate.rate, 1250000);
	cr_assert_eq(q.rate.cell_log, 3);
	/* 32768 B at 1.25 MB/s = 26214 us = 409593 ticks of 64 ns */
	cr_assert_eq(q.buffer, 409593);
	memcpy(rtab, buf + 4 + 40 + 8 + 4, sizeof(rtab));
	/* slot i holds the time of (i+1) << cell_log bytes: 8 B = 6.4 us */
	cr_assert_eq(rtab[0], (uint32_t)(6 * 15.625));
	cr_assert_eq(rtab[255], (uint32_t)(1638 * 15.625));
}

Test(tbf_encode, refuses_missing)
{
	struct lk_tbf t = {.rate = 1000, .burst = 0, .latency_ns = 1};
	struct lk_psched ps;
	uint8_t buf[LK_TBF_OPTS_MAX];

	lk_psched_default(&ps);
	cr_assert_eq(lk_tbf_encode(&t, &ps, buf, sizeof(buf)), -EINVAL);
	t.burst = 3000;
	t.latency_ns = 0;
	cr_assert_eq(lk_tbf_encode(&t, &ps, buf, sizeof(buf)), -EINVAL);
	t.limit = 10000;
	cr_assert_eq(lk_tbf_encode(&t, &ps, buf, 100), -ENOSPC);
}

Test(tbf_encode, htb_class_defaults)
{
	struct lk_htb_class c = {.rate = 1250000};
	struct lk_psched ps;
	struct tc_htb_opt o;
	uint8_t buf[LK_HTB_OPTS_MAX];
	int n;

	lk_psched_default(&ps);
	n = lk_htb_class_encode(&c, &ps, buf, sizeof(buf));
	cr_assert_eq(n, 4 + 4 + (int)sizeof(o) + 2 * 1028);
	memcpy(&o, buf + 8, sizeof(o));
	cr_assert_eq(o.ceil.rate, 1250000, "ceil defaults to rate");
	/* burst: rate / hz + 1600 = 1600 B at 1.25 MB/s = 1280 us */
	cr_assert_eq(o.buffer, 20000);
	c.rate = 0;
	cr_assert_eq(lk_htb_class_encode(&c, &ps, buf, sizeof(buf)), -EINVAL);
}

Test(tbf_encode, psched_parse)
{
	struct lk_psched ps;

	cr_assert_eq(
	    lk_psched_parse("000003e8 00000040 000f4240 3b9aca00\n", &ps), 0);
	cr_assert_float_eq(ps.tick_in_usec, 15.625, 1e-9);
	cr_assert_eq(ps.hz, 1000000000u);
	cr_assert_eq(lk_psched_us2tick(&ps, 100000), 1562500);
	cr_assert(!lk_psched_us_too_big(&ps, 270000000));
	cr_assert(lk_psched_us_too_big(&ps, 280000000));
	cr_assert_eq(lk_psched_parse("garbage", &ps), -EINVAL);
}
