// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * us_pipeline.c — one link: tbf_enqueue() -> netem_enqueue() on the way
 * in, netem's tfifo -> tbf_dequeue() on the way out, as in the kernel's
 * sch_netem.c and sch_tbf.c.  See docs/userspace-engine.md.
 */
#include "userspace/us_pipeline.h"

#include "common/error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define NSEC_PER_SEC 1000000000ull
#define ETH_FRAME_MAX 1514u
#define IN_CE (1u << 31) /* internal: a duplicate of a CE-marked frame */

bool us_pipe_per_packet(const struct us_pipe *p)
{
	bool loss = p->loss.model == LK_LOSS_RANDOM
			? p->loss.loss != 0
			: p->loss.model != LK_LOSS_NONE;

	return loss || p->duplicate || p->corrupt || p->reorder ||
	       (p->rate && (p->packet_overhead || p->cell_size));
}

uint32_t us_tb_default_burst(uint64_t rate_Bps)
{
	uint64_t b = rate_Bps / 100;

	if (b < 2 * ETH_FRAME_MAX)
		b = 2 * ETH_FRAME_MAX;
	return b > UINT32_MAX ? UINT32_MAX : (uint32_t)b;
}

static int configure(struct us_pipe *p, const struct lk_impair *im,
		     struct lk_error *e)
{
	const struct lk_dist_table *t = im->table;

	if (t && !t->len)
		return lk_error_set(e, EINVAL,
				    "userspace link: empty "
				    "distribution table");
	if (!t && im->dist != LK_DIST_NONE && im->dist != LK_DIST_UNIFORM)
		return lk_error_set(e, EINVAL,
				    "userspace link: the delay "
				    "distribution has no table loaded");

	p->down = im->down;
	p->ecn = im->ecn;
	p->limit = im->limit ? im->limit : US_DEFAULT_LIMIT;
	p->latency =
	    im->delay_ns > INT64_MAX ? INT64_MAX : (int64_t)im->delay_ns;
	/* netem caps jitter to what tabledist() takes */
	p->jitter =
	    im->jitter_ns > INT32_MAX ? INT32_MAX : (int32_t)im->jitter_ns;
	p->table = t;
	p->duplicate = im->duplicate;
	p->corrupt = im->corrupt;
	p->reorder = im->reorder;
	p->gap = im->gap;
	/* tc: "reorder P" without a gap means gap 1 */
	if (p->reorder && !p->gap)
		p->gap = 1;
	p->rate = im->rate_Bps;
	p->packet_overhead = im->packet_overhead;
	p->cell_size = im->cell_size;
	p->cell_overhead = im->cell_overhead;

	p->tb_rate = im->tb_rate_Bps;
	if (p->tb_rate) {
		p->tb_burst = im->tb_burst ? im->tb_burst
					   : us_tb_default_burst(p->tb_rate);
		p->tb_buffer = (int64_t)((uint64_t)p->tb_burst * NSEC_PER_SEC /
					 p->tb_rate);
		p->tb_tokens = p->tb_buffer; /* tbf_change() refills */
	}

	/* netem_change(): restart correlations, loss state, gap counter */
	us_crandom_init(&p->delay_cor, im->delay_corr, &p->rng);
	us_crandom_init(&p->dup_cor, im->duplicate_corr, &p->rng);
	us_crandom_init(&p->reorder_cor, im->reorder_corr, &p->rng);
	us_crandom_init(&p->corrupt_cor, im->corrupt_corr, &p->rng);
	us_loss_init(&p->loss, im, &p->rng);
	p->counter = 0;

	if (p->limit > p->q.cap && us_queue_resize(&p->q, p->limit) < 0)
		return lk_error_set(e, ENOMEM,
				    "userspace link: queue of %u "
				    "packets",
				    p->limit);
	return 0;
}

int us_pipe_new(struct us_pipe **out, const struct lk_impair *im, uint64_t seed,
		uint32_t src, uint32_t dst, struct lk_error *e)
{
	struct us_pipe *p = calloc(1, sizeof(*p));
	int r;

	if (!p)
		return lk_error_set(e, ENOMEM, "userspace link %u-%u", src,
				    dst);
	us_sched_node_init(&p->sched);
	us_rng_seed(&p->rng, seed, src, dst);
	r = configure(p, im, e);
	if (r < 0) {
		us_pipe_free(p);
		lk_error_wrap(e, "link %u-%u", src, dst);
		return r;
	}
	*out = p;
	return 0;
}

void us_pipe_free(struct us_pipe *p)
{
	if (!p)
		return;
	us_queue_free(&p->q);
	free(p);
}

int us_pipe_update(struct us_pipe *p, const struct lk_impair *im,
		   struct lk_error *e)
{
	return configure(p, im, e);
}

uint64_t us_pipe_packet_time_ns(const struct us_pipe *p, uint32_t len)
{
	int64_t l = (int64_t)len + p->packet_overhead;
	uint64_t bytes;

	if (!p->rate)
		return 0;
	if (l < 0)
		l = 0;
	bytes = (uint64_t)l;
	if (p->cell_size) {
		uint64_t cells = bytes / p->cell_size;

		if (bytes > cells * p->cell_size) /* a part-filled cell */
			cells++;
		l = (int64_t)cells * ((int64_t)p->cell_size + p->cell_overhead);
		bytes = l < 0 ? 0 : (uint64_t)l;
	}
	return bytes * NSEC_PER_SEC / p->rate;
}

static void drop(struct us_pipe *p, struct us_verdict *v, enum us_drop c,
		 uint32_t len)
{
	p->ctr.dropped_pkts[c]++;
	p->ctr.dropped_bytes[c] += len;
	if (c == US_DROP_LIMIT)
		p->ctr.queue_overflows++;
	if (!v->dropped++)
		v->cause = c;
}

static void netem_enqueue(struct us_pipe *p, uint64_t now, uint32_t len,
			  uint32_t in, void *cookie, bool is_dup,
			  struct us_verdict *v);

/* tbf_enqueue(): a packet larger than the bucket can never be sent. */
static void tbf_enqueue(struct us_pipe *p, uint64_t now, uint32_t len,
			uint32_t in, void *cookie, bool is_dup,
			struct us_verdict *v)
{
	if (p->tb_rate && len > p->tb_burst) {
		drop(p, v, US_DROP_TB, len);
		return;
	}
	netem_enqueue(p, now, len, in, cookie, is_dup, v);
}

static void netem_enqueue(struct us_pipe *p, uint64_t now, uint32_t len,
			  uint32_t in, void *cookie, bool is_dup,
			  struct us_verdict *v)
{
	struct us_qent x = {.cookie = cookie, .len = len};
	bool dup = false;

	if (is_dup)
		x.flags |= US_E_DUP | (in & IN_CE ? US_E_CE : 0);

	/* Random duplication; a duplicate is never duplicated again. */
	if (p->duplicate && !is_dup &&
	    p->duplicate >= us_crandom_next(&p->dup_cor, &p->rng))
		dup = true;

	/* Drop packet?  With ecn, an ECN-capable one is marked instead
	 * (INET_ECN_set_ce() refuses Not-ECT and CE packets).  A packet
	 * both duplicated and lost goes on as one copy: counted as one
	 * duplicate and one loss. */
	if (us_loss_event(&p->loss, &p->rng)) {
		if (p->ecn && (in & US_IN_ECT)) {
			x.flags |= US_E_CE;
			p->ctr.ecn_marked++;
		} else if (dup) {
			dup = false;
			p->ctr.duplicated++;
			drop(p, v, US_DROP_LOSS, len);
		} else {
			drop(p, v, US_DROP_LOSS, len);
			return;
		}
	}

	/* Corruption: one random bit of the frame, the duplicate (cloned
	 * before) keeps its bytes. */
	if (p->corrupt &&
	    p->corrupt >= us_crandom_next(&p->corrupt_cor, &p->rng) && len) {
		uint32_t byte = us_rng_below(&p->rng, len);

		x.corrupt_bit = byte * 8 + us_rng_below(&p->rng, 8);
		x.flags |= US_E_CORRUPT;
		p->ctr.corrupted++;
	}

	if (us_pipe_qlen(p) >= p->limit) {
		drop(p, v, US_DROP_LIMIT, len);
		if (dup) { /* the clone is freed with it */
			p->ctr.duplicated++;
			drop(p, v, US_DROP_LIMIT, len);
		}
		return;
	}

	/* The duplicate re-enters at the top of the tree, before the
	 * original is queued; it shares a CE mark made above. */
	if (dup) {
		/* a CE frame is no longer ECT: netem would drop it */
		uint32_t din = x.flags & US_E_CE ? IN_CE : in;

		p->ctr.duplicated++;
		tbf_enqueue(p, now, len, din, cookie, true, v);
	}

	if (p->gap == 0 || p->counter < p->gap - 1 ||
	    p->reorder < us_crandom_next(&p->reorder_cor, &p->rng)) {
		int64_t delay = us_tabledist(p->latency, p->jitter,
					     &p->delay_cor, &p->rng, p->table);
		int64_t t = (int64_t)now, tts;

		if (p->rate) {
			/* The last packet queued is the reference point. */
			if (p->q.n) {
				delay -= (int64_t)p->last_tts - t;
				if (delay < 0)
					delay = 0;
				t = (int64_t)p->last_tts;
			}
			delay += (int64_t)us_pipe_packet_time_ns(p, len);
		}
		tts = t + delay;
		x.tts_ns = tts < 1 ? 1 : (uint64_t)tts;
		x.key = x.tts_ns;
		x.seq = ++p->seq;
		++p->counter;
	} else {
		/* Reordered: to the head of the queue, sent at once. */
		x.tts_ns = now;
		x.key = 0;
		x.seq = --p->head_seq; /* __qdisc_enqueue_head: last first */
		x.flags |= US_E_REORDERED;
		p->counter = 0;
		p->ctr.reordered++;
	}
	if (us_queue_push(&p->q, &x) < 0) { /* cannot happen: cap >= limit */
		drop(p, v, US_DROP_LIMIT, len);
		return;
	}
	if (x.tts_ns > p->last_tts)
		p->last_tts = x.tts_ns;
	if (v->queued < 2)
		v->copy[v->queued] = (struct us_copy){
		    .tts_ns = x.tts_ns,
		    .flags = x.flags,
		    .corrupt_bit = x.corrupt_bit,
		};
	v->queued++;
}

unsigned us_pipe_enqueue(struct us_pipe *p, uint64_t now, uint32_t len,
			 uint32_t in, void *cookie, struct us_verdict *v)
{
	struct us_verdict scratch;

	if (!v)
		v = &scratch;
	memset(v, 0, sizeof(*v));
	p->ctr.offered_pkts++;
	p->ctr.offered_bytes += len;
	if (p->down)
		drop(p, v, US_DROP_DOWN, len);
	else
		tbf_enqueue(p, now, len, in & US_IN_ECT, cookie, false, v);
	return v->queued;
}

/* ---- the way out: netem's tfifo, then tbf's bucket ------------------- */

static inline uint64_t ready_ns(const struct us_qent *x)
{
	return x->key ? x->key : x->tts_ns;
}

/* A copy's cost in ns of tokens.  Never more than the bucket holds: a copy
 * queued before the burst shrank would otherwise block the link for ever
 * (the kernel's tbf would; we let it go with a full bucket). */
static inline int64_t tb_l2t(const struct us_pipe *p, uint32_t len)
{
	int64_t need = (int64_t)((uint64_t)len * NSEC_PER_SEC / p->tb_rate);

	return need > p->tb_buffer ? p->tb_buffer : need;
}

static inline int64_t tb_toks_at(const struct us_pipe *p, uint64_t t)
{
	int64_t toks = (int64_t)(t - p->tb_tc);

	if (toks > p->tb_buffer)
		toks = p->tb_buffer;
	toks += p->tb_tokens;
	if (toks > p->tb_buffer)
		toks = p->tb_buffer;
	return toks;
}

/* When tbf lets x go: as soon as it is ready, after the previous one,
 * with len's worth of tokens in the bucket. */
static uint64_t tb_due(const struct us_pipe *p, const struct us_qent *x)
{
	uint64_t base = ready_ns(x);
	int64_t toks, need = tb_l2t(p, x->len);

	if (!p->tb_started)
		return base; /* a full bucket: tbf starts full */
	if (base < p->tb_tc)
		base = p->tb_tc;
	toks = tb_toks_at(p, base);
	return toks >= need ? base : base + (uint64_t)(need - toks);
}

static void tb_consume(struct us_pipe *p, const struct us_qent *x, uint64_t t)
{
	if (!p->tb_started) {
		p->tb_started = true;
		p->tb_tc = t;
		p->tb_tokens = p->tb_buffer;
	}
	p->tb_tokens = tb_toks_at(p, t) - tb_l2t(p, x->len);
	p->tb_tc = t;
}

static void deliver(struct us_pipe *p, const struct us_qent *x, uint64_t due,
		    struct us_departure *d)
{
	*d = (struct us_departure){
	    .cookie = x->cookie,
	    .len = x->len,
	    .flags = x->flags,
	    .corrupt_bit = x->corrupt_bit,
	    .tts_ns = x->tts_ns,
	    .due_ns = due,
	};
	p->ctr.delivered_pkts++;
	p->ctr.delivered_bytes += x->len;
}

bool us_pipe_dequeue(struct us_pipe *p, uint64_t now, struct us_departure *d)
{
	struct us_qent x;
	uint64_t due;

	if (!p->has_held) {
		const struct us_qent *top = us_queue_peek(&p->q);

		if (!top || top->key > now)
			return false;
		us_queue_pop(&p->q, &x);
		if (!p->tb_rate) {
			deliver(p, &x, ready_ns(&x), d);
			return true;
		}
		/* tbf peeked it out of netem: it goes next, whatever
		 * netem queues meanwhile. */
		p->held = x;
		p->has_held = true;
	}
	if (!p->tb_rate) { /* the bucket was removed while one was held */
		p->has_held = false;
		deliver(p, &p->held, ready_ns(&p->held), d);
		return true;
	}
	due = tb_due(p, &p->held);
	if (due > now)
		return false;
	tb_consume(p, &p->held, due);
	p->has_held = false;
	deliver(p, &p->held, due, d);
	return true;
}

uint64_t us_pipe_next_ns(const struct us_pipe *p)
{
	const struct us_qent *x = p->has_held ? &p->held : us_queue_peek(&p->q);

	if (!x)
		return UINT64_MAX;
	if (!p->tb_rate)
		return ready_ns(x);
	return tb_due(p, x);
}

bool us_pipe_flush(struct us_pipe *p, struct us_departure *d)
{
	struct us_qent x;

	if (p->has_held) {
		p->has_held = false;
		x = p->held;
	} else if (!us_queue_pop(&p->q, &x)) {
		return false;
	}
	*d = (struct us_departure){
	    .cookie = x.cookie,
	    .len = x.len,
	    .flags = x.flags,
	    .corrupt_bit = x.corrupt_bit,
	    .tts_ns = x.tts_ns,
	    .due_ns = x.tts_ns,
	};
	return true;
}
