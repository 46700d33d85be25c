/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spec_format.c — a link's conditions as PARAMS text (spec_format.h). */
#include "model/spec_format.h"

#include "model/dist_table.h"
#include "model/units.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct out {
	char *buf;
	size_t size, len;
};

static void outf(struct out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void outf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->len < o->size ? o->buf + o->len : NULL,
		      o->len < o->size ? o->size - o->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

static void out_key(struct out *o, const char *key)
{
	outf(o, "%s%s", o->len ? "," : "", key);
}

static void out_time(struct out *o, const char *key, uint64_t ns)
{
	out_key(o, key);
	if (ns && ns % 1000000000ull == 0)
		outf(o, "=%llus", (unsigned long long)(ns / 1000000000ull));
	else if (ns % 1000000ull == 0)
		outf(o, "=%llums", (unsigned long long)(ns / 1000000ull));
	else if (ns % 1000ull == 0)
		outf(o, "=%lluus", (unsigned long long)(ns / 1000ull));
	else
		outf(o, "=%lluns", (unsigned long long)ns);
}

/* The shortest percentage that parses back to v. */
static void out_pct_v(struct out *o, uint32_t v)
{
	double pct = lk_percent_of(v);
	char t[32];
	int prec;

	for (prec = 1; prec < 17; prec++) {
		snprintf(t, sizeof(t), "%.*g", prec, pct);
		/* "50", not "5e+01" */
		if (pct >= 1 && strchr(t, 'e'))
			continue;
		if (lk_percent_scale(strtod(t, NULL) / 100.0) == v)
			break;
	}
	outf(o, "%s%%", t);
}

static void out_pct(struct out *o, const char *key, uint32_t v)
{
	out_key(o, key);
	outf(o, "=");
	out_pct_v(o, v);
}

int lk_impair_format(const struct lk_impair *imp, char *buf, size_t size)
{
	struct out o = {.buf = buf, .size = size};
	uint32_t k = imp->keys;

	if (size)
		buf[0] = '\0';
	if (k & LK_K_LIMIT) {
		out_key(&o, "limit");
		outf(&o, "=%u", imp->limit);
	}
	if (k & LK_K_DELAY)
		out_time(&o, "delay", imp->delay_ns);
	if (k & LK_K_JITTER)
		out_time(&o, "jitter", imp->jitter_ns);
	if (k & LK_K_DELAY_CORR)
		out_pct(&o, "delay-corr", imp->delay_corr);
	if (k & LK_K_DIST) {
		out_key(&o, "dist");
		outf(&o, "=%s",
		     imp->dist == LK_DIST_FILE && imp->dist_file
			 ? imp->dist_file
			 : lk_dist_name(imp->dist));
	}
	if (k & LK_K_LOSS) {
		switch (imp->loss_model) {
		case LK_LOSS_RANDOM:
			out_pct(&o, "loss", imp->loss);
			break;
		case LK_LOSS_STATE:
			out_pct(&o, "loss-state", imp->p13);
			outf(&o, "/");
			out_pct_v(&o, imp->p31);
			outf(&o, "/");
			out_pct_v(&o, imp->p32);
			outf(&o, "/");
			out_pct_v(&o, imp->p23);
			outf(&o, "/");
			out_pct_v(&o, imp->p14);
			break;
		case LK_LOSS_GEMODEL:
			out_pct(&o, "loss-ge", imp->ge_p);
			outf(&o, "/");
			out_pct_v(&o, imp->ge_r);
			outf(&o, "/");
			out_pct_v(&o, imp->ge_h);
			outf(&o, "/");
			out_pct_v(&o, imp->ge_k1);
			break;
		case LK_LOSS_NONE:
		default:
			out_pct(&o, "loss", 0);
			break;
		}
	}
	if (k & LK_K_LOSS_CORR)
		out_pct(&o, "loss-corr", imp->loss_corr);
	if (k & LK_K_ECN)
		out_key(&o, imp->ecn ? "ecn" : "ecn=off");
	if (k & LK_K_CORRUPT)
		out_pct(&o, "corrupt", imp->corrupt);
	if (k & LK_K_CORRUPT_CORR)
		out_pct(&o, "corrupt-corr", imp->corrupt_corr);
	if (k & LK_K_DUP)
		out_pct(&o, "dup", imp->duplicate);
	if (k & LK_K_DUP_CORR)
		out_pct(&o, "dup-corr", imp->duplicate_corr);
	if (k & LK_K_REORDER)
		out_pct(&o, "reorder", imp->reorder);
	if (k & LK_K_REORDER_CORR)
		out_pct(&o, "reorder-corr", imp->reorder_corr);
	if (k & LK_K_GAP) {
		out_key(&o, "gap");
		outf(&o, "=%u", imp->gap);
	}
	if (k & LK_K_RATE) {
		out_key(&o, "netem-rate");
		outf(&o, "=%llubps", (unsigned long long)imp->rate_Bps);
	}
	if (k & LK_K_OVERHEAD) {
		out_key(&o, "overhead");
		outf(&o, "=%d", imp->packet_overhead);
	}
	if (k & LK_K_CELLSIZE) {
		out_key(&o, "cellsize");
		outf(&o, "=%u", imp->cell_size);
	}
	if (k & LK_K_CELLOVERHEAD) {
		out_key(&o, "celloverhead");
		outf(&o, "=%d", imp->cell_overhead);
	}
	if (k & LK_K_TB) {
		out_key(&o, "rate");
		outf(&o, "=%llubps", (unsigned long long)imp->tb_rate_Bps);
	}
	if (k & LK_K_TB_BURST) {
		out_key(&o, "burst");
		outf(&o, "=%u", imp->tb_burst);
	}
	if (k & LK_K_TB_LATENCY)
		out_time(&o, "latency", imp->tb_latency_ns);
	if (k & LK_K_TB_LIMIT) {
		out_key(&o, "queue");
		outf(&o, "=%u", imp->tb_limit);
	}
	if (k & LK_K_DOWN)
		out_key(&o, imp->down ? "down" : "up");
	return (int)o.len;
}

