/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* set_link.c — a --link SPEC applied to a running launch, link by link,
 * through the engine. */
#include "common/error.h"
#include "engine/engine.h"
#include "engine/linkspec.h"
#include "launcher/launch_internal.h"

#include <errno.h>

LK_EXPORT int lk_launch_set_link(struct lk_launch *l, const char *spec,
				 struct lk_error *e)
{
	const struct lk_linkspec *s;
	int r;

	if (!l->started || !l->engine)
		return lk_error_set(e, EINVAL, "launch not started");
	if (!l->engine->set_link)
		return lk_error_set(e, ENOTSUP,
				    "the %s engine cannot change links while "
				    "peers run",
				    l->engine->name);
	r = lk_links_add(&l->links, spec, e);
	if (r < 0)
		return r;
	s = &l->links.v[l->links.len - 1];
	/* Every link the spec names, folded with all the specs before. */
	for (int pass = 0; pass < (s->both ? 2 : 1); pass++) {
		const struct lk_peer_range *a = pass ? &s->b : &s->a;
		const struct lk_peer_range *b = pass ? &s->a : &s->b;

		for (unsigned src = a->lo; src <= a->hi; src++)
			for (unsigned dst = b->lo; dst <= b->hi; dst++) {
				struct lk_impair imp;

				if (src == dst)
					continue;
				/* "A-B" with overlapping sets names some
				 * links twice: apply them once. */
				if (pass && src >= s->a.lo && src <= s->a.hi &&
				    dst >= s->b.lo && dst <= s->b.hi)
					continue;
				lk_links_resolve(&l->links, src, dst, &imp);
				r = l->engine->set_link(
				    l, src, dst,
				    lk_impair_is_noop(&imp) ? NULL : &imp, e);
				if (r < 0)
					return lk_error_wrap(
					    e, "apply --link %s", spec);
			}
	}
	return 0;
}
