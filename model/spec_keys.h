/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * spec_keys.h — the table of SPEC keys and the link-condition model's
 * operations that read it: folding one impairment onto another key by
 * key, and the rules a usable link obeys.  The parser (spec_parse.c) and
 * the formatter (spec_format.c) read the same table, and a unit test
 * checks that docs/link-spec.md names every key.
 *
 * Adding a key: its field and its bit in model/impair.h, one row in
 * lk_spec_keys[] (spec_keys.c), its line in docs/link-spec.md, and the
 * engines' encoders that act on it.
 * Pure.
 */
#ifndef LK_SPEC_KEYS_H
#define LK_SPEC_KEYS_H

#include "model/impair.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a key's value is, and so how it is parsed and formatted. */
enum lk_key_type {
	LK_KT_TIME, /* uint64_t ns: 50ms, 1.5s; a bare number is us; <= 1 h */
	LK_KT_PCT,  /* uint32_t, UINT32_MAX = 100%: 5%, 0.1% */
	LK_KT_PCTS, /* 1..max PCTs separated by '/' (a loss model) */
	LK_KT_UINT, /* uint32_t, at least min */
	LK_KT_INT,  /* int32_t, may be negative */
	LK_KT_RATE, /* uint64_t bytes/s, > 0: 10mbit, 1mbps */
	LK_KT_SIZE, /* uint32_t bytes, > 0: 1500, 32k */
	LK_KT_FLAG, /* bool: no value, on/off, yes/no, 1/0 */
	LK_KT_WORD, /* bool set to the row's value, no value allowed */
	LK_KT_DIST, /* a distribution name or a table file */
};

/* A part of struct lk_impair that a key's bit carries. */
struct lk_key_span {
	uint16_t off, len;
};

struct lk_spec_key {
	const char *name;
	const char *alias; /* another name accepted, or NULL */
	enum lk_key_type type;
	const char *unit;    /* the value as docs/link-spec.md writes it */
	const char *example; /* a value, for tests and messages */
	uint32_t bit;	     /* enum lk_impair_key; shared by keys that
			      * replace each other (loss models, down/up) */
	uint16_t off;	     /* the struct lk_impair field it sets */
	uint32_t min;	     /* LK_KT_UINT: the smallest value */
	/* LK_KT_PCTS: at most this many values; LK_KT_WORD: the value */
	unsigned arg;
	/* The loss model the key selects (LK_LOSS_NONE: none). */
	enum lk_loss_model model;
	/* What the bit carries when a later spec overrides an earlier
	 * one: these spans (the field itself when copy[0].len is 0). */
	struct lk_key_span copy[3];
	/* The rule a usable link obeys: when the key's value is set
	 * (nonzero; for dist: a distribution that needs a table), needs()
	 * must hold, or lk_impair_check says rule.  When several rules
	 * fail, the one of smallest rank is told. */
	bool (*needs)(const struct lk_impair *imp);
	const char *rule;
	int rank;
};

extern const struct lk_spec_key lk_spec_keys[];
extern const size_t lk_spec_nkeys;

/* The row of a key by its name or alias; NULL when unknown. */
const struct lk_spec_key *lk_spec_key_find(const char *name);
/* Whether row k is the one that formats the bit it shares with others,
 * for imp (the loss model in use, down or up). */
bool lk_spec_key_selected(const struct lk_spec_key *k,
			  const struct lk_impair *imp);
/* Whether the key's value in imp is set, as its rule means it. */
bool lk_spec_key_is_set(const struct lk_spec_key *k,
			const struct lk_impair *imp);

/* No keys, nothing impaired. */
void lk_impair_init(struct lk_impair *imp);
/* Copy into dst every key that src sets (src->keys), and add the bits. */
void lk_impair_apply(struct lk_impair *dst, const struct lk_impair *src);
/* One step of a link's fold: apply spec to *out, or reset *out for a
 * clear entry (a spec without keys).  Returns whether the link is named
 * after it. */
bool lk_impair_fold_one(struct lk_impair *out, const struct lk_impair *spec);
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

#endif
