/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * us_queue.h — a bounded departure queue: a binary min-heap keyed by
 * (key, seq).  seq makes it stable: equal keys leave in the order the
 * caller numbered them (the pipeline numbers them as netem's tfifo and
 * its head queue order them).
 */
#ifndef LK_US_QUEUE_H
#define LK_US_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct us_qent {
	uint64_t key;	 /* sort key: departure ns (0 = netem's head queue) */
	int64_t seq;	 /* tie-break, ascending */
	uint64_t tts_ns; /* when it leaves netem */
	void *cookie;	 /* the caller's frame */
	uint32_t len;	 /* frame bytes */
	uint32_t flags;	 /* US_E_* (us_pipeline.h) */
	uint32_t corrupt_bit; /* bit to flip when US_E_CORRUPT */
};

struct us_queue {
	struct us_qent *e;
	uint32_t n, cap; /* cap: the bound */
	uint32_t alloc;	 /* entries allocated: grows up to cap on demand */
	uint64_t overflows; /* pushes refused because full */
};

/* cap entries at most (> 0); memory is taken as entries come.
 * 0 or -ENOMEM. */
int us_queue_init(struct us_queue *q, uint32_t cap);
/* Change the bound; never below the current length.  0 or -ENOMEM. */
int us_queue_resize(struct us_queue *q, uint32_t cap);
void us_queue_free(struct us_queue *q);
/* 0, or -ENOSPC when full (and overflows is counted). */
int us_queue_push(struct us_queue *q, const struct us_qent *x);
/* The smallest entry, or NULL when empty. */
static inline const struct us_qent *us_queue_peek(const struct us_queue *q)
{
	return q->n ? &q->e[0] : NULL;
}
/* Remove the smallest into *out; false when empty. */
bool us_queue_pop(struct us_queue *q, struct us_qent *out);

#endif
