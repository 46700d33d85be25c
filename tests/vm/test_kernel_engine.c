/*
 * test_kernel_engine.c — linkem-launch --engine kernel with real traffic,
 * in the VM (make check-vm): what only the kernel engine is asked for.
 * Its delay, jitter, loss, duplication, corruption, reordering, rate,
 * isolation and changes are the behaviour suite's (tests/behaviour), run
 * against both engines.  Run on the host (no sch_netem), the tests skip;
 * inside the VM a missing netem fails.
 */
#include "tests/support/measure.h"
#include "tests/support/run.h"
#include "tests/support/vm_env.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LAUNCH(r, timeout_ms, ...)                                             \
	do {                                                                   \
		char *argv_[] = {(char *)build_path("linkem-launch"),          \
				 "--engine", "kernel", __VA_ARGS__, NULL};     \
		cr_assert_eq(run_cmd(argv_, NULL, timeout_ms, r), 0);          \
		cr_assert(!(r)->timed_out, "linkem-launch timed out");         \
	} while (0)

Test(vm_kernel, three_hundred_peers, .timeout = 400)
{
	struct run_result r;
	double v[32];
	int n;

	require_netem();
	LAUNCH(&r, 360000, "-n", "300", "--link", "1-*:delay=10ms", "--link",
	       "*>2:rate=50mbit", "--link", "299>300:loss=1%", "--", "sh", "-c",
	       /* under TCG, 300 peers starting take the CPU for a while:
		* measure once they are all asleep */
	       "case {id} in 1) sleep 30; ping -n -c 8 -i 0.1 10.0.1.44;; "
	       "299) sleep 30; ping -n -c 8 -i 0.1 10.0.0.150;; "
	       "*) sleep 40;; esac");
	cr_assert_eq(r.status, 0, "%.2000s\n%s", r.out, r.err);
	/* 1 -> 300 (10.0.1.44) and back: 20 ms.  What this test checks is
	 * that the right class catches the right destination among 300
	 * (impaired vs untouched); the 2 ms precision is asserted by
	 * the behaviour suite's delay tests.  Eight pings beside 300 sleeping
	 * peers under TCG came out 26.6 ms once: bound it loosely above. */
	n = ping_rtts(r.out, "peer1", "10.0.1.44", v, 32);
	cr_assert_geq(n, 5, "%.3000s", r.out);
	cr_expect(quantile(v, n, 0.5) >= 20 && quantile(v, n, 0.5) < 35,
		  "median %.1f", quantile(v, n, 0.5));
	/* 299 -> 150: untouched */
	n = ping_rtts(r.out, "peer299", "10.0.0.150", v, 32);
	cr_assert_geq(n, 5);
	cr_expect(quantile(v, n, 0.5) < 8, "median %.1f", quantile(v, n, 0.5));
	run_result_free(&r);
}
