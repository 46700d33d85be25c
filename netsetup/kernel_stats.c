/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kernel_stats.c — a peer's per-link qdisc counters (kernel_stats.h). */
#include "netsetup/kernel_stats.h"

#include "common/error.h"

#include <errno.h>
#include <linux/gen_stats.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

struct dump {
	const struct lk_kt_peer *st;
	unsigned n;
	struct lk_kt_counters *out;
};

/* Which link a qdisc is the leaf of: 0 when none. */
static unsigned leaf_dst(const struct dump *d, const struct tcmsg *t)
{
	uint32_t parent = t->tcm_parent;

	if (parent == TC_H_ROOT ||
	    TC_H_MAJ(parent) != TC_H_MAKE(LK_KT_ROOT_MAJOR << 16, 0))
		return 0;
	if (t->tcm_ifindex == d->st->eth_ifindex)
		return TC_H_MIN(parent) <= d->n ? TC_H_MIN(parent) : 0;
	for (size_t i = 0; i < d->st->len; i++) {
		const struct lk_kt_dst *x = &d->st->v[i];

		if (x->ifb_leaf && x->ifindex == t->tcm_ifindex &&
		    TC_H_MIN(parent) == 1)
			return x->dst <= d->n ? x->dst : 0;
	}
	return 0;
}

static void add_stats2(const struct nlattr *nest, struct lk_kt_counters *c)
{
	const struct nlattr *a;
	uint64_t pkt64 = 0;
	bool have64 = false;

	mnl_attr_for_each_nested(a, nest)
	{
		const void *p = mnl_attr_get_payload(a);
		uint16_t len = mnl_attr_get_payload_len(a);

		switch (mnl_attr_get_type(a)) {
		case TCA_STATS_BASIC: {
			struct gnet_stats_basic b = {0};

			memcpy(&b, p, len < sizeof(b) ? len : sizeof(b));
			c->bytes += b.bytes;
			if (!have64)
				pkt64 = b.packets;
			break;
		}
		case TCA_STATS_PKT64:
			if (len >= sizeof(uint64_t)) {
				memcpy(&pkt64, p, sizeof(pkt64));
				have64 = true;
			}
			break;
		case TCA_STATS_QUEUE: {
			struct gnet_stats_queue q = {0};

			memcpy(&q, p, len < sizeof(q) ? len : sizeof(q));
			c->drops += q.drops;
			c->qlen += q.qlen;
			c->backlog += q.backlog;
			break;
		}
		default:
			break;
		}
	}
	c->pkts += pkt64;
}

static int qdisc_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;
	const struct tcmsg *t = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	unsigned dst;

	if (nlh->nlmsg_type != RTM_NEWQDISC ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*t)))
		return MNL_CB_OK;
	dst = leaf_dst(d, t);
	if (!dst)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*t))
	{
		if (mnl_attr_get_type(a) == TCA_STATS2)
			add_stats2(a, &d->out[dst - 1]);
	}
	return MNL_CB_OK;
}

int lk_kt_read_counters(struct lk_nl *nl, const struct lk_kt_peer *st,
			unsigned n, struct lk_kt_counters *out,
			struct lk_error *e)
{
	struct dump d = {.st = st, .n = n, .out = out};
	char buf[MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct tcmsg))]
	    __attribute__((aligned(4)));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct tcmsg *t;

	nlh->nlmsg_type = RTM_GETQDISC;
	t = mnl_nlmsg_put_extra_header(nlh, sizeof(*t));
	t->tcm_family = AF_UNSPEC;
	return lk_nl_dump(nl, nlh, qdisc_cb, &d, e, "list the qdiscs of peer%u",
			  st->src);
}
