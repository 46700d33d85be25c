/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * signals.c — the signals the supervisor takes, through a signalfd on its
 * loop: SIGCHLD reaps, INT and TERM stop the launch (TERM to the peers,
 * KILL after --grace, or at once when asked twice), HUP, USR1 and USR2
 * pass through to every peer.
 */
#include "launcher/supervisor.h"

#include "common/cleanup.h"
#include "common/error.h"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

/* Signals the supervisor takes through its signalfd. */
static const int handled[] = {SIGCHLD, SIGINT, SIGTERM,
			      SIGHUP,  SIGUSR1, SIGUSR2};

/* A signal that the launch was started with ignored (SIGHUP under nohup,
 * SIGINT and SIGQUIT for a background job of a script) stays ignored, by
 * the supervisor and by the peers, which inherit the disposition: as for
 * any other program.  Blocked, it would still be queued to the signalfd
 * and forwarded to workloads that ignore it, and the launch would stop by
 * SIGKILL after the grace period. */
int lk_signals_block(struct lk_launch *l, struct lk_error *e)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < LK_ARRAY_SIZE(handled); i++) {
		struct sigaction old;

		if (handled[i] != SIGCHLD &&
		    sigaction(handled[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		sigaddset(&set, handled[i]);
	}
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return lk_error_errno(e, "block signals");
	l->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (l->sigfd < 0)
		return lk_error_errno(e, "create signalfd");
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* --grace ran out after SIGINT or SIGTERM. */
int lk_signals_on_grace_over(void *data, uint32_t events, struct lk_error *e)
{
	struct lk_launch *l = data;

	(void)events;
	(void)e;
	l->killed = true;
	lk_peers_kill(l, SIGKILL);
	return 0;
}

int lk_signals_on_event(void *data, uint32_t events, struct lk_error *e)
{
	struct lk_launch *l = data;
	struct signalfd_siginfo si;

	(void)events;
	(void)e;
	while (read(l->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		int sig = (int)si.ssi_signo;

		if (sig == SIGCHLD) {
			lk_reap(l);
		} else if (sig == SIGINT || sig == SIGTERM) {
			if (l->stopping) {
				/* Asked twice: no more grace. */
				l->killed = true;
				lk_peers_kill(l, SIGKILL);
				continue;
			}
			l->stopping = true;
			lk_peers_kill(l, sig);
			lk_timer_in(l->timerfd,
				    (uint64_t)l->opts.grace_ms * 1000000ull);
		} else {
			lk_peers_kill(l, sig); /* HUP, USR1, USR2 pass through */
		}
	}
	return 0;
}
