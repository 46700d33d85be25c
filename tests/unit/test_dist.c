/* test_dist.c — netem distribution tables: built-in generation matches
 * iproute2's files byte for byte, and the table file reader. */
#include "model/dist_table.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <unistd.h>

static const char *const tc_lib_dirs[] = {
    "/usr/lib/x86_64-linux-gnu/tc",
    "/usr/lib/tc",
    "/usr/lib64/tc",
};

/* iproute2's own file for name, parsed with our reader; NULL when absent. */
static struct lk_dist_table *tc_table(const char *name)
{
	char path[256];
	size_t i;

	for (i = 0; i < sizeof(tc_lib_dirs) / sizeof(tc_lib_dirs[0]); i++) {
		struct lk_dist_table *t = NULL;
		struct lk_error e = {0};

		snprintf(path, sizeof(path), "%s/%s.dist", tc_lib_dirs[i],
			 name);
		if (access(path, R_OK) != 0)
			continue;
		cr_assert_eq(lk_dist_table_load(path, &t, &e), 0, "%s", e.msg);
		return t;
	}
	return NULL;
}

static void check_builtin(enum lk_dist d)
{
	struct lk_dist_table *ours = lk_dist_table_make(d), *theirs;
	uint32_t i, diff = 0;

	cr_assert_not_null(ours);
	cr_assert_eq(ours->len, LK_DIST_BUILTIN_LEN);
	theirs = tc_table(lk_dist_name(d));
	if (!theirs) {
		lk_dist_table_unref(ours);
		cr_skip_test("iproute2's %s.dist is not installed",
			     lk_dist_name(d));
	}
	cr_assert_eq(theirs->len, ours->len);
	for (i = 0; i < ours->len; i++)
		if (ours->data[i] != theirs->data[i]) {
			if (!diff)
				cr_log_error("%s[%u]: ours %d, tc's %d",
					     lk_dist_name(d), i, ours->data[i],
					     theirs->data[i]);
			diff++;
		}
	cr_assert_eq(diff, 0, "%u of %u values differ", diff, ours->len);
	lk_dist_table_unref(ours);
	lk_dist_table_unref(theirs);
}

Test(dist, normal_matches_iproute2)
{
	check_builtin(LK_DIST_NORMAL);
}
Test(dist, pareto_matches_iproute2)
{
	check_builtin(LK_DIST_PARETO);
}
Test(dist, paretonormal_matches_iproute2)
{
	check_builtin(LK_DIST_PARETONORMAL);
}

/* Without the files: shape checks that would catch a wrong generator. */
Test(dist, normal_shape)
{
	struct lk_dist_table *t = lk_dist_table_make(LK_DIST_NORMAL);
	double sum = 0, sq = 0;
	uint32_t i;

	cr_assert_not_null(t);
	for (i = 0; i < t->len; i++) {
		if (i)
			cr_assert_geq(t->data[i], t->data[i - 1]);
		sum += t->data[i];
		sq += (double)t->data[i] * t->data[i];
	}
	sum /= t->len;
	sq = sq / t->len - sum * sum;
	cr_assert_lt(sum > 0 ? sum : -sum, 50, "mean %f", sum);
	/* standard deviation 1.0 scaled by 8192, within 2% */
	cr_assert_float_eq(sqrt(sq) / LK_DIST_SCALE, 1.0, 0.02);
	lk_dist_table_unref(t);
}

Test(dist, pareto_is_decreasing_from_clamp)
{
	struct lk_dist_table *t = lk_dist_table_make(LK_DIST_PARETO);
	uint32_t i;

	cr_assert_not_null(t);
	cr_assert_eq(t->data[0], -5461); /* i = 65536: (1 - 1.5) * 4/3 * 8192 */
	cr_assert_eq(t->data[t->len - 1], 32767);
	for (i = 1; i < t->len; i++)
		cr_assert_geq(t->data[i], t->data[i - 1]);
	lk_dist_table_unref(t);
}

Test(dist, no_table_for_uniform)
{
	cr_assert_null(lk_dist_table_make(LK_DIST_UNIFORM));
	cr_assert_null(lk_dist_table_make(LK_DIST_NONE));
	cr_assert(!lk_dist_needs_table(LK_DIST_UNIFORM));
	cr_assert(lk_dist_needs_table(LK_DIST_FILE));
}

Test(dist, names)
{
	enum lk_dist d;

	cr_assert_eq(lk_dist_from_name("paretonormal", &d), 0);
	cr_assert_eq(d, LK_DIST_PARETONORMAL);
	cr_assert_eq(lk_dist_from_name("gauss", &d), -EINVAL);
	cr_assert_str_eq(lk_dist_name(LK_DIST_NORMAL), "normal");
}

Test(dist, parse_text)
{
	const char *txt = "# comment\n 1 -2\t0x10\n\n# more\n32767 -32768\n";
	struct lk_dist_table *t = NULL;
	struct lk_error e = {0};

	cr_assert_eq(lk_dist_table_parse(txt, strlen(txt), "x", &t, &e), 0,
		     "%s", e.msg);
	cr_assert_eq(t->len, 5);
	cr_assert_eq(t->data[0], 1);
	cr_assert_eq(t->data[1], -2);
	cr_assert_eq(t->data[2], 16);
	cr_assert_eq(t->data[3], 32767);
	cr_assert_eq(t->data[4], -32768);
	lk_dist_table_unref(t);
}

Test(dist, parse_errors_name_the_text)
{
	struct lk_dist_table *t = NULL;
	struct lk_error e = {0};
	const char *bad = "1 2\n3 abc 4\n";
	const char *big = "1 40000\n";

	cr_assert_eq(lk_dist_table_parse(bad, strlen(bad), "my.dist", &t, &e),
		     -EINVAL);
	cr_assert_str_eq(e.msg, "my.dist:2: 'abc' is not a number");
	cr_assert_eq(lk_dist_table_parse(big, strlen(big), "b", &t, &e),
		     -ERANGE);
	cr_assert(strstr(e.msg, "b:1: 40000"), "%s", e.msg);
	cr_assert_eq(lk_dist_table_parse("# only\n", 7, "c", &t, &e), -EINVAL);
	cr_assert_str_eq(e.msg, "c: no values in the table");
	cr_assert_null(t);
}

Test(dist, too_many_values)
{
	size_t n = LK_DIST_TABLE_MAX + 1, i;
	char *txt = malloc(n * 2 + 1);
	struct lk_dist_table *t = NULL;
	struct lk_error e = {0};

	for (i = 0; i < n; i++) {
		txt[2 * i] = '1';
		txt[2 * i + 1] = ' ';
	}
	txt[2 * n] = '\0';
	cr_assert_eq(lk_dist_table_parse(txt, 2 * n, "t", &t, &e), -E2BIG);
	free(txt);
}

Test(dist, load_missing_file)
{
	struct lk_dist_table *t = NULL;
	struct lk_error e = {0};

	cr_assert_eq(lk_dist_table_load("/nonexistent/x.dist", &t, &e),
		     -ENOENT);
	cr_assert(strstr(e.msg, "/nonexistent/x.dist"), "%s", e.msg);
}

/* xorshift32: a fixed stream for the statistical checks below */
static uint32_t next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

Test(dist, tabledist_uniform_without_table)
{
	uint32_t s = 12345;
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	int i;

	cr_assert_eq(lk_tabledist(100, 0, 7, NULL), 100);
	for (i = 0; i < 100000; i++) {
		int64_t v = lk_tabledist(1000000, 200000, next_rand(&s), NULL);

		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
	}
	cr_assert_geq(lo, 800000);
	cr_assert_lt(hi, 1200000);
	cr_assert_lt(lo, 801000);
	cr_assert_gt(hi, 1199000);
}

Test(dist, tabledist_normal_spread)
{
	struct lk_dist_table *t = lk_dist_table_make(LK_DIST_NORMAL);
	uint32_t s = 99;
	double sum = 0, sq = 0;
	int i, n = 200000;

	/* mu 50 ms, sigma 5 ms: sample mean and deviation within 1% */
	for (i = 0; i < n; i++) {
		double v =
		    (double)lk_tabledist(50000000, 5000000, next_rand(&s), t);

		sum += v;
		sq += v * v;
	}
	sum /= n;
	sq = sqrt(sq / n - sum * sum);
	cr_assert_float_eq(sum, 50e6, 50e6 * 0.01);
	cr_assert_float_eq(sq, 5e6, 5e6 * 0.02);
	lk_dist_table_unref(t);
}

Test(dist, crandom_correlation)
{
	struct lk_crnd none = {0}, c = {.rho = (uint32_t)(0.75 * 4294967295.0)};
	uint32_t s = 7, prev = 0;
	double same, mx = 0, mxx = 0, mxy = 0;
	int i, n = 100000;

	cr_assert_eq(lk_crnd_next(&none, 42), 42);
	/* lag-1 correlation of the output close to rho */
	for (i = 0; i < n; i++) {
		uint32_t v = lk_crnd_next(&c, next_rand(&s));
		double a = prev / 4294967296.0, b = v / 4294967296.0;

		if (i) {
			mx += b;
			mxx += b * b;
			mxy += a * b;
		}
		prev = v;
	}
	mx /= n - 1;
	mxx /= n - 1;
	mxy /= n - 1;
	same = (mxy - mx * mx) / (mxx - mx * mx);
	cr_assert_float_eq(same, 0.75, 0.02, "lag-1 correlation %f", same);
}
