/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* filter_u32.c — u32 destination matches, byte for byte as tc writes them. */
#include "netsetup/filter_u32.h"

#include "netsetup/nlabuf.h"

#include <errno.h>
#include <linux/pkt_cls.h>
#include <linux/rtnetlink.h>
#include <string.h>

#define MAX_KEYS 4

/* Keys of 32 bits each, matched exactly, at byte offsets off..off+4n of
 * the network header. */
static int encode(const uint32_t *words_be, int n, int off, uint32_t classid,
		  void *buf, size_t size)
{
	struct lk_abuf b = {.buf = buf, .size = size};
	struct {
		struct tc_u32_sel sel;
		struct tc_u32_key keys[MAX_KEYS];
	} s;
	size_t nest;
	int i;

	memset(&s, 0, sizeof(s));
	s.sel.flags = TC_U32_TERMINAL;
	s.sel.nkeys = (unsigned char)n;
	for (i = 0; i < n; i++) {
		s.keys[i].mask = 0xffffffffu;
		s.keys[i].val = words_be[i];
		s.keys[i].off = off + 4 * i;
	}
	nest = lk_abuf_nest_start(&b, TCA_OPTIONS);
	lk_abuf_put(&b, TCA_U32_CLASSID, &classid, sizeof(classid));
	lk_abuf_put(&b, TCA_U32_SEL, &s,
		    sizeof(s.sel) + (size_t)n * sizeof(s.keys[0]));
	lk_abuf_nest_end(&b, nest);
	return b.overflow ? -ENOSPC : (int)b.len;
}

int lk_u32_dst4_encode(struct in_addr dst, uint32_t classid, void *buf,
		       size_t size)
{
	uint32_t w = dst.s_addr;

	return encode(&w, 1, 16, classid, buf, size);
}

int lk_u32_dst6_encode(const struct in6_addr *dst, uint32_t classid, void *buf,
		       size_t size)
{
	uint32_t w[4];

	memcpy(w, dst->s6_addr, 16);
	return encode(w, 4, 24, classid, buf, size);
}

static int put(struct nlmsghdr *nlh, size_t buf_size, const void *addr, bool v6,
	       uint32_t classid)
{
	int r;

	if (nlh->nlmsg_len + MNL_ALIGN(MNL_ATTR_HDRLEN + sizeof("u32")) >
	    buf_size)
		return -ENOSPC;
	mnl_attr_put_strz(nlh, TCA_KIND, "u32");
	if (v6)
		r = lk_u32_dst6_encode(addr, classid,
				       mnl_nlmsg_get_payload_tail(nlh),
				       buf_size - nlh->nlmsg_len);
	else
		r = lk_u32_dst4_encode(*(const struct in_addr *)addr, classid,
				       mnl_nlmsg_get_payload_tail(nlh),
				       buf_size - nlh->nlmsg_len);
	if (r < 0)
		return r;
	nlh->nlmsg_len += (uint32_t)r;
	return 0;
}

int lk_u32_dst4_put(struct nlmsghdr *nlh, size_t buf_size, struct in_addr dst,
		    uint32_t classid)
{
	return put(nlh, buf_size, &dst, false, classid);
}

int lk_u32_dst6_put(struct nlmsghdr *nlh, size_t buf_size,
		    const struct in6_addr *dst, uint32_t classid)
{
	return put(nlh, buf_size, dst, true, classid);
}
