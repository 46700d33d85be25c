/* test_userspace.c — the userspace engine with real traffic between real
 * peers, through linkem-launch --engine userspace. */
#include "tests/support/run.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NEED_ROOT()                                                            \
	do {                                                                   \
		if (geteuid() != 0)                                            \
			cr_skip_test("needs root (namespaces, TAP devices)");  \
		if (access("/dev/net/tun", R_OK | W_OK) != 0)                  \
			cr_skip_test("no /dev/net/tun");                       \
		/* Sanitizer builds: LSan cannot run in a sandboxed peer. */   \
		setenv("ASAN_OPTIONS", "detect_leaks=0", 1);                   \
	} while (0)

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

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median of the "time=X ms" of peer's ping replies from addr. */
static double ping_median(const char *out, const char *peer, const char *addr,
			  int *count)
{
	double v[512];
	int n = 0;
	char from[96];

	snprintf(from, sizeof(from), "[%s] 64 bytes from %s", peer, addr);
	for (const char *p = out; (p = strstr(p, from)) && n < 512; p++) {
		const char *t = strstr(p, "time=");
		const char *eol = strchr(p, '\n');

		if (t && (!eol || t < eol))
			v[n++] = atof(t + 5);
	}
	*count = n;
	if (!n)
		return -1;
	qsort(v, (size_t)n, sizeof(v[0]), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* "got K: n1 n2 ..." from udpseq recv: K, and the numbers seen. */
static int got_set(const char *out, const char *peer, bool *seen, int max,
		   int *order, int *norder)
{
	char tag[64];
	const char *p;
	int k;

	snprintf(tag, sizeof(tag), "[%s] got ", peer);
	p = strstr(out, tag);
	if (!p)
		return -1;
	p += strlen(tag);
	k = atoi(p);
	p = strchr(p, ':');
	if (norder)
		*norder = 0;
	while (p && *p == ':')
		p++;
	while (p && *p == ' ') {
		char *end;
		long x = strtol(p, &end, 10);

		if (end == p)
			break;
		if (x >= 0 && x < max) {
			if (seen)
				seen[x] = true;
			if (order && *norder < 4096)
				order[(*norder)++] = (int)x;
		}
		p = end;
	}
	return k;
}

Test(userspace, ipv4_ipv6_and_names_without_links)
{
	struct run_result r;

	NEED_ROOT();
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

Test(userspace, delay_both_ways_and_other_links_untouched)
{
	struct run_result r;
	int n2, n3;
	double m2, m3;

	NEED_ROOT();
	US(&r, 20000, "-n", "3", "--link", "1-2:delay=20ms", "--", "sh", "-c",
	   "if [ {id} = 1 ]; then ping -c 15 -i 0.05 10.0.0.2; "
	   "ping -c 15 -i 0.05 10.0.0.3; else sleep 3; fi");
	cr_assert_eq(r.status, 0, "stderr: %s\nstdout: %s", r.err, r.out);
	m2 = ping_median(r.out, "peer1", "10.0.0.2", &n2);
	m3 = ping_median(r.out, "peer1", "10.0.0.3", &n3);
	cr_assert_geq(n2, 14, "%s", r.out);
	cr_assert_geq(n3, 14, "%s", r.out);
	cr_assert(m2 >= 40.0 && m2 <= 43.0, "median RTT 1-2 %.3f ms", m2);
	cr_assert(m3 < 2.0, "median RTT 1-3 %.3f ms (not impaired)", m3);
	run_result_free(&r);
}

Test(userspace, loss_within_binomial_bounds)
{
	struct run_result r;
	char script[2048];
	int k;

	NEED_ROOT();
	progs();
	/* peer1 resolves peer2's address first: the ARP exchange crosses
	 * the lossy link too. */
	snprintf(script, sizeof(script),
		 "if [ {id} = 2 ]; then %s recv 5000 1500; else "
		 "for i in 1 2 3 4 5 6; do ping -c1 -W1 10.0.0.2 >/dev/null "
		 "&& break; done; %s send 10.0.0.2 5000 400 1000; fi",
		 udpseq, udpseq);
	US(&r, 30000, "-n", "2", "--link", "1>2:loss=30%", "--", "sh", "-c",
	   script);
	cr_assert_eq(r.status, 0, "stderr: %s\nstdout: %s", r.err, r.out);
	/* No --seed: the one chosen is printed. */
	cr_assert(has(r.err, "linkem-launch: seed "), "%s", r.err);
	k = got_set(r.out, "peer2", NULL, 400, NULL, NULL);
	/* 280 expected, sd 9.2: four sd either side. */
	cr_assert(k >= 243 && k <= 317, "received %d of 400\n%s", k, r.out);
	run_result_free(&r);
}

Test(userspace, duplicates)
{
	struct run_result r;
	char script[2048];
	int k;

	NEED_ROOT();
	progs();
	snprintf(script, sizeof(script),
		 "if [ {id} = 2 ]; then %s recv 5000 1500; else sleep 1; "
		 "%s send 10.0.0.2 5000 200 1000; fi",
		 udpseq, udpseq);
	US(&r, 20000, "-q", "-n", "2", "--link", "1>2:dup=20%", "--", "sh",
	   "-c", script);
	cr_assert_eq(r.status, 0, "stderr: %s\nstdout: %s", r.err, r.out);
	k = got_set(r.out, "peer2", NULL, 200, NULL, NULL);
	/* 40 extra expected, sd 5.7. */
	cr_assert(k >= 200 + 17 && k <= 200 + 63, "received %d for 200", k);
	run_result_free(&r);
}

Test(userspace, corruption_reaches_the_receiver)
{
	struct run_result r;
	char script[2048];
	const char *p;
	int k, csum = -1;

	NEED_ROOT();
	progs();
	/* peer2 prints its UDP checksum failures: the second "Udp:" line,
	 * 7th value (InCsumErrors). */
	snprintf(script, sizeof(script),
		 "if [ {id} = 2 ]; then %s recv 5000 1500; "
		 "awk '/^Udp:/{n++} /^Udp:/ && n==2 {print \"csum \" $8}' "
		 "/proc/net/snmp; else sleep 1; "
		 "%s send 10.0.0.2 5000 300 500 1400; fi",
		 udpseq, udpseq);
	US(&r, 20000, "-q", "-n", "2", "--link", "1>2:corrupt=20%", "--", "sh",
	   "-c", script);
	cr_assert_eq(r.status, 0, "stderr: %s\nstdout: %s", r.err, r.out);
	k = got_set(r.out, "peer2", NULL, 300, NULL, NULL);
	p = strstr(r.out, "[peer2] csum ");
	if (p)
		csum = atoi(p + strlen("[peer2] csum "));
	/* ~60 corrupted, most of them in the UDP payload. */
	cr_assert(csum >= 20 && csum <= 100, "UDP checksum errors: %d\n%s",
		  csum, r.out);
	cr_assert(k >= 180 && k + csum <= 300, "received %d, %d bad", k, csum);
	run_result_free(&r);
}

Test(userspace, reorder)
{
	struct run_result r;
	char script[2048];
	int order[4096], n = 0, late = 0, maxseen = -1;
	int k;

	NEED_ROOT();
	progs();
	snprintf(script, sizeof(script),
		 "if [ {id} = 2 ]; then %s recv 5000 1500; else sleep 1; "
		 "%s send 10.0.0.2 5000 200 1000; fi",
		 udpseq, udpseq);
	US(&r, 20000, "-q", "-n", "2", "--link", "1>2:delay=10ms,reorder=25%",
	   "--", "sh", "-c", script);
	cr_assert_eq(r.status, 0, "stderr: %s\nstdout: %s", r.err, r.out);
	k = got_set(r.out, "peer2", NULL, 200, order, &n);
	cr_assert_eq(k, 200, "%s", r.out);
	for (int i = 0; i < n; i++) {
		if (order[i] < maxseen)
			late++;
		else
			maxseen = order[i];
	}
	/* A quarter go at once, ahead of the ~10 delayed ones before them:
	 * most of the others arrive after a higher number. */
	cr_assert(late >= 50, "only %d of 200 arrived out of order", late);
	run_result_free(&r);
}

Test(userspace, rate_tcp_goodput, .timeout = 60)
{
	struct run_result r;
	const char *p;
	double mbit = -1;

	NEED_ROOT();
	US(&r, 30000, "-q", "-n", "2", "--link", "1-2:rate=10mbit", "--", "sh",
	   "-c",
	   "if [ {id} = 2 ]; then iperf3 -s -1 >/dev/null; else sleep 0.5; "
	   "iperf3 -c 10.0.0.2 -t 4 -f m | grep receiver; fi");
	cr_assert_eq(r.status, 0, "stderr: %s\nstdout: %s", r.err, r.out);
	p = strstr(r.out, "MBytes");
	if (p)
		mbit = atof(p + strlen("MBytes"));
	/* Goodput under 10 Mbit/s of Ethernet frames: ~9.5. */
	cr_assert(mbit >= 9.0 && mbit <= 10.5, "goodput %.2f Mbit/s\n%s", mbit,
		  r.out);
	run_result_free(&r);
}

Test(userspace, pcap_holds_what_each_peer_sent_and_received)
{
	struct run_result r, t;
	char dir[] = "/tmp/lk-us-pcap-XXXXXX";
	char f1[128], f2[128];

	NEED_ROOT();
	cr_assert_not_null(mkdtemp(dir));
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

	NEED_ROOT();
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

	NEED_ROOT();
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
