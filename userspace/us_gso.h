/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * us_gso.h — software segmentation of the GSO super-frames a TAP hands
 * over with a virtio-net header (TSO over IPv4/IPv6, UDP segmentation),
 * and completion of a checksum left partial (VIRTIO_NET_HDR_F_NEEDS_CSUM).
 * Pure: frames in, frames out.  Each segment comes out as the kernel's
 * tcp_gso_segment()/__udp_gso_segment() would make it: headers copied,
 * IPv4 total length, id (+1 per segment) and header checksum, IPv6
 * payload length, TCP sequence number (FIN and PSH on the last segment
 * only, CWR on the first only) or UDP length, and a complete L4
 * checksum.
 */
#ifndef LK_US_GSO_H
#define LK_US_GSO_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/virtio_net.h>

#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4 5
#endif

struct us_gso {
	const uint8_t *f; /* the super-frame, without its virtio-net header */
	uint32_t len;
	uint32_t l3, l4, hlen; /* IP header, L4 header, payload offsets */
	uint32_t mss;
	uint32_t off; /* payload bytes already cut */
	uint32_t seq; /* TCP: the first segment's sequence number */
	uint16_t ipid;
	uint8_t proto; /* 6 TCP, 17 UDP */
	bool v6;
	unsigned idx;
};

/* Prepare to cut f (len bytes) as h says.  0, or -EINVAL when the header
 * or frame cannot be segmented (unknown GSO type, headers that do not
 * match it, no gso_size). */
int us_gso_begin(struct us_gso *g, const struct virtio_net_hdr *h,
		 const uint8_t *f, uint32_t len);
/* Number of segments, and the bytes they add up to on a wire. */
unsigned us_gso_segs(const struct us_gso *g);
uint32_t us_gso_wire_len(const struct us_gso *g);
/* The next segment into out (room for hlen + mss bytes); its length, 0
 * when every segment has been cut. */
uint32_t us_gso_next(struct us_gso *g, uint8_t *out, uint32_t cap);

/* Complete the checksum of a frame whose header says NEEDS_CSUM: sum
 * from csum_start to the end (the field holds the pseudo-header's sum)
 * into the field at csum_start + csum_offset.  false when out of range
 * (frame untouched). */
bool us_csum_complete(uint8_t *f, uint32_t len, uint32_t start,
		      uint32_t offset);

#endif
