// SPDX-License-Identifier: LGPL-2.1-or-later
/* us_queue.c — bounded stable binary min-heap. */
#include "userspace/us_queue.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static inline bool less(const struct us_qent *a, const struct us_qent *b)
{
	return a->key < b->key || (a->key == b->key && a->seq < b->seq);
}

int us_queue_init(struct us_queue *q, uint32_t cap)
{
	memset(q, 0, sizeof(*q));
	return us_queue_resize(q, cap ? cap : 1);
}

static int grow_to(struct us_queue *q, uint32_t alloc)
{
	struct us_qent *e = realloc(q->e, (size_t)alloc * sizeof(*e));

	if (!e)
		return -ENOMEM;
	q->e = e;
	q->alloc = alloc;
	return 0;
}

int us_queue_resize(struct us_queue *q, uint32_t cap)
{
	if (cap < q->n)
		cap = q->n;
	if (!cap)
		cap = 1;
	/* Many links, most of them idle: start small. */
	if (q->alloc > cap || !q->e) {
		uint32_t a = q->n > 16 ? q->n : 16;

		if (grow_to(q, a < cap ? a : cap) < 0)
			return -ENOMEM;
	}
	q->cap = cap;
	return 0;
}

void us_queue_free(struct us_queue *q)
{
	free(q->e);
	memset(q, 0, sizeof(*q));
}

int us_queue_push(struct us_queue *q, const struct us_qent *x)
{
	uint32_t i;

	if (q->n >= q->cap) {
		q->overflows++;
		return -ENOSPC;
	}
	if (q->n >= q->alloc) {
		uint32_t a = q->alloc * 2 > q->cap ? q->cap : q->alloc * 2;

		if (grow_to(q, a) < 0) {
			q->overflows++;
			return -ENOSPC;
		}
	}
	i = q->n++;
	while (i) {
		uint32_t parent = (i - 1) / 2;

		if (!less(x, &q->e[parent]))
			break;
		q->e[i] = q->e[parent];
		i = parent;
	}
	q->e[i] = *x;
	return 0;
}

bool us_queue_pop(struct us_queue *q, struct us_qent *out)
{
	struct us_qent last;
	uint32_t i = 0, n;

	if (!q->n)
		return false;
	*out = q->e[0];
	n = --q->n;
	if (!n)
		return true;
	last = q->e[n];
	for (;;) {
		uint32_t c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && less(&q->e[c + 1], &q->e[c]))
			c++;
		if (!less(&q->e[c], &last))
			break;
		q->e[i] = q->e[c];
		i = c;
	}
	q->e[i] = last;
	return true;
}
