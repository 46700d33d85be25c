/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * engine_kernel.c — the bridge wiring plus, on each peer's eth0, a qdisc
 * tree that impairs each destination on its own (kernel_tree.h,
 * docs/kernel-engine.md).
 */
#include "engine/engine.h"

#include "common/error.h"
#include "engine/kernel_tree.h"
#include "engine/netem_support.h"
#include "launcher/launch_internal.h"
#include "netsetup/qdisc_netem.h"

#include <errno.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

struct kernel_priv {
	struct lk_psched ps;
	struct utsname uts;
	struct lk_ns_support support; /* which netem options work here */
	struct lk_kt_peer *peers; /* peers[idx] */
	struct lk_nl *nl;	  /* per peer, opened on the first change */
};

static void fill_opts(struct lk_launch *l, struct kernel_priv *k,
		      struct lk_kt_opts *o)
{
	*o = (struct lk_kt_opts){
	    .plan = &l->plan,
	    .ps = &k->ps,
	    .eth_ifindex = LK_PEER_ETH0_IFINDEX,
	    .first_ifindex = LK_PEER_ETH0_IFINDEX + 1,
	    .netem = true,
	    /* a kernel that refuses the seed attribute does not get it */
	    .seed_set = l->opts.seed_set &&
			!(k->support.refused & LK_NS_BIT(LK_NS_PRNG_SEED)),
	    .seed = l->opts.seed,
	    .kernel = k->uts.release,
	    .support = &k->support,
	};
}

/* Add a netem qdisc on the hub's lo and take it away again. */
static bool kernel_usable(struct lk_launch *l, char *why, size_t len)
{
	struct lk_nl_batch *b = &l->hub.batch;
	struct lk_impair none;
	struct lk_psched ps;
	struct lk_error e = {0};
	struct utsname uts;
	struct nlmsghdr *nlh;
	struct tcmsg *t;
	int r;

	uname(&uts);
	lk_psched_default(&ps);
	lk_impair_init(&none);
	nlh = lk_nl_batch_msg(b, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, 1024,
			      &e, "add a netem qdisc in the hub");
	if (!nlh)
		goto no;
	t = mnl_nlmsg_put_extra_header(nlh, sizeof(*t));
	t->tcm_family = AF_UNSPEC;
	t->tcm_ifindex = 1;
	t->tcm_handle = 0;
	t->tcm_parent = TC_H_ROOT;
	if (lk_netem_put(nlh, 1024, &none, &ps, NULL) < 0) {
		lk_error_set(&e, EINVAL, "encode netem");
		goto no;
	}
	r = lk_nl_batch_flush(b, &e);
	if (r < 0)
		goto no;
	nlh = lk_nl_batch_msg(b, RTM_DELQDISC, 0, 256, &e,
			      "remove the test netem qdisc in the hub");
	if (!nlh)
		goto no;
	t = mnl_nlmsg_put_extra_header(nlh, sizeof(*t));
	t->tcm_family = AF_UNSPEC;
	t->tcm_ifindex = 1;
	t->tcm_parent = TC_H_ROOT;
	if (lk_nl_batch_flush(b, &e) < 0)
		goto no;
	return true;
no:
	snprintf(why, len, "sch_netem does not work in kernel %s %s (%s)",
		 uts.sysname, uts.release, e.msg);
	return false;
}

static int kernel_init(struct lk_launch *l, struct lk_error *e)
{
	struct kernel_priv *k = calloc(1, sizeof(*k));
	struct lk_error ignored;

	if (!k)
		return lk_error_set(e, ENOMEM, "out of memory");
	l->engine_priv = k;
	uname(&k->uts);
	if (lk_psched_read(&k->ps, &ignored) < 0)
		lk_psched_default(&k->ps);
	/* Which netem options this kernel keeps, refuses or ignores
	 * (netem_support.h), on the hub's lo.  Only a diagnosis: if the
	 * probe itself cannot run, links are built without it. */
	if (lk_ns_probe(&l->hub.nl, 1, &k->ps, &k->support, &ignored) < 0)
		memset(&k->support, 0, sizeof(k->support));
	if (l->opts.seed_set && !l->opts.quiet) {
		char notice[320];

		if (lk_ns_seed_notice(&k->support, k->uts.release, notice,
				      sizeof(notice)))
			fprintf(stderr, "linkem-launch: %s\n", notice);
	}
	k->peers = calloc(l->plan.n, sizeof(*k->peers));
	k->nl = calloc(l->plan.n, sizeof(*k->nl));
	if (!k->peers || !k->nl)
		return lk_error_set(e, ENOMEM, "out of memory");
	return 0;
}

static int kernel_add_peer(struct lk_launch *l, unsigned idx,
			   struct lk_error *e)
{
	return lk_hub_add_peer(&l->hub, &l->plan, idx + 1, l->peers[idx].pid,
			       e);
}

static int kernel_commit(struct lk_launch *l, struct lk_error *e)
{
	return lk_hub_commit(&l->hub, e);
}

static int kernel_configure_peer(struct lk_launch *l, unsigned idx,
				 struct lk_nl_batch *b, struct lk_error *e)
{
	struct kernel_priv *k = l->engine_priv;
	struct lk_kt_opts o;

	fill_opts(l, k, &o);
	lk_kt_peer_init(&k->peers[idx], idx + 1, &o);
	return lk_kt_peer_build(b, &l->links, idx + 1, &o, &k->peers[idx], e);
}

static int kernel_ready(struct lk_launch *l, struct lk_error *e)
{
	return lk_hub_wait_forwarding(&l->hub, l->plan.n, 5000, e);
}

/* The caller (lk_launch_push_pair) names the link itself: an error that
 * already starts with "link SRC>DST: " (lk_ns_check) loses it. */
static void drop_link_prefix(struct lk_error *e, unsigned src, unsigned dst)
{
	char prefix[32];
	size_t n;

	n = (size_t)snprintf(prefix, sizeof(prefix), "link %u>%u: ", src, dst);
	if (strncmp(e->msg, prefix, n) == 0)
		memmove(e->msg, e->msg + n, strlen(e->msg + n) + 1);
}

static int kernel_set_link(struct lk_launch *l, unsigned src, unsigned dst,
			   const struct lk_impair *imp, struct lk_error *e)
{
	struct kernel_priv *k = l->engine_priv;
	struct lk_nl *nl;
	struct lk_nl_batch b;
	struct lk_kt_opts o;
	int r;

	if (src < 1 || src > l->plan.n)
		return lk_error_set(e, EINVAL, "no peer%u", src);
	nl = &k->nl[src - 1];
	if (!nl->sock) {
		r = lk_nl_open_in(nl, l->peers[src - 1].pidfd,
				  l->hub.orig_netns, e);
		if (r < 0)
			return lk_error_wrap(e, "change link peer%u -> peer%u",
					     src, dst);
	}
	fill_opts(l, k, &o);
	r = lk_nl_batch_init(&b, nl, e);
	if (r < 0)
		return r;
	r = lk_kt_link_set(&b, dst, imp, &o, &k->peers[src - 1], e);
	if (r == 0)
		r = lk_nl_batch_flush(&b, e);
	lk_nl_batch_free(&b);
	if (r < 0)
		drop_link_prefix(e, src, dst);
	return r;
}

static void kernel_destroy(struct lk_launch *l)
{
	struct kernel_priv *k = l->engine_priv;

	if (!k)
		return;
	for (unsigned i = 0; k->peers && i < l->plan.n; i++)
		lk_kt_peer_free(&k->peers[i]);
	for (unsigned i = 0; k->nl && i < l->plan.n; i++)
		lk_nl_close(&k->nl[i]);
	free(k->peers);
	free(k->nl);
	free(k);
	l->engine_priv = NULL;
}

const struct lk_engine_ops lk_engine_kernel = {
    .name = "kernel",
    .usable = kernel_usable,
    .init = kernel_init,
    .add_peer = kernel_add_peer,
    .commit = kernel_commit,
    .configure_peer = kernel_configure_peer,
    .ready = kernel_ready,
    .set_link = kernel_set_link,
    .destroy = kernel_destroy,
};
