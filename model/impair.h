/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * impair.h — the impairment model: one link's conditions, parsed once from
 * a --link SPEC, used unchanged by both engines (the kernel's qdisc tree
 * and the userspace forwarder).  Pure data; no kernel types here.
 *
 * Probabilities are stored as netem stores them: scaled so that
 * UINT32_MAX means 100%.  Times are nanoseconds.  Rates are bytes per
 * second.
 */
#ifndef LK_IMPAIR_H
#define LK_IMPAIR_H

#include <stdbool.h>
#include <stdint.h>

/* Which keys a spec gave: later specs override earlier ones key by key.
 * One bit per user-visible key, so that "1-2:jitter=5ms" after
 * "*-*:delay=50ms" keeps the 50 ms delay.  The values of a resolved
 * struct lk_impair are always meaningful (defaults where no key was
 * given); the bits say only which keys some spec set. */
enum lk_impair_key {
	LK_K_LIMIT = 1u << 0, /* limit */
	LK_K_DELAY = 1u << 1, /* delay */
	LK_K_DIST = 1u << 2,  /* dist */
	LK_K_LOSS =
	    1u << 3, /* loss / loss-state / loss-ge (replace each other) */
	LK_K_ECN = 1u << 4,	/* ecn */
	LK_K_CORRUPT = 1u << 5, /* corrupt */
	LK_K_DUP = 1u << 6,	/* dup */
	LK_K_REORDER = 1u << 7, /* reorder */
	LK_K_RATE = 1u << 8,	/* netem-rate */
	LK_K_TB = 1u << 9,	/* rate (token bucket) */
	LK_K_DOWN = 1u << 10,	/* down / up */
	LK_K_SLOT = 1u << 11,	/* reserved */
	LK_K_JITTER = 1u << 12,
	LK_K_DELAY_CORR = 1u << 13,
	LK_K_LOSS_CORR = 1u << 14,
	LK_K_CORRUPT_CORR = 1u << 15,
	LK_K_DUP_CORR = 1u << 16,
	LK_K_REORDER_CORR = 1u << 17,
	LK_K_GAP = 1u << 18,
	LK_K_OVERHEAD = 1u << 19, /* netem-rate packet overhead */
	LK_K_CELLSIZE = 1u << 20,
	LK_K_CELLOVERHEAD = 1u << 21,
	LK_K_TB_BURST = 1u << 22,   /* burst */
	LK_K_TB_LATENCY = 1u << 23, /* latency */
	LK_K_TB_LIMIT = 1u << 24,   /* queue (token bucket limit, bytes) */
};

enum lk_dist {
	LK_DIST_NONE = 0, /* netem without a table: uniform in ±jitter */
	LK_DIST_UNIFORM,
	LK_DIST_NORMAL,
	LK_DIST_PARETO,
	LK_DIST_PARETONORMAL,
	LK_DIST_FILE, /* a user's table file */
};

enum lk_loss_model {
	LK_LOSS_NONE = 0,
	LK_LOSS_RANDOM,	 /* loss P [CORR] */
	LK_LOSS_STATE,	 /* 4-state Markov: p13 p31 p32 p23 p14 */
	LK_LOSS_GEMODEL, /* Gilbert-Elliott: p r 1-h 1-k */
};

#define LK_DIST_TABLE_MAX 16384 /* entries; netem's own limit is 65536 */

struct lk_dist_table {
	unsigned refs;
	uint32_t len;
	int16_t data[]; /* netem's format: values scaled by 8192
			   (NETEM_DIST_SCALE) */
};

struct lk_impair {
	uint32_t keys; /* enum lk_impair_key bits present */

	uint32_t limit; /* netem queue limit in packets; 0 = size it
			 * (lk_netem_auto_limit) */

	uint64_t delay_ns;
	uint64_t jitter_ns;
	uint32_t delay_corr;
	enum lk_dist dist;
	/* NULL unless dist needs one.  In a resolved impairment both are
	 * borrowed from the struct lk_links they came from. */
	struct lk_dist_table *table;
	char *dist_file; /* LK_DIST_FILE: the user's path */

	enum lk_loss_model loss_model;
	uint32_t loss, loss_corr; /* random */
	/* state; defaults as tc: p31 = 1-p13, p32 = 0, p23 = 1, p14 = 0 */
	uint32_t p13, p31, p32, p23, p14;
	/* gemodel, as the user writes it: p (good->bad), r (bad->good,
	 * default 1-p as tc),
	 * ge_h = "1-h" (loss probability in the bad state, default 100%),
	 * ge_k1 = "1-k" (loss probability in the good state, default 0).
	 * The kernel wants h itself: the netem encoder sends UINT32_MAX-ge_h.
	 */
	uint32_t ge_p, ge_r, ge_h, ge_k1;
	bool ecn;

	uint32_t corrupt, corrupt_corr;
	uint32_t duplicate, duplicate_corr;
	uint32_t reorder, reorder_corr;
	uint32_t gap;

	uint64_t rate_Bps; /* netem's own rate, bytes/s; 0 = none */
	int32_t packet_overhead;
	uint32_t cell_size;
	int32_t cell_overhead;

	uint64_t tb_rate_Bps;	/* token bucket; 0 = none */
	uint32_t tb_burst;	/* bytes; 0 = choose */
	uint64_t tb_latency_ns; /* queue latency bound; 0 = choose */
	uint32_t tb_limit;	/* bytes; 0 = from latency */

	bool down; /* the link carries nothing */
};

#endif
