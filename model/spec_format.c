/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spec_format.c — a link's conditions as PARAMS text (spec_format.h). */
#include "model/spec_format.h"

#include "model/dist_table.h"
#include "model/spec_keys.h"
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

/* "key=value" for key k of imp. */
static void out_one(struct out *o, const struct lk_spec_key *k,
		    const struct lk_impair *imp)
{
	const void *field = (const char *)imp + k->off;
	uint32_t u;
	uint64_t w;
	int32_t i;

	switch (k->type) {
	case LK_KT_TIME:
		memcpy(&w, field, sizeof(w));
		out_time(o, k->name, w);
		break;
	case LK_KT_PCT:
		memcpy(&u, field, sizeof(u));
		/* the loss key also stands for "no model" */
		if (k->model != LK_LOSS_NONE && imp->loss_model != k->model)
			u = 0;
		out_pct(o, k->name, u);
		break;
	case LK_KT_PCTS:
		for (unsigned j = 0; j < k->arg; j++) {
			memcpy(&u, (const char *)field + j * sizeof(u),
			       sizeof(u));
			if (j == 0) {
				out_pct(o, k->name, u);
			} else {
				outf(o, "/");
				out_pct_v(o, u);
			}
		}
		break;
	case LK_KT_UINT:
	case LK_KT_SIZE:
		memcpy(&u, field, sizeof(u));
		out_key(o, k->name);
		outf(o, "=%u", u);
		break;
	case LK_KT_INT:
		memcpy(&i, field, sizeof(i));
		out_key(o, k->name);
		outf(o, "=%d", i);
		break;
	case LK_KT_RATE:
		memcpy(&w, field, sizeof(w));
		out_key(o, k->name);
		outf(o, "=%llubps", (unsigned long long)w);
		break;
	case LK_KT_FLAG:
		out_key(o, k->name);
		if (!*(const bool *)field)
			outf(o, "=off");
		break;
	case LK_KT_WORD:
		out_key(o, k->name);
		break;
	case LK_KT_DIST:
		out_key(o, k->name);
		outf(o, "=%s",
		     imp->dist == LK_DIST_FILE && imp->dist_file
			 ? imp->dist_file
			 : lk_dist_name(imp->dist));
		break;
	default:
		break;
	}
}

int lk_impair_format(const struct lk_impair *imp, char *buf, size_t size)
{
	struct out o = {.buf = buf, .size = size};
	uint32_t done = 0;

	if (size)
		buf[0] = '\0';
	/* In the table's order; of the keys that share a bit (loss models,
	 * down and up), the one that describes imp. */
	for (size_t i = 0; i < lk_spec_nkeys; i++) {
		const struct lk_spec_key *k = &lk_spec_keys[i];

		if (!(imp->keys & k->bit) || (done & k->bit) ||
		    !lk_spec_key_selected(k, imp))
			continue;
		done |= k->bit;
		out_one(&o, k, imp);
	}
	return (int)o.len;
}
