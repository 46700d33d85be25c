/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz_frames.c — the userspace engine's frame code on what a peer's TAP
 * can hand it: a virtio-net header then a frame (both the peer's).
 * us_frame (ECN, CE, bit flips) on an exact-size copy; the GSO cut into
 * exact-size segment buffers, whose payloads must join back to the
 * super-frame's; each segment offered to GRO, whose merged frames are
 * cut again; partial checksum completion. */
#include "fuzz.h"

#include "userspace/us_frame.h"
#include "userspace/us_gro.h"
#include "userspace/us_gso.h"

static struct us_gro gro;

/* Cut f (with header h) and check the segments carry its payload. */
static void cut(const struct virtio_net_hdr *h, const uint8_t *f,
		uint32_t len, bool to_gro)
{
	struct us_gso g;
	uint8_t *seg;
	uint32_t n, off = 0, cap;
	unsigned segs = 0;
	const uint8_t *out;

	if (us_gso_begin(&g, h, f, len) < 0)
		return;
	FUZZ_CHECK(g.hlen <= len && g.mss >= 8, "hlen %u len %u", g.hlen, len);
	cap = g.hlen + g.mss;
	seg = malloc(cap); /* exact: ASan sees any overrun */
	if (!seg)
		abort();
	while ((n = us_gso_next(&g, seg, cap))) {
		FUZZ_CHECK(n <= cap && n >= g.hlen, "n %u cap %u", n, cap);
		FUZZ_CHECK(memcmp(seg + g.hlen, f + g.hlen + off,
				  n - g.hlen) == 0,
			   "payload of segment %u", segs);
		off += n - g.hlen;
		segs++;
		if (to_gro && !us_gro_add(&gro, seg, n)) {
			(void)us_gro_take(&gro, &out);
			(void)us_gro_add(&gro, seg, n);
		}
	}
	FUZZ_CHECK(off == len - g.hlen, "payload %u of %u", off,
		   len - g.hlen);
	FUZZ_CHECK(segs == us_gso_segs(&g), "%u segments, said %u", segs,
		   us_gso_segs(&g));
	free(seg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct virtio_net_hdr h;
	uint8_t *f;
	uint32_t len, took;
	const uint8_t *out;

	if (size < sizeof(h) + 4 || size > 70000)
		return -1;
	memcpy(&h, data, sizeof(h));
	len = (uint32_t)(size - sizeof(h) - 4);
	f = malloc(len ? len : 1);
	if (!f)
		abort();
	memcpy(f, data + sizeof(h) + 4, len);

	us_gro_init(&gro);
	cut(&h, f, len, true);
	took = us_gro_take(&gro, &out);
	if (took > sizeof(struct virtio_net_hdr)) {
		/* A merged run cuts again (GRO then GSO). */
		struct virtio_net_hdr mh;
		uint8_t *m = malloc(took - sizeof(mh));

		if (!m)
			abort();
		memcpy(&mh, out, sizeof(mh));
		memcpy(m, out + sizeof(mh), took - sizeof(mh));
		if (mh.gso_type != VIRTIO_NET_HDR_GSO_NONE)
			cut(&mh, m, took - (uint32_t)sizeof(mh), false);
		free(m);
	}
	(void)us_gro_add(&gro, f, len);
	(void)us_gro_take(&gro, &out);

	(void)us_frame_ecn(f, len);
	(void)us_frame_set_ce(f, len);
	(void)us_frame_flip(f, len, (uint32_t)data[size - 1] << 8 |
					data[size - 2]);
	(void)us_csum_complete(f, len, h.csum_start, h.csum_offset);
	free(f);
	return 0;
}
