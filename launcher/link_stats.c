/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* link_stats.c — per-link counters, from the engine that keeps them. */
#include "launcher/launch_internal.h"

#include "common/error.h"

#include <errno.h>

LK_EXPORT int lk_launch_link_stats(const struct lk_launch *l, unsigned src,
				   unsigned dst, struct lk_link_stats *out,
				   struct lk_error *e)
{
	if (!l->engine || !l->engine->link_stats)
		return lk_error_set(e, ENOTSUP,
				    "the %s engine keeps no link counters",
				    l->engine ? l->engine->name : "(none)");
	/* The engine's state is not changed by reading it. */
	return l->engine->link_stats((struct lk_engine_ctx *)&l->ectx, src, dst,
				     out, e);
}
