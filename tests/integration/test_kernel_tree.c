/*
 * test_kernel_tree.c — the kernel engine's tree, built through the
 * library in namespaces this test creates, with token buckets only (this
 * host has no sch_netem): its shape as tc shows it, TCP goodput through
 * it (iperf3), per-destination isolation, the ifb path, and changes in
 * place.
 */
#include "netsetup/kernel_tree.h"
#include "model/linkspec.h"
#include "netsetup/nl.h"
#include "tests/support/need.h"
#include "tests/support/run.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define NPEERS 3
#define SUBNET "10.77.0.0/24"

static char ns[NPEERS + 1][32]; /* ns[0]: the hub */
static struct lk_plan plan;
static struct lk_psched ps;

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* Output of a command (tc show), malloc'd. */
static char *out_of(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *out_of(const char *fmt, ...)
{
	char cmd[1024];
	char *argv[] = {"sh", "-c", cmd, NULL};
	struct run_result r;
	va_list ap;
	char *s;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	cr_assert_eq(run_cmd(argv, NULL, 20000, &r), 0);
	s = strdup(r.out ? r.out : "");
	run_result_free(&r);
	return s;
}

static void teardown(void)
{
	for (int i = 0; i <= NPEERS; i++)
		if (ns[i][0])
			sh("ip netns del %s 2>/dev/null", ns[i]);
	memset(ns, 0, sizeof(ns));
}

/* A hub namespace with a bridge, NPEERS namespaces with eth0 on it and
 * the plan's addresses. */
static void setup(void)
{
	struct lk_error e = {0};

	if (geteuid() != 0)
		return;
	cr_assert_eq(lk_plan_init(&plan, NPEERS, SUBNET, &e), 0, "%s", e.msg);
	lk_psched_default(&ps);
	lk_psched_read(&ps, &e);
	for (int i = 0; i <= NPEERS; i++) {
		snprintf(ns[i], sizeof(ns[i]), "lkkt%d-%d", (int)getpid(), i);
		cr_assert_eq(sh("ip netns add %s", ns[i]), 0);
	}
	cr_assert_eq(sh("ip -n %s link add br0 type bridge && "
			"ip -n %s link set br0 up",
			ns[0], ns[0]),
		     0);
	for (int i = 1; i <= NPEERS; i++) {
		char a4[INET_ADDRSTRLEN], a6[INET6_ADDRSTRLEN];
		struct in_addr x = lk_plan_addr4(&plan, (unsigned)i);
		struct in6_addr y = lk_plan_addr6(&plan, (unsigned)i);

		inet_ntop(AF_INET, &x, a4, sizeof(a4));
		inet_ntop(AF_INET6, &y, a6, sizeof(a6));
		cr_assert_eq(
		    sh("ip -n %s link add p%d index %d type veth peer name "
		       "eth0 netns %s index 2 && "
		       "ip -n %s link set p%d master br0 up && "
		       "ip -n %s link set lo up && "
		       "ip -n %s link set eth0 up && "
		       "ip -n %s addr add %s/24 dev eth0 && "
		       "ip -n %s addr add %s/64 dev eth0 nodad",
		       ns[0], i, 10 + i, ns[i], ns[0], i, ns[i], ns[i], ns[i],
		       a4, ns[i], a6),
		    0);
	}
}

TestSuite(kernel_tree, .init = setup, .fini = teardown, .timeout = 120);

static void opts_for(struct lk_kt_opts *o, bool ifb_all)
{
	*o = (struct lk_kt_opts){
	    .plan = &plan,
	    .ps = &ps,
	    .eth_ifindex = 2,
	    .first_ifindex = 3,
	    .netem = false,
	    .ifb_all = ifb_all,
	    .kernel = "test",
	};
}

struct peer_nl {
	struct lk_nl nl;
	struct lk_nl_batch b;
};

static void open_in(struct peer_nl *p, int peer)
{
	char path[64];
	struct lk_error e = {0};
	int fd, back = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

	snprintf(path, sizeof(path), "/run/netns/%s", ns[peer]);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	cr_assert(fd >= 0 && back >= 0);
	cr_assert_eq(lk_nl_open_in(&p->nl, fd, back, &e), 0, "%s", e.msg);
	cr_assert_eq(lk_nl_batch_init(&p->b, &p->nl, &e), 0, "%s", e.msg);
	close(fd);
	close(back);
}

static void close_nl(struct peer_nl *p)
{
	lk_nl_batch_free(&p->b);
	lk_nl_close(&p->nl);
}

/* Build peer 1's tree for specs, as the engine does in configure_peer. */
static void build(struct lk_kt_peer *st, const char *const *specs, bool ifb_all)
{
	struct lk_links links;
	struct lk_kt_opts o;
	struct lk_error e = {0};
	struct peer_nl p;

	opts_for(&o, ifb_all);
	lk_links_init(&links, NPEERS);
	for (; *specs; specs++)
		cr_assert_eq(lk_links_add(&links, *specs, &e), 0, "%s", e.msg);
	open_in(&p, 1);
	lk_kt_peer_init(st, 1, &o);
	cr_assert_eq(lk_kt_peer_build(&p.b, &links, 1, &o, st, &e), 0, "%s",
		     e.msg);
	cr_assert_eq(lk_nl_batch_flush(&p.b, &e), 0, "%s", e.msg);
	close_nl(&p);
	lk_links_free(&links);
}

static void set_link(struct lk_kt_peer *st, unsigned dst, const char *spec)
{
	struct lk_links links;
	struct lk_impair imp;
	struct lk_kt_opts o;
	struct lk_error e = {0};
	struct peer_nl p;

	opts_for(&o, false);
	lk_links_init(&links, NPEERS);
	lk_impair_init(&imp);
	if (spec) {
		cr_assert_eq(lk_links_add(&links, spec, &e), 0, "%s", e.msg);
		lk_links_resolve(&links, 1, dst, &imp);
	}
	open_in(&p, 1);
	cr_assert_eq(lk_kt_link_set(&p.b, dst,
				    lk_impair_is_noop(&imp) ? NULL : &imp, &o,
				    st, &e),
		     0, "%s", e.msg);
	cr_assert_eq(lk_nl_batch_flush(&p.b, &e), 0, "%s", e.msg);
	close_nl(&p);
	lk_links_free(&links);
}

/* TCP goodput from peer 1 to peer dst in Mbit/s (iperf3, the first second
 * of slow start left out). */
static double goodput(unsigned dst, bool v6, int seconds)
{
	char addr[INET6_ADDRSTRLEN], srv[160];
	char *srv_argv[] = {"sh", "-c", srv, NULL};
	int out_fd, err_fd;
	pid_t pid;
	double best = -1;

	if (v6) {
		struct in6_addr a = lk_plan_addr6(&plan, dst);

		inet_ntop(AF_INET6, &a, addr, sizeof(addr));
	} else {
		struct in_addr a = lk_plan_addr4(&plan, dst);

		inet_ntop(AF_INET, &a, addr, sizeof(addr));
	}
	snprintf(srv, sizeof(srv), "exec ip netns exec %s iperf3 -s -1",
		 ns[dst]);
	pid = spawn_cmd(srv_argv, &out_fd, &err_fd);
	cr_assert(pid > 0);
	for (int tries = 0; tries < 20 && best < 0; tries++) {
		char *o;
		const char *p;

		usleep(100000);
		o = out_of("ip netns exec %s iperf3 -c %s -t %d -O 1 -J "
			   "2>/dev/null",
			   ns[1], addr, seconds);
		p = strstr(o, "\"sum_received\"");
		if (p && (p = strstr(p, "\"bits_per_second\":")))
			best = strtod(p + 18, NULL) / 1e6;
		free(o);
	}
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	close(out_fd);
	close(err_fd);
	cr_assert(best >= 0, "iperf3 to %s gave no result", addr);
	return best;
}

/* What TCP carries over a link shaped at mbit (HTB counts whole frames:
 * 1448 bytes of payload in 1514). */
static void assert_rate(double got, double mbit)
{
	double want = mbit * 1448.0 / 1514.0;

	cr_expect(got > want * 0.9 && got < want * 1.1,
		  "goodput %.2f Mbit/s, want %.2f +- 10%%", got, want);
}

Test(kernel_tree, shape_as_tc_shows_it)
{
	const char *specs[] = {"1>2:rate=5mbit", "1>3:rate=20mbit", NULL};
	struct lk_kt_peer st;
	char *q, *c, *f;

	NEED_ROOT();
	build(&st, specs, false);
	q = out_of("tc -n %s qdisc show dev eth0", ns[1]);
	c = out_of("tc -n %s class show dev eth0", ns[1]);
	f = out_of("tc -n %s filter show dev eth0", ns[1]);
	cr_expect(has(q, "qdisc htb 1: root"), "%s", q);
	cr_expect(has(q, "default 0"), "%s", q);
	cr_expect(has(q, "qdisc bfifo 3: parent 1:2"), "%s", q);
	cr_expect(has(q, "qdisc bfifo 4: parent 1:3"), "%s", q);
	cr_expect(has(c, "class htb 1:2 root leaf 3: prio 0 rate 5Mbit"), "%s",
		  c);
	cr_expect(has(c, "class htb 1:3 root leaf 4: prio 0 rate 20Mbit"), "%s",
		  c);
	cr_expect(has(f, "flowid 1:2"), "%s", f);
	cr_expect(has(f, "flowid 1:3"), "%s", f);
	cr_expect(has(f, "match 0a4d0002/ffffffff at 16"), "%s", f);
	cr_expect(has(f, "protocol ipv6 pref 102 u32"), "%s", f);
	cr_expect(has(f, "protocol ip pref 101 u32"), "%s", f);
	free(q), free(c), free(f);
	lk_kt_peer_free(&st);
}

Test(kernel_tree, rate_per_destination_ipv4_ipv6)
{
	const char *specs[] = {"1>2:rate=8mbit", NULL};
	struct lk_kt_peer st;
	double to2, to2v6, to3;

	NEED_ROOT();
	build(&st, specs, false);
	to2 = goodput(2, false, 3);
	to2v6 = goodput(2, true, 3);
	to3 = goodput(3, false, 2);
	assert_rate(to2, 8);
	assert_rate(to2v6, 8);
	/* peer 3 is not slowed at all */
	cr_expect(to3 > 200, "unimpaired 1 -> 3: %.1f Mbit/s", to3);
	lk_kt_peer_free(&st);
}

Test(kernel_tree, ifb_redirect_shapes_without_loops)
{
	const char *specs[] = {"1>2:rate=10mbit", "1>3:rate=4mbit", NULL};
	struct lk_kt_peer st;
	char *q, *l;

	NEED_ROOT();
	build(&st, specs, true);
	cr_assert_eq(lk_kt_find(&st, 2)->ifindex, 3);
	cr_assert_eq(lk_kt_find(&st, 3)->ifindex, 4);
	assert_rate(goodput(2, false, 3), 10);
	assert_rate(goodput(3, true, 3), 4);
	l = out_of("ip -n %s -o link show", ns[1]);
	cr_expect(has(l, "3: lkdup2:") && has(l, "4: lkdup3:"), "%s", l);
	q = out_of("tc -n %s -s qdisc show dev lkdup2", ns[1]);
	cr_expect(has(q, "qdisc bfifo 2: parent 1:1"), "%s", q);
	cr_expect(!has(q, "Sent 0 bytes"), "nothing went through: %s", q);
	free(q), free(l);
	lk_kt_peer_free(&st);
}

Test(kernel_tree, change_in_place_keeps_the_tree)
{
	const char *specs[] = {"1>2:rate=4mbit", NULL};
	struct lk_kt_peer st;
	char *before, *after;

	NEED_ROOT();
	build(&st, specs, false);
	assert_rate(goodput(2, false, 3), 4);
	before = out_of("tc -n %s -s class show dev eth0 | grep -o 'Sent "
			"[0-9]*'",
			ns[1]);
	set_link(&st, 2, "1>2:rate=12mbit");
	assert_rate(goodput(2, false, 3), 12);
	after = out_of("tc -n %s -s class show dev eth0", ns[1]);
	/* the same class, changed: its counters went on */
	cr_expect(has(after, "class htb 1:2 root leaf 3: prio 0 rate 12Mbit"),
		  "%s", after);
	cr_expect(!has(after, before), "counters restarted: %s / %s", before,
		  after);
	/* cleared: no longer slowed (the class stays, at its high rate) */
	set_link(&st, 2, NULL);
	cr_expect(goodput(2, false, 2) > 200);
	/* a link that had nothing gets a class at run time */
	set_link(&st, 3, "1>3:rate=6mbit");
	assert_rate(goodput(3, false, 3), 6);
	free(before), free(after);
	lk_kt_peer_free(&st);
}

/* Without sch_netem, --engine kernel refuses, naming the kernel. */
Test(kernel_tree, engine_refused_without_netem_names_the_kernel)
{
	char *argv[] = {(char *)build_path("linkem-launch"),
			"--engine",
			"kernel",
			"-n",
			"2",
			"--link",
			"1-2:delay=5ms",
			"--",
			"true",
			NULL};
	struct run_result r;
	struct utsname u;

	NEED_ROOT();
	cr_assert_eq(unshare(CLONE_NEWNET), 0);
	if (sh("tc qdisc add dev lo root netem delay 1ms 2>/dev/null") == 0)
		cr_skip_test("this kernel has sch_netem");
	uname(&u);
	cr_assert_eq(run_cmd(argv, NULL, 20000, &r), 0);
	cr_expect_neq(r.status, 0);
	cr_expect(has(r.err, "the kernel engine cannot work here"), "%s",
		  r.err);
	cr_expect(has(r.err, "sch_netem"), "%s", r.err);
	cr_expect(has(r.err, u.release), "%s", r.err);
	cr_expect(has(r.err, "(kernel: "), "the kernel's own words: %s", r.err);
	run_result_free(&r);
}
