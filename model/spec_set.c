/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spec_set.c — the ordered set of specs of a launch: adding (with the
 * check of every link a new spec names), resolving, iterating
 * (spec_set.h), through the index of folded links (spec_index.h). */
#include "model/spec_set.h"

#include "common/error.h"
#include "model/dist_table.h"
#include "model/spec_index.h"
#include "model/spec_keys.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void lk_links_init(struct lk_links *l, unsigned n)
{
	memset(l, 0, sizeof(*l));
	l->n = n;
}

void lk_links_free(struct lk_links *l)
{
	size_t i;

	for (i = 0; i < l->len; i++)
		lk_linkspec_free(&l->v[i]);
	free(l->v);
	lk_six_free(l->ix);
	memset(l, 0, sizeof(*l));
}

/* Whether l->ix describes l->v as it is now: code that removes specs or
 * turns the last one into a clear entry behind its back makes it stale;
 * then lookups scan every spec and the next lk_links_add rebuilds it. */
static bool ix_valid(const struct lk_links *l)
{
	const struct lk_six_mark *m;

	if (!l->ix)
		return false;
	m = lk_six_mark_const(l->ix);
	if (m->len != l->len)
		return false;
	return l->len == 0 || (m->last_text == l->v[l->len - 1].text &&
			       m->last_keys == l->v[l->len - 1].imp.keys);
}

static void ix_mark(struct lk_links *l)
{
	struct lk_six_mark *m = lk_six_mark(l->ix);

	m->len = l->len;
	m->last_text = l->len ? l->v[l->len - 1].text : NULL;
	m->last_keys = l->len ? l->v[l->len - 1].imp.keys : 0;
}

int lk_links_reindex(struct lk_links *l)
{
	lk_six_free(l->ix);
	l->ix = lk_six_new(l->n);
	if (!l->ix)
		return -ENOMEM;
	for (size_t i = 0; i < l->len; i++)
		if (lk_six_add(l->ix, &l->v[i]) < 0) {
			lk_six_free(l->ix);
			l->ix = NULL;
			return -ENOMEM;
		}
	ix_mark(l);
	return 0;
}

bool lk_links_resolve(const struct lk_links *l, unsigned src, unsigned dst,
		      struct lk_impair *out)
{
	bool named = false;
	size_t i;

	if (ix_valid(l))
		return lk_six_resolve(l->ix, src, dst, out);
	lk_impair_init(out);
	for (i = 0; i < l->len; i++)
		if (lk_linkspec_names(&l->v[i], src, dst))
			named = lk_impair_fold_one(out, &l->v[i].imp);
	return named;
}

static bool in_range(const struct lk_peer_range *r, unsigned x)
{
	return x >= r->lo && x <= r->hi;
}

/* The smallest x > after in r, x != skip; 0 when none. */
static unsigned next_in(const struct lk_peer_range *r, unsigned after,
			unsigned skip)
{
	unsigned x = after + 1 > r->lo ? after + 1 : r->lo;

	if (x == skip)
		x++;
	return x <= r->hi ? x : 0;
}

static unsigned next_by_spec(const struct lk_linkspec *s, unsigned self,
			     unsigned after, bool towards, unsigned best)
{
	const struct lk_peer_range *from = towards ? &s->b : &s->a;
	const struct lk_peer_range *to = towards ? &s->a : &s->b;
	unsigned c;

	if (in_range(from, self)) {
		c = next_in(to, after, self);
		if (c && (!best || c < best))
			best = c;
	}
	if (s->both && in_range(to, self)) {
		c = next_in(from, after, self);
		if (c && (!best || c < best))
			best = c;
	}
	return best;
}

static unsigned next_peer(const struct lk_links *l, unsigned self,
			  unsigned after, bool towards)
{
	unsigned best = 0;

	if (ix_valid(l))
		return lk_six_next(l->ix, self, after, towards);
	for (size_t i = 0; i < l->len; i++)
		best = next_by_spec(&l->v[i], self, after, towards, best);
	return best;
}

unsigned lk_links_next_dst(const struct lk_links *l, unsigned src,
			   unsigned after)
{
	return next_peer(l, src, after, false);
}

unsigned lk_links_next_src(const struct lk_links *l, unsigned dst,
			   unsigned after)
{
	return next_peer(l, dst, after, true);
}

static bool range_in(const struct lk_peer_range *in,
		     const struct lk_peer_range *out)
{
	return in->lo >= out->lo && in->hi <= out->hi;
}

/* Does spec n name every (src, dst) that spec o names? */
static bool covers(const struct lk_linkspec *n, const struct lk_linkspec *o)
{
	bool fwd =
	    (range_in(&o->a, &n->a) && range_in(&o->b, &n->b)) ||
	    (n->both && range_in(&o->a, &n->b) && range_in(&o->b, &n->a));
	bool rev =
	    !o->both || (range_in(&o->b, &n->a) && range_in(&o->a, &n->b)) ||
	    (n->both && range_in(&o->b, &n->b) && range_in(&o->a, &n->a));

	return fwd && rev;
}

void lk_links_compact(struct lk_links *l)
{
	const struct lk_linkspec *last;
	bool last_clears;
	size_t k = 0;

	if (l->len == 0)
		return;
	last = &l->v[l->len - 1];
	last_clears = last->imp.keys == 0;

	for (size_t i = 0; i + 1 < l->len; i++) {
		struct lk_linkspec *o = &l->v[i];
		bool is_clear = o->imp.keys == 0;
		bool useless =
		    covers(last, o) && !o->imp.table && !o->imp.dist_file &&
		    (last_clears ||
		     (!is_clear && (o->imp.keys & ~last->imp.keys) == 0));

		if (useless)
			lk_linkspec_free(o);
		else
			l->v[k++] = *o;
	}
	l->v[k++] = l->v[l->len - 1];
	if (k < l->len) {
		l->len = k;
		/* Specs moved: index them again (without memory, lookups
		 * scan every spec instead). */
		(void)lk_links_reindex(l);
	}
}

/* Append s (checked, or a clear entry) and fold it into the index. */
static int append(struct lk_links *l, struct lk_linkspec *s, struct lk_error *e)
{
	if (l->len == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		struct lk_linkspec *v = realloc(l->v, cap * sizeof(*v));

		if (!v) {
			lk_linkspec_free(s);
			return lk_error_set(e, ENOMEM, "out of memory");
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->len++] = *s;
	if (lk_six_add(l->ix, &l->v[l->len - 1]) < 0) {
		lk_six_free(l->ix);
		l->ix = NULL;
		lk_linkspec_free(&l->v[--l->len]);
		return lk_error_set(e, ENOMEM, "out of memory");
	}
	ix_mark(l);
	return 0;
}

static int parse_indexed(struct lk_links *l, const char *text,
			 struct lk_linkspec *s, struct lk_error *e)
{
	int r = lk_linkspec_parse(text, l->n, s, e);

	if (r)
		return r;
	if (!ix_valid(l) && lk_links_reindex(l) < 0) {
		lk_linkspec_free(s);
		return lk_error_set(e, ENOMEM, "out of memory");
	}
	return 0;
}

int lk_links_add(struct lk_links *l, const char *text, struct lk_error *e)
{
	struct lk_six_failure f;
	struct lk_linkspec s;
	int r;

	r = parse_indexed(l, text, &s, e);
	if (r)
		return r;
	r = lk_six_check(l->ix, &s, &f);
	if (r < 0) {
		lk_linkspec_free(&s);
		return lk_error_set(e, ENOMEM, "out of memory");
	}
	if (f.any) {
		if (l->len == 0)
			r = lk_error_set(e, EINVAL, "link '%s': %s", s.text,
					 f.why);
		else
			r = lk_error_set(e, EINVAL,
					 "link '%s': %s (on %u>%u, with the "
					 "specs before it)",
					 s.text, f.why, f.src, f.dst);
		lk_linkspec_free(&s);
		return r;
	}
	return append(l, &s, e);
}

int lk_links_add_clear(struct lk_links *l, const char *text, struct lk_error *e)
{
	struct lk_linkspec s;
	int r = parse_indexed(l, text, &s, e);

	if (r)
		return r;
	/* No key: the defaults, which every rule accepts. */
	lk_dist_table_unref(s.imp.table);
	free(s.imp.dist_file);
	lk_impair_init(&s.imp);
	return append(l, &s, e);
}
