/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * kernel_tree.h — the kernel engine's qdisc tree on one peer's eth0
 * (docs/kernel-engine.md):
 *
 *   eth0  root htb 1: default 0      unclassified: HTB's direct queue
 *         class 1:d                  token bucket of the link to peer d
 *           leaf (d+1): netem        (bfifo when netem is not wanted)
 *         u32 filters (prio class)   ip dst d/32, ip6 dst d/128 -> 1:d
 *         u32 filters (prio ifb)     ... -> mirred egress redirect ifb
 *   lkdupD (ifb, its own device, for links that duplicate)
 *         root htb 1: default 1, class 1:1, leaf 2: netem
 *
 * The planning (handles, priorities, which destination goes where) is
 * pure; the requests are queued on a batch the caller sends.  State per
 * source peer remembers what exists so that run-time changes modify it in
 * place.
 */
#ifndef LK_KERNEL_TREE_H
#define LK_KERNEL_TREE_H

#include "model/impair.h"
#include "model/linkspec.h"
#include "netsetup/netem_support.h"
#include "netsetup/psched.h"
#include "linkem.h"
#include "netsetup/nl.h"

#include <stdbool.h>
#include <stdint.h>

#define LK_KT_ROOT_MAJOR 1u
/* u32 nodes per (priority, protocol): explicit node ids are 12 bits. */
#define LK_KT_SHARD 4000u
#define LK_KT_PRIO_IFB 1u     /* redirects to an ifb come first */
#define LK_KT_PRIO_CLASS 101u /* then the classes on eth0 */
/* A link without a token bucket still has a class: fast enough never to
 * be the bottleneck. */
#define LK_KT_HIGH_RATE (100000000000ull / 8) /* 100 Gbit/s in bytes/s */
#define LK_KT_QUANTUM 60000u
#define LK_KT_IFB_PREFIX "lkdup"

enum lk_kt_leaf {
	LK_KT_LEAF_NONE = 0,
	LK_KT_LEAF_NETEM,
	LK_KT_LEAF_BFIFO,
};

/* What exists for one destination of a peer. */
struct lk_kt_dst {
	unsigned dst;
	uint8_t class_leaf; /* class 1:d on eth0 and its leaf, or NONE */
	uint8_t ifb_leaf;   /* the ifb's tree, or NONE */
	int ifindex;	    /* the ifb, when ifb_leaf */
};

struct lk_kt_peer {
	unsigned src;
	int eth_ifindex;
	int next_ifindex; /* for the next ifb */
	bool root;	  /* htb 1: exists on eth0 */
	struct lk_kt_dst *v;
	size_t len, cap;
};

struct lk_kt_opts {
	const struct lk_plan *plan;
	const struct lk_psched *ps;
	int eth_ifindex;   /* the peer's eth0 */
	int first_ifindex; /* the first ifb's index */
	bool netem;	   /* leaves are netem; else bfifo (rate only) */
	bool seed_set;
	uint64_t seed;
	bool ifb_all;	    /* tests: every impaired link through an ifb */
	const char *kernel; /* uname release, for messages; may be NULL */
	/* what the kernel does with each netem attribute (NULL: unknown);
	 * a link needing one it refuses or ignores is an error */
	const struct lk_ns_support *support;
};

/* ---- pure planning ---- */

/* The major of the leaf qdisc under class 1:dst: dst + 1, except for
 * dst = 65534 (65535 is the ingress handle), which takes src + 1, never a
 * destination's. */
uint16_t lk_kt_leaf_major(unsigned src, unsigned dst);
/* The filter priority for dst's redirect (ifb) or class filter, IPv4 or
 * IPv6 (a priority holds one protocol). */
uint16_t lk_kt_prio(bool ifb, bool v6, unsigned dst);
/* The u32 node id of dst's filter within its priority: 1..LK_KT_SHARD. */
uint32_t lk_kt_node(unsigned dst);
/* Whether the link needs its own device: netem refuses a duplicating
 * netem beside other netems on one device. */
bool lk_kt_wants_ifb(const struct lk_impair *imp, const struct lk_kt_opts *o);
/* The netem PRNG seed of the link src -> dst under the launch's seed. */
uint64_t lk_kt_link_seed(uint64_t seed, unsigned src, unsigned dst);
void lk_kt_ifb_name(unsigned dst, char name[16]);
const struct lk_kt_dst *lk_kt_find(const struct lk_kt_peer *st, unsigned dst);

void lk_kt_peer_init(struct lk_kt_peer *st, unsigned src,
		     const struct lk_kt_opts *o);
void lk_kt_peer_free(struct lk_kt_peer *st);

/* ---- requests ---- */

/* The whole tree of peer src for the links some spec names, queued on b
 * (b NULL: only plan, filling st).  st must be fresh (lk_kt_peer_init). */
int lk_kt_peer_build(struct lk_nl_batch *b, const struct lk_links *links,
		     unsigned src, const struct lk_kt_opts *o,
		     struct lk_kt_peer *st, struct lk_error *e);
/* Make src -> dst behave as imp (NULL: unimpaired), in place where the
 * tree exists: class and qdisc changes, never a deletion. */
int lk_kt_link_set(struct lk_nl_batch *b, unsigned dst,
		   const struct lk_impair *imp, const struct lk_kt_opts *o,
		   struct lk_kt_peer *st, struct lk_error *e);

#endif
