/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * control.h — the control socket of a launch (linkem-ctl's other end),
 * the timeline (--at, --scenario) and the overlays they set on the links
 * (partition, a peer's links down).  docs/control-protocol.md.
 *
 * The supervisor calls, in order:
 *   lk_control_prepare   in lk_launch_new: timeline parsed and checked,
 *                        socket path chosen; nothing created
 *   lk_control_open      in lk_launch_start before the first clone: the
 *                        socket and its lock exist, hidden from the peers
 *   lk_control_arm       once the peers run: watched on the loop, the
 *                        timeline's clock starts
 *   lk_control_on_event  for an epoll key with LK_KEY_CONTROL
 *   lk_control_free      in lk_launch_free: socket and lock removed
 */
#ifndef LK_CONTROL_H
#define LK_CONTROL_H

#include "model/impair.h"
#include "linkem.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct lk_launch;

#define LK_KEY_CONTROL ((uint64_t)1 << 61)

int lk_control_prepare(struct lk_launch *l, struct lk_error *e);
int lk_control_open(struct lk_launch *l, struct lk_error *e);
int lk_control_arm(struct lk_launch *l, struct lk_error *e);
void lk_control_on_event(struct lk_launch *l, uint64_t key, uint32_t events);
void lk_control_free(struct lk_launch *l);
/* control_janitor.c: a process (*jpid) that removes PATH and LOCK_PATH
 * once the supervisor has ended (even by SIGKILL), i.e. once *wfd, the
 * pipe's only write end, is closed; _end closes it and reaps the
 * janitor. */
int lk_control_janitor(const char *path, const char *lock_path, int *wfd,
		       pid_t *jpid, struct lk_error *e);
void lk_control_janitor_end(int *wfd, pid_t *jpid);

/* The supervisor heard back from peer id's init about a restart: err is
 * NULL when the workload runs again, else why not.  Answers the clients
 * waiting for it. */
void lk_control_restarted(struct lk_launch *l, unsigned id, const char *err);

/* Whether a partition or a downed peer cuts the link src -> dst. */
bool lk_control_link_cut(const struct lk_launch *l, unsigned src, unsigned dst);

/* set_link.c */
bool lk_launch_link_effective(const struct lk_launch *l, unsigned src,
			      unsigned dst, struct lk_impair *out);
int lk_launch_push_pair(struct lk_launch *l, unsigned src, unsigned dst,
			struct lk_error *e);
int lk_launch_can_set(const struct lk_launch *l, struct lk_error *e);

/* Where launches put their sockets by default: $XDG_RUNTIME_DIR/linkem
 * when that directory is ours, else /run/linkem. */
void lk_control_default_dir(char *buf, size_t size);

#endif
