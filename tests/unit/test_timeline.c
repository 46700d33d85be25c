/* test_timeline.c — --at and --scenario parsing and checking. */
#include "launcher/timeline.h"
#include "tests/support/runtime_dir.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

Test(timeline, at_forms)
{
	struct lk_timeline t = {0};
	struct lk_error e = {0};

	cr_assert_eq(lk_timeline_add_at(&t, "10s:1-2:delay=50ms", &e), 0);
	cr_assert_eq(lk_timeline_add_at(&t, "1500ms:partition=1,2/3", &e), 0);
	cr_assert_eq(lk_timeline_add_at(&t, "20:heal", &e), 0);
	cr_assert_eq(lk_timeline_add_at(&t, "2s:down=3", &e), 0);
	cr_assert_eq(lk_timeline_add_at(&t, "3s:clear=1-2", &e), 0);
	cr_assert_eq(lk_timeline_check(&t, 3, &e), 0, "%s", e.msg);
	/* Ordered by time. */
	cr_assert_str_eq(t.v[0].cmd, "partition");
	cr_assert_eq(t.v[0].at_ns, 1500000000ull);
	cr_assert_str_eq(t.v[0].args[0], "1,2/3");
	cr_assert_str_eq(t.v[1].cmd, "down");
	cr_assert_str_eq(t.v[2].cmd, "clear");
	cr_assert_str_eq(t.v[3].cmd, "set");
	cr_assert_str_eq(t.v[3].args[0], "1-2:delay=50ms");
	cr_assert_eq(t.v[3].at_ns, 10000000000ull);
	cr_assert_str_eq(t.v[4].cmd, "heal");
	cr_assert_eq(t.v[4].nargs, 0);
	cr_assert_eq(t.v[4].at_ns, 20000000000ull); /* bare: seconds */
	cr_assert_str_eq(t.v[4].origin, "--at 20:heal");
	lk_timeline_free(&t);
}

Test(timeline, same_time_keeps_order)
{
	struct lk_timeline t = {0};
	struct lk_error e = {0};

	cr_assert_eq(lk_timeline_add_at(&t, "5s:1-2:delay=1ms", &e), 0);
	cr_assert_eq(lk_timeline_add_at(&t, "1s:heal", &e), 0);
	cr_assert_eq(lk_timeline_add_at(&t, "5s:1-2:delay=2ms", &e), 0);
	cr_assert_eq(lk_timeline_add_at(&t, "5s:1-2:delay=3ms", &e), 0);
	cr_assert_eq(lk_timeline_check(&t, 2, &e), 0);
	cr_assert_str_eq(t.v[1].args[0], "1-2:delay=1ms");
	cr_assert_str_eq(t.v[2].args[0], "1-2:delay=2ms");
	cr_assert_str_eq(t.v[3].args[0], "1-2:delay=3ms");
	lk_timeline_free(&t);
}

Test(timeline, at_errors)
{
	static const struct {
		const char *text, *want;
	} parse_errors[] =
	    {
		{"10s", "expected TIME:SPEC"},
		{":heal", "expected TIME:SPEC"},
		{"10s:", "expected TIME:SPEC"},
		{"ten:heal", "--at ten:heal: 'ten' is not a time"},
	    },
	  check_errors[] = {
	      {"1s:1-9:delay=1ms", "--at 1s:1-9:delay=1ms"},
	      {"1s:1-2:delay=banana", "banana"},
	      {"1s:partition=1/1", "peer 1 is in two groups"},
	      {"1s:down=4", "'4' is not a peer (1..3)"},
	      {"1s:kill=1:BOGUS", "is not a signal"},
	      {"1s:restart=4", "'4' is not a peer (1..3)"},
	      {"1s:clear=1-2:delay=1ms", "--at 1s:clear=1-2:delay=1ms"},
	  };

	for (size_t i = 0; i < sizeof(parse_errors) / sizeof(*parse_errors);
	     i++) {
		struct lk_timeline t = {0};
		struct lk_error e = {0};

		cr_assert_lt(lk_timeline_add_at(&t, parse_errors[i].text, &e),
			     0);
		cr_assert(strstr(e.msg, parse_errors[i].want), "%s -> %s",
			  parse_errors[i].text, e.msg);
		lk_timeline_free(&t);
	}
	for (size_t i = 0; i < sizeof(check_errors) / sizeof(*check_errors);
	     i++) {
		struct lk_timeline t = {0};
		struct lk_error e = {0};

		cr_assert_eq(lk_timeline_add_at(&t, check_errors[i].text, &e),
			     0, "%s", e.msg);
		cr_assert_lt(lk_timeline_check(&t, 3, &e), 0, "%s",
			     check_errors[i].text);
		cr_assert(strstr(e.msg, check_errors[i].want), "%s -> %s",
			  check_errors[i].text, e.msg);
		lk_timeline_free(&t);
	}
}

Test(timeline, scenario_text)
{
	const char *text = "# a scenario\n"
			   "\n"
			   "0s    set 1-2:delay=10ms 2>3:loss=1%\n"
			   "2.5s  partition 1,2/3   # split\n"
			   "\t4s heal\n"
			   "5s down 2\n"
			   "6s up peer2x\n";
	struct lk_timeline t = {0};
	struct lk_error e = {0};

	cr_assert_eq(lk_timeline_parse_text(&t, "s.txt", text, &e), 0, "%s",
		     e.msg);
	cr_assert_eq(t.len, 5);
	cr_assert_str_eq(t.v[0].cmd, "set");
	cr_assert_eq(t.v[0].nargs, 2);
	cr_assert_str_eq(t.v[0].args[1], "2>3:loss=1%");
	cr_assert_str_eq(t.v[1].origin, "s.txt:4");
	cr_assert_eq(t.v[1].at_ns, 2500000000ull);
	cr_assert_str_eq(t.v[2].cmd, "heal");
	/* Line 7 names no peer. */
	cr_assert_lt(lk_timeline_check(&t, 3, &e), 0);
	cr_assert(strstr(e.msg, "s.txt:7: up: 'peer2x' is not a peer"), "%s",
		  e.msg);
	lk_timeline_free(&t);
}

Test(timeline, scenario_errors_name_file_and_line)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
	    {"1s heal\nsoon heal\n", "f:2: 'soon' is not a time"},
	    {"\n\n1s\n", "f:3: expected TIME COMMAND"},
	    {"1s explode 2\n", "f:1: unknown command 'explode'"},
	    {"1s set\n", "f:1: set needs a SPEC"},
	    {"1s heal 1\n", "f:1: heal takes no argument"},
	    {"1s partition 1/2 3\n", "f:1: partition needs one argument"},
	    {"1s set 1-2:delay=nope\n", "f:1"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct lk_timeline t = {0};
		struct lk_error e = {0};
		int r = lk_timeline_parse_text(&t, "f", cases[i].text, &e);

		if (r == 0)
			r = lk_timeline_check(&t, 3, &e);
		cr_assert_lt(r, 0, "%s", cases[i].text);
		cr_assert(strstr(e.msg, cases[i].want), "%s -> %s",
			  cases[i].text, e.msg);
		lk_timeline_free(&t);
	}
}

Test(timeline, load_file)
{
	char path[] = "/tmp/lk-scenario-XXXXXX";
	int fd = mkstemp(path);
	struct lk_timeline t = {0};
	struct lk_error e = {0};

	test_remove_at_exit(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "1s heal\n2s bad\n", 15), 15);
	close(fd);
	cr_assert_eq(lk_timeline_load(&t, path, &e), 0, "%s", e.msg);
	cr_assert_lt(lk_timeline_check(&t, 2, &e), 0);
	cr_assert(strstr(e.msg, ":2: unknown command 'bad'"), "%s", e.msg);
	lk_timeline_free(&t);
	unlink(path);
	cr_assert_lt(lk_timeline_load(&t, path, &e), 0);
	cr_assert(strstr(e.msg, "No such file"), "%s", e.msg);
}

/* Fuzz finding 7: a time in [2^63, 2^64) ns went through llround(), which
 * returned 2^63: the step was scheduled at the wrong time instead of
 * refused. */
Test(timeline, refuses_a_time_past_2_63_ns)
{
	struct lk_timeline t = {0};
	struct lk_error e = {0};

	cr_assert_eq(lk_timeline_add_at(&t, "1e10s:heal", &e), -EINVAL);
	cr_assert(strstr(e.msg, "'1e10s' is too late"), "%s", e.msg);
	cr_assert_eq(lk_timeline_add_at(&t, "9223372036854775808ns:heal", &e),
		     -EINVAL);
	cr_assert(strstr(e.msg, "too late"), "%s", e.msg);
	cr_assert_eq(lk_timeline_add_at(&t, "9223372036s:heal", &e), 0);
	cr_assert_eq(t.v[0].at_ns, 9223372036000000000ull);
	lk_timeline_free(&t);
}

/* Fuzz finding 10: 100k steps in descending time took 4 s to order
 * (insertion sort); now O(n log n), still stable. */
Test(timeline, orders_100k_descending_steps_quickly_and_stably)
{
	enum { N = 100000 };
	struct lk_timeline t = {0};
	struct lk_error e = {0};
	struct timespec a, b;
	char *text = malloc((size_t)N * 40), *p = text;

	cr_assert_not_null(text);
	/* "100000 down 1", "100000 up 1", "99999 down 1", ...: pairs at the
	 * same time must stay down-then-up. */
	for (int i = N / 2; i > 0; i--)
		p += sprintf(p, "%d down 1\n%d up 1\n", i, i);
	cr_assert_eq(lk_timeline_parse_text(&t, "big", text, &e), 0, "%s",
		     e.msg);
	clock_gettime(CLOCK_MONOTONIC, &a);
	cr_assert_eq(lk_timeline_check(&t, 2, &e), 0, "%s", e.msg);
	clock_gettime(CLOCK_MONOTONIC, &b);
	cr_assert_eq(t.len, N);
	for (size_t i = 0; i < N; i++) {
		cr_assert_eq(t.v[i].at_ns, (i / 2 + 1) * 1000000000ull);
		cr_assert_str_eq(t.v[i].cmd, i % 2 ? "up" : "down");
	}
	/* The check and the sort only (tens of ms, also under the
	 * sanitizers): the old sort took 4 s unloaded. */
	cr_assert_lt((b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9,
		     2.0);
	lk_timeline_free(&t);
	free(text);
}
