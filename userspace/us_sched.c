// SPDX-License-Identifier: LGPL-2.1-or-later
/* us_sched.c — indexed min-heap of link deadlines. */
#include "userspace/us_sched.h"

#include <errno.h>
#include <stdlib.h>

void us_sched_init(struct us_sched *s)
{
	s->h = NULL;
	s->n = s->cap = 0;
}

void us_sched_free(struct us_sched *s)
{
	for (uint32_t i = 0; i < s->n; i++)
		s->h[i]->pos = US_SCHED_NONE;
	free(s->h);
	us_sched_init(s);
}

static void place(struct us_sched *s, uint32_t i, struct us_sched_node *nd)
{
	s->h[i] = nd;
	nd->pos = i;
}

static void sift_up(struct us_sched *s, uint32_t i)
{
	struct us_sched_node *nd = s->h[i];

	while (i) {
		uint32_t parent = (i - 1) / 2;

		if (s->h[parent]->key <= nd->key)
			break;
		place(s, i, s->h[parent]);
		i = parent;
	}
	place(s, i, nd);
}

static void sift_down(struct us_sched *s, uint32_t i)
{
	struct us_sched_node *nd = s->h[i];

	for (;;) {
		uint32_t c = 2 * i + 1;

		if (c >= s->n)
			break;
		if (c + 1 < s->n && s->h[c + 1]->key < s->h[c]->key)
			c++;
		if (nd->key <= s->h[c]->key)
			break;
		place(s, i, s->h[c]);
		i = c;
	}
	place(s, i, nd);
}

int us_sched_set(struct us_sched *s, struct us_sched_node *nd, uint64_t key)
{
	uint32_t i = nd->pos;

	if (i == US_SCHED_NONE) {
		if (key == UINT64_MAX)
			return 0;
		if (s->n == s->cap) {
			uint32_t cap = s->cap ? 2 * s->cap : 64;
			struct us_sched_node **h =
			    realloc(s->h, (size_t)cap * sizeof(*h));

			if (!h)
				return -ENOMEM;
			s->h = h;
			s->cap = cap;
		}
		nd->key = key;
		place(s, s->n++, nd);
		sift_up(s, s->n - 1);
		return 0;
	}
	if (key == UINT64_MAX) { /* remove: the last node fills the hole */
		struct us_sched_node *last = s->h[--s->n];

		nd->pos = US_SCHED_NONE;
		nd->key = UINT64_MAX;
		if (last != nd) {
			place(s, i, last);
			sift_up(s, i);
			sift_down(s, last->pos);
		}
		return 0;
	}
	nd->key = key;
	sift_up(s, i);
	sift_down(s, nd->pos);
	return 0;
}
