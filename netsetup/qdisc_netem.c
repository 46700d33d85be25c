/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdisc_netem.c — netem's options, byte for byte as tc writes them. */
#include "netsetup/qdisc_netem.h"

#include "model/linkspec.h"
#include "model/dist_table.h"
#include "netsetup/nlabuf.h"

#include <errno.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <math.h>
#include <string.h>

/* Newer than the uapi headers of Debian 12 (kernel 5.12+). */
#ifndef TCA_NETEM_PRNG_SEED
#define TCA_NETEM_PRNG_SEED (TCA_NETEM_SLOT_DIST + 1)
#endif

#define AUTO_LIMIT_MIN 1000u
#define AUTO_LIMIT_MAX 1000000u
#define AUTO_PKT_BYTES 1500.0
#define AUTO_RATE_BPS 125000000.0 /* 1 Gbit/s */

uint32_t lk_netem_auto_limit(const struct lk_impair *imp)
{
	double rate = AUTO_RATE_BPS, t, pkts;

	if (imp->limit)
		return imp->limit;
	if (imp->rate_Bps)
		rate = (double)imp->rate_Bps;
	if (imp->tb_rate_Bps && (double)imp->tb_rate_Bps < rate)
		rate = (double)imp->tb_rate_Bps;
	t = (double)(imp->delay_ns + imp->jitter_ns) / 1e9;
	pkts = ceil(2.0 * rate * t / AUTO_PKT_BYTES);
	if (pkts < AUTO_LIMIT_MIN)
		return AUTO_LIMIT_MIN;
	if (pkts > AUTO_LIMIT_MAX)
		return AUTO_LIMIT_MAX;
	return (uint32_t)pkts;
}

/* tc: microseconds as an unsigned int, then ticks.  *big when the ticks
 * do not fit (the 64-bit attribute carries the value then). */
static uint32_t ticks_of(const struct lk_psched *ps, uint64_t ns, bool *big)
{
	uint64_t us = ns / 1000;

	if (us > UINT32_MAX || lk_psched_us_too_big(ps, (uint32_t)us)) {
		*big = true;
		return UINT32_MAX;
	}
	return lk_psched_us2tick(ps, (uint32_t)us);
}

int lk_netem_encode(const struct lk_impair *imp, const struct lk_psched *ps,
		    const uint64_t *seed, void *buf, size_t size)
{
	struct lk_abuf b = {.buf = buf, .size = size};
	struct tc_netem_qopt opt = {0};
	struct tc_netem_corr cor = {0};
	struct tc_netem_reorder reorder = {0};
	struct tc_netem_corrupt corrupt = {0};
	struct lk_impair down;
	bool big = false, want_corr;
	size_t start;
	uint32_t k;

	if (lk_impair_check(imp, NULL, 0) < 0)
		return -EINVAL;
	if (imp->down) {
		/* Carries nothing: every packet lost, none marked instead
		 * (ecn), none duplicated past the loss. */
		down = *imp;
		down.loss_model = LK_LOSS_RANDOM;
		down.loss = UINT32_MAX;
		down.loss_corr = 0;
		down.ecn = false;
		down.duplicate = 0;
		down.duplicate_corr = 0;
		down.keys &= ~(uint32_t)(LK_K_LOSS_CORR | LK_K_DUP_CORR);
		imp = &down;
	}

	k = imp->keys;
	opt.latency = ticks_of(ps, imp->delay_ns, &big);
	opt.jitter = ticks_of(ps, imp->jitter_ns, &big);
	opt.limit = lk_netem_auto_limit(imp);
	if (imp->loss_model == LK_LOSS_RANDOM)
		opt.loss = imp->loss;
	opt.gap = imp->gap;
	if (imp->reorder && !opt.gap)
		opt.gap = 1; /* tc: reorder without gap means gap 1 */
	opt.duplicate = imp->duplicate;

	cor.delay_corr = imp->delay_corr;
	cor.loss_corr = imp->loss_corr;
	cor.dup_corr = imp->duplicate_corr;
	want_corr = (k & (LK_K_DELAY_CORR | LK_K_LOSS_CORR | LK_K_REORDER_CORR |
			  LK_K_CORRUPT_CORR)) ||
		    imp->delay_corr || imp->loss_corr || imp->reorder_corr ||
		    imp->corrupt_corr || imp->duplicate_corr;
	reorder.probability = imp->reorder;
	reorder.correlation = imp->reorder_corr;
	corrupt.probability = imp->corrupt;
	corrupt.correlation = imp->corrupt_corr;

	start = lk_abuf_nest_start(&b, TCA_OPTIONS);
	lk_abuf_raw(&b, &opt, sizeof(opt));
	if (big) {
		int64_t lat = (int64_t)imp->delay_ns;
		int64_t jit = (int64_t)imp->jitter_ns;

		lk_abuf_put(&b, TCA_NETEM_LATENCY64, &lat, sizeof(lat));
		lk_abuf_put(&b, TCA_NETEM_JITTER64, &jit, sizeof(jit));
	}
	if (want_corr)
		lk_abuf_put(&b, TCA_NETEM_CORR, &cor, sizeof(cor));
	if ((k & (LK_K_REORDER | LK_K_REORDER_CORR)) || imp->reorder)
		lk_abuf_put(&b, TCA_NETEM_REORDER, &reorder, sizeof(reorder));
	if (imp->ecn) {
		int on = 1;

		lk_abuf_put(&b, TCA_NETEM_ECN, &on, sizeof(on));
	}
	if ((k & (LK_K_CORRUPT | LK_K_CORRUPT_CORR)) || imp->corrupt)
		lk_abuf_put(&b, TCA_NETEM_CORRUPT, &corrupt, sizeof(corrupt));
	if (imp->loss_model == LK_LOSS_STATE ||
	    imp->loss_model == LK_LOSS_GEMODEL) {
		size_t nest =
		    lk_abuf_nest_start(&b, TCA_NETEM_LOSS | NLA_F_NESTED);

		if (imp->loss_model == LK_LOSS_STATE) {
			struct tc_netem_gimodel gi = {
			    .p13 = imp->p13,
			    .p31 = imp->p31,
			    .p32 = imp->p32,
			    .p14 = imp->p14,
			    .p23 = imp->p23,
			};

			lk_abuf_put(&b, NETEM_LOSS_GI, &gi, sizeof(gi));
		} else {
			struct tc_netem_gemodel ge = {
			    .p = imp->ge_p,
			    .r = imp->ge_r,
			    .h = UINT32_MAX - imp->ge_h,
			    .k1 = imp->ge_k1,
			};

			lk_abuf_put(&b, NETEM_LOSS_GE, &ge, sizeof(ge));
		}
		lk_abuf_nest_end(&b, nest);
	}
	if (imp->rate_Bps) {
		struct tc_netem_rate rate = {
		    .packet_overhead = imp->packet_overhead,
		    .cell_size = imp->cell_size,
		    .cell_overhead = imp->cell_overhead,
		};

		if (imp->rate_Bps >= (1ull << 32)) {
			uint64_t r64 = imp->rate_Bps;

			lk_abuf_put(&b, TCA_NETEM_RATE64, &r64, sizeof(r64));
			rate.rate = UINT32_MAX;
		} else {
			rate.rate = (uint32_t)imp->rate_Bps;
		}
		lk_abuf_put(&b, TCA_NETEM_RATE, &rate, sizeof(rate));
	}
	if (seed)
		lk_abuf_put(&b, TCA_NETEM_PRNG_SEED, seed, sizeof(*seed));
	if (lk_dist_needs_table(imp->dist) && imp->table)
		lk_abuf_put(&b, TCA_NETEM_DELAY_DIST, imp->table->data,
			    imp->table->len * sizeof(imp->table->data[0]));
	lk_abuf_nest_end(&b, start);
	return b.overflow ? -ENOSPC : (int)b.len;
}

int lk_netem_put(struct nlmsghdr *nlh, size_t buf_size,
		 const struct lk_impair *imp, const struct lk_psched *ps,
		 const uint64_t *seed)
{
	int r;

	if (nlh->nlmsg_len + MNL_ALIGN(MNL_ATTR_HDRLEN + sizeof("netem")) >
	    buf_size)
		return -ENOSPC;
	mnl_attr_put_strz(nlh, TCA_KIND, "netem");
	r = lk_netem_encode(imp, ps, seed, mnl_nlmsg_get_payload_tail(nlh),
			    buf_size - nlh->nlmsg_len);
	if (r < 0)
		return r;
	nlh->nlmsg_len += (uint32_t)r;
	return 0;
}

uint32_t lk_netem_attr_mask(const void *opts, size_t len)
{
	const uint8_t *p = opts;
	size_t off = LK_NLA_ALIGN(sizeof(struct tc_netem_qopt));
	uint32_t mask = 0;

	while (off + sizeof(struct nlattr) <= len) {
		struct nlattr a;
		unsigned type;

		memcpy(&a, p + off, sizeof(a));
		if (a.nla_len < sizeof(a) || off + a.nla_len > len)
			break;
		type = a.nla_type & NLA_TYPE_MASK;
		if (type < 32)
			mask |= 1u << type;
		off += LK_NLA_ALIGN(a.nla_len);
	}
	return mask;
}
