/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * peer_sync.c — the supervisor's side of the talk with each peer's init
 * (peer_init.c is the other side, sync.h the wire): "go" once the
 * network is wired, what init reports (setup and exec errors, the
 * workload's pid and status, notices), restarts, and "exit" once every
 * workload has ended.
 */
#include "launcher/supervisor.h"
#include "launcher/control.h"
#include "launcher/sync.h"

#include "common/clock.h"
#include "common/error.h"
#include "common/log.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A peer's notice, once per text (every peer sends the same), on
 * stderr unless -q. */
static void show_notice(struct lk_launch *l, const char *text)
{
	if (strcmp(l->notice, text) == 0)
		return;
	snprintf(l->notice, sizeof(l->notice), "%s", text);
	lk_log(LK_LOG_NOTICE, "notice: %s", text);
}

int lk_peer_sync_go(struct lk_launch *l, struct lk_error *e)
{
	struct lk_sync_msg go = {.type = LK_SYNC_GO};

	for (unsigned i = 0; i < l->plan.n; i++) {
		if (lk_sync_send(l->peers[i].sync, &go, MSG_NOSIGNAL) < 0) {
			int r = lk_error_errno(e, "release peer%u", i + 1);

			lk_peer_sync_error(l, &l->peers[i], e);
			return r;
		}
	}
	/* The release: what --timestamps, the timeline and the live
	 * failure lines count from. */
	l->release_ns = lk_now_ns();
	clock_gettime(CLOCK_REALTIME, &l->release_wall);
	lk_output_release(l);
	return 0;
}

void lk_peer_sync_error(struct lk_launch *l, struct lk_peer *p,
			struct lk_error *e)
{
	struct lk_sync_msg m;

	while (lk_sync_recv(p->sync, &m, NULL, MSG_DONTWAIT) ==
	       (ssize_t)sizeof(m)) {
		if (m.type == LK_SYNC_NOTICE) {
			show_notice(l, m.text);
			continue;
		}
		if (m.type == LK_SYNC_SETUP_ERROR)
			lk_error_set(e, m.err ? m.err : EIO, "peer%u: %s",
				     p->id, m.text);
		break;
	}
}

/* The workload's own wait status arrived; seccomp: its init saw that a
 * seccomp filter killed it. */
static void workload_ended(struct lk_peer *p, int wst, bool seccomp)
{
	p->have_status = true;
	p->workload_done = true;
	if (WIFSIGNALED(wst)) {
		p->signaled = true;
		p->status = WTERMSIG(wst);
		/* A seccomp kill: which syscall, from the kernel's audit
		 * record (it may lag behind the exit a little).  Without
		 * the record or init's word, a SIGSYS is only a signal
		 * (kill -SYS). */
		if (p->status == SIGSYS && p->workload_pid) {
			bool found = false;

			for (int i = 0; i < 10 && !found; i++) {
				found = lk_seccomp_describe_kill(
					    p->workload_pid, p->note,
					    sizeof(p->note)) == 0;
				if (!found)
					usleep(10000);
			}
			if (!found && !seccomp)
				p->note[0] = '\0';
		}
	} else {
		p->signaled = false;
		p->status = WEXITSTATUS(wst);
	}
}

/* A workload that failed, said when it happens (the summary at the end
 * says it again): not while the launch is being stopped, when every
 * workload ends by the stop signal. */
static void show_failure(struct lk_launch *l, struct lk_peer *p)
{
	double at = (double)(lk_now_ns() - l->release_ns) / 1e9;

	if (l->stopping || (!p->signaled && p->status == 0))
		return;
	p->failure_shown = true;
	if (p->note[0])
		lk_log(LK_LOG_NOTICE, "peer%u: %s at +%.3fs", p->id, p->note,
		       at);
	else if (p->signaled)
		lk_log(LK_LOG_NOTICE,
		       "peer%u was killed by signal %d (SIG%s) at +%.3fs",
		       p->id, p->status,
		       sigabbrev_np(p->status) ? sigabbrev_np(p->status) : "?",
		       at);
	else
		lk_log(LK_LOG_NOTICE, "peer%u exited with status %d at +%.3fs",
		       p->id, p->status, at);
}

/* Each init exits with its last workload's status. */
void lk_peer_sync_release(struct lk_launch *l)
{
	struct lk_sync_msg m = {.type = LK_SYNC_EXIT};

	if (l->releasing || !l->peers)
		return;
	for (unsigned i = 0; i < l->plan.n; i++) {
		const struct lk_peer *p = &l->peers[i];

		if (!p->reaped && (!p->workload_done || p->restarting))
			return;
	}
	l->releasing = true;
	for (unsigned i = 0; i < l->plan.n; i++)
		if (!l->peers[i].reaped)
			(void)!lk_sync_send(l->peers[i].sync, &m,
					    MSG_NOSIGNAL | MSG_DONTWAIT);
}

void lk_peer_sync_unwatch(struct lk_launch *l, struct lk_peer *p)
{
	if (p->sync_watched)
		lk_loop_del(l->loop, p->sync);
	p->sync_watched = false;
}

bool lk_peer_sync_read(struct lk_launch *l, struct lk_peer *p)
{
	struct lk_sync_msg m;

	for (;;) {
		pid_t pid = p->workload_pid; /* unless credentials came */
		ssize_t n = lk_sync_recv(p->sync, &m, &pid, MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			return false;
		if (n != (ssize_t)sizeof(m))
			return true;
		switch (m.type) {
		case LK_SYNC_WORKLOAD: {
			p->workload_pid = pid;
			if (p->restarting) {
				/* The last run's status is the one that
				 * counts: the new run has none yet. */
				p->restarting = false;
				p->restarts++;
				p->workload_done = false;
				p->have_status = false;
				p->signaled = false;
				p->status = 0;
				p->note[0] = '\0';
				lk_control_restarted(l, p->id, NULL);
			}
			break;
		}
		case LK_SYNC_STATUS:
			workload_ended(p, m.status,
				       strcmp(m.text, "seccomp") == 0);
			show_failure(l, p);
			break;
		case LK_SYNC_FORCED:
			p->forced = true;
			break;
		case LK_SYNC_RESTART_ERROR:
			p->restarting = false;
			workload_ended(p, 127 << 8, false);
			memcpy(p->msg, m.text, sizeof(p->msg));
			lk_control_restarted(l, p->id, m.text);
			break;
		case LK_SYNC_EXEC_ERROR:
			p->exec_errno = m.err ? m.err : EIO;
			memcpy(p->msg, m.text, sizeof(p->msg));
			break;
		case LK_SYNC_SETUP_ERROR:
			p->setup_errno = m.err ? m.err : EIO;
			memcpy(p->msg, m.text, sizeof(p->msg));
			break;
		case LK_SYNC_NOTICE:
			show_notice(l, m.text);
			break;
		default:
			break;
		}
	}
}

int lk_peer_sync_on_event(void *data, uint32_t events, struct lk_error *e)
{
	struct lk_peer *p = data;
	struct lk_launch *l = p->l;

	(void)events;
	(void)e;
	if (!lk_peer_sync_read(l, p))
		lk_peer_sync_unwatch(l, p);
	lk_peer_sync_release(l);
	return 0;
}

int lk_launch_send_restart(struct lk_launch *l, unsigned idx,
			   struct lk_error *e)
{
	struct lk_sync_msg m = {.type = LK_SYNC_RESTART};
	struct lk_peer *p = &l->peers[idx];

	if (lk_sync_send(p->sync, &m, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		return lk_error_errno(e, "restart peer%u", p->id);
	p->restarting = true;
	return 0;
}
