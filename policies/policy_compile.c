/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * policy_compile.c — a parsed policy into a libseccomp filter.
 *
 * Rules for one syscall: a rule without condition replaces every earlier
 * rule for that syscall; rules with conditions add up.  A rule whose
 * action is the default action is a no-op (it only cancels earlier ones),
 * except below a rule without condition, where `argN == VALUE` rules with
 * the default action are exceptions: an allow-list for that argument
 * ("errno personality" then "allow personality if arg0 == 0").  libseccomp
 * cannot add a rule whose action is the filter's default, so the
 * exceptions are compiled into their complement: one rule `argN > MAX`
 * and masked comparisons for every other value up to MAX (for
 * `argN & MASK == VALUE` exceptions, masked comparisons on MASK's bits).
 */
#include "policies/policy.h"

#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"

static uint32_t scmp_action(enum lk_action a, int err)
{
	switch (a) {
	case LK_ACT_ALLOW:
		return SCMP_ACT_ALLOW;
	case LK_ACT_KILL:
		return SCMP_ACT_KILL_PROCESS;
	case LK_ACT_ERRNO:
		return SCMP_ACT_ERRNO((uint32_t)err);
	case LK_ACT_LOG:
		return SCMP_ACT_LOG;
	default:
		return SCMP_ACT_KILL_PROCESS;
	}
}

static enum scmp_compare scmp_cmp(enum lk_cmp c)
{
	switch (c) {
	case LK_CMP_EQ:
		return SCMP_CMP_EQ;
	case LK_CMP_NE:
		return SCMP_CMP_NE;
	case LK_CMP_LT:
		return SCMP_CMP_LT;
	case LK_CMP_LE:
		return SCMP_CMP_LE;
	case LK_CMP_GT:
		return SCMP_CMP_GT;
	case LK_CMP_GE:
		return SCMP_CMP_GE;
	case LK_CMP_MASKED_EQ:
		return SCMP_CMP_MASKED_EQ;
	default:
		return SCMP_CMP_EQ;
	}
}

static const char *sysname(int nr, char *buf, size_t size)
{
	char *n = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);

	snprintf(buf, size, "%s", n ? n : "?");
	free(n);
	return buf;
}

static bool same_action(enum lk_action a, int aerr, enum lk_action b, int berr)
{
	return a == b && (a != LK_ACT_ERRNO || aerr == berr);
}

/* An exception below rule o: the default action, one `argN == VALUE` or
 * `argN & MASK == VALUE`, written as o's other exceptions are (same
 * argument, same mask). */
static bool is_exception(const struct lk_policy *p, const struct lk_rule *o,
			 const struct lk_rule *r, const struct lk_rule *out,
			 size_t n)
{
	if (!same_action(r->act, r->err, p->def, p->def_err) ||
	    same_action(o->act, o->err, p->def, p->def_err) ||
	    r->ncond != 1 ||
	    (r->cond[0].cmp != LK_CMP_EQ && r->cond[0].cmp != LK_CMP_MASKED_EQ))
		return false;
	for (size_t j = 0; j < n; j++) {
		const struct lk_cond *c = &out[j].cond[0];

		if (out[j].nr == r->nr && out[j].ncond == 1 &&
		    (c->arg != r->cond[0].arg || c->cmp != r->cond[0].cmp ||
		     (c->cmp == LK_CMP_MASKED_EQ &&
		      c->mask != r->cond[0].mask)))
			return false;
	}
	return true;
}

/* Reduce the rules to the ones that take effect, in order. */
static int resolve(const struct lk_policy *p, struct lk_rule *out, size_t *nout,
		   struct lk_error *e)
{
	size_t n = 0;
	char name[64];

	for (size_t i = 0; i < p->n; i++) {
		const struct lk_rule *r = &p->rules[i];
		size_t k = 0;

		for (size_t j = 0; j < n; j++) {
			const struct lk_rule *o = &out[j];
			bool drop = false;

			if (o->nr == r->nr && r->ncond == 0) {
				drop = true;
			} else if (o->nr == r->nr && o->ncond == 0 &&
				   is_exception(p, o, r, out, n)) {
				drop = false;
			} else if (o->nr == r->nr && o->ncond == 0) {
				/* Conditions below an unconditional rule:
				 * only expressible when that rule is the
				 * default anyway. */
				if (o->act != p->def ||
				    (o->act == LK_ACT_ERRNO &&
				     o->err != p->def_err))
					return lk_error_set(
					    e, EINVAL,
					    "%s:%u: conditions on '%s' "
					    "below the rule without "
					    "condition at %s:%u are not "
					    "supported",
					    r->file, r->line,
					    sysname(r->nr, name, sizeof(name)),
					    o->file, o->line);
				drop = true;
			}
			if (!drop)
				out[k++] = *o;
		}
		n = k;
		out[n++] = *r;
	}
	*nout = n;
	return 0;
}

struct cover {
	scmp_filter_ctx ctx;
	uint32_t act;
	int nr;
	unsigned arg;
	int r;
};

static void add_masked(struct cover *c, uint64_t mask, uint64_t value)
{
	struct scmp_arg_cmp a = {.arg = c->arg,
				 .op = SCMP_CMP_MASKED_EQ,
				 .datum_a = mask,
				 .datum_b = value};

	if (c->r == 0)
		c->r = seccomp_rule_add_array(c->ctx, c->act, c->nr, 1, &a);
}

/* Every value whose bits of `bits` above `bit` are `value`, except those
 * in vals (which all match that prefix). */
static void cover_bits(struct cover *c, uint64_t bits, uint64_t mask,
		       uint64_t value, int bit, const uint64_t *vals, size_t n)
{
	uint64_t b;
	size_t n0 = 0;

	if (n == 0) {
		add_masked(c, mask, value);
		return;
	}
	while (bit >= 0 && !(bits & (1ull << bit)))
		bit--;
	if (bit < 0)
		return;
	b = 1ull << bit;
	/* vals is sorted: the ones with the bit clear come first. */
	while (n0 < n && !(vals[n0] & b))
		n0++;
	cover_bits(c, bits, mask | b, value, bit - 1, vals, n0);
	cover_bits(c, bits, mask | b, value | b, bit - 1, vals + n0, n - n0);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Rule u (no condition) with its exceptions among rules[0..n): the
 * complement of the excepted values. */
static int add_with_exceptions(scmp_filter_ctx ctx, uint32_t act,
			       const struct lk_rule *u,
			       const struct lk_rule *rules, size_t n)
{
	struct cover c = {.ctx = ctx, .act = act, .nr = u->nr};
	uint64_t *vals = calloc(n, sizeof(*vals));
	uint64_t bits = UINT64_MAX;
	bool masked = false;
	size_t nv = 0;
	int top = 63;

	if (!vals)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (rules[i].nr == u->nr && rules[i].ncond == 1) {
			const struct lk_cond *k = &rules[i].cond[0];

			c.arg = k->arg;
			masked = k->cmp == LK_CMP_MASKED_EQ;
			if (masked)
				bits = k->mask;
			vals[nv++] = k->value & bits;
		}
	qsort(vals, nv, sizeof(*vals), cmp_u64);
	if (!masked && vals[nv - 1] != UINT64_MAX) {
		struct scmp_arg_cmp a = {.arg = c.arg,
					 .op = SCMP_CMP_GT,
					 .datum_a = vals[nv - 1]};

		c.r = seccomp_rule_add_array(ctx, act, u->nr, 1, &a);
	}
	/* Below the largest value, bit by bit from its highest bit. */
	if (!masked) {
		top = 0;
		while (top < 63 && (vals[nv - 1] >> (top + 1)))
			top++;
	}
	cover_bits(&c, bits, 0, 0, top, vals, nv);
	free(vals);
	return c.r;
}

static bool has_exceptions(const struct lk_rule *u, const struct lk_rule *rules,
			   size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (rules[i].nr == u->nr && rules[i].ncond > 0)
			return true;
	return false;
}

void lk_policy_filter_free(void *filter)
{
	if (filter)
		seccomp_release(filter);
}

int lk_policy_compile(const struct lk_policy *p, void **out, struct lk_error *e)
{
	struct lk_rule *rules = NULL;
	scmp_filter_ctx ctx = NULL;
	uint32_t def = scmp_action(p->def, p->def_err);
	uint32_t foreign;
	size_t n = 0;
	char name[64];
	int r;

	*out = NULL;
	if (lk_policy_is_empty(p))
		return 0;
	if (p->foreign_set)
		foreign = scmp_action(p->foreign, p->foreign_err);
	else if (p->def == LK_ACT_ALLOW || p->def == LK_ACT_LOG)
		foreign = SCMP_ACT_ERRNO(EPERM);
	else
		foreign = def;
	/* SCMP_ACT_ALLOW is not accepted for bad arch: no filter would
	 * mean every ABI; keep it as errno instead. */
	if (foreign == SCMP_ACT_ALLOW)
		foreign = SCMP_ACT_ERRNO(EPERM);

	rules = calloc(p->n ? p->n : 1, sizeof(*rules));
	if (!rules)
		return lk_error_set(e, ENOMEM, "out of memory");
	r = resolve(p, rules, &n, e);
	if (r < 0)
		goto out;
	ctx = seccomp_init(def);
	if (!ctx) {
		r = lk_error_set(e, ENOMEM, "seccomp_init failed");
		goto out;
	}
	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, foreign);
	if (r == 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (r < 0) {
		r = lk_error_set(e, -r, "seccomp attributes: %s", strerror(-r));
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const struct lk_rule *ru = &rules[i];
		struct scmp_arg_cmp a[LK_POLICY_MAX_CONDS];
		uint32_t act = scmp_action(ru->act, ru->err);

		if (act == def)
			continue;
		for (unsigned k = 0; k < ru->ncond; k++) {
			const struct lk_cond *c = &ru->cond[k];

			a[k] = (struct scmp_arg_cmp){
			    .arg = c->arg,
			    .op = scmp_cmp(c->cmp),
			    .datum_a =
				c->cmp == LK_CMP_MASKED_EQ ? c->mask : c->value,
			    .datum_b =
				c->cmp == LK_CMP_MASKED_EQ ? c->value : 0,
			};
		}
		if (ru->ncond == 0 && has_exceptions(ru, rules, n))
			r = add_with_exceptions(ctx, act, ru, rules, n);
		else
			r = seccomp_rule_add_array(ctx, act, ru->nr, ru->ncond,
						   a);
		if (r < 0) {
			r = lk_error_set(e, -r,
					 "%s:%u: cannot add a rule for "
					 "'%s': %s",
					 ru->file, ru->line,
					 sysname(ru->nr, name, sizeof(name)),
					 strerror(-r));
			goto out;
		}
	}
	*out = ctx;
	ctx = NULL;
	r = 0;
out:
	if (ctx)
		seccomp_release(ctx);
	free(rules);
	return r;
}
