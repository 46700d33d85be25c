/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spec_parse.c — parsing one --link SPEC (spec_parse.h). */
#include "model/spec_parse.h"

#include "common/cleanup.h"
#include "common/error.h"
#include "model/dist_table.h"
#include "model/spec_keys.h"
#include "model/units.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TIME_NS (3600ull * 1000000000ull) /* one hour */
#define PCT_MAX UINT32_MAX

struct parse {
	const char *text; /* the whole spec */
	unsigned n;
	struct lk_error *e;
};

static int bad(struct parse *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int bad(struct parse *p, const char *fmt, ...)
{
	char what[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return lk_error_set(p->e, EINVAL, "link '%s': %s", p->text, what);
}

static int parse_peer(struct parse *p, const char *s, size_t len, unsigned *out)
{
	char buf[16];
	uint64_t v;

	if (len == 0 || len >= sizeof(buf))
		return bad(p, "'%.*s' is not a peer number", (int)len, s);
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (lk_parse_uint(buf, UINT32_MAX, &v) < 0)
		return bad(p, "'%s' is not a peer number", buf);
	if (v < 1 || v > p->n)
		return bad(p, "peer %s is out of range (peers are 1..%u)", buf,
			   p->n);
	*out = (unsigned)v;
	return 0;
}

/* "N", "LO..HI" or "*" */
static int parse_range(struct parse *p, const char *s, size_t len,
		       struct lk_peer_range *r)
{
	const char *dots;
	int ret;

	if (len == 1 && *s == '*') {
		r->lo = 1;
		r->hi = p->n;
		return 0;
	}
	if (len == 0)
		return bad(p, "a peer set is missing (a peer, LO..HI or *)");
	dots = memmem(s, len, "..", 2);
	if (dots && (dots == s || dots + 2 == s + len))
		return bad(p, "range '%.*s' needs LO..HI", (int)len, s);
	if (!dots)
		return parse_peer(p, s, len, &r->lo) ?: (r->hi = r->lo, 0);
	ret = parse_peer(p, s, (size_t)(dots - s), &r->lo);
	if (ret)
		return ret;
	ret = parse_peer(p, dots + 2, len - (size_t)(dots - s) - 2, &r->hi);
	if (ret)
		return ret;
	if (r->lo > r->hi)
		return bad(p, "range '%.*s' is empty (%u > %u)", (int)len, s,
			   r->lo, r->hi);
	return 0;
}

static int parse_links(struct parse *p, const char *s, size_t len,
		       struct lk_linkspec *out)
{
	const char *op = NULL;
	size_t i;
	int r;

	for (i = 0; i < len; i++)
		if (s[i] == '-' || s[i] == '>') {
			if (op)
				return bad(p,
					   "'%.*s': one '-' or '>' expected "
					   "between two peer sets",
					   (int)len, s);
			op = s + i;
		}
	if (!op)
		return bad(p,
			   "'%.*s': expected A-B or A>B (A, B: a peer, "
			   "a range LO..HI, or *)",
			   (int)len, s);
	out->both = *op == '-';
	r = parse_range(p, s, (size_t)(op - s), &out->a);
	if (r)
		return r;
	r = parse_range(p, op + 1, len - (size_t)(op - s) - 1, &out->b);
	if (r)
		return r;
	if (out->a.lo == out->a.hi && out->b.lo == out->b.hi &&
	    out->a.lo == out->b.lo)
		return bad(p, "'%.*s' links a peer to itself", (int)len, s);
	return 0;
}

static int want_value(struct parse *p, const char *key, const char *val)
{
	if (!val || !*val)
		return bad(p, "'%s' needs a value (%s=...)", key, key);
	return 0;
}

static int get_time(struct parse *p, const char *key, const char *val,
		    uint64_t *out)
{
	int r = want_value(p, key, val);

	if (r)
		return r;
	if (lk_parse_time_ns(val, 1000, out) < 0 || *out > MAX_TIME_NS)
		return bad(p,
			   "bad %s '%s': expected a time such as 50ms, "
			   "1.5s or 250us (a bare number is microseconds), "
			   "at most 3600s",
			   key, val);
	return 0;
}

static int get_pct(struct parse *p, const char *key, const char *val,
		   uint32_t *out)
{
	int r = want_value(p, key, val);

	if (r)
		return r;
	r = lk_parse_percent(val, out);
	if (r == -ERANGE)
		return bad(p, "bad %s '%s': more than 100%%", key, val);
	if (r < 0)
		return bad(p,
			   "bad %s '%s': expected a percentage such as "
			   "5%% or 0.1%%",
			   key, val);
	return 0;
}

static int get_u32(struct parse *p, const char *key, const char *val,
		   uint32_t min, uint32_t *out)
{
	uint64_t v;
	int r = want_value(p, key, val);

	if (r)
		return r;
	if (lk_parse_uint(val, UINT32_MAX, &v) < 0 || v < min)
		return bad(p, "bad %s '%s': expected a whole number%s", key,
			   val, min ? " above 0" : "");
	*out = (uint32_t)v;
	return 0;
}

static int get_s32(struct parse *p, const char *key, const char *val,
		   int32_t *out)
{
	int64_t v;
	int r = want_value(p, key, val);

	if (r)
		return r;
	if (lk_parse_int(val, INT32_MIN, INT32_MAX, &v) < 0)
		return bad(p,
			   "bad %s '%s': expected a whole number (may be "
			   "negative)",
			   key, val);
	*out = (int32_t)v;
	return 0;
}

static int get_rate(struct parse *p, const char *key, const char *val,
		    uint64_t *out)
{
	int r = want_value(p, key, val);

	if (r)
		return r;
	if (lk_parse_rate(val, out) < 0 || *out == 0)
		return bad(p,
			   "bad %s '%s': expected a rate such as 10mbit, "
			   "512kbit or 1mbps (bit/kbit/mbit/gbit are bits, "
			   "bps/kbps/mbps bytes per second)",
			   key, val);
	return 0;
}

static int get_size(struct parse *p, const char *key, const char *val,
		    uint32_t *out)
{
	uint64_t v;
	int r = want_value(p, key, val);

	if (r)
		return r;
	if (lk_parse_size(val, UINT32_MAX, &v) < 0 || v == 0)
		return bad(p,
			   "bad %s '%s': expected a size such as 1500, 32k "
			   "or 1m (bytes)",
			   key, val);
	*out = (uint32_t)v;
	return 0;
}

/* "A/B/C" into up to max percentages; returns how many, or an error. */
static int get_pcts(struct parse *p, const char *key, const char *val,
		    uint32_t *out, double *first, int max)
{
	char buf[256], *save = NULL, *tok;
	int n = 0, r = want_value(p, key, val);

	if (r)
		return r;
	if (strlen(val) >= sizeof(buf))
		return bad(p, "bad %s: too long", key);
	strcpy(buf, val);
	if (buf[strlen(buf) - 1] == '/' || strstr(buf, "//") || *buf == '/')
		return bad(p, "bad %s '%s': an empty value between '/'", key,
			   val);
	for (tok = strtok_r(buf, "/", &save); tok;
	     tok = strtok_r(NULL, "/", &save)) {
		if (n == max)
			return bad(p,
				   "bad %s '%s': at most %d values "
				   "separated by '/'",
				   key, val, max);
		r = get_pct(p, key, tok, &out[n]);
		if (r)
			return r;
		if (n == 0)
			lk_parse_fraction(tok, first);
		n++;
	}
	return n;
}

static int get_flag(struct parse *p, const char *key, const char *val,
		    bool *out)
{
	if (!val || strcmp(val, "on") == 0 || strcmp(val, "yes") == 0 ||
	    strcmp(val, "1") == 0) {
		*out = true;
		return 0;
	}
	if (strcmp(val, "off") == 0 || strcmp(val, "no") == 0 ||
	    strcmp(val, "0") == 0) {
		*out = false;
		return 0;
	}
	return bad(p, "bad %s '%s': expected no value, on or off", key, val);
}

static int get_dist(struct parse *p, const char *val, struct lk_impair *imp)
{
	struct lk_error fe = {0};
	int r = want_value(p, "dist", val);

	if (r)
		return r;
	if (lk_dist_from_name(val, &imp->dist) == 0) {
		if (!lk_dist_needs_table(imp->dist))
			return 0;
		imp->table = lk_dist_table_make(imp->dist);
		if (!imp->table)
			return lk_error_set(p->e, ENOMEM,
					    "link '%s': out of "
					    "memory",
					    p->text);
		return 0;
	}
	if (!strchr(val, '/') && !strstr(val, ".dist"))
		return bad(p,
			   "bad dist '%s': expected uniform, normal, "
			   "pareto, paretonormal or a table file path "
			   "(containing '/')",
			   val);
	imp->dist = LK_DIST_FILE;
	imp->dist_file = strdup(val);
	if (!imp->dist_file)
		return lk_error_set(p->e, ENOMEM, "out of memory");
	r = lk_dist_table_load(val, &imp->table, &fe);
	if (r < 0)
		return lk_error_set(p->e, -r, "link '%s': dist: %s", p->text,
				    fe.msg);
	return 0;
}

/* Set the loss model's values from "A/B/..." (LK_KT_LOSS rows). */
static int get_loss_model(struct parse *p, const struct lk_spec_key *k,
			  const char *key, const char *val,
			  struct lk_impair *imp)
{
	uint32_t v[5];
	double f = 0;
	int r = get_pcts(p, key, val, v, &f, (int)k->arg);

	if (r < 0)
		return r;
	/* tc's defaults for the values not given, computed as tc does */
	if (k->model == LK_LOSS_STATE) {
		imp->p13 = v[0];
		imp->p31 = r > 1 ? v[1] : lk_percent_scale(1.0 - f);
		imp->p32 = r > 2 ? v[2] : 0;
		imp->p23 = r > 3 ? v[3] : PCT_MAX;
		imp->p14 = r > 4 ? v[4] : 0;
	} else {
		imp->ge_p = v[0];
		imp->ge_r = r > 1 ? v[1] : lk_percent_scale(1.0 - f);
		imp->ge_h = r > 2 ? v[2] : PCT_MAX;
		imp->ge_k1 = r > 3 ? v[3] : 0;
	}
	return 0;
}

static int parse_param(struct parse *p, char *item, struct lk_impair *imp)
{
	char *val = strchr(item, '=');
	const char *key = item;
	const struct lk_spec_key *k;
	void *field;
	int r;

	if (val)
		*val++ = '\0';
	if (!*key)
		return bad(p, "an empty parameter (two commas in a row?)");
	k = lk_spec_key_find(key);
	if (!k)
		return bad(p, "unknown parameter '%s' (see docs/link-spec.md)",
			   key);
	field = (char *)imp + k->off;
	switch (k->type) {
	case LK_KT_TIME:
		r = get_time(p, key, val, field);
		break;
	case LK_KT_PCT:
		r = get_pct(p, key, val, field);
		break;
	case LK_KT_PCTS:
		r = get_loss_model(p, k, key, val, imp);
		if (r)
			return r;
		break;
	case LK_KT_UINT:
		r = get_u32(p, key, val, k->min, field);
		break;
	case LK_KT_INT:
		r = get_s32(p, key, val, field);
		break;
	case LK_KT_RATE:
		r = get_rate(p, key, val, field);
		break;
	case LK_KT_SIZE:
		r = get_size(p, key, val, field);
		break;
	case LK_KT_FLAG:
		r = get_flag(p, key, val, field);
		break;
	case LK_KT_WORD:
		if (val)
			return bad(p, "'%s' takes no value", key);
		*(bool *)field = k->arg != 0;
		r = 0;
		break;
	case LK_KT_DIST:
		if (imp->keys & k->bit)
			return bad(p, "dist given twice");
		r = get_dist(p, val, imp);
		break;
	default:
		return bad(p, "unknown parameter '%s' (see docs/link-spec.md)",
			   key);
	}
	if (k->model != LK_LOSS_NONE)
		imp->loss_model = k->model;
	imp->keys |= k->bit;
	return r;
}

void lk_linkspec_free(struct lk_linkspec *s)
{
	if (!s)
		return;
	free(s->text);
	lk_dist_table_unref(s->imp.table);
	free(s->imp.dist_file);
	memset(s, 0, sizeof(*s));
}

int lk_linkspec_parse(const char *text, unsigned n, struct lk_linkspec *out,
		      struct lk_error *e)
{
	struct parse p = {.text = text, .n = n, .e = e};
	struct lk_linkspec s = {0};
	_cleanup_free_ char *params = NULL;
	const char *colon;
	char *save, *item;
	int r;

	if (!text)
		return lk_error_set(e, EINVAL, "link: no spec");
	lk_impair_init(&s.imp);
	colon = strchr(text, ':');
	if (!colon)
		return bad(&p, "expected LINKS:PARAMS, e.g. 1-2:delay=50ms");
	r = parse_links(&p, text, (size_t)(colon - text), &s);
	if (r)
		return r;
	if (!colon[1])
		return bad(&p, "no parameters after ':'");
	params = strdup(colon + 1);
	s.text = strdup(text);
	if (!params || !s.text) {
		lk_linkspec_free(&s);
		return lk_error_set(e, ENOMEM, "out of memory");
	}
	if (params[strlen(params) - 1] == ',') {
		lk_linkspec_free(&s);
		return bad(&p, "a trailing ','");
	}
	save = params;
	while ((item = strsep(&save, ",")) != NULL) {
		r = parse_param(&p, item, &s.imp);
		if (r) {
			lk_linkspec_free(&s);
			return r;
		}
	}
	*out = s;
	return 0;
}

static bool in_range(const struct lk_peer_range *r, unsigned x)
{
	return x >= r->lo && x <= r->hi;
}

bool lk_linkspec_names(const struct lk_linkspec *s, unsigned src, unsigned dst)
{
	if (src == dst)
		return false;
	if (in_range(&s->a, src) && in_range(&s->b, dst))
		return true;
	return s->both && in_range(&s->b, src) && in_range(&s->a, dst);
}
