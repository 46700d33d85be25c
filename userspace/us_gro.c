// SPDX-License-Identifier: LGPL-2.1-or-later
/* us_gro.c — merge wire frames of one TCP stream into a super-frame. */
#include "userspace/us_gro.h"

#include <string.h>

#define VH ((uint32_t)sizeof(struct virtio_net_hdr))
#define TCP_ACK 0x10
#define TCP_PSH 0x08

static uint32_t get16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) << 16 | get16(p + 2);
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint32_t sum16(const uint8_t *p, uint32_t len, uint32_t sum)
{
	for (uint32_t i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Offsets of a mergeable TCP segment: l3 = 14; l4, hlen; false if not. */
static bool parse(const uint8_t *f, uint32_t len, bool *v6, uint32_t *l4,
		  uint32_t *hlen)
{
	uint32_t type, fl;

	if (len < 14 + 40)
		return false;
	type = get16(f + 12);
	if (type == 0x0800) {
		/* IPv4, no options, not a fragment, TCP */
		if (f[14] != 0x45 || f[23] != 6 || (get16(f + 20) & 0x3fff) ||
		    get16(f + 16) != len - 14)
			return false;
		*v6 = false;
		*l4 = 34;
	} else if (type == 0x86dd) {
		if ((f[14] >> 4) != 6 || f[20] != 6 ||
		    get16(f + 18) != len - 54)
			return false;
		*v6 = true;
		*l4 = 54;
	} else {
		return false;
	}
	if (len < *l4 + 20)
		return false;
	*hlen = *l4 + (f[*l4 + 12] >> 4) * 4u;
	fl = f[*l4 + 13];
	if (*hlen < *l4 + 20 || *hlen >= len ||
	    (fl != TCP_ACK && fl != (TCP_ACK | TCP_PSH)))
		return false;
	return get16(f + *l4 + 18) == 0; /* no urgent pointer */
}

bool us_gro_add(struct us_gro *g, const uint8_t *f, uint32_t len)
{
	uint8_t *m = g->buf + VH;
	uint32_t l4, hlen, pay;
	bool v6;

	if (len > US_GRO_MAX || !parse(f, len, &v6, &l4, &hlen))
		return false;
	pay = len - hlen;
	if (!g->len) {
		memcpy(m, f, len);
		g->len = len;
		g->l3 = 14;
		g->l4 = l4;
		g->hlen = hlen;
		g->v6 = v6;
		g->mss = pay;
		g->segs = 1;
		g->next_seq = get32(f + l4 + 4) + pay;
		g->ended = (f[l4 + 13] & TCP_PSH) != 0;
		return true;
	}
	if (g->ended || v6 != g->v6 || hlen != g->hlen || pay > g->mss ||
	    g->len + pay > US_GRO_MAX || get32(f + l4 + 4) != g->next_seq)
		return false;
	/* Same Ethernet header; IP header but lengths, id, checksum. */
	if (memcmp(f, m, 14))
		return false;
	if (v6 ? memcmp(f + 14, m + 14, 4) || memcmp(f + 20, m + 20, 34)
	       : memcmp(f + 14, m + 14, 2) || memcmp(f + 20, m + 20, 4) ||
		     memcmp(f + 26, m + 26, 8))
		return false;
	/* TCP: ports, ack, offset, window, options; flags checked above. */
	if (memcmp(f + l4, m + l4, 4) || memcmp(f + l4 + 8, m + l4 + 8, 5) ||
	    memcmp(f + l4 + 14, m + l4 + 14, 2) ||
	    memcmp(f + l4 + 20, m + l4 + 20, hlen - l4 - 20))
		return false;
	memcpy(m + g->len, f + hlen, pay);
	g->len += pay;
	g->segs++;
	g->next_seq += pay;
	if (f[l4 + 13] & TCP_PSH) {
		m[l4 + 13] |= TCP_PSH;
		g->ended = true;
	}
	if (pay < g->mss)
		g->ended = true;
	return true;
}

uint32_t us_gro_take(struct us_gro *g, const uint8_t **out)
{
	struct virtio_net_hdr *h = (struct virtio_net_hdr *)g->buf;
	uint8_t *m = g->buf + VH;
	uint32_t len = g->len, sum;

	if (!len)
		return 0;
	g->len = 0;
	memset(h, 0, VH);
	*out = g->buf;
	if (g->segs == 1)
		return VH + len; /* as it was */
	if (g->v6) {
		put16(m + 18, len - 54);
		sum = sum16(m + 22, 32, 0);
	} else {
		put16(m + 16, len - 14);
		put16(m + 24, 0);
		put16(m + 24, (uint16_t)~fold(sum16(m + 14, 20, 0)));
		sum = sum16(m + 26, 8, 0);
	}
	/* CHECKSUM_PARTIAL: the field holds the pseudo-header's sum. */
	sum += 6 + (len - g->l4);
	put16(m + g->l4 + 16, fold(sum));
	h->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	h->gso_type =
	    g->v6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4;
	h->gso_size = (uint16_t)g->mss;
	h->hdr_len = (uint16_t)g->hlen;
	h->csum_start = (uint16_t)g->l4;
	h->csum_offset = 16;
	return VH + len;
}
