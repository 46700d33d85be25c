/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * supervisor.c — one launch: check the input, clone every peer into its
 * own namespaces, wire the hub, release the peers, then supervise them
 * on one poll loop (output, signals, reaping) until every one has ended.
 * The jobs it calls on live in the files supervisor.h lists.
 */
#include "launcher/supervisor.h"
#include "launcher/command_path.h"
#include "launcher/control.h"

#include "common/cleanup.h"
#include "common/error.h"

#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>

LK_EXPORT const char *lk_version(void)
{
	return LK_VERSION;
}

/* ---- checks before anything is created ------------------------------- */

static int check_privileges(struct lk_error *e)
{
	capng_get_caps_process();
	if (!capng_have_capability(CAPNG_EFFECTIVE, CAP_SYS_ADMIN) ||
	    !capng_have_capability(CAPNG_EFFECTIVE, CAP_NET_ADMIN))
		return lk_error_set(e, EPERM,
				    "linkem-launch needs root (CAP_SYS_ADMIN "
				    "and CAP_NET_ADMIN) to create namespaces "
				    "and networks: run it as root or with "
				    "sudo");
	return 0;
}

LK_EXPORT int lk_launch_new(const struct lk_options *opts,
			    struct lk_launch **out, struct lk_error *e)
{
	struct lk_launch *l = calloc(1, sizeof(*l));
	int r;

	if (!l)
		return lk_error_set(e, ENOMEM, "out of memory");
	l->opts = *opts;
	l->sigfd = l->epfd = l->timerfd = -1;
	lk_hub_init(&l->hub);
	l->out[LK_OUT].fd = STDOUT_FILENO;
	l->out[LK_ERR].fd = STDERR_FILENO;

	r = lk_plan_init(&l->plan, opts->n, opts->subnet, e);
	if (r < 0)
		goto fail;
	lk_links_init(&l->links, l->plan.n);
	for (size_t i = 0; i < opts->links.n; i++) {
		r = lk_links_add(&l->links, opts->links.v[i], e);
		if (r < 0)
			goto fail;
	}
	/* Policy, --cap, --user, --rw/--ro/--bind: checked and compiled
	 * once, before anything is created. */
	r = lk_sandbox_new(opts, &l->sandbox, e);
	if (r < 0)
		goto fail;
	r = lk_control_prepare(l, e); /* --at, --scenario, --control */
	if (r < 0)
		goto fail;
	if (opts->argc < 1 || !opts->argv) {
		r = lk_error_set(e, EINVAL, "missing COMMAND");
		goto fail;
	}
	if (strchr(opts->argv[0], '{')) {
		/* COMMAND differs per peer: check each one. */
		for (unsigned id = 1; id <= l->plan.n && r == 0; id++) {
			_cleanup_free_ char *c =
				lk_template_expand(opts->argv[0], &l->plan, id);
			_cleanup_free_ char *resolved = NULL;
			r = c ? lk_command_resolve(c, &resolved, e)
			      : lk_error_set(e, ENOMEM, "out of memory");
		}
		if (r < 0)
			goto fail;
	} else {
		r = lk_command_resolve(opts->argv[0], &l->cmd_path, e);
		if (r < 0)
			goto fail;
	}
	*out = l;
	return 0;
fail:
	lk_launch_free(l);
	return r;
}

/* ---- start ------------------------------------------------------------ */

static void raise_fd_limit(unsigned n)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)n * 8 + 256;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < want) {
		rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int open_logs(struct lk_launch *l, struct lk_error *e)
{
	const char *dir = l->opts.log_dir;

	if (!dir)
		return 0;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return lk_error_errno(e, "create log directory '%s'", dir);
	for (unsigned i = 0; i < l->plan.n; i++) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/peer%u.log", dir, i + 1);
		l->peers[i].log_fd = open(path,
					  O_WRONLY | O_CREAT | O_TRUNC |
						  O_CLOEXEC | O_APPEND,
					  0644);
		if (l->peers[i].log_fd < 0)
			return lk_error_errno(e, "open log file '%s'", path);
	}
	return 0;
}

/* Put fd on the supervisor's loop, creating the loop on first use (an
 * engine may register its descriptors before the supervisor does). */
static int epoll_add(struct lk_launch *l, int fd, uint32_t events,
		     uint64_t key, struct lk_error *e)
{
	struct epoll_event ev = {.events = events, .data.u64 = key};

	if (l->epfd < 0) {
		l->epfd = epoll_create1(EPOLL_CLOEXEC);
		if (l->epfd < 0)
			return lk_error_errno(e, "create the event loop");
	}
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return lk_error_errno(e, "watch a descriptor");
	return 0;
}

/* epoll keys: 0 signalfd, 1 timerfd, 2 + 2*idx + stream for output,
 * KEY_ENGINE | tag for an engine's descriptors. */
#define KEY_SIG 0
#define KEY_TIMER 1
#define KEY_STREAM(idx, s) (2 + 2 * (uint64_t)(idx) + (uint64_t)(s))
#define KEY_ENGINE ((uint64_t)1 << 62)
#define KEY_SYNC ((uint64_t)1 << 60) /* | idx: a peer init's sync socket */

int lk_launch_watch(struct lk_launch *l, int fd, uint32_t events,
		    uint32_t tag, struct lk_error *e)
{
	return epoll_add(l, fd, events, KEY_ENGINE | tag, e);
}

struct peer_more {
	struct lk_launch *l;
	unsigned idx;
};

static int peer_more(void *ctx, struct lk_nl_batch *b, struct lk_error *e)
{
	struct peer_more *m = ctx;

	return m->l->engine->configure_peer(m->l, m->idx, b, e);
}

LK_EXPORT int lk_launch_start(struct lk_launch *l, struct lk_error *e)
{
	const unsigned n = l->plan.n;
	int r;

	if (l->started)
		return lk_error_set(e, EALREADY, "launch already started");
	l->started = true;
	r = check_privileges(e);
	if (r < 0)
		return r;
	raise_fd_limit(n);
	l->peers = calloc(n, sizeof(*l->peers));
	l->by_pid = calloc(n, sizeof(*l->by_pid));
	l->hosts = lk_hosts_render(&l->plan, &l->hosts_len);
	l->peers_env = lk_peers_env_render(&l->plan);
	if (!l->peers || !l->by_pid || !l->hosts)
		return lk_error_set(e, ENOMEM, "out of memory");
	for (unsigned i = 0; i < n; i++) {
		struct lk_peer *p = &l->peers[i];

		p->id = i + 1;
		p->pidfd = p->sync = p->log_fd = -1;
		p->out[0] = p->out[1] = -1;
	}
	l->out[LK_OUT].color = isatty(STDOUT_FILENO) &&
			       !(getenv("NO_COLOR") && *getenv("NO_COLOR"));
	l->out[LK_ERR].color = isatty(STDERR_FILENO) &&
			       !(getenv("NO_COLOR") && *getenv("NO_COLOR"));
	r = open_logs(l, e);
	if (r < 0)
		return r;
	r = lk_signals_block(l, e);
	if (r < 0)
		return r;

	r = lk_control_open(l, e);
	if (r < 0)
		goto fail;
	r = lk_hub_create(&l->hub, e);
	if (r < 0)
		goto fail;
	r = lk_launch_choose_engine(l, e);
	if (r < 0)
		goto fail;
	if (l->engine->init && (r = l->engine->init(l, e)) < 0)
		goto fail;
	for (unsigned i = 0; i < n; i++) {
		r = lk_peer_clone(l, i, e);
		if (r < 0)
			goto fail;
		r = l->engine->add_peer(l, i, e);
		if (r < 0)
			goto fail;
	}
	r = l->engine->commit(l, e);
	if (r < 0)
		goto fail;
	for (unsigned i = 0; i < n; i++) {
		struct peer_more ctx = {l, i};

		r = lk_peer_net_configure(&l->hub, &l->plan, i + 1,
					  l->peers[i].pidfd,
					  l->engine->configure_peer ? peer_more
								    : NULL,
					  &ctx, e);
		if (r < 0) {
			lk_peer_sync_error(l, &l->peers[i], e);
			goto fail;
		}
	}
	r = l->engine->ready(l, e);
	if (r < 0)
		goto fail;
	/* Everything is wired: let every peer go. */
	r = lk_peer_sync_go(l, e);
	if (r < 0)
		goto fail;

	lk_reap_index(l);
	/* What the inits report from now on (status, restarts) is read
	 * on the loop. */
	for (unsigned i = 0; i < n; i++) {
		fcntl(l->peers[i].sync, F_SETFL, O_NONBLOCK);
		r = epoll_add(l, l->peers[i].sync, EPOLLIN, KEY_SYNC | i, e);
		if (r < 0)
			goto fail;
		l->peers[i].sync_watched = true;
	}

	l->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC |
							     TFD_NONBLOCK);
	if (l->timerfd < 0) {
		r = lk_error_errno(e, "create the event loop");
		goto fail;
	}
	if ((r = epoll_add(l, l->sigfd, EPOLLIN, KEY_SIG, e)) < 0 ||
	    (r = epoll_add(l, l->timerfd, EPOLLIN, KEY_TIMER, e)) < 0)
		goto fail;
	for (unsigned i = 0; i < n; i++) {
		for (int s = 0; s < 2; s++) {
			fcntl(l->peers[i].out[s], F_SETFL, O_NONBLOCK);
			r = epoll_add(l, l->peers[i].out[s], EPOLLIN,
				      KEY_STREAM(i, s), e);
			if (r < 0)
				goto fail;
			l->open_streams++;
		}
	}
	r = lk_control_arm(l, e);
	if (r < 0)
		goto fail;
	return 0;

fail:
	/* Nothing may outlive a failed start. */
	lk_peers_kill(l, SIGKILL);
	lk_peers_wait(l);
	if (l->engine && l->engine->destroy)
		l->engine->destroy(l);
	l->engine = NULL;
	lk_hub_destroy(&l->hub);
	return r;
}

/* ---- run -------------------------------------------------------------- */

LK_EXPORT int lk_launch_poll(struct lk_launch *l, int timeout_ms,
			     struct lk_error *e)
{
	struct epoll_event evs[64];
	int n;

	if (!l->started || l->epfd < 0)
		return lk_error_set(e, EINVAL, "launch not started");
	if (l->running == 0 && l->open_streams == 0) {
		lk_output_flush(l);
		return 0;
	}
	n = epoll_wait(l->epfd, evs, LK_ARRAY_SIZE(evs), timeout_ms);
	if (n < 0) {
		if (errno == EINTR)
			return 1;
		return lk_error_errno(e, "epoll_wait");
	}
	for (int i = 0; i < n; i++) {
		uint64_t key = evs[i].data.u64;

		if (key & KEY_ENGINE) {
			int r = l->engine->on_event(l, (uint32_t)key,
						    evs[i].events, e);
			if (r < 0)
				return r;
		} else if (key & LK_KEY_CONTROL) {
			lk_control_on_event(l, key, evs[i].events);
		} else if (key & KEY_SYNC) {
			lk_peer_sync_on_event(l, (unsigned)(key & ~KEY_SYNC));
		} else if (key == KEY_SIG) {
			lk_signals_on_event(l);
		} else if (key == KEY_TIMER) {
			uint64_t ticks;

			(void)!read(l->timerfd, &ticks, sizeof(ticks));
			l->killed = true;
			lk_peers_kill(l, SIGKILL);
		} else {
			unsigned idx = (unsigned)((key - 2) / 2);
			int s = (int)((key - 2) % 2);

			if (l->peers[idx].out[s] >= 0)
				lk_peer_stream_drain(l, &l->peers[idx], s);
		}
	}
	lk_output_flush(l);
	return l->running > 0 || l->open_streams > 0;
}

LK_EXPORT int lk_launch_run(struct lk_launch *l, struct lk_error *e)
{
	int r;

	if (!l->started || l->epfd < 0)
		return lk_error_set(e, EINVAL, "launch not started");
	lk_reap(l); /* a peer may have ended already */
	while ((r = lk_launch_poll(l, -1, e)) > 0)
		;
	return r;
}

LK_EXPORT void lk_launch_free(struct lk_launch *l)
{
	if (!l)
		return;
	if (l->peers) {
		if (l->running > 0) {
			lk_peers_kill(l, SIGKILL);
			lk_peers_wait(l);
		}
		for (unsigned i = 0; i < l->plan.n; i++) {
			struct lk_peer *p = &l->peers[i];

			for (int s = 0; s < 2; s++) {
				if (p->out[s] >= 0)
					close(p->out[s]);
				lk_linebuf_free(&p->lb[s]);
			}
			if (p->sync >= 0)
				close(p->sync);
			if (p->pidfd >= 0)
				close(p->pidfd);
			if (p->log_fd >= 0)
				close(p->log_fd);
		}
	}
	if (l->engine && l->engine->destroy)
		l->engine->destroy(l);
	lk_hub_destroy(&l->hub);
	lk_control_free(l);
	if (l->sigfd >= 0)
		close(l->sigfd);
	if (l->epfd >= 0)
		close(l->epfd);
	if (l->timerfd >= 0)
		close(l->timerfd);
	for (int s = 0; s < 2; s++)
		lk_buf_free(&l->out[s].b);
	free(l->peers);
	free(l->by_pid);
	free(l->hosts);
	free(l->peers_env);
	free(l->cmd_path);
	lk_sandbox_free(l->sandbox);
	lk_links_free(&l->links);
	free(l);
}
