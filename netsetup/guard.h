/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * guard.h — filters on the hub side of each peer's veth (the bridge and
 * kernel engines; docs/kernel-engine.md, "What the hub enforces"):
 *
 *   p<id> clsact
 *     ingress (frames FROM the peer): anti-spoofing, one cls_bpf filter
 *       in direct-action mode (lk_guard_prog, written as classic BPF,
 *       loaded as eBPF: lk_guard_to_ebpf) that drops what the peer may
 *       not send: the Ethernet source
 *       must be the peer's MAC; an IPv4 source its address or 0.0.0.0;
 *       an IPv6 source its ULA, its EUI-64 fe80:: or ::; an ARP sender
 *       its MAC and its address (or 0.0.0.0); a neighbour advertisement
 *       only for its own addresses; no VLAN tags.
 *     egress (frames TO the peer): one cls_bpf filter (priority = the
 *       source's id) per source peer whose link to this peer is cut
 *       (down, 100% random loss, partition): drops every frame whose
 *       Ethernet source is that peer's MAC, whatever it carries.
 *
 * (BPF, not u32 + gact: gact is not built into every kernel that has
 * cls_bpf, u32 and mirred.)
 *
 * The source MAC a cut filter matches can be trusted because the
 * ingress filter of the sender's port refuses any other.
 */
#ifndef LK_GUARD_H
#define LK_GUARD_H

#include "linkem.h"
#include "model/impair.h"
#include "netsetup/nl.h"

#include <linux/bpf.h>
#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>

#define LK_GUARD_PROG_MAX 96
/* The ingress filter's priority; the cut filters take the source's id. */
#define LK_GUARD_PRIO 1u

/* The classic BPF program that returns non-zero for a frame peer id
 * must not send (pure).  Returns its length, or -ENOSPC. */
int lk_guard_prog(const struct lk_plan *p, unsigned id, struct sock_filter *out,
		  size_t max);
/* The program that returns non-zero for a frame from src's MAC. */
int lk_guard_cut_prog(const struct lk_plan *p, unsigned src,
		      struct sock_filter *out, size_t max);
/* The classic program f[0..n) as eBPF for a direct-action cls_bpf: r6 =
 * the skb, loads as LD_ABS, 32-bit compares, classic "ret 0" becomes
 * TC_ACT_UNSPEC (the frame goes on), any other TC_ACT_SHOT.  Returns
 * the length, -ENOSPC or -EINVAL (an instruction it does not know). */
int lk_guard_to_ebpf(const struct sock_filter *f, int n, struct bpf_insn *out,
		     size_t max);
/* Whether a link in this state must carry nothing at all. */
bool lk_guard_cuts(const struct lk_impair *imp);

/* Add clsact and the anti-spoofing filter on peer id's hub port, after
 * what b holds (b is flushed: the program's descriptor is closed once
 * the kernel holds it). */
int lk_guard_peer(struct lk_nl_batch *b, const struct lk_plan *p, unsigned id,
		  int port_ifindex, struct lk_error *e);
/* Add the cut filter for src -> dst on dst's hub port (cut), or remove
 * it (!cut); b is flushed. */
int lk_guard_cut(struct lk_nl_batch *b, const struct lk_plan *p, unsigned src,
		 unsigned dst, int dst_port_ifindex, bool cut,
		 struct lk_error *e);

#endif
