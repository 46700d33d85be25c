/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * us_gro.h — merge consecutive wire frames of one TCP stream back into a
 * GSO super-frame before they are written to a TAP: what the receiver's
 * GRO would do, done before the write so that a link which had to cut a
 * super-frame (us_gso.h) costs one write() per run of surviving segments
 * rather than one per segment.  Pure.
 *
 * Appended: plain IPv4 (no options, not a fragment) or IPv6 (TCP next)
 * frames whose headers equal the first's (but for lengths, IPv4 id and
 * checksums), TCP sequence contiguous, flags ACK (ACK|PSH ends a run),
 * same ack, window and options, every segment but the last exactly as
 * long as the first.  The caller only offers frames whose checksums it
 * trusts (it computed them): the merged frame goes out with its checksum
 * left partial (NEEDS_CSUM), as the kernel's own GSO frames do.
 */
#ifndef LK_US_GRO_H
#define LK_US_GRO_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/virtio_net.h>

#define US_GRO_MAX 65000u /* frame bytes, under IPv4's 64 KiB total */

struct us_gro {
	uint8_t buf[sizeof(struct virtio_net_hdr) + US_GRO_MAX];
	uint32_t len; /* frame bytes in buf after the header; 0 = empty */
	uint32_t l3, l4, hlen, mss, segs, next_seq;
	bool v6, ended; /* ended: PSH or a short segment, nothing more */
};

static inline void us_gro_init(struct us_gro *g)
{
	g->len = 0;
}

/* Offer frame f (len bytes, complete checksums).  true: it was taken
 * (appended, or it starts the run when g is empty); false: flush g
 * (us_gro_take) and offer it again, or write it as it is if it is still
 * refused (not a TCP segment that can be merged). */
bool us_gro_add(struct us_gro *g, const uint8_t *f, uint32_t len);
/* The run as one frame with its virtio-net header (a single segment
 * goes out unchanged, header zero): *out, length including the header;
 * 0 when empty.  Empties g. */
uint32_t us_gro_take(struct us_gro *g, const uint8_t **out);

#endif
