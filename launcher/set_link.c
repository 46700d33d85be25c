/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * set_link.c — change links while the peers run: one SPEC at a time
 * through the engine's set_link, for every pair the SPEC names.
 *
 * The conditions of a pair are the --link and `set` specs folded in order
 * (a `clear` entry resets the pairs it names), then the control overlays
 * (a partition, a peer whose links are down) on top: see
 * lk_launch_link_effective.
 */
#include "launcher/control.h"
#include "launcher/commands.h"
#include "launcher/launch_internal.h"

#include "common/cleanup.h"
#include "common/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool lk_launch_link_effective(const struct lk_launch *l, unsigned src,
			      unsigned dst, struct lk_impair *out)
{
	bool named = lk_links_resolve(&l->links, src, dst, out);

	if (lk_control_link_cut(l, src, dst)) {
		out->keys |= LK_K_DOWN;
		out->down = true;
		named = true;
	}
	return named;
}

int lk_launch_push_pair(struct lk_launch *l, unsigned src, unsigned dst,
			struct lk_error *e)
{
	struct lk_impair imp;
	bool named = lk_launch_link_effective(l, src, dst, &imp);
	int r;

	r = l->engine->set_link(&l->ectx, src, dst,
				named && !lk_impair_is_noop(&imp) ? &imp : NULL,
				e);
	if (r < 0)
		return lk_error_wrap(e, "link %u>%u", src, dst);
	return 0;
}

int lk_launch_can_set(const struct lk_launch *l, struct lk_error *e)
{
	if (!l->engine || !l->started)
		return lk_error_set(e, EINVAL, "the launch is not running");
	if (!l->engine->set_link)
		return lk_error_set(e, ENOTSUP,
				    "the %s engine cannot change links while "
				    "the peers run (use --engine userspace "
				    "or kernel)",
				    l->engine->name);
	return 0;
}

/* Push every pair the last spec of l->links names. */
static int push_last(struct lk_launch *l, struct lk_error *e)
{
	const struct lk_linkspec *s = &l->links.v[l->links.len - 1];
	struct lk_peer_range a = s->a, b = s->b;

	for (int pass = 0; pass < (s->both ? 2 : 1); pass++) {
		for (unsigned src = a.lo; src <= a.hi; src++)
			for (unsigned dst = b.lo; dst <= b.hi; dst++) {
				int r;

				if (src == dst)
					continue;
				/* "A-B" with overlapping sets names some
				 * links twice: apply them once. */
				if (pass && src >= s->a.lo && src <= s->a.hi &&
				    dst >= s->b.lo && dst <= s->b.hi)
					continue;
				r = lk_launch_push_pair(l, src, dst, e);
				if (r < 0)
					return r;
			}
		a = s->b;
		b = s->a;
	}
	return 0;
}

LK_EXPORT int lk_launch_set_link(struct lk_launch *l, const char *spec,
				 struct lk_error *e)
{
	int r = lk_launch_can_set(l, e);

	if (r < 0)
		return r;
	r = lk_links_add(&l->links, spec, e);
	if (r < 0)
		return r;
	lk_links_compact(&l->links);
	return push_last(l, e);
}

LK_EXPORT int lk_launch_clear_links(struct lk_launch *l, const char *links,
				    struct lk_error *e)
{
	_cleanup_free_ char *text = NULL;
	int r = lk_launch_can_set(l, e);

	if (r < 0)
		return r;
	r = lk_clear_spec(links, &text, e);
	if (r < 0)
		return r;
	/* A spec with no key: a clear entry (the parser never makes one). */
	r = lk_links_add_clear(&l->links, text, e);
	if (r < 0)
		return lk_error_wrap(e, "clear");
	lk_links_compact(&l->links);
	return push_last(l, e);
}
