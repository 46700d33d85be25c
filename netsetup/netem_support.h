/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * netem_support.h — which netem options the running kernel supports.
 *
 * netem parses its attributes liberally: a kernel that predates an
 * attribute ignores it without a word (Debian's 6.1 ignores
 * TCA_NETEM_PRNG_SEED, added in 6.6; kernels before 4.15 would ignore
 * TCA_NETEM_LATENCY64/JITTER64), and a refusal of a malformed attribute
 * comes back as a bare errno (netem parses its options without an
 * extended ACK).  So the kernel engine asks once, at start: for each
 * attribute it may send, a netem qdisc with that attribute is created on
 * the hub's lo with NLM_F_ECHO, and the echo (netem_dump) shows whether
 * the kernel kept it.  Each link's request is then checked against the
 * result before it is sent (lk_ns_check).
 *
 * Everything here is pure except lk_ns_probe (netem_probe.c).
 */
#ifndef LK_NETEM_SUPPORT_H
#define LK_NETEM_SUPPORT_H

#include "model/impair.h"
#include "netsetup/psched.h"
#include "linkem.h"
#include "netsetup/nl.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* TCA_NETEM_* up to TCA_NETEM_PRNG_SEED (14), which Debian 12's uapi
 * headers do not have yet. */
#define LK_NS_PRNG_SEED 14u
#define LK_NS_NATTR 15u
#define LK_NS_BIT(attr) (1u << (attr))

struct lk_ns_support {
	bool probed;
	uint32_t ignored;	    /* accepted, not kept (not in netem_dump) */
	uint32_t refused;	    /* the kernel refused a netem carrying it */
	int err[LK_NS_NATTR];	    /* refused: the errno */
	char why[LK_NS_NATTR][160]; /* refused: strerror (kernel: ...) */
};

/* One probe: the attributes it is about, and the link PARAMS that make
 * lk_netem_encode send them (with a seed when seed is true). */
struct lk_ns_probe {
	uint32_t attrs;
	const char *params;
	bool seed;
};
extern const struct lk_ns_probe lk_ns_probes[];
extern const size_t lk_ns_nprobes;

/* "TCA_NETEM_CORR", ... ("TCA_NETEM_14" for unknown ones). */
const char *lk_ns_attr_name(unsigned attr);
/* The option a user writes that sends attr, for the link imp (NULL:
 * the usual one): "delay-corr", "loss-ge", "jitter", "--seed", ... */
const char *lk_ns_option(unsigned attr, const struct lk_impair *imp);
/* The attributes sent but not echoed, leaving out those netem never
 * dumps (TCA_NETEM_DELAY_DIST, _SLOT_DIST, _PAD). */
uint32_t lk_ns_not_echoed(uint32_t sent, uint32_t echoed);
/* The attributes lk_netem_encode sends for imp (no seed); 0 when it
 * cannot encode it. */
uint32_t lk_ns_impair_attrs(const struct lk_impair *imp,
			    const struct lk_psched *ps);
/* Whether s has anything to say about a link (refused or ignored
 * attributes other than the seed). */
bool lk_ns_link_matters(const struct lk_ns_support *s);
/* Record one probe's outcome: err = 0 (accepted; echoed = the echo's
 * attributes) or the negative errno with the kernel's text. */
void lk_ns_record(struct lk_ns_support *s, const struct lk_ns_probe *p,
		  uint32_t sent, uint32_t echoed, int err, const char *why);
/*
 * Check a link's netem request (sent: its attributes) against s: 0, or
 * -ENOTSUP with "this kernel (KERNEL) does not support netem option 'X':
 * ..." when the link needs an attribute the kernel refuses or ignores
 * (the caller names the link).  The seed is the launch's, not the link's:
 * it is left out here (lk_ns_seed_notice).
 */
int lk_ns_check(const struct lk_ns_support *s, uint32_t sent,
		const struct lk_impair *imp, const char *kernel,
		struct lk_error *e);
/* When --seed cannot work on this kernel, the one-line notice (without
 * "linkem-launch: ") in buf and true. */
bool lk_ns_seed_notice(const struct lk_ns_support *s, const char *kernel,
		       char *buf, size_t size);

/* Run the probes with a netem qdisc at the root of ifindex in nl's
 * namespace (created and removed each time).  Returns 0 (s filled) or a
 * negative errno when the conversation itself fails. */
int lk_ns_probe(struct lk_nl *nl, int ifindex, const struct lk_psched *ps,
		struct lk_ns_support *s, struct lk_error *e);

#endif
