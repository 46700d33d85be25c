/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nlabuf.h — writing netlink attributes into a caller's buffer, the way
 * iproute2's addattr_l/addattr_nest do (4-byte alignment, padding
 * zeroed, a nest's length covering its padded contents).  An overflow is
 * remembered and reported once at the end.  Pure.
 */
#ifndef LK_NLABUF_H
#define LK_NLABUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct lk_abuf {
	uint8_t *buf;
	size_t size, len;
	bool overflow;
};

#define LK_NLA_ALIGN(n) (((n) + 3u) & ~(size_t)3u)

static inline void *lk_abuf_reserve(struct lk_abuf *b, size_t n)
{
	size_t al = LK_NLA_ALIGN(n);
	void *p;

	if (b->overflow || b->len + al > b->size) {
		b->overflow = true;
		return NULL;
	}
	p = b->buf + b->len;
	memset(p, 0, al);
	b->len += al;
	return p;
}

/* Bytes without an attribute header (netem's qopt inside TCA_OPTIONS). */
static inline void lk_abuf_raw(struct lk_abuf *b, const void *data, size_t n)
{
	void *p = lk_abuf_reserve(b, n);

	if (p && n)
		memcpy(p, data, n);
}

static inline void lk_abuf_put(struct lk_abuf *b, uint16_t type,
			       const void *data, size_t n)
{
	uint8_t *p = lk_abuf_reserve(b, 4 + n);
	uint16_t len = (uint16_t)(4 + n);

	if (!p)
		return;
	memcpy(p, &len, 2);
	memcpy(p + 2, &type, 2);
	if (n)
		memcpy(p + 4, data, n);
}

static inline void lk_abuf_put_u32(struct lk_abuf *b, uint16_t type, uint32_t v)
{
	lk_abuf_put(b, type, &v, sizeof(v));
}

static inline void lk_abuf_put_strz(struct lk_abuf *b, uint16_t type,
				    const char *s)
{
	lk_abuf_put(b, type, s, strlen(s) + 1);
}

/* Start an attribute whose payload follows; returns its offset. */
static inline size_t lk_abuf_nest_start(struct lk_abuf *b, uint16_t type)
{
	size_t at = b->len;

	lk_abuf_put(b, type, NULL, 0);
	return at;
}

static inline void lk_abuf_nest_end(struct lk_abuf *b, size_t at)
{
	uint16_t len = (uint16_t)(b->len - at);

	if (!b->overflow && b->len - at <= UINT16_MAX)
		memcpy(b->buf + at, &len, 2);
	else
		b->overflow = true;
}

#endif
