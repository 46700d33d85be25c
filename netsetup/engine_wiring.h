/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * engine_wiring.h — what the bridge and kernel engines share: each peer's
 * eth0 is one end of a veth pair whose other end is on the hub's bridge
 * (hub.h), guarded against spoofing on the hub side (guard.h).  Their
 * add_peer, commit and ready.
 */
#ifndef LK_ENGINE_WIRING_H
#define LK_ENGINE_WIRING_H

#include "engine/engine.h"

int lk_wiring_add_peer(struct lk_engine_ctx *c, unsigned idx,
		       struct lk_error *e);
/* The ifindex of peer id's port (its veth's hub side) in the hub. */
int lk_wiring_port(unsigned id);
int lk_wiring_commit(struct lk_engine_ctx *c, struct lk_error *e);
int lk_wiring_ready(struct lk_engine_ctx *c, struct lk_error *e);

#endif
