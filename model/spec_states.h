/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * spec_states.h — the folded conditions of links, interned: equal folds
 * share one state, and what one spec makes of a state is computed once
 * per state during one operation (a memo, reset between operations).
 * model/spec_index.c keeps its cells' states here.  Pure.
 */
#ifndef LK_SPEC_STATES_H
#define LK_SPEC_STATES_H

#include "model/spec_parse.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define LK_STATE_NONE UINT32_MAX

/* One link's fold.  Made from lk_impair_init and changed field by field
 * only, so that its padding is zero and states compare as bytes. */
struct lk_link_state {
	struct lk_impair imp;
	bool named;   /* the fold's result (lk_impair_fold_one) */
	bool touched; /* some spec names the link */
};

struct lk_state_memo;

struct lk_states {
	struct lk_link_state *v;
	size_t n, cap;
	uint32_t *slots; /* state index + 1; 0 = empty */
	size_t nslots;
	struct lk_state_memo *memo;
	size_t memo_nslots, memo_n;
};

void lk_states_free(struct lk_states *s);
/* The index of a state equal to *st, added if new; LK_STATE_NONE
 * without memory.  Indexes stay valid; pointers into v do not. */
uint32_t lk_states_intern(struct lk_states *s, const struct lk_link_state *st);

/* Fold spec c into st (it names the link). */
void lk_link_state_fold(struct lk_link_state *st, const struct lk_linkspec *c);
/* Whether st, then c, fails lk_impair_check. */
bool lk_link_state_fails(const struct lk_link_state *st,
			 const struct lk_linkspec *c);

/* Start an operation (one spec): forget what the last one computed. */
void lk_states_memo_reset(struct lk_states *s);
/* What c makes of state from, once per state per operation;
 * LK_STATE_NONE without memory. */
uint32_t lk_states_fold_memo(struct lk_states *s, uint32_t from,
			     const struct lk_linkspec *c);
/* Whether state from, then c, fails lk_impair_check, once per state per
 * operation: 1, 0, or -ENOMEM.  Not in the same operation as
 * lk_states_fold_memo. */
int lk_states_fails_memo(struct lk_states *s, uint32_t from,
			 const struct lk_linkspec *c);

/* A 64-bit finaliser, for hash tables. */
static inline uint64_t lk_hash_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 33);
}

/* Make room for one more element of size bytes in *v (len used, *cap
 * allocated): 0 or -ENOMEM. */
static inline int lk_grow(void **v, size_t *cap, size_t len, size_t size)
{
	size_t ncap;
	void *p;

	if (len < *cap)
		return 0;
	ncap = *cap ? 2 * *cap : 8;
	p = realloc(*v, ncap * size);
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = ncap;
	return 0;
}

#endif
