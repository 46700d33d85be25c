/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* engine_bridge.c — plain wiring: a veth per peer on the hub's bridge. */
#include "engine/engine.h"

#include "launcher/launch_internal.h"

static int bridge_add_peer(struct lk_launch *l, unsigned idx,
			   struct lk_error *e)
{
	return lk_hub_add_peer(&l->hub, &l->plan, idx + 1, l->peers[idx].pid,
			       e);
}

static int bridge_commit(struct lk_launch *l, struct lk_error *e)
{
	return lk_hub_commit(&l->hub, e);
}

static int bridge_ready(struct lk_launch *l, struct lk_error *e)
{
	return lk_hub_wait_forwarding(&l->hub, l->plan.n, 5000, e);
}

const struct lk_engine_ops lk_engine_bridge = {
	.name = "bridge",
	.add_peer = bridge_add_peer,
	.commit = bridge_commit,
	.ready = bridge_ready,
};
