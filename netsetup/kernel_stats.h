/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * kernel_stats.h — the kernel engine's per-link counters: those of the
 * leaf qdiscs of one peer's tree (kernel_tree.h), read with one qdisc
 * dump in the peer's network namespace.  A link's leaves are the netem
 * under class 1:d on eth0 and, once the link duplicates, the netem on its
 * ifb; their counters are added.
 */
#ifndef LK_KERNEL_STATS_H
#define LK_KERNEL_STATS_H

#include "netsetup/kernel_tree.h"
#include "linkem.h"
#include "netsetup/nl.h"

#include <stdint.h>

/* What a link's leaves counted (the kernel's gnet_stats). */
struct lk_kt_counters {
	uint64_t pkts, bytes; /* dequeued: sent on towards the peer */
	uint64_t drops;	      /* netem's loss, its limit, a down link */
	uint64_t qlen, backlog;
};

/* Add the counters of every leaf of st's tree into out[dst - 1] (n
 * entries, the caller zeroes them).  nl: a socket in st's peer's network
 * namespace. */
int lk_kt_read_counters(struct lk_nl *nl, const struct lk_kt_peer *st,
			unsigned n, struct lk_kt_counters *out,
			struct lk_error *e);

#endif
