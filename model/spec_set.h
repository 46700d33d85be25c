/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * spec_set.h — the set of specs of a launch.
 *
 * N can be 65534, so nothing here is stored per pair: a struct lk_links
 * is the ordered list of parsed specs, and lk_links_resolve() folds, in
 * order, every spec that names a (source, destination) pair, key by key.
 * An index (model/links_index.h) keeps the specs that name a single pair
 * by pair, so that a mesh written as N(N-1) pair specs adds, resolves and
 * iterates in time linear in the number of specs.
 */
#ifndef LK_SPEC_SET_H
#define LK_SPEC_SET_H

#include "model/spec_parse.h"

#include <stdbool.h>
#include <stddef.h>

struct lk_links_ix;

struct lk_links {
	unsigned n; /* peers, numbered 1..n */
	struct lk_linkspec *v;
	size_t len, cap;
	struct lk_links_ix *ix; /* model/links_index.h; NULL until needed */
};

void lk_links_init(struct lk_links *l, unsigned n);
void lk_links_free(struct lk_links *l);
/* Parse SPEC, append it, and check every link it names once folded with
 * the specs before it (lk_impair_check).  On error l is unchanged.  Costs
 * O(range specs + pair specs on its links) for a spec naming one pair. */
int lk_links_add(struct lk_links *l, const char *text, struct lk_error *e);

/* The conditions of the link src -> dst: defaults, then every spec naming
 * it, in order, key by key.  Returns true when at least one spec names it.
 * A spec without keys (a clear entry: only lk_launch_clear_links makes
 * one) resets the link to the defaults and to "not named".  Table and file
 * name pointers in *out are borrowed from l. */
bool lk_links_resolve(const struct lk_links *l, unsigned src, unsigned dst,
		      struct lk_impair *out);
/* Iterate over the destinations some spec names from src, in increasing
 * order: first call with after = 0; returns 0 when there are no more. */
unsigned lk_links_next_dst(const struct lk_links *l, unsigned src,
			   unsigned after);
/* The same for sources that some spec names towards dst. */
unsigned lk_links_next_src(const struct lk_links *l, unsigned dst,
			   unsigned after);

#endif
