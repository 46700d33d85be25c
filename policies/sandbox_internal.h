/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sandbox_internal.h — struct lk_sandbox, shared by sandbox*.c. */
#ifndef LK_SANDBOX_INTERNAL_H
#define LK_SANDBOX_INTERNAL_H

#include "policies/sandbox.h"

#include <linux/filter.h>
#include <stdint.h>

struct lk_bind {
	char *src, *dst; /* resolved, absolute */
};

struct lk_sandbox {
	char *policy_name;
	struct sock_filter *prog; /* compiled BPF, NULL for "none" */
	size_t prog_len;	  /* instructions */
	bool may_kill;
	uint64_t keep; /* capabilities kept (--cap), bit per number */
	bool user_set;
	uid_t uid;
	gid_t gid;
	char **rw, **ro, **hide;
	size_t nrw, nro, nhide;
	struct lk_bind *binds;
	size_t nbinds;
	uint64_t shm_size; /* /dev/shm's tmpfs size= (--tmp-size), 0: default */
};

#endif
