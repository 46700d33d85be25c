/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * hub.h — the hub: a network namespace held only by a file descriptor,
 * holding a bridge; one veth per peer, eth0 inside the peer.
 *
 * A Linux bridge holds at most 1023 ports (BR_MAX_PORTS), and a frame
 * it floods becomes one copy per port, all queued at once on the CPU's
 * backlog (net.core.netdev_max_backlog, 1000 by default: the rest is
 * dropped).  So a bridge holds at most LK_HUB_PORTS_PER_BRIDGE peers;
 * past that the hub is a chain of bridges br0, br1, ... each joined to
 * the next by a veth pair (lK on brK-1, rK on brK).  A broadcast then
 * crosses the chain one bridge at a time, each flood queued after the
 * previous one was delivered, never more than one bridge's worth at
 * once.  (A star would queue every leaf's flood together.)
 *
 * Interface indexes in the hub are planned: br0 is 2, peer id's port pID
 * is 2 + id, then br1.. (3 + n ..), then the links' ends.
 */
#ifndef LK_HUB_H
#define LK_HUB_H

#include "engine/engine.h" /* LK_PEER_ETH0_IFINDEX */
#include "netsetup/nl.h"

#include <stddef.h>
#include <sys/types.h>

#define LK_HUB_BRIDGE "br0"
#define LK_HUB_BRIDGE_IFINDEX 2
/* Peers per bridge.  (Overridable at build time only, to look at the
 * chain with a few peers.) */
#ifndef LK_HUB_PORTS_PER_BRIDGE
#define LK_HUB_PORTS_PER_BRIDGE 500u
#endif
/* Bridges in one hub: the interface names br0..br9999 fit IFNAMSIZ. */
#define LK_HUB_MAX_BRIDGES 10000u

struct lk_hub {
	int orig_netns; /* where the supervisor lives */
	int netns;	/* the hub; no name anywhere */
	struct lk_nl nl;
	struct lk_nl_batch batch;
	unsigned n;	  /* peers */
	unsigned bridges; /* br0 .. br(bridges - 1) */
};

/* How many bridges n peers take (at least 1). */
unsigned lk_hub_bridges(unsigned n);
/* The bridge peer id (1..n) sits on: its name (at least 16 bytes) and
 * ifindex in the hub. */
int lk_hub_bridge_of(const struct lk_hub *h, unsigned id, char *name,
		     size_t len);

void lk_hub_init(struct lk_hub *h);
/* Create the hub namespace and its bridges for n peers. */
int lk_hub_create(struct lk_hub *h, unsigned n, struct lk_error *e);
/* Queue the veth of peer id (its eth0 moved into pid's namespace), on
 * the bridge lk_hub_bridge_of() names.  All of a peer's hub-side wiring
 * is queued here. */
int lk_hub_add_peer(struct lk_hub *h, const struct lk_plan *p, unsigned id,
		    pid_t pid, struct lk_error *e);
/* Send what is queued. */
int lk_hub_commit(struct lk_hub *h, struct lk_error *e);
/* Inside peer id's namespace (entered through nsfd, a pidfd): lo up,
 * eth0 up and its addresses, then whatever more() queues on the same
 * batch (may be NULL), all sent together. */
typedef int (*lk_peer_more_fn)(void *ctx, struct lk_nl_batch *b,
			       struct lk_error *e);
int lk_peer_net_configure(const struct lk_hub *h, const struct lk_plan *p,
			  unsigned id, int nsfd, lk_peer_more_fn more,
			  void *ctx, struct lk_error *e);
/* Wait until the kernel has brought every one of the n peer ports (and
 * the links between bridges) up and
 * forwarding (carrier changes are applied asynchronously by linkwatch;
 * until then a veth drops what it is given). */
int lk_hub_wait_forwarding(struct lk_hub *h, unsigned n, int timeout_ms,
			   struct lk_error *e);
void lk_hub_destroy(struct lk_hub *h);

#endif
