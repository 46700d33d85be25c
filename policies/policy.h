/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * policy.h — a seccomp policy as parsed from the line format (see
 * docs/policies.md), before it is compiled into a filter.  Parsing is pure:
 * no side effects, no kernel.
 */
#ifndef LK_POLICY_H
#define LK_POLICY_H

#include "linkem.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum lk_action {
	LK_ACT_ALLOW = 0,
	LK_ACT_KILL,  /* SECCOMP_RET_KILL_PROCESS */
	LK_ACT_ERRNO, /* fail with errno */
	LK_ACT_LOG,   /* allow and log */
};

enum lk_cmp {
	LK_CMP_EQ = 0,
	LK_CMP_NE,
	LK_CMP_LT,
	LK_CMP_LE,
	LK_CMP_GT,
	LK_CMP_GE,
	LK_CMP_MASKED_EQ, /* (arg & mask) == value */
};

#define LK_POLICY_MAX_CONDS 6

struct lk_cond {
	unsigned arg; /* 0..5 */
	enum lk_cmp cmp;
	uint64_t mask; /* LK_CMP_MASKED_EQ only */
	uint64_t value;
};

struct lk_rule {
	int nr; /* syscall number, native ABI (may be a libseccomp
		 * pseudo-number for a syscall absent on this arch) */
	enum lk_action act;
	int err; /* LK_ACT_ERRNO */
	unsigned ncond;
	struct lk_cond cond[LK_POLICY_MAX_CONDS];
	unsigned line;	  /* where it was written, for messages */
	const char *file; /* points into lk_policy.files */
};

struct lk_policy {
	enum lk_action def;
	int def_err;
	/* Syscalls of another ABI (i386 through int 0x80, x32): unset means
	 * errno EPERM when the default allows, else the default. */
	bool foreign_set;
	enum lk_action foreign;
	int foreign_err;
	struct lk_rule *rules;
	size_t n, cap;
	char **files; /* names of every file read, owned */
	size_t nfiles;
};

/* Where include NAME finds text: a built-in profile by name.  Returns the
 * text or NULL. */
const char *lk_policy_builtin(const char *name);
/* The names of the built-in profiles, NULL-terminated. */
extern const char *const lk_policy_builtin_names[];

/* Parse policy text.  name is what messages call it ("default",
 * "/etc/x.policy"); dir is where relative includes are looked up (NULL:
 * the current directory).  Errors: -EINVAL with "NAME:LINE: ..." naming
 * the offending word. */
int lk_policy_parse_text(struct lk_policy *p, const char *name, const char *dir,
			 const char *text, struct lk_error *e);
/* Parse a built-in profile name, or else a file. */
int lk_policy_load(struct lk_policy *p, const char *name_or_file,
		   struct lk_error *e);
void lk_policy_init(struct lk_policy *p);
void lk_policy_free(struct lk_policy *p);

/* True when the policy allows everything (the "none" profile): no filter
 * needs to be loaded. */
bool lk_policy_is_empty(const struct lk_policy *p);

/* Compile into a libseccomp filter (not loaded).  Returns 0 with *out
 * NULL for an empty policy.  The filter is a scmp_filter_ctx. */
int lk_policy_compile(const struct lk_policy *p, void **out,
		      struct lk_error *e);
void lk_policy_filter_free(void *filter);

/* Name tables (pure). */
int lk_errno_from_name(const char *s, int *out);
/* A syscall group "@name": fills nrs (up to max) and returns the count,
 * or -ENOENT. */
int lk_syscall_group(const char *name, int *nrs, size_t max);
extern const char *const lk_syscall_group_names[];
/* Symbolic constants usable in conditions (CLONE_NEWNET...). */
int lk_policy_constant(const char *s, uint64_t *out);

#endif
