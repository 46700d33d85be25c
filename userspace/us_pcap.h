/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * us_pcap.h — a classic pcap writer (LINKTYPE_ETHERNET) onto a caller's
 * fd, buffered: records go out when the buffer fills, on us_pcap_flush()
 * and on us_pcap_close().  Nanosecond or microsecond timestamps.
 */
#ifndef LK_US_PCAP_H
#define LK_US_PCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "linkem.h"

#define US_PCAP_LINKTYPE_ETHERNET 1
#define US_PCAP_BUFSZ (64 * 1024)

struct us_pcap;

/* Writes the file header at once.  The fd stays the caller's (not closed
 * by us_pcap_close()).  snaplen 0 = 262144. */
int us_pcap_open(struct us_pcap **out, int fd, bool nsec, uint32_t snaplen,
		 struct lk_error *e);
/* One frame captured at ts_ns (CLOCK_REALTIME ns for tools to show wall
 * time), truncated to the snap length. */
int us_pcap_write(struct us_pcap *p, uint64_t ts_ns, const void *frame,
		  size_t len, struct lk_error *e);
int us_pcap_flush(struct us_pcap *p, struct lk_error *e);
/* Stop at max bytes in the file (0: no limit): us_pcap_write then drops
 * the frames that would go past it and returns 1 for the first one. */
void us_pcap_set_max(struct us_pcap *p, uint64_t max);
/* Flushes and frees; returns the flush's result.  NULL is fine. */
int us_pcap_close(struct us_pcap *p, struct lk_error *e);

#endif
