// SPDX-License-Identifier: LGPL-2.1-or-later
/* us_gso.c — cut GSO super-frames into wire frames; complete checksums. */
#include "userspace/us_gso.h"

#include <errno.h>
#include <string.h>

#define ETH_HLEN 14
#define TCP_FIN 0x01
#define TCP_PSH 0x08
#define TCP_CWR 0x80

static uint32_t get16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/* Ones' complement sum of len bytes (big-endian 16-bit words) onto sum. */
static uint64_t sum16(const uint8_t *p, uint32_t len, uint64_t sum)
{
	uint32_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

int us_gso_begin(struct us_gso *g, const struct virtio_net_hdr *h,
		 const uint8_t *f, uint32_t len)
{
	uint32_t type, off = 12;
	uint8_t gt = h->gso_type & (uint8_t)~VIRTIO_NET_HDR_GSO_ECN;

	memset(g, 0, sizeof(*g));
	g->f = f;
	g->len = len;
	g->mss = h->gso_size;
	if (g->mss < 8 || len < ETH_HLEN) /* 8: a hostile peer's 1 */
		return -EINVAL;
	type = get16(f + off);
	if (type == 0x8100 || type == 0x88a8) {
		off += 4;
		if (len < off + 2)
			return -EINVAL;
		type = get16(f + off);
	}
	g->l3 = off + 2;
	if (type == 0x0800) {
		if (len < g->l3 + 20 || (f[g->l3] >> 4) != 4)
			return -EINVAL;
		g->l4 = g->l3 + (f[g->l3] & 15u) * 4;
		g->proto = f[g->l3 + 9];
		g->ipid = (uint16_t)get16(f + g->l3 + 4);
	} else if (type == 0x86dd) {
		if (len < g->l3 + 40 || (f[g->l3] >> 4) != 6)
			return -EINVAL;
		g->v6 = true;
		/* Extension headers: the L4 header is where the checksum
		 * starts. */
		g->l4 = h->csum_start ? h->csum_start : g->l3 + 40;
		g->proto = gt == VIRTIO_NET_HDR_GSO_UDP_L4 ? 17 : 6;
	} else {
		return -EINVAL;
	}
	if (gt == VIRTIO_NET_HDR_GSO_TCPV4 && !g->v6 && g->proto == 6) {
		if (len < g->l4 + 20)
			return -EINVAL;
		g->hlen = g->l4 + (f[g->l4 + 12] >> 4) * 4u;
		g->seq = get32(f + g->l4 + 4);
	} else if (gt == VIRTIO_NET_HDR_GSO_TCPV6 && g->v6) {
		if (len < g->l4 + 20)
			return -EINVAL;
		g->hlen = g->l4 + (f[g->l4 + 12] >> 4) * 4u;
		g->seq = get32(f + g->l4 + 4);
	} else if (gt == VIRTIO_NET_HDR_GSO_UDP_L4 && g->proto == 17) {
		g->hlen = g->l4 + 8;
	} else {
		return -EINVAL;
	}
	/* The L4 header starts after the whole IP header (IPv6: 40 bytes,
	 * the pseudo-header is read from there); a TCP header is at least
	 * 20 bytes (data offset 5): us_gso_next() rewrites its fields. */
	if (g->hlen > len || g->l4 < g->l3 + (g->v6 ? 40u : 20u) ||
	    (g->proto == 6 && g->hlen < g->l4 + 20))
		return -EINVAL;
	return 0;
}

unsigned us_gso_segs(const struct us_gso *g)
{
	uint32_t pay = g->len - g->hlen;

	return pay ? (pay + g->mss - 1) / g->mss : 1;
}

uint32_t us_gso_wire_len(const struct us_gso *g)
{
	return g->len + (us_gso_segs(g) - 1) * g->hlen;
}

/* The L4 checksum of the segment at out (len bytes), pseudo-header
 * included. */
static void l4_csum(const struct us_gso *g, uint8_t *out, uint32_t len)
{
	uint32_t l4len = len - g->l4;
	uint8_t *ck = out + g->l4 + (g->proto == 6 ? 16 : 6);
	uint64_t sum = 0;
	uint16_t c;

	if (g->v6)
		sum = sum16(out + g->l3 + 8, 32, sum);
	else
		sum = sum16(out + g->l3 + 12, 8, sum);
	sum += g->proto + l4len;
	put16(ck, 0);
	sum = sum16(out + g->l4, l4len, sum);
	c = (uint16_t)~fold(sum);
	if (g->proto == 17 && c == 0)
		c = 0xffff;
	put16(ck, c);
}

uint32_t us_gso_next(struct us_gso *g, uint8_t *out, uint32_t cap)
{
	uint32_t pay = g->len - g->hlen, chunk, len;
	bool last;

	if (g->off >= pay && (pay || g->idx))
		return 0;
	chunk = pay - g->off < g->mss ? pay - g->off : g->mss;
	len = g->hlen + chunk;
	if (len > cap)
		return 0;
	last = g->off + chunk >= pay;
	memcpy(out, g->f, g->hlen);
	memcpy(out + g->hlen, g->f + g->hlen + g->off, chunk);
	if (g->v6) {
		put16(out + g->l3 + 4, len - g->l3 - 40);
	} else {
		uint8_t *ip = out + g->l3;

		put16(ip + 2, len - g->l3);
		put16(ip + 4, (uint16_t)(g->ipid + g->idx));
		put16(ip + 10, 0);
		put16(ip + 10, (uint16_t)~fold(sum16(ip, g->l4 - g->l3, 0)));
	}
	if (g->proto == 6) {
		uint8_t *th = out + g->l4;

		put32(th + 4, g->seq + g->off);
		if (!last)
			th[13] &= (uint8_t) ~(TCP_FIN | TCP_PSH);
		if (g->idx)
			th[13] &= (uint8_t)~TCP_CWR;
	} else {
		put16(out + g->l4 + 4, len - g->l4);
	}
	l4_csum(g, out, len);
	g->off += chunk;
	g->idx++;
	return len;
}

bool us_csum_complete(uint8_t *f, uint32_t len, uint32_t start, uint32_t offset)
{
	uint16_t c;

	if (start >= len || offset + 2 > len - start)
		return false;
	c = (uint16_t)~fold(sum16(f + start, len - start, 0));
	/* skb_checksum_help(): 0 goes out as 0xffff (CSUM_MANGLED_0). */
	put16(f + start + offset, c ? c : 0xffff);
	return true;
}
