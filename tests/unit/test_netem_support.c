/* test_netem_support.c — netem attributes sent vs kept, as option names
 * (netsetup/netem_support.c, lk_netem_attr_mask). */
#include "model/linkspec.h"
#include "netsetup/netem_support.h"
#include "netsetup/qdisc_netem.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <linux/pkt_sched.h>
#include <stdio.h>
#include <string.h>

#define BIT(a) LK_NS_BIT(a)

static struct lk_psched ps;

static void setup(void)
{
	lk_psched_default(&ps);
}

static uint32_t attrs_of(const char *params)
{
	struct lk_linkspec s;
	struct lk_error e = {0};
	char text[256];
	uint32_t m;

	snprintf(text, sizeof(text), "1>2:%s", params);
	cr_assert_eq(lk_linkspec_parse(text, 2, &s, &e), 0, "%s", e.msg);
	m = lk_ns_impair_attrs(&s.imp, &ps);
	lk_linkspec_free(&s);
	return m;
}

static struct lk_impair impair_of(const char *params)
{
	struct lk_linkspec s;
	struct lk_error e = {0};
	struct lk_impair imp;
	char text[256];

	snprintf(text, sizeof(text), "1>2:%s", params);
	cr_assert_eq(lk_linkspec_parse(text, 2, &s, &e), 0, "%s", e.msg);
	imp = s.imp;
	imp.table = NULL; /* freed below */
	lk_linkspec_free(&s);
	return imp;
}

TestSuite(netem_support, .init = setup);

Test(netem_support, attributes_of_encoded_options)
{
	cr_assert_eq(attrs_of("delay=5ms"), 0);
	cr_assert_eq(attrs_of("delay=5ms,loss=1%"), 0);
	cr_assert_eq(attrs_of("delay=1ms,loss-corr=5%,loss=1%"),
		     BIT(TCA_NETEM_CORR));
	cr_assert_eq(attrs_of("loss-ge=1%"), BIT(TCA_NETEM_LOSS));
	cr_assert_eq(attrs_of("loss=1%,ecn"), BIT(TCA_NETEM_ECN));
	cr_assert_eq(attrs_of("netem-rate=1mbit"), BIT(TCA_NETEM_RATE));
	cr_assert_eq(attrs_of("netem-rate=40gbit"),
		     BIT(TCA_NETEM_RATE) | BIT(TCA_NETEM_RATE64));
	cr_assert_eq(attrs_of("delay=3600s"),
		     BIT(TCA_NETEM_LATENCY64) | BIT(TCA_NETEM_JITTER64));
	cr_assert_eq(attrs_of("delay=10ms,jitter=1ms,dist=normal"),
		     BIT(TCA_NETEM_DELAY_DIST));
	cr_assert_eq(attrs_of("delay=1ms,reorder=5%,corrupt=1%"),
		     BIT(TCA_NETEM_REORDER) | BIT(TCA_NETEM_CORRUPT));
}

Test(netem_support, seed_attribute_and_truncated_input)
{
	struct lk_impair imp = impair_of("delay=1ms");
	uint8_t buf[512];
	uint64_t seed = 42;
	int n = lk_netem_encode(&imp, &ps, &seed, buf, sizeof(buf));

	cr_assert_gt(n, 4);
	cr_assert_eq(lk_netem_attr_mask(buf + 4, (size_t)n - 4),
		     BIT(LK_NS_PRNG_SEED));
	/* a cut attribute is not counted, and nothing is read past len */
	cr_assert_eq(lk_netem_attr_mask(buf + 4, (size_t)n - 8), 0);
	cr_assert_eq(lk_netem_attr_mask(buf + 4, 10), 0);
}

/* Every probe sends what it is about (on the usual 64 ns clock). */
Test(netem_support, probes_send_their_attributes)
{
	for (size_t i = 0; i < lk_ns_nprobes; i++) {
		const struct lk_ns_probe *p = &lk_ns_probes[i];
		uint32_t want = p->attrs & ~BIT(LK_NS_PRNG_SEED);

		cr_assert_eq(attrs_of(p->params) & want, want, "probe '%s'",
			     p->params);
	}
}

Test(netem_support, tables_are_never_echoed)
{
	uint32_t sent = BIT(TCA_NETEM_DELAY_DIST) | BIT(TCA_NETEM_CORR) |
			BIT(LK_NS_PRNG_SEED);

	cr_assert_eq(lk_ns_not_echoed(sent, BIT(TCA_NETEM_CORR)),
		     BIT(LK_NS_PRNG_SEED));
	cr_assert_eq(lk_ns_not_echoed(sent, sent), 0);
}

static const struct lk_ns_probe *probe_for(uint32_t attr)
{
	for (size_t i = 0; i < lk_ns_nprobes; i++)
		if (lk_ns_probes[i].attrs & BIT(attr))
			return &lk_ns_probes[i];
	cr_assert_fail("no probe for attribute %u", attr);
	return NULL;
}

/* Debian 12's 6.1: everything kept but the seed. */
Test(netem_support, seed_ignored_is_a_notice_not_a_link_error)
{
	struct lk_ns_support s = {0};
	struct lk_impair imp = impair_of("delay=1ms,loss-corr=5%,loss=1%");
	struct lk_error e = {0};
	char notice[320];

	lk_ns_record(&s, probe_for(TCA_NETEM_CORR), BIT(TCA_NETEM_CORR),
		     BIT(TCA_NETEM_CORR) | BIT(TCA_NETEM_LATENCY64), 0, NULL);
	lk_ns_record(&s, probe_for(LK_NS_PRNG_SEED), BIT(LK_NS_PRNG_SEED),
		     BIT(TCA_NETEM_LATENCY64), 0, NULL);
	cr_assert_eq(s.ignored, BIT(LK_NS_PRNG_SEED));
	cr_assert_eq(s.refused, 0);
	cr_assert(!lk_ns_link_matters(&s));
	cr_assert_eq(lk_ns_check(&s,
				 BIT(TCA_NETEM_CORR) | BIT(LK_NS_PRNG_SEED),
				 &imp, "6.1.0-26-amd64", &e),
		     0);
	cr_assert(lk_ns_seed_notice(&s, "6.1.0-26-amd64", notice,
				    sizeof(notice)));
	cr_assert(strstr(notice, "this kernel (6.1.0-26-amd64) does not "
				 "support netem option '--seed'"),
		  "%s", notice);
	cr_assert(!strchr(notice, '\n'));
	/* a kernel that keeps it: no notice */
	s.ignored = 0;
	cr_assert(!lk_ns_seed_notice(&s, "6.6.0", notice, sizeof(notice)));
}

/* A kernel before 4.15 drops LATENCY64/JITTER64: a link that needs them
 * is an error naming the option, one that does not is fine. */
Test(netem_support, ignored_link_option_is_an_error)
{
	struct lk_ns_support s = {0};
	const struct lk_ns_probe *p = probe_for(TCA_NETEM_LATENCY64);
	struct lk_impair big = impair_of("delay=3600s");
	struct lk_impair small = impair_of("delay=20ms");
	struct lk_error e = {0};
	uint32_t sent = BIT(TCA_NETEM_LATENCY64) | BIT(TCA_NETEM_JITTER64);

	lk_ns_record(&s, p, sent, BIT(TCA_NETEM_CORR), 0, NULL);
	cr_assert_eq(s.ignored, sent);
	cr_assert(lk_ns_link_matters(&s));
	cr_assert_eq(lk_ns_check(&s, lk_ns_impair_attrs(&small, &ps), &small,
				 "4.9.0", &e),
		     0);
	cr_assert_eq(lk_ns_check(&s, lk_ns_impair_attrs(&big, &ps), &big,
				 "4.9.0", &e),
		     -ENOTSUP);
	cr_assert_str_eq(e.msg, "this kernel (4.9.0) does not support netem "
				"option 'delay': it accepts "
				"TCA_NETEM_LATENCY64 and ignores it");
}

Test(netem_support, refused_option_carries_the_kernel_text)
{
	struct lk_ns_support s = {0};
	struct lk_impair imp = impair_of("loss-ge=1%,ecn");
	struct lk_error e = {0};

	lk_ns_record(&s, probe_for(TCA_NETEM_ECN), BIT(TCA_NETEM_ECN), 0,
		     -EINVAL, "Invalid argument (kernel: bad ecn)");
	cr_assert_eq(s.refused, BIT(TCA_NETEM_ECN));
	cr_assert_eq(s.err[TCA_NETEM_ECN], EINVAL);
	cr_assert_eq(lk_ns_check(&s, BIT(TCA_NETEM_LOSS), &imp, "5.4.0",
				 &e),
		     0);
	cr_assert_eq(lk_ns_check(&s,
				 BIT(TCA_NETEM_LOSS) | BIT(TCA_NETEM_ECN),
				 &imp, "5.4.0", &e),
		     -ENOTSUP);
	cr_assert_str_eq(e.msg, "this kernel (5.4.0) does not support "
				"netem option 'ecn': Invalid argument "
				"(kernel: bad ecn)");
	/* a refusal without text: the errno */
	lk_ns_record(&s, probe_for(TCA_NETEM_LOSS), BIT(TCA_NETEM_LOSS), 0,
		     -ERANGE, NULL);
	cr_assert_eq(lk_ns_check(&s, BIT(TCA_NETEM_LOSS), &imp, "5.4.0",
				 &e),
		     -ENOTSUP);
	cr_assert(strstr(e.msg, "option 'loss-ge': Numerical result out of "
				"range"),
		  "%s", e.msg);
}

Test(netem_support, option_names)
{
	struct lk_impair a = impair_of("delay=1ms,dup=1%,dup-corr=5%");
	struct lk_impair b = impair_of("loss-state=1%");

	cr_assert_str_eq(lk_ns_option(TCA_NETEM_CORR, &a), "dup-corr");
	cr_assert_str_eq(lk_ns_option(TCA_NETEM_CORR, NULL), "delay-corr");
	cr_assert_str_eq(lk_ns_option(TCA_NETEM_LOSS, &b), "loss-state");
	cr_assert_str_eq(lk_ns_option(TCA_NETEM_JITTER64, NULL), "jitter");
	cr_assert_str_eq(lk_ns_option(TCA_NETEM_RATE64, NULL), "netem-rate");
	cr_assert_str_eq(lk_ns_option(LK_NS_PRNG_SEED, NULL), "--seed");
	cr_assert_str_eq(lk_ns_attr_name(LK_NS_PRNG_SEED),
			 "TCA_NETEM_PRNG_SEED");
	cr_assert_str_eq(lk_ns_attr_name(20), "TCA_NETEM_20");
}

Test(netem_support, nothing_probed_says_nothing)
{
	struct lk_ns_support s = {0};
	struct lk_impair imp = impair_of("delay=3600s");
	struct lk_error e = {0};
	char buf[64];

	cr_assert_eq(lk_ns_check(&s, ~0u, &imp, "x", &e), 0);
	cr_assert_eq(lk_ns_check(NULL, ~0u, &imp, "x", &e), 0);
	cr_assert(!lk_ns_seed_notice(&s, "x", buf, sizeof(buf)));
}
