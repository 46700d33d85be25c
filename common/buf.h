/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * buf.h — the one growable byte buffer: text kept NUL-terminated, room
 * doubled as it grows.  The writers (put, puts, printf) latch `oom` on the
 * first allocation failure so that a caller checks once at the end;
 * lk_buf_reserve reports it at once.  Pure.
 */
#ifndef LK_BUF_H
#define LK_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct lk_buf {
	char *p; /* NULL until something was written */
	size_t len, cap;
	bool oom;
};

/* Room for `more` bytes after len (and a NUL): 0, or -ENOMEM (oom is
 * set by the writers, not here, so a buffer that can shrink back
 * (lk_buf_clear) may try again). */
int lk_buf_reserve(struct lk_buf *b, size_t more);
void lk_buf_put(struct lk_buf *b, const char *s, size_t n);
void lk_buf_puts(struct lk_buf *b, const char *s);
void lk_buf_printf(struct lk_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Forget the contents, keep the memory. */
static inline void lk_buf_clear(struct lk_buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}
void lk_buf_free(struct lk_buf *b);

#endif
