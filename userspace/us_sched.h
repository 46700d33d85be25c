/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * us_sched.h — which link is due next: an indexed min-heap of nodes keyed
 * by time, so one timerfd serves every pipeline.  A node lives inside the
 * caller's object (struct us_pipe has one); re-key it after each enqueue
 * or dequeue on that object.
 */
#ifndef LK_US_SCHED_H
#define LK_US_SCHED_H

#include <stddef.h>
#include <stdint.h>

#define US_SCHED_NONE UINT32_MAX

struct us_sched_node {
	uint64_t key;
	uint32_t pos; /* index in the heap, US_SCHED_NONE when absent */
};

struct us_sched {
	struct us_sched_node **h;
	uint32_t n, cap;
};

static inline void us_sched_node_init(struct us_sched_node *nd)
{
	nd->key = UINT64_MAX;
	nd->pos = US_SCHED_NONE;
}

void us_sched_init(struct us_sched *s);
void us_sched_free(struct us_sched *s);
/* Give nd the key; UINT64_MAX takes it out.  0 or -ENOMEM. */
int us_sched_set(struct us_sched *s, struct us_sched_node *nd, uint64_t key);
/* The node with the smallest key, or NULL. */
static inline struct us_sched_node *us_sched_peek(const struct us_sched *s)
{
	return s->n ? s->h[0] : NULL;
}

#endif
