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
 * An engine sees the launch only through struct lk_engine_ctx: what it
 * needs to know (the address plan, the --link specs, a few options, each
 * peer's process), the loop to register its descriptors on, and a way to
 * ask the launcher what a link's conditions are now.  The launcher
 * (launcher/) fills it and calls, in order: init (hub created, no peer
 * yet), add_peer for each peer right after its clone, commit,
 * configure_peer inside each peer's namespace (after lo/eth0/addresses
 * are queued), ready, and then set_link at run time; destroy at the end.
 */
#ifndef LK_ENGINE_H
#define LK_ENGINE_H

#include "common/loop.h"
#include "model/impair.h"
#include "model/linkspec.h"
#include "linkem.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Every engine makes a peer's eth0 the first device after lo in its
 * network namespace; the addresses are then put on that index. */
#define LK_PEER_ETH0_IFINDEX 2

struct lk_hub;	    /* netsetup/hub.h: for the engines that wire veths */
struct lk_nl_batch; /* netsetup/nl.h */

/* What an engine knows of peer idx (peers[idx], id idx + 1). */
struct lk_engine_peer {
	pid_t pid; /* its init, in the supervisor's PID namespace */
	int pidfd; /* of that init: its namespaces (setns) */
};

struct lk_engine_ctx {
	const struct lk_plan *plan; /* addresses and MACs; plan->n peers */
	unsigned n;
	/* The --link specs: the conditions at start.  Later changes come
	 * through set_link. */
	const struct lk_links *links;
	struct lk_hub *hub;
	int orig_netns; /* the supervisor's own network namespace */
	/* peers[idx]: filled before add_peer(idx) is called. */
	const struct lk_engine_peer *peers;
	struct lk_loop *loop; /* register descriptors here */

	/* Options. */
	bool seed_set;
	uint64_t seed;
	const char *pcap_dir;  /* --pcap, or NULL */
	bool links_may_change; /* --control, --at or --scenario */

	/* The conditions of the link src -> dst now: the specs folded, and
	 * the launcher's overlays (partition, a peer down) on top.  False
	 * when nothing names the link. */
	bool (*link_effective)(void *data, unsigned src, unsigned dst,
			       struct lk_impair *out);
	void *link_data;

	void *priv; /* the engine's own state (init to destroy) */
};

struct lk_engine_ops {
	const char *name;
	/* Whether this engine can work here (e.g. sch_netem exists in the
	 * hub).  why gets a short reason when not.  May be NULL. */
	bool (*usable)(struct lk_engine_ctx *c, char *why, size_t len);
	int (*init)(struct lk_engine_ctx *c, struct lk_error *e);
	/* Create peer idx's eth0 (the peer is cloned, waiting for "go"). */
	int (*add_peer)(struct lk_engine_ctx *c, unsigned idx,
			struct lk_error *e);
	int (*commit)(struct lk_engine_ctx *c, struct lk_error *e);
	/* Queue requests on b, a batch in peer idx's network namespace,
	 * after its addresses.  May be NULL. */
	int (*configure_peer)(struct lk_engine_ctx *c, unsigned idx,
			      struct lk_nl_batch *b, struct lk_error *e);
	/* Return once traffic can flow between every pair. */
	int (*ready)(struct lk_engine_ctx *c, struct lk_error *e);
	/* Make the link src -> dst (peer ids, 1..n) behave as imp (NULL:
	 * unimpaired) while traffic flows, without losing what is queued.
	 * May be NULL. */
	int (*set_link)(struct lk_engine_ctx *c, unsigned src, unsigned dst,
			const struct lk_impair *imp, struct lk_error *e);
	void (*destroy)(struct lk_engine_ctx *c);
	/* What the link src -> dst (peer ids) did so far.  May be NULL. */
	int (*link_stats)(struct lk_engine_ctx *c, unsigned src, unsigned dst,
			  struct lk_link_stats *out, struct lk_error *e);
};

extern const struct lk_engine_ops lk_engine_bridge;
extern const struct lk_engine_ops lk_engine_kernel;
extern const struct lk_engine_ops lk_engine_userspace;

#endif
