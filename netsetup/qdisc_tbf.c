/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdisc_tbf.c — tbf's options, byte for byte as tc writes them. */
#include "netsetup/qdisc_tbf.h"

#include "netsetup/nlabuf.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <string.h>

bool lk_tbf_from_impair(const struct lk_impair *imp, struct lk_tbf *out)
{
	uint64_t burst;

	memset(out, 0, sizeof(*out));
	if (!imp->tb_rate_Bps)
		return false;
	out->rate = imp->tb_rate_Bps;
	burst = imp->tb_burst;
	if (!burst) {
		burst = out->rate * LK_TBF_BURST_NS / 1000000000ull;
		if (burst < LK_TBF_MIN_BURST)
			burst = LK_TBF_MIN_BURST;
		if (burst > UINT32_MAX)
			burst = UINT32_MAX;
	}
	out->burst = (uint32_t)burst;
	out->limit = imp->tb_limit;
	out->latency_ns = imp->tb_latency_ns;
	if (!out->limit && !out->latency_ns)
		out->latency_ns = LK_TBF_DEFAULT_LATENCY_NS;
	return true;
}

void lk_tc_rtable(const struct lk_psched *ps, struct tc_ratespec *r,
		  uint64_t rate, uint32_t mtu, uint32_t rtab[256])
{
	int cell_log = 0, i;

	if (mtu == 0)
		mtu = 2047;
	while ((mtu >> cell_log) > 255)
		cell_log++;
	for (i = 0; i < 256; i++) {
		uint32_t sz = (uint32_t)(i + 1) << cell_log;

		if (sz < r->mpu)
			sz = r->mpu;
		rtab[i] = lk_psched_xmittime(ps, rate, sz);
	}
	r->cell_align = -1;
	r->cell_log = (unsigned char)cell_log;
	r->linklayer = TC_LINKLAYER_ETHERNET;
}

int lk_tbf_encode(const struct lk_tbf *t, const struct lk_psched *ps, void *buf,
		  size_t size)
{
	struct lk_abuf b = {.buf = buf, .size = size};
	struct tc_tbf_qopt opt = {0};
	uint32_t rtab[256];
	size_t nest;

	if (!t->rate || !t->burst || (!t->limit && !t->latency_ns))
		return -EINVAL;
	opt.rate.rate =
	    t->rate >= (1ull << 32) ? UINT32_MAX : (uint32_t)t->rate;
	opt.limit = t->limit;
	if (!opt.limit) {
		/* tc: the latency in whole microseconds */
		double us = (double)(uint32_t)(t->latency_ns / 1000);
		double lim = (double)t->rate * us / 1000000.0 + t->burst;

		opt.limit = lim >= 4294967295.0 ? UINT32_MAX : (uint32_t)lim;
	}
	lk_tc_rtable(ps, &opt.rate, opt.rate.rate, 0, rtab);
	/* tc 6.1 times the burst at the 32-bit rate, even above 4 GB/s */
	opt.buffer = lk_psched_xmittime(ps, opt.rate.rate, t->burst);

	nest = lk_abuf_nest_start(&b, TCA_OPTIONS);
	lk_abuf_put(&b, TCA_TBF_PARMS, &opt, sizeof(opt));
	lk_abuf_put(&b, TCA_TBF_BURST, &t->burst, sizeof(t->burst));
	if (t->rate >= (1ull << 32))
		lk_abuf_put(&b, TCA_TBF_RATE64, &t->rate, sizeof(t->rate));
	lk_abuf_put(&b, TCA_TBF_RTAB, rtab, sizeof(rtab));
	lk_abuf_nest_end(&b, nest);
	return b.overflow ? -ENOSPC : (int)b.len;
}

int lk_tbf_put(struct nlmsghdr *nlh, size_t buf_size, const struct lk_tbf *t,
	       const struct lk_psched *ps)
{
	int r;

	if (nlh->nlmsg_len + MNL_ALIGN(MNL_ATTR_HDRLEN + sizeof("tbf")) >
	    buf_size)
		return -ENOSPC;
	mnl_attr_put_strz(nlh, TCA_KIND, "tbf");
	r = lk_tbf_encode(t, ps, mnl_nlmsg_get_payload_tail(nlh),
			  buf_size - nlh->nlmsg_len);
	if (r < 0)
		return r;
	nlh->nlmsg_len += (uint32_t)r;
	return 0;
}
