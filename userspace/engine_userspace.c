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
 * pipeline.  Everything runs on the supervisor's loop (common/loop.h).
 *
 * This file is the engine's operations (TAPs, links, statistics, the
 * loop's calls); the forwarding itself is us_forward.c, the state both
 * share us_engine.h.
 */
#include "engine/engine.h"

#include "common/cleanup.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/log.h"
#include "userspace/us_close.h"
#include "userspace/us_engine.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define US_READS_PER_ROUND 64 /* per peer per wake-up */
#ifndef TUN_F_USO4
#define TUN_F_USO4 0x20
#define TUN_F_USO6 0x40
#endif
#define US_OFFLOADS (TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN)
#define US_OFFLOADS_USO (US_OFFLOADS | TUN_F_USO4 | TUN_F_USO6)

static struct us_engine *us_of(struct lk_engine_ctx *c)
{
	return c->priv;
}

static bool us_usable(struct lk_engine_ctx *c, char *why, size_t len)
{
	(void)c;
	if (access("/dev/net/tun", R_OK | W_OK) == 0)
		return true;
	snprintf(why, len, "/dev/net/tun: %s", strerror(errno));
	return false;
}

static void peer_gone(struct us_engine *u, struct us_peer *p)
{
	p->dead = true;
	lk_loop_del(u->loop, p->fd);
}

/* The timerfd fired (the loop read its count). */
static int us_on_timer(void *data, uint32_t events, struct lk_error *e)
{
	struct us_engine *u = data;

	(void)e;
	(void)events;
	if (u->armed != UINT64_MAX && u->armed_lead) {
		/* How late past the armed time, against the estimate: it
		 * settles on the median. */
		uint64_t now = lk_now_ns();

		us_lead_learn(&u->lead[u->armed_bucket],
			      now > u->armed ? now - u->armed : 0);
	}
	u->armed = UINT64_MAX; /* it fired: re-arm whatever is next */
	us_run_due(u);
	return 0;
}

/* Frames wait on peer p's TAP. */
static int us_on_tap(void *data, uint32_t events, struct lk_error *e)
{
	struct us_peer *p = data;
	struct us_engine *u = p->u;

	(void)e;
	(void)events;
	for (int i = 0; i < US_READS_PER_ROUND && !p->dead; i++) {
		ssize_t len = read(p->fd, u->rbuf, US_READ_BUF);

		if (len < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				peer_gone(u, p);
			break;
		}
		if (len == 0) {
			peer_gone(u, p);
			break;
		}
		us_on_frame(u, p->id, u->rbuf, (uint32_t)len,
			    us_pipe_clock(u, lk_now_ns()));
	}
	us_run_due(u);
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
	struct us_slot *s = us_slot_get(u, src, dst);
	int r;

	if (!s)
		return lk_error_set(e, ENOMEM, "out of memory");
	r = us_pipe_new(&s->pipe, imp, u->seed, src, dst, e);
	if (r < 0)
		return r;
	s->pipe->owner = (void *)(uintptr_t)dst;
	return 0;
}

static int us_init(struct lk_engine_ctx *c, struct lk_error *e)
{
	struct us_engine *u = calloc(1, sizeof(*u));
	const unsigned n = c->n;
	int r;

	if (!u)
		return lk_error_set(e, ENOMEM, "out of memory");
	c->priv = u;
	u->n = n;
	u->loop = c->loop;
	u->tfd = -1;
	u->armed = UINT64_MAX;
	us_lead_init(u->lead);
	us_sched_init(&u->sched);
	u->p = calloc(n, sizeof(*u->p));
	u->rbuf = malloc(US_READ_BUF);
	u->sbuf = malloc(US_READ_BUF);
	u->gro = malloc(sizeof(*u->gro));
	if (!u->p || !u->rbuf || !u->sbuf || !u->gro)
		return lk_error_set(e, ENOMEM, "out of memory");
	us_gro_init(u->gro);
	for (unsigned i = 0; i < n; i++) {
		u->p[i].u = u;
		u->p[i].id = i + 1;
		u->p[i].fd = u->p[i].pcap_fd = -1;
	}

	if (c->seed_set) {
		u->seed = c->seed;
	} else {
		if (getrandom(&u->seed, sizeof(u->seed), 0) !=
		    (ssize_t)sizeof(u->seed))
			u->seed = lk_now_ns() ^ ((uint64_t)getpid() << 32);
		/* Printed when random decisions can be made, so that the
		 * run can be replayed. */
		if (c->links->len || c->links_may_change)
			lk_log(LK_LOG_NOTICE, "seed %llu (replay with --seed %llu)",
			       (unsigned long long)u->seed,
			       (unsigned long long)u->seed);
	}
	/* Departures are timed to the microsecond, not to the default
	 * 50 µs of timer slack. */
	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);

	for (unsigned src = 1; src <= n; src++) {
		for (unsigned dst = lk_links_next_dst(c->links, src, 0); dst;
		     dst = lk_links_next_dst(c->links, src, dst)) {
			struct lk_impair imp;

			if (!lk_links_resolve(c->links, src, dst, &imp) ||
			    lk_impair_is_noop(&imp))
				continue;
			r = make_pipe(u, src, dst, &imp, e);
			if (r < 0)
				return r;
		}
	}

	if (c->pcap_dir && mkdir(c->pcap_dir, 0755) < 0 && errno != EEXIST)
		return lk_error_errno(e, "create pcap directory '%s'",
				      c->pcap_dir);
	r = lk_loop_timer_add(u->loop, us_on_timer, u, e);
	if (r < 0)
		return lk_error_wrap(e, "the userspace engine's timer");
	u->tfd = r;
	return 0;
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

static int us_add_peer(struct lk_engine_ctx *c, unsigned idx,
		       struct lk_error *e)
{
	struct us_engine *u = us_of(c);
	struct us_peer *p = &u->p[idx];
	const unsigned id = idx + 1;
	struct ifreq ifr = {0};
	int r;

	r = tap_in_netns(c->peers[idx].pidfd, c->orig_netns, id, &p->fd, e);
	if (r < 0)
		return r;
	ifr.ifr_hwaddr.sa_family = 1; /* ARPHRD_ETHER */
	lk_plan_mac(c->plan, id, (uint8_t *)ifr.ifr_hwaddr.sa_data);
	if (ioctl(p->fd, SIOCSIFHWADDR, &ifr) < 0)
		return lk_error_errno(e, "set the MAC address of peer%u", id);
	set_offloads(u, id);
	if (c->pcap_dir) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/peer%u.pcap", c->pcap_dir, id);
		p->pcap_fd =
		    open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (p->pcap_fd < 0)
			return lk_error_errno(e, "open '%s'", path);
		r = us_pcap_open(&p->pcap, p->pcap_fd, true, 0, e);
		if (r < 0)
			return lk_error_wrap(e, "'%s'", path);
	}
	return lk_loop_add(u->loop, p->fd, EPOLLIN, us_on_tap, p, e);
}

static int us_commit(struct lk_engine_ctx *c, struct lk_error *e)
{
	(void)c;
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

static int us_ready(struct lk_engine_ctx *c, struct lk_error *e)
{
	(void)e;
	if (us_of(c))
		sched_boost(us_of(c));
	return 0; /* a TAP carries frames as soon as it is up */
}

static int us_set_link(struct lk_engine_ctx *c, unsigned src, unsigned dst,
		       const struct lk_impair *imp, struct lk_error *e)
{
	struct us_engine *u = us_of(c);
	struct lk_impair none;
	struct us_slot *s;

	if (!u || src < 1 || src > u->n || dst < 1 || dst > u->n || src == dst)
		return lk_error_set(e, EINVAL, "no link %u-%u", src, dst);
	if (!imp) {
		lk_impair_init(&none);
		imp = &none;
	}
	s = us_slot_get(u, src, dst);
	if (!s)
		return lk_error_set(e, ENOMEM, "out of memory");
	if (s->pipe) {
		/* Kept even when unimpaired now: its queue drains. */
		int r = us_pipe_update(s->pipe, imp, e);

		if (r < 0)
			return r;
		us_run_due(u);
		return 0;
	}
	if (lk_impair_is_noop(imp))
		return 0;
	return make_pipe(u, src, dst, imp, e);
}

static int us_link_stats(struct lk_engine_ctx *c, unsigned src, unsigned dst,
			 struct lk_link_stats *o, struct lk_error *e)
{
	struct us_engine *u = us_of(c);
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
		const struct us_counters *pc = us_pipe_counters(s->pipe);

		o->offered_pkts += pc->offered_pkts;
		o->offered_bytes += pc->offered_bytes;
		o->delivered_pkts += pc->delivered_pkts;
		o->delivered_bytes += pc->delivered_bytes;
		o->dropped_loss = pc->dropped_pkts[US_DROP_LOSS];
		o->dropped_down = pc->dropped_pkts[US_DROP_DOWN];
		o->dropped_limit = pc->dropped_pkts[US_DROP_LIMIT];
		o->dropped_rate = pc->dropped_pkts[US_DROP_TB];
		o->duplicated = pc->duplicated;
		o->corrupted = pc->corrupted;
		o->ecn_marked = pc->ecn_marked;
		o->reordered = pc->reordered;
		o->queue_overflows += pc->queue_overflows;
		o->queued = us_pipe_qlen(s->pipe);
	}
	o->dropped_pkts = o->dropped_loss + o->dropped_down + o->dropped_limit +
			  o->dropped_rate + o->dropped_memory;
	return 0;
}

static void us_destroy(struct lk_engine_ctx *c)
{
	struct us_engine *u = us_of(c);
	int *taps;

	if (!u)
		return;
	/* The TAPs last, all at once (us_close.h); one by one if no
	 * memory for the list. */
	taps = u->p ? calloc(u->n, sizeof(*taps)) : NULL;
	for (unsigned i = 0; u->p && i < u->n; i++) {
		struct us_peer *p = &u->p[i];

		for (unsigned d = 0; p->out && d < u->n; d++) {
			struct us_pipe *pp = p->out[d].pipe;
			struct us_departure dep;

			if (!pp)
				continue;
			while (us_pipe_flush(pp, &dep))
				us_fbuf_put(u, dep.cookie);
			us_sched_set(&u->sched, &pp->sched, UINT64_MAX);
			us_pipe_free(pp);
		}
		free(p->out);
		us_pcap_close(p->pcap, NULL);
		if (p->pcap_fd >= 0)
			close(p->pcap_fd);
		if (p->fd >= 0) {
			lk_loop_del(u->loop, p->fd);
			if (taps)
				taps[i] = p->fd;
			else
				close(p->fd);
		} else if (taps) {
			taps[i] = -1;
		}
	}
	if (taps)
		us_close_many(taps, u->n);
	free(taps);
	sched_restore(u);
	us_sched_free(&u->sched);
	if (u->tfd >= 0) {
		lk_loop_del(u->loop, u->tfd);
		close(u->tfd);
	}
	free(u->p);
	free(u->rbuf);
	free(u->sbuf);
	free(u->gro);
	free(u);
	c->priv = NULL;
}

const struct lk_engine_ops lk_engine_userspace = {
    .name = "userspace",
    .usable = us_usable,
    .init = us_init,
    .add_peer = us_add_peer,
    .commit = us_commit,
    .ready = us_ready,
    .set_link = us_set_link,
    .link_stats = us_link_stats,
    .destroy = us_destroy,
};
