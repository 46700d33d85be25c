/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* links_index.c — range specs in order, pair specs by pair (links_index.h). */
#include "model/links_index.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX

struct ix_pair {
	uint64_t key;	     /* src << 32 | dst */
	uint32_t head, tail; /* items, in spec order */
};

struct ix_item {
	size_t spec;
	uint32_t next;
};

struct lk_links_ix {
	/* what it describes: l->v[0 .. len-1], the last one's text */
	size_t len;
	const char *last_text;

	size_t *ranges;
	size_t nranges, cranges;

	struct ix_pair *pairs;
	size_t npairs, cpairs;
	uint32_t *slots; /* open addressing: pair index + 1, 0 = empty */
	size_t nslots;	 /* a power of two, > 2 * npairs */

	struct ix_item *items;
	size_t nitems, citems;

	/* pair keys sorted by (src, dst) and as (dst << 32 | src) sorted,
	 * for iteration; rebuilt on demand after pairs were added */
	uint64_t *by_src, *by_dst;
	bool sorted;
};

static uint64_t key_of(unsigned src, unsigned dst)
{
	return (uint64_t)src << 32 | dst;
}

static size_t hash(uint64_t k, size_t nslots)
{
	k *= 0x9e3779b97f4a7c15ull;
	return (size_t)(k ^ (k >> 29)) & (nslots - 1);
}

bool lk_lix_is_pair_spec(const struct lk_linkspec *s)
{
	return s->a.lo == s->a.hi && s->b.lo == s->b.hi;
}

bool lk_lix_valid(const struct lk_links *l)
{
	const struct lk_links_ix *x = l->ix;

	if (!x || x->len != l->len)
		return false;
	return l->len == 0 || x->last_text == l->v[l->len - 1].text;
}

void lk_lix_free(struct lk_links_ix *x)
{
	if (!x)
		return;
	free(x->ranges);
	free(x->pairs);
	free(x->slots);
	free(x->items);
	free(x->by_src);
	free(x->by_dst);
	free(x);
}

static int grow(void **v, size_t *cap, size_t len, size_t size)
{
	size_t ncap;
	void *p;

	if (len < *cap)
		return 0;
	ncap = *cap ? 2 * *cap : 16;
	p = realloc(*v, ncap * size);
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = ncap;
	return 0;
}

static struct ix_pair *find(const struct lk_links_ix *x, uint64_t k)
{
	size_t i;

	if (!x->nslots)
		return NULL;
	for (i = hash(k, x->nslots); x->slots[i]; i = (i + 1) & (x->nslots - 1))
		if (x->pairs[x->slots[i] - 1].key == k)
			return &x->pairs[x->slots[i] - 1];
	return NULL;
}

static void slot_put(struct lk_links_ix *x, size_t pair)
{
	size_t i = hash(x->pairs[pair].key, x->nslots);

	while (x->slots[i])
		i = (i + 1) & (x->nslots - 1);
	x->slots[i] = (uint32_t)pair + 1;
}

static int rehash(struct lk_links_ix *x)
{
	size_t n = x->nslots ? 2 * x->nslots : 64;
	uint32_t *s = calloc(n, sizeof(*s));

	if (!s)
		return -ENOMEM;
	free(x->slots);
	x->slots = s;
	x->nslots = n;
	for (size_t i = 0; i < x->npairs; i++)
		slot_put(x, i);
	return 0;
}

/* Append spec i to the chain of (src, dst). */
static int add_pair(struct lk_links_ix *x, unsigned src, unsigned dst,
		    size_t spec)
{
	struct ix_pair *p = find(x, key_of(src, dst));
	uint32_t it;

	if (grow((void **)&x->items, &x->citems, x->nitems, sizeof(*x->items)))
		return -ENOMEM;
	if (x->nitems >= NONE)
		return -ENOMEM;
	it = (uint32_t)x->nitems++;
	x->items[it] = (struct ix_item){.spec = spec, .next = NONE};
	if (p) {
		x->items[p->tail].next = it;
		p->tail = it;
		return 0;
	}
	if (grow((void **)&x->pairs, &x->cpairs, x->npairs, sizeof(*x->pairs)))
		return -ENOMEM;
	if (2 * (x->npairs + 1) >= x->nslots && rehash(x))
		return -ENOMEM;
	x->pairs[x->npairs] =
	    (struct ix_pair){.key = key_of(src, dst), .head = it, .tail = it};
	slot_put(x, x->npairs++);
	x->sorted = false;
	return 0;
}

static int index_one(struct lk_links_ix *x, const struct lk_linkspec *s,
		     size_t i)
{
	if (!lk_lix_is_pair_spec(s)) {
		if (grow((void **)&x->ranges, &x->cranges, x->nranges,
			 sizeof(*x->ranges)))
			return -ENOMEM;
		x->ranges[x->nranges++] = i;
		return 0;
	}
	if (add_pair(x, s->a.lo, s->b.lo, i))
		return -ENOMEM;
	if (s->both && add_pair(x, s->b.lo, s->a.lo, i))
		return -ENOMEM;
	return 0;
}

int lk_lix_rebuild(struct lk_links *l)
{
	struct lk_links_ix *x = calloc(1, sizeof(*x));

	lk_lix_free(l->ix);
	l->ix = NULL;
	if (!x)
		return -ENOMEM;
	for (size_t i = 0; i < l->len; i++)
		if (index_one(x, &l->v[i], i)) {
			lk_lix_free(x);
			return -ENOMEM;
		}
	x->len = l->len;
	x->last_text = l->len ? l->v[l->len - 1].text : NULL;
	l->ix = x;
	return 0;
}

int lk_lix_append(struct lk_links *l)
{
	struct lk_links_ix *x = l->ix;

	if (!x || x->len + 1 != l->len)
		return lk_lix_rebuild(l);
	if (index_one(x, &l->v[l->len - 1], l->len - 1)) {
		lk_lix_free(x);
		l->ix = NULL;
		return -ENOMEM;
	}
	x->len = l->len;
	x->last_text = l->v[l->len - 1].text;
	return 0;
}

bool lk_lix_fold(const struct lk_links *l, unsigned src, unsigned dst,
		 bool with_pairs, struct lk_impair *out)
{
	const struct lk_links_ix *x = l->ix;
	const struct ix_pair *p = with_pairs ? find(x, key_of(src, dst)) : NULL;
	uint32_t it = p ? p->head : NONE;
	size_t r = 0;
	bool named = false;

	lk_impair_init(out);
	for (;;) {
		size_t ri = SIZE_MAX, pi = SIZE_MAX;

		while (r < x->nranges &&
		       !lk_linkspec_names(&l->v[x->ranges[r]], src, dst))
			r++;
		if (r < x->nranges)
			ri = x->ranges[r];
		if (it != NONE)
			pi = x->items[it].spec;
		if (ri == SIZE_MAX && pi == SIZE_MAX)
			break;
		if (ri < pi) {
			r++;
		} else {
			ri = pi;
			it = x->items[it].next;
		}
		named = lk_impair_fold_one(out, &l->v[ri].imp);
	}
	return named;
}

bool lk_lix_has_pair(const struct lk_links *l, unsigned src, unsigned dst)
{
	return find(l->ix, key_of(src, dst)) != NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int sort_keys(struct lk_links_ix *x)
{
	uint64_t *s, *d;

	if (x->sorted)
		return 0;
	s = realloc(x->by_src, (x->npairs + 1) * sizeof(*s));
	if (!s)
		return -ENOMEM;
	x->by_src = s;
	d = realloc(x->by_dst, (x->npairs + 1) * sizeof(*d));
	if (!d)
		return -ENOMEM;
	x->by_dst = d;
	for (size_t i = 0; i < x->npairs; i++) {
		uint64_t k = x->pairs[i].key;

		s[i] = k;
		d[i] = (k & 0xffffffffull) << 32 | k >> 32;
	}
	qsort(s, x->npairs, sizeof(*s), cmp_u64);
	qsort(d, x->npairs, sizeof(*d), cmp_u64);
	x->sorted = true;
	return 0;
}

/* The first element of v[0..n-1] (sorted) greater than k, or n. */
static size_t upper(const uint64_t *v, size_t n, uint64_t k)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid] <= k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

unsigned lk_lix_next_pair_peer(const struct lk_links *l, unsigned self,
			       unsigned after, bool towards)
{
	struct lk_links_ix *x = l->ix;
	const uint64_t *v;
	size_t i;

	if (sort_keys(x) < 0) {
		/* out of memory: scan */
		unsigned best = 0;

		for (i = 0; i < x->npairs; i++) {
			uint64_t k = x->pairs[i].key;
			unsigned a = (unsigned)(k >> 32), b = (unsigned)k;
			unsigned me = towards ? b : a, o = towards ? a : b;

			if (me == self && o > after && (!best || o < best))
				best = o;
		}
		return best;
	}
	v = towards ? x->by_dst : x->by_src;
	i = upper(v, x->npairs, key_of(self, after));
	if (i < x->npairs && (unsigned)(v[i] >> 32) == self)
		return (unsigned)v[i];
	return 0;
}

size_t lk_lix_nranges(const struct lk_links *l)
{
	return l->ix->nranges;
}

const struct lk_linkspec *lk_lix_range(const struct lk_links *l, size_t i)
{
	return &l->v[l->ix->ranges[i]];
}

size_t lk_lix_npairs(const struct lk_links *l)
{
	return l->ix->npairs;
}

void lk_lix_pair(const struct lk_links *l, size_t i, unsigned *src,
		 unsigned *dst)
{
	uint64_t k = l->ix->pairs[i].key;

	*src = (unsigned)(k >> 32);
	*dst = (unsigned)k;
}
