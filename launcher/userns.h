/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * userns.h — the user namespace every workload runs in (docs/policies.md,
 * "Identity"): uid/gid 0 inside is the invoking user (SUDO_UID/SUDO_GID,
 * PKEXEC_UID, or the launcher's real uid when it is not root; 65534 when
 * it is plain root), 1..65535 inside a range of 65536 host ids of this
 * launch alone (locked under /run/linkem/uid-ranges).
 *
 *   supervisor, before any peer exists:      lk_userns_prepare
 *   a process about to become a workload (or a linkem-ctl exec command),
 *     right after fork, before lk_sandbox_enter:   lk_userns_child
 *   its parent (init, the exec helper: host root with CAP_SETUID), at the
 *     same time:                                  lk_userns_parent
 * The two talk over a SOCK_SEQPACKET pair made by lk_userns_pair.
 */
#ifndef LK_USERNS_H
#define LK_USERNS_H

#include "common/error.h"

#include <stdbool.h>
#include <sys/types.h>

#define LK_USERNS_SIZE 65536u /* ids 0..65535 inside */

struct lk_userns {
	bool enabled;	 /* false: --cap-host, the peers are host root */
	uid_t root_uid;	 /* host uid of uid 0 inside */
	gid_t root_gid;	 /* host gid of gid 0 inside */
	uid_t base;	 /* host id of id 1 inside is base + 1 */
	bool nobody;	 /* root_uid is 65534 for want of an invoking user */
	int lockfd;	 /* holds the range for the launch, or -1 */
};

/* Who the peers' root is, and this launch's range.  host_root: no user
 * namespace (--cap-host).  env: the launcher's environment. */
int lk_userns_prepare(struct lk_userns *u, bool host_root,
		      char *const *env, struct lk_error *e);
void lk_userns_release(struct lk_userns *u);

/* Pure: the text of uid_map (uid) or gid_map for u.  Returns the length,
 * or -1 when buf is too small. */
int lk_userns_map_text(const struct lk_userns *u, bool uid, char *buf,
		       size_t size);

/* sv[0] for the parent, sv[1] for the child, CLOEXEC. */
int lk_userns_pair(int sv[2]);

/* In the child: unshare(CLONE_NEWUSER), let the parent write the maps,
 * become uid/gid 0 inside (no supplementary group) and keep its
 * parent-death signal.  Closes fd. */
int lk_userns_child(const struct lk_userns *u, int fd, struct lk_error *e);

/* In the parent: when the child has unshared, write its maps through
 * procdir (a descriptor of the /proc where child is its pid) and let it
 * go on.  Closes fd.  A child that died first: -ESRCH. */
int lk_userns_parent(const struct lk_userns *u, int procdir, pid_t child,
		     int fd, struct lk_error *e);

#endif
