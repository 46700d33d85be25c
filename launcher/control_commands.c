/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * control_commands.c — the control commands (docs/control-protocol.md),
 * from a client or from the timeline: their arguments checked, then the
 * library call that does each (lk_launch_set_link, lk_launch_partition,
 * ...).  `exec` is control_exec.c's: it needs a client's descriptors.
 */
#include "launcher/control_internal.h"

#include "common/error.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The peer with this id, or an error naming the valid ones. */
static int peer_by_id(struct lk_launch *l, unsigned id, struct lk_peer **p,
		      struct lk_error *e)
{
	if (!l->peers || id < 1 || id > l->plan.n)
		return lk_error_set(e, EINVAL, "no peer %u (1..%u)", id,
				    l->plan.n);
	*p = &l->peers[id - 1];
	return 0;
}

LK_EXPORT int lk_launch_kill_peer(struct lk_launch *l, unsigned id, int sig,
				  struct lk_error *e)
{
	struct lk_peer *p = NULL;
	int r = peer_by_id(l, id, &p, e);

	if (r < 0)
		return r;
	if (p->reaped || p->pidfd < 0 || p->workload_done)
		return lk_error_set(e, ESRCH, "peer%u has already ended", id);
	if (syscall(SYS_pidfd_send_signal, p->pidfd, sig, NULL, 0) < 0)
		return lk_error_errno(e, "signal %d to peer%u", sig, id);
	return 0;
}

LK_EXPORT int lk_launch_restart_peer(struct lk_launch *l, unsigned id,
				     struct lk_error *e)
{
	struct lk_peer *p = NULL;
	int r = peer_by_id(l, id, &p, e);

	if (r < 0)
		return r;
	if (p->reaped || p->pidfd < 0)
		return lk_error_set(e, ESRCH,
				    "peer%u cannot be restarted: its PID 1 "
				    "is gone (killed, or its setup failed), "
				    "and its namespaces with it",
				    id);
	if (l->stopping || l->releasing)
		return lk_error_set(e, ESRCH,
				    "peer%u cannot be restarted: the launch "
				    "is ending",
				    id);
	if (p->restarting)
		return lk_error_set(e, EBUSY, "peer%u is already restarting",
				    id);
	return lk_launch_send_restart(l, id - 1, e);
}

LK_EXPORT unsigned lk_launch_peer_restarts(const struct lk_launch *l,
					   unsigned id)
{
	if (!l->peers || id < 1 || id > l->plan.n)
		return 0;
	return l->peers[id - 1].restarts;
}

int lk_ctl_parse_peer(const struct lk_launch *l, const char *text, unsigned *id,
		      struct lk_error *e)
{
	char *end;
	unsigned long v;

	if (strncmp(text, "peer", 4) == 0)
		text += 4;
	errno = 0;
	v = strtoul(text, &end, 10);
	if (!*text || *end || errno || v < 1 || v > l->plan.n)
		return lk_error_set(e, EINVAL,
				    "unknown peer '%s' (expected 1..%u)", text,
				    l->plan.n);
	*id = (unsigned)v;
	return 0;
}

static int need_args(const char *cmd, size_t nargs, size_t lo, size_t hi,
		     const char *usage, struct lk_error *e)
{
	if (nargs < lo || nargs > hi)
		return lk_error_set(e, EINVAL, "usage: %s %s", cmd, usage);
	return 0;
}

int lk_ctl_dispatch(struct lk_launch *l, const char *cmd, char *const *args,
		    size_t nargs, struct lk_buf *text, json_t **data,
		    struct lk_error *e)
{
	unsigned id;
	int r = 0;

	if (strcmp(cmd, "set") == 0) {
		if ((r = need_args(cmd, nargs, 1, SIZE_MAX, "SPEC...", e)) < 0)
			return r;
		for (size_t i = 0; i < nargs && r == 0; i++)
			r = lk_launch_set_link(l, args[i], e);
	} else if (strcmp(cmd, "clear") == 0) {
		if ((r = need_args(cmd, nargs, 1, SIZE_MAX, "LINKS...", e)) < 0)
			return r;
		for (size_t i = 0; i < nargs && r == 0; i++)
			r = lk_launch_clear_links(l, args[i], e);
	} else if (strcmp(cmd, "partition") == 0) {
		if ((r = need_args(cmd, nargs, 1, 1, "GROUP/GROUP...", e)) < 0)
			return r;
		r = lk_launch_partition(l, args[0], e);
	} else if (strcmp(cmd, "heal") == 0) {
		if ((r = need_args(cmd, nargs, 0, 0, "", e)) < 0)
			return r;
		r = lk_launch_heal(l, e);
	} else if (strcmp(cmd, "down") == 0 || strcmp(cmd, "up") == 0) {
		if ((r = need_args(cmd, nargs, 1, 1, "PEER", e)) < 0 ||
		    (r = lk_ctl_parse_peer(l, args[0], &id, e)) < 0)
			return r;
		r = lk_launch_peer_links(l, id, cmd[0] == 'u', e);
	} else if (strcmp(cmd, "kill") == 0) {
		int sig = SIGTERM;

		if ((r = need_args(cmd, nargs, 1, 2, "PEER [SIGNAL]", e)) < 0 ||
		    (r = lk_ctl_parse_peer(l, args[0], &id, e)) < 0)
			return r;
		if (nargs == 2 && lk_signal_parse(args[1], &sig) < 0)
			return lk_error_set(
			    e, EINVAL, "kill: '%s' is not a signal", args[1]);
		r = lk_launch_kill_peer(l, id, sig, e);
	} else if (strcmp(cmd, "show") == 0) {
		if ((r = need_args(cmd, nargs, 0, 0, "", e)) < 0)
			return r;
		r = lk_ctl_show(l, text, data, e);
	} else if (strcmp(cmd, "peers") == 0) {
		if ((r = need_args(cmd, nargs, 0, 0, "", e)) < 0)
			return r;
		lk_ctl_peers(l, text, data);
	} else if (strcmp(cmd, "stats") == 0) {
		if ((r = need_args(cmd, nargs, 0, 0, "[--json] [--watch]", e)) <
		    0)
			return r;
		r = lk_ctl_stats(l, text, data, e);
	} else if (strcmp(cmd, "hello") == 0) {
		lk_buf_printf(text, "linkem %s, %u peers, engine %s\n",
			      lk_version(), l->plan.n,
			      l->engine ? l->engine->name : "none");
		*data = json_pack("{s:s,s:I,s:s,s:I}", "version", lk_version(),
				  "peers", (json_int_t)l->plan.n, "engine",
				  l->engine ? l->engine->name : "none", "pid",
				  (json_int_t)getpid());
	} else if (strcmp(cmd, "restart") == 0) {
		/* From a client, control.c waits for the answer; from the
		 * timeline, the request is enough. */
		if ((r = need_args(cmd, nargs, 1, 1, "PEER", e)) < 0 ||
		    (r = lk_ctl_parse_peer(l, args[0], &id, e)) < 0)
			return r;
		r = lk_launch_restart_peer(l, id, e);
	} else {
		r = lk_error_set(e, EINVAL,
				 "unknown command '%s' (expected set, clear, "
				 "partition, heal, down, up, show, stats, "
				 "peers, exec, kill, restart, hello)",
				 cmd);
	}
	return r;
}
