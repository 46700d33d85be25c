/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * control_overlay.c — partitions and downed peers: state kept beside the
 * link specs and laid over them (lk_launch_link_effective), and the
 * pairs whose cut state changes pushed to the engine.
 */
#include "launcher/control_internal.h"

#include "common/cleanup.h"
#include "common/error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool lk_control_link_cut(const struct lk_launch *l, unsigned src, unsigned dst)
{
	const struct lk_control *c = l->control;

	if (!c)
		return false;
	if (c->down && (c->down[src] || c->down[dst]))
		return true;
	return c->group && c->group[src] != c->group[dst];
}

/* Push every pair whose cut state differs between before and now. */
static int push_changed(struct lk_launch *l, const unsigned *old_group,
			const bool *old_down, struct lk_error *e)
{
	const unsigned n = l->plan.n;

	for (unsigned s = 1; s <= n; s++)
		for (unsigned d = 1; d <= n; d++) {
			bool was, is;
			int r;

			if (s == d)
				continue;
			was = (old_down && (old_down[s] || old_down[d])) ||
			      (old_group && old_group[s] != old_group[d]);
			is = lk_control_link_cut(l, s, d);
			if (was == is)
				continue;
			r = lk_launch_push_pair(l, s, d, e);
			if (r < 0)
				return r;
		}
	return 0;
}

LK_EXPORT int lk_launch_partition(struct lk_launch *l, const char *groups,
				  struct lk_error *e)
{
	struct lk_control *c = l->control;
	_cleanup_free_ unsigned *g = NULL;
	_cleanup_free_ unsigned *old = NULL;
	_cleanup_free_ char *text = NULL;
	int r = lk_launch_can_set(l, e);

	if (r < 0)
		return r;
	if (!c)
		return lk_error_set(e, EINVAL, "no control state");
	g = calloc(l->plan.n + 1, sizeof(*g));
	text = strdup(groups);
	if (!g || !text)
		return lk_error_set(e, ENOMEM, "out of memory");
	r = lk_partition_parse(groups, l->plan.n, g, e);
	if (r < 0)
		return r;
	old = c->group;
	c->group = lk_steal_ptr(g);
	free(c->partition_text);
	c->partition_text = lk_steal_ptr(text);
	return push_changed(l, old, c->down, e);
}

LK_EXPORT int lk_launch_heal(struct lk_launch *l, struct lk_error *e)
{
	struct lk_control *c = l->control;
	_cleanup_free_ unsigned *old = NULL;
	int r = lk_launch_can_set(l, e);

	if (r < 0)
		return r;
	if (!c || !c->group)
		return 0;
	old = lk_steal_ptr(c->group);
	free(c->partition_text);
	c->partition_text = NULL;
	return push_changed(l, old, c->down, e);
}

LK_EXPORT int lk_launch_peer_links(struct lk_launch *l, unsigned id, bool up,
				   struct lk_error *e)
{
	struct lk_control *c = l->control;
	_cleanup_free_ bool *old = NULL;
	int r = lk_launch_can_set(l, e);

	if (r < 0)
		return r;
	if (id < 1 || id > l->plan.n)
		return lk_error_set(e, EINVAL, "no peer %u (1..%u)", id,
				    l->plan.n);
	if (!c)
		return lk_error_set(e, EINVAL, "no control state");
	if (!c->down) {
		c->down = calloc(l->plan.n + 1, sizeof(bool));
		if (!c->down)
			return lk_error_set(e, ENOMEM, "out of memory");
	}
	if (c->down[id] == !up)
		return 0;
	old = malloc((l->plan.n + 1) * sizeof(bool));
	if (!old)
		return lk_error_set(e, ENOMEM, "out of memory");
	memcpy(old, c->down, (l->plan.n + 1) * sizeof(bool));
	c->down[id] = !up;
	/* Only the links from and to id can change. */
	for (unsigned p = 1; p <= l->plan.n; p++) {
		unsigned pair[2][2] = {{id, p}, {p, id}};

		for (int k = 0; k < 2 && p != id; k++) {
			unsigned s = pair[k][0], d = pair[k][1];
			bool was = old[s] || old[d] ||
				   (c->group && c->group[s] != c->group[d]);

			if (was != lk_control_link_cut(l, s, d) &&
			    (r = lk_launch_push_pair(l, s, d, e)) < 0)
				return r;
		}
	}
	return 0;
}
