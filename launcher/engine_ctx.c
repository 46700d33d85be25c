/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * engine_ctx.c — what the engine of a launch gets to see (engine.h's
 * struct lk_engine_ctx): filled once the hub exists, before the engine is
 * chosen; each peer's process is added as it is cloned.
 */
#include "launcher/control.h"
#include "launcher/launch_internal.h"

#include "common/error.h"

#include <errno.h>
#include <stdlib.h>

static bool link_effective(void *data, unsigned src, unsigned dst,
			   struct lk_impair *out)
{
	return lk_launch_link_effective(data, src, dst, out);
}

int lk_launch_engine_ctx(struct lk_launch *l, struct lk_error *e)
{
	int r;

	if (!l->loop && (r = lk_loop_new(&l->loop, e)) < 0)
		return r;
	if (!l->engine_peers) {
		l->engine_peers = calloc(l->plan.n, sizeof(*l->engine_peers));
		if (!l->engine_peers)
			return lk_error_set(e, ENOMEM, "out of memory");
		for (unsigned i = 0; i < l->plan.n; i++)
			l->engine_peers[i] =
			    (struct lk_engine_peer){.pid = 0, .pidfd = -1};
	}
	l->ectx = (struct lk_engine_ctx){
	    .plan = &l->plan,
	    .n = l->plan.n,
	    .links = &l->links,
	    .hub = &l->hub,
	    .orig_netns = l->hub.orig_netns,
	    .peers = l->engine_peers,
	    .loop = l->loop,
	    .seed_set = l->opts.seed_set,
	    .seed = l->opts.seed,
	    .pcap_dir = l->opts.pcap_dir,
	    .links_may_change =
		l->opts.control || l->opts.at.n || l->opts.scenario,
	    .link_effective = link_effective,
	    .link_data = l,
	};
	return 0;
}
