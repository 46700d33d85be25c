/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * spec_parse.h — one --link SPEC ("LINKS:PARAMS", docs/link-spec.md):
 * the links it names and the keys it sets.  Pure, except that a spec
 * naming a table file (dist=PATH) reads it.
 */
#ifndef LK_SPEC_PARSE_H
#define LK_SPEC_PARSE_H

#include "model/impair.h"
#include "linkem.h"

#include <stdbool.h>

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

/* Parse one SPEC for a launch of n peers.  Returns 0, or -EINVAL (-ENOENT
 * etc. for a table file) with a message quoting the offending text. */
int lk_linkspec_parse(const char *text, unsigned n, struct lk_linkspec *out,
		      struct lk_error *e);
void lk_linkspec_free(struct lk_linkspec *s);
/* Whether the spec names the link from src to dst (never src == dst). */
bool lk_linkspec_names(const struct lk_linkspec *s, unsigned src, unsigned dst);

#endif
