/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* template.c — {id} {n} {addr} {addr6} {name} in COMMAND's arguments. */
#include "linkem.h"

#include "common/buf.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *lookup(const char *key, size_t len, const struct lk_plan *p,
			  unsigned id, char *buf, size_t size)
{
	struct in_addr a4;
	struct in6_addr a6;

#define IS(k) (len == sizeof(k) - 1 && memcmp(key, k, len) == 0)
	if (IS("id")) {
		snprintf(buf, size, "%u", id);
	} else if (IS("n")) {
		snprintf(buf, size, "%u", p->n);
	} else if (IS("name")) {
		snprintf(buf, size, "peer%u", id);
	} else if (IS("addr")) {
		a4 = lk_plan_addr4(p, id);
		inet_ntop(AF_INET, &a4, buf, (socklen_t)size);
	} else if (IS("addr6")) {
		a6 = lk_plan_addr6(p, id);
		inet_ntop(AF_INET6, &a6, buf, (socklen_t)size);
	} else {
		return NULL;
	}
#undef IS
	return buf;
}

LK_EXPORT char *lk_template_expand(const char *arg, const struct lk_plan *p,
				   unsigned id)
{
	struct lk_buf out = {0};
	const char *s = arg;

	if (lk_buf_reserve(&out, strlen(arg)) < 0)
		return NULL;
	while (*s) {
		const char *close;
		const char *val = NULL;
		char buf[INET6_ADDRSTRLEN + 8];
		size_t vlen, klen = 1;

		if (*s == '{' && (close = strchr(s + 1, '}')))
			val = lookup(s + 1, (size_t)(close - s - 1), p, id, buf,
				     sizeof(buf));
		if (val)
			klen = (size_t)(close - s) + 1;
		else
			val = s, buf[0] = '\0';
		vlen = buf[0] ? strlen(val) : 1;
		lk_buf_put(&out, val, vlen);
		s += klen;
	}
	if (out.oom) {
		lk_buf_free(&out);
		return NULL;
	}
	return out.p;
}
