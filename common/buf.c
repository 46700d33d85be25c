/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* buf.c — the growable byte buffer. */
#include "common/buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lk_buf_reserve(struct lk_buf *b, size_t more)
{
	size_t cap;
	char *p;

	if (b->oom || more > SIZE_MAX / 4 - b->len)
		return -ENOMEM;
	if (b->len + more + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + more + 1)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p)
		return -ENOMEM;
	b->p = p;
	b->cap = cap;
	b->p[b->len] = '\0';
	return 0;
}

void lk_buf_put(struct lk_buf *b, const char *s, size_t n)
{
	if (lk_buf_reserve(b, n) < 0) {
		b->oom = true;
		return;
	}
	if (n)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void lk_buf_puts(struct lk_buf *b, const char *s)
{
	lk_buf_put(b, s, strlen(s));
}

void lk_buf_printf(struct lk_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || lk_buf_reserve(b, (size_t)n) < 0) {
		b->oom = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void lk_buf_free(struct lk_buf *b)
{
	free(b->p);
	*b = (struct lk_buf){0};
}
