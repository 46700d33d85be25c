/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* us_guard.c — which frames a peer may send (us_guard.h). */
#include "userspace/us_guard.h"

#include <netinet/in.h>
#include <string.h>

void us_guard_init(struct us_guard *g, const struct lk_plan *p, unsigned id)
{
	struct in_addr a4 = lk_plan_addr4(p, id);
	struct in6_addr a6 = lk_plan_addr6(p, id);
	const uint8_t *m;

	lk_plan_mac(p, id, g->mac);
	memcpy(g->a4, &a4.s_addr, 4);
	memcpy(g->ula, a6.s6_addr, 16);
	m = g->mac;
	memset(g->ll, 0, 16);
	g->ll[0] = 0xfe, g->ll[1] = 0x80;
	g->ll[8] = m[0] ^ 2, g->ll[9] = m[1], g->ll[10] = m[2];
	g->ll[11] = 0xff, g->ll[12] = 0xfe;
	g->ll[13] = m[3], g->ll[14] = m[4], g->ll[15] = m[5];
}

static bool zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static bool own6(const struct us_guard *g, const uint8_t *a)
{
	return memcmp(a, g->ula, 16) == 0 || memcmp(a, g->ll, 16) == 0;
}

/* An IPv6 packet at ip, n bytes. */
static bool ip6_ok(const struct us_guard *g, const uint8_t *ip, uint32_t n)
{
	const uint8_t *icmp = NULL;

	if (n < 40)
		return true; /* no source to check: the receiver drops it */
	switch (ip[6]) {
	case IPPROTO_ROUTING:
	case IPPROTO_DSTOPTS:
		return false;
	case IPPROTO_HOPOPTS: /* 8 bytes of it, then MLD */
		if (n < 49 || ip[40] != IPPROTO_ICMPV6 || ip[41] != 0)
			return false;
		if (ip[48] != 130 && ip[48] != 131 && ip[48] != 132 &&
		    ip[48] != 143)
			return false;
		break;
	case IPPROTO_ICMPV6:
		icmp = ip + 40;
		break;
	default:
		break;
	}
	/* a neighbour advertisement: its target, its own */
	if (icmp && n >= 41 && icmp[0] == 136 &&
	    (n < 40 + 24 || !own6(g, icmp + 8)))
		return false;
	return own6(g, ip + 8) || zero(ip + 8, 16);
}

bool us_guard_ok(const struct us_guard *g, const uint8_t *f, uint32_t len)
{
	const uint8_t *l3 = f + 14;
	uint32_t n = len - 14;
	uint16_t type;

	if (len < 14 || memcmp(f + 6, g->mac, 6) != 0)
		return false;
	type = (uint16_t)(f[12] << 8 | f[13]);
	switch (type) {
	case 0x0800:
		if (n < 20)
			return true;
		return memcmp(l3 + 12, g->a4, 4) == 0 || zero(l3 + 12, 4);
	case 0x86dd:
		return ip6_ok(g, l3, n);
	case 0x0806:
		if (n < 28)
			return true;
		if (l3[0] != 0 || l3[1] != 1 || l3[2] != 8 || l3[3] != 0 ||
		    l3[4] != 6 || l3[5] != 4)
			return false;
		if (memcmp(l3 + 8, g->mac, 6) != 0)
			return false;
		return memcmp(l3 + 14, g->a4, 4) == 0 || zero(l3 + 14, 4);
	case 0x8100:
	case 0x88a8:
	case 0x9100:
		return false;
	default:
		return true;
	}
}
