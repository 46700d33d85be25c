/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sandbox.h — what makes every peer a sandbox: its read-only view of the
 * host's files, no capabilities (except --cap), an optional --user,
 * no_new_privs and a seccomp filter (policies/profiles, docs/policies.md).
 *
 * Where the launcher calls what:
 *   supervisor, before creating anything:   lk_sandbox_new
 *   the peer's PID 1, in its mount ns,
 *     after "/" is private and fresh /proc, /sys (ro) and /tmp are mounted:
 *                                           lk_sandbox_fs
 *   the workload, right before execve:      lk_sandbox_enter
 */
#ifndef LK_SANDBOX_H
#define LK_SANDBOX_H

#include "linkem.h"

#include <stdbool.h>
#include <stddef.h>
#include <linux/capability.h>
#include <sys/types.h>

struct lk_sandbox;

/* Validate and prepare everything from the options (policy name or file,
 * --cap names, --user, --rw/--ro/--bind paths); the seccomp filter is
 * compiled here, once.  Bad input: -EINVAL with a one-line message naming
 * the offending text. */
int lk_sandbox_new(const struct lk_options *o, struct lk_sandbox **out,
		   struct lk_error *e);
void lk_sandbox_free(struct lk_sandbox *sb);

/* Also hide PATH (a directory: an empty read-only tmpfs over it; a file:
 * /dev/null over it) inside the peers: for the launcher's own sockets,
 * logs and captures when they live on a visible path.  Missing paths are
 * ignored at lk_sandbox_fs time. */
int lk_sandbox_hide(struct lk_sandbox *sb, const char *path,
		    struct lk_error *e);

/* In the peer's PID 1 (root, all capabilities), inside its new mount
 * namespace: every mount read-only, nosuid and nodev, recursively, except
 * /tmp, /proc, the --rw paths and --bind targets; a minimal fresh /dev
 * (null zero full random urandom tty, own devpts, shm, mqueue); an empty
 * private /run; /proc/sys, /proc/sysrq-trigger... read-only; --ro, --bind
 * applied.  Needs mount_setattr (Linux >= 5.12). */
int lk_sandbox_fs(const struct lk_sandbox *sb, struct lk_error *e);

/* In the workload process right before execve (in its own user
 * namespace, as uid 0 there, unless --cap-host): bounding set, --user,
 * capability sets, ambient (only the --cap names survive), securebits
 * locked, PR_SET_NO_NEW_PRIVS, then the seccomp filter.  Keeps
 * PR_SET_PDEATHSIG across the credential change.  Allocates nothing. */
int lk_sandbox_enter(const struct lk_sandbox *sb, struct lk_error *e);
/* The same in a process that is uid 0 of a user namespace of its own
 * (launcher/userns.h): root also keeps LK_SANDBOX_USERNS_CAPS. */
int lk_sandbox_enter_userns(const struct lk_sandbox *sb, struct lk_error *e);

/* What root inside a peer's user namespace keeps, unless --user: only
 * capabilities that act on what that namespace owns (its processes, the
 * files of the ids it maps). */
#define LK_SANDBOX_USERNS_CAPS                                                 \
	((1ULL << CAP_CHOWN) | (1ULL << CAP_DAC_OVERRIDE) |                     \
	 (1ULL << CAP_FOWNER) | (1ULL << CAP_FSETID) | (1ULL << CAP_KILL) |    \
	 (1ULL << CAP_SETGID) | (1ULL << CAP_SETUID) |                          \
	 (1ULL << CAP_NET_BIND_SERVICE))

/* Accessors, for the launcher and tests. */
/* --cap-host: the peers run as host root, without a user namespace. */
bool lk_sandbox_host_root(const struct lk_sandbox *sb);
/* The --cap-host names, comma-separated. */
const char *lk_sandbox_host_caps(const struct lk_sandbox *sb);
const char *lk_sandbox_policy_name(const struct lk_sandbox *sb);
bool lk_sandbox_has_filter(const struct lk_sandbox *sb);
/* True when the policy kills (so a SIGSYS death should be explained). */
bool lk_sandbox_may_kill(const struct lk_sandbox *sb);

/* Pure helpers (unit tested). */
int lk_sandbox_parse_user(const char *text, uid_t *uid, gid_t *gid,
			  struct lk_error *e);
int lk_sandbox_parse_cap(const char *text, int *cap, struct lk_error *e);
/* From one /dev/kmsg or audit line: pid and syscall of a seccomp record
 * (type=1326).  Returns 0 when the line is one, else -ENOENT. */
int lk_seccomp_parse_audit_line(const char *line, int *pid, int *syscall_nr,
				long *sig);

#endif
