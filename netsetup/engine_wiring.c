/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* engine_wiring.c — a veth per peer on the hub's bridge (engine_wiring.h). */
#include "netsetup/engine_wiring.h"

#include "netsetup/guard.h"
#include "netsetup/hub.h"

int lk_wiring_add_peer(struct lk_engine_ctx *c, unsigned idx,
		       struct lk_error *e)
{
	int r = lk_hub_add_peer(c->hub, c->plan, idx + 1, c->peers[idx].pid, e);

	if (r < 0)
		return r;
	/* In the same batch, after the veth: its hub side refuses frames
	 * with another peer's addresses (guard.h). */
	return lk_guard_peer(&c->hub->batch, c->plan, idx + 1,
			     lk_wiring_port(idx + 1), e);
}

int lk_wiring_port(unsigned id)
{
	return LK_HUB_BRIDGE_IFINDEX + (int)id;
}

int lk_wiring_commit(struct lk_engine_ctx *c, struct lk_error *e)
{
	return lk_hub_commit(c->hub, e);
}

int lk_wiring_ready(struct lk_engine_ctx *c, struct lk_error *e)
{
	return lk_hub_wait_forwarding(c->hub, c->n, 5000, e);
}
