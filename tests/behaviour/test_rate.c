/* test_rate.c — the token bucket (rate=): TCP goodput through it, with
 * iperf3, within 10% of what the rate leaves for TCP's payload. */
#include "tests/behaviour/behaviour.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The receiver's goodput (Mbit/s) of iperf3 -f m: the "receiver" line,
 * "[  5]   0.00-5.12   sec   598 KBytes  0.96 Mbits/sec   receiver". */
static double goodput(const char *out)
{
	const char *p = strstr(out, " receiver"), *q;

	while (p && p > out && p[-1] != '\n')
		p--;
	q = p ? strstr(p, " Mbits/sec") : NULL;
	if (!q)
		return -1;
	while (q > p && q[-1] != ' ')
		q--;
	return strtod(q, NULL);
}

static void rate_case(int family, int mbit, const char *extra, int secs)
{
	struct run_result r;
	char spec[96], one[512];
	/* full frames of 1514 bytes carry 1448 bytes of TCP payload over
	 * IPv4 (timestamps on), 1428 over IPv6 */
	double want = mbit * (family == 6 ? 1428.0 : 1448.0) / 1514.0, got;
	double lo = 0.9;

	snprintf(spec, sizeof(spec), "1>2:rate=%dmbit%s", mbit, extra);
	snprintf(one, sizeof(one),
		 "if [ {id} = 2 ]; then timeout %d iperf3 -s -1 >/dev/null; "
		 "else sleep 1; for i in 1 2 3 4 5; do "
		 "iperf3 -c %s -t %d -O 1 -f m && break; sleep 1; done; fi",
		 secs * 10 + 30, bh_addr(family, 2), secs);
	BH_LAUNCH(&r, secs * 10000 + 60000, "-q", "-n", "2", "--link", spec,
		  "--", "sh", "-c", one);
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	got = goodput(r.out);
	BH_NOTE("IPv%d %s: goodput %.2f Mbit/s (%.2f expected)", family, spec,
		got, want);
	/* Under TCG (the VM) the guest's CPU cannot always carry 100
	 * Mbit/s of TCP: 85.5 to 95.5 Mbit/s measured through the kernel
	 * engine.  There the bucket must still let no more through, and at
	 * least 80%. */
	if (mbit >= 100 && in_vm())
		lo = 0.8;
	cr_expect(got > want * lo && got < want * 1.1,
		  "%s engine, IPv%d, %s: goodput %.2f Mbit/s, want %.2f, "
		  "-%.0f%% +10%%",
		  bh_engine, family, spec, got, want, 100 * (1 - lo));
	run_result_free(&r);
}

BEHAVIOUR(token_bucket_1mbit, 300)
{
	rate_case(4, 1, "", 5);
	rate_case(6, 1, "", 5);
}

BEHAVIOUR(token_bucket_10mbit, 300)
{
	rate_case(4, 10, "", 4);
	rate_case(6, 10, "", 4);
}

BEHAVIOUR(token_bucket_100mbit, 300)
{
	rate_case(4, 100, "", 4);
}
