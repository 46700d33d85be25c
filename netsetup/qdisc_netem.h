/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * qdisc_netem.h — netem's TCA_OPTIONS, encoded exactly as iproute2 6.1's
 * tc/q_netem.c encodes them, from a struct lk_impair.  Pure.
 */
#ifndef LK_QDISC_NETEM_H
#define LK_QDISC_NETEM_H

#include "model/impair.h"
#include "netsetup/psched.h"

#include <libmnl/libmnl.h>
#include <stddef.h>
#include <stdint.h>

/* The most bytes lk_netem_encode writes: the options with a table of
 * LK_DIST_TABLE_MAX entries. */
#define LK_NETEM_OPTS_MAX (256 + 2 * LK_DIST_TABLE_MAX)

/* The queue limit (packets) netem gets: imp->limit when given, else
 * large enough that the packets in flight during delay + jitter fit:
 *   max(1000, ceil(2 * R * (delay + jitter) / 1500 bytes)), at most 10^6,
 * with R the link's netem-rate or token-bucket rate (the smaller), or
 * 1 Gbit/s when it has neither.  (netem's own default of 1000 packets
 * drops at about 120 Mbit/s behind a 100 ms delay.) */
uint32_t lk_netem_auto_limit(const struct lk_impair *imp);

/*
 * Write netem's TCA_OPTIONS attribute (header included) at buf: struct
 * tc_netem_qopt, then TCA_NETEM_CORR, _REORDER, _ECN, _CORRUPT, the
 * _LOSS nest (NETEM_LOSS_GI / _GE), _RATE64, _RATE, _PRNG_SEED,
 * _DELAY_DIST, in tc's order and under tc's conditions.  Delay and jitter
 * go as scheduler ticks in the qopt like tc 6.1; when they do not fit 32
 * bits, TCA_NETEM_LATENCY64 / _JITTER64 carry them (nanoseconds).
 * Differences from tc 6.1, on purpose: the duplicate correlation is sent
 * (tc 6.1 forgets TCA_NETEM_CORR when it is the only correlation), and an
 * unset limit is lk_netem_auto_limit() instead of 1000.  A link that is
 * down goes as 100% random loss, without ecn and duplication.
 * seed: NULL, or the PRNG seed to send (kept by kernels >= 6.6; older
 * ones ignore it: netsetup/netem_support.h).
 * Returns the bytes written (4-aligned), -ENOSPC, or -EINVAL when imp
 * fails lk_impair_check.
 */
int lk_netem_encode(const struct lk_impair *imp, const struct lk_psched *ps,
		    const uint64_t *seed, void *buf, size_t size);

/* The TCA_NETEM_* attributes (bit 1 << type, types below 32) in netem's
 * TCA_OPTIONS payload (len bytes at opts: struct tc_netem_qopt, then the
 * attributes), as lk_netem_encode writes it and netem_dump echoes it. */
uint32_t lk_netem_attr_mask(const void *opts, size_t len);

/* Append TCA_KIND "netem" and the options to a request being built in a
 * buffer of buf_size bytes. */
int lk_netem_put(struct nlmsghdr *nlh, size_t buf_size,
		 const struct lk_impair *imp, const struct lk_psched *ps,
		 const uint64_t *seed);

#endif
