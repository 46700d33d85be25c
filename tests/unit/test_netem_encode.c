/* test_netem_encode.c — the netem encoder beyond what tc 6.1 can show:
 * the queue-limit rule, 64-bit delays, the seed, and its failures. */
#include "model/linkspec.h"
#include "netsetup/qdisc_netem.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <linux/pkt_sched.h>
#include <string.h>

static struct lk_impair imp_of(const char *params)
{
	char spec[512];
	struct lk_linkspec s;
	struct lk_impair imp;
	struct lk_error e = {0};

	snprintf(spec, sizeof(spec), "1>2:%s", params);
	cr_assert_eq(lk_linkspec_parse(spec, 2, &s, &e), 0, "%s", e.msg);
	imp = s.imp;
	cr_assert_null(imp.table, "tests here use no table");
	lk_linkspec_free(&s);
	return imp;
}

/* Find attribute type in the netem options (after the qopt). */
static const uint8_t *find_attr(const uint8_t *o, int len, uint16_t type)
{
	int off = 4 + (int)sizeof(struct tc_netem_qopt);

	while (off + 4 <= len) {
		uint16_t l, t;

		memcpy(&l, o + off, 2);
		memcpy(&t, o + off + 2, 2);
		if ((t & 0x3fff) == type)
			return o + off;
		off += (l + 3) & ~3;
	}
	return NULL;
}

static struct tc_netem_qopt qopt_of(const uint8_t *o)
{
	struct tc_netem_qopt q;

	memcpy(&q, o + 4, sizeof(q));
	return q;
}

Test(netem_encode, auto_limit_rule)
{
	struct lk_impair i = imp_of("delay=100ms");

	/* 1 Gbit/s * 100 ms * 2 / 1500 B = 16667 */
	cr_assert_eq(lk_netem_auto_limit(&i), 16667);
	i = imp_of("delay=1ms");
	cr_assert_eq(lk_netem_auto_limit(&i), 1000);
	i = imp_of("delay=100ms,jitter=100ms,rate=10mbit");
	/* 1.25 MB/s * 0.2 s * 2 / 1500 = 334 -> the floor */
	cr_assert_eq(lk_netem_auto_limit(&i), 1000);
	i = imp_of("delay=2s,netem-rate=100mbit");
	cr_assert_eq(lk_netem_auto_limit(&i), 33334);
	i = imp_of("delay=3600s");
	cr_assert_eq(lk_netem_auto_limit(&i), 1000000);
	i = imp_of("delay=100ms,limit=10");
	cr_assert_eq(lk_netem_auto_limit(&i), 10);
}

Test(netem_encode, auto_limit_in_qopt)
{
	struct lk_impair i = imp_of("delay=100ms");
	struct lk_psched ps;
	uint8_t buf[512];
	int n;

	lk_psched_default(&ps);
	n = lk_netem_encode(&i, &ps, NULL, buf, sizeof(buf));
	cr_assert_eq(n, 4 + (int)sizeof(struct tc_netem_qopt));
	cr_assert_eq(qopt_of(buf).limit, 16667);
	cr_assert_eq(qopt_of(buf).latency, 1562500); /* 64 ns ticks */
}

Test(netem_encode, long_delay_goes_64_bit)
{
	struct lk_impair i = imp_of("delay=600s,jitter=1s");
	struct lk_psched ps;
	uint8_t buf[512];
	const uint8_t *a;
	int64_t v;
	int n;

	lk_psched_default(&ps);
	n = lk_netem_encode(&i, &ps, NULL, buf, sizeof(buf));
	cr_assert_gt(n, 0);
	cr_assert_eq(qopt_of(buf).latency, UINT32_MAX);
	a = find_attr(buf, n, TCA_NETEM_LATENCY64);
	cr_assert_not_null(a);
	memcpy(&v, a + 4, 8);
	cr_assert_eq(v, 600000000000ll);
	a = find_attr(buf, n, TCA_NETEM_JITTER64);
	cr_assert_not_null(a);
	memcpy(&v, a + 4, 8);
	cr_assert_eq(v, 1000000000ll);
	/* 60 s still fits 32-bit ticks: no 64-bit attributes */
	i = imp_of("delay=60s");
	n = lk_netem_encode(&i, &ps, NULL, buf, sizeof(buf));
	cr_assert_null(find_attr(buf, n, TCA_NETEM_LATENCY64));
}

Test(netem_encode, seed_attribute)
{
	struct lk_impair i = imp_of("loss=1%");
	struct lk_psched ps;
	uint64_t seed = 0x1122334455667788ull, v;
	uint8_t buf[512];
	const uint8_t *a;
	int n;

	lk_psched_default(&ps);
	n = lk_netem_encode(&i, &ps, &seed, buf, sizeof(buf));
	a = find_attr(buf, n, 14 /* TCA_NETEM_PRNG_SEED */);
	cr_assert_not_null(a);
	memcpy(&v, a + 4, 8);
	cr_assert_eq(v, seed);
}

Test(netem_encode, gemodel_sends_h_not_1_minus_h)
{
	struct lk_impair i = imp_of("loss-ge=1%/10%/70%/0.1%");
	struct lk_psched ps;
	struct tc_netem_gemodel ge;
	uint8_t buf[512];
	const uint8_t *a;
	int n;

	lk_psched_default(&ps);
	n = lk_netem_encode(&i, &ps, NULL, buf, sizeof(buf));
	a = find_attr(buf, n, TCA_NETEM_LOSS);
	cr_assert_not_null(a);
	memcpy(&ge, a + 8, sizeof(ge));
	cr_assert_eq(ge.h, UINT32_MAX - i.ge_h);
	cr_assert_eq(ge.k1, i.ge_k1);
}

Test(netem_encode, too_small_buffer)
{
	struct lk_impair i = imp_of("delay=10ms,loss=1%,reorder=5%");
	struct lk_psched ps;
	uint8_t buf[64];

	lk_psched_default(&ps);
	cr_assert_eq(lk_netem_encode(&i, &ps, NULL, buf, 20), -ENOSPC);
	cr_assert_eq(lk_netem_encode(&i, &ps, NULL, buf, 39), -ENOSPC);
	cr_assert_eq(lk_netem_encode(&i, &ps, NULL, buf, 40), 40);
	cr_assert_gt(lk_netem_encode(&i, &ps, NULL, buf, sizeof(buf)), 0);
}

Test(netem_encode, refuses_inconsistent_model)
{
	struct lk_impair i;
	struct lk_psched ps;
	uint8_t buf[256];

	lk_impair_init(&i);
	i.jitter_ns = 1000000;
	lk_psched_default(&ps);
	cr_assert_eq(lk_netem_encode(&i, &ps, NULL, buf, sizeof(buf)), -EINVAL);
}

Test(netem_encode, down_is_total_loss_without_ecn)
{
	struct lk_impair i = imp_of("delay=5ms,loss-ge=1%,ecn,dup=5%,down");
	struct lk_psched ps;
	struct tc_netem_qopt q;
	uint8_t buf[256];
	int n;

	lk_psched_default(&ps);
	cr_assert(lk_impair_needs_netem(&i));
	n = lk_netem_encode(&i, &ps, NULL, buf, sizeof(buf));
	cr_assert_gt(n, 0);
	q = qopt_of(buf);
	cr_assert_eq(q.loss, UINT32_MAX);
	cr_assert_eq(q.duplicate, 0);
	cr_assert_eq(q.latency, 78125, "the rest stays");
	cr_assert_null(find_attr(buf, n, TCA_NETEM_ECN));
	cr_assert_null(find_attr(buf, n, TCA_NETEM_LOSS));
}
