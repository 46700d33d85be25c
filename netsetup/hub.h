/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * hub.h — the hub: a network namespace held only by a file descriptor,
 * holding a bridge; one veth per peer, eth0 inside the peer.
 */
#ifndef LK_HUB_H
#define LK_HUB_H

#include "engine/engine.h" /* LK_PEER_ETH0_IFINDEX */
#include "netsetup/nl.h"

#include <sys/types.h>

#define LK_HUB_BRIDGE "br0"
#define LK_HUB_BRIDGE_IFINDEX 2

struct lk_hub {
	int orig_netns; /* where the supervisor lives */
	int netns;	/* the hub; no name anywhere */
	struct lk_nl nl;
	struct lk_nl_batch batch;
};

void lk_hub_init(struct lk_hub *h);
/* Create the hub namespace and its bridge. */
int lk_hub_create(struct lk_hub *h, struct lk_error *e);
/* Queue the veth of peer id (its eth0 moved into pid's namespace). */
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
/* Wait until the kernel has brought every one of the n ports up and
 * forwarding (carrier changes are applied asynchronously by linkwatch;
 * until then a veth drops what it is given). */
int lk_hub_wait_forwarding(struct lk_hub *h, unsigned n, int timeout_ms,
			   struct lk_error *e);
void lk_hub_destroy(struct lk_hub *h);

#endif
