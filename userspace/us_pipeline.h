/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * us_pipeline.h — one directed link (src -> dst) of the userspace engine:
 * the kernel engine's "tbf, with netem as its child" with netem's and
 * tbf's semantics, driven by the caller's clock.  Pure: no fds, no clock
 * reads; times are the caller's CLOCK_MONOTONIC nanoseconds.
 *
 * The caller owns the frames: it passes an opaque cookie with each frame,
 * and gets the cookie back from us_pipe_dequeue() once per queued copy (a
 * duplicated frame comes back twice: refcount it with v.queued).  Edits
 * (CE mark, bit flip) are reported per copy, for the caller to apply to
 * the bytes it writes.
 *
 * Event-loop contract, for reproducible runs: before us_pipe_enqueue(p,
 * now, ...) drain every copy due by now (us_pipe_dequeue() until false),
 * and arm the timer for us_pipe_next_ns().  Departure times are virtual:
 * d.due_ns is when the copy should have left, even if the loop is late,
 * so lateness never changes later decisions.
 */
#ifndef LK_US_PIPELINE_H
#define LK_US_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "linkem.h"
#include "model/impair.h"
#include "userspace/us_counters.h"
#include "userspace/us_loss.h"
#include "userspace/us_queue.h"
#include "userspace/us_rng.h"
#include "userspace/us_sched.h"

#define US_DEFAULT_LIMIT 1000 /* tc's netem default, packets */

/* Input flags for us_pipe_enqueue(). */
enum {
	US_IN_ECT = 1u << 0, /* IP ECN field is ECT(0) or ECT(1) (not CE) */
};

/* Per-copy flags (us_copy.flags, us_departure.flags). */
enum {
	US_E_DUP = 1u << 0,	  /* this is netem's extra copy */
	US_E_CE = 1u << 1,	  /* set ECN CE in the IP header */
	US_E_CORRUPT = 1u << 2,	  /* flip bit corrupt_bit of the frame */
	US_E_REORDERED = 1u << 3, /* sent ahead of the queue (reorder/gap) */
};

struct us_copy {
	uint64_t tts_ns; /* when it leaves netem (the bucket may hold it) */
	uint32_t flags;	 /* US_E_* */
	uint32_t corrupt_bit; /* byte = bit / 8, mask = 1 << (bit % 8) */
};

/* What one us_pipe_enqueue() decided.  Copies appear in the order netem
 * queues them: a duplicate is queued before its original. */
struct us_verdict {
	unsigned queued;	/* copies queued: 0, 1 or 2 */
	unsigned dropped;	/* copies dropped */
	enum us_drop cause;	/* cause of the first drop */
	struct us_copy copy[2]; /* [0, queued) */
};

struct us_departure {
	void *cookie;
	uint32_t len;
	uint32_t flags; /* US_E_* */
	uint32_t corrupt_bit;
	uint64_t tts_ns; /* left netem */
	uint64_t due_ns; /* leaves the link (after the token bucket) */
};

struct us_pipe {
	/* configuration, as netem and tbf hold it */
	bool down, ecn;
	uint32_t limit, gap, reorder, duplicate, corrupt;
	int64_t latency;
	int32_t jitter;
	const struct lk_dist_table *table;
	uint64_t rate;
	int32_t packet_overhead, cell_overhead;
	uint32_t cell_size;
	uint64_t tb_rate;  /* 0 = no token bucket */
	uint32_t tb_burst; /* bytes; also tbf's max packet size */
	int64_t tb_buffer; /* ns of tokens the bucket holds */

	/* state */
	struct us_rng rng;
	struct us_crandom delay_cor, dup_cor, reorder_cor, corrupt_cor;
	struct us_loss loss;
	uint32_t counter;  /* netem's reorder gap counter */
	uint64_t last_tts; /* latest tts queued (netem's rate "last") */
	int64_t seq, head_seq;
	struct us_queue q;
	bool has_held; /* tbf has peeked this one: it goes next */
	struct us_qent held;
	bool tb_started;
	uint64_t tb_tc;	   /* tbf's t_c */
	int64_t tb_tokens; /* ns */
	struct us_counters ctr;

	/* the caller's: this link's place in its us_sched, with
	 * us_pipe_resched() after each enqueue/dequeue; owner is free for
	 * the caller (e.g. the link's peers) */
	struct us_sched_node sched;
	void *owner;
};

/* A link src -> dst with its own stream derived from (seed, src, dst).
 * The distribution table is borrowed: it must outlive the pipe. */
int us_pipe_new(struct us_pipe **out, const struct lk_impair *im, uint64_t seed,
		uint32_t src, uint32_t dst, struct lk_error *e);
/* Frees the pipe; queued cookies are not touched (drain them first with
 * us_pipe_flush() if they own memory).  Take it out of its us_sched first
 * (us_sched_set(s, &p->sched, UINT64_MAX)). */
void us_pipe_free(struct us_pipe *p);
/* New conditions, as `tc qdisc change`: queued copies stay, the random
 * stream goes on, correlations, loss state and reorder counter restart,
 * the bucket refills. */
int us_pipe_update(struct us_pipe *p, const struct lk_impair *im,
		   struct lk_error *e);

/* Offer one frame of len bytes at now.  in: US_IN_*.  Returns the number
 * of copies queued (v->queued); v may be NULL. */
unsigned us_pipe_enqueue(struct us_pipe *p, uint64_t now, uint32_t len,
			 uint32_t in, void *cookie, struct us_verdict *v);
/* The next copy due by now, into *d; false when none is due. */
bool us_pipe_dequeue(struct us_pipe *p, uint64_t now, struct us_departure *d);
/* When the next copy is due (may be <= now); UINT64_MAX when empty. */
uint64_t us_pipe_next_ns(const struct us_pipe *p);
/* Take any queued copy regardless of time (teardown); false when empty. */
bool us_pipe_flush(struct us_pipe *p, struct us_departure *d);

static inline uint32_t us_pipe_qlen(const struct us_pipe *p)
{
	return p->q.n + (p->has_held ? 1 : 0);
}

static inline const struct us_counters *
us_pipe_counters(const struct us_pipe *p)
{
	return &p->ctr;
}

/* Re-key the pipe's node in s to us_pipe_next_ns().  0 or -ENOMEM. */
static inline int us_pipe_resched(struct us_pipe *p, struct us_sched *s)
{
	return us_sched_set(s, &p->sched, us_pipe_next_ns(p));
}

/* The pipe a us_sched node belongs to. */
static inline struct us_pipe *us_pipe_of(struct us_sched_node *nd)
{
	return (struct us_pipe *)((char *)nd - offsetof(struct us_pipe, sched));
}

/* Whether this link decides per wire packet — loss (and so ECN marks),
 * duplicate, corrupt, reorder, a netem rate with per-packet or per-cell
 * overhead — so that a GSO super-frame must be cut into wire frames
 * before it enters.  Delay, jitter, a plain netem rate and the token
 * bucket can take a super-frame whole, as the bytes it puts on a wire. */
bool us_pipe_per_packet(const struct us_pipe *p);

/* netem's serialisation time of len bytes at its rate (packet_time_ns). */
uint64_t us_pipe_packet_time_ns(const struct us_pipe *p, uint32_t len);
/* The burst chosen when the model gives none: 10 ms at the rate, at
 * least two full Ethernet frames. */
uint32_t us_tb_default_burst(uint64_t rate_Bps);

#endif
