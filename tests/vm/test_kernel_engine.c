/*
 * test_kernel_engine.c — linkem-launch --engine kernel with real traffic,
 * in the VM (make check-vm): delay, jitter, loss, duplication, corruption,
 * reordering, token-bucket rate, per-destination isolation, duplication
 * on several links of one peer, a change while traffic flows, and a
 * 300-peer launch.  Statistics are asserted with tolerances: medians,
 * binomial bounds (4.5 standard deviations).  Run on the host (no
 * sch_netem), the tests skip; inside the VM a missing netem fails.
 */
#include "linkem.h"
#include "tests/support/run.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int in_vm(void)
{
	const char *v = getenv("LINKEM_IN_VM");

	return v && *v && strcmp(v, "0") != 0;
}

static void require_netem(void)
{
	int st;

	if (geteuid() != 0) {
		cr_assert(!in_vm(), "not root inside the VM");
		cr_skip_test("needs root (run it with make check-vm)");
	}
	cr_assert_eq(unshare(CLONE_NEWNET), 0, "unshare: %s", strerror(errno));
	st = system("tc qdisc add dev lo root netem delay 1ms 2>/dev/null");
	if (st != 0) {
		cr_assert(!in_vm(), "the VM kernel refuses a netem qdisc");
		cr_skip_test("this kernel has no sch_netem (run it with make "
			     "check-vm)");
	}
	(void)!system("tc qdisc del dev lo root 2>/dev/null");
}

#define LAUNCH(r, timeout_ms, ...)                                             \
	do {                                                                   \
		char *argv_[] = {(char *)build_path("linkem-launch"),          \
				 "--engine", "kernel", __VA_ARGS__, NULL};     \
		cr_assert_eq(run_cmd(argv_, NULL, timeout_ms, r), 0);          \
		cr_assert(!(r)->timed_out, "linkem-launch timed out");         \
	} while (0)

/* Round-trip times (ms) of echo replies from addr (first one skipped: it
 * pays for ARP and TCG's cold code), duplicates left out. */
static int rtts(const char *out, const char *addr, double *v, int max)
{
	char from[64];
	int n = 0, seen = 0;

	snprintf(from, sizeof(from), "from %s:", addr);
	for (const char *p = strstr(out, from); p && n < max;
	     p = strstr(p + 1, from)) {
		const char *nl = strchr(p, '\n');
		const char *t = strstr(p, "time=");

		if (!t || (nl && t > nl))
			continue;
		if (nl && memmem(p, (size_t)(nl - p), "DUP!", 4))
			continue;
		if (seen++ == 0)
			continue;
		v[n++] = strtod(t + 5, NULL);
	}
	return n;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double quantile(double *v, int n, double q)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_d);
	return v[(int)(q * (n - 1))];
}

/* "N received" and "+D duplicates" of the ping summary naming dst. */
static void summary(const char *out, const char *dst, int *recv, int *dups)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), "--- %s ping statistics ---", dst);
	p = strstr(out, key);
	cr_assert_not_null(p, "no summary for %s in:\n%s", dst, out);
	p = strstr(p, "transmitted, ");
	cr_assert_not_null(p);
	*recv = atoi(p + 13);
	*dups = 0;
	p = strstr(p, "received, +");
	if (p && strstr(p, "duplicates") &&
	    strstr(p, "duplicates") < strchr(p, '\n'))
		*dups = atoi(p + 11);
}

/* Peer 1 runs the script; the others wait long enough to answer. */
#define ONE(script, secs)                                                      \
	"if [ {id} = 1 ]; then " script "; else sleep " secs "; fi"

Test(vm_kernel, delay_median_and_isolation, .timeout = 180)
{
	struct run_result r;
	double v[64];
	int n;

	require_netem();
	LAUNCH(&r, 120000, "-n", "3", "--link", "1>2:delay=30ms", "--", "sh",
	       "-c",
	       "if [ {id} = 1 ]; then ping -n -c 25 -i 0.1 10.0.0.2; "
	       "ping -n -c 25 -i 0.1 10.0.0.3; "
	       "else sleep 14; fi");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	n = rtts(r.out, "10.0.0.2", v, 64);
	cr_assert_geq(n, 20, "%s", r.out);
	/* one direction delayed: the RTT is 30 ms plus a little */
	cr_expect(quantile(v, n, 0.5) >= 30 && quantile(v, n, 0.5) < 32,
		  "median %.2f ms", quantile(v, n, 0.5));
	cr_expect(v[0] >= 30, "min %.2f ms", v[0]);
	/* 1 -> 3 is not impaired */
	n = rtts(r.out, "10.0.0.3", v, 64);
	cr_assert_geq(n, 20);
	cr_expect(quantile(v, n, 0.5) < 5, "1 -> 3 median %.2f ms",
		  quantile(v, n, 0.5));
	run_result_free(&r);
}

Test(vm_kernel, jitter_spreads, .timeout = 180)
{
	struct run_result r;
	double v[128];
	int n;

	require_netem();
	LAUNCH(&r, 120000, "-n", "2", "--link", "1>2:delay=50ms,jitter=20ms",
	       "--", "sh", "-c", ONE("ping -n -c 60 -i 0.05 10.0.0.2", "12"));
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	n = rtts(r.out, "10.0.0.2", v, 128);
	cr_assert_geq(n, 50);
	/* uniform in 30..70 ms: the middle 80% spans ~32 ms */
	cr_expect(quantile(v, n, 0.9) - quantile(v, n, 0.1) > 15,
		  "p10 %.1f p90 %.1f", quantile(v, n, 0.1),
		  quantile(v, n, 0.9));
	/* (TCG stalls a sample now and then: the 95th percentile) */
	cr_expect(v[0] >= 29 && quantile(v, n, 0.95) < 76, "min %.1f p95 %.1f",
		  v[0], quantile(v, n, 0.95));
	cr_expect(fabs(quantile(v, n, 0.5) - 50) < 8, "median %.1f",
		  quantile(v, n, 0.5));
	run_result_free(&r);
}

Test(vm_kernel, loss_binomial, .timeout = 180)
{
	struct run_result r;
	int recv, dups;

	require_netem();
	/* with --seed: each netem gets a PRNG seed (kernels that predate
	 * TCA_NETEM_PRNG_SEED ignore it) */
	LAUNCH(&r, 120000, "-n", "2", "--seed", "7", "--link", "1>2:loss=30%",
	       "--", "sh", "-c",
	       ONE("ping -n -q -c 300 -i 0.005 -W 2 10.0.0.2", "10"));
	summary(r.out, "10.0.0.2", &recv, &dups);
	/* 300 * 0.7 = 210, sd 7.9 */
	cr_expect(recv >= 175 && recv <= 245, "%d of 300 answered", recv);
	run_result_free(&r);
}

Test(vm_kernel, duplicates_counted, .timeout = 180)
{
	struct run_result r;
	int recv, dups;

	require_netem();
	LAUNCH(&r, 120000, "-n", "2", "--link", "1>2:dup=50%", "--", "sh", "-c",
	       ONE("ping -n -q -c 200 -i 0.005 -W 2 10.0.0.2", "10"));
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	summary(r.out, "10.0.0.2", &recv, &dups);
	cr_expect_eq(recv, 200);
	/* 200 * 0.5 = 100, sd 7.1 */
	cr_expect(dups >= 68 && dups <= 132, "%d duplicates", dups);
	run_result_free(&r);
}

Test(vm_kernel, dup_on_every_link_of_one_peer, .timeout = 180)
{
	struct run_result r;
	const char *dst[] = {"10.0.0.2", "10.0.0.3", "10.0.0.4"};

	require_netem();
	LAUNCH(&r, 120000, "-n", "4", "--link", "1>*:dup=50%,delay=5ms",
	       "--link", "2>3:dup=20%", "--", "sh", "-c",
	       "if [ {id} = 1 ]; then for i in 2 3 4; do "
	       "ping -n -q -c 60 -i 0.01 -W 2 10.0.0.$i; done; "
	       "ip -o link show | grep -c lkdup; "
	       "else sleep 15; fi");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	for (int i = 0; i < 3; i++) {
		int recv, dups;

		summary(r.out, dst[i], &recv, &dups);
		cr_expect_eq(recv, 60, "%s", dst[i]);
		/* 60 * 0.5 = 30, sd 3.9 */
		cr_expect(dups >= 12 && dups <= 48, "%s: %d duplicates", dst[i],
			  dups);
	}
	cr_expect(has(r.out, "[peer1] 3\n"), "three ifb devices: %s", r.out);
	run_result_free(&r);
}

Test(vm_kernel, corrupt_drops, .timeout = 180)
{
	struct run_result r;
	int recv, dups;

	require_netem();
	LAUNCH(&r, 120000, "-n", "2", "--link", "1>2:corrupt=50%", "--", "sh",
	       "-c", ONE("ping -n -q -c 200 -i 0.005 -W 2 10.0.0.2", "10"));
	summary(r.out, "10.0.0.2", &recv, &dups);
	/* a flipped bit breaks a checksum or the destination MAC, except in
	 * the source MAC (6 of ~98 bytes): ~47% lost */
	cr_expect(recv >= 60 && recv <= 150, "%d of 200 answered", recv);
	run_result_free(&r);
}

Test(vm_kernel, reorder_sends_some_at_once, .timeout = 180)
{
	struct run_result r;
	double v[128];
	int n, fast = 0;

	require_netem();
	LAUNCH(&r, 120000, "-n", "2", "--link", "1>2:delay=20ms,reorder=50%",
	       "--", "sh", "-c", ONE("ping -n -c 80 -i 0.03 10.0.0.2", "12"));
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	n = rtts(r.out, "10.0.0.2", v, 128);
	cr_assert_geq(n, 70);
	for (int i = 0; i < n; i++)
		fast += v[i] < 10;
	/* about half go at once: 79 * 0.5, sd 4.4 */
	cr_expect(fast >= 20 && fast <= 60, "%d of %d undelayed", fast, n);
	run_result_free(&r);
}

static double iperf_mbit(const char *out)
{
	const char *p = strstr(out, "\"sum_received\"");

	if (p)
		p = strstr(p, "\"bits_per_second\":");
	return p ? strtod(p + 18, NULL) / 1e6 : -1;
}

static void rate_case(const char *mbit)
{
	struct run_result r;
	char spec[64];
	double got, want = atof(mbit) * 1448.0 / 1514.0;

	snprintf(spec, sizeof(spec), "1>2:rate=%smbit", mbit);
	LAUNCH(&r, 150000, "-n", "2", "--link", spec, "--", "sh", "-c",
	       "if [ {id} = 2 ]; then iperf3 -s -1; else sleep 1; "
	       "iperf3 -c 10.0.0.2 -t 5 -O 1 -J; fi");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	got = iperf_mbit(r.out);
	cr_expect(got > want * 0.9 && got < want * 1.1,
		  "rate %s mbit: goodput %.2f, want %.2f +- 10%%", mbit, got,
		  want);
	run_result_free(&r);
}

Test(vm_kernel, token_bucket_rate, .timeout = 300)
{
	require_netem();
	rate_case("2");
	rate_case("20");
	/* 100 mbit gave 89 Mbit/s of goodput under TCG (93% of the 95.6
	 * expected): too close to the bound to assert there */
	rate_case("50");
}

/* A change while peer 1 pings: 20 ms, then 60 ms, nothing lost. */
struct change {
	struct lk_launch *l;
	int r;
	struct lk_error e;
};

static void *change_later(void *arg)
{
	struct change *c = arg;

	sleep(4);
	c->r = lk_launch_set_link(c->l, "1>2:delay=60ms", &c->e);
	return NULL;
}

Test(vm_kernel, change_while_traffic_flows, .timeout = 180)
{
	char dir[] = "/tmp/lkvmXXXXXX", path[128];
	char *argv[] = {"linkem-launch",
			"--engine",
			"kernel",
			"-n",
			"2",
			"--link",
			"1>2:delay=20ms",
			"--log-dir",
			dir,
			"-q",
			"--",
			"sh",
			"-c",
			ONE("ping -n -c 100 -i 0.08 10.0.0.2", "15"),
			NULL};
	struct lk_options o;
	struct lk_launch *l;
	struct lk_error e = {0};
	struct change c = {0};
	pthread_t t;
	FILE *f;
	char *text = NULL;
	size_t cap = 0, len;
	double v[128], early[64], late[64];
	int n, ne = 0, nl = 0, recv, dups;

	require_netem();
	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(lk_options_parse(14, argv, &o, &e), 0, "%s", e.msg);
	cr_assert_eq(lk_launch_new(&o, &l, &e), 0, "%s", e.msg);
	cr_assert_eq(lk_launch_start(l, &e), 0, "%s", e.msg);
	c.l = l;
	pthread_create(&t, NULL, change_later, &c);
	cr_assert_eq(lk_launch_run(l, &e), 0, "%s", e.msg);
	pthread_join(t, NULL);
	cr_assert_eq(c.r, 0, "%s", c.e.msg);
	snprintf(path, sizeof(path), "%s/peer1.log", dir);
	f = fopen(path, "re");
	cr_assert_not_null(f);
	len = getdelim(&text, &cap, '\0', f);
	fclose(f);
	cr_assert(len > 0);
	n = rtts(text, "10.0.0.2", v, 128);
	for (int i = 0; i < n; i++) {
		if (i < 30 && ne < 64)
			early[ne++] = v[i];
		else if (i >= 70 && nl < 64)
			late[nl++] = v[i];
	}
	cr_assert(ne > 10 && nl > 10, "%s", text);
	cr_expect(fabs(quantile(early, ne, 0.5) - 21) < 2, "before: %.1f",
		  quantile(early, ne, 0.5));
	cr_expect(fabs(quantile(late, nl, 0.5) - 61) < 2, "after: %.1f",
		  quantile(late, nl, 0.5));
	summary(text, "10.0.0.2", &recv, &dups);
	cr_expect_eq(recv, 100, "changed in place: nothing lost");
	free(text);
	lk_launch_free(l);
	lk_options_free(&o);
}

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
	 * delay_median_and_isolation.  Eight pings beside 300 sleeping
	 * peers under TCG came out 26.6 ms once: bound it loosely above. */
	n = rtts(r.out, "10.0.1.44", v, 32);
	cr_assert_geq(n, 5, "%.3000s", r.out);
	cr_expect(quantile(v, n, 0.5) >= 20 && quantile(v, n, 0.5) < 35,
		  "median %.1f", quantile(v, n, 0.5));
	/* 299 -> 150: untouched */
	n = rtts(r.out, "10.0.0.150", v, 32);
	cr_assert_geq(n, 5);
	cr_expect(quantile(v, n, 0.5) < 8, "median %.1f", quantile(v, n, 0.5));
	run_result_free(&r);
}
