/* test_userspace.c — the userspace engine with real traffic between real
 * peers, through linkem-launch --engine userspace: what only this engine
 * has (pcap, its TAP devices, a chosen seed) and how it stands abuse
 * (floods, garbage frames).  Delay, loss, duplication, corruption,
 * reordering, rate and isolation are in the behaviour suite
 * (tests/behaviour), run against both engines. */
#include "tests/support/measure.h"
#include "tests/support/need.h"
#include "tests/support/run.h"
#include "tests/support/runtime_dir.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define US(r, timeout_ms, ...)                                                 \
	do {                                                                   \
		char *argv_[] = {(char *)build_path("linkem-launch"),          \
				 "--engine", "userspace", __VA_ARGS__, NULL};  \
		cr_assert_eq(run_cmd(argv_, NULL, timeout_ms, r), 0);          \
	} while (0)

static char udpseq[256];

static void progs(void)
{
	snprintf(udpseq, sizeof(udpseq), "%s",
		 build_path("tests/progs/udpseq"));
}

/* Median round-trip time (ms) of peer's ping replies from addr. */
static double ping_median(const char *out, const char *peer, const char *addr,
			  int *count)
{
	double v[512];

	*count = ping_rtts(out, peer, addr, v, 512);
	return *count ? quantile(v, *count, 0.5) : -1;
}

Test(userspace, ipv4_ipv6_and_names_without_links)
{
	struct run_result r;

	NEED_TAP();
	US(&r, 20000, "-n", "3", "--", "sh", "-c",
	   "if [ {id} = 1 ]; then ping -c1 -W2 10.0.0.2 >/dev/null && "
	   "ping -c1 -W2 peer3 >/dev/null && "
	   "ping -6 -c1 -W2 fd00:6c6b::2 >/dev/null && "
	   "ping -6 -c1 -W2 peer3 >/dev/null && echo ALLOK; "
	   "else sleep 2; fi; ip -o link show eth0");
	cr_assert_eq(r.status, 0, "stderr: %s\nstdout: %s", r.err, r.out);
	cr_assert(has(r.out, "[peer1] ALLOK"), "%s", r.out);
	/* eth0 is the engine's TAP, with the plan's MAC. */
	cr_assert(has(r.out, "[peer2] 2: eth0"), "%s", r.out);
	cr_assert(has(r.out, "link/ether 02:6c:6b:00:00:02"), "%s", r.out);
	/* No seed given: one is chosen and printed, only with links. */
	cr_assert_not(has(r.err, "seed"), "%s", r.err);
	run_result_free(&r);
}

Test(userspace, a_seed_is_chosen_and_printed)
{
	struct run_result r;

	NEED_TAP();
	US(&r, 20000, "-n", "2", "--link", "1>2:loss=30%", "--", "true");
	cr_assert_eq(r.status, 0, "stderr: %s\nstdout: %s", r.err, r.out);
	/* No --seed: the one chosen is printed, to replay the run. */
	cr_assert(has(r.err, "linkem-launch: seed "), "%s", r.err);
	run_result_free(&r);
}

Test(userspace, pcap_holds_what_each_peer_sent_and_received)
{
	struct run_result r, t;
	char dir[] = "/tmp/lk-us-pcap-XXXXXX";
	char f1[128], f2[128];

	NEED_TAP();
	cr_assert_not_null(mkdtemp(dir));
	test_remove_at_exit(dir);
	US(&r, 20000, "-q", "-n", "2", "--pcap", dir, "--link", "1>2:delay=5ms",
	   "--", "sh", "-c",
	   "if [ {id} = 1 ]; then ping -c 3 -i 0.1 10.0.0.2; "
	   "else sleep 1.5; fi");
	cr_assert_eq(r.status, 0, "stderr: %s\nstdout: %s", r.err, r.out);
	snprintf(f1, sizeof(f1), "%s/peer1.pcap", dir);
	snprintf(f2, sizeof(f2), "%s/peer2.pcap", dir);
	for (int i = 0; i < 2; i++) {
		char *argv[] = {"tcpdump", "-nr", i ? f2 : f1, "icmp", NULL};
		const char *req = "10.0.0.1 > 10.0.0.2: ICMP echo request";
		const char *rep = "10.0.0.2 > 10.0.0.1: ICMP echo reply";
		int nreq = 0, nrep = 0;

		cr_assert_eq(run_cmd(argv, NULL, 10000, &t), 0);
		cr_assert_eq(t.status, 0, "%s", t.err);
		for (const char *p = t.out; (p = strstr(p, req)); p++)
			nreq++;
		for (const char *p = t.out; (p = strstr(p, rep)); p++)
			nrep++;
		cr_assert_eq(nreq, 3, "%s: %s", i ? f2 : f1, t.out);
		cr_assert_eq(nrep, 3, "%s: %s", i ? f2 : f1, t.out);
		run_result_free(&t);
	}
	run_result_free(&r);
	unlink(f1);
	unlink(f2);
	rmdir(dir);
}

Test(userspace, a_flooding_peer_does_not_starve_the_others, .timeout = 60)
{
	struct run_result r;
	char script[2048];
	int n;
	double m;

	NEED_TAP();
	progs();
	/* peer3 floods peer2 through an impaired link (its queue
	 * overflows) and peer1 at once; peer1 pings peer2 meanwhile. */
	snprintf(script, sizeof(script),
		 "case {id} in 1) sleep 0.5; ping -c 20 -i 0.1 10.0.0.2;; "
		 "2) sleep 4;; 3) %s flood 10.0.0.2 9 3 & "
		 "%s flood 10.0.0.1 9 3; wait;; esac",
		 udpseq, udpseq);
	US(&r, 30000, "-q", "-n", "3", "--link", "3>2:delay=10ms", "--", "sh",
	   "-c", script);
	cr_assert_eq(r.status, 0, "stderr: %s\nstdout: %s", r.err, r.out);
	cr_assert(has(r.out, "[peer3] flooded"), "%s", r.out);
	m = ping_median(r.out, "peer1", "10.0.0.2", &n);
	cr_assert_geq(n, 18, "%d of 20 pings answered\n%s", n, r.out);
	cr_assert(m < 20.0, "median RTT %.3f ms under flood", m);
	run_result_free(&r);
}

Test(userspace, garbage_frames_do_not_break_the_engine, .timeout = 60)
{
	struct run_result r;
	char script[2048];
	int n;
	double m;

	NEED_TAP();
	progs();
	/* peer3 writes random raw frames (runts, random and group MACs,
	 * up to full size) as fast as it can, some through an impaired
	 * link; peer1 and peer2 keep talking. */
	snprintf(script, sizeof(script),
		 "case {id} in 1) sleep 0.5; ping -c 20 -i 0.1 10.0.0.2;; "
		 "2) sleep 3.5;; 3) %s garbage eth0 3;; esac",
		 udpseq);
	US(&r, 30000, "-q", "-n", "3", "--cap", "NET_RAW", "--link",
	   "3>1:delay=1ms", "--", "sh", "-c", script);
	cr_assert_eq(r.status, 0, "stderr: %s\nstdout: %s", r.err, r.out);
	cr_assert(has(r.out, "[peer3] garbage "), "%s", r.out);
	cr_assert_gt(atol(strstr(r.out, "[peer3] garbage ") + 16), 10000, "%s",
		     r.out);
	m = ping_median(r.out, "peer1", "10.0.0.2", &n);
	cr_assert_geq(n, 18, "%d of 20 pings answered\n%s", n, r.out);
	cr_assert(m < 20.0, "median RTT %.3f ms under garbage", m);
	run_result_free(&r);
}

Test(userspace, a_broadcast_takes_each_links_conditions, .timeout = 60)
{
	struct run_result r;
	char script[1024], slip[256];
	const char *p2, *p3;
	double m2, m3;
	int n2, n3;

	NEED_TAP();
	snprintf(slip, sizeof(slip), "%s", build_path("tests/progs/slip"));
	/* peer 1 stamps 20 broadcasts (10.0.255.255) and 20 datagrams to
	 * ff02::1; one copy per link: 2 gets them 100 ms late, 3 at once */
	snprintf(script, sizeof(script),
		 "case {id} in 1) sleep 0.5; %s stamp 1 20 50;; "
		 "*) %s lat 3;; esac",
		 slip, slip);
	US(&r, 30000, "-q", "-n", "3", "--link", "1>2:delay=100ms", "--", "sh",
	   "-c", script);
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	for (int fam = 4; fam <= 6; fam += 2) {
		char k2[32], k3[32];

		snprintf(k2, sizeof(k2), "[peer2] lat%d n=", fam);
		snprintf(k3, sizeof(k3), "[peer3] lat%d n=", fam);
		p2 = strstr(r.out, k2);
		p3 = strstr(r.out, k3);
		cr_assert(p2 && p3, "%s", r.out);
		cr_assert_eq(sscanf(p2 + strlen(k2), "%d median=%lf", &n2, &m2),
			     2);
		cr_assert_eq(sscanf(p3 + strlen(k3), "%d median=%lf", &n3, &m3),
			     2);
		cr_expect_eq(n2, 20, "IPv%d: peer2 got %d of 20", fam, n2);
		cr_expect_eq(n3, 20, "IPv%d: peer3 got %d of 20", fam, n3);
		cr_expect(m2 >= 100 && m2 < 110, "IPv%d: peer2 %.2f ms", fam,
			  m2);
		cr_expect(m3 < 5, "IPv%d: peer3 %.2f ms", fam, m3);
		cr_log_info("IPv%d broadcast: peer2 %.2f ms, peer3 %.2f ms",
			    fam, m2, m3);
	}
	run_result_free(&r);
}
