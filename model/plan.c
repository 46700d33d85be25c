/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* plan.c — who gets which address: the pure address plan. */
#include "common/error.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The ULA /64 beside the IPv4 plan: fd00:6c6b::/64 ("lk"). */
static const uint8_t ula_prefix[8] = {0xfd, 0x00, 0x6c, 0x6b, 0, 0, 0, 0};

LK_EXPORT int lk_subnet_parse(const char *text, uint32_t *net4,
			      unsigned *prefix4, struct lk_error *e)
{
	char addr[INET_ADDRSTRLEN];
	const char *slash = strchr(text, '/');
	struct in_addr a;
	unsigned long plen;
	char *end;
	uint32_t mask;
	size_t alen;

	if (!slash)
		return lk_error_set(e, EINVAL,
				    "invalid subnet '%s': expected A.B.C.D/P",
				    text);
	alen = (size_t)(slash - text);
	if (alen == 0 || alen >= sizeof(addr))
		return lk_error_set(e, EINVAL,
				    "invalid subnet '%s': expected A.B.C.D/P",
				    text);
	memcpy(addr, text, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, &a) != 1)
		return lk_error_set(e, EINVAL,
				    "invalid subnet '%s': '%s' is not an IPv4 "
				    "address",
				    text, addr);
	errno = 0;
	plen = strtoul(slash + 1, &end, 10);
	if (slash[1] < '0' || slash[1] > '9' || *end || errno || plen > 32)
		return lk_error_set(e, EINVAL,
				    "invalid subnet '%s': prefix length must be "
				    "0..32",
				    text);
	mask = plen ? ~(uint32_t)0 << (32 - plen) : 0;
	if (ntohl(a.s_addr) & ~mask)
		return lk_error_set(e, EINVAL,
				    "invalid subnet '%s': host bits are set "
				    "(did you mean %u.%u.%u.%u/%lu?)",
				    text, (ntohl(a.s_addr) & mask) >> 24,
				    ((ntohl(a.s_addr) & mask) >> 16) & 0xff,
				    ((ntohl(a.s_addr) & mask) >> 8) & 0xff,
				    ntohl(a.s_addr) & mask & 0xff, plen);
	*net4 = ntohl(a.s_addr);
	*prefix4 = (unsigned)plen;
	return 0;
}

LK_EXPORT unsigned lk_subnet_capacity(unsigned prefix4)
{
	uint64_t hosts;

	if (prefix4 >= 31)
		return 0;
	hosts = ((uint64_t)1 << (32 - prefix4)) - 2;
	return hosts > LK_MAX_PEERS ? LK_MAX_PEERS : (unsigned)hosts;
}

LK_EXPORT int lk_plan_init(struct lk_plan *p, unsigned n, const char *subnet,
			   struct lk_error *e)
{
	unsigned cap;
	int r;

	memset(p, 0, sizeof(*p));
	r = lk_subnet_parse(subnet ? subnet : LK_DEFAULT_SUBNET, &p->net4,
			    &p->prefix4, e);
	if (r < 0)
		return r;
	cap = lk_subnet_capacity(p->prefix4);
	if (n < 1 || n > cap)
		return lk_error_set(e, EINVAL,
				    "invalid number of peers '%u': subnet %s "
				    "holds 1..%u",
				    n, subnet ? subnet : LK_DEFAULT_SUBNET,
				    cap);
	p->n = n;
	memcpy(p->net6, ula_prefix, sizeof(ula_prefix));
	return 0;
}

LK_EXPORT struct in_addr lk_plan_addr4(const struct lk_plan *p, unsigned id)
{
	struct in_addr a = {.s_addr = htonl(p->net4 + id)};
	return a;
}

LK_EXPORT struct in6_addr lk_plan_addr6(const struct lk_plan *p, unsigned id)
{
	struct in6_addr a;

	memcpy(a.s6_addr, p->net6, 8);
	memset(a.s6_addr + 8, 0, 8);
	a.s6_addr[12] = (uint8_t)(id >> 24);
	a.s6_addr[13] = (uint8_t)(id >> 16);
	a.s6_addr[14] = (uint8_t)(id >> 8);
	a.s6_addr[15] = (uint8_t)id;
	return a;
}

LK_EXPORT void lk_plan_mac(const struct lk_plan *p, unsigned id, uint8_t mac[6])
{
	(void)p;
	mac[0] = 0x02; /* locally administered, unicast */
	mac[1] = 0x6c;
	mac[2] = 0x6b;
	mac[3] = (uint8_t)(id >> 16);
	mac[4] = (uint8_t)(id >> 8);
	mac[5] = (uint8_t)id;
}

LK_EXPORT unsigned lk_plan_peer_of4(const struct lk_plan *p, struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);

	if (h <= p->net4 || h - p->net4 > p->n)
		return 0;
	return h - p->net4;
}

LK_EXPORT unsigned lk_plan_peer_of6(const struct lk_plan *p,
				    const struct in6_addr *a)
{
	uint32_t id;

	if (memcmp(a->s6_addr, p->net6, 8) != 0)
		return 0;
	for (int i = 8; i < 12; i++)
		if (a->s6_addr[i])
			return 0;
	id = (uint32_t)a->s6_addr[12] << 24 | (uint32_t)a->s6_addr[13] << 16 |
	     (uint32_t)a->s6_addr[14] << 8 | a->s6_addr[15];
	return id >= 1 && id <= p->n ? id : 0;
}
