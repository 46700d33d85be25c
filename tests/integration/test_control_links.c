/* test_control_links.c — real link changes through the control socket:
 * set changes the measured delay, a partition cuts exactly the
 * cross-group pairs, heal restores them, down/up, --at on time.  Needs an
 * engine that changes links (userspace here; kernel in the VM). */
#include "tests/support/run.h"

#include <criterion/criterion.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char sock[128];
static pid_t launch_pid;
static int lout = -1, lerr = -1;
static char errbuf[65536];
static size_t errlen;

static void read_err(int ms)
{
	struct pollfd pf[2] = {{.fd = lerr, .events = POLLIN},
			       {.fd = lout, .events = POLLIN}};
	char junk[4096];

	while (poll(pf, 2, ms) > 0) {
		ssize_t n;

		if (pf[1].revents)
			(void)!read(lout, junk, sizeof(junk));
		if (!pf[0].revents)
			continue;
		n = read(lerr, errbuf + errlen, sizeof(errbuf) - 1 - errlen);
		if (n <= 0)
			break;
		errlen += (size_t)n;
		errbuf[errlen] = '\0';
	}
}

/* Start n peers on the userspace engine; skip when it is not built. */
static void start(const char *n, const char *const *extra)
{
	char dir[] = "/run/lk-ctl-links-XXXXXX";
	char *argv[24];
	int k = 0;

	if (geteuid() != 0)
		cr_skip_test("needs root (namespaces, rtnetlink)");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/c.sock", dir);
	argv[k++] = (char *)build_path("linkem-launch");
	argv[k++] = "-n";
	argv[k++] = (char *)n;
	argv[k++] = "--engine";
	argv[k++] = "userspace";
	argv[k++] = "--control";
	argv[k++] = sock;
	for (int i = 0; extra && extra[i]; i++)
		argv[k++] = (char *)extra[i];
	argv[k++] = "--";
	argv[k++] = "sleep";
	argv[k++] = "60";
	argv[k] = NULL;
	errlen = 0;
	errbuf[0] = '\0';
	launch_pid = spawn_cmd(argv, &lout, &lerr);
	for (int i = 0; i < 300 && !strstr(errbuf, "control socket"); i++) {
		read_err(50);
		if (strstr(errbuf, "not in this build")) {
			waitpid(launch_pid, NULL, 0);
			rmdir(dir);
			cr_skip_test("no userspace engine in this build");
		}
	}
	cr_assert(strstr(errbuf, "control socket"), "%s", errbuf);
}

static void stop(void)
{
	int st;

	kill(launch_pid, SIGTERM);
	while (waitpid(launch_pid, &st, WNOHANG) == 0)
		read_err(20);
	close(lout);
	close(lerr);
	*strrchr(sock, '/') = '\0';
	rmdir(sock);
}

static int ctl(struct run_result *r, const char *a, const char *b,
	       const char *c, const char *d)
{
	char *argv[] = {(char *)build_path("linkem-ctl"),
			"--control",
			sock,
			(char *)a,
			(char *)b,
			(char *)c,
			(char *)d,
			NULL};

	cr_assert_eq(run_cmd(argv, NULL, 30000, r), 0);
	return r->status;
}

/* Median ping RTT from peer src to peer dst in ms, or -1 when nothing
 * came back. */
static double rtt(unsigned src, unsigned dst, int count)
{
	struct run_result r;
	char peer[16], script[160];
	double best = -1;
	const char *p;

	snprintf(peer, sizeof(peer), "%u", src);
	snprintf(
	    script, sizeof(script),
	    "ping -n -c %d -i 0.05 -W 1 10.0.0.%u | "
	    "sed -n 's/.*time=\\([0-9.]*\\).*/\\1/p' | sort -n | "
	    "awk '{a[NR]=$1} END {if (NR) print \"med=\" a[int((NR+1)/2)]}'",
	    count, dst);
	{
		char *argv[] = {(char *)build_path("linkem-ctl"),
				"--control",
				sock,
				"exec",
				peer,
				"--",
				"sh",
				"-c",
				script,
				NULL};

		cr_assert_eq(run_cmd(argv, NULL, 30000, &r), 0);
	}
	p = strstr(r.out, "med=");
	if (p)
		best = strtod(p + 4, NULL);
	run_result_free(&r);
	return best;
}

/* After a cut, the peers' neighbour entries may be FAILED for a moment
 * (the kernel answers "unreachable" at once until it asks again): a link
 * that should carry traffic gets a few tries. */
static double rtt_reach(unsigned src, unsigned dst)
{
	double t = -1;

	for (int i = 0; i < 6 && t < 0; i++) {
		if (i)
			usleep(300000);
		t = rtt(src, dst, 2);
	}
	return t;
}

Test(control_links, set_changes_the_measured_delay)
{
	const char *extra[] = {"--link", "1-2:delay=1ms", NULL};
	struct run_result r;
	double before, after;

	start("2", extra);
	before = rtt(1, 2, 10);
	cr_assert(before > 1.5 && before < 20, "before: %.2f ms", before);
	cr_assert_eq(ctl(&r, "set", "1-2:delay=40ms", NULL, NULL), 0, "%s",
		     r.err);
	run_result_free(&r);
	after = rtt(1, 2, 10);
	/* 40 ms each way. */
	cr_assert(after > 78 && after < 120, "after: %.2f ms", after);
	cr_assert_eq(ctl(&r, "show", NULL, NULL, NULL), 0);
	cr_assert(has(r.out, "1-2:delay=40ms"), "%s", r.out);
	run_result_free(&r);
	cr_assert_eq(ctl(&r, "clear", "1-2", NULL, NULL), 0, "%s", r.err);
	run_result_free(&r);
	after = rtt(1, 2, 10);
	cr_assert(after >= 0 && after < 20, "cleared: %.2f ms", after);
	cr_assert_eq(ctl(&r, "set", "1-2:delay=-1ms", NULL, NULL), 1);
	cr_assert(has(r.err, "delay"), "%s", r.err);
	run_result_free(&r);
	stop();
}

Test(control_links, partition_cuts_exactly_the_cross_group_pairs)
{
	const char *extra[] = {"--link", "*-*:delay=1ms", NULL};
	struct run_result r;
	/* 1,2 / 3,4 */
	const unsigned g[5] = {0, 1, 1, 2, 2};

	start("4", extra);
	cr_assert_eq(ctl(&r, "partition", "1,2/3,4", NULL, NULL), 0, "%s",
		     r.err);
	run_result_free(&r);
	for (unsigned s = 1; s <= 4; s++)
		for (unsigned d = 1; d <= 4; d++) {
			double t;

			if (s == d)
				continue;
			t = rtt(s, d, 2);
			if (g[s] == g[d])
				cr_assert_geq(t < 0 ? rtt_reach(s, d) : t, 0,
					      "%u>%u cut", s, d);
			else
				cr_assert_lt(t, 0, "%u>%u not cut", s, d);
		}
	cr_assert_eq(ctl(&r, "show", NULL, NULL, NULL), 0);
	cr_assert(has(r.out, "1-3:delay=1ms,down"), "%s", r.out);
	cr_assert(has(r.out, "# partition 1,2/3,4"), "%s", r.out);
	run_result_free(&r);
	cr_assert_eq(ctl(&r, "heal", NULL, NULL, NULL), 0, "%s", r.err);
	run_result_free(&r);
	for (unsigned s = 1; s <= 4; s++)
		for (unsigned d = 1; d <= 4; d++)
			if (s != d)
				cr_assert_geq(rtt_reach(s, d), 0, "%u>%u", s,
					      d);
	cr_assert_eq(ctl(&r, "show", NULL, NULL, NULL), 0);
	cr_assert_not(has(r.out, "down"), "%s", r.out);
	run_result_free(&r);
	stop();
}

Test(control_links, down_and_up_a_peer)
{
	const char *extra[] = {"--link", "*-*:delay=1ms", NULL};
	struct run_result r;

	start("3", extra);
	cr_assert_eq(ctl(&r, "down", "3", NULL, NULL), 0, "%s", r.err);
	run_result_free(&r);
	cr_assert_lt(rtt(1, 3, 2), 0);
	cr_assert_lt(rtt(3, 2, 2), 0);
	cr_assert_geq(rtt_reach(1, 2), 0);
	/* The engine counted what the cut dropped. */
	cr_assert_eq(ctl(&r, "stats", "--json", NULL, NULL), 0, "%s", r.err);
	{
		const char *p = strstr(r.out, "{\"src\":1,\"dst\":3,");

		cr_assert_not_null(p, "%s", r.out);
		p = strstr(p, "\"dropped_down\":");
		cr_assert_not_null(p);
		cr_assert_geq(atoi(p + 15), 1, "%s", r.out);
	}
	run_result_free(&r);
	cr_assert_eq(ctl(&r, "peers", NULL, NULL, NULL), 0);
	cr_assert(has(r.out, "10.0.0.3"), "%s", r.out);
	cr_assert(has(r.out, "down"), "%s", r.out);
	run_result_free(&r);
	cr_assert_eq(ctl(&r, "up", "3", NULL, NULL), 0, "%s", r.err);
	run_result_free(&r);
	cr_assert_geq(rtt_reach(1, 3), 0);
	cr_assert_geq(rtt_reach(3, 2), 0);
	stop();
}

Test(control_links, at_changes_on_time)
{
	const char *extra[] = {"--link", "1-2:delay=1ms", "--at",
			       "1s:1-2:delay=30ms", NULL};
	const char *p;
	double t;

	start("2", extra);
	cr_assert(rtt(1, 2, 3) < 20);
	read_err(1200);
	p = strstr(errbuf, "--at 1s:1-2:delay=30ms: set 1-2:delay=30ms");
	cr_assert_not_null(p, "%s", errbuf);
	while (p > errbuf && p[-1] != '+')
		p--;
	t = strtod(p, NULL);
	cr_assert(t >= 1.0 && t < 1.005, "applied at %.4f s", t);
	t = rtt(1, 2, 5);
	cr_assert(t > 58 && t < 100, "after --at: %.2f ms", t);
	stop();
}
