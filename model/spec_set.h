/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * spec_set.h — the set of specs of a launch.
 *
 * N can be 65534, so nothing here is stored per pair: a struct lk_links
 * is the ordered list of parsed specs, and lk_links_resolve() folds, in
 * order, every spec that names a (source, destination) pair, key by key.
 * An index (model/spec_index.h) keeps every link's folded conditions up to
 * date as specs are added, so that adding (with its check), resolving and
 * iterating do not fold the specs again: a mesh written as N(N-1) pair
 * specs, or many small range specs, build in linear time.
 */
#ifndef LK_SPEC_SET_H
#define LK_SPEC_SET_H

#include "model/spec_parse.h"

#include <stdbool.h>
#include <stddef.h>

struct lk_spec_index;

struct lk_links {
	unsigned n; /* peers, numbered 1..n */
	struct lk_linkspec *v;
	size_t len, cap;
	struct lk_spec_index *ix; /* model/spec_index.h; NULL until needed */
};

void lk_links_init(struct lk_links *l, unsigned n);
void lk_links_free(struct lk_links *l);
/* Parse SPEC, append it, and check every link it names once folded with
 * the specs before it (lk_impair_check).  On error l is unchanged.  Costs
 * O(1) expected for a spec naming one pair (O(log R) with R range specs),
 * O(the index's cells and pairs it covers) for a range spec. */
int lk_links_add(struct lk_links *l, const char *text, struct lk_error *e);
/* Parse SPEC and append it as a clear entry: its keys dropped, it resets
 * the links it names to the defaults and to "not named" (what `clear`
 * does).  Parse errors as lk_links_add; on error l is unchanged. */
int lk_links_add_clear(struct lk_links *l, const char *text,
		       struct lk_error *e);
/* Drop the specs that the last one makes useless, so that a long session
 * of changes (a timeline, a chaos script) does not make every later
 * change slower: an older spec whose links the last one all names and
 * whose keys it all sets (or that a later clear resets) no longer counts
 * for any link.  Clear entries are kept unless a later clear covers
 * them, and specs with a distribution table are kept (engines may hold
 * on to the table).  No link's conditions change. */
void lk_links_compact(struct lk_links *l);
/* Index l->v again, after specs were removed from it (as
 * launcher/set_link.c compacts).  Returns 0, or -ENOMEM: lookups then scan
 * every spec until the next lk_links_add. */
int lk_links_reindex(struct lk_links *l);

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
