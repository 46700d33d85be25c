/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * netem_probe.c — ask the kernel which netem attributes it keeps: a netem
 * qdisc per probe, created with NLM_F_ECHO and removed (netem_support.h).
 */
#include "netsetup/netem_support.h"

#include "common/cleanup.h"
#include "common/error.h"
#include "model/linkspec.h"
#include "netsetup/qdisc_netem.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REQ_MAX (1024 + LK_NETEM_OPTS_MAX)
#define RECV_MAX (64 * 1024)

/* The netem attributes of a qdisc message (request or echo). */
static uint32_t netem_attrs(const struct nlmsghdr *nlh)
{
	const struct nlattr *a;
	bool netem = false;
	uint32_t mask = 0;

	mnl_attr_for_each(a, nlh, sizeof(struct tcmsg))
	{
		if (mnl_attr_get_type(a) == TCA_KIND)
			netem = strcmp(mnl_attr_get_str(a), "netem") == 0;
		else if (mnl_attr_get_type(a) == TCA_OPTIONS)
			mask = lk_netem_attr_mask(mnl_attr_get_payload(a),
						  mnl_attr_get_payload_len(a));
	}
	return netem ? mask : 0;
}

struct reply {
	uint32_t seq;
	bool done, echo;
	int err;
	uint32_t echoed;
	char why[160];
};

static int probe_echo(const struct nlmsghdr *nlh, void *data)
{
	struct reply *r = data;

	if (nlh->nlmsg_seq == r->seq && nlh->nlmsg_type == RTM_NEWQDISC) {
		r->echo = true;
		r->echoed |= netem_attrs(nlh);
	}
	return MNL_CB_OK;
}

static int probe_ack(const struct lk_nl_ack *a, void *data)
{
	struct reply *r = data;

	if (a->seq != r->seq)
		return MNL_CB_OK;
	r->err = a->error;
	r->done = true;
	if (r->err && a->msg)
		snprintf(r->why, sizeof(r->why), "%s (kernel: %s)",
			 strerror(-r->err), a->msg);
	else if (r->err)
		snprintf(r->why, sizeof(r->why), "%s", strerror(-r->err));
	return MNL_CB_OK;
}

/* Send the request in buf and read until its ACK (and echo). */
static int converse(struct lk_nl *nl, struct nlmsghdr *req, char *buf,
		    struct reply *r, struct lk_error *e)
{
	struct lk_nl_walk w = {.data_cb = probe_echo, .ack_cb = probe_ack,
			       .data = r};

	r->seq = req->nlmsg_seq;
	if (mnl_socket_sendto(nl->sock, req, req->nlmsg_len) < 0)
		return lk_error_errno(e, "probe netem: send");
	while (!r->done) {
		if (lk_nl_recv_walk(nl, buf, RECV_MAX, 0, 0, &w) < 0)
			return lk_error_errno(e, "probe netem: receive");
	}
	return 0;
}

static struct nlmsghdr *qdisc_req(char *buf, struct lk_nl *nl, uint16_t type,
				  uint16_t flags, int ifindex)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct tcmsg *t;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = nl->seq++;
	t = mnl_nlmsg_put_extra_header(nlh, sizeof(*t));
	t->tcm_family = AF_UNSPEC;
	t->tcm_ifindex = ifindex;
	t->tcm_parent = TC_H_ROOT;
	return nlh;
}

static int probe_one(struct lk_nl *nl, int ifindex, const struct lk_psched *ps,
		     const struct lk_ns_probe *p, struct lk_ns_support *s,
		     char *req, char *buf, struct lk_error *e)
{
	const uint64_t seed = 0x6c696e6b656dull;
	struct lk_linkspec spec;
	struct reply r = {0}, d = {0};
	struct nlmsghdr *nlh;
	char text[128];
	uint32_t sent;
	int ret;

	snprintf(text, sizeof(text), "1>2:%s", p->params);
	ret = lk_linkspec_parse(text, 2, &spec, e);
	if (ret < 0)
		return ret;
	nlh = qdisc_req(req, nl, RTM_NEWQDISC,
			NLM_F_CREATE | NLM_F_EXCL | NLM_F_ECHO, ifindex);
	ret = lk_netem_put(nlh, REQ_MAX, &spec.imp, ps, p->seed ? &seed : NULL);
	lk_linkspec_free(&spec);
	if (ret < 0)
		return lk_error_set(e, -ret, "probe netem: encode '%s'",
				    p->params);
	sent = netem_attrs(nlh);
	if (!(sent & p->attrs))
		return 0; /* no link sends it here (e.g. 32-bit ticks do) */
	ret = converse(nl, nlh, buf, &r, e);
	if (ret < 0)
		return ret;
	if (r.err) {
		lk_ns_record(s, p, sent, 0, r.err, r.why);
		return 0;
	}
	/* no echo at all: say nothing rather than guess */
	lk_ns_record(s, p, sent, r.echo ? r.echoed : sent, 0, NULL);
	nlh = qdisc_req(req, nl, RTM_DELQDISC, 0, ifindex);
	ret = converse(nl, nlh, buf, &d, e);
	if (ret < 0)
		return ret;
	if (d.err)
		return lk_error_set(e, -d.err,
				    "probe netem: remove the probe qdisc: %s",
				    d.why);
	return 0;
}

int lk_ns_probe(struct lk_nl *nl, int ifindex, const struct lk_psched *ps,
		struct lk_ns_support *s, struct lk_error *e)
{
	_cleanup_free_ char *req = malloc(REQ_MAX);
	_cleanup_free_ char *buf = malloc(RECV_MAX);

	memset(s, 0, sizeof(*s));
	if (!req || !buf)
		return lk_error_set(e, ENOMEM, "out of memory");
	for (size_t i = 0; i < lk_ns_nprobes; i++) {
		int r;

		memset(req, 0, REQ_MAX);
		r = probe_one(nl, ifindex, ps, &lk_ns_probes[i], s, req, buf,
			      e);
		if (r < 0)
			return r;
	}
	s->probed = true;
	return 0;
}
