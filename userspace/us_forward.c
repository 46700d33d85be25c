/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * us_forward.c — the userspace engine's forwarding: a frame read from
 * peer src's TAP goes to the peer its destination MAC names, or to every
 * other peer when it is broadcast or multicast (unless it carries another
 * peer's source address: us_guard.h); each copy passes through
 * the pipeline of its link src -> dst when that link is impaired, and is
 * written at once otherwise.  One timerfd serves every pipeline, armed
 * ahead of the next departure by the lead us_lead.c learns.
 */
#include "userspace/us_engine.h"

#include "common/clock.h"

#include "userspace/us_frame.h"
#include "userspace/us_gso.h"

#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static uint64_t real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The time handed to the pipelines: CLOCK_MONOTONIC, except that a
 * drain a little ahead of time (us_run_due's window) moves it forward, and
 * a frame read just after is not stamped before it. */
uint64_t us_pipe_clock(struct us_engine *u, uint64_t t)
{
	if (t > u->pclock)
		u->pclock = t;
	return u->pclock;
}

struct us_slot *us_slot_get(struct us_engine *u, unsigned src, unsigned dst)
{
	struct us_peer *p = &u->p[src - 1];

	if (!p->out) {
		p->out = calloc(u->n, sizeof(*p->out));
		if (!p->out)
			return NULL;
	}
	return &p->out[dst - 1];
}

void us_fbuf_put(struct us_engine *u, struct us_fbuf *f)
{
	if (--f->refs == 0) {
		u->queued_bytes -= f->len;
		free(f);
	}
}

/* Write one copy to dst's TAP, with its edits, and capture it. */
static void transmit(struct us_engine *u, unsigned dst, const uint8_t *data,
		     uint32_t len, uint32_t flags, uint32_t bit)
{
	struct us_peer *p = &u->p[dst - 1];

	if (p->dead || p->fd < 0)
		return;
	if (flags & (US_E_CE | US_E_CORRUPT)) {
		if (len > sizeof(u->scratch))
			len = sizeof(u->scratch);
		memcpy(u->scratch, data, len);
		if (flags & US_E_CE)
			us_frame_set_ce(u->scratch + VH, len - VH);
		if (flags & US_E_CORRUPT)
			us_frame_flip(u->scratch + VH, len - VH, bit);
		data = u->scratch;
	}
	if (write(p->fd, data, len) != (ssize_t)len)
		p->tx_errors++;
	if (p->pcap)
		(void)us_pcap_write(p->pcap, real_ns(), data + VH, len - VH,
				    NULL);
}

/* Write the run of segments gathered by pipe_drain(), if any. */
static void gro_flush(struct us_engine *u, struct us_peer *p)
{
	const uint8_t *out;
	uint32_t n = us_gro_take(u->gro, &out);

	if (n && write(p->fd, out, n) != (ssize_t)n)
		p->tx_errors++;
}

/* Everything due by now on pp, written to its destination.  Runs of
 * segments that a cut link let through untouched (no CE mark, no flipped
 * bit) go back together as one super-frame and one write() (us_gro.h);
 * the capture still records each wire frame. */
static void pipe_drain(struct us_engine *u, struct us_pipe *pp, uint64_t now)
{
	struct us_departure d;
	unsigned dst = (unsigned)(uintptr_t)pp->owner;
	struct us_peer *p = &u->p[dst - 1];

	while (us_pipe_dequeue(pp, now, &d)) {
		struct us_fbuf *f = d.cookie;
		const uint8_t *fr = f->data + VH;
		uint32_t fl = f->len - VH;

		if (f->cut && !(d.flags & (US_E_CE | US_E_CORRUPT)) &&
		    !p->dead && p->fd >= 0 &&
		    (us_gro_add(u->gro, fr, fl) ||
		     (gro_flush(u, p), us_gro_add(u->gro, fr, fl)))) {
			if (p->pcap)
				(void)us_pcap_write(p->pcap, real_ns(), fr, fl,
						    NULL);
		} else {
			gro_flush(u, p);
			transmit(u, dst, f->data, f->len, d.flags,
				 d.corrupt_bit);
		}
		us_fbuf_put(u, f);
	}
	gro_flush(u, p);
}

static uint64_t spin_limit(const struct us_engine *u)
{
	return us_lead_spin_limit(&u->lead[u->armed_bucket]);
}

/* Run what is due, then arm the timerfd for the next departure, ahead of
 * it by the lead learnt for waits of that length (us_lead.h says why and
 * how). */
void us_run_due(struct us_engine *u)
{
	struct us_sched_node *nd;
	uint64_t now = lk_now_ns(), next;
	bool waited = false;
	struct itimerspec its = {0};

	for (;;) {
		while ((nd = us_sched_peek(&u->sched)) &&
		       nd->key <= now + US_WINDOW) {
			struct us_pipe *pp = us_pipe_of(nd);

			/* Due by now + US_WINDOW: the pipeline is asked
			 * at the due time, not earlier. */
			pipe_drain(u, pp, us_pipe_clock(u, nd->key));
			if (us_pipe_resched(pp, &u->sched) < 0)
				us_sched_set(&u->sched, nd, UINT64_MAX);
		}
		if (!nd || waited || nd->key > now + spin_limit(u))
			break;
		while ((now = lk_now_ns()) + US_WINDOW < nd->key)
			;
		waited = true;
	}
	next = UINT64_MAX;
	if (nd)
		next = us_lead_arm_at(u->lead, nd->key, now, &u->armed_bucket);
	if (next == u->armed)
		return;
	if (next != UINT64_MAX) {
		its.it_value.tv_sec = (time_t)(next / 1000000000ull);
		its.it_value.tv_nsec = (long)(next % 1000000000ull);
		if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
			its.it_value.tv_nsec = 1;
	}
	if (timerfd_settime(u->tfd, TFD_TIMER_ABSTIME, &its, NULL) == 0) {
		u->armed = next;
		u->armed_lead = nd && next != nd->key;
	}
}

/* Into the link's pipeline: data (VH + frame, len bytes) as wire bytes
 * of frame.  *fb: the frame once copied for the pipelines (made on first
 * need, shared by every link that queues the same bytes). */
static void enqueue(struct us_engine *u, struct us_slot *s, const uint8_t *data,
		    uint32_t len, uint32_t wire, uint32_t in, uint64_t now,
		    struct us_fbuf **fb, bool cut)
{
	struct us_verdict v;

	/* The pipeline's contract: what is due by now leaves first. */
	pipe_drain(u, s->pipe, now);
	if (!*fb) {
		if (u->queued_bytes + len > US_MEM_BUDGET ||
		    !(*fb = malloc(sizeof(**fb) + len))) {
			s->budget_drops++;
			s->budget_bytes += wire;
			return;
		}
		(*fb)->refs = 1; /* ours until every link has it */
		(*fb)->len = len;
		(*fb)->cut = cut;
		memcpy((*fb)->data, data, len);
		u->queued_bytes += len;
	}
	us_pipe_enqueue(s->pipe, now, wire, in, *fb, &v);
	(*fb)->refs += v.queued;
	if (us_pipe_resched(s->pipe, &u->sched) < 0)
		us_sched_set(&u->sched, &s->pipe->sched, UINT64_MAX);
}

/* A copy that enters on its own (a segment, a completed frame): its
 * checksum is one we computed. */
static void enqueue_own(struct us_engine *u, struct us_slot *s,
			const uint8_t *data, uint32_t len, uint32_t in,
			uint64_t now)
{
	struct us_fbuf *fb = NULL;

	enqueue(u, s, data, len, len - VH, in, now, &fb, true);
	if (fb)
		us_fbuf_put(u, fb);
}

/* One copy of a frame from src to dst, at now.  A GSO super-frame goes
 * whole through an unimpaired link, and through a pipeline whose
 * decisions do not count packets (delay, jitter, rate: as the bytes of
 * its wire frames); otherwise it is cut into wire frames first, each
 * with a complete checksum, so that loss, duplication, reordering and
 * corruption hit wire packets and a flipped bit fails the receiver's
 * checksum.  For the same reason a frame whose checksum the sender left
 * to the device (NEEDS_CSUM) has it completed before such a link. */
static void deliver(struct us_engine *u, unsigned src, unsigned dst,
		    const uint8_t *data, uint32_t len, uint32_t in,
		    uint64_t now, struct us_fbuf **fb)
{
	const struct virtio_net_hdr *h = (const void *)data;
	struct us_slot *s = us_slot_get(u, src, dst);
	struct us_gso g;
	uint32_t wire = len - VH, n;
	bool cut;

	if (!s)
		return;
	if (!s->pipe) {
		s->pkts++;
		s->bytes += wire;
		transmit(u, dst, data, len, 0, 0);
		return;
	}
	cut = us_pipe_per_packet(s->pipe);
	if (h->gso_type != VIRTIO_NET_HDR_GSO_NONE) {
		if (us_gso_begin(&g, h, data + VH, len - VH) < 0) {
			u->p[src - 1].rx_bad++;
			return;
		}
		wire = us_gso_wire_len(&g);
		if (s->pipe->tb_rate && wire > s->pipe->tb_burst)
			cut = true; /* as tbf_segment() */
		if (cut) {
			memset(u->sbuf, 0, VH);
			while ((n = us_gso_next(&g, u->sbuf + VH,
						US_READ_BUF - VH)))
				enqueue_own(u, s, u->sbuf, VH + n, in, now);
			return;
		}
	} else if (cut && (h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)) {
		memcpy(u->sbuf, data, len);
		if (us_csum_complete(u->sbuf + VH, len - VH, h->csum_start,
				     h->csum_offset)) {
			memset(u->sbuf, 0, VH);
			enqueue_own(u, s, u->sbuf, len, in, now);
			return;
		}
	}
	enqueue(u, s, data, len, wire, in, now, fb, false);
}

/* buf: VH bytes of header, then the Ethernet frame; len: both. */
void us_on_frame(struct us_engine *u, unsigned src, const uint8_t *buf,
		 uint32_t len, uint64_t now)
{
	struct us_peer *p = &u->p[src - 1];
	const struct virtio_net_hdr *h = (const void *)buf;
	const uint8_t *f = buf + VH;
	struct us_fbuf *fb = NULL;
	uint32_t in, flen = len > VH ? len - VH : 0;

	p->rx_frames++;
	/* Super-frames only from a TAP that was asked for them. */
	if (flen < US_MIN_FRAME ||
	    (flen > US_MAX_FRAME &&
	     (h->gso_type == VIRTIO_NET_HDR_GSO_NONE || !p->offloads))) {
		p->rx_bad++;
		return;
	}
	if (p->pcap)
		(void)us_pcap_write(p->pcap, real_ns(), f, flen, NULL);
	/* Another peer's MAC or addresses: nowhere (us_guard.h). */
	if (!us_guard_ok(&p->guard, f, flen)) {
		p->rx_spoofed++;
		return;
	}
	in = us_frame_ect(f, flen) ? US_IN_ECT : 0;
	if (f[0] & 1) {
		/* Broadcast and multicast: every other peer. */
		for (unsigned d = 1; d <= u->n; d++)
			if (d != src && !u->p[d - 1].dead)
				deliver(u, src, d, buf, len, in, now, &fb);
	} else {
		unsigned dst =
		    (unsigned)f[3] << 16 | (unsigned)f[4] << 8 | f[5];

		if (f[0] == 0x02 && f[1] == 0x6c && f[2] == 0x6b && dst >= 1 &&
		    dst <= u->n && dst != src)
			deliver(u, src, dst, buf, len, in, now, &fb);
		else
			p->rx_unknown++;
	}
	if (fb)
		us_fbuf_put(u, fb);
}
