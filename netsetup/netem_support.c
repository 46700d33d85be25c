/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* netem_support.c — attributes sent vs kept, as option names (pure). */
#include "netsetup/netem_support.h"

#include "common/error.h"
#include "netsetup/qdisc_netem.h"

#include <errno.h>
#include <linux/pkt_sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * What each attribute needs to be sent, and kept by a kernel that knows
 * it: netem_dump always writes LATENCY64, JITTER64, CORR, REORDER,
 * CORRUPT, RATE (and RATE64 above 2^32 bytes/s) and, from 6.6, PRNG_SEED;
 * ECN when on; LOSS for the Gilbert models; never the tables.
 */
const struct lk_ns_probe lk_ns_probes[] = {
    {LK_NS_BIT(TCA_NETEM_CORR), "delay=1ms,delay-corr=10%", false},
    {LK_NS_BIT(TCA_NETEM_REORDER), "delay=1ms,reorder=10%", false},
    {LK_NS_BIT(TCA_NETEM_CORRUPT), "corrupt=1%", false},
    {LK_NS_BIT(TCA_NETEM_LOSS), "loss-state=1%", false},
    {LK_NS_BIT(TCA_NETEM_LOSS), "loss-ge=1%", false},
    {LK_NS_BIT(TCA_NETEM_RATE), "netem-rate=1mbit", false},
    {LK_NS_BIT(TCA_NETEM_ECN), "loss=1%,ecn", false},
    {LK_NS_BIT(TCA_NETEM_RATE64), "netem-rate=40gbit", false},
    /* too long for 32-bit ticks: only where a link could send them */
    {LK_NS_BIT(TCA_NETEM_LATENCY64) | LK_NS_BIT(TCA_NETEM_JITTER64),
     "delay=3600s,jitter=1s", false},
    {LK_NS_BIT(TCA_NETEM_DELAY_DIST), "delay=10ms,jitter=1ms,dist=normal",
     false},
    {LK_NS_BIT(LK_NS_PRNG_SEED), "delay=1ms", true},
};
const size_t lk_ns_nprobes = sizeof(lk_ns_probes) / sizeof(lk_ns_probes[0]);

static const char *const attr_names[LK_NS_NATTR] = {
    [TCA_NETEM_CORR] = "TCA_NETEM_CORR",
    [TCA_NETEM_DELAY_DIST] = "TCA_NETEM_DELAY_DIST",
    [TCA_NETEM_REORDER] = "TCA_NETEM_REORDER",
    [TCA_NETEM_CORRUPT] = "TCA_NETEM_CORRUPT",
    [TCA_NETEM_LOSS] = "TCA_NETEM_LOSS",
    [TCA_NETEM_RATE] = "TCA_NETEM_RATE",
    [TCA_NETEM_ECN] = "TCA_NETEM_ECN",
    [TCA_NETEM_RATE64] = "TCA_NETEM_RATE64",
    [TCA_NETEM_PAD] = "TCA_NETEM_PAD",
    [TCA_NETEM_LATENCY64] = "TCA_NETEM_LATENCY64",
    [TCA_NETEM_JITTER64] = "TCA_NETEM_JITTER64",
    [TCA_NETEM_SLOT] = "TCA_NETEM_SLOT",
    [TCA_NETEM_SLOT_DIST] = "TCA_NETEM_SLOT_DIST",
    [LK_NS_PRNG_SEED] = "TCA_NETEM_PRNG_SEED",
};

const char *lk_ns_attr_name(unsigned attr)
{
	static __thread char buf[24];

	if (attr < LK_NS_NATTR && attr_names[attr])
		return attr_names[attr];
	snprintf(buf, sizeof(buf), "TCA_NETEM_%u", attr);
	return buf;
}

const char *lk_ns_option(unsigned attr, const struct lk_impair *imp)
{
	uint32_t k = imp ? imp->keys : 0;

	switch (attr) {
	case TCA_NETEM_CORR:
		/* one attribute for three correlations: the first given */
		if (imp && (imp->delay_corr || (k & LK_K_DELAY_CORR)))
			return "delay-corr";
		if (imp && (imp->loss_corr || (k & LK_K_LOSS_CORR)))
			return "loss-corr";
		if (imp && (imp->duplicate_corr || (k & LK_K_DUP_CORR)))
			return "dup-corr";
		return "delay-corr";
	case TCA_NETEM_DELAY_DIST:
		return "dist";
	case TCA_NETEM_REORDER:
		return "reorder";
	case TCA_NETEM_CORRUPT:
		return "corrupt";
	case TCA_NETEM_LOSS:
		return imp && imp->loss_model == LK_LOSS_GEMODEL ? "loss-ge"
								 : "loss-state";
	case TCA_NETEM_RATE:
	case TCA_NETEM_RATE64:
		return "netem-rate";
	case TCA_NETEM_ECN:
		return "ecn";
	case TCA_NETEM_LATENCY64:
		return "delay";
	case TCA_NETEM_JITTER64:
		return "jitter";
	case TCA_NETEM_SLOT:
	case TCA_NETEM_SLOT_DIST:
		return "slot";
	case LK_NS_PRNG_SEED:
		return "--seed";
	default:
		return "?";
	}
}

uint32_t lk_ns_not_echoed(uint32_t sent, uint32_t echoed)
{
	const uint32_t never = LK_NS_BIT(TCA_NETEM_DELAY_DIST) |
			       LK_NS_BIT(TCA_NETEM_SLOT_DIST) |
			       LK_NS_BIT(TCA_NETEM_PAD);

	return sent & ~echoed & ~never;
}

void lk_ns_record(struct lk_ns_support *s, const struct lk_ns_probe *p,
		  uint32_t sent, uint32_t echoed, int err, const char *why)
{
	uint32_t about = p->attrs & sent;

	s->probed = true;
	if (err) {
		for (unsigned a = 0; a < LK_NS_NATTR; a++)
			if (about & LK_NS_BIT(a)) {
				s->err[a] = -err;
				snprintf(s->why[a], sizeof(s->why[a]), "%s",
					 why && *why ? why : strerror(-err));
			}
		s->refused |= about;
		return;
	}
	s->ignored |= lk_ns_not_echoed(about, echoed);
}

int lk_ns_check(const struct lk_ns_support *s, uint32_t sent,
		const struct lk_impair *imp, const char *kernel,
		struct lk_error *e)
{
	uint32_t bad;

	if (!s || !s->probed)
		return 0;
	bad = sent & (s->refused | s->ignored) & ~LK_NS_BIT(LK_NS_PRNG_SEED);
	if (!bad)
		return 0;
	for (unsigned a = 0; a < LK_NS_NATTR; a++) {
		if (!(bad & LK_NS_BIT(a)))
			continue;
		if (s->refused & LK_NS_BIT(a))
			return lk_error_set(e, ENOTSUP,
					    "this kernel (%s) does not support "
					    "netem option '%s': %s",
					    kernel ? kernel : "?",
					    lk_ns_option(a, imp), s->why[a]);
		return lk_error_set(e, ENOTSUP,
				    "this kernel (%s) does not support netem "
				    "option '%s': it accepts %s and ignores it",
				    kernel ? kernel : "?",
				    lk_ns_option(a, imp), lk_ns_attr_name(a));
	}
	return 0;
}

bool lk_ns_seed_notice(const struct lk_ns_support *s, const char *kernel,
		       char *buf, size_t size)
{
	const uint32_t seed = LK_NS_BIT(LK_NS_PRNG_SEED);

	if (!s || !s->probed || !((s->refused | s->ignored) & seed))
		return false;
	snprintf(buf, size,
		 "notice: this kernel (%s) does not support netem option "
		 "'--seed' (%s, Linux 6.6+): the kernel engine's random "
		 "impairments will not repeat; --engine userspace repeats them",
		 kernel ? kernel : "?", lk_ns_attr_name(LK_NS_PRNG_SEED));
	return true;
}

uint32_t lk_ns_impair_attrs(const struct lk_impair *imp,
			    const struct lk_psched *ps)
{
	uint8_t *buf = malloc(LK_NETEM_OPTS_MAX);
	uint32_t mask = 0;
	int n;

	if (!buf)
		return 0;
	n = lk_netem_encode(imp, ps, NULL, buf, LK_NETEM_OPTS_MAX);
	if (n >= (int)sizeof(struct nlattr))
		mask = lk_netem_attr_mask(buf + sizeof(struct nlattr),
					  (size_t)n - sizeof(struct nlattr));
	free(buf);
	return mask;
}

bool lk_ns_link_matters(const struct lk_ns_support *s)
{
	return s && s->probed &&
	       ((s->refused | s->ignored) & ~LK_NS_BIT(LK_NS_PRNG_SEED));
}
