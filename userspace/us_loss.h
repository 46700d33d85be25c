/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * us_loss.h — netem's loss generators: random (with netem's correlation),
 * the 4-state Markov model and Gilbert-Elliott, as loss_event(),
 * loss_4state() and loss_gilb_ell() in the kernel's sch_netem.c.
 */
#ifndef LK_US_LOSS_H
#define LK_US_LOSS_H

#include <stdbool.h>
#include <stdint.h>

#include "model/impair.h"
#include "userspace/us_rng.h"

enum us_clg_state {
	/* 4-state model, numbered as the kernel numbers them */
	US_TX_IN_GAP = 1,
	US_TX_IN_BURST = 2,
	US_LOST_IN_GAP = 3,
	US_LOST_IN_BURST = 4,
	/* Gilbert-Elliott */
	US_GE_GOOD = 1,
	US_GE_BAD = 2,
};

struct us_loss {
	enum lk_loss_model model;
	uint32_t loss; /* random */
	struct us_crandom cor;
	uint8_t state;
	/* kernel naming: a1 = p13 | p, a2 = p31 | r, a3 = p32 | h,
	 * a4 = p14 | 1-k, a5 = p23 */
	uint32_t a1, a2, a3, a4, a5;
};

/* Set up from the model; draws the correlation's first value. */
void us_loss_init(struct us_loss *l, const struct lk_impair *im,
		  struct us_rng *r);
/* One packet: true when the model loses it. */
bool us_loss_event(struct us_loss *l, struct us_rng *r);

#endif
