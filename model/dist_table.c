/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* dist_table.c — netem delay distribution tables, built in and from files. */
#include "model/dist_table.h"

#include "common/cleanup.h"
#include "common/error.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const dist_names[] = {
    [LK_DIST_NONE] = "",
    [LK_DIST_UNIFORM] = "uniform",
    [LK_DIST_NORMAL] = "normal",
    [LK_DIST_PARETO] = "pareto",
    [LK_DIST_PARETONORMAL] = "paretonormal",
    [LK_DIST_FILE] = "file",
};

const char *lk_dist_name(enum lk_dist d)
{
	if ((unsigned)d >= sizeof(dist_names) / sizeof(dist_names[0]))
		return "?";
	return dist_names[d];
}

int lk_dist_from_name(const char *s, enum lk_dist *out)
{
	enum lk_dist d;

	for (d = LK_DIST_UNIFORM; d <= LK_DIST_PARETONORMAL; d++)
		if (strcmp(s, dist_names[d]) == 0) {
			*out = d;
			return 0;
		}
	return -EINVAL;
}

bool lk_dist_needs_table(enum lk_dist d)
{
	return d == LK_DIST_NORMAL || d == LK_DIST_PARETO ||
	       d == LK_DIST_PARETONORMAL || d == LK_DIST_FILE;
}

static struct lk_dist_table *table_new(uint32_t len)
{
	struct lk_dist_table *t;

	t = calloc(1, sizeof(*t) + (size_t)len * sizeof(t->data[0]));
	if (!t)
		return NULL;
	t->refs = 1;
	t->len = len;
	return t;
}

static int16_t clamp16(double v)
{
	if (v < SHRT_MIN)
		return SHRT_MIN;
	if (v > SHRT_MAX)
		return SHRT_MAX;
	return (int16_t)v;
}

/*
 * The inverse of the standard normal CDF, sampled the way iproute2's
 * normal.c does it: walk x from -10 to 10 in steps of 0.00005 and record,
 * for each of 16384 quantile slots, the last x that lands there.  The
 * table then keeps every 4th slot.  (Same walk, same floating-point
 * accumulation, so the same numbers.)
 */
#define GEN_SLOTS 16384

static void normal_quantiles(double *q)
{
	double x;

	for (x = -10.0; x < 10.05; x += .00005) {
		double cdf = .5 + .5 * erf(x / sqrt(2.0));
		long i = lrint(GEN_SLOTS * cdf);

		q[i] = x;
	}
}

/* Pareto with shape 3 for quantile index i of 65536, centred and scaled
 * as iproute2's pareto.c does. */
static double pareto_value(int i)
{
	double v = (double)i / 65536.0;

	v = 1.0 / pow(v, 1.0 / 3.0);
	v -= 1.5;
	v *= (4.0 / 3.0) * (double)LK_DIST_SCALE;
	if (v > 32767)
		v = 32767;
	return v;
}

struct lk_dist_table *lk_dist_table_make(enum lk_dist d)
{
	struct lk_dist_table *t;
	_cleanup_free_ double *q = NULL;
	int i, n;

	if (d != LK_DIST_NORMAL && d != LK_DIST_PARETO &&
	    d != LK_DIST_PARETONORMAL)
		return NULL;
	t = table_new(LK_DIST_BUILTIN_LEN);
	if (!t)
		return NULL;

	if (d == LK_DIST_PARETO) {
		for (i = 65536, n = 0; i > 0; i -= 16)
			t->data[n++] = (int16_t)(int)rint(pareto_value(i));
		return t;
	}

	q = calloc(GEN_SLOTS + 1, sizeof(*q));
	if (!q) {
		free(t);
		return NULL;
	}
	normal_quantiles(q);
	for (i = n = 0; i < GEN_SLOTS; i += 4) {
		int normv = (int)rint(q[i] * LK_DIST_SCALE);

		if (d == LK_DIST_NORMAL) {
			t->data[n++] = clamp16(normv);
		} else {
			int parv = (int)rint(pareto_value(65536 - 4 * i));

			t->data[n++] = clamp16((normv + 3 * parv) / 4);
		}
	}
	return t;
}

int lk_dist_table_parse(const char *text, size_t len, const char *name,
			struct lk_dist_table **out, struct lk_error *e)
{
	_cleanup_free_ int16_t *vals = NULL;
	struct lk_dist_table *t;
	const char *p = text, *end = text + len;
	unsigned line = 1;
	uint32_t n = 0;

	vals = malloc(LK_DIST_TABLE_MAX * sizeof(*vals));
	if (!vals)
		return lk_error_set(e, ENOMEM, "%s: out of memory", name);

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *q;

		if (!eol)
			eol = end;
		if (*p == '#') {
			p = eol + 1;
			line++;
			continue;
		}
		for (q = p; q < eol;) {
			char num[32], *numend;
			size_t l = 0;
			long v;

			if (*q == ' ' || *q == '\t' || *q == '\r') {
				q++;
				continue;
			}
			while (q + l < eol && q[l] != ' ' && q[l] != '\t' &&
			       q[l] != '\r')
				l++;
			if (l >= sizeof(num))
				return lk_error_set(
				    e, EINVAL,
				    "%s:%u: '%.*s...' is not a number", name,
				    line, 16, q);
			memcpy(num, q, l);
			num[l] = '\0';
			errno = 0;
			v = strtol(num, &numend, 0);
			if (numend == num || *numend || errno)
				return lk_error_set(
				    e, EINVAL, "%s:%u: '%s' is not a number",
				    name, line, num);
			if (v < SHRT_MIN || v > SHRT_MAX)
				return lk_error_set(
				    e, ERANGE,
				    "%s:%u: %s is out of range (-32768..32767)",
				    name, line, num);
			if (n == LK_DIST_TABLE_MAX)
				return lk_error_set(
				    e, E2BIG, "%s:%u: more than %u values",
				    name, line, LK_DIST_TABLE_MAX);
			vals[n++] = (int16_t)v;
			q += l;
		}
		p = eol + 1;
		line++;
	}
	if (n == 0)
		return lk_error_set(e, EINVAL, "%s: no values in the table",
				    name);
	t = table_new(n);
	if (!t)
		return lk_error_set(e, ENOMEM, "%s: out of memory", name);
	memcpy(t->data, vals, n * sizeof(vals[0]));
	*out = t;
	return 0;
}

int lk_dist_table_load(const char *path, struct lk_dist_table **out,
		       struct lk_error *e)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return lk_error_errno(e, "open distribution table %s", path);
	for (;;) {
		if (len == cap) {
			char *nb;

			cap = cap ? cap * 2 : 65536;
			if (cap > 16u << 20)
				return lk_error_set(e, EFBIG,
						    "%s: too large for a table",
						    path);
			nb = realloc(buf, cap);
			if (!nb)
				return lk_error_set(e, ENOMEM,
						    "%s: out of memory", path);
			buf = nb;
		}
		r = read(fd, buf + len, cap - len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return lk_error_errno(e, "read %s", path);
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	return lk_dist_table_parse(buf, len, path, out, e);
}

struct lk_dist_table *lk_dist_table_ref(struct lk_dist_table *t)
{
	if (t)
		t->refs++;
	return t;
}

void lk_dist_table_unref(struct lk_dist_table *t)
{
	if (t && --t->refs == 0)
		free(t);
}

uint32_t lk_crnd_next(struct lk_crnd *st, uint32_t fresh)
{
	uint64_t rho, v;

	if (st->rho == 0)
		return fresh;
	rho = (uint64_t)st->rho + 1;
	v = ((uint64_t)fresh * ((1ull << 32) - rho) +
	     (uint64_t)st->last * rho) >>
	    32;
	st->last = (uint32_t)v;
	return (uint32_t)v;
}

int64_t lk_tabledist(int64_t mu, int64_t sigma, uint32_t rnd,
		     const struct lk_dist_table *t)
{
	int64_t x, v;

	if (sigma <= 0)
		return mu;
	if (!t || !t->len)
		return (int64_t)(rnd % (uint64_t)(2 * sigma)) + mu - sigma;
	v = t->data[rnd % t->len];
	x = (sigma % LK_DIST_SCALE) * v;
	if (x >= 0)
		x += LK_DIST_SCALE / 2;
	else
		x -= LK_DIST_SCALE / 2;
	return x / LK_DIST_SCALE + (sigma / LK_DIST_SCALE) * v + mu;
}
