/* spec_bench.c — time the set of link specs (model/linkspec.h): adding
 * specs (each checked against the ones before it), resolving every link
 * and iterating destinations, for the shapes that used to be slow.
 *
 *   build/bench/spec-bench [R...]
 *
 *   build/bench/spec-bench m [N...]
 *
 * Cases: R small range specs (2x2 peers each, spread over N = 4R peers)
 * followed by "*>*:delay=1ms"; a full mesh of N(N-1) distinct pair specs
 * followed by "*>*:delay=1ms", then 100 column specs "*>D:loss=1%".
 * Prints one line per case, CPU time of each phase (the machine may be
 * shared). */
#include "model/linkspec.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void add(struct lk_links *l, const char *spec)
{
	struct lk_error e = {0};

	if (lk_links_add(l, spec, &e) < 0) {
		fprintf(stderr, "%s: %s\n", spec, e.msg);
		exit(1);
	}
}

/* Resolve every link some spec names, by iterating destinations. */
static size_t walk(const struct lk_links *l)
{
	struct lk_impair imp;
	size_t named = 0;

	for (unsigned s = 1; s <= l->n; s++)
		for (unsigned d = lk_links_next_dst(l, s, 0); d;
		     d = lk_links_next_dst(l, s, d))
			named += lk_links_resolve(l, s, d, &imp);
	return named;
}

static void ranges_then_star(unsigned r)
{
	unsigned n = 4 * r;
	struct lk_links l;
	char spec[128];
	double t0, t1, t2, t3;
	size_t named;

	lk_links_init(&l, n);
	t0 = now();
	for (unsigned k = 0; k < r; k++) {
		unsigned a = 1 + (k * 7) % (n - 2), b = 1 + (k * 13) % (n - 2);

		snprintf(spec, sizeof(spec), "%u..%u>%u..%u:loss=%u%%", a,
			 a + 1, b, b + 1, 1 + k % 50);
		add(&l, spec);
	}
	t1 = now();
	add(&l, "*>*:delay=1ms");
	t2 = now();
	named = walk(&l);
	t3 = now();
	printf("ranges R=%-5u N=%-5u add R: %8.3f s  add *>*: %8.3f s  "
	       "walk %zu links: %8.3f s\n",
	       r, n, t1 - t0, t2 - t1, named, t3 - t2);
	lk_links_free(&l);
}

/* R/2 row specs "i>*" and R/2 column specs "*>j": (R/2)^2 distinct
 * classes of links, the worst case for cells. */
static void stripes_then_star(unsigned r)
{
	unsigned n = r;
	struct lk_links l;
	char spec[128];
	double t0, t1, t2;

	lk_links_init(&l, n);
	t0 = now();
	for (unsigned k = 1; k <= r / 2; k++) {
		snprintf(spec, sizeof(spec), "%u>*:loss=%u%%", 2 * k - 1,
			 1 + k % 90);
		add(&l, spec);
		snprintf(spec, sizeof(spec), "*>%u:corrupt=%u%%", 2 * k,
			 1 + k % 90);
		add(&l, spec);
	}
	t1 = now();
	add(&l, "*>*:delay=1ms");
	t2 = now();
	printf("stripes R=%-5u N=%-5u add R: %8.3f s  add *>*: %8.3f s\n", r, n,
	       t1 - t0, t2 - t1);
	lk_links_free(&l);
}

static void mesh_then_star(unsigned n)
{
	struct lk_links l;
	char spec[128];
	double t0, t1, t2, t3, t4;
	size_t named;

	lk_links_init(&l, n);
	t0 = now();
	for (unsigned s = 1; s <= n; s++)
		for (unsigned d = 1; d <= n; d++) {
			if (s == d)
				continue;
			snprintf(spec, sizeof(spec), "%u>%u:rate=%ukbit", s, d,
				 1000 + s * n + d);
			add(&l, spec);
		}
	t1 = now();
	add(&l, "*>*:delay=1ms");
	t2 = now();
	named = walk(&l);
	t3 = now();
	for (unsigned d = 1; d <= 100 && d <= n; d++) {
		snprintf(spec, sizeof(spec), "*>%u:loss=1%%", d);
		add(&l, spec);
	}
	t4 = now();
	printf("mesh   N=%-5u specs=%-8u add: %8.3f s  add *>*: %8.3f s  "
	       "walk %zu links: %8.3f s  100 x *>D: %8.3f s\n",
	       n, n * (n - 1), t1 - t0, t2 - t1, named, t3 - t2, t4 - t3);
	lk_links_free(&l);
}

int main(int argc, char **argv)
{
	static const unsigned rs[] = {100, 200, 400, 800};
	static const unsigned ns[] = {100, 300, 1000};

	if (argc > 2 && argv[1][0] == 'm') {
		for (int i = 2; i < argc; i++)
			mesh_then_star((unsigned)atoi(argv[i]));
		return 0;
	}
	if (argc > 2 && argv[1][0] == 's') {
		for (int i = 2; i < argc; i++)
			stripes_then_star((unsigned)atoi(argv[i]));
		return 0;
	}
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			ranges_then_star((unsigned)atoi(argv[i]));
		return 0;
	}
	for (size_t i = 0; i < sizeof(rs) / sizeof(*rs); i++)
		ranges_then_star(rs[i]);
	for (size_t i = 0; i < sizeof(ns) / sizeof(*ns); i++)
		mesh_then_star(ns[i]);
	return 0;
}
