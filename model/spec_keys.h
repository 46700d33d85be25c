/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * spec_keys.h — the link-condition model's operations: folding one
 * impairment onto another key by key, and the rules a usable link obeys.
 * Pure.
 */
#ifndef LK_SPEC_KEYS_H
#define LK_SPEC_KEYS_H

#include "model/impair.h"

#include <stdbool.h>
#include <stddef.h>

/* No keys, nothing impaired. */
void lk_impair_init(struct lk_impair *imp);
/* Copy into dst every key that src sets (src->keys), and add the bits. */
void lk_impair_apply(struct lk_impair *dst, const struct lk_impair *src);
/* One step of a link's fold: apply spec to *out, or reset *out for a
 * clear entry (a spec without keys).  Returns whether the link is named
 * after it. */
bool lk_impair_fold_one(struct lk_impair *out, const struct lk_impair *spec);
/* The rules a usable link obeys (jitter, reorder and dist need a delay,
 * ecn needs a loss model, gap needs reorder, overhead/cell keys need
 * netem-rate, burst/latency/queue need rate).  Returns 0, or -EINVAL with
 * the reason written to why. */
int lk_impair_check(const struct lk_impair *imp, char *why, size_t len);
/* Whether the link behaves like no impairment at all (so an engine can
 * leave it out). */
bool lk_impair_is_noop(const struct lk_impair *imp);
/* Whether a netem qdisc is needed: anything but the token bucket alone
 * (down is sent to netem as 100% loss). */
bool lk_impair_needs_netem(const struct lk_impair *imp);

#endif
