/*
 * test_kernel_support.c — which netem options the running kernel keeps
 * (netsetup/netem_support.h), in the VM (make check-vm VM_ARGS='--filter
 * vm_kernel_support/...'): the probe against Debian's kernel, and the
 * notice linkem-launch prints when --seed cannot work there.  Kernels
 * before 6.6 ignore TCA_NETEM_PRNG_SEED and keep everything else linkem
 * sends.  On the host (no sch_netem) the tests skip.
 */
#include "netsetup/netem_support.h"
#include "netsetup/psched.h"
#include "netsetup/nl.h"
#include "tests/support/run.h"
#include "tests/support/vm_env.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <linux/pkt_sched.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

/* Whether the running kernel is at least major.minor. */
static bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	uname(&u);
	sscanf(u.release, "%d.%d", &ma, &mi);
	return ma > major || (ma == major && mi >= minor);
}

Test(vm_kernel_support, probe_finds_what_this_kernel_keeps, .timeout = 120)
{
	struct lk_ns_support s;
	struct lk_psched ps;
	struct lk_nl nl = {0};
	struct lk_error e = {0};
	uint32_t seed = LK_NS_BIT(LK_NS_PRNG_SEED);
	int st;

	require_netem();
	cr_assert_eq(lk_psched_read(&ps, &e), 0, "%s", e.msg);
	cr_assert_eq(lk_nl_open(&nl, &e), 0, "%s", e.msg);
	cr_assert_eq(lk_ns_probe(&nl, 1, &ps, &s, &e), 0, "%s", e.msg);
	cr_assert(s.probed);
	cr_assert_eq(s.refused, 0, "refused: %#x (%s)", s.refused,
		     s.why[__builtin_ctz(s.refused | 1u << 31)]);
	if (kernel_at_least(6, 6))
		cr_assert_eq(s.ignored, 0, "ignored: %#x", s.ignored);
	else
		cr_assert_eq(s.ignored, seed, "ignored: %#x", s.ignored);
	/* every probe qdisc is gone again */
	st = system("tc qdisc show dev lo | grep -q netem");
	cr_assert_neq(st, 0, "a probe netem was left on lo");
	lk_nl_close(&nl);
}

#define LAUNCH(r, ...)                                                         \
	do {                                                                   \
		char *argv_[] = {(char *)build_path("linkem-launch"),          \
				 "--engine",                                   \
				 "kernel",                                     \
				 "-n",                                         \
				 "2",                                          \
				 __VA_ARGS__,                                  \
				 NULL};                                        \
		cr_assert_eq(run_cmd(argv_, NULL, 120000, r), 0);              \
		cr_assert(!(r)->timed_out, "linkem-launch timed out");         \
	} while (0)

Test(vm_kernel_support, seed_notice_names_option_and_kernel, .timeout = 300)
{
	struct run_result r = {0};
	struct utsname u;
	char want[200];

	require_netem();
	uname(&u);
	LAUNCH(&r, "--seed", "7", "--link", "1-2:delay=5ms,loss=1%", "--",
	       "true");
	cr_assert_eq(r.status, 0, "status %d: %s", r.status, r.err);
	snprintf(want, sizeof(want),
		 "linkem-launch: notice: this kernel (%s) does not support "
		 "netem option '--seed'",
		 u.release);
	if (kernel_at_least(6, 6))
		cr_assert(!has(r.err, "'--seed'"), "%s", r.err);
	else
		cr_assert(has(r.err, want), "stderr lacks '%s':\n%s", want,
			  r.err);
	cr_assert_eq(count_lines(r.err) >= 1, true);
	run_result_free(&r);

	/* without --seed, or with -q: no notice */
	LAUNCH(&r, "--link", "1-2:delay=5ms,loss=1%", "--", "true");
	cr_assert_eq(r.status, 0, "status %d: %s", r.status, r.err);
	cr_assert(!has(r.err, "'--seed'"), "%s", r.err);
	run_result_free(&r);
	LAUNCH(&r, "-q", "--seed", "7", "--link", "1-2:delay=5ms", "--",
	       "true");
	cr_assert_eq(r.status, 0, "status %d: %s", r.status, r.err);
	cr_assert(!has(r.err, "'--seed'"), "%s", r.err);
	run_result_free(&r);
}
