/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * qdisc_htb.h — htb's qdisc and class TCA_OPTIONS, encoded exactly as
 * iproute2 6.1's tc/q_htb.c encodes them.  Pure.
 */
#ifndef LK_QDISC_HTB_H
#define LK_QDISC_HTB_H

#include "netsetup/psched.h"

#include <libmnl/libmnl.h>
#include <stddef.h>
#include <stdint.h>

#define LK_HTB_OPTS_MAX 2200
#define LK_HTB_MTU 1600 /* tc's assumed packet size for htb classes */

/* The qdisc: unclassified traffic goes to class defcls (minor id; 0 =
 * sent directly, unshaped), r2q as tc (10 when 0). */
int lk_htb_qdisc_encode(uint32_t defcls, uint32_t r2q, void *buf, size_t size);
int lk_htb_qdisc_put(struct nlmsghdr *nlh, size_t buf_size, uint32_t defcls,
		     uint32_t r2q);

struct lk_htb_class {
	uint64_t rate;	 /* bytes/s, > 0 */
	uint64_t ceil;	 /* bytes/s; 0 = rate */
	uint32_t burst;	 /* bytes; 0 = rate / hz + 1600 like tc */
	uint32_t cburst; /* bytes; 0 = ceil / hz + 1600 */
	uint32_t prio;
	uint32_t quantum; /* 0 = from r2q */
};

/* TCA_OPTIONS nest: [TCA_HTB_RATE64] [TCA_HTB_CEIL64] TCA_HTB_PARMS
 * TCA_HTB_RTAB TCA_HTB_CTAB.  Returns bytes, -ENOSPC, -EINVAL, or -ERANGE
 * when a burst takes longer to send than 2^32 scheduler ticks (the kernel
 * would receive a wrapped time; tc does not check). */
int lk_htb_class_encode(const struct lk_htb_class *c,
			const struct lk_psched *ps, void *buf, size_t size);
int lk_htb_class_put(struct nlmsghdr *nlh, size_t buf_size,
		     const struct lk_htb_class *c, const struct lk_psched *ps);

#endif
