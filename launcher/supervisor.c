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
#include <sys/resource.h>
#include <sys/epoll.h>
#include <sys/stat.h>
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
	l->sigfd = l->timerfd = -1;
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

struct peer_more {
	struct lk_launch *l;
	unsigned idx;
};

static int peer_more(void *ctx, struct lk_nl_batch *b, struct lk_error *e)
{
	struct peer_more *m = ctx;

	return m->l->engine->configure_peer(&m->l->ectx, m->idx, b, e);
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
	r = lk_launch_check_capacity(n, e);
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

		p->l = l;
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
	r = lk_hub_create(&l->hub, n, e);
	if (r < 0)
		goto fail;
	r = lk_launch_engine_ctx(l, e);
	if (r < 0)
		goto fail;
	r = lk_launch_choose_engine(l, e);
	if (r < 0)
		goto fail;
	if (l->engine->init && (r = l->engine->init(&l->ectx, e)) < 0)
		goto fail;
	for (unsigned i = 0; i < n; i++) {
		r = lk_peer_clone(l, i, e);
		if (r < 0)
			goto fail;
		l->engine_peers[i] = (struct lk_engine_peer){
		    .pid = l->peers[i].pid, .pidfd = l->peers[i].pidfd};
		r = l->engine->add_peer(&l->ectx, i, e);
		if (r < 0)
			goto fail;
	}
	r = l->engine->commit(&l->ectx, e);
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
	r = l->engine->ready(&l->ectx, e);
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
		r = lk_loop_add(l->loop, l->peers[i].sync, EPOLLIN,
				lk_peer_sync_on_event, &l->peers[i], e);
		if (r < 0)
			goto fail;
		l->peers[i].sync_watched = true;
	}

	r = lk_loop_timer_add(l->loop, lk_signals_on_grace_over, l, e);
	if (r < 0)
		goto fail;
	l->timerfd = r;
	r = lk_loop_add(l->loop, l->sigfd, EPOLLIN, lk_signals_on_event, l, e);
	if (r < 0)
		goto fail;
	for (unsigned i = 0; i < n; i++) {
		for (int s = 0; s < 2; s++) {
			fcntl(l->peers[i].out[s], F_SETFL, O_NONBLOCK);
			r = lk_loop_add(l->loop, l->peers[i].out[s], EPOLLIN,
					s == LK_OUT ? lk_peer_stream_on_stdout
						    : lk_peer_stream_on_stderr,
					&l->peers[i], e);
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
		l->engine->destroy(&l->ectx);
	l->engine = NULL;
	lk_hub_destroy(&l->hub);
	return r;
}

/* ---- run -------------------------------------------------------------- */

LK_EXPORT int lk_launch_poll(struct lk_launch *l, int timeout_ms,
			     struct lk_error *e)
{
	int r;

	if (!l->started || !l->loop)
		return lk_error_set(e, EINVAL, "launch not started");
	if (l->running == 0 && l->open_streams == 0) {
		lk_output_flush(l);
		return 0;
	}
	r = lk_loop_run_once(l->loop, timeout_ms, e);
	if (r < 0)
		return r;
	lk_output_flush(l);
	return l->running > 0 || l->open_streams > 0;
}

LK_EXPORT int lk_launch_run(struct lk_launch *l, struct lk_error *e)
{
	int r;

	if (!l->started || !l->loop)
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
		l->engine->destroy(&l->ectx);
	lk_hub_destroy(&l->hub);
	lk_control_free(l);
	if (l->sigfd >= 0)
		close(l->sigfd);
	if (l->timerfd >= 0)
		close(l->timerfd);
	lk_loop_free(l->loop);
	free(l->engine_peers);
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
