/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* set_link.c — one more --link SPEC while the peers run. */
#include "launcher/launch_internal.h"

#include "common/error.h"

#include <errno.h>

LK_EXPORT int lk_launch_set_link(struct lk_launch *l, const char *spec,
				 struct lk_error *e)
{
	const struct lk_linkspec *s;
	int r;

	if (!l->engine || !l->engine->set_link)
		return lk_error_set(e, ENOTSUP,
				    "the %s engine cannot change links while "
				    "the peers run",
				    l->engine ? l->engine->name : "(none)");
	r = lk_links_add(&l->links, spec, e);
	if (r < 0)
		return r;
	s = &l->links.v[l->links.len - 1];
	for (unsigned src = 1; src <= l->plan.n; src++) {
		for (unsigned dst = 1; dst <= l->plan.n; dst++) {
			struct lk_impair imp;

			if (!lk_linkspec_names(s, src, dst))
				continue;
			lk_links_resolve(&l->links, src, dst, &imp);
			r = l->engine->set_link(l, src, dst, &imp, e);
			if (r < 0)
				return lk_error_wrap(e, "link %u>%u", src, dst);
		}
	}
	return 0;
}
