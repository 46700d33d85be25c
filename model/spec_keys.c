/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spec_keys.c — the link-condition model: folding conditions key by key
 * and the rules a usable link obeys (spec_keys.h). */
#include "model/spec_keys.h"

#include "model/dist_table.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

void lk_impair_init(struct lk_impair *imp)
{
	memset(imp, 0, sizeof(*imp));
	imp->dist = LK_DIST_NONE;
	imp->loss_model = LK_LOSS_NONE;
}

/* ---- the table --------------------------------------------------------- */

#define OFF(f) ((uint16_t)offsetof(struct lk_impair, f))
#define SIZE(f) ((uint16_t)sizeof(((struct lk_impair *)0)->f))
#define FIELD(f)                                                               \
	{                                                                      \
		OFF(f), SIZE(f)                                                \
	}
#define SPAN(a, b)                                                             \
	{                                                                      \
		OFF(a), (uint16_t)(OFF(b) + SIZE(b) - OFF(a))                  \
	}
/* What a loss model carries: the model, loss, and both models' values
 * (p13 .. ge_k1 are contiguous). */
#define LOSS_SPANS                                                             \
	{                                                                      \
		FIELD(loss_model), FIELD(loss), SPAN(p13, ge_k1)               \
	}

static bool has_delay(const struct lk_impair *imp)
{
	return imp->delay_ns;
}

static bool has_delay_and_jitter(const struct lk_impair *imp)
{
	return imp->delay_ns && imp->jitter_ns;
}

static bool has_loss(const struct lk_impair *imp)
{
	switch (imp->loss_model) {
	case LK_LOSS_NONE:
		return false;
	case LK_LOSS_RANDOM:
		return imp->loss > 0;
	case LK_LOSS_STATE:
	case LK_LOSS_GEMODEL:
		return true;
	default:
		return false;
	}
}

static bool has_reorder(const struct lk_impair *imp)
{
	return imp->reorder;
}

static bool has_netem_rate(const struct lk_impair *imp)
{
	return imp->rate_Bps;
}

static bool has_rate(const struct lk_impair *imp)
{
	return imp->tb_rate_Bps;
}

#define NETEM_RATE_RULE "overhead, cellsize and celloverhead need netem-rate"
#define RATE_RULE "burst, latency and queue need rate"

/* In the order lk_impair_format writes them. */
const struct lk_spec_key lk_spec_keys[] = {
    {.name = "limit",
     .type = LK_KT_UINT,
     .unit = "PACKETS",
     .example = "5000",
     .bit = LK_K_LIMIT,
     .off = OFF(limit),
     .min = 1},
    {.name = "delay",
     .type = LK_KT_TIME,
     .unit = "TIME",
     .example = "50ms",
     .bit = LK_K_DELAY,
     .off = OFF(delay_ns)},
    {.name = "jitter",
     .type = LK_KT_TIME,
     .unit = "TIME",
     .example = "5ms",
     .bit = LK_K_JITTER,
     .off = OFF(jitter_ns),
     .needs = has_delay,
     .rule = "jitter needs a delay",
     .rank = 1},
    {.name = "delay-corr",
     .type = LK_KT_PCT,
     .unit = "PCT",
     .example = "25%",
     .bit = LK_K_DELAY_CORR,
     .off = OFF(delay_corr)},
    {.name = "dist",
     .type = LK_KT_DIST,
     .unit = "NAME|PATH",
     .example = "pareto",
     .bit = LK_K_DIST,
     .off = OFF(dist),
     .copy = {SPAN(dist, dist_file)},
     .needs = has_delay_and_jitter,
     .rule = "dist needs a delay and a jitter",
     .rank = 3},
    {.name = "loss",
     .type = LK_KT_PCT,
     .unit = "PCT",
     .example = "5%",
     .bit = LK_K_LOSS,
     .off = OFF(loss),
     .model = LK_LOSS_RANDOM,
     .copy = LOSS_SPANS},
    {.name = "loss-state",
     .type = LK_KT_PCTS,
     .unit = "P13[/P31[/P32[/P23[/P14]]]]",
     .example = "1%/30%/2%/40%/0.5%",
     .bit = LK_K_LOSS,
     .off = OFF(p13),
     .arg = 5,
     .model = LK_LOSS_STATE,
     .copy = LOSS_SPANS},
    {.name = "loss-ge",
     .type = LK_KT_PCTS,
     .unit = "P[/R[/1-H[/1-K]]]",
     .example = "1%/10%/70%/0.1%",
     .bit = LK_K_LOSS,
     .off = OFF(ge_p),
     .arg = 4,
     .model = LK_LOSS_GEMODEL,
     .copy = LOSS_SPANS},
    {.name = "loss-corr",
     .type = LK_KT_PCT,
     .unit = "PCT",
     .example = "3%",
     .bit = LK_K_LOSS_CORR,
     .off = OFF(loss_corr)},
    {.name = "ecn",
     .type = LK_KT_FLAG,
     .example = "on",
     .bit = LK_K_ECN,
     .off = OFF(ecn),
     .needs = has_loss,
     .rule = "ecn needs a loss model (loss, loss-state or loss-ge)",
     .rank = 4},
    {.name = "corrupt",
     .type = LK_KT_PCT,
     .unit = "PCT",
     .example = "0.5%",
     .bit = LK_K_CORRUPT,
     .off = OFF(corrupt)},
    {.name = "corrupt-corr",
     .type = LK_KT_PCT,
     .unit = "PCT",
     .example = "5%",
     .bit = LK_K_CORRUPT_CORR,
     .off = OFF(corrupt_corr)},
    {.name = "dup",
     .alias = "duplicate",
     .type = LK_KT_PCT,
     .unit = "PCT",
     .example = "1%",
     .bit = LK_K_DUP,
     .off = OFF(duplicate)},
    {.name = "dup-corr",
     .alias = "duplicate-corr",
     .type = LK_KT_PCT,
     .unit = "PCT",
     .example = "10%",
     .bit = LK_K_DUP_CORR,
     .off = OFF(duplicate_corr)},
    {.name = "reorder",
     .type = LK_KT_PCT,
     .unit = "PCT",
     .example = "25%",
     .bit = LK_K_REORDER,
     .off = OFF(reorder),
     .needs = has_delay,
     .rule = "reorder needs a delay (netem reorders by sending some "
	     "packets at once while the rest wait)",
     .rank = 2},
    {.name = "reorder-corr",
     .type = LK_KT_PCT,
     .unit = "PCT",
     .example = "50%",
     .bit = LK_K_REORDER_CORR,
     .off = OFF(reorder_corr)},
    {.name = "gap",
     .type = LK_KT_UINT,
     .unit = "N",
     .example = "5",
     .bit = LK_K_GAP,
     .off = OFF(gap),
     .needs = has_reorder,
     .rule = "gap needs reorder",
     .rank = 5},
    {.name = "netem-rate",
     .type = LK_KT_RATE,
     .unit = "RATE",
     .example = "1mbit",
     .bit = LK_K_RATE,
     .off = OFF(rate_Bps)},
    {.name = "overhead",
     .type = LK_KT_INT,
     .unit = "BYTES",
     .example = "-14",
     .bit = LK_K_OVERHEAD,
     .off = OFF(packet_overhead),
     .needs = has_netem_rate,
     .rule = NETEM_RATE_RULE,
     .rank = 6},
    {.name = "cellsize",
     .type = LK_KT_UINT,
     .unit = "BYTES",
     .example = "48",
     .bit = LK_K_CELLSIZE,
     .off = OFF(cell_size),
     .needs = has_netem_rate,
     .rule = NETEM_RATE_RULE,
     .rank = 6},
    {.name = "celloverhead",
     .type = LK_KT_INT,
     .unit = "BYTES",
     .example = "5",
     .bit = LK_K_CELLOVERHEAD,
     .off = OFF(cell_overhead),
     .needs = has_netem_rate,
     .rule = NETEM_RATE_RULE,
     .rank = 6},
    {.name = "rate",
     .type = LK_KT_RATE,
     .unit = "RATE",
     .example = "10mbit",
     .bit = LK_K_TB,
     .off = OFF(tb_rate_Bps)},
    {.name = "burst",
     .type = LK_KT_SIZE,
     .unit = "SIZE",
     .example = "32k",
     .bit = LK_K_TB_BURST,
     .off = OFF(tb_burst),
     .needs = has_rate,
     .rule = RATE_RULE,
     .rank = 7},
    {.name = "latency",
     .type = LK_KT_TIME,
     .unit = "TIME",
     .example = "20ms",
     .bit = LK_K_TB_LATENCY,
     .off = OFF(tb_latency_ns),
     .needs = has_rate,
     .rule = RATE_RULE,
     .rank = 7},
    {.name = "queue",
     .type = LK_KT_SIZE,
     .unit = "SIZE",
     .example = "64k",
     .bit = LK_K_TB_LIMIT,
     .off = OFF(tb_limit),
     .needs = has_rate,
     .rule = RATE_RULE,
     .rank = 7},
    {.name = "down",
     .type = LK_KT_WORD,
     .bit = LK_K_DOWN,
     .off = OFF(down),
     .arg = 1},
    {.name = "up",
     .type = LK_KT_WORD,
     .bit = LK_K_DOWN,
     .off = OFF(down),
     .arg = 0},
};

const size_t lk_spec_nkeys = sizeof(lk_spec_keys) / sizeof(lk_spec_keys[0]);

const struct lk_spec_key *lk_spec_key_find(const char *name)
{
	for (size_t i = 0; i < lk_spec_nkeys; i++) {
		const struct lk_spec_key *k = &lk_spec_keys[i];

		if (strcmp(k->name, name) == 0 ||
		    (k->alias && strcmp(k->alias, name) == 0))
			return k;
	}
	return NULL;
}

bool lk_spec_key_selected(const struct lk_spec_key *k,
			  const struct lk_impair *imp)
{
	if (k->type == LK_KT_WORD)
		return imp->down == (k->arg != 0);
	if (k->model == LK_LOSS_RANDOM) /* and what no model formats as */
		return imp->loss_model != LK_LOSS_STATE &&
		       imp->loss_model != LK_LOSS_GEMODEL;
	if (k->model != LK_LOSS_NONE)
		return imp->loss_model == k->model;
	return true;
}

/* The size of a key's own field. */
static size_t field_size(const struct lk_spec_key *k)
{
	switch (k->type) {
	case LK_KT_TIME:
	case LK_KT_RATE:
		return sizeof(uint64_t);
	case LK_KT_FLAG:
	case LK_KT_WORD:
		return sizeof(bool);
	case LK_KT_DIST:
		return sizeof(enum lk_dist);
	case LK_KT_PCT:
	case LK_KT_PCTS:
	case LK_KT_UINT:
	case LK_KT_INT:
	case LK_KT_SIZE:
	default:
		return sizeof(uint32_t);
	}
}

bool lk_spec_key_is_set(const struct lk_spec_key *k,
			const struct lk_impair *imp)
{
	static const unsigned char zero[sizeof(uint64_t)];

	if (k->type == LK_KT_DIST)
		return lk_dist_needs_table(imp->dist);
	return memcmp((const char *)imp + k->off, zero, field_size(k)) != 0;
}

/* ---- the model --------------------------------------------------------- */

void lk_impair_apply(struct lk_impair *d, const struct lk_impair *s)
{
	uint32_t k = s->keys, done = 0;

	for (size_t i = 0; i < lk_spec_nkeys; i++) {
		const struct lk_spec_key *key = &lk_spec_keys[i];

		if (!(k & key->bit) || (done & key->bit))
			continue;
		done |= key->bit;
		if (!key->copy[0].len) {
			memcpy((char *)d + key->off, (const char *)s + key->off,
			       field_size(key));
			continue;
		}
		for (size_t j = 0; j < 3 && key->copy[j].len; j++)
			memcpy((char *)d + key->copy[j].off,
			       (const char *)s + key->copy[j].off,
			       key->copy[j].len);
	}
	d->keys |= k;
}

int lk_impair_check(const struct lk_impair *imp, char *why, size_t len)
{
	const struct lk_spec_key *worst = NULL;

	for (size_t i = 0; i < lk_spec_nkeys; i++) {
		const struct lk_spec_key *k = &lk_spec_keys[i];

		if (!k->needs || (worst && worst->rank <= k->rank))
			continue;
		if (lk_spec_key_is_set(k, imp) && !k->needs(imp))
			worst = k;
	}
	if (!worst)
		return 0;
	if (why && len)
		snprintf(why, len, "%s", worst->rule);
	return -EINVAL;
}

bool lk_impair_needs_netem(const struct lk_impair *imp)
{
	return imp->down || imp->delay_ns || imp->jitter_ns || has_loss(imp) ||
	       imp->corrupt || imp->duplicate || imp->reorder ||
	       imp->rate_Bps || imp->limit;
}

bool lk_impair_is_noop(const struct lk_impair *imp)
{
	return !imp->down && !imp->tb_rate_Bps && !lk_impair_needs_netem(imp);
}

bool lk_impair_fold_one(struct lk_impair *out, const struct lk_impair *spec)
{
	if (spec->keys == 0) { /* a clear entry */
		lk_impair_init(out);
		return false;
	}
	lk_impair_apply(out, spec);
	return true;
}
