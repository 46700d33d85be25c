/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* engine_bridge.c — plain wiring: a veth per peer on the hub's bridge. */
#include "engine/engine.h"

#include "netsetup/engine_wiring.h"

const struct lk_engine_ops lk_engine_bridge = {
	.name = "bridge",
	.add_peer = lk_wiring_add_peer,
	.commit = lk_wiring_commit,
	.ready = lk_wiring_ready,
};
