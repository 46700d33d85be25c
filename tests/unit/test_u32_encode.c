/* test_u32_encode.c — u32 destination filters, decoded back. */
#include "netsetup/filter_u32.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <linux/pkt_cls.h>
#include <string.h>

Test(u32_encode, ipv4_key)
{
	uint8_t buf[LK_U32_OPTS_MAX];
	struct tc_u32_sel sel;
	struct tc_u32_key key;
	struct in_addr a;
	uint32_t cls;
	int n;

	inet_pton(AF_INET, "10.0.1.44", &a);
	n = lk_u32_dst4_encode(a, LK_TC_HANDLE(1, 0x12c), buf, sizeof(buf));
	cr_assert_eq(n, 4 + 8 + 4 + 16 + 16);
	memcpy(&cls, buf + 8, 4);
	cr_assert_eq(cls, 0x0001012cu);
	memcpy(&sel, buf + 16, sizeof(sel));
	cr_assert_eq(sel.nkeys, 1);
	cr_assert_eq(sel.flags, TC_U32_TERMINAL);
	memcpy(&key, buf + 16 + sizeof(sel), sizeof(key));
	cr_assert_eq(key.val, a.s_addr);
	cr_assert_eq(key.mask, 0xffffffffu);
	cr_assert_eq(key.off, 16, "IPv4 destination offset");
}

Test(u32_encode, ipv6_keys)
{
	uint8_t buf[LK_U32_OPTS_MAX];
	struct tc_u32_key key;
	struct in6_addr a;
	int n, i;

	inet_pton(AF_INET6, "fd00:6c6b::1:2c", &a);
	n = lk_u32_dst6_encode(&a, LK_TC_HANDLE(1, 2), buf, sizeof(buf));
	cr_assert_eq(n, 4 + 8 + 4 + 16 + 4 * 16);
	for (i = 0; i < 4; i++) {
		memcpy(&key, buf + 32 + 16 * i, sizeof(key));
		cr_assert_eq(key.off, 24 + 4 * i);
		cr_assert_eq(memcmp(&key.val, a.s6_addr + 4 * i, 4), 0);
	}
	cr_assert_eq(lk_u32_dst6_encode(&a, 1, buf, 40), -ENOSPC);
}
