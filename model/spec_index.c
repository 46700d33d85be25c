/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spec_index.c — every link's folded conditions: a grid of cells for the
 * range specs, a hash table for the pairs that pair specs name, interned
 * states (spec_index.h). */
#include "model/spec_index.h"

#include "model/spec_keys.h"
#include "model/spec_states.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE LK_STATE_NONE

/* Destinations cell.lo .. (the next cell's lo - 1, or n) of one row. */
struct cell {
	uint32_t lo, st;
};

/* Sources row.lo .. (the next row's lo - 1, or n). */
struct row {
	uint32_t lo;
	uint32_t n, cap;
	struct cell *c;
};

/* A pair's state is its own: pairs are many and mostly distinct, so they
 * are neither interned nor memoised. */
struct pair {
	uint64_t key; /* src << 32 | dst */
	struct lk_link_state s;
};

/* One peer's pairs: the other end and the pair's index. */
struct pref {
	uint32_t peer, pair;
};

struct plist {
	struct pref *v;
	uint32_t n, cap;
	bool unsorted;
};

/* A pair's key kept beside its index, so that probing does not touch the
 * pairs themselves. */
struct pslot {
	uint64_t key;
	uint32_t id; /* pair index + 1; 0 = empty */
};

struct lk_spec_index {
	unsigned n;
	struct lk_six_mark mark;

	struct lk_states states; /* the cells' states */

	struct row *rows;
	size_t nrows, crows;

	struct pair *pairs;
	size_t npairs, cpairs;
	struct pslot *p_slots; /* open addressing */
	size_t p_nslots;
	struct plist *by_src, *by_dst; /* [n + 1]; NULL until a pair */
};

/* ---- the grid ---------------------------------------------------------- */

/* The row holding source s (rows[0].lo is 1). */
static size_t row_find(const struct lk_spec_index *x, unsigned s)
{
	size_t lo = 0, hi = x->nrows;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (x->rows[mid].lo <= s)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static unsigned row_end(const struct lk_spec_index *x, size_t i)
{
	return i + 1 < x->nrows ? x->rows[i + 1].lo - 1 : x->n;
}

static size_t cell_find(const struct row *r, unsigned d)
{
	size_t lo = 0, hi = r->n;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->c[mid].lo <= d)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static unsigned cell_end(const struct lk_spec_index *x, const struct row *r,
			 size_t j)
{
	return j + 1 < r->n ? r->c[j + 1].lo - 1 : x->n;
}

/* Make a row start at source at (when 1 < at <= n). */
static int row_split(struct lk_spec_index *x, unsigned at)
{
	struct row nr = {.lo = at};
	size_t i;

	if (at <= 1 || at > x->n)
		return 0;
	i = row_find(x, at);
	if (x->rows[i].lo == at)
		return 0;
	if (lk_grow((void **)&x->rows, &x->crows, x->nrows, sizeof(*x->rows)))
		return -ENOMEM;
	nr.n = nr.cap = x->rows[i].n;
	nr.c = malloc(nr.cap * sizeof(*nr.c));
	if (!nr.c)
		return -ENOMEM;
	memcpy(nr.c, x->rows[i].c, nr.n * sizeof(*nr.c));
	memmove(&x->rows[i + 2], &x->rows[i + 1],
		(x->nrows - i - 1) * sizeof(*x->rows));
	x->rows[i + 1] = nr;
	x->nrows++;
	return 0;
}

/* Make a cell of row r start at destination at (when 1 < at <= n). */
static int cell_split(struct lk_spec_index *x, struct row *r, unsigned at)
{
	size_t j;
	size_t cap = r->cap;

	if (at <= 1 || at > x->n)
		return 0;
	j = cell_find(r, at);
	if (r->c[j].lo == at)
		return 0;
	if (lk_grow((void **)&r->c, &cap, r->n, sizeof(*r->c)))
		return -ENOMEM;
	r->cap = (uint32_t)cap;
	memmove(&r->c[j + 2], &r->c[j + 1], (r->n - j - 1) * sizeof(*r->c));
	r->c[j + 1] = (struct cell){.lo = at, .st = r->c[j].st};
	r->n++;
	return 0;
}

static uint32_t grid_state(const struct lk_spec_index *x, unsigned s,
			   unsigned d)
{
	const struct row *r = &x->rows[row_find(x, s)];

	return r->c[cell_find(r, d)].st;
}

/* ---- pairs ------------------------------------------------------------- */

static uint64_t key_of(unsigned src, unsigned dst)
{
	return (uint64_t)src << 32 | dst;
}

static void pair_slot_put(struct lk_spec_index *x, uint32_t id)
{
	size_t m = x->p_nslots - 1, i = lk_hash_mix(x->pairs[id].key) & m;

	while (x->p_slots[i].id)
		i = (i + 1) & m;
	x->p_slots[i] = (struct pslot){.key = x->pairs[id].key, .id = id + 1};
}

static uint32_t pair_find(const struct lk_spec_index *x, unsigned src,
			  unsigned dst)
{
	uint64_t k = key_of(src, dst);
	size_t m, i;

	if (!x->p_nslots)
		return NONE;
	m = x->p_nslots - 1;
	for (i = lk_hash_mix(k) & m; x->p_slots[i].id; i = (i + 1) & m)
		if (x->p_slots[i].key == k)
			return x->p_slots[i].id - 1;
	return NONE;
}

static int plist_add(struct plist *pl, uint32_t peer, uint32_t pair)
{
	size_t cap = pl->cap;

	if (lk_grow((void **)&pl->v, &cap, pl->n, sizeof(*pl->v)))
		return -ENOMEM;
	pl->cap = (uint32_t)cap;
	if (pl->n && pl->v[pl->n - 1].peer > peer)
		pl->unsorted = true;
	pl->v[pl->n++] = (struct pref){.peer = peer, .pair = pair};
	return 0;
}

/* The pair src -> dst, made (with the grid's state) if new. */
static uint32_t pair_get(struct lk_spec_index *x, unsigned src, unsigned dst)
{
	uint32_t id = pair_find(x, src, dst);

	if (id != NONE)
		return id;
	if (!x->by_src) {
		x->by_src = calloc(x->n + 1, sizeof(*x->by_src));
		x->by_dst = calloc(x->n + 1, sizeof(*x->by_dst));
		if (!x->by_src || !x->by_dst)
			return NONE;
	}
	if (x->npairs >= NONE - 1 || lk_grow((void **)&x->pairs, &x->cpairs,
					     x->npairs, sizeof(*x->pairs)))
		return NONE;
	if (2 * (x->npairs + 1) >= x->p_nslots) {
		size_t n = x->p_nslots ? 2 * x->p_nslots : 64;
		struct pslot *sl = calloc(n, sizeof(*sl));

		if (!sl)
			return NONE;
		free(x->p_slots);
		x->p_slots = sl;
		x->p_nslots = n;
		for (size_t k = 0; k < x->npairs; k++)
			pair_slot_put(x, (uint32_t)k);
	}
	id = (uint32_t)x->npairs;
	if (plist_add(&x->by_src[src], dst, id) ||
	    plist_add(&x->by_dst[dst], src, id))
		return NONE;
	x->pairs[id].key = key_of(src, dst);
	memcpy(&x->pairs[id].s, &x->states.v[grid_state(x, src, dst)],
	       sizeof(struct lk_link_state));
	x->npairs++;
	pair_slot_put(x, id);
	return id;
}

static int cmp_pref(const void *a, const void *b)
{
	const struct pref *x = a, *y = b;

	return x->peer < y->peer ? -1 : x->peer > y->peer;
}

/* ---- the index --------------------------------------------------------- */

struct lk_spec_index *lk_six_new(unsigned n)
{
	struct lk_spec_index *x = calloc(1, sizeof(*x));
	struct lk_link_state s = {0};

	if (!x)
		return NULL;
	x->n = n;
	lk_impair_init(&s.imp);
	x->rows = calloc(1, sizeof(*x->rows));
	if (!x->rows || lk_states_intern(&x->states, &s) != 0)
		goto fail;
	x->nrows = x->crows = 1;
	x->rows[0] = (struct row){.lo = 1, .n = 1, .cap = 1};
	x->rows[0].c = calloc(1, sizeof(struct cell));
	if (!x->rows[0].c)
		goto fail;
	x->rows[0].c[0] = (struct cell){.lo = 1, .st = 0};
	return x;
fail:
	lk_six_free(x);
	return NULL;
}

void lk_six_free(struct lk_spec_index *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->nrows; i++)
		free(x->rows[i].c);
	free(x->rows);
	if (x->by_src)
		for (unsigned p = 0; p <= x->n; p++)
			free(x->by_src[p].v);
	if (x->by_dst)
		for (unsigned p = 0; p <= x->n; p++)
			free(x->by_dst[p].v);
	free(x->by_src);
	free(x->by_dst);
	free(x->pairs);
	free(x->p_slots);
	lk_states_free(&x->states);
	free(x);
}

struct lk_six_mark *lk_six_mark(struct lk_spec_index *x)
{
	return &x->mark;
}

const struct lk_six_mark *lk_six_mark_const(const struct lk_spec_index *x)
{
	return &x->mark;
}

static bool is_pair_spec(const struct lk_linkspec *c)
{
	return c->a.lo == c->a.hi && c->b.lo == c->b.hi;
}

static bool link_less(unsigned s, unsigned d, const struct lk_six_failure *f)
{
	return !f->any || s < f->src || (s == f->src && d < f->dst);
}

static void note(struct lk_six_failure *f, unsigned s, unsigned d)
{
	if (link_less(s, d, f)) {
		f->any = true;
		f->src = s;
		f->dst = d;
	}
}

/* The smallest link of s0..s1 x d0..d1 that is not a peer to itself and
 * that no pair spec names, if it comes before *f. */
static void first_free(const struct lk_spec_index *x, unsigned s0, unsigned s1,
		       unsigned d0, unsigned d1, struct lk_six_failure *f)
{
	for (unsigned s = s0; s <= s1 && link_less(s, d0, f); s++) {
		bool pairs = x->by_src && x->by_src[s].n;

		for (unsigned d = d0; d <= d1 && link_less(s, d, f); d++) {
			if (s == d || (pairs && pair_find(x, s, d) != NONE))
				continue;
			note(f, s, d);
			return;
		}
	}
}

/* Check the links of a x b (one orientation of c) that no pair names. */
static int check_rect(struct lk_spec_index *x, const struct lk_linkspec *c,
		      const struct lk_peer_range *a,
		      const struct lk_peer_range *b, struct lk_six_failure *f)
{
	for (size_t i = row_find(x, a->lo);
	     i < x->nrows && x->rows[i].lo <= a->hi; i++) {
		const struct row *r = &x->rows[i];
		unsigned s0 = r->lo > a->lo ? r->lo : a->lo;
		unsigned s1 = row_end(x, i) < a->hi ? row_end(x, i) : a->hi;

		if (!link_less(s0, b->lo, f))
			break;
		for (size_t j = cell_find(r, b->lo);
		     j < r->n && r->c[j].lo <= b->hi; j++) {
			unsigned d0 = r->c[j].lo > b->lo ? r->c[j].lo : b->lo;
			unsigned e = cell_end(x, r, j);
			unsigned d1 = e < b->hi ? e : b->hi;
			int bad =
			    lk_states_fails_memo(&x->states, r->c[j].st, c);

			if (bad < 0)
				return bad;
			if (bad)
				first_free(x, s0, s1, d0, d1, f);
		}
	}
	return 0;
}

typedef void pair_fn(struct pair *p, unsigned s, unsigned d,
		     const struct lk_linkspec *c, struct lk_six_failure *f);

/* Call fn on every pair s -> d with d in b: by scanning s's pairs, or by
 * looking up each d of b when b is the smaller, so that a narrow range
 * spec over a mesh costs what it names. */
static void row_pairs(struct lk_spec_index *x, unsigned s,
		      const struct lk_peer_range *b, pair_fn *fn,
		      const struct lk_linkspec *c, struct lk_six_failure *f)
{
	const struct plist *pl = &x->by_src[s];

	if ((uint64_t)b->hi - b->lo + 1 < pl->n) {
		for (unsigned d = b->lo; d <= b->hi; d++) {
			uint32_t id = pair_find(x, s, d);

			if (id != NONE)
				fn(&x->pairs[id], s, d, c, f);
		}
		return;
	}
	for (uint32_t k = 0; k < pl->n; k++) {
		unsigned d = pl->v[k].peer;

		if (d >= b->lo && d <= b->hi)
			fn(&x->pairs[pl->v[k].pair], s, d, c, f);
	}
}

static void check_pair(struct pair *p, unsigned s, unsigned d,
		       const struct lk_linkspec *c, struct lk_six_failure *f)
{
	if (link_less(s, d, f) && lk_link_state_fails(&p->s, c))
		note(f, s, d);
}

static void fold_pair(struct pair *p, unsigned s, unsigned d,
		      const struct lk_linkspec *c, struct lk_six_failure *f)
{
	(void)s;
	(void)d;
	(void)f;
	lk_link_state_fold(&p->s, c);
}

/* Check the pairs of a x b. */
static void check_pairs(struct lk_spec_index *x, const struct lk_linkspec *c,
			const struct lk_peer_range *a,
			const struct lk_peer_range *b, struct lk_six_failure *f)
{
	if (!x->by_src)
		return;
	for (unsigned s = a->lo; s <= a->hi && link_less(s, 0, f); s++)
		row_pairs(x, s, b, check_pair, c, f);
}

/* The state of link s -> d. */
static const struct lk_link_state *state_of(const struct lk_spec_index *x,
					    unsigned s, unsigned d)
{
	uint32_t p = pair_find(x, s, d);

	return p != NONE ? &x->pairs[p].s : &x->states.v[grid_state(x, s, d)];
}

int lk_six_check(struct lk_spec_index *x, const struct lk_linkspec *c,
		 struct lk_six_failure *f)
{
	struct lk_impair imp;
	int r = 0;

	memset(f, 0, sizeof(*f));
	lk_states_memo_reset(&x->states);
	if (is_pair_spec(c)) {
		for (int k = 0; k < (c->both ? 2 : 1); k++) {
			unsigned s = k ? c->b.lo : c->a.lo;
			unsigned d = k ? c->a.lo : c->b.lo;

			if (lk_link_state_fails(state_of(x, s, d), c))
				note(f, s, d);
		}
	} else {
		r = check_rect(x, c, &c->a, &c->b, f);
		if (!r && c->both)
			r = check_rect(x, c, &c->b, &c->a, f);
		check_pairs(x, c, &c->a, &c->b, f);
		if (c->both)
			check_pairs(x, c, &c->b, &c->a, f);
	}
	lk_states_memo_reset(&x->states);
	if (r < 0)
		return r;
	if (f->any) {
		memcpy(&imp, &state_of(x, f->src, f->dst)->imp, sizeof(imp));
		lk_impair_fold_one(&imp, &c->imp);
		lk_impair_check(&imp, f->why, sizeof(f->why));
	}
	return 0;
}

/* Apply c to the cells and pairs of a x b. */
static int add_rect(struct lk_spec_index *x, const struct lk_linkspec *c,
		    const struct lk_peer_range *a,
		    const struct lk_peer_range *b)
{
	if (row_split(x, a->lo) || row_split(x, a->hi + 1))
		return -ENOMEM;
	for (size_t i = row_find(x, a->lo);
	     i < x->nrows && x->rows[i].lo <= a->hi; i++) {
		struct row *r = &x->rows[i];

		if (cell_split(x, r, b->lo) || cell_split(x, r, b->hi + 1))
			return -ENOMEM;
		for (size_t j = cell_find(r, b->lo);
		     j < r->n && r->c[j].lo <= b->hi; j++) {
			uint32_t to =
			    lk_states_fold_memo(&x->states, r->c[j].st, c);

			if (to == NONE)
				return -ENOMEM;
			r->c[j].st = to;
		}
	}
	if (!x->by_src)
		return 0;
	for (unsigned s = a->lo; s <= a->hi; s++)
		row_pairs(x, s, b, fold_pair, c, NULL);
	return 0;
}

int lk_six_add(struct lk_spec_index *x, const struct lk_linkspec *c)
{
	int r = 0;

	lk_states_memo_reset(&x->states);
	if (is_pair_spec(c)) {
		for (int k = 0; k < (c->both ? 2 : 1); k++) {
			unsigned s = k ? c->b.lo : c->a.lo;
			unsigned d = k ? c->a.lo : c->b.lo;
			uint32_t id = pair_get(x, s, d);

			if (id == NONE)
				return -ENOMEM;
			lk_link_state_fold(&x->pairs[id].s, c);
		}
		return 0;
	}
	r = add_rect(x, c, &c->a, &c->b);
	if (!r && c->both)
		r = add_rect(x, c, &c->b, &c->a);
	lk_states_memo_reset(&x->states);
	return r;
}

bool lk_six_resolve(const struct lk_spec_index *x, unsigned src, unsigned dst,
		    struct lk_impair *out)
{
	const struct lk_link_state *s;

	if (src == dst || src < 1 || dst < 1 || src > x->n || dst > x->n) {
		lk_impair_init(out);
		return false;
	}
	s = state_of(x, src, dst);
	memcpy(out, &s->imp, sizeof(*out));
	return s->named;
}

/* The smallest destination > after in self's row that a range spec
 * names, or 0. */
static unsigned next_dst_grid(const struct lk_spec_index *x, unsigned self,
			      unsigned after)
{
	const struct row *r = &x->rows[row_find(x, self)];

	if (after >= x->n)
		return 0;
	for (size_t j = cell_find(r, after + 1); j < r->n; j++) {
		unsigned lo = r->c[j].lo > after + 1 ? r->c[j].lo : after + 1;

		if (!x->states.v[r->c[j].st].touched)
			continue;
		if (lo == self)
			lo++;
		if (lo <= cell_end(x, r, j))
			return lo;
	}
	return 0;
}

/* The smallest source > after whose link to self a range spec names, or
 * 0.  O(rows): only tests and tools ask for sources. */
static unsigned next_src_grid(const struct lk_spec_index *x, unsigned self,
			      unsigned after)
{
	if (after >= x->n)
		return 0;
	for (size_t i = row_find(x, after + 1); i < x->nrows; i++) {
		const struct row *r = &x->rows[i];
		unsigned lo = r->lo > after + 1 ? r->lo : after + 1;

		if (!x->states.v[r->c[cell_find(r, self)].st].touched)
			continue;
		if (lo == self)
			lo++;
		if (lo <= row_end(x, i))
			return lo;
	}
	return 0;
}

unsigned lk_six_next(const struct lk_spec_index *x, unsigned self,
		     unsigned after, bool towards)
{
	unsigned best, c = 0;
	struct plist *pl;
	size_t lo, hi;

	if (self < 1 || self > x->n)
		return 0;
	best = towards ? next_src_grid(x, self, after)
		       : next_dst_grid(x, self, after);
	if (!x->by_src)
		return best;
	/* Sorting a peer's list does not change what the index means. */
	pl = towards ? &x->by_dst[self] : &x->by_src[self];
	if (pl->unsorted) {
		qsort(pl->v, pl->n, sizeof(*pl->v), cmp_pref);
		pl->unsorted = false;
	}
	lo = 0;
	hi = pl->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pl->v[mid].peer <= after)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < pl->n)
		c = pl->v[lo].peer;
	if (c && (!best || c < best))
		best = c;
	return best;
}
