/* test_launch.c — real peers in real namespaces, checked from inside. */
#include "tests/support/need.h"
#include "tests/support/run.h"
#include "tests/support/runtime_dir.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LAUNCH(r, timeout_ms, ...)                                             \
	do {                                                                   \
		char *argv_[] = {(char *)build_path("linkem-launch"),          \
				 __VA_ARGS__, NULL};                           \
		cr_assert_eq(run_cmd(argv_, NULL, timeout_ms, r), 0);          \
	} while (0)

#define SH(r, n, script) LAUNCH(r, 20000, "-n", n, "--", "sh", "-c", script)
/* The same without notices (the control socket's path), for tests that
 * check stderr whole. */
#define SHQ(r, n, script)                                                      \
	LAUNCH(r, 20000, "-q", "-n", n, "--", "sh", "-c", script)

static char *self_ns(const char *which)
{
	static char buf[8][64];
	static int slot;
	char path[64], *b = buf[slot++ % 8];
	ssize_t len;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", which);
	len = readlink(path, b, sizeof(buf[0]) - 1);
	b[len > 0 ? len : 0] = '\0';
	return b;
}

Test(launch, peers_have_their_own_namespaces)
{
	struct run_result r;
	const char *kinds[] = {"net", "mnt", "pid", "uts", "ipc"};

	NEED_ROOT();
	SH(&r, "2",
	   "for k in net mnt pid uts ipc; do echo $k=$(readlink "
	   "/proc/self/ns/$k); done");
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	for (size_t i = 0; i < 5; i++) {
		char line[128];

		/* The host's namespace appears in no peer's output. */
		snprintf(line, sizeof(line), "%s=%s", kinds[i],
			 self_ns(kinds[i]));
		cr_assert_not(has(r.out, line), "peer shares %s: %s", kinds[i],
			      r.out);
		snprintf(line, sizeof(line), "[peer1] %s=", kinds[i]);
		cr_assert(has(r.out, line), "%s", r.out);
	}
	run_result_free(&r);
}

Test(launch, pid1_is_our_init_and_the_workload_is_its_child)
{
	struct run_result r;

	NEED_ROOT();
	SH(&r, "1", "echo comm=$(cat /proc/1/comm) self=$$ ppid=$PPID");
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	cr_assert(has(r.out, "comm=linkem-init self=2 ppid=1"), "%s", r.out);
	run_result_free(&r);
}

Test(launch, identity_addresses_and_interfaces)
{
	struct run_result r;

	NEED_ROOT();
	SH(&r, "3",
	   "[ $LINKEM_ID = 2 ] || exit 0; echo host=$(hostname); "
	   "echo net=$(ls /sys/class/net | tr '\\n' ' '); "
	   "echo mac=$(cat /sys/class/net/eth0/address); "
	   "ip -o addr show dev eth0 | awk '{print \"addr=\" $4}'; "
	   "echo env=$LINKEM_ID/$LINKEM_N/$LINKEM_ADDR/$LINKEM_ADDR6/"
	   "$LINKEM_PEERS; "
	   "grep -E 'peer[0-9]' /etc/hosts | sed 's/^/hosts=/'; "
	   "ip -o link show lo | grep -q 'UP' && echo lo=up");
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	cr_assert(has(r.out, "[peer2] host=peer2"), "%s", r.out);
	cr_assert(has(r.out, "[peer2] net=eth0 lo\n"), "%s", r.out);
	cr_assert(has(r.out, "[peer2] mac=02:6c:6b:00:00:02"), "%s", r.out);
	cr_assert(has(r.out, "[peer2] addr=10.0.0.2/16"), "%s", r.out);
	cr_assert(has(r.out, "[peer2] addr=fd00:6c6b::2/64"), "%s", r.out);
	cr_assert(has(r.out, "[peer2] env=2/3/10.0.0.2/fd00:6c6b::2/"
			     "10.0.0.1,10.0.0.2,10.0.0.3\n"),
		  "%s", r.out);
	cr_assert(has(r.out, "[peer2] hosts=10.0.0.3\tpeer3"), "%s", r.out);
	cr_assert(has(r.out, "[peer2] hosts=fd00:6c6b::1\tpeer1"), "%s",
		  r.out);
	cr_assert(has(r.out, "[peer2] lo=up"), "%s", r.out);
	run_result_free(&r);
}

Test(launch, subnet_option_and_templates)
{
	struct run_result r;

	NEED_ROOT();
	LAUNCH(&r, 20000, "-n", "2", "--subnet", "192.168.50.0/24", "--",
	       "echo", "id={id}", "n={n}", "addr={addr}", "name={name}",
	       "{other}");
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	cr_assert(has(r.out, "[peer2] id=2 n=2 addr=192.168.50.2 name=peer2 "
			     "{other}\n"),
		  "%s", r.out);
	run_result_free(&r);
}

Test(launch, every_peer_reaches_every_other_v4_v6_and_by_name)
{
	struct run_result r;

	NEED_ROOT();
	/* Each peer pings every other peer three ways; prints failures. */
	SH(&r, "4",
	   "for j in 1 2 3 4; do [ $j = $LINKEM_ID ] && continue; "
	   "ping -4 -c1 -W3 -q 10.0.0.$j >/dev/null || echo FAIL v4 $j; "
	   "ping -6 -c1 -W3 -q fd00:6c6b::$j >/dev/null || echo FAIL v6 $j; "
	   "ping -c1 -W3 -q peer$j >/dev/null || echo FAIL name $j; "
	   "done; echo done; sleep 3"); /* stay reachable for the others */
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	cr_assert_not(has(r.out, "FAIL"), "%s", r.out);
	cr_assert_eq(count_lines(r.out), 4, "%s", r.out);
	run_result_free(&r);
}

Test(launch, first_packet_reaches_a_peer_that_started_last)
{
	struct run_result r;

	NEED_ROOT();
	/* No retries: the network must be complete before any workload. */
	SH(&r, "20",
	   "ping -c1 -W2 -q 10.0.0.$(( 21 - LINKEM_ID )) >/dev/null || "
	   "echo FAIL; sleep 2.5"); /* stay reachable for the others */
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	cr_assert_not(has(r.out, "FAIL"), "%s", r.out);
	run_result_free(&r);
}

Test(launch, exit_status_and_summary)
{
	struct run_result r;

	NEED_ROOT();
	SHQ(&r, "3", "[ $LINKEM_ID = 1 ] && exit 0; [ $LINKEM_ID = 2 ] && "
		    "exit 7; kill -TERM $$");
	cr_assert_eq(r.status, 7, "lowest failed peer decides: %d %s",
		     r.status, r.err);
	cr_assert(has(r.err, "peer2: exited with status 7"), "%s", r.err);
	cr_assert(has(r.err, "peer3: killed by signal 15 (SIGTERM)"), "%s",
		  r.err);
	cr_assert_not(has(r.err, "peer1"), "%s", r.err);
	cr_assert_eq(count_lines(r.err), 2, "%s", r.err);
	run_result_free(&r);

	SHQ(&r, "2", "[ $LINKEM_ID = 1 ] && kill -KILL $$; exit 0");
	cr_assert_eq(r.status, 128 + 9, "%d %s", r.status, r.err);
	cr_assert(has(r.err, "peer1: killed by signal 9 (SIGKILL)"), "%s",
		  r.err);
	run_result_free(&r);

	SHQ(&r, "5", "exit 0");
	cr_assert_eq(r.status, 0);
	cr_assert_eq(r.err_len, 0, "%s", r.err);
	run_result_free(&r);
}

Test(launch, init_reaps_orphans)
{
	struct run_result r;

	NEED_ROOT();
	/* Orphans end up children of PID 1, which must reap them. */
	SH(&r, "1",
	   "for i in 1 2 3 4 5; do sh -c 'true & exit 0'; done; sleep 0.5; "
	   "echo zombies=$(grep -l '^State:.*Z' /proc/[0-9]*/status "
	   "2>/dev/null | wc -l)");
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	cr_assert(has(r.out, "zombies=0"), "%s", r.out);
	run_result_free(&r);
}

Test(launch, lines_stay_whole)
{
	struct run_result r;
	char *line, *save = NULL;
	int n = 0;

	NEED_ROOT();
	/* Half-lines written with pauses, by many peers at once. */
	SH(&r, "6",
	   "for i in $(seq 1 50); do printf 'start-%s-' $LINKEM_ID; "
	   "printf 'middle-'; printf 'end-%s\\n' $LINKEM_ID; done; "
	   "printf 'no-newline-%s' $LINKEM_ID");
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	for (line = strtok_r(r.out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned id, a, b;
		char tail[8];

		n++;
		if (sscanf(line, "[peer%u] no-newline-%u%1s", &id, &a, tail) ==
		    2) {
			cr_assert_eq(id, a, "%s", line);
			continue;
		}
		cr_assert_eq(sscanf(line, "[peer%u] start-%u-middle-end-%u%1s",
				    &id, &a, &b, tail),
			     3, "mixed line: '%s'", line);
		cr_assert(id == a && a == b, "%s", line);
	}
	cr_assert_eq(n, 6 * 51);
	run_result_free(&r);
}

Test(launch, stderr_goes_to_stderr_no_colour_when_not_a_tty)
{
	struct run_result r;

	NEED_ROOT();
	SHQ(&r, "1", "echo out; echo err >&2");
	cr_assert_str_eq(r.out, "[peer1] out\n");
	cr_assert_str_eq(r.err, "[peer1] err\n");
	run_result_free(&r);
}

Test(launch, log_dir)
{
	struct run_result r;
	char dir[] = "/tmp/linkem-test-logs-XXXXXX", path[128], buf[128];
	FILE *f;

	NEED_ROOT();
	cr_assert(mkdtemp(dir));
	test_remove_at_exit(dir);
	LAUNCH(&r, 20000, "-n", "2", "--log-dir", dir, "--", "sh", "-c",
	       "echo one $LINKEM_ID; echo two >&2");
	cr_assert_eq(r.status, 0, "%s", r.err);
	snprintf(path, sizeof(path), "%s/peer2.log", dir);
	f = fopen(path, "r");
	cr_assert(f, "no %s", path);
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	cr_assert(has(buf, "one 2\n") && has(buf, "two\n"), "%s", buf);
	unlink(path);
	snprintf(path, sizeof(path), "%s/peer1.log", dir);
	unlink(path);
	rmdir(dir);
	run_result_free(&r);
}

static int wait_exit(pid_t pid, int timeout_ms)
{
	for (int i = 0; i < timeout_ms / 10; i++) {
		int st;
		pid_t p = waitpid(pid, &st, WNOHANG);

		if (p == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st)
					     : 128 + WTERMSIG(st);
		usleep(10000);
	}
	return -1;
}

static int count_of(const char *acc, const char *what)
{
	int n = 0;

	for (const char *s = acc; (s = strstr(s, what)); s++)
		n++;
	return n;
}

/* Read from fd until what has appeared count times, or timeout. */
static bool wait_count(int fd, const char *what, int count, int timeout_ms,
		       char *acc, size_t size)
{
	size_t len = strlen(acc);
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (count_of(acc, what) < count) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;

		clock_gettime(CLOCK_MONOTONIC, &t);
		int left = timeout_ms - (int)((t.tv_sec - t0.tv_sec) * 1000 +
					      (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0 || poll(&p, 1, left) <= 0)
			return false;
		n = read(fd, acc + len, size - len - 1);
		if (n <= 0)
			return false;
		len += (size_t)n;
		acc[len] = '\0';
	}
	return true;
}

/* The workload traps SIGINT: dash run with -c catches SIGINT itself, and
 * one that comes between "echo ready" and "exec sleep" is lost in the
 * exec (sleep then runs its 30 s).  A trap is run at the next command. */
Test(launch, sigint_reaches_every_peer)
{
	char *argv[] = {(char *)build_path("linkem-launch"), "-n", "3", "--",
			"sh", "-c",
			"trap 'exit 130' INT; echo ready; "
			"while :; do sleep 1; done",
			NULL};
	char acc[8192] = "", ns[16][64];
	int out, err, st, nns;
	pid_t pid;

	NEED_ROOT();
	pid = spawn_cmd(argv, &out, &err);
	cr_assert_gt(pid, 0);
	cr_assert(wait_count(out, "ready", 3, 10000, acc, sizeof(acc)),
		  "peers did not start: %s", acc);
	nns = launch_netns(pid, ns, 16);
	cr_assert_eq(nns, 4, "hub + 3 peers, got %d", nns);
	kill(pid, SIGINT);
	st = wait_exit(pid, 5000);
	cr_assert_eq(st, 128 + SIGINT, "status %d", st);
	for (int i = 0; i < nns; i++)
		cr_assert_not(netns_in_use(ns[i]), "%s left behind", ns[i]);
	close(out);
	close(err);
}

/* On a real terminal (a pty of the test's), Ctrl-C reaches the supervisor
 * (the terminal's foreground group) and it forwards it: the peers, in
 * sessions of their own, have no terminal, yet stop; each is told once. */
Test(launch, ctrl_c_on_a_terminal_stops_the_launch)
{
	char acc[8192] = "";
	int master, st;
	pid_t pid;

	NEED_ROOT();
	pid = forkpty(&master, NULL, NULL, NULL);
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		execl(build_path("linkem-launch"), "linkem-launch", "-q", "-n",
		      "2", "--", "sh", "-c",
		      "trap 'echo got-int; exit 130' INT; "
		      "[ -e /dev/tty ] && (: </dev/tty) 2>/dev/null && "
		      "echo has-tty; echo ready; while :; do sleep 1; done",
		      (char *)NULL);
		_exit(127);
	}
	cr_assert(wait_count(master, "ready", 2, 10000, acc, sizeof(acc)),
		  "peers did not start: %s", acc);
	cr_assert_eq(write(master, "\003", 1), 1); /* Ctrl-C */
	st = wait_exit(pid, 5000);
	if (st < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	wait_count(master, "got-int", 2, 1000, acc, sizeof(acc));
	close(master);
	cr_assert_eq(st, 128 + SIGINT, "status %d: %s", st, acc);
	cr_assert_eq(count_of(acc, "got-int"), 2, "%s", acc);
	cr_assert_eq(count_of(acc, "has-tty"), 0, "%s", acc);
}

/* A launch started with SIGINT ignored (a background job of a script)
 * ignores it, as its peers do; SIGTERM still stops it. */
Test(launch, sigint_ignored_at_start_stays_ignored)
{
	char *argv[] = {(char *)build_path("linkem-launch"), "-n", "2", "--",
			"sh", "-c",
			"grep SigIgn /proc/self/status; echo ready; "
			"exec sleep 30",
			NULL};
	char acc[8192] = "";
	int out, err, st;
	unsigned long long ign;
	const char *s;
	pid_t pid;

	NEED_ROOT();
	pid = spawn_cmd_ignoring(argv, SIGINT, &out, &err);
	cr_assert_gt(pid, 0);
	cr_assert(wait_count(out, "ready", 2, 10000, acc, sizeof(acc)),
		  "peers did not start: %s", acc);
	s = strstr(acc, "SigIgn:");
	cr_assert_not_null(s, "%s", acc);
	ign = strtoull(s + 7, NULL, 16);
	cr_assert(ign & (1ull << (SIGINT - 1)),
		  "the workload does not ignore SIGINT: %s", acc);
	kill(pid, SIGINT);
	st = wait_exit(pid, 1000);
	cr_assert_eq(st, -1, "a SIGINT it ignores ended the launch (%d)", st);
	kill(pid, SIGTERM);
	st = wait_exit(pid, 5000);
	cr_assert_eq(st, 128 + SIGTERM, "status %d", st);
	close(out);
	close(err);
}

Test(launch, sigterm_then_sigkill_after_grace)
{
	char *argv[] = {(char *)build_path("linkem-launch"), "-n", "2",
			"--grace", "300ms", "--", "sh", "-c",
			"trap '' TERM; echo ready; while :; do sleep 0.05; "
			"done",
			NULL};
	char acc[8192] = "", errbuf[4096] = "";
	struct timespec t0, t1;
	int out, err, st;
	pid_t pid;

	NEED_ROOT();
	pid = spawn_cmd(argv, &out, &err);
	cr_assert(wait_count(out, "ready", 2, 10000, acc, sizeof(acc)),
		  "peers did not start: %s", acc);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	kill(pid, SIGTERM);
	st = wait_exit(pid, 5000);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) +
		      (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	cr_assert_eq(st, 128 + SIGKILL, "status %d", st);
	cr_assert(secs >= 0.29 && secs < 3.0, "took %.3f s", secs);
	wait_count(err, "killed by signal", 2, 2000, errbuf, sizeof(errbuf));
	cr_assert(has(errbuf, "peer1: killed by signal 9"), "%s", errbuf);
	close(out);
	close(err);
}

Test(launch, sigkill_of_the_supervisor_leaves_nothing)
{
	char *argv[] = {(char *)build_path("linkem-launch"), "-n", "5", "--",
			"sh", "-c", "echo ready; exec sleep 60", NULL};
	char acc[8192] = "", ns[16][64];
	int out, err, nns;
	bool gone = false;
	pid_t pid;

	NEED_ROOT();
	pid = spawn_cmd(argv, &out, &err);
	cr_assert(wait_count(out, "ready", 5, 10000, acc, sizeof(acc)),
		  "peers did not start: %s", acc);
	nns = launch_netns(pid, ns, 16);
	cr_assert_eq(nns, 6, "hub + 5 peers, got %d", nns);
	for (int i = 0; i < nns; i++)
		cr_assert(netns_in_use(ns[i]));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	/* Within a second nothing of that launch remains. */
	for (int t = 0; t < 100 && !gone; t++) {
		gone = true;
		for (int i = 0; i < nns; i++)
			gone = gone && !netns_in_use(ns[i]);
		if (!gone)
			usleep(10000);
	}
	cr_assert(gone, "a namespace of the launch outlived it by 1 s");
	/* The pipes see end-of-file: no process holds them. */
	cr_assert_not(wait_count(out, "never", 1, 1000, acc, sizeof(acc)));
	close(out);
	close(err);
}

Test(launch, two_launches_at_once_do_not_see_each_other)
{
	char *a[] = {(char *)build_path("linkem-launch"), "-q", "-n", "3",
		     "--", "sh", "-c",
		     "sleep 0.3; ping -c1 -W1 -q 10.0.0.$(( LINKEM_ID % 3 + 1 )) "
		     ">/dev/null && echo ok; ip -o link | wc -l; "
		     "readlink /proc/self/ns/net; sleep 1.5",
		     NULL};
	struct run_result r1, r2;
	pid_t p1, p2;

	NEED_ROOT();
	p1 = fork();
	if (p1 == 0) {
		run_cmd(a, NULL, 20000, &r1);
		_exit(r1.status == 0 && count_lines(r1.out) == 9 &&
				      !has(r1.err, "linkem")
			      ? 0
			      : 1);
	}
	cr_assert_eq(run_cmd(a, NULL, 20000, &r2), 0);
	p2 = p1;
	int st;
	waitpid(p2, &st, 0);
	cr_assert_eq(r2.status, 0, "%s", r2.err);
	cr_assert_eq(count_lines(r2.out), 9, "%s", r2.out);
	cr_assert(has(r2.out, "[peer1] 2\n"), "only lo and eth0: %s", r2.out);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		  "the other launch failed");
	run_result_free(&r2);
}

/* ---- bad input: one line, exit 2, nothing created ---------------------- */

/* Run under strace: no namespace may be created, no process cloned. */
static void expect_bad(char *const args[], const char *needle)
{
	struct run_result r;
	char trace[] = "/tmp/linkem-trace-XXXXXX";
	char *argv[40] = {"strace", "-f", "-qq", "-o", trace, "-e",
			  "trace=unshare,clone,clone3,mkdir",
			  (char *)build_path("linkem-launch")};
	int i, fd = mkstemp(trace);
	FILE *f;
	char line[512];

	test_remove_at_exit(trace);
	cr_assert_geq(fd, 0);
	close(fd);
	for (i = 0; args[i]; i++)
		argv[i + 8] = args[i];
	argv[i + 8] = NULL;
	cr_assert_eq(run_cmd(argv, NULL, 10000, &r), 0);
	f = fopen(trace, "r");
	cr_assert(f);
	while (fgets(line, sizeof(line), f))
		cr_expect(!has(line, "unshare") && !has(line, "clone") &&
				  !has(line, "mkdir"),
			  "created something on bad input: %s", line);
	fclose(f);
	unlink(trace);
	cr_expect_eq(r.status, 2, "status %d for %s: %s", r.status, needle,
		     r.err);
	cr_expect_eq(count_lines(r.err), 1, "one line: %s", r.err);
	cr_expect(has(r.err, needle), "'%s' not in: %s", needle, r.err);
	cr_expect_eq(r.out_len, 0, "%s", r.out);
	run_result_free(&r);
}

#define BAD(needle, ...) expect_bad((char *[]){__VA_ARGS__, NULL}, needle)

Test(launch, bad_input_is_refused_cleanly)
{
	char noexec[] = "/tmp/linkem-noexec-XXXXXX";
	int fd;

	NEED_ROOT();
	BAD("'--frob'", "-n", "2", "--frob", "--", "true");
	BAD("'0'", "-n", "0", "--", "true");
	BAD("'70000'", "-n", "70000", "--", "true");
	BAD("'300'", "-n", "300", "--subnet", "10.9.9.0/24", "--", "true");
	BAD("'10.0.0.0/33'", "-n", "2", "--subnet", "10.0.0.0/33", "--",
	    "true");
	BAD("'10.0.0.1/16'", "-n", "2", "--subnet", "10.0.0.1/16", "--",
	    "true");
	BAD("'--'", "-n", "2", "true");
	BAD("COMMAND", "-n", "2", "--");
	BAD("-n", "--", "true");
	BAD("'no-such-command-xyz'", "-n", "2", "--", "no-such-command-xyz");
	BAD("'/nonexistent/prog'", "-n", "2", "--", "/nonexistent/prog");
	fd = mkstemp(noexec);
	test_remove_at_exit(noexec);
	cr_assert_geq(fd, 0);
	close(fd);
	BAD(noexec, "-n", "2", "--", noexec);
	unlink(noexec);
	BAD("'/tmp'", "-n", "2", "--", "/tmp");
}

Test(launch, not_root_is_refused_cleanly)
{
	NEED_ROOT();
	if (access("/usr/bin/setpriv", X_OK) != 0)
		cr_skip_test("setpriv (util-linux) not installed");
	struct run_result r;
	char *argv[] = {"setpriv", "--reuid=65534", "--regid=65534",
			"--clear-groups", "--inh-caps=-all",
			"--bounding-set=-all",
			(char *)build_path("linkem-launch"), "-n", "2", "--",
			"true", NULL};

	cr_assert_eq(run_cmd(argv, NULL, 10000, &r), 0);
	cr_assert_eq(r.status, 2, "%d %s", r.status, r.err);
	cr_assert(has(r.err, "needs root"), "%s", r.err);
	cr_assert_eq(count_lines(r.err), 1, "%s", r.err);
	run_result_free(&r);
}

Test(launch, help_and_version_answer_at_once)
{
	struct run_result r;

	LAUNCH(&r, 5000, "--help");
	cr_assert_eq(r.status, 0);
	cr_assert(has(r.out, "Usage: linkem-launch"), "%s", r.out);
	cr_assert(has(r.out, "--link SPEC"), "%s", r.out);
	run_result_free(&r);
	LAUNCH(&r, 5000, "--version");
	cr_assert_eq(r.status, 0);
	cr_assert(has(r.out, "linkem-launch "), "%s", r.out);
	run_result_free(&r);
}

Test(launch, colour_on_a_terminal_unless_no_color)
{
	struct run_result r;
	char cmd[512];
	char *argv[] = {"script", "-qfec", cmd, "/dev/null", NULL};
	char *no_color[] = {"NO_COLOR=1", NULL};

	NEED_ROOT();
	if (access("/usr/bin/script", X_OK) != 0)
		cr_skip_test("script (bsdutils) not installed");
	/* script gives the launcher a pseudo-terminal. */
	snprintf(cmd, sizeof(cmd), "%s -n 2 -- echo hi",
		 build_path("linkem-launch"));
	cr_assert_eq(run_cmd(argv, NULL, 20000, &r), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(has(r.out, "\033[31m[peer1]\033[0m hi"), "%s", r.out);
	cr_assert(has(r.out, "\033[32m[peer2]\033[0m hi"), "%s", r.out);
	run_result_free(&r);

	cr_assert_eq(run_cmd(argv, no_color, 20000, &r), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(has(r.out, "[peer1] hi"), "%s", r.out);
	cr_assert_not(has(r.out, "\033["), "%s", r.out);
	run_result_free(&r);
}

Test(launch, tmp_is_private_but_shows_the_hosts_files)
{
	struct run_result r;
	char path[] = "/tmp/linkem-tmp-test-XXXXXX", buf[64] = "";
	char script[512];
	int fd;

	NEED_ROOT();
	fd = mkstemp(path);
	test_remove_at_exit(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "host\n", 5), 5);
	/* The peers are not host root: a file anyone may write. */
	cr_assert_eq(fchmod(fd, 0666), 0);
	close(fd);
	snprintf(script, sizeof(script),
		 "cat %s; echo peer$LINKEM_ID > %s; cat %s; "
		 "echo x > /tmp/linkem-new-$LINKEM_ID; ls /tmp/linkem-new-*",
		 path, path, path);
	SH(&r, "2", script);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(has(r.out, "[peer1] host\n"), "%s", r.out);
	cr_assert(has(r.out, "[peer2] host\n"), "%s", r.out);
	cr_assert(has(r.out, "[peer2] peer2\n"), "%s", r.out);
	/* Each peer sees only its own new file: one ls line each. */
	cr_assert(has(r.out, "[peer1] /tmp/linkem-new-1\n"), "%s", r.out);
	cr_assert(has(r.out, "[peer2] /tmp/linkem-new-2\n"), "%s", r.out);
	cr_assert_eq(count_lines(r.out), 6, "%s", r.out);
	/* The host's file is unchanged, and nothing new appeared. */
	fd = open(path, O_RDONLY);
	cr_assert_eq(read(fd, buf, sizeof(buf) - 1), 5);
	close(fd);
	cr_assert_str_eq(buf, "host\n");
	cr_assert_neq(access("/tmp/linkem-new-1", F_OK), 0);
	unlink(path);
	run_result_free(&r);
}

/* When overlayfs refuses the host's /tmp, the peers get an empty /tmp of
 * their own and one notice says why.  Refused here by stacking: the
 * launch runs where /tmp is an overlay of an overlay already, and a
 * third level is past the kernel's limit of two. */
Test(launch, tmp_without_overlay_is_empty_and_a_notice_says_so)
{
	char dir[] = "/run/lk-ovl-test-XXXXXX", script[1024];
	struct run_result r;
	char *argv[] = {"unshare", "-m", "--propagation", "private", "sh",
			"-c", script, NULL};

	NEED_ROOT();
	cr_assert_not_null(mkdtemp(dir));
	snprintf(script, sizeof(script),
		 "set -e; d=%s; mount -t tmpfs t $d; "
		 "mkdir $d/u1 $d/w1 $d/u2 $d/w2 $d/m1; : > $d/u2/host-file; "
		 "mount -t overlay o -o lowerdir=/tmp,upperdir=$d/u1,"
		 "workdir=$d/w1 $d/m1; "
		 "mount -t overlay o -o lowerdir=$d/m1,upperdir=$d/u2,"
		 "workdir=$d/w2 /tmp; "
		 "ls /tmp/host-file >/dev/null; "
		 "exec %s -n 2 -- sh -c 'echo tmp has $(ls -A /tmp | wc -l); "
		 "echo x > /tmp/mine; cat /tmp/mine'",
		 dir, build_path("linkem-launch"));
	cr_assert_eq(run_cmd(argv, NULL, 30000, &r), 0);
	rmdir(dir);
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	cr_assert(has(r.out, "[peer1] tmp has 0\n"), "%s", r.out);
	cr_assert(has(r.out, "[peer2] tmp has 0\n"), "%s", r.out);
	cr_assert(has(r.out, "[peer2] x\n"), "%s", r.out);
	cr_assert_eq(occurrences(r.err, "linkem-launch: notice: the peers' "
					"/tmp is an empty tmpfs, without the "
					"host's files: overlayfs refused the "
					"host's /tmp: "),
		     1, "%s", r.err);
	run_result_free(&r);
}
