/* test_us_gso.c — cutting TSO/USO super-frames into wire frames and
 * completing partial checksums, checked with an independent checksum. */
#include "userspace/us_gro.h"
#include "userspace/us_gso.h"
#include "model/linkspec.h"
#include "userspace/us_pipeline.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static uint32_t sum(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t fold16(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* Does the L4 checksum of frame f (IP at 14) verify?  Sums to 0xffff. */
static bool l4_ok(const uint8_t *f, size_t len, bool v6, uint8_t proto)
{
	size_t l4 = v6 ? 54 : 14 + (size_t)(f[14] & 15) * 4;
	uint32_t s = 0;

	if (v6)
		s = sum(f + 22, 32, 0);
	else
		s = sum(f + 26, 8, 0);
	s += proto + (uint32_t)(len - l4);
	s = sum(f + l4, len - l4, s);
	return fold16(s) == 0xffff;
}

static uint32_t be16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
	return be16(p) << 16 | be16(p + 2);
}

/* A TCP super-frame: Ethernet, IPv4 (or IPv6), TCP with 12 bytes of
 * options, pay bytes of payload i*7; the checksum field holds the
 * pseudo-header sum as a sender's stack leaves it (NEEDS_CSUM). */
static size_t tcp_super(uint8_t *f, bool v6, size_t pay, uint8_t flags)
{
	size_t l4 = v6 ? 54 : 34, hl = l4 + 32, len = hl + pay;

	memset(f, 0, hl);
	if (v6) {
		f[12] = 0x86, f[13] = 0xdd;
		f[14] = 0x60;
		f[18] = (uint8_t)((len - 54) >> 8), f[19] = (uint8_t)(len - 54);
		f[20] = 6, f[21] = 64;
		f[22] = 0xfd, f[37] = 1, f[38] = 0xfd, f[53] = 2;
	} else {
		f[12] = 0x08;
		f[14] = 0x45;
		f[16] = (uint8_t)((len - 14) >> 8), f[17] = (uint8_t)(len - 14);
		f[18] = 0x12, f[19] = 0x34; /* id */
		f[20] = 0x40;		    /* DF */
		f[22] = 64, f[23] = 6;
		f[26] = 10, f[29] = 1, f[30] = 10, f[33] = 2;
	}
	f[l4 + 1] = 80, f[l4 + 3] = 99;
	f[l4 + 4] = 0xff, f[l4 + 5] = 0xff, f[l4 + 6] = 0xff, f[l4 + 7] = 0x00;
	f[l4 + 12] = 8 << 4;
	f[l4 + 13] = flags;
	f[l4 + 20] = 1, f[l4 + 21] = 1, f[l4 + 22] = 8, f[l4 + 23] = 10;
	for (size_t i = 0; i < pay; i++)
		f[hl + i] = (uint8_t)(i * 7);
	return len;
}

static void check_tcp(bool v6)
{
	static uint8_t f[70000], seg[2000], joined[70000];
	struct virtio_net_hdr h = {0};
	struct us_gso g;
	size_t len = tcp_super(f, v6, 60000, 0x80 | 0x18 | 0x01);
	size_t l4 = v6 ? 54 : 34, hl = l4 + 32, got = 0;
	uint32_t n;
	unsigned i = 0;

	h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	h.gso_type = v6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4;
	h.gso_size = 1448;
	h.hdr_len = (uint16_t)hl;
	h.csum_start = (uint16_t)l4;
	h.csum_offset = 16;
	cr_assert_eq(us_gso_begin(&g, &h, f, (uint32_t)len), 0);
	cr_assert_eq(us_gso_segs(&g), 42); /* 60000 / 1448 = 41.4 */
	cr_assert_eq(us_gso_wire_len(&g), len + 41 * hl);
	while ((n = us_gso_next(&g, seg, sizeof(seg)))) {
		bool last = got + (n - hl) == 60000;

		cr_assert_leq(n, hl + 1448);
		cr_assert(l4_ok(seg, n, v6, 6), "segment %u checksum", i);
		if (v6) {
			cr_assert_eq(be16(seg + 18), n - 54);
		} else {
			cr_assert_eq(be16(seg + 16), n - 14);
			cr_assert_eq(be16(seg + 18), 0x1234 + i);
			cr_assert_eq(fold16(sum(seg + 14, 20, 0)), 0xffff);
		}
		/* sequence wraps past 2^32 */
		cr_assert_eq(be32(seg + l4 + 4), (uint32_t)(0xffffff00u + got));
		cr_assert_eq(!!(seg[l4 + 13] & 0x80), i == 0, "CWR %u", i);
		cr_assert_eq(!!(seg[l4 + 13] & 0x09), last, "FIN/PSH %u", i);
		cr_assert(seg[l4 + 13] & 0x10, "ACK %u", i);
		memcpy(joined + got, seg + hl, n - hl);
		got += n - hl;
		i++;
	}
	cr_assert_eq(i, 42);
	cr_assert_eq(got, 60000);
	cr_assert_eq(memcmp(joined, f + hl, got), 0);
}

Test(us_gso, tcp_ipv4_segments)
{
	check_tcp(false);
}

Test(us_gso, tcp_ipv6_segments)
{
	check_tcp(true);
}

Test(us_gso, udp_segments)
{
	static uint8_t f[10000], seg[2000];
	struct virtio_net_hdr h = {0};
	struct us_gso g;
	size_t len = 42 + 3000;
	uint32_t n, total = 0;
	unsigned i = 0;

	memset(f, 0, 42);
	f[12] = 0x08, f[14] = 0x45, f[22] = 64, f[23] = 17;
	f[26] = 10, f[29] = 1, f[30] = 10, f[33] = 2;
	f[35] = 9, f[37] = 9;
	for (size_t k = 42; k < len; k++)
		f[k] = (uint8_t)k;
	h.gso_type = VIRTIO_NET_HDR_GSO_UDP_L4;
	h.gso_size = 1200;
	h.csum_start = 34;
	h.csum_offset = 6;
	cr_assert_eq(us_gso_begin(&g, &h, f, (uint32_t)len), 0);
	cr_assert_eq(us_gso_segs(&g), 3);
	while ((n = us_gso_next(&g, seg, sizeof(seg)))) {
		cr_assert_eq(be16(seg + 38), n - 34, "UDP length %u", i);
		cr_assert(l4_ok(seg, n, false, 17), "segment %u checksum", i);
		cr_assert_eq(memcmp(seg + 42, f + 42 + total, n - 42), 0);
		total += n - 42;
		i++;
	}
	cr_assert_eq(i, 3);
	cr_assert_eq(total, 3000);
}

Test(us_gso, refuses_what_it_cannot_cut)
{
	static uint8_t f[2000];
	struct virtio_net_hdr h = {0};
	struct us_gso g;
	size_t len = tcp_super(f, false, 100, 0x10);

	h.gso_type = VIRTIO_NET_HDR_GSO_UDP; /* UFO: not offered */
	h.gso_size = 1448;
	cr_assert_lt(us_gso_begin(&g, &h, f, (uint32_t)len), 0);
	h.gso_type = VIRTIO_NET_HDR_GSO_TCPV6; /* but the frame is IPv4 */
	cr_assert_lt(us_gso_begin(&g, &h, f, (uint32_t)len), 0);
	h.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	h.gso_size = 0;
	cr_assert_lt(us_gso_begin(&g, &h, f, (uint32_t)len), 0);
	h.gso_size = 1448;
	cr_assert_lt(us_gso_begin(&g, &h, f, 40), 0); /* truncated */
	cr_assert_eq(us_gso_begin(&g, &h, f, (uint32_t)len), 0);
}

Test(us_gso, completes_a_partial_checksum)
{
	static uint8_t f[2000];
	size_t len = tcp_super(f, false, 999, 0x18);
	uint32_t ps = sum(f + 26, 8, 0) + 6 + (uint32_t)(len - 34);

	/* The stack leaves the pseudo-header sum, not complemented. */
	f[34 + 16] = (uint8_t)(fold16(ps) >> 8);
	f[34 + 17] = (uint8_t)fold16(ps);
	cr_assert_not(l4_ok(f, len, false, 6));
	cr_assert(us_csum_complete(f, (uint32_t)len, 34, 16));
	cr_assert(l4_ok(f, len, false, 6));
	/* and a flipped payload bit is then caught */
	f[500] ^= 4;
	cr_assert_not(l4_ok(f, len, false, 6));
	cr_assert_not(us_csum_complete(f, (uint32_t)len, (uint32_t)len, 0));
	cr_assert_not(us_csum_complete(f, (uint32_t)len, 34,
				       (uint32_t)len - 35));
}

/* Which links take a super-frame whole, which need wire frames. */
static bool per_packet(const char *what)
{
	struct lk_impair im;
	struct us_pipe *p;
	struct lk_error e;
	bool r;

	lk_impair_init(&im);
	im.delay_ns = 5000000;
	if (!strcmp(what, "loss"))
		im.loss_model = LK_LOSS_RANDOM, im.loss = UINT32_MAX / 10;
	else if (!strcmp(what, "gemodel"))
		im.loss_model = LK_LOSS_GEMODEL, im.ge_p = 1000;
	else if (!strcmp(what, "dup"))
		im.duplicate = 1000;
	else if (!strcmp(what, "corrupt"))
		im.corrupt = 1000;
	else if (!strcmp(what, "reorder"))
		im.reorder = 1000;
	else if (!strcmp(what, "rate"))
		im.rate_Bps = 125000;
	else if (!strcmp(what, "rate+overhead"))
		im.rate_Bps = 125000, im.packet_overhead = 20;
	else if (!strcmp(what, "tbf"))
		im.tb_rate_Bps = 125000;
	cr_assert_eq(us_pipe_new(&p, &im, 1, 1, 2, &e), 0, "%s", e.msg);
	r = us_pipe_per_packet(p);
	us_pipe_free(p);
	return r;
}

Test(us_gso, which_links_cut_super_frames)
{
	cr_assert_not(per_packet("delay"));
	cr_assert_not(per_packet("rate"));
	cr_assert_not(per_packet("tbf"));
	cr_assert(per_packet("loss"));
	cr_assert(per_packet("gemodel"));
	cr_assert(per_packet("dup"));
	cr_assert(per_packet("corrupt"));
	cr_assert(per_packet("reorder"));
	cr_assert(per_packet("rate+overhead"));
}

/* Cut a super-frame, merge the segments back: the same stream, one
 * frame, a partial checksum that completes to a valid one. */
static void gro_roundtrip(bool v6)
{
	static uint8_t f[70000], seg[2000], m2[70000];
	static struct us_gro g;
	struct virtio_net_hdr h = {0};
	const struct virtio_net_hdr *mh;
	const uint8_t *out;
	struct us_gso s;
	size_t len = tcp_super(f, v6, 20000, 0x10);
	size_t l4 = v6 ? 54 : 34, hl = l4 + 32;
	uint32_t n, mlen;
	unsigned taken = 0;

	h.gso_type = v6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4;
	h.gso_size = 1448;
	h.csum_start = (uint16_t)l4;
	us_gro_init(&g);
	cr_assert_eq(us_gso_begin(&s, &h, f, (uint32_t)len), 0);
	while ((n = us_gso_next(&s, seg, sizeof(seg))))
		taken += us_gro_add(&g, seg, n);
	cr_assert_eq(taken, 14);
	mlen = us_gro_take(&g, &out);
	cr_assert_eq(mlen, sizeof(h) + len);
	mh = (const void *)out;
	cr_assert_eq(mh->gso_type, h.gso_type);
	cr_assert_eq(mh->gso_size, 1448);
	cr_assert_eq(mh->flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	cr_assert_eq(mh->csum_start, l4);
	memcpy(m2, out + sizeof(h), len);
	cr_assert_eq(memcmp(m2 + hl, f + hl, len - hl), 0);
	cr_assert_eq(be32(m2 + l4 + 4), 0xffffff00u);
	if (!v6) {
		cr_assert_eq(be16(m2 + 16), len - 14);
		cr_assert_eq(fold16(sum(m2 + 14, 20, 0)), 0xffff);
	} else {
		cr_assert_eq(be16(m2 + 18), len - 54);
	}
	cr_assert(us_csum_complete(m2, (uint32_t)len, mh->csum_start,
				   mh->csum_offset));
	cr_assert(l4_ok(m2, len, v6, 6));
	cr_assert_eq(us_gro_take(&g, &out), 0); /* emptied */
}

Test(us_gso, gro_merges_cut_segments_v4)
{
	gro_roundtrip(false);
}

Test(us_gso, gro_merges_cut_segments_v6)
{
	gro_roundtrip(true);
}

Test(us_gso, gro_refuses_what_does_not_continue_the_run)
{
	static uint8_t f[70000], a[2000], b[2000], c[2000];
	static struct us_gro g;
	struct virtio_net_hdr h = {0};
	struct us_gso s;
	const uint8_t *out;
	size_t len = tcp_super(f, false, 3 * 1448, 0x10);
	uint32_t na, nb, nc;

	h.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	h.gso_size = 1448;
	cr_assert_eq(us_gso_begin(&s, &h, f, (uint32_t)len), 0);
	na = us_gso_next(&s, a, sizeof(a));
	nb = us_gso_next(&s, b, sizeof(b));
	nc = us_gso_next(&s, c, sizeof(c));
	us_gro_init(&g);
	cr_assert(us_gro_add(&g, a, na));
	/* a gap (b lost): c does not continue a */
	cr_assert_not(us_gro_add(&g, c, nc));
	/* a duplicate of a neither */
	cr_assert_not(us_gro_add(&g, a, na));
	/* b with another TOS (a CE mark) neither */
	b[15] |= 3;
	cr_assert_not(us_gro_add(&g, b, nb));
	b[15] &= (uint8_t)~3;
	/* other ports neither */
	b[35] ^= 1;
	cr_assert_not(us_gro_add(&g, b, nb));
	b[35] ^= 1;
	cr_assert(us_gro_add(&g, b, nb));
	cr_assert_eq(us_gro_take(&g, &out), sizeof(h) + 66 + 2 * 1448);
	/* a lone segment goes out as it was, header zero */
	cr_assert(us_gro_add(&g, c, nc));
	cr_assert_eq(us_gro_take(&g, &out), sizeof(h) + nc);
	cr_assert_eq(memcmp(out + sizeof(h), c, nc), 0);
	cr_assert_eq(((const struct virtio_net_hdr *)out)->gso_type, 0);
	/* not TCP: refused */
	c[23] = 17;
	cr_assert_not(us_gro_add(&g, c, nc));
}

/* A hostile peer controls both the virtio-net header and the frame:
 * random ones (around plausible headers) must never read or write out of
 * bounds (run under SAN=1) and every segment must fit its buffer. */
Test(us_gso, random_headers_and_frames_stay_in_bounds)
{
	static uint8_t f[4096], seg[4096];
	static struct us_gro g;
	uint64_t x = 88172645463325252ull;
	const uint8_t *out;

	us_gro_init(&g);
	for (int it = 0; it < 20000; it++) {
		struct virtio_net_hdr h;
		struct us_gso s;
		uint32_t len, n, cap;
		unsigned segs = 0;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		len = (uint32_t)(x % sizeof(f));
		tcp_super(f, x & 1, len > 200 ? len - 200 : 0, (uint8_t)x);
		for (uint32_t k = 0; k < (x >> 8) % 8; k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			f[x % 100] = (uint8_t)(x >> 32);
		}
		memcpy(&h, &x, sizeof(h) < 8 ? sizeof(h) : 8);
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		h.gso_type = (uint8_t)(x % 6);
		h.gso_size = (uint16_t)((x >> 8) % 2000);
		h.csum_start = (uint16_t)((x >> 24) % 128);
		h.csum_offset = (uint16_t)((x >> 32) % 64);
		cap = 64 + (uint32_t)((x >> 40) % 2000);
		if (us_gso_begin(&s, &h, f, len) == 0)
			while (segs < 5000 && (n = us_gso_next(&s, seg, cap))) {
				cr_assert_leq(n, cap);
				if (!us_gro_add(&g, seg, n)) {
					us_gro_take(&g, &out);
					us_gro_add(&g, seg, n);
				}
				segs++;
			}
		(void)us_csum_complete(f, len, h.csum_start, h.csum_offset);
		(void)us_gro_add(&g, f, len);
		(void)us_gro_take(&g, &out);
	}
}

Test(us_gso, gro_refuses_a_frame_larger_than_its_buffer)
{
	static uint8_t f[70000];
	static struct us_gro g;
	size_t len = tcp_super(f, true, 65535 - 32, 0x10); /* IPv6 max */

	us_gro_init(&g);
	cr_assert_gt(len, US_GRO_MAX);
	cr_assert_not(us_gro_add(&g, f, (uint32_t)len));
	len = tcp_super(f, true, 1448, 0x10);
	cr_assert(us_gro_add(&g, f, (uint32_t)len));
}

/* Fuzz finding 1: a VLAN-tagged TCPv4 super-frame whose TCP data offset
 * is 0 made the header length end before the TCP header did, and
 * us_gso_next() then rewrote TCP fields past the segment it built. */
Test(us_gso, refuses_a_tcp_data_offset_below_five)
{
	/* dst, src MAC 0; 802.1Q tag; IPv4 (IHL 5, proto 6, 10.0.0.1 >
	 * 10.0.0.2); TCP 80 > 99 with data offset 0; 16 bytes payload. */
	static const uint8_t in[] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x81, 0x00, 0x00, 0x01,
		0x08, 0x00,
		0x45, 0, 0, 56, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1,
		10, 0, 0, 2,
		0, 80, 0, 99, 0, 0, 0, 1, 0, 0, 0, 0, 0x00, 0x10, 0xff, 0xff,
		0, 0, 0, 0,
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
	struct virtio_net_hdr h = {0};
	struct us_gso g;
	uint8_t *f = malloc(sizeof(in)); /* exact size: ASan sees overreads */

	cr_assert_not_null(f);
	memcpy(f, in, sizeof(in));
	h.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	h.gso_size = 8;
	cr_assert_eq(us_gso_begin(&g, &h, f, sizeof(in)), -EINVAL);
	for (uint8_t doff = 1; doff < 5; doff++) {
		f[18 + 20 + 12] = (uint8_t)(doff << 4);
		cr_assert_eq(us_gso_begin(&g, &h, f, sizeof(in)), -EINVAL,
			     "data offset %u", doff);
	}
	f[18 + 20 + 12] = 5 << 4; /* a real TCP header: cut in two */
	cr_assert_eq(us_gso_begin(&g, &h, f, sizeof(in)), 0);
	cr_assert_eq(us_gso_segs(&g), 2);
	free(f);
}

/* Fuzz finding 2: an IPv6 super-frame whose csum_start points inside the
 * IPv6 header (14 + 20) passed the IPv4 bound; the pseudo-header sum then
 * read past a short last segment. */
Test(us_gso, refuses_an_ipv6_csum_start_inside_the_ip_header)
{
	static uint8_t f[2000];
	struct virtio_net_hdr h = {0};
	struct us_gso g;
	size_t len = tcp_super(f, true, 100, 0x10);

	h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	h.gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
	h.gso_size = 8;
	h.csum_offset = 16;
	for (uint16_t cs = 14 + 20; cs < 14 + 40; cs++) {
		h.csum_start = cs;
		cr_assert_eq(us_gso_begin(&g, &h, f, (uint32_t)len), -EINVAL,
			     "csum_start %u", cs);
	}
	h.csum_start = 14 + 40;
	cr_assert_eq(us_gso_begin(&g, &h, f, (uint32_t)len), 0);
}
