/* test_us_frame.c — ECN field, CE marking with checksum, bit flips. */
#include "userspace/us_frame.h"

#include <criterion/criterion.h>
#include <string.h>

static uint16_t ip_csum(const uint8_t *h, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i < n; i += 2)
		s += (uint32_t)(h[i] << 8 | h[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void ipv4_frame(uint8_t *f, uint8_t tos)
{
	uint16_t c;

	memset(f, 0, 60);
	f[12] = 0x08;
	f[14] = 0x45;
	f[15] = tos;
	f[17] = 46; /* total length */
	f[22] = 64;
	f[23] = 17;
	f[26] = 10, f[29] = 1, f[30] = 10, f[33] = 2;
	c = ip_csum(f + 14, 20);
	f[24] = (uint8_t)(c >> 8);
	f[25] = (uint8_t)c;
}

Test(us_frame, ipv4_ce_keeps_checksum)
{
	uint8_t f[60];

	for (unsigned ecn = 0; ecn < 4; ecn++) {
		ipv4_frame(f, (uint8_t)(0xb8 | ecn));
		cr_assert_eq(us_frame_ecn(f, sizeof(f)), (int)ecn);
		cr_assert_eq(us_frame_ect(f, sizeof(f)), ecn == 1 || ecn == 2);
		cr_assert_eq(us_frame_set_ce(f, sizeof(f)),
			     ecn == 1 || ecn == 2);
		cr_assert_eq(ip_csum(f + 14, 20), 0, "checksum broken");
		if (ecn == 1 || ecn == 2)
			cr_assert_eq(f[15], 0xbb);
	}
}

Test(us_frame, ipv6_and_vlan_and_flip)
{
	uint8_t f[80] = {0};

	f[12] = 0x81, f[13] = 0x00; /* VLAN tag */
	f[16] = 0x86, f[17] = 0xdd;
	f[18] = 0x60 | 0x0b; /* version 6, TC high nibble 0xb */
	f[19] = 0xa0;	     /* TC low nibble a: TC 0xba, ECN ECT(0) */
	cr_assert_eq(us_frame_ecn(f, sizeof(f)), 2);
	cr_assert(us_frame_set_ce(f, sizeof(f)));
	cr_assert_eq(us_frame_ecn(f, sizeof(f)), 3);
	cr_assert_eq(f[18], 0x6b);
	cr_assert_eq(us_frame_ecn(f, 20), -1); /* too short */
	cr_assert(us_frame_flip(f, sizeof(f), 8 * 5 + 3));
	cr_assert_eq(f[5], 8);
	cr_assert_not(us_frame_flip(f, sizeof(f), 8 * 80));
}
