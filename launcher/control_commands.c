/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * control_commands.c — the control commands (docs/control-protocol.md),
 * from a client or from the timeline: their arguments checked, then the
 * library call that does each (lk_launch_set_link, lk_launch_partition,
 * ...).  `exec` is control_exec.c's: it needs a client's descriptors.
 */
#include "launcher/control_internal.h"
#include "launcher/commands.h"

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

/* The command table (launcher/commands.c) names the commands and how many
 * arguments each takes; exec is not dispatched here (lk_ctl_exec). */
int lk_ctl_dispatch(struct lk_launch *l, const char *cmd, char *const *args,
		    size_t nargs, struct lk_buf *text, json_t **data,
		    struct lk_error *e)
{
	const struct lk_command *k = lk_command_find(cmd, LK_CMD_SERVED);
	unsigned id;
	int sig = SIGTERM;
	int r = 0;

	if (!k || k->id == LK_CMD_EXEC)
		return lk_command_unknown(NULL, cmd, LK_CMD_SERVED, e);
	if ((r = lk_command_check_nargs(k, nargs, e)) < 0)
		return r;
	switch (k->id) {
	case LK_CMD_SET:
		for (size_t i = 0; i < nargs && r == 0; i++)
			r = lk_launch_set_link(l, args[i], e);
		break;
	case LK_CMD_CLEAR:
		for (size_t i = 0; i < nargs && r == 0; i++)
			r = lk_launch_clear_links(l, args[i], e);
		break;
	case LK_CMD_PARTITION:
		r = lk_launch_partition(l, args[0], e);
		break;
	case LK_CMD_HEAL:
		r = lk_launch_heal(l, e);
		break;
	case LK_CMD_DOWN:
	case LK_CMD_UP:
		if ((r = lk_ctl_parse_peer(l, args[0], &id, e)) < 0)
			return r;
		r = lk_launch_peer_links(l, id, k->id == LK_CMD_UP, e);
		break;
	case LK_CMD_KILL:
		if ((r = lk_ctl_parse_peer(l, args[0], &id, e)) < 0)
			return r;
		if (nargs == 2 && lk_signal_parse(args[1], &sig) < 0)
			return lk_error_set(
			    e, EINVAL, "kill: '%s' is not a signal", args[1]);
		r = lk_launch_kill_peer(l, id, sig, e);
		break;
	case LK_CMD_SHOW:
		r = lk_ctl_show(l, text, data, e);
		break;
	case LK_CMD_PEERS:
		lk_ctl_peers(l, text, data);
		break;
	case LK_CMD_STATS:
		r = lk_ctl_stats(l, text, data, e);
		break;
	case LK_CMD_HELLO:
		lk_buf_printf(text, "linkem %s, %u peers, engine %s\n",
			      lk_version(), l->plan.n,
			      l->engine ? l->engine->name : "none");
		*data = json_pack("{s:s,s:I,s:s,s:I}", "version", lk_version(),
				  "peers", (json_int_t)l->plan.n, "engine",
				  l->engine ? l->engine->name : "none", "pid",
				  (json_int_t)getpid());
		break;
	case LK_CMD_RESTART:
		/* From a client, control.c waits for the answer; from the
		 * timeline, the request is enough. */
		if ((r = lk_ctl_parse_peer(l, args[0], &id, e)) < 0)
			return r;
		r = lk_launch_restart_peer(l, id, e);
		break;
	default:
		r = lk_command_unknown(NULL, cmd, LK_CMD_SERVED, e);
		break;
	}
	return r;
}
