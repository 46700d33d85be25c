/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * engine_kernel.c — the bridge wiring plus, on each peer's eth0, a qdisc
 * tree that impairs each destination on its own (kernel_tree.h,
 * docs/kernel-engine.md).
 */
#include "engine/engine.h"

#include "common/clock.h"
#include "common/error.h"
#include "common/log.h"
#include "netsetup/engine_wiring.h"
#include "netsetup/guard.h"
#include "netsetup/hub.h"
#include "netsetup/kernel_stats.h"
#include "netsetup/kernel_tree.h"
#include "netsetup/netem_support.h"
#include "netsetup/qdisc_netem.h"

#include <errno.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

struct kernel_priv {
	struct lk_psched ps;
	struct utsname uts;
	struct lk_ns_support support; /* which netem options work here */
	struct lk_kt_peer *peers; /* peers[idx] */
	struct lk_nl *nl;	  /* per peer, opened on the first change */
	/* stats: acc[src - 1][dst - 1] from the peer's first impaired link
	 * on; the last dump of one peer's counters, reused for 20 ms (a
	 * `stats` asks for every link of a peer in a row). */
	struct kernel_acc **acc;
	struct lk_kt_counters *cache;
	unsigned cache_src;
	uint64_t cache_ns;
	/* cut[src - 1][dst - 1]: the hub drops every frame of src at dst's
	 * port (guard.h); made on a source's first cut */
	bool **cut;
};

/* netem has one drop counter for its loss, its limit and a down link
 * (100% loss): drops are put down to the cause the link had while they
 * happened, from the counter's value at each change of cause. */
enum { KC_LIMIT, KC_LOSS, KC_DOWN, KC_N };

struct kernel_acc {
	uint64_t base;	   /* the leaves' drops at the last change */
	uint64_t by[KC_N]; /* drops before it, by cause */
	uint8_t cause;	   /* of the drops since */
};

static void account_link(struct lk_engine_ctx *c, unsigned src, unsigned dst,
			 const struct lk_impair *imp);
static void acc_start(struct lk_engine_ctx *c, unsigned src);

static void fill_opts(struct lk_engine_ctx *c, struct kernel_priv *k,
		      struct lk_kt_opts *o)
{
	*o = (struct lk_kt_opts){
	    .plan = c->plan,
	    .ps = &k->ps,
	    .eth_ifindex = LK_PEER_ETH0_IFINDEX,
	    .first_ifindex = LK_PEER_ETH0_IFINDEX + 1,
	    .netem = true,
	    /* a kernel that refuses the seed attribute does not get it */
	    .seed_set = c->seed_set &&
			!(k->support.refused & LK_NS_BIT(LK_NS_PRNG_SEED)),
	    .seed = c->seed,
	    .kernel = k->uts.release,
	    .support = &k->support,
	};
}

/* Add a netem qdisc on the hub's lo and take it away again. */
static bool kernel_usable(struct lk_engine_ctx *c, char *why, size_t len)
{
	struct lk_nl_batch *b = &c->hub->batch;
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

static int kernel_init(struct lk_engine_ctx *c, struct lk_error *e)
{
	struct kernel_priv *k = calloc(1, sizeof(*k));
	struct lk_error ignored;

	if (!k)
		return lk_error_set(e, ENOMEM, "out of memory");
	c->priv = k;
	uname(&k->uts);
	if (lk_psched_read(&k->ps, &ignored) < 0)
		lk_psched_default(&k->ps);
	/* Which netem options this kernel keeps, refuses or ignores
	 * (netem_support.h), on the hub's lo.  Only a diagnosis: if the
	 * probe itself cannot run, links are built without it. */
	if (lk_ns_probe(&c->hub->nl, 1, &k->ps, &k->support, &ignored) < 0)
		memset(&k->support, 0, sizeof(k->support));
	if (c->seed_set && lk_log_enabled(LK_LOG_NOTICE)) {
		char notice[320];

		if (lk_ns_seed_notice(&k->support, k->uts.release, notice,
				      sizeof(notice)))
			lk_log(LK_LOG_NOTICE, "%s", notice);
	}
	k->peers = calloc(c->n, sizeof(*k->peers));
	k->nl = calloc(c->n, sizeof(*k->nl));
	if (!k->peers || !k->nl)
		return lk_error_set(e, ENOMEM, "out of memory");
	return 0;
}

/* src -> dst cut on the hub side, or no longer (guard.h): whatever the
 * frame, which the tree on src's eth0 cannot see all of (broadcast,
 * multicast, link-local, ARP, ND). */
static int set_cut(struct lk_engine_ctx *c, unsigned src, unsigned dst,
		   bool cut, struct lk_error *e)
{
	struct kernel_priv *k = c->priv;
	struct lk_nl_batch b;
	int r;

	if (!k->cut && !(k->cut = calloc(c->n, sizeof(*k->cut))))
		return lk_error_set(e, ENOMEM, "out of memory");
	if (!k->cut[src - 1]) {
		if (!cut)
			return 0;
		if (!(k->cut[src - 1] = calloc(c->n, sizeof(bool))))
			return lk_error_set(e, ENOMEM, "out of memory");
	}
	if (k->cut[src - 1][dst - 1] == cut)
		return 0;
	r = lk_nl_batch_init(&b, &c->hub->nl, e);
	if (r < 0)
		return r;
	r = lk_guard_cut(&b, c->plan, src, dst, lk_wiring_port(dst), cut, e);
	lk_nl_batch_free(&b);
	if (r == 0)
		k->cut[src - 1][dst - 1] = cut;
	return r;
}

static int kernel_configure_peer(struct lk_engine_ctx *c, unsigned idx,
				 struct lk_nl_batch *b, struct lk_error *e)
{
	struct kernel_priv *k = c->priv;
	struct lk_kt_opts o;
	int r;

	fill_opts(c, k, &o);
	lk_kt_peer_init(&k->peers[idx], idx + 1, &o);
	r = lk_kt_peer_build(b, c->links, idx + 1, &o, &k->peers[idx], e);
	if (r < 0)
		return r;
	acc_start(c, idx + 1);
	for (unsigned d = lk_links_next_dst(c->links, idx + 1, 0); d;
	     d = lk_links_next_dst(c->links, idx + 1, d)) {
		struct lk_impair imp;

		lk_links_resolve(c->links, idx + 1, d, &imp);
		if (lk_guard_cuts(&imp) &&
		    (r = set_cut(c, idx + 1, d, true, e)) < 0)
			return lk_error_wrap(e, "link %u>%u", idx + 1, d);
	}
	return 0;
}

static int kernel_set_link(struct lk_engine_ctx *c, unsigned src, unsigned dst,
			   const struct lk_impair *imp, struct lk_error *e)
{
	struct kernel_priv *k = c->priv;
	struct lk_nl *nl;
	struct lk_nl_batch b;
	struct lk_kt_opts o;
	int r;

	if (src < 1 || src > c->n)
		return lk_error_set(e, EINVAL, "no peer%u", src);
	nl = &k->nl[src - 1];
	if (!nl->sock) {
		r = lk_nl_open_in(nl, c->peers[src - 1].pidfd, c->orig_netns,
				  e);
		if (r < 0)
			return lk_error_wrap(e, "change link peer%u -> peer%u",
					     src, dst);
	}
	account_link(c, src, dst, imp);
	fill_opts(c, k, &o);
	r = lk_nl_batch_init(&b, nl, e);
	if (r < 0)
		return r;
	r = lk_kt_link_set(&b, dst, imp, &o, &k->peers[src - 1], e);
	if (r == 0)
		r = lk_nl_batch_flush(&b, e);
	lk_nl_batch_free(&b);
	if (r == 0 && dst >= 1 && dst <= c->n)
		r = set_cut(c, src, dst, lk_guard_cuts(imp), e);
	return r; /* the caller (lk_launch_push_pair) names the link */
}

/* ---- stats ---- */

static uint8_t cause_of(const struct lk_impair *imp)
{
	if (imp && imp->down)
		return KC_DOWN;
	if (imp && (imp->keys & LK_K_LOSS) &&
	    (imp->loss_model != LK_LOSS_RANDOM || imp->loss))
		return KC_LOSS;
	return KC_LIMIT;
}

/* src's accumulators, made on first use: every link unimpaired. */
static struct kernel_acc *acc_of(struct lk_engine_ctx *c, unsigned src)
{
	struct kernel_priv *k = c->priv;

	if (!k->acc)
		k->acc = calloc(c->n, sizeof(*k->acc));
	if (!k->acc)
		return NULL;
	if (!k->acc[src - 1])
		k->acc[src - 1] = calloc(c->n, sizeof(**k->acc));
	return k->acc[src - 1];
}

/* A peer whose tree was built at start: its links' causes then. */
static void acc_start(struct lk_engine_ctx *c, unsigned src)
{
	struct kernel_priv *k = c->priv;
	const struct lk_kt_peer *st = &k->peers[src - 1];
	struct kernel_acc *a;

	if (!st->len || !(a = acc_of(c, src)))
		return;
	for (size_t i = 0; i < st->len; i++) {
		struct lk_impair imp;
		unsigned dst = st->v[i].dst;

		if (c->link_effective(c->link_data, src, dst, &imp))
			a[dst - 1].cause = cause_of(&imp);
	}
}

/* The counters of src -> dst's leaves (zero when it has none). */
static int read_link(struct lk_engine_ctx *c, unsigned src, unsigned dst,
		     struct lk_kt_counters *cnt, struct lk_error *e)
{
	struct kernel_priv *k = c->priv;
	struct lk_nl *nl = &k->nl[src - 1];
	uint64_t now = lk_now_ns();
	int r;

	if (!k->cache && !(k->cache = calloc(c->n, sizeof(*k->cache))))
		return lk_error_set(e, ENOMEM, "out of memory");
	if (k->cache_src != src || now - k->cache_ns > 20000000ull) {
		if (!nl->sock) {
			r = lk_nl_open_in(nl, c->peers[src - 1].pidfd,
					  c->orig_netns, e);
			if (r < 0)
				return lk_error_wrap(e, "counters of peer%u",
						     src);
		}
		k->cache_src = 0;
		memset(k->cache, 0, c->n * sizeof(*k->cache));
		r = lk_kt_read_counters(nl, &k->peers[src - 1], c->n, k->cache,
					e);
		if (r < 0)
			return r;
		k->cache_src = src;
		k->cache_ns = now;
	}
	*cnt = k->cache[dst - 1];
	return 0;
}

/* Before src -> dst becomes imp: close the period of its old cause. */
static void account_link(struct lk_engine_ctx *c, unsigned src, unsigned dst,
			 const struct lk_impair *imp)
{
	struct kernel_priv *k = c->priv;
	struct kernel_acc *a = acc_of(c, src);
	struct lk_kt_counters cnt;
	struct lk_error ignored = {0};

	if (!a || dst < 1 || dst > c->n || a[dst - 1].cause == cause_of(imp))
		return;
	a += dst - 1;
	/* Drops the counters cannot be read for go to the new cause. */
	if (lk_kt_find(&k->peers[src - 1], dst) &&
	    read_link(c, src, dst, &cnt, &ignored) == 0 &&
	    cnt.drops >= a->base) {
		a->by[a->cause] += cnt.drops - a->base;
		a->base = cnt.drops;
	}
	a->cause = cause_of(imp);
}

static int kernel_link_stats(struct lk_engine_ctx *c, unsigned src,
			     unsigned dst, struct lk_link_stats *o,
			     struct lk_error *e)
{
	struct kernel_priv *k = c->priv;
	struct kernel_acc a = {0};
	struct lk_kt_counters cnt;
	int r;

	if (!k || src < 1 || src > c->n || dst < 1 || dst > c->n || src == dst)
		return lk_error_set(e, EINVAL, "no link %u>%u", src, dst);
	memset(o, 0, sizeof(*o));
	/* A link never impaired has no class: its packets take HTB's
	 * direct queue, counted for no link. */
	if (!lk_kt_find(&k->peers[src - 1], dst))
		return 0;
	r = read_link(c, src, dst, &cnt, e);
	if (r < 0)
		return r;
	if (k->acc && k->acc[src - 1])
		a = k->acc[src - 1][dst - 1];
	if (cnt.drops >= a.base)
		a.by[a.cause] += cnt.drops - a.base;
	o->delivered_pkts = cnt.pkts;
	o->delivered_bytes = cnt.bytes;
	o->dropped_pkts = cnt.drops;
	o->queued = cnt.qlen;
	/* The kernel counts no offered packets: every one was sent on,
	 * dropped or is queued (duplicates included).  The dropped ones'
	 * bytes are not counted. */
	o->offered_pkts = cnt.pkts + cnt.drops + cnt.qlen;
	o->offered_bytes = cnt.bytes + cnt.backlog;
	o->dropped_loss = a.by[KC_LOSS];
	o->dropped_down = a.by[KC_DOWN];
	o->dropped_limit = a.by[KC_LIMIT];
	o->queue_overflows = o->dropped_limit;
	return 0;
}

static void kernel_destroy(struct lk_engine_ctx *c)
{
	struct kernel_priv *k = c->priv;

	if (!k)
		return;
	for (unsigned i = 0; k->peers && i < c->n; i++)
		lk_kt_peer_free(&k->peers[i]);
	for (unsigned i = 0; k->nl && i < c->n; i++)
		lk_nl_close(&k->nl[i]);
	for (unsigned i = 0; k->acc && i < c->n; i++)
		free(k->acc[i]);
	for (unsigned i = 0; k->cut && i < c->n; i++)
		free(k->cut[i]);
	free(k->cut);
	free(k->acc);
	free(k->cache);
	free(k->peers);
	free(k->nl);
	free(k);
	c->priv = NULL;
}

const struct lk_engine_ops lk_engine_kernel = {
    .name = "kernel",
    .usable = kernel_usable,
    .init = kernel_init,
    .add_peer = lk_wiring_add_peer,
    .commit = lk_wiring_commit,
    .configure_peer = kernel_configure_peer,
    .ready = lk_wiring_ready,
    .set_link = kernel_set_link,
    .destroy = kernel_destroy,
    .link_stats = kernel_link_stats,
};
