/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * control_internal.h — the state of a launch's control side, shared by
 * the files that serve it (control.h is what the supervisor calls):
 *
 *   control.c           the socket, its lock, the client state machine
 *   control_commands.c  one command (from a client or the timeline)
 *   control_views.c     show, peers, stats: text and JSON
 *   control_timeline.c  the timeline's timer
 *   control_exec.c      `exec`: the helper that enters a peer
 *   control_overlay.c   partitions and downed peers over the links
 */
#ifndef LK_CONTROL_INTERNAL_H
#define LK_CONTROL_INTERNAL_H

#include "launcher/control.h"
#include "launcher/control_proto.h"
#include "launcher/launch_internal.h"
#include "launcher/timeline.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define LK_CTL_MAX_CLIENTS 32

struct lk_ctl_client {
	struct lk_launch *l; /* for its loop handler */
	int fd;
	char *in;
	size_t inlen;
	struct lk_buf out;
	size_t outoff;
	int fds[3]; /* received with SCM_RIGHTS, for exec */
	int nfds;
	uint32_t interest;
	uint64_t last_ns;
	bool eof;
	unsigned waiting;   /* restart: the peer whose answer is awaited */
	json_t *waiting_id; /* that request's id */
};

struct lk_control {
	char *path, *lock_path;
	int lfd, lock_fd, tfd;
	bool own_files;
	struct lk_ctl_client c[LK_CTL_MAX_CLIENTS];
	struct lk_timeline tl;
	uint64_t t0_ns;
	unsigned *group; /* partition: group[id], NULL when none */
	char *partition_text;
	bool *down; /* down[id]: the peer's links are cut */
};

/* control_commands.c: one command, from a client or the timeline.
 * text: what linkem-ctl prints; data: JSON (may stay NULL).  exec is not
 * one of them (it needs a client's descriptors: lk_ctl_exec). */
int lk_ctl_dispatch(struct lk_launch *l, const char *cmd, char *const *args,
		    size_t nargs, struct lk_buf *text, json_t **data,
		    struct lk_error *e);
/* "2" or "peer2", 1..n. */
int lk_ctl_parse_peer(const struct lk_launch *l, const char *text, unsigned *id,
		      struct lk_error *e);

/* control_views.c */
bool lk_ctl_peer_running(const struct lk_peer *p);
int lk_ctl_show(const struct lk_launch *l, struct lk_buf *text, json_t **data,
		struct lk_error *e);
void lk_ctl_peers(const struct lk_launch *l, struct lk_buf *text,
		  json_t **data);
int lk_ctl_stats(const struct lk_launch *l, struct lk_buf *text, json_t **data,
		 struct lk_error *e);

/* control_timeline.c: set the timer for the next step; run the steps
 * that are due (the timer fired). */
void lk_ctl_timer_arm(struct lk_control *c);
void lk_ctl_timer_fire(struct lk_launch *l);

/* control_exec.c: exec PEER COMMAND [ARG...] for the client on conn,
 * with its descriptors fds[nfds]: a helper process takes the
 * conversation over.  Returns 0 when it has (the caller then closes its
 * copy of the client), else an error for the client. */
int lk_ctl_exec(struct lk_launch *l, int conn, const int *fds, int nfds,
		char *const *args, size_t nargs, struct lk_error *e);

#endif
