/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spec_states.c — interned link states and the per-operation memo
 * (spec_states.h). */
#include "model/spec_states.h"

#include "model/spec_keys.h"

#include <string.h>

struct lk_state_memo {
	uint32_t from, to;
};

void lk_states_free(struct lk_states *x)
{
	free(x->v);
	free(x->slots);
	free(x->memo);
	memset(x, 0, sizeof(*x));
}

/* struct lk_impair holds 64-bit fields, so its size is a multiple of 8. */
_Static_assert(sizeof(struct lk_impair) % 8 == 0, "hashed by words");

static uint64_t hash_words(const void *p, size_t len, uint64_t h)
{
	const unsigned char *b = p;

	for (size_t i = 0; i + 8 <= len; i += 8) {
		uint64_t w;

		memcpy(&w, b + i, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	return h;
}

/* ---- states ------------------------------------------------------------ */

static uint64_t state_hash(const struct lk_link_state *s)
{
	uint64_t h = hash_words(&s->imp, sizeof(s->imp), 0xcbf29ce484222325ull);

	return lk_hash_mix(h ^ ((uint64_t)s->named << 1 | s->touched));
}

static bool state_eq(const struct lk_link_state *a,
		     const struct lk_link_state *b)
{
	return a->named == b->named && a->touched == b->touched &&
	       memcmp(&a->imp, &b->imp, sizeof(a->imp)) == 0;
}

static void state_slot_put(struct lk_states *x, uint32_t id)
{
	size_t m = x->nslots - 1, i = state_hash(&x->v[id]) & m;

	while (x->slots[i])
		i = (i + 1) & m;
	x->slots[i] = id + 1;
}

/* The index of a state equal to *s, added if new; LK_STATE_NONE without memory.
 * *s must have been made from lk_impair_init (zero padding). */
uint32_t lk_states_intern(struct lk_states *x, const struct lk_link_state *s)
{
	size_t m, i;

	if (x->nslots) {
		m = x->nslots - 1;
		for (i = state_hash(s) & m; x->slots[i]; i = (i + 1) & m)
			if (state_eq(&x->v[x->slots[i] - 1], s))
				return x->slots[i] - 1;
	}
	if (x->n >= LK_STATE_NONE - 1 ||
	    lk_grow((void **)&x->v, &x->cap, x->n, sizeof(*x->v)))
		return LK_STATE_NONE;
	if (2 * (x->n + 1) >= x->nslots) {
		size_t n = x->nslots ? 2 * x->nslots : 64;
		uint32_t *sl = calloc(n, sizeof(*sl));

		if (!sl)
			return LK_STATE_NONE;
		free(x->slots);
		x->slots = sl;
		x->nslots = n;
		for (size_t k = 0; k < x->n; k++)
			state_slot_put(x, (uint32_t)k);
	}
	memcpy(&x->v[x->n], s, sizeof(*s));
	state_slot_put(x, (uint32_t)x->n);
	return (uint32_t)x->n++;
}

/* ---- the per-operation memo -------------------------------------------- */

void lk_states_memo_reset(struct lk_states *x)
{
	/* Clearing costs what the last operation put in, not what the
	 * biggest one ever did. */
	if (x->memo_nslots > 4 * x->memo_n + 64) {
		free(x->memo);
		x->memo = NULL;
		x->memo_nslots = x->memo_n = 0;
	} else if (x->memo_n) {
		for (size_t i = 0; i < x->memo_nslots; i++)
			x->memo[i].from = LK_STATE_NONE;
		x->memo_n = 0;
	}
}

static uint32_t memo_get(const struct lk_states *x, uint32_t from)
{
	size_t m, i;

	if (!x->memo_nslots)
		return LK_STATE_NONE;
	m = x->memo_nslots - 1;
	for (i = lk_hash_mix(from) & m; x->memo[i].from != LK_STATE_NONE;
	     i = (i + 1) & m)
		if (x->memo[i].from == from)
			return x->memo[i].to;
	return LK_STATE_NONE;
}

static int memo_put(struct lk_states *x, uint32_t from, uint32_t to)
{
	size_t m, i;

	if (2 * (x->memo_n + 1) >= x->memo_nslots) {
		size_t n = x->memo_nslots ? 2 * x->memo_nslots : 64;
		struct lk_state_memo *old = x->memo,
				     *v = malloc(n * sizeof(*v));
		size_t on = x->memo_nslots;

		if (!v)
			return -ENOMEM;
		for (i = 0; i < n; i++)
			v[i].from = LK_STATE_NONE;
		x->memo = v;
		x->memo_nslots = n;
		x->memo_n = 0;
		for (i = 0; i < on; i++)
			if (old[i].from != LK_STATE_NONE)
				memo_put(x, old[i].from, old[i].to);
		free(old);
	}
	m = x->memo_nslots - 1;
	for (i = lk_hash_mix(from) & m; x->memo[i].from != LK_STATE_NONE;
	     i = (i + 1) & m)
		;
	x->memo[i] = (struct lk_state_memo){.from = from, .to = to};
	x->memo_n++;
	return 0;
}

void lk_link_state_fold(struct lk_link_state *s, const struct lk_linkspec *c)
{
	s->named = lk_impair_fold_one(&s->imp, &c->imp);
	s->touched = true;
}

/* What spec c makes of state from: LK_STATE_NONE without memory. */
static uint32_t fold_state(struct lk_states *x, uint32_t from,
			   const struct lk_linkspec *c)
{
	struct lk_link_state s;

	memcpy(&s, &x->v[from], sizeof(s));
	lk_link_state_fold(&s, c);
	return lk_states_intern(x, &s);
}

bool lk_link_state_fails(const struct lk_link_state *s,
			 const struct lk_linkspec *c)
{
	struct lk_impair imp;

	memcpy(&imp, &s->imp, sizeof(imp));
	lk_impair_fold_one(&imp, &c->imp);
	return lk_impair_check(&imp, NULL, 0) < 0;
}

/* The same, once per state for the current operation. */
uint32_t lk_states_fold_memo(struct lk_states *x, uint32_t from,
			     const struct lk_linkspec *c)
{
	uint32_t to = memo_get(x, from);

	if (to != LK_STATE_NONE)
		return to;
	to = fold_state(x, from, c);
	if (to == LK_STATE_NONE || memo_put(x, from, to))
		return LK_STATE_NONE;
	return to;
}

/* Whether state from, then c, fails lk_impair_check: 1, 0, or -ENOMEM. */
int lk_states_fails_memo(struct lk_states *x, uint32_t from,
			 const struct lk_linkspec *c)
{
	uint32_t r = memo_get(x, from);

	if (r != LK_STATE_NONE)
		return (int)r;
	r = lk_link_state_fails(&x->v[from], c);
	if (memo_put(x, from, r))
		return -ENOMEM;
	return (int)r;
}
