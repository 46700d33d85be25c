/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spec_keys.c — the link-condition model: folding conditions key by key
 * and the rules a usable link obeys (spec_keys.h). */
#include "model/spec_keys.h"

#include "model/dist_table.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void lk_impair_init(struct lk_impair *imp)
{
	memset(imp, 0, sizeof(*imp));
	imp->dist = LK_DIST_NONE;
	imp->loss_model = LK_LOSS_NONE;
}

void lk_impair_apply(struct lk_impair *d, const struct lk_impair *s)
{
	uint32_t k = s->keys;

	if (k & LK_K_LIMIT)
		d->limit = s->limit;
	if (k & LK_K_DELAY)
		d->delay_ns = s->delay_ns;
	if (k & LK_K_JITTER)
		d->jitter_ns = s->jitter_ns;
	if (k & LK_K_DELAY_CORR)
		d->delay_corr = s->delay_corr;
	if (k & LK_K_DIST) {
		d->dist = s->dist;
		d->table = s->table;
		d->dist_file = s->dist_file;
	}
	if (k & LK_K_LOSS) {
		d->loss_model = s->loss_model;
		d->loss = s->loss;
		d->p13 = s->p13;
		d->p31 = s->p31;
		d->p32 = s->p32;
		d->p23 = s->p23;
		d->p14 = s->p14;
		d->ge_p = s->ge_p;
		d->ge_r = s->ge_r;
		d->ge_h = s->ge_h;
		d->ge_k1 = s->ge_k1;
	}
	if (k & LK_K_LOSS_CORR)
		d->loss_corr = s->loss_corr;
	if (k & LK_K_ECN)
		d->ecn = s->ecn;
	if (k & LK_K_CORRUPT)
		d->corrupt = s->corrupt;
	if (k & LK_K_CORRUPT_CORR)
		d->corrupt_corr = s->corrupt_corr;
	if (k & LK_K_DUP)
		d->duplicate = s->duplicate;
	if (k & LK_K_DUP_CORR)
		d->duplicate_corr = s->duplicate_corr;
	if (k & LK_K_REORDER)
		d->reorder = s->reorder;
	if (k & LK_K_REORDER_CORR)
		d->reorder_corr = s->reorder_corr;
	if (k & LK_K_GAP)
		d->gap = s->gap;
	if (k & LK_K_RATE)
		d->rate_Bps = s->rate_Bps;
	if (k & LK_K_OVERHEAD)
		d->packet_overhead = s->packet_overhead;
	if (k & LK_K_CELLSIZE)
		d->cell_size = s->cell_size;
	if (k & LK_K_CELLOVERHEAD)
		d->cell_overhead = s->cell_overhead;
	if (k & LK_K_TB)
		d->tb_rate_Bps = s->tb_rate_Bps;
	if (k & LK_K_TB_BURST)
		d->tb_burst = s->tb_burst;
	if (k & LK_K_TB_LATENCY)
		d->tb_latency_ns = s->tb_latency_ns;
	if (k & LK_K_TB_LIMIT)
		d->tb_limit = s->tb_limit;
	if (k & LK_K_DOWN)
		d->down = s->down;
	d->keys |= k;
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

int lk_impair_check(const struct lk_impair *imp, char *why, size_t len)
{
	const char *m = NULL;

	if (imp->jitter_ns && !imp->delay_ns)
		m = "jitter needs a delay";
	else if (imp->reorder && !imp->delay_ns)
		m = "reorder needs a delay (netem reorders by sending some "
		    "packets at once while the rest wait)";
	else if (lk_dist_needs_table(imp->dist) &&
		 !(imp->delay_ns && imp->jitter_ns))
		m = "dist needs a delay and a jitter";
	else if (imp->ecn && !has_loss(imp))
		m = "ecn needs a loss model (loss, loss-state or loss-ge)";
	else if (imp->gap && !imp->reorder)
		m = "gap needs reorder";
	else if ((imp->packet_overhead || imp->cell_size ||
		  imp->cell_overhead) &&
		 !imp->rate_Bps)
		m = "overhead, cellsize and celloverhead need netem-rate";
	else if ((imp->tb_burst || imp->tb_latency_ns || imp->tb_limit) &&
		 !imp->tb_rate_Bps)
		m = "burst, latency and queue need rate";
	if (!m)
		return 0;
	if (why && len)
		snprintf(why, len, "%s", m);
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

