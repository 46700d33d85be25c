// SPDX-License-Identifier: LGPL-2.1-or-later
/* us_frame.c — ECN field and bit edits on Ethernet frames. */
#include "userspace/us_frame.h"

#define ETH_HLEN 14

/* Offset of the IP header and its version (4 or 6), or -1. */
static long ip_offset(const uint8_t *f, size_t len, int *version)
{
	size_t off = 12;
	unsigned type;

	if (len < ETH_HLEN)
		return -1;
	type = (unsigned)f[off] << 8 | f[off + 1];
	if (type == 0x8100 || type == 0x88a8) { /* one VLAN tag */
		off += 4;
		if (len < off + 2)
			return -1;
		type = (unsigned)f[off] << 8 | f[off + 1];
	}
	off += 2;
	if (type == 0x0800 && len >= off + 20 && (f[off] >> 4) == 4) {
		*version = 4;
		return (long)off;
	}
	if (type == 0x86dd && len >= off + 40 && (f[off] >> 4) == 6) {
		*version = 6;
		return (long)off;
	}
	return -1;
}

int us_frame_ecn(const uint8_t *f, size_t len)
{
	int v;
	long off = ip_offset(f, len, &v);

	if (off < 0)
		return -1;
	if (v == 4)
		return f[off + 1] & 3;
	return (f[off + 1] >> 4) & 3; /* traffic class straddles bytes 0-1 */
}

bool us_frame_set_ce(uint8_t *f, size_t len)
{
	int v, ecn = us_frame_ecn(f, len);
	long off = ip_offset(f, len, &v);

	if (off < 0 || (ecn != 1 && ecn != 2))
		return false;
	if (v == 6) {
		f[off + 1] |= 3 << 4;
		return true;
	}
	/* IPv4: RFC 1624 incremental update of the header checksum for the
	 * 16-bit word holding version/IHL/TOS. */
	uint16_t old = (uint16_t)(f[off] << 8 | f[off + 1]);
	uint16_t new = (uint16_t)(old | 3);
	uint32_t sum = (uint16_t) ~((f[off + 10] << 8) | f[off + 11]);

	sum += (uint16_t)~old;
	sum += new;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	f[off + 1] = (uint8_t) new;
	f[off + 10] = (uint8_t)(~sum >> 8);
	f[off + 11] = (uint8_t)~sum;
	return true;
}

bool us_frame_flip(uint8_t *f, size_t len, uint32_t bit)
{
	if (bit / 8 >= len)
		return false;
	f[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	return true;
}
