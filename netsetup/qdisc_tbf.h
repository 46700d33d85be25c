/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * qdisc_tbf.h — the token bucket filter's TCA_OPTIONS, encoded exactly as
 * iproute2 6.1's tc/q_tbf.c encodes them (rate table included), plus
 * tc's rate table computation (tc_calc_rtable) that htb shares.  Pure:
 * the scheduler clock comes in as a struct lk_psched.
 */
#ifndef LK_QDISC_TBF_H
#define LK_QDISC_TBF_H

#include "model/impair.h"
#include "netsetup/psched.h"

#include <libmnl/libmnl.h>
#include <linux/pkt_sched.h>
#include <stddef.h>
#include <stdint.h>

struct lk_tbf {
	uint64_t rate;	     /* bytes/s, > 0 */
	uint32_t burst;	     /* bytes, > 0 */
	uint32_t limit;	     /* queue bytes; 0 = from latency */
	uint64_t latency_ns; /* used when limit is 0 */
};

#define LK_TBF_OPTS_MAX 1200
#define LK_TBF_MIN_BURST 3028u		      /* two full Ethernet frames */
#define LK_TBF_BURST_NS 5000000ull	      /* 5 ms worth of rate */
#define LK_TBF_DEFAULT_LATENCY_NS 50000000ull /* 50 ms */

/* The token bucket of a link: rate, burst (default max(5 ms of rate,
 * 3028 bytes)), queue given as bytes (queue=) or as latency (latency=,
 * default 50 ms).  Returns false when the link has no token bucket. */
bool lk_tbf_from_impair(const struct lk_impair *imp, struct lk_tbf *out);

/* tc_calc_rtable for an Ethernet link: fills r's cell_log, linklayer and
 * cell_align and the 256-entry table; mtu 0 means 2047. */
void lk_tc_rtable(const struct lk_psched *ps, struct tc_ratespec *r,
		  uint64_t rate, uint32_t mtu, uint32_t rtab[256]);

/* Write TCA_OPTIONS (nest: TCA_TBF_PARMS, TCA_TBF_BURST, [TCA_TBF_RATE64],
 * TCA_TBF_RTAB) at buf.  Returns bytes written, -ENOSPC or -EINVAL. */
int lk_tbf_encode(const struct lk_tbf *t, const struct lk_psched *ps, void *buf,
		  size_t size);
/* Append TCA_KIND "tbf" and the options to a request. */
int lk_tbf_put(struct nlmsghdr *nlh, size_t buf_size, const struct lk_tbf *t,
	       const struct lk_psched *ps);

#endif
