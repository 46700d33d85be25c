/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * links_index.h — an index over a struct lk_links so that adding,
 * resolving and iterating do not scan every spec.
 *
 * A spec that names a single pair ("3>7", "3-7", "3..3>7") is a *pair
 * spec*; every other one is a *range spec*.  The index keeps the range
 * specs in order, and for each ordered pair that some pair spec names,
 * the chain of those specs in order (a hash table).  Folding a link is
 * then a merge of the range specs naming it with its chain: O(R + its
 * pair specs) instead of O(all specs), and checking a new pair spec
 * costs the same.  A mesh written as N(N-1) pair specs builds in linear
 * time.
 *
 * The index describes l->v[0 .. len-1] as lk_links_add left it; code
 * that removes specs (launcher/set_link.c compacts) makes it stale, which
 * lk_lix_valid detects (the count changes), and then lookups fall back to
 * scanning and the next lk_links_add rebuilds it.
 */
#ifndef LK_LINKS_INDEX_H
#define LK_LINKS_INDEX_H

#include "model/spec_set.h"
#include "model/spec_keys.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lk_links_ix;

/* Whether the spec names exactly one pair (one way, or both ways). */
bool lk_lix_is_pair_spec(const struct lk_linkspec *s);

/* Whether l->ix describes l->v as it is now. */
bool lk_lix_valid(const struct lk_links *l);
/* (Re)build l->ix from l->v.  Returns 0 or -ENOMEM (l->ix is then NULL). */
int lk_lix_rebuild(struct lk_links *l);
/* Index l->v[l->len - 1], just appended.  On -ENOMEM l->ix is dropped. */
int lk_lix_append(struct lk_links *l);
void lk_lix_free(struct lk_links_ix *x);

/* lk_links_resolve through a valid index; if with_pairs is false, only
 * the range specs count. */
bool lk_lix_fold(const struct lk_links *l, unsigned src, unsigned dst,
		 bool with_pairs, struct lk_impair *out);
/* Whether some pair spec names src -> dst. */
bool lk_lix_has_pair(const struct lk_links *l, unsigned src, unsigned dst);
/* The smallest destination (towards = false) or source (towards = true)
 * > after that a pair spec links with self; 0 when none. */
unsigned lk_lix_next_pair_peer(const struct lk_links *l, unsigned self,
			       unsigned after, bool towards);
/* The range specs, in order: count and the i-th. */
size_t lk_lix_nranges(const struct lk_links *l);
const struct lk_linkspec *lk_lix_range(const struct lk_links *l, size_t i);
/* The distinct pairs pair specs name, in no particular order. */
size_t lk_lix_npairs(const struct lk_links *l);
void lk_lix_pair(const struct lk_links *l, size_t i, unsigned *src,
		 unsigned *dst);

#endif
