/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * us_engine.h — the userspace engine's state, shared by its two halves:
 * engine_userspace.c (the engine's operations: TAPs, links, statistics,
 * the event loop's calls) and us_forward.c (frames from one TAP through
 * the links' pipelines to the others, and the timer for departures).
 * Private to userspace/.
 */
#ifndef LK_US_ENGINE_H
#define LK_US_ENGINE_H

#include "userspace/us_gro.h"
#include "userspace/us_guard.h"
#include "userspace/us_lead.h"
#include "userspace/us_pcap.h"
#include "userspace/us_pipeline.h"
#include "userspace/us_sched.h"

#include <linux/virtio_net.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lk_loop;

#define US_MIN_FRAME 14u		   /* an Ethernet header */
#define US_MAX_FRAME (9216u + 18u)	   /* jumbo frame, tagged */
#define US_READ_BUF (VH + 65536u + 64u)	   /* a GSO super-frame fits */
#define US_MEM_BUDGET (256u * 1024 * 1024) /* bytes queued, all links */
/* Every frame on a TAP starts with a virtio-net header (IFF_VNET_HDR):
 * it says whether the frame is a GSO super-frame or needs its checksum
 * completed, and travels with the frame to the receiving TAP. */
#define VH ((uint32_t)sizeof(struct virtio_net_hdr))

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
	struct us_engine *u;
	unsigned id;
	int fd;
	bool dead; /* its TAP is gone (the peer's namespace ended) */
	int pcap_fd;
	struct us_pcap *pcap;
	bool offloads;	     /* its TAP hands over GSO super-frames */
	struct us_slot *out; /* [n], indexed by dst - 1; NULL until used */
	uint64_t rx_frames, rx_bad, rx_unknown, tx_errors;
	uint64_t rx_spoofed; /* refused: another peer's addresses */
	struct us_guard guard; /* what it may send (us_guard.h) */
};

struct us_engine {
	unsigned n;
	struct lk_loop *loop;
	uint64_t seed;
	struct us_peer *p; /* [n], indexed by id - 1 */
	struct us_sched sched;
	int tfd;
	uint64_t armed;	 /* the timerfd's deadline, UINT64_MAX when idle */
	/* How far ahead of a departure the timer is set, learnt per
	 * length of the wait (us_lead.h). */
	struct us_lead lead[US_LEAD_BUCKETS];
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

/* The time handed to the pipelines: CLOCK_MONOTONIC, except that a
 * drain a little ahead of time (us_run_due's window) moves it forward,
 * and a frame read just after is not stamped before it. */
uint64_t us_pipe_clock(struct us_engine *u, uint64_t t);
/* The link src -> dst, made on first use; NULL when out of memory. */
struct us_slot *us_slot_get(struct us_engine *u, unsigned src, unsigned dst);
/* Drop one reference to f, freeing it with the last. */
void us_fbuf_put(struct us_engine *u, struct us_fbuf *f);
/* Run what is due, then arm the timerfd for the next departure. */
void us_run_due(struct us_engine *u);
/* A frame read from src's TAP at now: buf is VH bytes of header, then
 * the Ethernet frame; len both. */
void us_on_frame(struct us_engine *u, unsigned src, const uint8_t *buf,
		 uint32_t len, uint64_t now);

#endif
