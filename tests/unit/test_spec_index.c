/* test_spec_index.c — the set of specs and its index (model/spec_set.c,
 * model/spec_index.c) against the plain definition on random spec lists:
 * a link's conditions are the defaults, then every spec naming it, in
 * order, key by key (a clear entry resets them); a spec is accepted when
 * every link it names passes lk_impair_check once it is folded in, and
 * the error names the smallest link that does not. */
#include "model/dist_table.h"
#include "model/linkspec.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* The naive model: the accepted specs, folded by scanning them all. */
struct naive {
	unsigned n;
	struct lk_linkspec v[256];
	size_t len;
};

static bool naive_resolve(const struct naive *m, unsigned s, unsigned d,
			  struct lk_impair *out)
{
	bool named = false;

	lk_impair_init(out);
	for (size_t i = 0; i < m->len; i++)
		if (lk_linkspec_names(&m->v[i], s, d))
			named = lk_impair_fold_one(out, &m->v[i].imp);
	return named;
}

static unsigned naive_next(const struct naive *m, unsigned self, unsigned after,
			   bool towards)
{
	for (unsigned o = after + 1; o <= m->n; o++)
		for (size_t i = 0; i < m->len; i++)
			if (towards ? lk_linkspec_names(&m->v[i], o, self)
				    : lk_linkspec_names(&m->v[i], self, o))
				return o;
	return 0;
}

/* Whether the model accepts c; if not, the message lk_links_add gives. */
static bool naive_accepts(const struct naive *m, const struct lk_linkspec *c,
			  char *msg, size_t size)
{
	for (unsigned s = 1; s <= m->n; s++)
		for (unsigned d = 1; d <= m->n; d++) {
			struct lk_impair imp;
			char why[256];

			if (!lk_linkspec_names(c, s, d))
				continue;
			naive_resolve(m, s, d, &imp);
			lk_impair_fold_one(&imp, &c->imp);
			if (lk_impair_check(&imp, why, sizeof(why)) == 0)
				continue;
			if (m->len == 0)
				snprintf(msg, size, "link '%s': %s", c->text,
					 why);
			else
				snprintf(msg, size,
					 "link '%s': %s (on %u>%u, with the "
					 "specs before it)",
					 c->text, why, s, d);
			return false;
		}
	return true;
}

static void assert_same(const struct lk_links *l, const struct naive *m,
			const char *when)
{
	for (unsigned s = 1; s <= m->n; s++) {
		for (unsigned d = 1; d <= m->n; d++) {
			struct lk_impair x, y;
			bool nx = lk_links_resolve(l, s, d, &x);
			bool ny = naive_resolve(m, s, d, &y);

			cr_assert_eq(nx, ny, "%s: %u>%u named", when, s, d);
			/* the model parsed its own copies of the tables */
			cr_assert_eq(!x.table, !y.table, "%s: %u>%u", when, s,
				     d);
			x.table = y.table = NULL;
			cr_assert_eq(memcmp(&x, &y, sizeof(x)), 0,
				     "%s: %u>%u conditions", when, s, d);
		}
		for (unsigned a = 0; a <= m->n; a++) {
			cr_assert_eq(lk_links_next_dst(l, s, a),
				     naive_next(m, s, a, false),
				     "%s: next dst of %u after %u", when, s, a);
			cr_assert_eq(lk_links_next_src(l, s, a),
				     naive_next(m, s, a, true),
				     "%s: next src of %u after %u", when, s, a);
		}
	}
}

static unsigned rnd(unsigned k)
{
	return (unsigned)random() % k;
}

static void random_range(unsigned n, char *buf, size_t size)
{
	unsigned a = 1 + rnd(n), b = 1 + rnd(n);

	switch (rnd(4)) {
	case 0:
		snprintf(buf, size, "*");
		break;
	case 1:
	case 2:
		snprintf(buf, size, "%u", a);
		break;
	default:
		snprintf(buf, size, "%u..%u", a < b ? a : b, a < b ? b : a);
		break;
	}
}

static const char *const keys[] = {
    "delay=5ms",  "delay=0",	  "jitter=1ms",	   "loss=1%",
    "loss=0%",	  "ecn",	  "ecn=off",	   "reorder=5%",
    "gap=2",	  "rate=1mbit",	  "burst=10k",	   "netem-rate=1mbit",
    "overhead=4", "dist=normal",  "down",	   "up",
    "loss-ge=1%", "corrupt=0.5%", "delay-corr=10%"};

static void random_spec(unsigned n, char *buf, size_t size)
{
	char a[32], b[32];
	int len;
	unsigned nk = 1 + rnd(3);

	random_range(n, a, sizeof(a));
	random_range(n, b, sizeof(b));
	/* more pair specs than ranges, as meshes are written */
	if (rnd(2)) {
		snprintf(a, sizeof(a), "%u", 1 + rnd(n));
		snprintf(b, sizeof(b), "%u", 1 + rnd(n));
	}
	len = snprintf(buf, size, "%s%c%s:", a, rnd(2) ? '-' : '>', b);
	for (unsigned k = 0; k < nk; k++)
		len += snprintf(buf + len, size - (size_t)len, "%s%s",
				k ? "," : "", keys[rnd(NKEYS)]);
}

static void make_clear(struct lk_linkspec *c)
{
	lk_dist_table_unref(c->imp.table);
	free(c->imp.dist_file);
	lk_impair_init(&c->imp);
}

/* Drop spec i from both, behind the index's back. */
static void drop(struct lk_links *l, struct naive *m, size_t i)
{
	lk_linkspec_free(&l->v[i]);
	memmove(&l->v[i], &l->v[i + 1], (l->len - i - 1) * sizeof(l->v[0]));
	l->len--;
	lk_linkspec_free(&m->v[i]);
	memmove(&m->v[i], &m->v[i + 1], (m->len - i - 1) * sizeof(m->v[0]));
	m->len--;
}

/* What the runs did, so that the test can tell it tried every path. */
static unsigned accepted, refused, cleared, compacted, dropped;

static void one_run(unsigned seed, unsigned n, unsigned steps)
{
	struct lk_links l;
	struct naive m = {.n = n};
	char spec[256], when[400], want[1024];

	srandom(seed);
	lk_links_init(&l, n);
	for (unsigned step = 0; step < steps && m.len < 250; step++) {
		struct lk_linkspec c;
		struct lk_error e = {0}, pe = {0};
		bool clear = rnd(8) == 0;
		int r;

		random_spec(n, spec, sizeof(spec));
		snprintf(when, sizeof(when), "seed %u step %u '%s'%s", seed,
			 step, spec, clear ? " (clear)" : "");
		if (lk_linkspec_parse(spec, n, &c, &pe) < 0) {
			cr_assert_lt(lk_links_add(&l, spec, &e), 0, "%s", when);
			cr_assert_str_eq(e.msg, pe.msg, "%s", when);
			continue;
		}
		if (clear) {
			cr_assert_eq(lk_links_add_clear(&l, spec, &e), 0,
				     "%s: %s", when, e.msg);
			make_clear(&c);
			m.v[m.len++] = c;
			cleared++;
		} else if (naive_accepts(&m, &c, want, sizeof(want))) {
			cr_assert_eq(lk_links_add(&l, spec, &e), 0, "%s: %s",
				     when, e.msg);
			m.v[m.len++] = c;
			accepted++;
		} else {
			r = lk_links_add(&l, spec, &e);
			cr_assert_lt(r, 0, "%s: accepted", when);
			cr_assert_str_eq(e.msg, want, "%s", when);
			lk_linkspec_free(&c);
			refused++;
		}
		switch (rnd(6)) {
		case 0: /* as launcher/set_link.c does after each change */
			lk_links_compact(&l);
			/* the model keeps every spec: compaction changes no
			 * link, which assert_same checks below */
			break;
		case 1:
			if (m.len > 1) {
				drop(&l, &m, rnd((unsigned)m.len));
				dropped++;
			}
			break;
		default:
			break;
		}
		/* compaction changes no link: l (compacted) and m (not)
		 * agree on every link and every iteration */
		assert_same(&l, &m, when);
		if (l.len != m.len) {
			/* go on with l's specs as the model */
			compacted++;
			for (size_t i = 0; i < m.len; i++)
				lk_linkspec_free(&m.v[i]);
			for (size_t i = 0; i < l.len; i++) {
				cr_assert_eq(lk_linkspec_parse(l.v[i].text, n,
							       &m.v[i], &e),
					     0);
				if (l.v[i].imp.keys == 0)
					make_clear(&m.v[i]);
			}
			m.len = l.len;
			assert_same(&l, &m, when);
		}
	}
	/* the model and l share nothing: free both */
	for (size_t i = 0; i < m.len; i++)
		lk_linkspec_free(&m.v[i]);
	lk_links_free(&l);
}

Test(spec_index, matches_the_plain_definition_on_random_lists)
{
	for (unsigned seed = 1; seed <= 100; seed++)
		one_run(seed, 2 + seed % 7, 40);
	cr_log_info("random spec lists: %u accepted, %u refused, %u clear "
		    "entries, %u compactions, %u removals",
		    accepted, refused, cleared, compacted, dropped);
	cr_assert_gt(refused, 100);
	cr_assert_gt(accepted, 300);
	cr_assert_gt(cleared, 50);
	cr_assert_gt(compacted, 10);
	cr_assert_gt(dropped, 50);
}

static double cpu_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The shape that used to take cubic time (5.3 s for 800 specs): many
 * small range specs, then one that covers every link.  The bound is
 * generous; bench/spec/ has the numbers. */
Test(spec_index, many_small_ranges_then_every_link)
{
	const unsigned r = 800, n = 4 * r;
	struct lk_links l;
	struct lk_error e = {0};
	char spec[128];
	double t0, t1;

	lk_links_init(&l, n);
	t0 = cpu_now();
	for (unsigned k = 0; k < r; k++) {
		unsigned a = 1 + (k * 7) % (n - 2), b = 1 + (k * 13) % (n - 2);

		snprintf(spec, sizeof(spec), "%u..%u>%u..%u:loss=%u%%", a,
			 a + 1, b, b + 1, 1 + k % 50);
		cr_assert_eq(lk_links_add(&l, spec, &e), 0, "%s", e.msg);
	}
	cr_assert_eq(lk_links_add(&l, "*>*:delay=1ms", &e), 0, "%s", e.msg);
	cr_assert_eq(lk_links_add(&l, "*-*:jitter=1ms", &e), 0, "%s", e.msg);
	t1 = cpu_now();
	cr_log_info("%u small range specs, then *>* and *-*: %.3f s", r,
		    t1 - t0);
	cr_assert_lt(t1 - t0, 2.0);
	lk_links_free(&l);
}

/* A full mesh of distinct pair specs, a range spec over all of it, and
 * every link resolved: linear. */
Test(spec_index, mesh_of_pair_specs_then_every_link)
{
	const unsigned n = 200;
	struct lk_links l;
	struct lk_error e = {0};
	struct lk_impair imp;
	char spec[128];
	double t0, t1;
	size_t named = 0;

	lk_links_init(&l, n);
	t0 = cpu_now();
	for (unsigned s = 1; s <= n; s++)
		for (unsigned d = 1; d <= n; d++) {
			if (s == d)
				continue;
			snprintf(spec, sizeof(spec), "%u>%u:rate=%ukbit", s, d,
				 1000 + s * n + d);
			cr_assert_eq(lk_links_add(&l, spec, &e), 0, "%s",
				     e.msg);
		}
	cr_assert_eq(lk_links_add(&l, "*>*:delay=1ms", &e), 0, "%s", e.msg);
	for (unsigned s = 1; s <= n; s++)
		for (unsigned d = lk_links_next_dst(&l, s, 0); d;
		     d = lk_links_next_dst(&l, s, d)) {
			cr_assert(lk_links_resolve(&l, s, d, &imp));
			cr_assert_eq(imp.tb_rate_Bps, (1000 + s * n + d) * 125);
			named++;
		}
	t1 = cpu_now();
	cr_assert_eq(named, n * (n - 1));
	cr_log_info("mesh of %u pair specs, *>*, every link resolved: %.3f s",
		    n * (n - 1), t1 - t0);
	cr_assert_lt(t1 - t0, 5.0);
	lk_links_free(&l);
}
