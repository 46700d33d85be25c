/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * filter_u32.h — u32 filters that send packets for one destination
 * address (IPv4 /32 or IPv6 /128) to a class, encoded exactly as
 * iproute2 6.1's tc/f_u32.c encodes "match ip dst A/32 flowid C" and
 * "match ip6 dst A/128 flowid C".  Pure.
 */
#ifndef LK_FILTER_U32_H
#define LK_FILTER_U32_H

#include <libmnl/libmnl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LK_U32_OPTS_MAX 128

/* classid as the kernel wants it: major << 16 | minor. */
#define LK_TC_HANDLE(maj, min) (((uint32_t)(maj) << 16) | ((min)&0xffffu))

/* TCA_OPTIONS nest: TCA_U32_CLASSID, TCA_U32_SEL with one key (IPv4
 * destination at offset 16) or four (IPv6 destination at 24..36). */
int lk_u32_dst4_encode(struct in_addr dst, uint32_t classid, void *buf,
		       size_t size);
int lk_u32_dst6_encode(const struct in6_addr *dst, uint32_t classid, void *buf,
		       size_t size);
/* Append TCA_KIND "u32" and the options. */
int lk_u32_dst4_put(struct nlmsghdr *nlh, size_t buf_size, struct in_addr dst,
		    uint32_t classid);
int lk_u32_dst6_put(struct nlmsghdr *nlh, size_t buf_size,
		    const struct in6_addr *dst, uint32_t classid);

#endif
