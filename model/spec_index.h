/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * spec_index.h — every link's folded conditions, kept up to date as specs
 * are added, so that adding a spec, checking it, resolving a link and
 * iterating a peer's links do not fold the specs again.
 *
 * The links are held in two parts:
 *
 *  - a grid for the range specs: the sources cut into rows at the range
 *    specs' source bounds, each row's destinations cut into cells at the
 *    bounds of the specs that cover the row.  Every link of a cell has
 *    the same fold, so a cell holds one *state*: the folded conditions,
 *    whether the link is named (the fold's result) and whether some spec
 *    names it at all.  States are interned: cells (and pairs) with equal
 *    folds share one, and applying a spec to a state is computed once per
 *    state per spec.
 *  - a hash table of the links that pair specs name ("3>7", "3-7"), each
 *    with its own state (the grid's state at the time, then the pair
 *    specs and the later range specs that name it), and per peer the
 *    list of its pairs, for rectangles and iteration.
 *
 * Costs (R range specs, P pairs): a pair spec adds and is checked in O(1)
 * expected (plus O(log R) to find its cell); a range spec in O(cells and
 * pairs it covers + rows it spans); resolving a link is O(1) for a pair,
 * O(log R) otherwise; iterating a peer's destinations costs O(log R) per
 * step, amortised.  A mesh of N(N-1) pair specs builds in linear time;
 * R small range specs make O(R) cells, so a following "*>*" costs O(R).
 *
 * The index knows nothing of struct lk_links: model/spec_set.c feeds it
 * the specs in order and rebuilds it when specs were removed behind its
 * back.
 */
#ifndef LK_SPEC_INDEX_H
#define LK_SPEC_INDEX_H

#include "model/spec_parse.h"

#include <stdbool.h>
#include <stddef.h>

struct lk_spec_index;

/* A link that fails lk_impair_check: the smallest (src, dst). */
struct lk_six_failure {
	bool any;
	unsigned src, dst;
	char why[256];
};

/* An empty index for peers 1..n.  NULL when out of memory. */
struct lk_spec_index *lk_six_new(unsigned n);
void lk_six_free(struct lk_spec_index *x);

/* Check every link spec c names, folded with the specs added so far and
 * then c: the smallest failing link into *f (f->any false when none).
 * Returns 0 or -ENOMEM. */
int lk_six_check(struct lk_spec_index *x, const struct lk_linkspec *c,
		 struct lk_six_failure *f);
/* Fold spec c into every link it names (a spec without keys resets
 * them).  Table and file name pointers are borrowed from c, which must
 * outlive the index.  Returns 0 or -ENOMEM (then the index is unusable:
 * free it). */
int lk_six_add(struct lk_spec_index *x, const struct lk_linkspec *c);

/* The folded conditions of src -> dst, and whether the link is named
 * (see lk_links_resolve). */
bool lk_six_resolve(const struct lk_spec_index *x, unsigned src, unsigned dst,
		    struct lk_impair *out);
/* The smallest destination (towards = false) or source (towards = true)
 * > after that some spec links with self; 0 when none. */
unsigned lk_six_next(const struct lk_spec_index *x, unsigned self,
		     unsigned after, bool towards);

/* What the index was fed: the caller's bookkeeping, so that it can tell
 * when its specs changed behind the index's back. */
struct lk_six_mark {
	size_t len;	       /* specs added */
	const char *last_text; /* the last one's text pointer */
	unsigned last_keys;    /* and its keys */
};
struct lk_six_mark *lk_six_mark(struct lk_spec_index *x);
const struct lk_six_mark *lk_six_mark_const(const struct lk_spec_index *x);

#endif
