/* test_userspace_perf.c — the userspace engine's fast paths with real
 * traffic: TCP through links that keep GSO super-frames whole (delay)
 * and links that cut them into wire frames (loss, corruption) delivers
 * the bytes intact; corruption of cut frames fails the receiver's TCP
 * checksum; pcap files with super-frames read back with tcpdump; delay
 * holds (loosely: medians) while a TCP stream fills the link. */
#include "tests/support/need.h"
#include "tests/support/run.h"
#include "tests/support/runtime_dir.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* NEED_TAP(), and socat for the TCP streams. */
#define NEED_SOCAT()                                                           \
	do {                                                                   \
		NEED_TAP();                                                    \
		if (access("/usr/bin/socat", X_OK) != 0)                       \
			cr_skip_test("no socat");                              \
	} while (0)

/* peer1 sends `seq 1 N` (about 6.9 bytes a line) to peer2 over TCP; each
 * prints the sha256 of what it sent / received, peer2 also its TCP
 * checksum failures (/proc/net/snmp InCsumErrors, found by name). */
#define TCP_SCRIPT                                                             \
	"if [ {id} = 2 ]; then "                                               \
	"socat -u TCP-LISTEN:5001,reuseaddr - | sha256sum | "                  \
	"sed 's/^/got /'; "                                                    \
	"awk '/^Tcp:/ {n++; if (n == 1) for (i = 1; i <= NF; i++) "            \
	"if ($i == \"InCsumErrors\") c = i; if (n == 2) "                      \
	"print \"csum \" $c}' /proc/net/snmp; "                                \
	"else seq 1 %d | sha256sum | sed 's/^/sent /'; sleep 0.5; "           \
	"seq 1 %d | socat -u - TCP:10.0.0.2:5001; fi"

struct tcp_run {
	struct run_result r;
	char sent[65], got[65];
	long csum_errors;
};

static void copy_hash(const char *out, const char *tag, char *dst)
{
	const char *p = strstr(out, tag);

	dst[0] = '\0';
	if (p && strlen(p + strlen(tag)) >= 64) {
		memcpy(dst, p + strlen(tag), 64);
		dst[64] = '\0';
	}
}

static void tcp_transfer(struct tcp_run *t, int lines, char *const extra[])
{
	char script[1024];
	char *argv[24];
	int argc = 0;
	const char *p;

	snprintf(script, sizeof(script), TCP_SCRIPT, lines, lines);
	argv[argc++] = (char *)build_path("linkem-launch");
	argv[argc++] = "-q";
	argv[argc++] = "--engine";
	argv[argc++] = "userspace";
	argv[argc++] = "-n";
	argv[argc++] = "2";
	for (; extra && *extra; extra++)
		argv[argc++] = *extra;
	argv[argc++] = "--";
	argv[argc++] = "sh";
	argv[argc++] = "-c";
	argv[argc++] = script;
	argv[argc] = NULL;
	cr_assert_eq(run_cmd(argv, NULL, 60000, &t->r), 0);
	cr_assert_eq(t->r.status, 0, "stderr: %s\nstdout: %s", t->r.err,
		     t->r.out);
	copy_hash(t->r.out, "[peer1] sent ", t->sent);
	copy_hash(t->r.out, "[peer2] got ", t->got);
	p = strstr(t->r.out, "[peer2] csum ");
	t->csum_errors = p ? atol(p + strlen("[peer2] csum ")) : -1;
	cr_assert_eq(strlen(t->sent), 64, "%s", t->r.out);
	cr_assert_str_eq(t->got, t->sent, "received bytes differ\n%s",
			 t->r.out);
}

/* Largest "length N" tcpdump prints for TCP data between the peers. */
static long pcap_max_tcp_len(const char *file, long *frames)
{
	struct run_result t;
	char *argv[] = {"tcpdump", "-nr", (char *)file, "tcp", NULL};
	long max = -1;

	*frames = 0;
	cr_assert_eq(run_cmd(argv, NULL, 20000, &t), 0);
	cr_assert_eq(t.status, 0, "tcpdump -r %s: %s", file, t.err);
	for (const char *p = t.out; (p = strstr(p, "length ")); p++) {
		long n = atol(p + 7);

		if (n > max)
			max = n;
		(*frames)++;
	}
	run_result_free(&t);
	return max;
}

Test(userspace_perf, tcp_super_frames_whole_through_delay_and_pcap,
     .timeout = 90)
{
	struct tcp_run t;
	char dir[] = "/tmp/lk-usperf-XXXXXX";
	char f1[128], f2[128];
	long n1, n2, max1, max2;
	char *extra[] = {"--pcap", dir, "--link", "1-2:delay=2ms", NULL};

	NEED_SOCAT();
	cr_assert_not_null(mkdtemp(dir));
	test_remove_at_exit(dir);
	tcp_transfer(&t, 300000, extra);
	run_result_free(&t.r);
	snprintf(f1, sizeof(f1), "%s/peer1.pcap", dir);
	snprintf(f2, sizeof(f2), "%s/peer2.pcap", dir);
	/* Both files read back; the stream went as super-frames (TCP
	 * payload beyond one MTU) from the sender to the receiver. */
	max1 = pcap_max_tcp_len(f1, &n1);
	max2 = pcap_max_tcp_len(f2, &n2);
	cr_assert_gt(n1, 10);
	cr_assert_gt(n2, 10);
	cr_assert_gt(max1, 1448, "no super-frame sent: max %ld", max1);
	cr_assert_gt(max2, 1448, "no super-frame received: max %ld", max2);
	unlink(f1);
	unlink(f2);
	rmdir(dir);
}

Test(userspace_perf, tcp_cut_into_wire_frames_through_loss, .timeout = 90)
{
	struct tcp_run t;
	char dir[] = "/tmp/lk-usperf-XXXXXX";
	char f2[128];
	long n2, max2;
	char *extra[] = {"--pcap", dir, "--link", "1>2:delay=1ms,loss=1%",
			 NULL};

	NEED_SOCAT();
	cr_assert_not_null(mkdtemp(dir));
	test_remove_at_exit(dir);
	tcp_transfer(&t, 300000, extra);
	run_result_free(&t.r);
	/* What reached peer2 through the lossy link: wire-sized only. */
	snprintf(f2, sizeof(f2), "%s/peer2.pcap", dir);
	max2 = pcap_max_tcp_len(f2, &n2);
	cr_assert_gt(n2, 100);
	cr_assert_leq(max2, 1448, "a super-frame crossed a lossy link: %ld",
		      max2);
	unlink(f2);
	snprintf(f2, sizeof(f2), "%s/peer1.pcap", dir);
	unlink(f2);
	rmdir(dir);
}

Test(userspace_perf, corruption_of_cut_frames_fails_tcp_checksums,
     .timeout = 90)
{
	struct tcp_run t;
	char *extra[] = {"--link", "1>2:corrupt=1%", NULL};

	NEED_SOCAT();
	/* ~2 MB: ~1400 wire frames, ~14 corrupted, nearly all of them in
	 * bytes the TCP checksum covers; TCP resends them, and the data
	 * arrives intact (asserted in tcp_transfer). */
	tcp_transfer(&t, 300000, extra);
	cr_assert_geq(t.csum_errors, 3, "TCP checksum errors: %ld\n%s",
		      t.csum_errors, t.r.out);
	run_result_free(&t.r);
}

Test(userspace_perf, delay_median_while_tcp_fills_the_link, .timeout = 90)
{
	struct run_result r;
	char script[1024];
	char *argv[16];
	int argc = 0;
	const char *p;
	double med = -1;

	NEED_SOCAT();
	/* peer1 streams to peer2 through delay=20ms (super-frames kept)
	 * while timing UDP exchanges with peer3 over its own delay=20ms
	 * link: the stream must not push the timer off. */
	snprintf(script, sizeof(script),
		 "U=%s; case {id} in "
		 "1) sleep 0.5; (seq 1 2000000 | socat -u - "
		 "TCP:10.0.0.2:5001 &); $U rtt 10.0.0.3 7007 100 2000;; "
		 "2) socat -u TCP-LISTEN:5001,reuseaddr - | wc -c;; "
		 "3) $U echo 7007 8;; esac",
		 build_path("tests/progs/udpseq"));
	argv[argc++] = (char *)build_path("linkem-launch");
	argv[argc++] = "-q";
	argv[argc++] = "--engine";
	argv[argc++] = "userspace";
	argv[argc++] = "-n";
	argv[argc++] = "3";
	argv[argc++] = "--link";
	argv[argc++] = "1-2:delay=20ms";
	argv[argc++] = "--link";
	argv[argc++] = "1>3:delay=20ms";
	argv[argc++] = "--";
	argv[argc++] = "sh";
	argv[argc++] = "-c";
	argv[argc++] = script;
	argv[argc] = NULL;
	cr_assert_eq(run_cmd(argv, NULL, 60000, &r), 0);
	cr_assert_eq(r.status, 0, "stderr: %s\nstdout: %s", r.err, r.out);
	p = strstr(r.out, "[peer1] rtt-us ");
	if (p)
		med = atof(p + strlen("[peer1] rtt-us "));
	/* 20 ms one way, nothing back: loose, timing is the bench's. */
	cr_assert(med >= 20000 && med <= 22000, "median RTT %.1f us\n%s", med,
		  r.out);
	cr_assert(has(r.out, "[peer2] 14888896"), "stream incomplete\n%s",
		  r.out);
	run_result_free(&r);
}
