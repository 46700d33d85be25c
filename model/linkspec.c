/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* linkspec.c — parsing --link SPECs and resolving the links they name. */
#include "model/linkspec.h"

#include "common/cleanup.h"
#include "common/error.h"
#include "model/units.h"
#include "model/dist_table.h"
#include "model/links_index.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#define MAX_TIME_NS (3600ull * 1000000000ull) /* one hour */
#define PCT_MAX UINT32_MAX

/* ---- the model --------------------------------------------------------- */

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

/* ---- parsing ----------------------------------------------------------- */

struct parse {
	const char *text; /* the whole spec */
	unsigned n;
	struct lk_error *e;
};

/* Bad input, in the words of the link it came from. */
#define bad(p, fmt, ...)                                                       \
	lk_error_bad((p)->e, "link '%s': " fmt, (p)->text, ##__VA_ARGS__)

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

static int parse_param(struct parse *p, char *item, struct lk_impair *imp)
{
	char *val = strchr(item, '=');
	const char *key = item;
	uint32_t v[5];
	double f = 0;
	int r;

	if (val)
		*val++ = '\0';
	if (!*key)
		return bad(p, "an empty parameter (two commas in a row?)");

#define IS(k) (strcmp(key, (k)) == 0)
	if (IS("limit")) {
		r = get_u32(p, key, val, 1, &imp->limit);
		imp->keys |= LK_K_LIMIT;
	} else if (IS("delay")) {
		r = get_time(p, key, val, &imp->delay_ns);
		imp->keys |= LK_K_DELAY;
	} else if (IS("jitter")) {
		r = get_time(p, key, val, &imp->jitter_ns);
		imp->keys |= LK_K_JITTER;
	} else if (IS("delay-corr")) {
		r = get_pct(p, key, val, &imp->delay_corr);
		imp->keys |= LK_K_DELAY_CORR;
	} else if (IS("dist")) {
		if (imp->keys & LK_K_DIST)
			return bad(p, "dist given twice");
		r = get_dist(p, val, imp);
		imp->keys |= LK_K_DIST;
	} else if (IS("loss")) {
		r = get_pct(p, key, val, &imp->loss);
		imp->loss_model = LK_LOSS_RANDOM;
		imp->keys |= LK_K_LOSS;
	} else if (IS("loss-corr")) {
		r = get_pct(p, key, val, &imp->loss_corr);
		imp->keys |= LK_K_LOSS_CORR;
	} else if (IS("loss-state")) {
		r = get_pcts(p, key, val, v, &f, 5);
		if (r < 0)
			return r;
		imp->loss_model = LK_LOSS_STATE;
		imp->p13 = v[0];
		/* tc's defaults, computed as tc does */
		imp->p31 = r > 1 ? v[1] : lk_percent_scale(1.0 - f);
		imp->p32 = r > 2 ? v[2] : 0;
		imp->p23 = r > 3 ? v[3] : PCT_MAX;
		imp->p14 = r > 4 ? v[4] : 0;
		imp->keys |= LK_K_LOSS;
		r = 0;
	} else if (IS("loss-ge")) {
		r = get_pcts(p, key, val, v, &f, 4);
		if (r < 0)
			return r;
		imp->loss_model = LK_LOSS_GEMODEL;
		imp->ge_p = v[0];
		imp->ge_r = r > 1 ? v[1] : lk_percent_scale(1.0 - f);
		imp->ge_h = r > 2 ? v[2] : PCT_MAX;
		imp->ge_k1 = r > 3 ? v[3] : 0;
		imp->keys |= LK_K_LOSS;
		r = 0;
	} else if (IS("ecn")) {
		r = get_flag(p, key, val, &imp->ecn);
		imp->keys |= LK_K_ECN;
	} else if (IS("corrupt")) {
		r = get_pct(p, key, val, &imp->corrupt);
		imp->keys |= LK_K_CORRUPT;
	} else if (IS("corrupt-corr")) {
		r = get_pct(p, key, val, &imp->corrupt_corr);
		imp->keys |= LK_K_CORRUPT_CORR;
	} else if (IS("dup") || IS("duplicate")) {
		r = get_pct(p, key, val, &imp->duplicate);
		imp->keys |= LK_K_DUP;
	} else if (IS("dup-corr") || IS("duplicate-corr")) {
		r = get_pct(p, key, val, &imp->duplicate_corr);
		imp->keys |= LK_K_DUP_CORR;
	} else if (IS("reorder")) {
		r = get_pct(p, key, val, &imp->reorder);
		imp->keys |= LK_K_REORDER;
	} else if (IS("reorder-corr")) {
		r = get_pct(p, key, val, &imp->reorder_corr);
		imp->keys |= LK_K_REORDER_CORR;
	} else if (IS("gap")) {
		r = get_u32(p, key, val, 0, &imp->gap);
		imp->keys |= LK_K_GAP;
	} else if (IS("netem-rate")) {
		r = get_rate(p, key, val, &imp->rate_Bps);
		imp->keys |= LK_K_RATE;
	} else if (IS("overhead")) {
		r = get_s32(p, key, val, &imp->packet_overhead);
		imp->keys |= LK_K_OVERHEAD;
	} else if (IS("cellsize")) {
		r = get_u32(p, key, val, 0, &imp->cell_size);
		imp->keys |= LK_K_CELLSIZE;
	} else if (IS("celloverhead")) {
		r = get_s32(p, key, val, &imp->cell_overhead);
		imp->keys |= LK_K_CELLOVERHEAD;
	} else if (IS("rate")) {
		r = get_rate(p, key, val, &imp->tb_rate_Bps);
		imp->keys |= LK_K_TB;
	} else if (IS("burst")) {
		r = get_size(p, key, val, &imp->tb_burst);
		imp->keys |= LK_K_TB_BURST;
	} else if (IS("latency")) {
		r = get_time(p, key, val, &imp->tb_latency_ns);
		imp->keys |= LK_K_TB_LATENCY;
	} else if (IS("queue")) {
		r = get_size(p, key, val, &imp->tb_limit);
		imp->keys |= LK_K_TB_LIMIT;
	} else if (IS("down") || IS("up")) {
		if (val)
			return bad(p, "'%s' takes no value", key);
		imp->down = IS("down");
		imp->keys |= LK_K_DOWN;
		r = 0;
	} else {
		return bad(p, "unknown parameter '%s' (see docs/link-spec.md)",
			   key);
	}
#undef IS
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

/* ---- the set of specs -------------------------------------------------- */

void lk_links_init(struct lk_links *l, unsigned n)
{
	memset(l, 0, sizeof(*l));
	l->n = n;
}

void lk_links_free(struct lk_links *l)
{
	size_t i;

	for (i = 0; i < l->len; i++)
		lk_linkspec_free(&l->v[i]);
	free(l->v);
	lk_lix_free(l->ix);
	memset(l, 0, sizeof(*l));
}

bool lk_links_resolve(const struct lk_links *l, unsigned src, unsigned dst,
		      struct lk_impair *out)
{
	bool named = false;
	size_t i;

	if (lk_lix_valid(l))
		return lk_lix_fold(l, src, dst, true, out);
	lk_impair_init(out);
	for (i = 0; i < l->len; i++)
		if (lk_linkspec_names(&l->v[i], src, dst))
			named = lk_impair_fold_one(out, &l->v[i].imp);
	return named;
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

/* The smallest x > after in r, x != skip; 0 when none. */
static unsigned next_in(const struct lk_peer_range *r, unsigned after,
			unsigned skip)
{
	unsigned x = after + 1 > r->lo ? after + 1 : r->lo;

	if (x == skip)
		x++;
	return x <= r->hi ? x : 0;
}

static unsigned next_by_spec(const struct lk_linkspec *s, unsigned self,
			     unsigned after, bool towards, unsigned best)
{
	const struct lk_peer_range *from = towards ? &s->b : &s->a;
	const struct lk_peer_range *to = towards ? &s->a : &s->b;
	unsigned c;

	if (in_range(from, self)) {
		c = next_in(to, after, self);
		if (c && (!best || c < best))
			best = c;
	}
	if (s->both && in_range(to, self)) {
		c = next_in(from, after, self);
		if (c && (!best || c < best))
			best = c;
	}
	return best;
}

static unsigned next_peer(const struct lk_links *l, unsigned self,
			  unsigned after, bool towards)
{
	unsigned best = 0, c;
	size_t i, n;

	if (!lk_lix_valid(l)) {
		for (i = 0; i < l->len; i++)
			best = next_by_spec(&l->v[i], self, after, towards,
					    best);
		return best;
	}
	n = lk_lix_nranges(l);
	for (i = 0; i < n; i++)
		best = next_by_spec(lk_lix_range(l, i), self, after, towards,
				    best);
	c = lk_lix_next_pair_peer(l, self, after, towards);
	if (c && (!best || c < best))
		best = c;
	return best;
}

unsigned lk_links_next_dst(const struct lk_links *l, unsigned src,
			   unsigned after)
{
	return next_peer(l, src, after, false);
}

unsigned lk_links_next_src(const struct lk_links *l, unsigned dst,
			   unsigned after)
{
	return next_peer(l, dst, after, true);
}

static int cmp_unsigned(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

/* The link that fails lk_impair_check with the smallest (src, dst). */
struct failure {
	bool any;
	unsigned src, dst;
	char why[256];
};

/* Check src -> dst folded from the specs in l (only the range specs when
 * with_pairs is false), then c. */
static void check_link(const struct lk_links *l, const struct lk_linkspec *c,
		       unsigned src, unsigned dst, bool with_pairs,
		       struct failure *f)
{
	struct lk_impair imp;
	char why[256];

	if (f->any && (src > f->src || (src == f->src && dst >= f->dst)))
		return;
	lk_lix_fold(l, src, dst, with_pairs, &imp);
	lk_impair_apply(&imp, &c->imp);
	if (lk_impair_check(&imp, why, sizeof(why)) == 0)
		return;
	f->any = true;
	f->src = src;
	f->dst = dst;
	snprintf(f->why, sizeof(f->why), "%s", why);
}

static void add_cut(unsigned *cut, size_t *n, unsigned x, unsigned lo,
		    unsigned end)
{
	if (x > lo && x < end)
		cut[(*n)++] = x;
}

/* The bounds of the range specs that fall inside lo..hi on the source
 * (dst_axis false) or destination axis, with lo and hi + 1, sorted and
 * unique.  Returns how many, or -ENOMEM. */
static ssize_t range_cuts(const struct lk_links *l, unsigned lo, unsigned hi,
			  bool dst_axis, unsigned **out)
{
	size_t nr = lk_lix_nranges(l), n = 0, i, k;
	unsigned *cut = malloc((4 * nr + 2) * sizeof(*cut));

	if (!cut)
		return -ENOMEM;
	cut[n++] = lo;
	cut[n++] = hi + 1;
	for (i = 0; i < nr; i++) {
		const struct lk_linkspec *r = lk_lix_range(l, i);
		const struct lk_peer_range *mine = dst_axis ? &r->b : &r->a;
		const struct lk_peer_range *other = dst_axis ? &r->a : &r->b;

		add_cut(cut, &n, mine->lo, lo, hi + 1);
		add_cut(cut, &n, mine->hi + 1, lo, hi + 1);
		if (r->both) {
			add_cut(cut, &n, other->lo, lo, hi + 1);
			add_cut(cut, &n, other->hi + 1, lo, hi + 1);
		}
	}
	qsort(cut, n, sizeof(*cut), cmp_unsigned);
	for (i = 1, k = 1; i < n; i++)
		if (cut[i] != cut[k - 1])
			cut[k++] = cut[i];
	*out = cut;
	return (ssize_t)k;
}

/*
 * The links of the rectangle sa x sb that no pair spec names: which range
 * specs name (s, d) depends only on which of the intervals cut by the
 * range specs' bounds s and d fall in, so one such link per pair of
 * intervals stands for all of them.
 */
static int check_cells(const struct lk_links *l, const struct lk_linkspec *c,
		       const struct lk_peer_range *sa,
		       const struct lk_peer_range *sb, struct failure *f)
{
	_cleanup_free_ unsigned *cs = NULL, *cd = NULL;
	ssize_t ns = range_cuts(l, sa->lo, sa->hi, false, &cs);
	ssize_t nd = range_cuts(l, sb->lo, sb->hi, true, &cd);

	if (ns < 0 || nd < 0)
		return -ENOMEM;
	for (ssize_t i = 0; i + 1 < ns; i++)
		for (ssize_t j = 0; j + 1 < nd; j++) {
			bool found = false;

			for (unsigned s = cs[i]; s < cs[i + 1] && !found; s++)
				for (unsigned d = cd[j]; d < cd[j + 1]; d++) {
					if (s == d || lk_lix_has_pair(l, s, d))
						continue;
					check_link(l, c, s, d, false, f);
					found = true;
					break;
				}
		}
	return 0;
}

/*
 * Check every link the candidate c names, folded with the specs of l
 * (which l->ix describes) and then c: the links some pair spec names one
 * by one, the others by cells (check_cells).
 */
static int check_new(const struct lk_links *l, const struct lk_linkspec *c,
		     struct lk_error *e)
{
	struct failure f = {0};
	int r = 0;

	if (lk_lix_is_pair_spec(c)) {
		check_link(l, c, c->a.lo, c->b.lo, true, &f);
		if (c->both)
			check_link(l, c, c->b.lo, c->a.lo, true, &f);
	} else {
		size_t np = lk_lix_npairs(l);

		r = check_cells(l, c, &c->a, &c->b, &f);
		if (!r && c->both)
			r = check_cells(l, c, &c->b, &c->a, &f);
		if (r)
			return lk_error_set(e, ENOMEM, "out of memory");
		for (size_t i = 0; i < np; i++) {
			unsigned s, d;

			lk_lix_pair(l, i, &s, &d);
			if (lk_linkspec_names(c, s, d))
				check_link(l, c, s, d, true, &f);
		}
	}
	if (!f.any)
		return 0;
	if (l->len == 0)
		return lk_error_set(e, EINVAL, "link '%s': %s", c->text, f.why);
	return lk_error_set(e, EINVAL,
			    "link '%s': %s (on %u>%u, with the specs before "
			    "it)",
			    c->text, f.why, f.src, f.dst);
}

int lk_links_add(struct lk_links *l, const char *text, struct lk_error *e)
{
	struct lk_linkspec s;
	int r;

	r = lk_linkspec_parse(text, l->n, &s, e);
	if (r)
		return r;
	if (!lk_lix_valid(l) && lk_lix_rebuild(l) < 0) {
		lk_linkspec_free(&s);
		return lk_error_set(e, ENOMEM, "out of memory");
	}
	r = check_new(l, &s, e);
	if (r) {
		lk_linkspec_free(&s);
		return r;
	}
	if (l->len == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		struct lk_linkspec *v = realloc(l->v, cap * sizeof(*v));

		if (!v) {
			lk_linkspec_free(&s);
			return lk_error_set(e, ENOMEM, "out of memory");
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->len++] = s;
	if (lk_lix_append(l) < 0) {
		lk_linkspec_free(&l->v[--l->len]);
		return lk_error_set(e, ENOMEM, "out of memory");
	}
	return 0;
}

/* ---- formatting -------------------------------------------------------- */

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
