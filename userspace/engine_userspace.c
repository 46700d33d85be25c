/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * engine_userspace.c — the supervisor forwards every frame itself.
 *
 * Each peer's eth0 is a TAP device created inside the peer's network
 * namespace (so it gets ifindex 2 there); the supervisor keeps its
 * descriptor.  A frame read from peer src's TAP goes to the peer its
 * destination MAC names (lk_plan_mac), or to every other peer when it is
 * broadcast or multicast; each copy passes through the pipeline of its
 * own link src -> dst (us_pipeline.h) when that link is impaired, and is
 * written at once otherwise.  One timerfd (us_sched) serves every
 * pipeline.  Everything runs on the supervisor's epoll loop.
 */
#include "engine/engine.h"

#include "common/cleanup.h"
#include "common/error.h"
#include "userspace/us_frame.h"
#include "userspace/us_gso.h"
#include "userspace/us_gro.h"
#include "userspace/us_pcap.h"
#include "userspace/us_pipeline.h"
#include "userspace/us_sched.h"
#include "launcher/launch_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define US_MIN_FRAME 14u		   /* an Ethernet header */
#define US_MAX_FRAME (9216u + 18u)	   /* jumbo frame, tagged */
#define US_READ_BUF (VH + 65536u + 64u)	   /* a GSO super-frame fits */
#define US_READS_PER_ROUND 64		   /* per peer per wake-up */
#define US_MEM_BUDGET (256u * 1024 * 1024) /* bytes queued, all links */
#define TAG_TIMER 0u
/* Every frame on a TAP starts with a virtio-net header (IFF_VNET_HDR):
 * it says whether the frame is a GSO super-frame or needs its checksum
 * completed, and travels with the frame to the receiving TAP. */
#define VH ((uint32_t)sizeof(struct virtio_net_hdr))
#ifndef TUN_F_USO4
#define TUN_F_USO4 0x20
#define TUN_F_USO6 0x40
#endif
#define US_OFFLOADS (TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN)
#define US_OFFLOADS_USO (US_OFFLOADS | TUN_F_USO4 | TUN_F_USO6)

/* A frame held by one or more pipelines. */
struct us_fbuf {
	uint32_t refs;
	uint32_t len;
	bool cut; /* its checksum is ours (us_gso): us_gro may merge it */
	uint8_t data[];
};

/* The link src -> dst.  Unimpaired links have no pipeline: their frames
 * are written at once and only counted here. */
struct us_slot {
	struct us_pipe *pipe;
	uint64_t pkts, bytes; /* offered and delivered without a pipeline */
	uint64_t budget_drops, budget_bytes; /* refused: memory budget */
};

struct us_peer {
	int fd;
	bool dead; /* its TAP is gone (the peer's namespace ended) */
	int pcap_fd;
	struct us_pcap *pcap;
	bool offloads;	     /* its TAP hands over GSO super-frames */
	struct us_slot *out; /* [n], indexed by dst - 1; NULL until used */
	uint64_t rx_frames, rx_bad, rx_unknown, tx_errors;
};

#define US_LEAD_BUCKETS 6

struct us_engine {
	unsigned n;
	uint64_t seed;
	struct us_peer *p; /* [n], indexed by id - 1 */
	struct us_sched sched;
	int tfd;
	uint64_t armed;	 /* the timerfd's deadline, UINT64_MAX when idle */
	/* How far ahead of a departure the timer is set, learnt per
	 * length of the wait (run_due's comment). */
	struct us_lead {
		uint64_t early;
		unsigned n; /* wake-ups that measured it, up to US_WARM */
	} lead[US_LEAD_BUCKETS];
	unsigned armed_bucket; /* the lead[] the armed timer used */
	bool armed_lead;       /* armed that far ahead of the departure */
	uint64_t pclock; /* the pipelines' clock: never goes back */
	size_t queued_bytes;
	uint8_t *rbuf;
	struct us_gro *gro; /* pipe_drain(): segments merged for one write */
	uint8_t *sbuf;	    /* one segment of a super-frame, or a frame whose
			     * checksum is completed, with its header */
	bool boosted;	    /* sched_boost() changed our scheduling */
	int32_t nice_was;
	uint8_t scratch[VH + US_MAX_FRAME];
};

static struct us_engine *us_of(struct lk_launch *l)
{
	return l->engine_priv;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The time handed to the pipelines: CLOCK_MONOTONIC, except that a
 * drain a little ahead of time (run_due's window) moves it forward, and
 * a frame read just after is not stamped before it. */
static uint64_t pipe_clock(struct us_engine *u, uint64_t t)
{
	if (t > u->pclock)
		u->pclock = t;
	return u->pclock;
}

static bool us_usable(struct lk_launch *l, char *why, size_t len)
{
	(void)l;
	if (access("/dev/net/tun", R_OK | W_OK) == 0)
		return true;
	snprintf(why, len, "/dev/net/tun: %s", strerror(errno));
	return false;
}

static struct us_slot *slot_get(struct us_engine *u, unsigned src, unsigned dst)
{
	struct us_peer *p = &u->p[src - 1];

	if (!p->out) {
		p->out = calloc(u->n, sizeof(*p->out));
		if (!p->out)
			return NULL;
	}
	return &p->out[dst - 1];
}

static void fbuf_put(struct us_engine *u, struct us_fbuf *f)
{
	if (--f->refs == 0) {
		u->queued_bytes -= f->len;
		free(f);
	}
}

/* One frame into peer p's capture.  A write that fails (a full disk)
 * stops that capture, and says so once: the launch goes on. */
static void capture(struct us_engine *u, struct us_peer *p,
		    const void *frame, size_t len)
{
	struct lk_error e = {0};

	if (us_pcap_write(p->pcap, real_ns(), frame, len, &e) == 0)
		return;
	fprintf(stderr,
		"linkem-launch: peer%u.pcap: %s; that capture stops here\n",
		(unsigned)(p - u->p) + 1, e.msg);
	us_pcap_close(p->pcap, NULL);
	p->pcap = NULL;
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
		capture(u, p, data + VH, len - VH);
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
				capture(u, p, fr, fl);
		} else {
			gro_flush(u, p);
			transmit(u, dst, f->data, f->len, d.flags,
				 d.corrupt_bit);
		}
		fbuf_put(u, f);
	}
	gro_flush(u, p);
}

/* Run what is due, then arm the timerfd for the next departure.
 *
 * A timer wake-up comes late: a few µs on an idle host, 50-100 µs under
 * load, 150-600 µs in a TCG VM, and the longer the CPU was idle, the
 * later (deeper idle states; a halted vCPU).  So the timer is set ahead
 * of the departure by an estimate learnt for waits of about that length
 * (lead_bucket(): under 0.5, 2, 8, 32, 128 ms, longer): a running
 * estimate of the *median* of that lateness, a quantile tracker, one
 * step up when a wake-up is later than the estimate, one down when
 * earlier, robust to the long tail an average would follow.  The step is
 * 1/32 of the estimate (2 µs at least), so that it stays fine-grained on
 * a fast platform and follows a slow one.  The first US_WARM wake-ups of
 * each length move it halfway to what they measured instead, so that it
 * is about right from the start (a launch with a long delay has few
 * wake-ups).  Wake-ups then land on the due time half of the time early,
 * half late.  Early by at most US_WINDOW: the copies leave at once (they
 * are that close, and so departures that close share one wake-up).
 * Early by at most spin_limit() (US_SPIN, or half the lead when that is
 * more): the loop waits the rest out.  Earlier still: the timer is armed
 * again, for the due time itself.  The CPU is never spun for long: at most
 * spin_limit() per wake-up, and only for the early half of them. */
#define US_WINDOW 10000ull
#define US_SPIN 50000ull
#define US_EARLY_MAX 2000000ull
#define US_LATE_STEP 2000ull /* ns per timer wake-up, at least */
#define US_WARM 16

static unsigned lead_bucket(uint64_t wait)
{
	unsigned b = 0;

	for (uint64_t lim = 500000; b + 1 < US_LEAD_BUCKETS && wait >= lim;
	     lim *= 4)
		b++;
	return b;
}

/* A wake-up armed with the lead ld came late by late ns (0 when early). */
static void lead_learn(struct us_lead *ld, uint64_t late)
{
	uint64_t step =
	    ld->early / 32 > US_LATE_STEP ? ld->early / 32 : US_LATE_STEP;

	if (ld->n < US_WARM) {
		ld->n++;
		if (late > US_EARLY_MAX)
			late = US_EARLY_MAX;
		ld->early = (ld->early + late) / 2;
	} else if (late > ld->early && ld->early < US_EARLY_MAX) {
		ld->early += step;
	} else if (late < ld->early && ld->early >= step) {
		ld->early -= step;
	}
}

static uint64_t spin_limit(const struct us_engine *u)
{
	uint64_t early = u->lead[u->armed_bucket].early;

	return early / 2 > US_SPIN ? early / 2 : US_SPIN;
}

static void run_due(struct us_engine *u)
{
	struct us_sched_node *nd;
	uint64_t now = mono_ns(), next;
	bool waited = false;
	struct itimerspec its = {0};

	for (;;) {
		while ((nd = us_sched_peek(&u->sched)) &&
		       nd->key <= now + US_WINDOW) {
			struct us_pipe *pp = us_pipe_of(nd);

			/* Due by now + US_WINDOW: the pipeline is asked
			 * at the due time, not earlier. */
			pipe_drain(u, pp, pipe_clock(u, nd->key));
			if (us_pipe_resched(pp, &u->sched) < 0)
				us_sched_set(&u->sched, nd, UINT64_MAX);
		}
		if (!nd || waited || nd->key > now + spin_limit(u))
			break;
		while ((now = mono_ns()) + US_WINDOW < nd->key)
			;
		waited = true;
	}
	next = UINT64_MAX;
	if (nd) {
		unsigned b = lead_bucket(nd->key > now ? nd->key - now : 0);
		uint64_t early = u->lead[b].early;

		next = nd->key - early;
		if (nd->key < now + early + US_WINDOW)
			next = nd->key; /* no time for a lead: due time */
		else
			u->armed_bucket = b;
	}
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
		fbuf_put(u, fb);
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
	struct us_slot *s = slot_get(u, src, dst);
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
static void on_frame(struct us_engine *u, unsigned src, const uint8_t *buf,
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
		capture(u, p, f, flen);
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
		fbuf_put(u, fb);
}

static void peer_gone(struct lk_launch *l, struct us_peer *p)
{
	p->dead = true;
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, p->fd, NULL);
}

static int us_on_event(struct lk_launch *l, uint32_t tag, uint32_t events,
		       struct lk_error *e)
{
	struct us_engine *u = us_of(l);

	(void)e;
	(void)events;
	if (!u)
		return 0;
	if (tag == TAG_TIMER) {
		uint64_t ticks;

		(void)!read(u->tfd, &ticks, sizeof(ticks));
		if (u->armed != UINT64_MAX && u->armed_lead) {
			/* How late past the armed time, against the
			 * estimate: it settles on the median. */
			uint64_t now = mono_ns();

			lead_learn(&u->lead[u->armed_bucket],
				   now > u->armed ? now - u->armed : 0);
		}
		u->armed = UINT64_MAX; /* it fired: re-arm whatever is next */
		run_due(u);
		return 0;
	}
	if (tag > u->n)
		return 0;
	struct us_peer *p = &u->p[tag - 1];

	for (int i = 0; i < US_READS_PER_ROUND && !p->dead; i++) {
		ssize_t len = read(p->fd, u->rbuf, US_READ_BUF);

		if (len < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				peer_gone(l, p);
			break;
		}
		if (len == 0) {
			peer_gone(l, p);
			break;
		}
		on_frame(u, tag, u->rbuf, (uint32_t)len,
			 pipe_clock(u, mono_ns()));
	}
	run_due(u);
	return 0;
}

/* Every peer's TAP hands over GSO super-frames and leaves checksums to
 * the device (deliver() cuts them where a link needs wire frames), as a
 * veth would: a TCP stream costs a few syscalls per 64 KiB.  UDP
 * segmentation (USO) too where the kernel has it (6.2). */
static void set_offloads(struct us_engine *u, unsigned id)
{
	struct us_peer *p = &u->p[id - 1];

	if (ioctl(p->fd, TUNSETOFFLOAD, US_OFFLOADS_USO) == 0 ||
	    ioctl(p->fd, TUNSETOFFLOAD, US_OFFLOADS) == 0)
		p->offloads = true;
}

static int make_pipe(struct us_engine *u, unsigned src, unsigned dst,
		     const struct lk_impair *imp, struct lk_error *e)
{
	struct us_slot *s = slot_get(u, src, dst);
	int r;

	if (!s)
		return lk_error_set(e, ENOMEM, "out of memory");
	r = us_pipe_new(&s->pipe, imp, u->seed, src, dst, e);
	if (r < 0)
		return r;
	s->pipe->owner = (void *)(uintptr_t)dst;
	return 0;
}

static int us_init(struct lk_launch *l, struct lk_error *e)
{
	struct us_engine *u = calloc(1, sizeof(*u));
	const unsigned n = l->plan.n;
	int r;

	if (!u)
		return lk_error_set(e, ENOMEM, "out of memory");
	l->engine_priv = u;
	u->n = n;
	u->tfd = -1;
	u->armed = UINT64_MAX;
	for (unsigned b = 0; b < US_LEAD_BUCKETS; b++)
		u->lead[b].early = 50000; /* typical of this VM; it adapts */
	us_sched_init(&u->sched);
	u->p = calloc(n, sizeof(*u->p));
	u->rbuf = malloc(US_READ_BUF);
	u->sbuf = malloc(US_READ_BUF);
	u->gro = malloc(sizeof(*u->gro));
	if (!u->p || !u->rbuf || !u->sbuf || !u->gro)
		return lk_error_set(e, ENOMEM, "out of memory");
	us_gro_init(u->gro);
	for (unsigned i = 0; i < n; i++)
		u->p[i].fd = u->p[i].pcap_fd = -1;

	if (l->opts.seed_set) {
		u->seed = l->opts.seed;
	} else {
		if (getrandom(&u->seed, sizeof(u->seed), 0) !=
		    (ssize_t)sizeof(u->seed))
			u->seed = mono_ns() ^ ((uint64_t)getpid() << 32);
		/* Printed when random decisions can be made, so that the
		 * run can be replayed. */
		if (!l->opts.quiet && (l->links.len || l->opts.control ||
				       l->opts.at.n || l->opts.scenario))
			fprintf(stderr,
				"linkem-launch: seed %llu (replay with "
				"--seed %llu)\n",
				(unsigned long long)u->seed,
				(unsigned long long)u->seed);
	}
	/* Departures are timed to the microsecond, not to the default
	 * 50 µs of timer slack. */
	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);

	for (unsigned src = 1; src <= n; src++) {
		for (unsigned dst = lk_links_next_dst(&l->links, src, 0); dst;
		     dst = lk_links_next_dst(&l->links, src, dst)) {
			struct lk_impair imp;

			if (!lk_links_resolve(&l->links, src, dst, &imp) ||
			    lk_impair_is_noop(&imp))
				continue;
			r = make_pipe(u, src, dst, &imp, e);
			if (r < 0)
				return r;
		}
	}

	if (l->opts.pcap_dir && mkdir(l->opts.pcap_dir, 0755) < 0 &&
	    errno != EEXIST)
		return lk_error_errno(e, "create pcap directory '%s'",
				      l->opts.pcap_dir);
	u->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (u->tfd < 0)
		return lk_error_errno(e, "create the userspace engine's timer");
	return lk_launch_watch(l, u->tfd, EPOLLIN, TAG_TIMER, e);
}

/* Open a TAP named eth0 inside the network namespace of nsfd: the first
 * device there after lo, so ifindex 2. */
static int tap_in_netns(int nsfd, int back_fd, unsigned id, int *out,
			struct lk_error *e)
{
	struct ifreq ifr = {0};
	int fd, r = 0;

	if (setns(nsfd, CLONE_NEWNET) < 0)
		return lk_error_errno(e, "enter peer%u's network namespace",
				      id);
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		r = lk_error_errno(e, "open /dev/net/tun for peer%u", id);
		goto back;
	}
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "eth0");
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		r = lk_error_errno(e, "create TAP eth0 in peer%u", id);
		goto back;
	}
	if (if_nametoindex("eth0") != LK_PEER_ETH0_IFINDEX)
		r = lk_error_set(e, EEXIST,
				 "TAP eth0 in peer%u did not get ifindex %d",
				 id, LK_PEER_ETH0_IFINDEX);
back:
	if (setns(back_fd, CLONE_NEWNET) < 0 && r == 0)
		r = lk_error_errno(e, "return from peer%u's namespace", id);
	if (r < 0) {
		if (fd >= 0)
			close(fd);
		return r;
	}
	*out = fd;
	return 0;
}

static int us_add_peer(struct lk_launch *l, unsigned idx, struct lk_error *e)
{
	struct us_engine *u = us_of(l);
	struct us_peer *p = &u->p[idx];
	const unsigned id = idx + 1;
	struct ifreq ifr = {0};
	int r;

	r = tap_in_netns(l->peers[idx].pidfd, l->hub.orig_netns, id, &p->fd, e);
	if (r < 0)
		return r;
	ifr.ifr_hwaddr.sa_family = 1; /* ARPHRD_ETHER */
	lk_plan_mac(&l->plan, id, (uint8_t *)ifr.ifr_hwaddr.sa_data);
	if (ioctl(p->fd, SIOCSIFHWADDR, &ifr) < 0)
		return lk_error_errno(e, "set the MAC address of peer%u", id);
	set_offloads(u, id);
	if (l->opts.pcap_dir) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/peer%u.pcap", l->opts.pcap_dir,
			 id);
		p->pcap_fd =
		    open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (p->pcap_fd < 0)
			return lk_error_errno(e, "open '%s'", path);
		r = us_pcap_open(&p->pcap, p->pcap_fd, true, 0, e);
		if (r < 0)
			return lk_error_wrap(e, "'%s'", path);
	}
	return lk_launch_watch(l, p->fd, EPOLLIN, id, e);
}

static int us_commit(struct lk_launch *l, struct lk_error *e)
{
	(void)l;
	(void)e;
	return 0;
}

/* sched_attr as of SCHED_ATTR_SIZE_VER0 (glibc has no wrapper). */
struct us_sched_attr {
	uint32_t size, policy;
	uint64_t flags;
	int32_t nice;
	uint32_t priority;
	uint64_t runtime, deadline, period;
};
#define US_SCHED_RESET_ON_FORK 0x01
#define US_SLICE_NS 100000ull /* EEVDF's minimum: 0.1 ms */
#define US_NICE (-10)

/* A departure is due at a precise time, and every frame of every peer
 * passes through this loop: when its timer fires or a frame arrives, the
 * supervisor should run at once, not after the slices of the peers'
 * processes on that CPU (the kernel's bridge forwards in softirq, ahead
 * of every task).  So, best effort, once the peers exist:
 *  - a shorter EEVDF slice (Linux 6.12+: sched_attr.sched_runtime for
 *    SCHED_OTHER), which gives it earlier deadlines, so its wake-ups
 *    preempt;
 *  - nice -10 (needs CAP_SYS_NICE), so that under load it gets the CPU
 *    time that forwarding for every peer needs.
 * Still SCHED_OTHER: a flood cannot starve the peers.  Reset on fork
 * (no later child inherits it), undone at the end; a kernel or caller
 * that refuses it leaves the engine as it was. */
static void sched_boost(struct us_engine *u)
{
	struct us_sched_attr a = {0};

	if (syscall(SYS_sched_getattr, 0, &a, sizeof(a), 0) < 0 ||
	    a.policy != SCHED_OTHER)
		return;
	u->nice_was = a.nice;
	a.size = sizeof(a);
	a.flags = US_SCHED_RESET_ON_FORK;
	a.runtime = US_SLICE_NS;
	if (a.nice > US_NICE)
		a.nice = US_NICE;
	if (syscall(SYS_sched_setattr, 0, &a, 0) == 0) {
		u->boosted = true;
		return;
	}
	a.nice = u->nice_was; /* no CAP_SYS_NICE: the slice alone */
	if (syscall(SYS_sched_setattr, 0, &a, 0) == 0)
		u->boosted = true;
	a.runtime = 0; /* an older kernel: nice alone */
	a.nice = US_NICE;
	if (!u->boosted && syscall(SYS_sched_setattr, 0, &a, 0) == 0)
		u->boosted = true;
}

static void sched_restore(struct us_engine *u)
{
	struct us_sched_attr a = {0};

	if (!u->boosted || syscall(SYS_sched_getattr, 0, &a, sizeof(a), 0) < 0)
		return;
	a.size = sizeof(a);
	a.flags = 0;
	a.runtime = 0; /* the default slice (getattr shows it, custom or not) */
	a.nice = u->nice_was;
	(void)syscall(SYS_sched_setattr, 0, &a, 0);
}

static int us_ready(struct lk_launch *l, struct lk_error *e)
{
	(void)e;
	if (us_of(l))
		sched_boost(us_of(l));
	return 0; /* a TAP carries frames as soon as it is up */
}

static int us_set_link(struct lk_launch *l, unsigned src, unsigned dst,
		       const struct lk_impair *imp, struct lk_error *e)
{
	struct us_engine *u = us_of(l);
	struct lk_impair none;
	struct us_slot *s;

	if (!u || src < 1 || src > u->n || dst < 1 || dst > u->n || src == dst)
		return lk_error_set(e, EINVAL, "no link %u-%u", src, dst);
	if (!imp) {
		lk_impair_init(&none);
		imp = &none;
	}
	s = slot_get(u, src, dst);
	if (!s)
		return lk_error_set(e, ENOMEM, "out of memory");
	if (s->pipe) {
		/* Kept even when unimpaired now: its queue drains. */
		int r = us_pipe_update(s->pipe, imp, e);

		if (r < 0)
			return r;
		run_due(u);
		return 0;
	}
	if (lk_impair_is_noop(imp))
		return 0;
	return make_pipe(u, src, dst, imp, e);
}

static int us_link_stats(struct lk_launch *l, unsigned src, unsigned dst,
			 struct lk_link_stats *o, struct lk_error *e)
{
	struct us_engine *u = us_of(l);
	const struct us_slot *s;

	if (!u || src < 1 || src > u->n || dst < 1 || dst > u->n || src == dst)
		return lk_error_set(e, EINVAL, "no link %u-%u", src, dst);
	memset(o, 0, sizeof(*o));
	s = u->p[src - 1].out ? &u->p[src - 1].out[dst - 1] : NULL;
	if (!s)
		return 0;
	o->offered_pkts = s->pkts + s->budget_drops;
	o->offered_bytes = s->bytes + s->budget_bytes;
	o->delivered_pkts = s->pkts;
	o->delivered_bytes = s->bytes;
	o->dropped_memory = s->budget_drops;
	o->queue_overflows = s->budget_drops;
	if (s->pipe) {
		const struct us_counters *c = us_pipe_counters(s->pipe);

		o->offered_pkts += c->offered_pkts;
		o->offered_bytes += c->offered_bytes;
		o->delivered_pkts += c->delivered_pkts;
		o->delivered_bytes += c->delivered_bytes;
		o->dropped_loss = c->dropped_pkts[US_DROP_LOSS];
		o->dropped_down = c->dropped_pkts[US_DROP_DOWN];
		o->dropped_limit = c->dropped_pkts[US_DROP_LIMIT];
		o->dropped_rate = c->dropped_pkts[US_DROP_TB];
		o->duplicated = c->duplicated;
		o->corrupted = c->corrupted;
		o->ecn_marked = c->ecn_marked;
		o->reordered = c->reordered;
		o->queue_overflows += c->queue_overflows;
		o->queued = us_pipe_qlen(s->pipe);
	}
	o->dropped_pkts = o->dropped_loss + o->dropped_down + o->dropped_limit +
			  o->dropped_rate + o->dropped_memory;
	return 0;
}

static void us_destroy(struct lk_launch *l)
{
	struct us_engine *u = us_of(l);

	if (!u)
		return;
	for (unsigned i = 0; u->p && i < u->n; i++) {
		struct us_peer *p = &u->p[i];

		for (unsigned d = 0; p->out && d < u->n; d++) {
			struct us_pipe *pp = p->out[d].pipe;
			struct us_departure dep;

			if (!pp)
				continue;
			while (us_pipe_flush(pp, &dep))
				fbuf_put(u, dep.cookie);
			us_sched_set(&u->sched, &pp->sched, UINT64_MAX);
			us_pipe_free(pp);
		}
		free(p->out);
		us_pcap_close(p->pcap, NULL);
		if (p->pcap_fd >= 0)
			close(p->pcap_fd);
		if (p->fd >= 0)
			close(p->fd);
	}
	sched_restore(u);
	us_sched_free(&u->sched);
	if (u->tfd >= 0)
		close(u->tfd);
	free(u->p);
	free(u->rbuf);
	free(u->sbuf);
	free(u->gro);
	free(u);
	l->engine_priv = NULL;
}

const struct lk_engine_ops lk_engine_userspace = {
    .name = "userspace",
    .usable = us_usable,
    .init = us_init,
    .add_peer = us_add_peer,
    .commit = us_commit,
    .ready = us_ready,
    .set_link = us_set_link,
    .on_event = us_on_event,
    .link_stats = us_link_stats,
    .destroy = us_destroy,
};
