/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * peer_clone.c — one peer's init, cloned into its own network, mount,
 * PID, UTS and IPC namespaces, with the sync pair (sync.h) and the pipes
 * of its stdout and stderr.  The child runs peer_init.c.
 */
#include "launcher/supervisor.h"
#include "launcher/sync.h"

#include "common/error.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif

/* clone() with fork's semantics: the child goes on from here on its own
 * copy of our stack (no second stack, which the sanitizers cannot follow).
 * Returns the pid, 0 in the child; the pidfd lands in *pidfd. */
static pid_t clone_fork(unsigned long flags, int *pidfd)
{
	return (pid_t)syscall(SYS_clone, flags | CLONE_PIDFD, NULL, pidfd,
			      NULL, 0UL);
}

int lk_peer_clone(struct lk_launch *l, unsigned idx, struct lk_error *e)
{
	struct lk_peer *p = &l->peers[idx];
	int sv[2], po[2], pe[2];
	struct lk_peer_arg arg;
	pid_t pid;

	if (lk_sync_socketpair(sv) < 0)
		return lk_error_errno(e, "socketpair for peer%u", p->id);
	if (pipe2(po, O_CLOEXEC) < 0) {
		close(sv[0]), close(sv[1]);
		return lk_error_errno(e, "pipe for peer%u", p->id);
	}
	if (pipe2(pe, O_CLOEXEC) < 0) {
		close(sv[0]), close(sv[1]), close(po[0]), close(po[1]);
		return lk_error_errno(e, "pipe for peer%u", p->id);
	}
	p->sync = sv[0];
	p->out[LK_OUT] = po[0];
	p->out[LK_ERR] = pe[0];
	arg = (struct lk_peer_arg){.l = l, .idx = idx, .sync = sv[1],
				   .out_w = po[1], .err_w = pe[1]};
	pid = clone_fork(CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWPID |
				 CLONE_NEWUTS | CLONE_NEWIPC | SIGCHLD,
			 &p->pidfd);
	if (pid == 0)
		_exit(lk_peer_init_main(&arg)); /* never returns */
	close(sv[1]);
	close(po[1]);
	close(pe[1]);
	if (pid < 0) {
		p->pidfd = -1;
		return lk_error_errno(e, "clone peer%u", p->id);
	}
	p->pid = pid;
	l->running++;
	return 0;
}
