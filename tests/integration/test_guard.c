/* test_guard.c — the bridge engine (no --link, nothing can change) guards
 * its hub ports as the kernel engine does (netsetup/guard.h): peer 1
 * pretends to be peer 3 towards peer 2 (tests/progs/slip spoof) and only
 * its honest datagram arrives.  The same attempts against the kernel and
 * userspace engines, and cut links, are in tests/behaviour/test_guard.c. */
#include "tests/support/need.h"
#include "tests/support/run.h"
#include "tests/support/runtime_dir.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

Test(bridge, no_peer_passes_for_another, .timeout = 60)
{
	const char *what[] = {"ip6-ula",   "ip6-ll", "ip4", "mac",
			      "mac-bcast", "arp",    "nd",  "honest"};
	char script[1024], line[64], slip[256];
	struct run_result r;

	NEED_ROOT();
	snprintf(slip, sizeof(slip), "%s", build_path("tests/progs/slip"));
	snprintf(script, sizeof(script),
		 "case {id} in 1) sleep 1.2; %s spoof 1 3 2;; "
		 "2) %s sniff eth0 0.8 2.5;; *) sleep 3;; esac",
		 slip, slip);
	{
		char *argv[] = {(char *)build_path("linkem-launch"),
				"-n",
				"3",
				"--cap",
				"NET_RAW",
				"--",
				"sh",
				"-c",
				script,
				NULL};

		cr_assert_eq(run_cmd(argv, NULL, 30000, &r), 0);
	}
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	for (size_t k = 0; k < sizeof(what) / sizeof(what[0]); k++) {
		snprintf(line, sizeof(line), "[peer1] spoof %s sent", what[k]);
		cr_assert(strstr(r.out, line), "attempt %s not made:\n%s",
			  what[k], r.out);
	}
	cr_expect(strstr(r.out, "slip:honest"), "%s", r.out);
	cr_expect(!strstr(r.out, "slip:spoof"), "spoofed datagram:\n%s", r.out);
	cr_expect(!strstr(r.out, "arp op=2 spa=10.0.0.3"), "%s", r.out);
	cr_expect(!strstr(r.out, "nd136 tgt=fd00:6c6b::3"), "%s", r.out);
	run_result_free(&r);
}
