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
 *   lk_control_arm       once the peers run: the socket and the timeline's
 *                        timer registered on the launch's loop (their
 *                        handlers are control.c's own), the timeline's
 *                        clock starts
 *   lk_control_free      in lk_launch_free: socket and lock removed
 *
 * The files that implement it are listed in control_internal.h.
 */
#ifndef LK_CONTROL_H
#define LK_CONTROL_H

#include "model/impair.h"
#include "linkem.h"

#include <stdbool.h>
#include <stdint.h>

struct lk_launch;

int lk_control_prepare(struct lk_launch *l, struct lk_error *e);
int lk_control_open(struct lk_launch *l, struct lk_error *e);
int lk_control_arm(struct lk_launch *l, struct lk_error *e);
void lk_control_free(struct lk_launch *l);

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
