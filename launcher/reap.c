/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * reap.c — the peers' inits as child processes: signalled through their
 * pidfds, reaped with a WNOHANG loop (found by pid in a sorted index),
 * waited for at the end.  An init's own status counts only when its
 * workload's did not arrive (peer_sync.c).
 */
#include "launcher/supervisor.h"
#include "launcher/control.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int cmp_pid(const void *a, const void *b)
{
	const struct lk_pid_index *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

void lk_reap_index(struct lk_launch *l)
{
	for (unsigned i = 0; i < l->plan.n; i++)
		l->by_pid[i] = (struct lk_pid_index){l->peers[i].pid, i};
	qsort(l->by_pid, l->plan.n, sizeof(*l->by_pid), cmp_pid);
}

void lk_peers_kill(struct lk_launch *l, int sig)
{
	for (unsigned i = 0; i < l->plan.n; i++) {
		struct lk_peer *p = &l->peers[i];

		if (p->pid > 0 && !p->reaped && p->pidfd >= 0)
			syscall(SYS_pidfd_send_signal, p->pidfd, sig, NULL, 0);
	}
}

void lk_peers_wait(struct lk_launch *l)
{
	for (unsigned i = 0; i < l->plan.n; i++) {
		struct lk_peer *p = &l->peers[i];
		int st;

		if (p->pid <= 0 || p->reaped)
			continue;
		while (waitpid(p->pid, &st, 0) < 0 && errno == EINTR)
			;
		p->reaped = true;
		l->running--;
	}
}

static struct lk_peer *peer_by_pid(struct lk_launch *l, pid_t pid)
{
	struct lk_pid_index key = {.pid = pid};
	struct lk_pid_index *hit = bsearch(&key, l->by_pid, l->plan.n,
					   sizeof(key), cmp_pid);

	return hit ? &l->peers[hit->idx] : NULL;
}

/* Peer p's init was reaped with init_status. */
static void record_end(struct lk_launch *l, struct lk_peer *p, int init_status)
{
	p->reaped = true;
	lk_peer_sync_read(l, p);
	lk_peer_sync_unwatch(l, p);
	if (p->restarting) {
		char why[64];

		p->restarting = false;
		snprintf(why, sizeof(why), "peer%u ended during the restart",
			 p->id);
		lk_control_restarted(l, p->id, why);
	}
	if (p->have_status)
		return; /* the workload's own status, from init */
	if (WIFSIGNALED(init_status)) {
		p->signaled = true;
		p->status = WTERMSIG(init_status);
	} else {
		p->status = WEXITSTATUS(init_status);
	}
}

void lk_reap(struct lk_launch *l)
{
	for (;;) {
		int st;
		pid_t pid = waitpid(-1, &st, WNOHANG);
		struct lk_peer *p;

		if (pid <= 0)
			return;
		p = peer_by_pid(l, pid);
		if (!p || p->reaped)
			continue;
		record_end(l, p, st);
		l->running--;
		if (p->exec_errno && !l->killed) {
			/* COMMAND cannot run: no point going on. */
			l->killed = true;
			lk_peers_kill(l, SIGKILL);
		}
		lk_peer_sync_release(l);
	}
}
