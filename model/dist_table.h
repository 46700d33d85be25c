/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dist_table.h — netem delay distribution tables: the built-in ones
 * computed the way iproute2's netem/{normal,pareto,paretonormal}.c compute
 * them (so linkem needs no iproute2 files at run time), and a reader for a
 * user's table file in tc's text format.
 */
#ifndef LK_DIST_TABLE_H
#define LK_DIST_TABLE_H

#include "model/impair.h"
#include "linkem.h"

#include <stddef.h>

#define LK_DIST_SCALE 8192 /* NETEM_DIST_SCALE */
#define LK_DIST_BUILTIN_LEN 4096

/* "uniform", "normal", ...; "file" for LK_DIST_FILE, "" for NONE. */
const char *lk_dist_name(enum lk_dist d);
/* uniform | normal | pareto | paretonormal.  -EINVAL otherwise. */
int lk_dist_from_name(const char *s, enum lk_dist *out);
/* Whether netem needs a table for d (normal, pareto, paretonormal, file). */
bool lk_dist_needs_table(enum lk_dist d);

/* Compute the built-in table for normal, pareto or paretonormal: 4096
 * values, as iproute2 6.1 generates normal.dist etc.  Pure.  Returns a new
 * table (refs 1), or NULL for another d or when out of memory. */
struct lk_dist_table *lk_dist_table_make(enum lk_dist d);

/* Parse a table in tc's format: lines starting with '#' are comments, the
 * rest holds integers (decimal, or 0x hex like tc's strtol) separated by
 * white space, each in -32768..32767, at most LK_DIST_TABLE_MAX of them.
 * name names the text in messages ("FILE:LINE: ...").  Pure. */
int lk_dist_table_parse(const char *text, size_t len, const char *name,
			struct lk_dist_table **out, struct lk_error *e);
/* Read and parse a table file. */
int lk_dist_table_load(const char *path, struct lk_dist_table **out,
		       struct lk_error *e);

/*
 * Sampling, as netem does it (net/sched/sch_netem.c), so that the
 * userspace engine draws delays the way the kernel would.
 *
 * Correlated random numbers: each next value is
 *   (fresh * (2^32 - rho') + last * rho') >> 32, rho' = rho + 1,
 * or the fresh value itself when rho is 0.
 */
struct lk_crnd {
	uint32_t last;
	uint32_t rho; /* correlation, scaled to UINT32_MAX */
};
uint32_t lk_crnd_next(struct lk_crnd *st, uint32_t fresh);

/* netem's tabledist: a delay around mu with spread sigma (ns).  Without a
 * table: uniform in [mu - sigma, mu + sigma); with one, table[rnd % len]
 * scaled by sigma / 8192, rounded like the kernel. */
int64_t lk_tabledist(int64_t mu, int64_t sigma, uint32_t rnd,
		     const struct lk_dist_table *t);

struct lk_dist_table *lk_dist_table_ref(struct lk_dist_table *t);
void lk_dist_table_unref(struct lk_dist_table *t);

#endif
