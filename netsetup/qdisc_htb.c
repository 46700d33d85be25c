/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qdisc_htb.c — htb's options, byte for byte as tc writes them. */
#include "netsetup/qdisc_htb.h"

#include "netsetup/nlabuf.h"
#include "netsetup/qdisc_tbf.h"

#include <errno.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <string.h>

int lk_htb_qdisc_encode(uint32_t defcls, uint32_t r2q, void *buf, size_t size)
{
	struct lk_abuf b = {.buf = buf, .size = size};
	struct tc_htb_glob g = {
	    .version = 3, /* TC_HTB_PROTOVER */
	    .rate2quantum = r2q ? r2q : 10,
	    .defcls = defcls,
	};
	size_t nest;

	nest = lk_abuf_nest_start(&b, TCA_OPTIONS);
	lk_abuf_put(&b, TCA_HTB_INIT, &g, sizeof(g));
	lk_abuf_nest_end(&b, nest);
	return b.overflow ? -ENOSPC : (int)b.len;
}

static int put_kind(struct nlmsghdr *nlh, size_t buf_size, const char *kind)
{
	if (nlh->nlmsg_len + MNL_ALIGN(MNL_ATTR_HDRLEN + strlen(kind) + 1) >
	    buf_size)
		return -ENOSPC;
	mnl_attr_put_strz(nlh, TCA_KIND, kind);
	return 0;
}

int lk_htb_qdisc_put(struct nlmsghdr *nlh, size_t buf_size, uint32_t defcls,
		     uint32_t r2q)
{
	int r = put_kind(nlh, buf_size, "htb");

	if (r)
		return r;
	r = lk_htb_qdisc_encode(defcls, r2q, mnl_nlmsg_get_payload_tail(nlh),
				buf_size - nlh->nlmsg_len);
	if (r < 0)
		return r;
	nlh->nlmsg_len += (uint32_t)r;
	return 0;
}

static uint32_t cap32(uint64_t v)
{
	return v >= (1ull << 32) ? UINT32_MAX : (uint32_t)v;
}

int lk_htb_class_encode(const struct lk_htb_class *c,
			const struct lk_psched *ps, void *buf, size_t size)
{
	struct lk_abuf b = {.buf = buf, .size = size};
	struct tc_htb_opt opt = {0};
	uint32_t rtab[256], ctab[256];
	uint64_t rate = c->rate, ceil = c->ceil ? c->ceil : c->rate;
	uint32_t buffer = c->burst, cbuffer = c->cburst;
	size_t nest;

	if (!rate)
		return -EINVAL;
	opt.rate.rate = cap32(rate);
	opt.ceil.rate = cap32(ceil);
	/* tc: the smallest burst the rate allows, plus an MTU */
	if (!buffer)
		buffer = (uint32_t)(rate / ps->hz + LK_HTB_MTU);
	if (!cbuffer)
		cbuffer = (uint32_t)(ceil / ps->hz + LK_HTB_MTU);
	/* The kernel times the bursts in these 32-bit tick counts. */
	if (lk_psched_xmittime_too_big(ps, rate, buffer) ||
	    lk_psched_xmittime_too_big(ps, ceil, cbuffer))
		return -ERANGE;
	opt.prio = c->prio;
	opt.quantum = c->quantum;
	lk_tc_rtable(ps, &opt.rate, opt.rate.rate, LK_HTB_MTU, rtab);
	opt.buffer = lk_psched_xmittime(ps, rate, buffer);
	lk_tc_rtable(ps, &opt.ceil, opt.ceil.rate, LK_HTB_MTU, ctab);
	opt.cbuffer = lk_psched_xmittime(ps, ceil, cbuffer);

	nest = lk_abuf_nest_start(&b, TCA_OPTIONS);
	if (rate >= (1ull << 32))
		lk_abuf_put(&b, TCA_HTB_RATE64, &rate, sizeof(rate));
	if (ceil >= (1ull << 32))
		lk_abuf_put(&b, TCA_HTB_CEIL64, &ceil, sizeof(ceil));
	lk_abuf_put(&b, TCA_HTB_PARMS, &opt, sizeof(opt));
	lk_abuf_put(&b, TCA_HTB_RTAB, rtab, sizeof(rtab));
	lk_abuf_put(&b, TCA_HTB_CTAB, ctab, sizeof(ctab));
	lk_abuf_nest_end(&b, nest);
	return b.overflow ? -ENOSPC : (int)b.len;
}

int lk_htb_class_put(struct nlmsghdr *nlh, size_t buf_size,
		     const struct lk_htb_class *c, const struct lk_psched *ps)
{
	int r = put_kind(nlh, buf_size, "htb");

	if (r)
		return r;
	r = lk_htb_class_encode(c, ps, mnl_nlmsg_get_payload_tail(nlh),
				buf_size - nlh->nlmsg_len);
	if (r < 0)
		return r;
	nlh->nlmsg_len += (uint32_t)r;
	return 0;
}
