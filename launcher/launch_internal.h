/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* launch_internal.h — the state of one launch, shared by the supervisor
 * (supervisor.c and the files supervisor.h lists, output.c) and PID 1 of
 * each peer (peer_init.c). */
#ifndef LK_LAUNCH_INTERNAL_H
#define LK_LAUNCH_INTERNAL_H

#include "linkem.h"
#include "launcher/lines.h"
#include "netsetup/hub.h"
#include "policies/sandbox.h"
#include "engine/engine.h"
#include "model/linkspec.h"

#include <stdbool.h>
#include <sys/types.h>

/* The messages between the supervisor and peer init: sync.h. */

enum { LK_OUT = 0, LK_ERR = 1 };

struct lk_peer {
	struct lk_launch *l; /* its launch (for the loop's handlers) */
	unsigned id;
	pid_t pid;
	int pidfd;
	int sync;   /* supervisor's end of the pair */
	int out[2]; /* read ends of the peer's stdout and stderr */
	struct lk_linebuf lb[2];
	int log_fd;
	bool reaped;
	bool have_status; /* the workload's own status arrived */
	bool signaled;
	int status; /* exit status, or the signal */
	int exec_errno;
	int setup_errno;
	char msg[244];
	pid_t workload_pid; /* in the supervisor's PID namespace, or 0 */
	char note[160];	    /* why the workload died, when known */
	bool workload_done; /* its status arrived; init lingers */
	bool restarting;    /* LK_SYNC_RESTART sent, no answer yet */
	bool sync_watched;  /* sync is on the event loop */
	unsigned restarts;  /* workloads started again (restart) */
};

struct lk_outbuf {
	struct lk_buf b;
	int fd;
	bool color;
	int tty; /* 0: not known yet, 1: a terminal (escape lines), -1: not */
};

struct lk_launch {
	struct lk_options opts; /* shallow: the strings are the caller's */
	struct lk_plan plan;
	struct lk_peer *peers; /* peers[id - 1] */
	struct lk_hub hub;
	char *hosts; /* /etc/hosts inside every peer */
	size_t hosts_len;
	char *peers_env; /* LINKEM_PEERS */
	char *cmd_path;	 /* COMMAND resolved on the host */
	struct lk_sandbox *sandbox; /* policies/: caps, seccomp, fs view */
	struct lk_links links;	    /* --link specs, in order */
	const struct lk_engine_ops *engine;
	struct lk_engine_ctx ectx; /* what the engine sees (engine_ctx.c) */
	struct lk_engine_peer *engine_peers; /* ectx.peers */
	struct lk_control *control; /* control_internal.h */
	struct lk_loop *loop;	    /* everything waits here */
	int sigfd, timerfd;
	unsigned running; /* peers not yet reaped */
	unsigned open_streams;
	bool stopping;
	bool releasing; /* every workload ended: LK_SYNC_EXIT sent */
	char notice[244]; /* the last LK_SYNC_NOTICE shown */
	bool killed;
	bool started;
	struct lk_outbuf out[2];
	/* Sorted (pid, index) pairs for reaping. */
	struct lk_pid_index {
		pid_t pid;
		unsigned idx;
	} *by_pid;
};

/* PID 1 of a peer: clone()'s entry point.  Never returns. */
struct lk_peer_arg {
	struct lk_launch *l;
	unsigned idx;
	int sync, out_w, err_w;
};
int lk_peer_init_main(void *arg);
/* Set LINKEM_ID, LINKEM_N, LINKEM_ADDR, LINKEM_ADDR6 and LINKEM_PEERS for
 * peer id (its workload, and commands linkem-ctl exec runs there). */
void lk_peer_set_env(const struct lk_launch *l, unsigned id);
/* peer_env.c, pure: the workload's environment from the launcher's
 * (host): without SUDO_*, SSH_AUTH_SOCK, LINKEM_CONTROL; empty when
 * clear; then each --env NAME=VALUE or NAME (the host's NAME).  A
 * malloc'd vector of pointers into host and env, or NULL. */
char **lk_peer_environ(char *const *host, bool clear,
		       const struct lk_strv *env);

/* peer_sync.c: ask peer idx's init for a restart (control_commands.c's
 * lk_launch_restart_peer checks first). */
int lk_launch_send_restart(struct lk_launch *l, unsigned idx,
			   struct lk_error *e);

/* engine_ctx.c: the loop and the engine's context, once the hub exists. */
int lk_launch_engine_ctx(struct lk_launch *l, struct lk_error *e);
/* Whether n peers fit this machine's limits (capacity.c); E2BIG with
 * one line naming the limit when not. */
int lk_launch_check_capacity(unsigned n, struct lk_error *e);

/* output.c */
void lk_output_line(struct lk_launch *l, struct lk_peer *p, int stream,
		    const char *line, size_t len);
void lk_output_flush(struct lk_launch *l);
/* Pure: "/etc/hosts" for a plan and the LINKEM_PEERS value. */
char *lk_hosts_render(const struct lk_plan *p, size_t *len);
char *lk_peers_env_render(const struct lk_plan *p);

#endif
