// SPDX-License-Identifier: LGPL-2.1-or-later
/* us_loss.c — netem's three loss generators. */
#include "userspace/us_loss.h"

#include <string.h>

void us_loss_init(struct us_loss *l, const struct lk_impair *im,
		  struct us_rng *r)
{
	memset(l, 0, sizeof(*l));
	l->model = im->loss_model;
	switch (im->loss_model) {
	case LK_LOSS_RANDOM:
		l->loss = im->loss;
		break;
	case LK_LOSS_STATE:
		l->state = US_TX_IN_GAP;
		l->a1 = im->p13;
		l->a2 = im->p31;
		l->a3 = im->p32;
		l->a4 = im->p14;
		l->a5 = im->p23;
		break;
	case LK_LOSS_GEMODEL:
		l->state = US_GE_GOOD;
		l->a1 = im->ge_p;
		l->a2 = im->ge_r;
		/* The model holds the user's 1-h (loss in the bad state);
		 * the kernel's h is its complement, as tc sends it. */
		l->a3 = UINT32_MAX - im->ge_h;
		l->a4 = im->ge_k1;
		break;
	case LK_LOSS_NONE:
	default:
		l->model = LK_LOSS_NONE;
		break;
	}
	/* netem draws the loss correlation's start whatever the model. */
	us_crandom_init(
	    &l->cor, im->loss_model == LK_LOSS_RANDOM ? im->loss_corr : 0, r);
}

/* loss_4state(): lost when the chain moves into a loss state. */
static bool loss_4state(struct us_loss *l, struct us_rng *r)
{
	uint32_t rnd = us_rng_u32(r);

	switch (l->state) {
	case US_TX_IN_GAP:
		if (rnd < l->a4) {
			l->state = US_LOST_IN_GAP;
			return true;
		} else if (rnd < l->a1 + l->a4) {
			l->state = US_LOST_IN_BURST;
			return true;
		}
		break;
	case US_TX_IN_BURST:
		if (rnd < l->a5) {
			l->state = US_LOST_IN_BURST;
			return true;
		}
		break;
	case US_LOST_IN_BURST:
		if (rnd < l->a3)
			l->state = US_TX_IN_BURST;
		else if (rnd < l->a2 + l->a3)
			l->state = US_TX_IN_GAP;
		else
			return true;
		break;
	case US_LOST_IN_GAP:
		l->state = US_TX_IN_GAP;
		break;
	default:
		break;
	}
	return false;
}

/* loss_gilb_ell(): move first, then lose with the old state's odds. */
static bool loss_gilb_ell(struct us_loss *l, struct us_rng *r)
{
	switch (l->state) {
	case US_GE_GOOD:
		if (us_rng_u32(r) < l->a1)
			l->state = US_GE_BAD;
		if (us_rng_u32(r) < l->a4)
			return true;
		break;
	case US_GE_BAD:
		if (us_rng_u32(r) < l->a2)
			l->state = US_GE_GOOD;
		if (us_rng_u32(r) > l->a3)
			return true;
		break;
	default:
		break;
	}
	return false;
}

bool us_loss_event(struct us_loss *l, struct us_rng *r)
{
	switch (l->model) {
	case LK_LOSS_RANDOM:
		return l->loss && l->loss >= us_crandom_next(&l->cor, r);
	case LK_LOSS_STATE:
		return loss_4state(l, r);
	case LK_LOSS_GEMODEL:
		return loss_gilb_ell(l, r);
	case LK_LOSS_NONE:
	default:
		return false;
	}
}
