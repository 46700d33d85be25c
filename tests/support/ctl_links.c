/* ctl_links.c — the link-changing control tests, for any engine (see
 * ctl_links.h).  Timing bounds are wider in the VM (LINKEM_IN_VM: QEMU
 * TCG, ~10x slower); delays are 5 ms or more. */
#include "tests/support/ctl_links.h"
#include "tests/support/run.h"
#include "tests/support/runtime_dir.h"
#include "tests/support/vm_env.h"

#include <criterion/criterion.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* One launch per test (each Criterion test is its own process). */
static char sock[128];
static pid_t launch_pid;
static int lout = -1, lerr = -1;
static char errbuf[65536];
static size_t errlen;

/* Read what the launch prints for up to ms; false at the end of its
 * stderr. */
static bool read_err(int ms)
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
			return false;
		errlen += (size_t)n;
		errbuf[errlen] = '\0';
	}
	return true;
}

/* A test that fails stops its launch and removes its directory on the
 * way out (stop() does it otherwise). */
static void cleanup(void)
{
	char path[160];

	if (launch_pid > 0) {
		kill(launch_pid, SIGTERM);
		waitpid(launch_pid, NULL, 0);
		launch_pid = 0;
	}
	if (!sock[0])
		return;
	unlink(sock);
	snprintf(path, sizeof(path), "%s.lock", sock);
	unlink(path);
	*strrchr(sock, '/') = '\0';
	rmdir(sock);
	sock[0] = '\0';
}

/* Start n peers (each `sleep 120`) on engine; skip when the engine is not
 * built, or cannot work on this kernel outside the VM.  Without
 * --control when engine is NULL (--engine auto, the socket at its
 * default place: a private $XDG_RUNTIME_DIR). */
static void start(const char *engine, const char *n, const char *const *extra)
{
	const char *dir;
	char *argv[32];
	int k = 0, st;

	if (geteuid() != 0)
		cr_skip_test("needs root (namespaces, rtnetlink)");
	/* Removed when the test ends, even when it fails (runtime_dir.h). */
	dir = test_private_dir("ctl-links");
	snprintf(sock, sizeof(sock), "%s/c.sock", dir);
	atexit(cleanup);
	argv[k++] = (char *)build_path("linkem-launch");
	argv[k++] = "-n";
	argv[k++] = (char *)n;
	if (engine) {
		argv[k++] = "--engine";
		argv[k++] = (char *)engine;
		argv[k++] = "--control";
		argv[k++] = sock;
	} else {
		setenv("XDG_RUNTIME_DIR", dir, 1);
		unsetenv("LINKEM_CONTROL");
	}
	for (int i = 0; extra && extra[i]; i++)
		argv[k++] = (char *)extra[i];
	argv[k++] = "--";
	argv[k++] = "sleep";
	argv[k++] = "120";
	argv[k] = NULL;
	errlen = 0;
	errbuf[0] = '\0';
	launch_pid = spawn_cmd(argv, &lout, &lerr);
	for (int i = 0; i < 600 && !strstr(errbuf, "control socket"); i++) {
		bool more = read_err(50);

		/* Once its stderr is closed, it is ending. */
		if (waitpid(launch_pid, &st, more ? WNOHANG : 0) != launch_pid)
			continue;
		launch_pid = 0;
		if (!engine)
			engine = "auto";
		if (strstr(errbuf, "not in this build"))
			cr_skip_test("no %s engine in this build", engine);
		if (strstr(errbuf, "cannot work here") && !in_vm())
			cr_skip_test("the %s engine cannot work here (run "
				     "it with make check-vm): %s",
				     engine, errbuf);
		cr_assert_fail("linkem-launch --engine %s ended: %s", engine,
			       errbuf);
	}
	cr_assert(strstr(errbuf, "control socket"), "%s", errbuf);
	if (!engine) {
		/* "linkem-launch: control socket PATH\n": the socket is
		 * in dir, whose name cleanup() takes from sock */
		const char *p = strstr(errbuf, "control socket ") + 15;
		size_t len = strcspn(p, "\n");

		cr_assert(len < sizeof(sock) && strncmp(p, dir, strlen(dir)) == 0,
			  "%s", errbuf);
		memcpy(sock, p, len);
		sock[len] = '\0';
	}
}

static void stop(void)
{
	int st;

	kill(launch_pid, SIGTERM);
	while (waitpid(launch_pid, &st, WNOHANG) == 0)
		if (!read_err(20))
			usleep(20000);
	launch_pid = 0;
	close(lout);
	close(lerr);
	cleanup();
}

/* linkem-ctl --control SOCK ARGS...; returns its exit status. */
static int ctl_run(struct run_result *r, const char *const *args)
{
	char *argv[40];
	int k = 0;

	argv[k++] = (char *)build_path("linkem-ctl");
	argv[k++] = "--control";
	argv[k++] = sock;
	for (int i = 0; args[i] && k < 39; i++)
		argv[k++] = (char *)args[i];
	argv[k] = NULL;
	cr_assert_eq(run_cmd(argv, NULL, 60000, r), 0);
	cr_assert(!r->timed_out, "linkem-ctl %s timed out", args[0]);
	return r->status;
}

#define CTL(r, ...) ctl_run(r, (const char *const[]){__VA_ARGS__, NULL})

/* A command that must succeed. */
#define CTL_OK(...)                                                            \
	do {                                                                   \
		struct run_result r_;                                          \
		cr_assert_eq(CTL(&r_, __VA_ARGS__), 0, "%s", r_.err);          \
		run_result_free(&r_);                                          \
	} while (0)

/* Run a shell script in peer src; its stdout in r. */
static void peer_sh(struct run_result *r, unsigned src, const char *script)
{
	char peer[16];

	snprintf(peer, sizeof(peer), "%u", src);
	cr_assert_eq(CTL(r, "exec", peer, "--", "sh", "-c", script), 0,
		     "exec in %u: %s\n%s", src, script, r->err);
}

/* Median ping RTT from peer src to peer dst in ms (the first echo left
 * out: it pays for ARP and, in the VM, for cold code), or -1 when nothing
 * came back. */
static double rtt(unsigned src, unsigned dst, int count)
{
	struct run_result r;
	char script[256];
	double med = -1;
	const char *p;

	snprintf(
	    script, sizeof(script),
	    "ping -n -c %d -i 0.05 -W 1 10.0.0.%u | "
	    "sed -n 's/.*time=\\([0-9.]*\\).*/\\1/p' | sed 1d | sort -n | "
	    "awk '{a[NR]=$1} END {if (NR) print \"med=\" a[int((NR+1)/2)]}'",
	    count + 1, dst);
	peer_sh(&r, src, script);
	p = strstr(r.out, "med=");
	if (p)
		med = strtod(p + 4, NULL);
	run_result_free(&r);
	return med;
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

/* Echo replies from src to every other peer of 1..n (n <= 9), pinged in
 * parallel: got[d]. */
static void replies_from(unsigned src, unsigned n, int got[10])
{
	struct run_result r;
	char script[1024];
	size_t len = 0;

	for (unsigned d = 1; d <= n; d++) {
		got[d] = -1;
		if (d != src)
			len += (size_t)snprintf(
			    script + len, sizeof(script) - len,
			    "(echo to%u=$(ping -n -c 3 -i 0.1 -W 1 10.0.0.%u "
			    "| grep -c 'bytes from')) & ",
			    d, d);
	}
	snprintf(script + len, sizeof(script) - len, "wait");
	peer_sh(&r, src, script);
	for (unsigned d = 1; d <= n; d++) {
		char key[16];
		const char *p;

		if (d == src)
			continue;
		snprintf(key, sizeof(key), "to%u=", d);
		p = strstr(r.out, key);
		cr_assert_not_null(p, "%u>%u: %s", src, d, r.out);
		got[d] = atoi(p + strlen(key));
	}
	run_result_free(&r);
}

/* "N received" of a `ping -q` summary. */
static int received(const char *out)
{
	const char *p = strstr(out, "transmitted, ");

	cr_assert_not_null(p, "%s", out);
	return atoi(p + 13);
}

/* The number after "key": in the JSON object of link src>dst in a
 * `stats --json` reply; -1 when the link is not listed. */
static long long stat_of(const char *json, unsigned src, unsigned dst,
			 const char *key)
{
	char obj[48], k[48];
	const char *p, *end;

	snprintf(obj, sizeof(obj), "{\"src\":%u,\"dst\":%u,", src, dst);
	p = strstr(json, obj);
	if (!p)
		return -1;
	end = strchr(p, '}');
	snprintf(k, sizeof(k), "\"%s\":", key);
	p = strstr(p, k);
	cr_assert(p && p < end, "no %s for %u>%u in %s", key, src, dst, json);
	return strtoll(p + strlen(k), NULL, 10);
}

void ctl_links_set_delay_loss_clear(const char *engine)
{
	const char *extra[] = {"--link", "1-2:delay=5ms", NULL};
	struct run_result r;
	double t;
	int got;

	start(engine, "2", extra);
	/* 5 ms each way */
	t = rtt(1, 2, 10);
	cr_assert(t >= 9.9 && t < 25, "before: %.2f ms", t);
	cr_log_info("%s: 1-2 5ms: median RTT %.2f ms", engine, t);
	CTL_OK("set", "1-2:delay=20ms");
	t = rtt(1, 2, 10);
	cr_assert(t >= 39.9 && t < 60, "after: %.2f ms", t);
	cr_log_info("%s: 1-2 20ms: median RTT %.2f ms", engine, t);
	CTL_OK("set", "1>2:loss=50%");
	peer_sh(&r, 1, "ping -n -q -c 200 -i 0.01 -W 2 10.0.0.2");
	got = received(r.out);
	run_result_free(&r);
	/* 200 * 0.5 = 100, sd 7.1: 4.5 sd */
	cr_assert(got >= 68 && got <= 132, "%d of 200 answered", got);
	cr_log_info("%s: loss 50%%: %d of 200 answered", engine, got);
	cr_assert_eq(CTL(&r, "show"), 0);
	cr_assert(has(r.out, "1>2:delay=20ms,loss=50%\n"), "%s", r.out);
	cr_assert(has(r.out, "2>1:delay=20ms\n"), "%s", r.out);
	run_result_free(&r);
	CTL_OK("clear", "1-2");
	t = rtt(1, 2, 10);
	cr_assert(t >= 0 && t < 8, "cleared: %.2f ms", t);
	cr_log_info("%s: cleared: median RTT %.2f ms", engine, t);
	cr_assert_eq(CTL(&r, "show"), 0);
	cr_assert_eq(r.out_len, 0, "%s", r.out);
	run_result_free(&r);
	cr_assert_eq(CTL(&r, "set", "1-2:delay=-1ms"), 1);
	cr_assert(has(r.err, "delay"), "%s", r.err);
	run_result_free(&r);
	stop();
}

void ctl_links_partition_heal(const char *engine)
{
	const char *extra[] = {"--link", "*-*:delay=5ms", NULL};
	struct run_result r;
	/* 1,2 / 3,4 */
	const unsigned g[5] = {0, 1, 1, 2, 2};
	char *before;
	int got[10];
	double t;

	start(engine, "4", extra);
	CTL_OK("set", "2>4:delay=15ms,loss=1%");
	cr_assert_eq(CTL(&r, "show"), 0);
	before = strdup(r.out);
	run_result_free(&r);
	CTL_OK("partition", "1,2/3,4");
	for (unsigned s = 1; s <= 4; s++) {
		replies_from(s, 4, got);
		for (unsigned d = 1; d <= 4; d++) {
			if (s == d)
				continue;
			if (g[s] != g[d])
				cr_assert_eq(got[d], 0, "%u>%u not cut", s, d);
			else if (got[d] == 0)
				cr_assert_geq(rtt_reach(s, d), 0, "%u>%u cut",
					      s, d);
		}
	}
	cr_assert_eq(CTL(&r, "show"), 0);
	cr_assert(has(r.out, "1-3:delay=5ms,down\n"), "%s", r.out);
	cr_assert(has(r.out, "# partition 1,2/3,4"), "%s", r.out);
	cr_assert_not(has(r.out, "1-2:delay=5ms,down"), "%s", r.out);
	run_result_free(&r);
	/* The cut dropped 3 echo requests on each cross pair, as down. */
	cr_assert_eq(CTL(&r, "stats", "--json"), 0, "%s", r.err);
	for (unsigned s = 1; s <= 4; s++)
		for (unsigned d = 1; d <= 4; d++) {
			long long down = stat_of(r.out, s, d, "dropped_down");

			if (s == d)
				continue;
			if (g[s] != g[d])
				cr_assert_geq(down, 3, "%u>%u: %s", s, d,
					      r.out);
			else
				cr_assert_leq(down, 0, "%u>%u: %s", s, d,
					      r.out);
		}
	run_result_free(&r);
	CTL_OK("heal");
	cr_assert_eq(CTL(&r, "show"), 0);
	cr_assert_str_eq(r.out, before);
	run_result_free(&r);
	free(before);
	for (unsigned s = 1; s <= 4; s++) {
		replies_from(s, 4, got);
		for (unsigned d = 1; d <= 4; d++)
			if (s != d && got[d] == 0)
				cr_assert_geq(rtt_reach(s, d), 0, "%u>%u", s,
					      d);
	}
	/* As they were: the delays too. */
	t = rtt(1, 3, 5);
	cr_assert(t >= 9.9 && t < 25, "1>3 after heal: %.2f ms", t);
	cr_log_info("%s: after heal: 1>3 median RTT %.2f ms", engine, t);
	t = rtt(4, 2, 5);
	cr_assert(t >= 19.9 && t < 35, "4>2 after heal: %.2f ms", t);
	cr_log_info("%s: after heal: 4>2 median RTT %.2f ms", engine, t);
	stop();
}

void ctl_links_down_up(const char *engine)
{
	const char *extra[] = {"--link", "*-*:delay=5ms", NULL};
	struct run_result r;
	int got[10];

	start(engine, "3", extra);
	CTL_OK("down", "3");
	replies_from(3, 3, got);
	cr_assert_eq(got[1] + got[2], 0, "3 still reaches 1 or 2");
	replies_from(1, 3, got);
	cr_assert_eq(got[3], 0, "1>3 not cut");
	if (got[2] == 0)
		cr_assert_geq(rtt_reach(1, 2), 0);
	/* The engine counted what the cut dropped: 3 echo requests. */
	cr_assert_eq(CTL(&r, "stats", "--json"), 0, "%s", r.err);
	cr_assert_geq(stat_of(r.out, 1, 3, "dropped_down"), 3, "%s", r.out);
	cr_assert_geq(stat_of(r.out, 1, 3, "dropped_pkts"),
		      stat_of(r.out, 1, 3, "dropped_down"), "%s", r.out);
	run_result_free(&r);
	cr_assert_eq(CTL(&r, "peers"), 0);
	cr_assert(has(r.out, "10.0.0.3"), "%s", r.out);
	cr_assert(has(r.out, "down"), "%s", r.out);
	run_result_free(&r);
	CTL_OK("up", "3");
	cr_assert_geq(rtt_reach(1, 3), 9.9);
	cr_assert_geq(rtt_reach(3, 2), 9.9);
	stop();
}

void ctl_links_stats_match_pings(const char *engine)
{
	/* ARP and neighbour discovery add a few frames to a link (the
	 * userspace engine carries all of them; the kernel engine only
	 * unicast IPv6 neighbour probes): this many at most. */
	const long long slack = 10;
	const char *extra[] = {"--seed", "7", "--link", "1>2:loss=30%", NULL};
	struct run_result r;
	long long off, del, drop, loss, q, bytes, d13;
	int got, dups;
	char row[64];
	const char *p;

	start(engine, "3", extra);
	peer_sh(&r, 1, "ping -n -q -c 200 -i 0.01 -W 2 10.0.0.2");
	got = received(r.out);
	run_result_free(&r);
	/* 200 * 0.7 = 140, sd 6.5: 4.5 sd */
	cr_assert(got >= 110 && got <= 170, "%d of 200 answered", got);
	cr_assert_eq(CTL(&r, "stats", "--json"), 0, "%s", r.err);
	off = stat_of(r.out, 1, 2, "offered_pkts");
	del = stat_of(r.out, 1, 2, "delivered_pkts");
	drop = stat_of(r.out, 1, 2, "dropped_pkts");
	loss = stat_of(r.out, 1, 2, "dropped_loss");
	q = stat_of(r.out, 1, 2, "queued");
	bytes = stat_of(r.out, 1, 2, "delivered_bytes");
	cr_log_info("%s: 1>2 offered %lld, delivered %lld, dropped %lld "
		    "(loss %lld); ping: %d of 200 answered",
		    engine, off, del, drop, loss, got);
	cr_assert(off >= 200 && off <= 200 + slack, "offered %lld: %s", off,
		  r.out);
	/* every answered echo was delivered; the unanswered were not
	 * (the way back is not impaired) */
	cr_assert(del >= got && del <= got + slack,
		  "delivered %lld, %d "
		  "answered",
		  del, got);
	cr_assert_eq(off, del + drop + q, "%s", r.out);
	cr_assert_eq(drop, loss, "%s", r.out);
	cr_assert(drop >= 200 - got && drop <= 200 - got + slack,
		  "dropped %lld, %d unanswered", drop, 200 - got);
	/* 84-byte IPv4 echoes in 98-byte frames (ARP: 42) */
	cr_assert(bytes >= 84 * del && bytes <= 120 * del,
		  "%lld bytes in %lld frames", bytes, del);
	/* Never used: nothing, or (userspace) a broadcast ARP request. */
	d13 = stat_of(r.out, 1, 3, "delivered_pkts");
	cr_assert_leq(d13, slack, "%s", r.out);
	if (d13 < 0)
		d13 = 0;
	run_result_free(&r);

	/* The table says the same. */
	cr_assert_eq(CTL(&r, "stats"), 0, "%s", r.err);
	cr_assert(has(r.out, "LINK"), "%s", r.out);
	p = strstr(r.out, "\n1>2 ");
	cr_assert_not_null(p, "%s", r.out);
	cr_assert_eq(sscanf(p + 1, "1>2 %63s", row), 1);
	cr_assert_eq(strtoll(row, NULL, 10), off, "%s", r.out);
	run_result_free(&r);

	/* Duplicates are delivered and counted (the kernel engine sends a
	 * duplicating link through its own device: its counters too). */
	CTL_OK("set", "1>3:dup=50%");
	peer_sh(&r, 1, "ping -n -q -c 60 -i 0.01 -W 2 10.0.0.3");
	got = received(r.out);
	p = strstr(r.out, "received, +");
	dups = p ? atoi(p + 11) : 0;
	run_result_free(&r);
	cr_assert_eq(got, 60);
	/* 60 * 0.5 = 30, sd 3.9 */
	cr_assert(dups >= 12 && dups <= 48, "%d duplicates", dups);
	cr_log_info("%s: dup 50%%: %d duplicates of 60", engine, dups);
	cr_assert_eq(CTL(&r, "stats", "--json"), 0, "%s", r.err);
	del = stat_of(r.out, 1, 3, "delivered_pkts") - d13;
	cr_assert(del >= 60 + dups && del <= 60 + dups + slack,
		  "1>3 delivered %lld, ping saw %d + %d duplicates: %s", del,
		  got, dups, r.out);
	cr_assert_eq(stat_of(r.out, 1, 3, "offered_pkts") +
			 stat_of(r.out, 1, 3, "duplicated"),
		     stat_of(r.out, 1, 3, "delivered_pkts") +
			 stat_of(r.out, 1, 3, "dropped_pkts") +
			 stat_of(r.out, 1, 3, "queued"),
		     "%s", r.out);
	run_result_free(&r);

	stop();
}

void ctl_links_exec_in_peer(const char *engine)
{
	const char *extra[] = {"--link", "1>2:delay=5ms", NULL};
	bool kernel = strcmp(engine, "kernel") == 0;
	struct run_result r;
	char net1[64] = "", net2[64] = "";
	const char *p;

	start(engine, "2", extra);
	cr_assert_eq(CTL(&r, "exec", "2", "--", "hostname"), 0, "%s", r.err);
	cr_assert_str_eq(r.out, "peer2\n");
	run_result_free(&r);
	peer_sh(&r, 1,
		"echo net=$(readlink /proc/self/ns/net); "
		"echo init=$(cat /proc/1/comm); ip -o -4 addr show dev eth0; "
		"tc qdisc show dev eth0");
	cr_assert(has(r.out, "init=linkem-init"), "%s", r.out);
	cr_assert(has(r.out, "10.0.0.1/16"), "%s", r.out);
	/* The kernel engine's tree for 1>2 lives in peer 1's namespace. */
	if (kernel)
		cr_assert(has(r.out, "netem") && has(r.out, "delay 5ms"), "%s",
			  r.out);
	p = strstr(r.out, "net=");
	sscanf(p, "net=%63s", net1);
	run_result_free(&r);
	/* (and the command's exit status comes back) */
	cr_assert_eq(CTL(&r, "exec", "peer2", "--", "sh", "-c",
			 "echo net=$(readlink /proc/self/ns/net); "
			 "tc qdisc show dev eth0; exit 7"),
		     7, "%s", r.err);
	cr_assert_not(has(r.out, "netem"), "%s", r.out);
	p = strstr(r.out, "net=");
	sscanf(p, "net=%63s", net2);
	run_result_free(&r);
	cr_assert_str_neq(net1, net2);
	{
		char self[64] = "";

		cr_assert_gt(
		    readlink("/proc/self/ns/net", self, sizeof(self) - 1), 0);
		cr_assert_str_neq(net1, self);
	}
	stop();
}

void ctl_links_at_on_time(const char *engine)
{
	const char *extra[] = {"--link", "1-2:delay=5ms", "--at",
			       "2s:1-2:delay=30ms", NULL};
	/* Never early; late by a bound a loaded machine keeps (how close to
	 * a few ms it lands is bench/control/timeline.sh's), much more under
	 * TCG. */
	double late = in_vm() ? 0.5 : 0.1, t;
	const char *p = NULL;

	start(engine, "2", extra);
	for (int i = 0; i < 100 && !p; i++) {
		read_err(50);
		p = strstr(errbuf,
			   "--at 2s:1-2:delay=30ms: set 1-2:delay=30ms");
	}
	cr_assert_not_null(p, "%s", errbuf);
	while (p > errbuf && p[-1] != '+')
		p--;
	t = strtod(p, NULL);
	cr_assert(t >= 2.0 && t < 2.0 + late, "applied at %.4f s", t);
	cr_log_info("%s: --at 2s applied at %.4f s", engine, t);
	t = rtt(1, 2, 5);
	cr_assert(t >= 59.9 && t < 90, "after --at: %.2f ms", t);
	cr_log_info("%s: after --at: median RTT %.2f ms", engine, t);
	stop();
}

void ctl_links_show_round_trip(const char *engine)
{
	struct run_result r;
	char *shown, *pasted;
	double t;
	const char *args[20];
	int n = 0, k = 0;

	start(engine, "3", NULL);
	CTL_OK("set", "1>2:delay=10ms,jitter=2ms", "2>1:delay=20ms,loss=5%",
	       "1-3:rate=1mbit", "3>2:dup=10%", "2>3:delay=5ms,reorder=10%");
	cr_assert_eq(CTL(&r, "show"), 0);
	shown = strdup(r.out);
	pasted = strdup(r.out);
	run_result_free(&r);
	CTL_OK("clear", "*-*");
	cr_assert_eq(CTL(&r, "show"), 0);
	cr_assert_eq(r.out_len, 0, "%s", r.out);
	run_result_free(&r);
	/* Paste every line back. */
	args[k++] = "set";
	for (char *save = NULL, *tok = strtok_r(pasted, "\n", &save);
	     tok && n < 16; tok = strtok_r(NULL, "\n", &save)) {
		n++;
		args[k++] = tok;
	}
	args[k] = NULL;
	cr_assert_geq(n, 4, "too few specs shown");
	cr_assert_eq(ctl_run(&r, args), 0, "%s", r.err);
	run_result_free(&r);
	cr_assert_eq(CTL(&r, "show"), 0);
	cr_assert_str_eq(r.out, shown);
	run_result_free(&r);
	free(shown);
	free(pasted);
	/* and the links behave so again: 10 ms (+-2) there, 20 ms back */
	t = rtt(1, 2, 10);
	cr_assert(t >= 27.9 && t < 45, "1>2 after the paste: %.2f ms", t);
	stop();
}

void ctl_links_auto_without_links_changes(const char *want_engine)
{
	struct run_result r;
	char want[64];
	double t;

	start(NULL, "2", NULL);
	cr_assert_eq(CTL(&r, "hello"), 0, "%s", r.err);
	snprintf(want, sizeof(want), "engine %s", want_engine);
	cr_assert(has(r.out, want), "want %s: %s", want, r.out);
	run_result_free(&r);
	t = rtt(1, 2, 10);
	cr_assert(t >= 0 && t < 8, "unimpaired: %.2f ms", t);
	CTL_OK("set", "1-2:delay=20ms");
	t = rtt(1, 2, 10);
	cr_assert(t >= 39.9 && t < 60, "after set: %.2f ms", t);
	cr_log_info("auto (%s), no --link: set 1-2:delay=20ms: median RTT "
		    "%.2f ms",
		    want_engine, t);
	stop();
}
