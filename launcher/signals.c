/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * signals.c — the signals the supervisor takes, through a signalfd on its
 * loop: SIGCHLD reaps, INT and TERM stop the launch (forwarded once to
 * every peer, KILL after --grace, or at once on the third request;
 * signals within 250 ms of each other are one request), HUP, USR1 and
 * USR2 pass through to every peer.  The peers' inits are in sessions of
 * their own: terminal and group signals reach the supervisor only.
 */
#include "launcher/supervisor.h"

#include "common/cleanup.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/log.h"

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
		    old.sa_handler == SIG_IGN) {
			if (handled[i] == SIGINT)
				lk_log(LK_LOG_NOTICE,
				       "started with SIGINT ignored (a "
				       "background job?): Ctrl-C and SIGINT "
				       "will be ignored; stop it with "
				       "SIGTERM");
			continue;
		}
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
	for (unsigned i = 0; i < l->plan.n; i++) {
		struct lk_peer *p = &l->peers[i];

		if (p->pid > 0 && !p->reaped && !p->workload_done)
			p->forced = true;
	}
	lk_peers_kill(l, SIGKILL);
	return 0;
}

/* Signals of one request come within this much of each other: timeout(1)
 * signals the supervisor and then its whole process group; a script may
 * forward a Ctrl-C that the terminal sent to the group as well.  A
 * keypress of a human comes later. */
#define SAME_REQUEST_NS (250ull * 1000000)

/* SIGINT or SIGTERM: the first request forwards it to every peer (their
 * inits send it, or --stop-signal, to every process of the peer) and
 * starts --grace; the second one says what the third does; the third
 * kills every peer at once. */
static void stop_request(struct lk_launch *l, int sig)
{
	uint64_t now = lk_now_ns();

	if (l->stop_requests && now - l->last_stop_ns < SAME_REQUEST_NS)
		return; /* the same request, again */
	l->last_stop_ns = now;
	switch (++l->stop_requests) {
	case 1:
		l->stopping = true;
		lk_peers_kill(l, sig);
		/* Each init kills what is left of its peer after --grace
		 * and says so; the supervisor's SIGKILL, a second later, is
		 * for an init that does not. */
		lk_timer_in(l->timerfd,
			    ((uint64_t)l->opts.grace_ms + 1000) * 1000000ull);
		break;
	case 2:
		lk_log(LK_LOG_NOTICE,
		       "stopping: the peers have %u ms in all to end; one "
		       "more Ctrl-C (SIGINT or SIGTERM) kills them now",
		       l->opts.grace_ms);
		break;
	default:
		if (!l->killed)
			lk_log(LK_LOG_NOTICE, "killing every peer (SIGKILL)");
		lk_signals_on_grace_over(l, 0, NULL);
		break;
	}
}

int lk_signals_on_event(void *data, uint32_t events, struct lk_error *e)
{
	struct lk_launch *l = data;
	struct signalfd_siginfo si;

	(void)events;
	(void)e;
	while (read(l->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		int sig = (int)si.ssi_signo;

		if (sig == SIGCHLD)
			lk_reap(l);
		else if (sig == SIGINT || sig == SIGTERM)
			stop_request(l, sig);
		else
			lk_peers_kill(l, sig); /* HUP, USR1, USR2 pass through */
	}
	return 0;
}
