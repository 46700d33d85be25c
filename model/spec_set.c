/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spec_set.c — the ordered set of specs of a launch: adding (with the
 * check of every link a new spec names), resolving, iterating (spec_set.h). */
#include "model/spec_set.h"

#include "common/cleanup.h"
#include "common/error.h"
#include "model/links_index.h"
#include "model/spec_keys.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

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
	lk_lix_free(l->ix);
	memset(l, 0, sizeof(*l));
}

bool lk_links_resolve(const struct lk_links *l, unsigned src, unsigned dst,
		      struct lk_impair *out)
{
	bool named = false;
	size_t i;

	if (lk_lix_valid(l))
		return lk_lix_fold(l, src, dst, true, out);
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
	unsigned best = 0, c;
	size_t i, n;

	if (!lk_lix_valid(l)) {
		for (i = 0; i < l->len; i++)
			best = next_by_spec(&l->v[i], self, after, towards,
					    best);
		return best;
	}
	n = lk_lix_nranges(l);
	for (i = 0; i < n; i++)
		best = next_by_spec(lk_lix_range(l, i), self, after, towards,
				    best);
	c = lk_lix_next_pair_peer(l, self, after, towards);
	if (c && (!best || c < best))
		best = c;
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

static int cmp_unsigned(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

/* The link that fails lk_impair_check with the smallest (src, dst). */
struct failure {
	bool any;
	unsigned src, dst;
	char why[256];
};

/* Check src -> dst folded from the specs in l (only the range specs when
 * with_pairs is false), then c. */
static void check_link(const struct lk_links *l, const struct lk_linkspec *c,
		       unsigned src, unsigned dst, bool with_pairs,
		       struct failure *f)
{
	struct lk_impair imp;
	char why[256];

	if (f->any && (src > f->src || (src == f->src && dst >= f->dst)))
		return;
	lk_lix_fold(l, src, dst, with_pairs, &imp);
	lk_impair_apply(&imp, &c->imp);
	if (lk_impair_check(&imp, why, sizeof(why)) == 0)
		return;
	f->any = true;
	f->src = src;
	f->dst = dst;
	snprintf(f->why, sizeof(f->why), "%s", why);
}

static void add_cut(unsigned *cut, size_t *n, unsigned x, unsigned lo,
		    unsigned end)
{
	if (x > lo && x < end)
		cut[(*n)++] = x;
}

/* The bounds of the range specs that fall inside lo..hi on the source
 * (dst_axis false) or destination axis, with lo and hi + 1, sorted and
 * unique.  Returns how many, or -ENOMEM. */
static ssize_t range_cuts(const struct lk_links *l, unsigned lo, unsigned hi,
			  bool dst_axis, unsigned **out)
{
	size_t nr = lk_lix_nranges(l), n = 0, i, k;
	unsigned *cut = malloc((4 * nr + 2) * sizeof(*cut));

	if (!cut)
		return -ENOMEM;
	cut[n++] = lo;
	cut[n++] = hi + 1;
	for (i = 0; i < nr; i++) {
		const struct lk_linkspec *r = lk_lix_range(l, i);
		const struct lk_peer_range *mine = dst_axis ? &r->b : &r->a;
		const struct lk_peer_range *other = dst_axis ? &r->a : &r->b;

		add_cut(cut, &n, mine->lo, lo, hi + 1);
		add_cut(cut, &n, mine->hi + 1, lo, hi + 1);
		if (r->both) {
			add_cut(cut, &n, other->lo, lo, hi + 1);
			add_cut(cut, &n, other->hi + 1, lo, hi + 1);
		}
	}
	qsort(cut, n, sizeof(*cut), cmp_unsigned);
	for (i = 1, k = 1; i < n; i++)
		if (cut[i] != cut[k - 1])
			cut[k++] = cut[i];
	*out = cut;
	return (ssize_t)k;
}

/*
 * The links of the rectangle sa x sb that no pair spec names: which range
 * specs name (s, d) depends only on which of the intervals cut by the
 * range specs' bounds s and d fall in, so one such link per pair of
 * intervals stands for all of them.
 */
static int check_cells(const struct lk_links *l, const struct lk_linkspec *c,
		       const struct lk_peer_range *sa,
		       const struct lk_peer_range *sb, struct failure *f)
{
	_cleanup_free_ unsigned *cs = NULL, *cd = NULL;
	ssize_t ns = range_cuts(l, sa->lo, sa->hi, false, &cs);
	ssize_t nd = range_cuts(l, sb->lo, sb->hi, true, &cd);

	if (ns < 0 || nd < 0)
		return -ENOMEM;
	for (ssize_t i = 0; i + 1 < ns; i++)
		for (ssize_t j = 0; j + 1 < nd; j++) {
			bool found = false;

			for (unsigned s = cs[i]; s < cs[i + 1] && !found; s++)
				for (unsigned d = cd[j]; d < cd[j + 1]; d++) {
					if (s == d || lk_lix_has_pair(l, s, d))
						continue;
					check_link(l, c, s, d, false, f);
					found = true;
					break;
				}
		}
	return 0;
}

/*
 * Check every link the candidate c names, folded with the specs of l
 * (which l->ix describes) and then c: the links some pair spec names one
 * by one, the others by cells (check_cells).
 */
static int check_new(const struct lk_links *l, const struct lk_linkspec *c,
		     struct lk_error *e)
{
	struct failure f = {0};
	int r = 0;

	if (lk_lix_is_pair_spec(c)) {
		check_link(l, c, c->a.lo, c->b.lo, true, &f);
		if (c->both)
			check_link(l, c, c->b.lo, c->a.lo, true, &f);
	} else {
		size_t np = lk_lix_npairs(l);

		r = check_cells(l, c, &c->a, &c->b, &f);
		if (!r && c->both)
			r = check_cells(l, c, &c->b, &c->a, &f);
		if (r)
			return lk_error_set(e, ENOMEM, "out of memory");
		for (size_t i = 0; i < np; i++) {
			unsigned s, d;

			lk_lix_pair(l, i, &s, &d);
			if (lk_linkspec_names(c, s, d))
				check_link(l, c, s, d, true, &f);
		}
	}
	if (!f.any)
		return 0;
	if (l->len == 0)
		return lk_error_set(e, EINVAL, "link '%s': %s", c->text, f.why);
	return lk_error_set(e, EINVAL,
			    "link '%s': %s (on %u>%u, with the specs before "
			    "it)",
			    c->text, f.why, f.src, f.dst);
}

int lk_links_add(struct lk_links *l, const char *text, struct lk_error *e)
{
	struct lk_linkspec s;
	int r;

	r = lk_linkspec_parse(text, l->n, &s, e);
	if (r)
		return r;
	if (!lk_lix_valid(l) && lk_lix_rebuild(l) < 0) {
		lk_linkspec_free(&s);
		return lk_error_set(e, ENOMEM, "out of memory");
	}
	r = check_new(l, &s, e);
	if (r) {
		lk_linkspec_free(&s);
		return r;
	}
	if (l->len == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		struct lk_linkspec *v = realloc(l->v, cap * sizeof(*v));

		if (!v) {
			lk_linkspec_free(&s);
			return lk_error_set(e, ENOMEM, "out of memory");
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->len++] = s;
	if (lk_lix_append(l) < 0) {
		lk_linkspec_free(&l->v[--l->len]);
		return lk_error_set(e, ENOMEM, "out of memory");
	}
	return 0;
}

