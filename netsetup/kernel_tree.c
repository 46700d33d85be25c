/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kernel_tree.c — one peer's qdisc tree: planning and its requests. */
#include "netsetup/kernel_tree.h"

#include "common/error.h"
#include "model/linkspec.h"
#include "netsetup/filter_u32.h"
#include "netsetup/qdisc_htb.h"
#include "netsetup/qdisc_netem.h"
#include "netsetup/qdisc_tbf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/tc_act/tc_mirred.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- pure planning ---------------------------------------------------- */

uint16_t lk_kt_leaf_major(unsigned src, unsigned dst)
{
	if (dst + 1 < 0xffffu)
		return (uint16_t)(dst + 1);
	return (uint16_t)(src + 1);
}

uint16_t lk_kt_prio(bool ifb, bool v6, unsigned dst)
{
	unsigned base = ifb ? LK_KT_PRIO_IFB : LK_KT_PRIO_CLASS;

	return (uint16_t)(base + 2 * ((dst - 1) / LK_KT_SHARD) + (v6 ? 1 : 0));
}

uint32_t lk_kt_node(unsigned dst)
{
	return (dst - 1) % LK_KT_SHARD + 1;
}

bool lk_kt_wants_ifb(const struct lk_impair *imp, const struct lk_kt_opts *o)
{
	if (o->ifb_all)
		return true;
	return imp->duplicate > 0 && !imp->down;
}

uint64_t lk_kt_link_seed(uint64_t seed, unsigned src, unsigned dst)
{
	/* splitmix64 of the seed and the pair */
	uint64_t z =
	    seed + 0x9e3779b97f4a7c15ull * (((uint64_t)src << 32 | dst) + 1);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void lk_kt_ifb_name(unsigned dst, char name[16])
{
	snprintf(name, 16, LK_KT_IFB_PREFIX "%u", dst);
}

static size_t find_pos(const struct lk_kt_peer *st, unsigned dst)
{
	size_t lo = 0, hi = st->len;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (st->v[mid].dst < dst)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct lk_kt_dst *lk_kt_find(const struct lk_kt_peer *st, unsigned dst)
{
	size_t i = find_pos(st, dst);

	return i < st->len && st->v[i].dst == dst ? &st->v[i] : NULL;
}

static struct lk_kt_dst *get_or_add(struct lk_kt_peer *st, unsigned dst)
{
	size_t i = find_pos(st, dst);

	if (i < st->len && st->v[i].dst == dst)
		return &st->v[i];
	if (st->len == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 16;
		struct lk_kt_dst *v = realloc(st->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		st->v = v;
		st->cap = cap;
	}
	memmove(&st->v[i + 1], &st->v[i], (st->len - i) * sizeof(*st->v));
	st->len++;
	st->v[i] = (struct lk_kt_dst){.dst = dst};
	return &st->v[i];
}

void lk_kt_peer_init(struct lk_kt_peer *st, unsigned src,
		     const struct lk_kt_opts *o)
{
	memset(st, 0, sizeof(*st));
	st->src = src;
	st->eth_ifindex = o->eth_ifindex;
	st->next_ifindex = o->first_ifindex;
}

void lk_kt_peer_free(struct lk_kt_peer *st)
{
	free(st->v);
	st->v = NULL;
	st->len = st->cap = 0;
}

/* The class of a link: its token bucket, or fast enough to be none. */
static void class_of(const struct lk_impair *imp, struct lk_htb_class *c)
{
	struct lk_tbf t;

	memset(c, 0, sizeof(*c));
	c->quantum = LK_KT_QUANTUM;
	if (imp && lk_tbf_from_impair(imp, &t)) {
		c->rate = c->ceil = t.rate;
		c->burst = c->cburst = t.burst;
	} else {
		c->rate = c->ceil = LK_KT_HIGH_RATE;
	}
}

/* A token bucket whose burst the kernel cannot time: 2^32 ticks (about
 * 275 s at 64 ns) to send it at the rate (tc sends a wrapped time).
 * Refused before anything changes, naming the conditions. */
static int check_class(const struct lk_impair *imp, const struct lk_kt_opts *o,
		       struct lk_error *e)
{
	struct lk_htb_class c;
	char spec[512];

	class_of(imp, &c);
	if (!lk_psched_xmittime_too_big(o->ps, c.rate, c.burst))
		return 0;
	if (lk_impair_format(imp, spec, sizeof(spec)) < 0)
		spec[0] = '\0';
	return lk_error_set(e, ERANGE,
			    "'%s': sending the burst "
			    "(%u bytes) at the rate (%llu bytes/s) takes %.0f s; "
			    "the kernel's packet scheduler times at most 2^32 "
			    "ticks (about 275 s): raise rate= or lower burst=",
			    spec, c.burst, (unsigned long long)c.rate,
			    (double)c.burst / (double)c.rate);
}

/* bfifo's byte limit: the token bucket's queue (tbf: rate * latency +
 * burst), generous without one.  At least three 64 KiB GSO packets: a
 * veth hands the qdisc whole TSO packets, which a smaller bfifo would
 * always refuse (tbf segments them; htb does not). */
#define BFIFO_MIN (3u * 65536u)
static uint32_t bfifo_limit(const struct lk_impair *imp)
{
	struct lk_tbf t;
	uint64_t lim;

	if (!imp || !lk_tbf_from_impair(imp, &t))
		return 16u << 20;
	if (t.limit)
		return t.limit < BFIFO_MIN ? BFIFO_MIN : t.limit;
	lim = t.rate *
		  (t.latency_ns ? t.latency_ns : LK_TBF_DEFAULT_LATENCY_NS) /
		  1000000000ull +
	      t.burst;
	if (lim < BFIFO_MIN)
		lim = BFIFO_MIN;
	return lim > UINT32_MAX ? UINT32_MAX : (uint32_t)lim;
}

/* ---- requests --------------------------------------------------------- */

#define QDISC_MSG_MAX (1024 + LK_NETEM_OPTS_MAX)
#define CLASS_MSG_MAX (256 + LK_HTB_OPTS_MAX)
#define FILTER_MSG_MAX 512

static struct tcmsg *put_tcmsg(struct nlmsghdr *nlh, int ifindex,
			       uint32_t handle, uint32_t parent, uint32_t info)
{
	struct tcmsg *t = mnl_nlmsg_put_extra_header(nlh, sizeof(*t));

	t->tcm_family = AF_UNSPEC;
	t->tcm_ifindex = ifindex;
	t->tcm_handle = handle;
	t->tcm_parent = parent;
	t->tcm_info = info;
	return t;
}

static int fail_encode(struct lk_error *e, int r, const char *what)
{
	return lk_error_set(e, r == -ENOSPC ? E2BIG : -r, "encode %s: %s", what,
			    strerror(-r));
}

static int req_htb_root(struct lk_nl_batch *b, int ifindex, uint32_t defcls,
			const char *dev, unsigned src, struct lk_error *e)
{
	struct nlmsghdr *nlh;
	int r;

	nlh = lk_nl_batch_msg(b, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_REPLACE,
			      QDISC_MSG_MAX, e, "add htb root on %s of peer%u",
			      dev, src);
	if (!nlh)
		return -e->code;
	put_tcmsg(nlh, ifindex, LK_TC_HANDLE(LK_KT_ROOT_MAJOR, 0), TC_H_ROOT,
		  0);
	r = lk_htb_qdisc_put(nlh, QDISC_MSG_MAX, defcls, 0);
	return r < 0 ? fail_encode(e, r, "htb") : 0;
}

static int req_class(struct lk_nl_batch *b, int ifindex, uint16_t minor,
		     const struct lk_impair *imp, const struct lk_kt_opts *o,
		     const char *what, struct lk_error *e)
{
	struct lk_htb_class c;
	struct nlmsghdr *nlh;
	int r;

	class_of(imp, &c);
	nlh = lk_nl_batch_msg(b, RTM_NEWTCLASS, NLM_F_CREATE, CLASS_MSG_MAX, e,
			      "set htb class 1:%x (token bucket) of %s", minor,
			      what);
	if (!nlh)
		return -e->code;
	put_tcmsg(nlh, ifindex, LK_TC_HANDLE(LK_KT_ROOT_MAJOR, minor),
		  LK_TC_HANDLE(LK_KT_ROOT_MAJOR, 0), 0);
	r = lk_htb_class_put(nlh, CLASS_MSG_MAX, &c, o->ps);
	return r < 0 ? fail_encode(e, r, "htb class") : 0;
}

/* The leaf under class parent: add (create) or change in place. */
static int req_leaf(struct lk_nl_batch *b, int ifindex, uint32_t parent,
		    uint16_t major, enum lk_kt_leaf leaf, bool create,
		    const struct lk_impair *imp, unsigned src, unsigned dst,
		    const struct lk_kt_opts *o, const char *what,
		    struct lk_error *e)
{
	struct lk_impair none;
	struct nlmsghdr *nlh;
	uint64_t seed;
	int r;

	if (!imp) {
		lk_impair_init(&none);
		imp = &none;
	}
	if (leaf == LK_KT_LEAF_NETEM) {
		/* The kernel's refusal names the attribute; the options and
		 * the kernel's release say which key of the link it is. */
		char params[160];

		lk_impair_format(imp, params, sizeof(params));
		nlh = lk_nl_batch_msg(
		    b, RTM_NEWQDISC, create ? NLM_F_CREATE | NLM_F_EXCL : 0,
		    QDISC_MSG_MAX, e, "netem of %s on kernel %s: %s", what,
		    o->kernel ? o->kernel : "?", params);
	} else {
		nlh = lk_nl_batch_msg(b, RTM_NEWQDISC,
				      create ? NLM_F_CREATE | NLM_F_EXCL : 0,
				      QDISC_MSG_MAX, e, "%s bfifo %x: of %s",
				      create ? "add" : "change", major, what);
	}
	if (!nlh)
		return -e->code;
	put_tcmsg(nlh, ifindex, LK_TC_HANDLE(major, 0), parent, 0);
	if (leaf == LK_KT_LEAF_NETEM) {
		seed = lk_kt_link_seed(o->seed, src, dst);
		r = lk_netem_put(nlh, QDISC_MSG_MAX, imp, o->ps,
				 o->seed_set ? &seed : NULL);
		if (r < 0)
			return fail_encode(e, r, "netem");
	} else {
		struct tc_fifo_qopt q = {.limit = bfifo_limit(imp)};

		mnl_attr_put_strz(nlh, TCA_KIND, "bfifo");
		mnl_attr_put(nlh, TCA_OPTIONS, sizeof(q), &q);
	}
	return 0;
}

/* u32 on dst's address: to class 1:dst, or (ifindex) redirected there. */
static int req_filter(struct lk_nl_batch *b, const struct lk_kt_peer *st,
		      const struct lk_plan *p, unsigned dst, bool v6,
		      int redirect_to, struct lk_error *e)
{
	bool ifb = redirect_to > 0;
	uint16_t proto = v6 ? ETH_P_IPV6 : ETH_P_IP;
	uint32_t info =
	    TC_H_MAKE((uint32_t)lk_kt_prio(ifb, v6, dst) << 16, htons(proto));
	struct nlmsghdr *nlh;
	int r;

	nlh = lk_nl_batch_msg(
	    b, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL, FILTER_MSG_MAX, e,
	    "add u32 %s filter for peer%u -> peer%u%s", v6 ? "ip6" : "ip",
	    st->src, dst, ifb ? " (redirect)" : "");
	if (!nlh)
		return -e->code;
	put_tcmsg(nlh, st->eth_ifindex, lk_kt_node(dst),
		  LK_TC_HANDLE(LK_KT_ROOT_MAJOR, 0), info);
	if (!ifb) {
		struct in6_addr a6 = lk_plan_addr6(p, dst);

		r = v6 ? lk_u32_dst6_put(nlh, FILTER_MSG_MAX, &a6,
					 LK_TC_HANDLE(LK_KT_ROOT_MAJOR, dst))
		       : lk_u32_dst4_put(nlh, FILTER_MSG_MAX,
					 lk_plan_addr4(p, dst),
					 LK_TC_HANDLE(LK_KT_ROOT_MAJOR, dst));
		return r < 0 ? fail_encode(e, r, "u32") : 0;
	}
	/* "match ip[6] dst A action mirred egress redirect dev lkdupD" */
	{
		struct {
			struct tc_u32_sel sel;
			struct tc_u32_key keys[4];
		} s;
		struct tc_mirred m = {
		    .action = TC_ACT_STOLEN,
		    .eaction = TCA_EGRESS_REDIR,
		    .ifindex = (uint32_t)redirect_to,
		};
		struct nlattr *opts, *acts, *act, *aopts;
		uint32_t w[4];
		int n = v6 ? 4 : 1;

		if (v6) {
			struct in6_addr a6 = lk_plan_addr6(p, dst);

			memcpy(w, a6.s6_addr, 16);
		} else {
			w[0] = lk_plan_addr4(p, dst).s_addr;
		}
		memset(&s, 0, sizeof(s));
		s.sel.flags = TC_U32_TERMINAL;
		s.sel.nkeys = (unsigned char)n;
		for (int i = 0; i < n; i++) {
			s.keys[i].mask = 0xffffffffu;
			s.keys[i].val = w[i];
			s.keys[i].off = (v6 ? 24 : 16) + 4 * i;
		}
		mnl_attr_put_strz(nlh, TCA_KIND, "u32");
		opts = mnl_attr_nest_start(nlh, TCA_OPTIONS);
		acts = mnl_attr_nest_start(nlh, TCA_U32_ACT);
		act = mnl_attr_nest_start(nlh, 1);
		mnl_attr_put_strz(nlh, TCA_ACT_KIND, "mirred");
		aopts = mnl_attr_nest_start(nlh, TCA_ACT_OPTIONS);
		mnl_attr_put(nlh, TCA_MIRRED_PARMS, sizeof(m), &m);
		mnl_attr_nest_end(nlh, aopts);
		mnl_attr_nest_end(nlh, act);
		mnl_attr_nest_end(nlh, acts);
		mnl_attr_put(nlh, TCA_U32_SEL,
			     sizeof(s.sel) + (size_t)n * sizeof(s.keys[0]), &s);
		mnl_attr_nest_end(nlh, opts);
	}
	return 0;
}

static int req_ifb(struct lk_nl_batch *b, int ifindex, unsigned src,
		   unsigned dst, struct lk_error *e)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct nlattr *info;
	char name[16];

	lk_kt_ifb_name(dst, name);
	nlh = lk_nl_batch_msg(b, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 512, e,
			      "create ifb %s in peer%u", name, src);
	if (!nlh)
		return -e->code;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "ifb");
	mnl_attr_nest_end(nlh, info);
	return 0;
}

static enum lk_kt_leaf leaf_kind(const struct lk_impair *imp,
				 const struct lk_kt_opts *o, unsigned src,
				 unsigned dst, struct lk_error *e)
{
	if (o->netem)
		return LK_KT_LEAF_NETEM;
	if (imp && lk_impair_needs_netem(imp)) {
		lk_error_set(e, ENOTSUP,
			     "link peer%u -> peer%u needs netem, which this "
			     "tree is built without",
			     src, dst);
		return LK_KT_LEAF_NONE;
	}
	return LK_KT_LEAF_BFIFO;
}

/* Queue the ifb, its tree and the redirect filters for dst. */
static int add_ifb(struct lk_nl_batch *b, struct lk_kt_peer *st,
		   struct lk_kt_dst *d, const struct lk_impair *imp,
		   const struct lk_kt_opts *o, struct lk_error *e)
{
	enum lk_kt_leaf leaf = leaf_kind(imp, o, st->src, d->dst, e);
	int ifindex = st->next_ifindex;
	char what[64];
	int r;

	if (leaf == LK_KT_LEAF_NONE)
		return -e->code;
	st->next_ifindex++;
	d->ifindex = ifindex;
	d->ifb_leaf = (uint8_t)leaf;
	if (!b)
		return 0;
	snprintf(what, sizeof(what), "peer%u -> peer%u (ifb)", st->src, d->dst);
	if ((r = req_ifb(b, ifindex, st->src, d->dst, e)) < 0 ||
	    (r = req_htb_root(b, ifindex, 1, LK_KT_IFB_PREFIX, st->src, e)) <
		0 ||
	    (r = req_class(b, ifindex, 1, imp, o, what, e)) < 0 ||
	    (r = req_leaf(b, ifindex, LK_TC_HANDLE(LK_KT_ROOT_MAJOR, 1), 2,
			  leaf, true, imp, st->src, d->dst, o, what, e)) < 0 ||
	    (r = req_filter(b, st, o->plan, d->dst, false, ifindex, e)) < 0 ||
	    (r = req_filter(b, st, o->plan, d->dst, true, ifindex, e)) < 0)
		return r;
	return 0;
}

static int add_class(struct lk_nl_batch *b, struct lk_kt_peer *st,
		     struct lk_kt_dst *d, const struct lk_impair *imp,
		     const struct lk_kt_opts *o, struct lk_error *e)
{
	enum lk_kt_leaf leaf = leaf_kind(imp, o, st->src, d->dst, e);
	uint16_t minor = (uint16_t)d->dst;
	char what[64];
	int r;

	if (leaf == LK_KT_LEAF_NONE)
		return -e->code;
	d->class_leaf = (uint8_t)leaf;
	if (!b)
		return 0;
	snprintf(what, sizeof(what), "peer%u -> peer%u", st->src, d->dst);
	if ((r = req_class(b, st->eth_ifindex, minor, imp, o, what, e)) < 0 ||
	    (r = req_leaf(b, st->eth_ifindex,
			  LK_TC_HANDLE(LK_KT_ROOT_MAJOR, minor),
			  lk_kt_leaf_major(st->src, d->dst), leaf, true, imp,
			  st->src, d->dst, o, what, e)) < 0 ||
	    (r = req_filter(b, st, o->plan, d->dst, false, 0, e)) < 0 ||
	    (r = req_filter(b, st, o->plan, d->dst, true, 0, e)) < 0)
		return r;
	return 0;
}

static int ensure_root(struct lk_nl_batch *b, struct lk_kt_peer *st,
		       struct lk_error *e)
{
	int r;

	if (st->root)
		return 0;
	if (b) {
		r = req_htb_root(b, st->eth_ifindex, 0, "eth0", st->src, e);
		if (r < 0)
			return r;
	}
	st->root = true;
	return 0;
}

/* Change the tree that carries dst's traffic now (ifb, else class). */
static int change_dst(struct lk_nl_batch *b, struct lk_kt_peer *st,
		      struct lk_kt_dst *d, const struct lk_impair *imp,
		      const struct lk_kt_opts *o, struct lk_error *e)
{
	bool ifb = d->ifb_leaf != LK_KT_LEAF_NONE;
	enum lk_kt_leaf leaf = ifb ? d->ifb_leaf : d->class_leaf;
	int ifindex = ifb ? d->ifindex : st->eth_ifindex;
	uint16_t minor = ifb ? 1 : (uint16_t)d->dst;
	uint16_t major = ifb ? 2 : lk_kt_leaf_major(st->src, d->dst);
	char what[64];
	int r;

	if (leaf == LK_KT_LEAF_BFIFO && imp && lk_impair_needs_netem(imp))
		return lk_error_set(e, ENOTSUP,
				    "link peer%u -> peer%u needs netem, which "
				    "this tree is built without",
				    st->src, d->dst);
	if (!b)
		return 0;
	snprintf(what, sizeof(what), "peer%u -> peer%u%s", st->src, d->dst,
		 ifb ? " (ifb)" : "");
	r = req_class(b, ifindex, minor, imp, o, what, e);
	if (r < 0)
		return r;
	return req_leaf(b, ifindex, LK_TC_HANDLE(LK_KT_ROOT_MAJOR, minor),
			major, leaf, false, imp, st->src, d->dst, o, what, e);
}

int lk_kt_link_set(struct lk_nl_batch *b, unsigned dst,
		   const struct lk_impair *imp, const struct lk_kt_opts *o,
		   struct lk_kt_peer *st, struct lk_error *e)
{
	struct lk_kt_dst *d;
	int r;

	if (dst < 1 || dst > o->plan->n || dst == st->src)
		return lk_error_set(e, EINVAL, "no link peer%u -> peer%u",
				    st->src, dst);
	if (imp && lk_impair_is_noop(imp))
		imp = NULL;
	/* Before anything changes: an option this kernel drops or refuses */
	if (imp && o->netem && lk_ns_link_matters(o->support)) {
		r = lk_ns_check(o->support, lk_ns_impair_attrs(imp, o->ps), imp,
				o->kernel, e);
		if (r < 0)
			return r;
	}
	if (imp && (r = check_class(imp, o, e)) < 0)
		return r;
	d = (struct lk_kt_dst *)lk_kt_find(st, dst);
	if (d && !d->ifb_leaf && !d->class_leaf)
		d = NULL; /* an earlier attempt failed before any request */
	if (!imp) {
		/* Nothing to undo when nothing was there. */
		return d ? change_dst(b, st, d, NULL, o, e) : 0;
	}
	if (!d && !(d = get_or_add(st, dst)))
		return lk_error_set(e, ENOMEM, "out of memory");
	if (d->ifb_leaf)
		return change_dst(b, st, d, imp, o, e);
	r = ensure_root(b, st, e);
	if (r < 0)
		return r;
	if (lk_kt_wants_ifb(imp, o))
		/* Its own device, whose redirect comes before the class
		 * filter (which then stays, unused). */
		return add_ifb(b, st, d, imp, o, e);
	if (d->class_leaf)
		return change_dst(b, st, d, imp, o, e);
	return add_class(b, st, d, imp, o, e);
}

int lk_kt_peer_build(struct lk_nl_batch *b, const struct lk_links *links,
		     unsigned src, const struct lk_kt_opts *o,
		     struct lk_kt_peer *st, struct lk_error *e)
{
	for (unsigned d = lk_links_next_dst(links, src, 0); d;
	     d = lk_links_next_dst(links, src, d)) {
		struct lk_impair imp;
		int r;

		lk_links_resolve(links, src, d, &imp);
		if (lk_impair_is_noop(&imp))
			continue;
		r = lk_kt_link_set(b, d, &imp, o, st, e);
		if (r < 0)
			return lk_error_wrap(e, "link %u>%u", src, d);
	}
	return 0;
}
