/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * linkspec.h — the --link SPEC language ("LINKS:PARAMS", docs/link-spec.md)
 * and the set of specs of a launch.
 *
 * N can be 65534, so nothing here is stored per pair: a struct lk_links is
 * the ordered list of parsed specs, and lk_links_resolve() folds, in
 * order, every spec that names a (source, destination) pair, key by key.
 * An index (model/links_index.h) keeps the specs that name a single pair
 * by pair, so that a mesh written as N(N-1) pair specs adds, resolves and
 * iterates in time linear in the number of specs.
 * Pure, except that a spec naming a table file (dist=PATH) reads it.
 */
#ifndef LK_LINKSPEC_H
#define LK_LINKSPEC_H

#include "model/impair.h"
#include "linkem.h"

#include <stdbool.h>
#include <stddef.h>

/* A set of peers: lo..hi inclusive ('*' is 1..n). */
struct lk_peer_range {
	unsigned lo, hi;
};

struct lk_linkspec {
	char *text; /* the SPEC as given, for messages */
	struct lk_peer_range a, b;
	bool both;	      /* "A-B": also from B to A; "A>B": only A to B */
	struct lk_impair imp; /* imp.keys: the keys this spec sets */
};

struct lk_links_ix;

struct lk_links {
	unsigned n; /* peers, numbered 1..n */
	struct lk_linkspec *v;
	size_t len, cap;
	struct lk_links_ix *ix; /* model/links_index.h; NULL until needed */
};

/* Parse one SPEC for a launch of n peers.  Returns 0, or -EINVAL (-ENOENT
 * etc. for a table file) with a message quoting the offending text. */
int lk_linkspec_parse(const char *text, unsigned n, struct lk_linkspec *out,
		      struct lk_error *e);
void lk_linkspec_free(struct lk_linkspec *s);
/* Whether the spec names the link from src to dst (never src == dst). */
bool lk_linkspec_names(const struct lk_linkspec *s, unsigned src, unsigned dst);

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
/* One step of that fold: apply spec to *out, or reset *out for a clear
 * entry.  Returns whether the link is named after it. */
bool lk_impair_fold_one(struct lk_impair *out, const struct lk_impair *spec);
/* Iterate over the destinations some spec names from src, in increasing
 * order: first call with after = 0; returns 0 when there are no more. */
unsigned lk_links_next_dst(const struct lk_links *l, unsigned src,
			   unsigned after);
/* The same for sources that some spec names towards dst. */
unsigned lk_links_next_src(const struct lk_links *l, unsigned dst,
			   unsigned after);

/* ---- the model itself ---- */

/* No keys, nothing impaired. */
void lk_impair_init(struct lk_impair *imp);
/* Copy into dst every key that src sets (src->keys), and add the bits. */
void lk_impair_apply(struct lk_impair *dst, const struct lk_impair *src);
/* The rules a usable link obeys (jitter, reorder and dist need a delay,
 * ecn needs a loss model, gap needs reorder, overhead/cell keys need
 * netem-rate, burst/latency/queue need rate).  Returns 0, or -EINVAL with
 * the reason written to why. */
int lk_impair_check(const struct lk_impair *imp, char *why, size_t len);
/* Whether the link behaves like no impairment at all (so an engine can
 * leave it out). */
bool lk_impair_is_noop(const struct lk_impair *imp);
/* Whether a netem qdisc is needed: anything but the token bucket alone
 * (down is sent to netem as 100% loss). */
bool lk_impair_needs_netem(const struct lk_impair *imp);

/* The keys imp sets, as PARAMS text that parses back to the same values
 * ("delay=50ms,loss=5%,..."; "" when none), for messages, logs and
 * linkem-ctl.  Returns the length it needed (like snprintf). */
int lk_impair_format(const struct lk_impair *imp, char *buf, size_t size);

#endif
