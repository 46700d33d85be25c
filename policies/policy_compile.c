/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * policy_compile.c — a parsed policy into a libseccomp filter.
 *
 * Rules for one syscall: a rule without condition replaces every earlier
 * rule for that syscall; rules with conditions add up.  A rule whose
 * action is the default action is a no-op (it only cancels earlier ones).
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
		r = seccomp_rule_add_array(ctx, act, ru->nr, ru->ncond, a);
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
