/* test_guard.c — links that cannot be slipped and peers that cannot pass
 * for one another (netsetup/guard.h, userspace/us_guard.h), on both
 * engines.  tests/progs/slip makes the attempts and sniffs what arrives
 * (AF_PACKET, hence --cap NET_RAW: the raw attempts are then possible
 * too).  Peer 2's sniffer starts 0.8 s in, after the launch's own
 * start-up chatter and after an --at 0s partition is in place. */
#include "tests/behaviour/behaviour.h"

#include <stdio.h>
#include <string.h>

/* Whether some line of out has every one of the (up to three) needles. */
static bool line_has(const char *out, const char *a, const char *b,
		     const char *c)
{
	const char *p = out;

	while (p && *p) {
		const char *end = strchr(p, '\n');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char line[512];

		snprintf(line, sizeof(line), "%.*s", (int)n, p);
		if (strstr(line, a) && (!b || strstr(line, b)) &&
		    (!c || strstr(line, c)))
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

BEHAVIOUR(a_cut_link_carries_no_frame_of_any_kind, 180)
{
	/* 1 -> 2 cut three ways; 1 -> 3 untouched shows each attempt was
	 * really made: unicast IPv4/ULA/fe80::, both IPv4 broadcasts,
	 * ff02::1, ARP and neighbour solicitations (slip send). */
	const char *cut[][2] = {{"--link", "1>2:down"},
				{"--link", "1>2:loss=100%"},
				{"--at", "0s:partition=1,3/2"}};
	const char *kinds[] = {"slip:uni4-3", "slip:uni6-3",  "slip:ll6-3",
			       "slip:bcast4", "slip:lbcast4", "slip:mcast6",
			       "slip:arp"};
	const char *slip = bh_prog("slip");

	for (size_t i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
		struct run_result r;
		char script[1024];

		snprintf(script, sizeof(script),
			 "case {id} in 1) sleep 1.2; %s send 1 2 3;; "
			 "*) %s sniff eth0 0.8 2.8;; esac",
			 slip, slip);
		BH_LAUNCH(&r, 60000, "-q", "-n", "3", "--cap", "NET_RAW",
			  cut[i][0], cut[i][1], "--", "sh", "-c", script);
		cr_assert_eq(r.status, 0, "%s %s\n%s\n%s", cut[i][0], cut[i][1],
			     r.out, r.err);
		cr_assert(has(r.out, "[peer2] sniffed"), "%s", r.out);
		/* not one frame from peer 1's MAC at peer 2 */
		cr_expect(!has(r.out, "[peer2] seen mac=1 "),
			  "%s engine, %s %s: frames from peer1 at peer2:\n%s",
			  bh_engine, cut[i][0], cut[i][1], r.out);
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			cr_expect(line_has(r.out, "[peer3] seen mac=1 ",
					   kinds[k], NULL),
				  "%s engine, %s %s: no %s at peer3\n%s",
				  bh_engine, cut[i][0], cut[i][1], kinds[k],
				  r.out);
		BH_NOTE("%s %s: peer2 %s", cut[i][0], cut[i][1],
			has(r.out, "[peer2] seen mac=1 ") ? "reached"
							  : "untouched");
		run_result_free(&r);
	}
}

BEHAVIOUR(no_peer_passes_for_another, 120)
{
	/* Peer 1 pretends to be peer 3 towards peer 2: IPv6 from peer 3's
	 * ULA and fe80:: (FREEBIND), IPv4 from its address (raw), frames
	 * with its MAC (AF_PACKET), an ARP reply and a neighbour
	 * advertisement claiming its addresses.  Only the honest datagram
	 * arrives. */
	const char *what[] = {"ip6-ula",   "ip6-ll", "ip4", "mac",
			      "mac-bcast", "arp",    "nd",  "honest"};
	const char *slip = bh_prog("slip");
	struct run_result r;
	char script[1024], line[64];

	snprintf(script, sizeof(script),
		 "case {id} in 1) sleep 1.2; %s spoof 1 3 2;; "
		 "2) %s sniff eth0 0.8 2.5;; *) sleep 3;; esac",
		 slip, slip);
	BH_LAUNCH(&r, 60000, "-q", "-n", "3", "--cap", "NET_RAW", "--link",
		  "1>3:delay=1ms", "--", "sh", "-c", script);
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	for (size_t k = 0; k < sizeof(what) / sizeof(what[0]); k++) {
		snprintf(line, sizeof(line), "[peer1] spoof %s sent", what[k]);
		cr_assert(has(r.out, line), "attempt %s not made:\n%s", what[k],
			  r.out);
	}
	cr_expect(has(r.out, "slip:honest"), "%s", r.out);
	cr_expect(!has(r.out, "slip:spoof"),
		  "%s engine: a spoofed datagram "
		  "arrived:\n%s",
		  bh_engine, r.out);
	cr_expect(!line_has(r.out, "[peer2] seen ", "arp", "spa=10.0.0.3"),
		  "%s engine: ARP claiming 10.0.0.3:\n%s", bh_engine, r.out);
	cr_expect(
	    !line_has(r.out, "[peer2] seen ", "nd136", "tgt=fd00:6c6b::3"),
	    "%s engine: ND claiming fd00:6c6b::3:\n%s", bh_engine, r.out);
	run_result_free(&r);
}
