/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * engine.h — who applies the links' conditions.  One model (impair.h,
 * linkspec.h), several implementations behind this table:
 *
 *   bridge     veth pairs on the hub's bridge, nothing impaired (no
 *              --link given and none can be set)
 *   kernel     the bridge wiring plus a qdisc tree on each peer's eth0
 *   userspace  TAP devices whose frames the supervisor forwards itself
 *
 * The supervisor calls, in order: init (hub created, no peer yet),
 * add_peer for each peer right after its clone, commit, configure_peer
 * inside each peer's namespace (after lo/eth0/addresses are queued),
 * ready, and then set_link at run time; destroy at the end.
 */
#ifndef LK_ENGINE_H
#define LK_ENGINE_H

#include "model/impair.h"
#include "linkem.h"

#include <stdint.h>

struct lk_launch;
struct lk_nl_batch;

struct lk_engine_ops {
	const char *name;
	/* Whether this engine can work here (e.g. sch_netem exists in the
	 * hub).  why gets a short reason when not.  May be NULL. */
	bool (*usable)(struct lk_launch *l, char *why, size_t len);
	int (*init)(struct lk_launch *l, struct lk_error *e);
	/* Create peer idx's eth0 (the peer is cloned, waiting for "go"). */
	int (*add_peer)(struct lk_launch *l, unsigned idx, struct lk_error *e);
	int (*commit)(struct lk_launch *l, struct lk_error *e);
	/* Queue requests on b, a batch in peer idx's network namespace,
	 * after its addresses.  May be NULL. */
	int (*configure_peer)(struct lk_launch *l, unsigned idx,
			      struct lk_nl_batch *b, struct lk_error *e);
	/* Return once traffic can flow between every pair. */
	int (*ready)(struct lk_launch *l, struct lk_error *e);
	/* Make the link src -> dst (peer ids, 1..n) behave as imp (NULL: unimpaired) while
	 * traffic flows, without losing what is queued.  May be NULL. */
	int (*set_link)(struct lk_launch *l, unsigned src, unsigned dst,
			const struct lk_impair *imp, struct lk_error *e);
	/* A descriptor the engine registered with lk_launch_watch() is
	 * ready.  May be NULL. */
	int (*on_event)(struct lk_launch *l, uint32_t tag, uint32_t events,
			struct lk_error *e);
	void (*destroy)(struct lk_launch *l);
	/* What the link src -> dst (peer ids) did so far.  May be NULL. */
	int (*link_stats)(struct lk_launch *l, unsigned src, unsigned dst,
			  struct lk_link_stats *out, struct lk_error *e);
};

extern const struct lk_engine_ops lk_engine_bridge;
extern const struct lk_engine_ops lk_engine_kernel;
extern const struct lk_engine_ops lk_engine_userspace;

/* Engines register their descriptors in the supervisor's loop; tag comes
 * back in on_event. */
int lk_launch_watch(struct lk_launch *l, int fd, uint32_t events,
		    uint32_t tag, struct lk_error *e);

#endif
