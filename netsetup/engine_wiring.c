/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* engine_wiring.c — a veth per peer on the hub's bridge (engine_wiring.h). */
#include "netsetup/engine_wiring.h"

#include "netsetup/hub.h"

int lk_wiring_add_peer(struct lk_engine_ctx *c, unsigned idx,
		       struct lk_error *e)
{
	return lk_hub_add_peer(c->hub, c->plan, idx + 1, c->peers[idx].pid, e);
}

int lk_wiring_commit(struct lk_engine_ctx *c, struct lk_error *e)
{
	return lk_hub_commit(c->hub, e);
}

int lk_wiring_ready(struct lk_engine_ctx *c, struct lk_error *e)
{
	return lk_hub_wait_forwarding(c->hub, c->n, 5000 + (int)c->n, e);
}
