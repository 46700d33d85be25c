/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * supervisor.h — what the supervisor's files call in each other.
 *
 *   supervisor.c     a launch's life: new, start, the poll loop, free
 *   command_path.c   COMMAND found on the host (command_path.h)
 *   engine_choice.c  which engine a launch uses
 *   peer_clone.c     one peer cloned into its own namespaces
 *   peer_sync.c      the supervisor's side of the talk with each peer's
 *                    init (sync.h is the wire, peer_init.c the other side)
 *   peer_streams.c   the peers' stdout and stderr, read into lines
 *   signals.c        the signals the supervisor takes, and what it does
 *   reap.c           reaping the peers' inits, killing and waiting
 *   exit_status.c    what the launch and each peer ended with
 */
#ifndef LK_SUPERVISOR_H
#define LK_SUPERVISOR_H

#include "launcher/launch_internal.h"

#include <stdbool.h>

/* engine_choice.c: set l->engine from --engine and what works here. */
int lk_launch_choose_engine(struct lk_launch *l, struct lk_error *e);

/* peer_clone.c: clone peer idx's init, with its sync pair and output
 * pipes; counts it in l->running. */
int lk_peer_clone(struct lk_launch *l, unsigned idx, struct lk_error *e);

/* peer_sync.c */
/* Everything is wired: send "go" to every peer. */
int lk_peer_sync_go(struct lk_launch *l, struct lk_error *e);
/* When wiring a peer failed, the peer's own report says more. */
void lk_peer_sync_error(struct lk_launch *l, struct lk_peer *p,
			struct lk_error *e);
/* What peer p's init said; returns false at end-of-file. */
bool lk_peer_sync_read(struct lk_launch *l, struct lk_peer *p);
/* Take p's sync socket off the loop. */
void lk_peer_sync_unwatch(struct lk_launch *l, struct lk_peer *p);
/* A peer's sync socket is readable (a loop handler; data: the peer). */
int lk_peer_sync_on_event(void *data, uint32_t events, struct lk_error *e);
/* Every workload has ended and none is being restarted: the inits may
 * go. */
void lk_peer_sync_release(struct lk_launch *l);

/* peer_streams.c: read what stream s of peer p has (bounded). */
void lk_peer_stream_drain(struct lk_launch *l, struct lk_peer *p, int s);
/* Loop handlers for a peer's stdout and stderr (data: the peer). */
int lk_peer_stream_on_stdout(void *data, uint32_t events, struct lk_error *e);
int lk_peer_stream_on_stderr(void *data, uint32_t events, struct lk_error *e);

/* peer_limits.c: --memory, --pids, --cpus.  Prepare the launch's
 * cgroups (or nothing, or rlimits); put peer idx's init in its own,
 * limited, before "go"; a SIGKILLed workload: was it the memory limit
 * (sets p->note)?; at the end, what the limits refused (limits_note),
 * then remove the cgroups. */
int lk_limits_prepare(struct lk_launch *l, struct lk_error *e);
int lk_limits_join(struct lk_launch *l, unsigned idx, struct lk_error *e);
void lk_limits_workload_killed(struct lk_launch *l, struct lk_peer *p);
void lk_limits_collect(struct lk_launch *l);
void lk_limits_remove(struct lk_launch *l);

/* signals.c */
int lk_signals_block(struct lk_launch *l, struct lk_error *e);
/* Loop handlers (data: the launch): the signalfd, and the grace timer
 * that SIGKILLs what is left once --grace is over. */
int lk_signals_on_event(void *data, uint32_t events, struct lk_error *e);
int lk_signals_on_grace_over(void *data, uint32_t events, struct lk_error *e);

/* reap.c */
/* The peers' pids sorted for lk_reap(), once they are all cloned. */
void lk_reap_index(struct lk_launch *l);
/* Reap every init that has ended (WNOHANG). */
void lk_reap(struct lk_launch *l);
/* Signal every init still running. */
void lk_peers_kill(struct lk_launch *l, int sig);
/* Wait for every peer still running (after SIGKILL). */
void lk_peers_wait(struct lk_launch *l);

#endif
