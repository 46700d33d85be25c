/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * supervisor.c — one launch: check the input, clone every peer into its
 * own namespaces, wire the hub, release the peers, then supervise them
 * on one poll loop (output, signals, reaping) until every one has ended.
 */
#include "launcher/launch_internal.h"
#include "launcher/control.h"

#include "common/cleanup.h"
#include "common/error.h"

#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif

/* Signals the supervisor takes through its signalfd. */
static const int handled[] = {SIGCHLD, SIGINT, SIGTERM,
			      SIGHUP,  SIGUSR1, SIGUSR2};

LK_EXPORT const char *lk_version(void)
{
	return LK_VERSION;
}

/* ---- checks before anything is created ------------------------------- */

static int resolve_command(const char *cmd, char **out, struct lk_error *e)
{
	const char *path = getenv("PATH");
	struct stat st;

	if (!*cmd)
		return lk_error_set(e, EINVAL, "empty COMMAND");
	if (strchr(cmd, '/')) {
		if (stat(cmd, &st) < 0)
			return lk_error_set(e, EINVAL, "cannot run '%s': %s",
					    cmd, strerror(errno));
		if (!S_ISREG(st.st_mode) || access(cmd, X_OK) < 0)
			return lk_error_set(e, EINVAL,
					    "cannot run '%s': not an "
					    "executable file",
					    cmd);
		*out = realpath(cmd, NULL);
		return *out ? 0 : lk_error_set(e, ENOMEM, "out of memory");
	}
	if (!path || !*path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
		       "/sbin:/bin";
	while (*path) {
		const char *colon = strchrnul(path, ':');
		char full[PATH_MAX];
		int len = snprintf(full, sizeof(full), "%.*s/%s",
				   (int)(colon - path),
				   colon == path ? "." : path, cmd);

		if (len > 0 && (size_t)len < sizeof(full) &&
		    stat(full, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(full, X_OK) == 0) {
			*out = strdup(full);
			return *out ? 0
				    : lk_error_set(e, ENOMEM, "out of memory");
		}
		path = *colon ? colon + 1 : colon;
	}
	return lk_error_set(e, EINVAL,
			    "cannot run '%s': command not found in PATH", cmd);
}

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
			r = c ? resolve_command(c, &resolved, e)
			      : lk_error_set(e, ENOMEM, "out of memory");
		}
		if (r < 0)
			goto fail;
	} else {
		r = resolve_command(opts->argv[0], &l->cmd_path, e);
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

/* Every peer costs the supervisor at least four descriptors (its sync
 * socket, pidfd, output and error pipes) for the whole launch: when the
 * hard limit cannot hold them, say so before anything is created, instead
 * of failing at the Nth peer.  Otherwise raise the soft limit to what a
 * launch may use (logs, TAPs, captures, control clients). */
static int raise_fd_limit(const struct lk_launch *l, struct lk_error *e)
{
	const unsigned n = l->plan.n;
	rlim_t need = (rlim_t)n * (4 + !!l->opts.log_dir) + 16;
	rlim_t want = (rlim_t)n * 8 + 256;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 0;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need)
		return lk_error_set(e, EMFILE,
				    "%u peers need at least %llu open files, "
				    "and the limit is %llu (ulimit -n)",
				    n, (unsigned long long)need,
				    (unsigned long long)rl.rlim_max);
	if (rl.rlim_cur < want) {
		rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	return 0;
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

/* A signal that the launch was started with ignored (SIGHUP under nohup,
 * SIGINT and SIGQUIT for a background job of a script) stays ignored, by
 * the supervisor and by the peers, which inherit the disposition: as for
 * any other program.  Blocked, it would still be queued to the signalfd
 * and forwarded to workloads that ignore it, and the launch would stop by
 * SIGKILL after the grace period. */
static int block_signals(struct lk_launch *l, struct lk_error *e)
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

/* clone() with fork's semantics: the child goes on from here on its own
 * copy of our stack (no second stack, which the sanitizers cannot follow).
 * Returns the pid, 0 in the child; the pidfd lands in *pidfd. */
static pid_t clone_fork(unsigned long flags, int *pidfd)
{
	return (pid_t)syscall(SYS_clone, flags | CLONE_PIDFD, NULL, pidfd,
			      NULL, 0UL);
}

static int clone_peer(struct lk_launch *l, unsigned idx, struct lk_error *e)
{
	struct lk_peer *p = &l->peers[idx];
	int sv[2], po[2], pe[2];
	struct lk_peer_arg arg;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
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
	/* The workload's pid arrives as SCM_CREDENTIALS. */
	(void)setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &(int){1}, sizeof(int));
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
		if (errno == EAGAIN)
			return lk_error_set(e, EAGAIN,
					    "clone peer%u: no more processes "
					    "allowed (a pids cgroup, ulimit -u "
					    "or kernel.pid_max)",
					    p->id);
		return lk_error_errno(e, "clone peer%u", p->id);
	}
	p->pid = pid;
	l->running++;
	return 0;
}

/* A peer's notice, once per text (every peer sends the same), on
 * stderr unless -q. */
static void show_notice(struct lk_launch *l, const char *text)
{
	if (l->opts.quiet || strcmp(l->notice, text) == 0)
		return;
	snprintf(l->notice, sizeof(l->notice), "%s", text);
	fprintf(stderr, "linkem-launch: notice: %s\n", text);
}

/* When wiring a peer failed, the peer's own report says more. */
static void prefer_peer_error(struct lk_launch *l, struct lk_peer *p,
			      struct lk_error *e)
{
	struct lk_sync_msg m;

	while (recv(p->sync, &m, sizeof(m), MSG_DONTWAIT) ==
	       (ssize_t)sizeof(m)) {
		m.text[sizeof(m.text) - 1] = '\0';
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

/* A peer's init that died before the launch was ready (killed from
 * outside, or by the OOM killer, or failing a step of its own setup)
 * makes the next step on its namespace fail with ESRCH ("create veth for
 * peer1: No such process") or EPIPE: say what happened to it, with that
 * step's error after it, or the init's own report. */
static void explain_dead_init(struct lk_launch *l, struct lk_error *e)
{
	for (unsigned i = 0; i < l->plan.n; i++) {
		struct lk_peer *p = &l->peers[i];
		siginfo_t si = {0};
		char then[sizeof(e->msg)];
		int sig;

		if (p->pid <= 0 || p->reaped ||
		    waitid(P_PID, (id_t)p->pid, &si,
			   WEXITED | WNOHANG | WNOWAIT) < 0 ||
		    si.si_pid == 0)
			continue;
		sig = si.si_status;
		snprintf(then, sizeof(then), "%s", e->msg);
		if (si.si_code == CLD_EXITED) {
			/* It failed a step of its own: its report says
			 * which. */
			lk_error_set(e, ECHILD,
				     "peer%u's init exited with status %d "
				     "before the launch was ready (then: %s)",
				     p->id, sig, then);
			prefer_peer_error(l, p, e);
			return;
		}
		lk_error_set(e, ECHILD,
			     "peer%u's init was killed by signal %d (SIG%s) "
			     "before the launch was ready (then: %s)",
			     p->id, sig,
			     sigabbrev_np(sig) ? sigabbrev_np(sig) : "?", then);
		return;
	}
}

static int cmp_pid(const void *a, const void *b)
{
	const struct lk_pid_index *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static void kill_all(struct lk_launch *l, int sig)
{
	for (unsigned i = 0; i < l->plan.n; i++) {
		struct lk_peer *p = &l->peers[i];

		if (p->pid > 0 && !p->reaped && p->pidfd >= 0)
			syscall(SYS_pidfd_send_signal, p->pidfd, sig, NULL, 0);
	}
}

/* Wait for every peer still running (after SIGKILL). */
static void wait_all(struct lk_launch *l)
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

static void reap(struct lk_launch *l);

struct peer_more {
	struct lk_launch *l;
	unsigned idx;
};

static int peer_more(void *ctx, struct lk_nl_batch *b, struct lk_error *e)
{
	struct peer_more *m = ctx;

	return m->l->engine->configure_peer(m->l, m->idx, b, e);
}

/* The engines this build has, in the order --engine auto tries them. */
static const struct lk_engine_ops *find_engine(const char *name)
{
	static const struct lk_engine_ops *const all[] = {
		&lk_engine_bridge, &lk_engine_kernel, &lk_engine_userspace};

	for (size_t i = 0; i < LK_ARRAY_SIZE(all); i++)
		if (strcmp(all[i]->name, name) == 0)
			return all[i];
	return NULL;
}

static int choose_engine(struct lk_launch *l, struct lk_error *e)
{
	static const char *const names[] = {
		[LK_ENGINE_KERNEL] = "kernel",
		[LK_ENGINE_USERSPACE] = "userspace",
	};
	const struct lk_engine_ops *k = find_engine("kernel");
	const struct lk_engine_ops *u = find_engine("userspace");
	char why[160] = "";
	bool k_ok;

	switch (l->opts.engine) {
	case LK_ENGINE_KERNEL:
	case LK_ENGINE_USERSPACE:
		l->engine = find_engine(names[l->opts.engine]);
		if (!l->engine)
			return lk_error_set(e, ENOTSUP,
					    "the %s engine is not in this "
					    "build yet",
					    names[l->opts.engine]);
		if (l->engine->usable && !l->engine->usable(l, why, sizeof(why)))
			return lk_error_set(e, ENOTSUP,
					    "the %s engine cannot work here: %s",
					    l->engine->name, why);
		return 0;
	case LK_ENGINE_AUTO:
	default:
		break;
	}
	/* Nothing to impair yet: the kernel engine where sch_netem works
	 * (an unimpaired link costs nothing there, and linkem-ctl can still
	 * change links); elsewhere the kernel's bridge, unless the links are
	 * to change (--control, --at, --scenario) or --pcap asks for what
	 * only the userspace engine writes. */
	if (l->links.len == 0 && l->opts.pcap_dir && u) {
		l->engine = u;
		return 0;
	}
	k_ok = k && (!k->usable || k->usable(l, why, sizeof(why)));
	if (l->links.len == 0 && !k_ok && !l->opts.control && !l->opts.at.n &&
	    !l->opts.scenario) {
		l->engine = &lk_engine_bridge;
		return 0;
	}
	if (k_ok) {
		l->engine = k;
	} else if (u) {
		l->engine = u;
		if (!l->opts.quiet && l->links.len)
			fprintf(stderr,
				"linkem-launch: using the userspace engine: %s\n",
				why[0] ? why : "the kernel engine is missing");
	} else if (l->links.len == 0) {
		l->engine = &lk_engine_bridge;
	} else {
		return lk_error_set(e, ENOTSUP,
				    "no engine can apply --link here%s%s",
				    why[0] ? ": " : "", why);
	}
	return 0;
}

LK_EXPORT int lk_launch_start(struct lk_launch *l, struct lk_error *e)
{
	const unsigned n = l->plan.n;
	struct lk_sync_msg go = {.type = LK_SYNC_GO};
	int r;

	if (l->started)
		return lk_error_set(e, EALREADY, "launch already started");
	l->started = true;
	r = check_privileges(e);
	if (r < 0)
		return r;
	r = raise_fd_limit(l, e);
	if (r < 0)
		return r;
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
	r = block_signals(l, e);
	if (r < 0)
		return r;

	/* The control socket first: when its directory cannot be written,
	 * the launch stops before it has created anything (the logs). */
	r = lk_control_open(l, e);
	if (r < 0)
		goto fail;
	r = open_logs(l, e);
	if (r < 0)
		goto fail;
	r = lk_hub_create(&l->hub, e);
	if (r < 0)
		goto fail;
	r = choose_engine(l, e);
	if (r < 0)
		goto fail;
	if (l->opts.pcap_dir && l->engine != find_engine("userspace")) {
		r = lk_error_set(e, ENOTSUP,
				 "--pcap needs the userspace engine (this "
				 "launch uses the %s engine)",
				 l->engine->name);
		goto fail;
	}
	if (l->engine->init && (r = l->engine->init(l, e)) < 0)
		goto fail;
	for (unsigned i = 0; i < n; i++) {
		r = clone_peer(l, i, e);
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
			prefer_peer_error(l, &l->peers[i], e);
			goto fail;
		}
	}
	r = l->engine->ready(l, e);
	if (r < 0)
		goto fail;
	/* Everything is wired: let every peer go. */
	for (unsigned i = 0; i < n; i++) {
		if (send(l->peers[i].sync, &go, sizeof(go), MSG_NOSIGNAL) < 0) {
			r = lk_error_errno(e, "release peer%u", i + 1);
			prefer_peer_error(l, &l->peers[i], e);
			goto fail;
		}
	}

	for (unsigned i = 0; i < n; i++)
		l->by_pid[i] = (struct lk_pid_index){l->peers[i].pid, i};
	qsort(l->by_pid, n, sizeof(*l->by_pid), cmp_pid);
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
	explain_dead_init(l, e);
	/* Nothing may outlive a failed start. */
	kill_all(l, SIGKILL);
	wait_all(l);
	if (l->engine && l->engine->destroy)
		l->engine->destroy(l);
	l->engine = NULL;
	lk_hub_destroy(&l->hub);
	return r;
}

/* ---- run -------------------------------------------------------------- */

static struct lk_peer *peer_by_pid(struct lk_launch *l, pid_t pid)
{
	struct lk_pid_index key = {.pid = pid};
	struct lk_pid_index *hit = bsearch(&key, l->by_pid, l->plan.n,
					   sizeof(key), cmp_pid);

	return hit ? &l->peers[hit->idx] : NULL;
}

/* The workload's own wait status arrived. */
static void workload_ended(struct lk_peer *p, int wst)
{
	p->have_status = true;
	p->workload_done = true;
	if (WIFSIGNALED(wst)) {
		p->signaled = true;
		p->status = WTERMSIG(wst);
		/* A seccomp kill: which syscall, from the kernel's audit
		 * record (it may lag behind the exit a little). */
		if (p->status == SIGSYS && p->workload_pid)
			for (int i = 0; i < 10; i++) {
				if (lk_seccomp_describe_kill(
					p->workload_pid, p->note,
					sizeof(p->note)) == 0)
					break;
				usleep(10000);
			}
	} else {
		p->signaled = false;
		p->status = WEXITSTATUS(wst);
	}
}

/* Every workload has ended and none is being restarted: the inits may
 * go (each exits with its last workload's status). */
static void maybe_release(struct lk_launch *l)
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
			(void)!send(l->peers[i].sync, &m, sizeof(m),
				    MSG_NOSIGNAL | MSG_DONTWAIT);
}

static void unwatch_sync(struct lk_launch *l, struct lk_peer *p)
{
	if (p->sync_watched)
		epoll_ctl(l->epfd, EPOLL_CTL_DEL, p->sync, NULL);
	p->sync_watched = false;
}

/* What peer p's init said; returns false at end-of-file. */
static bool read_sync(struct lk_launch *l, struct lk_peer *p)
{
	struct lk_sync_msg m;

	for (;;) {
		union {
			struct cmsghdr h;
			char buf[CMSG_SPACE(sizeof(struct ucred))];
		} c;
		struct iovec iov = {&m, sizeof(m)};
		struct msghdr mh = {.msg_iov = &iov,
				    .msg_iovlen = 1,
				    .msg_control = c.buf,
				    .msg_controllen = sizeof(c.buf)};
		ssize_t n =
		    recvmsg(p->sync, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			return false;
		if (n != (ssize_t)sizeof(m))
			return true;
		m.text[sizeof(m.text) - 1] = '\0';
		switch (m.type) {
		case LK_SYNC_WORKLOAD: {
			struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
			struct ucred cred;

			if (cm && cm->cmsg_level == SOL_SOCKET &&
			    cm->cmsg_type == SCM_CREDENTIALS) {
				memcpy(&cred, CMSG_DATA(cm), sizeof(cred));
				p->workload_pid = cred.pid;
			}
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
			workload_ended(p, m.status);
			break;
		case LK_SYNC_RESTART_ERROR:
			p->restarting = false;
			workload_ended(p, 127 << 8);
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

static void on_sync(struct lk_launch *l, unsigned idx)
{
	struct lk_peer *p = &l->peers[idx];

	if (!read_sync(l, p))
		unwatch_sync(l, p);
	maybe_release(l);
}

/* Peer p's init was reaped with init_status. */
static void record_end(struct lk_launch *l, struct lk_peer *p, int init_status)
{
	p->reaped = true;
	read_sync(l, p);
	unwatch_sync(l, p);
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

int lk_launch_send_restart(struct lk_launch *l, unsigned idx,
			   struct lk_error *e)
{
	struct lk_sync_msg m = {.type = LK_SYNC_RESTART};
	struct lk_peer *p = &l->peers[idx];

	if (send(p->sync, &m, sizeof(m), MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		return lk_error_errno(e, "restart peer%u", p->id);
	p->restarting = true;
	return 0;
}

static void reap(struct lk_launch *l)
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
			kill_all(l, SIGKILL);
		}
		maybe_release(l);
	}
}

struct emit_ctx {
	struct lk_launch *l;
	struct lk_peer *p;
	int stream;
};

static void emit_line(void *ctx, const char *line, size_t len)
{
	struct emit_ctx *c = ctx;

	lk_output_line(c->l, c->p, c->stream, line, len);
}

static void close_stream(struct lk_launch *l, struct lk_peer *p, int s)
{
	struct emit_ctx c = {l, p, s};

	lk_linebuf_finish(&p->lb[s], emit_line, &c);
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, p->out[s], NULL);
	close(p->out[s]);
	p->out[s] = -1;
	l->open_streams--;
}

static void drain_stream(struct lk_launch *l, struct lk_peer *p, int s)
{
	struct emit_ctx c = {l, p, s};
	char buf[16384];

	/* Bounded: one peer cannot starve the others. */
	for (int round = 0; round < 4; round++) {
		ssize_t n = read(p->out[s], buf, sizeof(buf));

		if (n > 0) {
			if (lk_linebuf_feed(&p->lb[s], buf, (size_t)n,
					    emit_line, &c) < 0)
				lk_output_line(l, p, s, buf, (size_t)n);
			if ((size_t)n < sizeof(buf))
				return;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		close_stream(l, p, s);
		return;
	}
}

static void on_signal(struct lk_launch *l)
{
	struct signalfd_siginfo si;

	while (read(l->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		int sig = (int)si.ssi_signo;

		if (sig == SIGCHLD) {
			reap(l);
		} else if (sig == SIGINT || sig == SIGTERM) {
			if (l->stopping) {
				/* Asked twice: no more grace. */
				l->killed = true;
				kill_all(l, SIGKILL);
				continue;
			}
			l->stopping = true;
			kill_all(l, sig);
			struct itimerspec its = {
				.it_value = {
					.tv_sec = l->opts.grace_ms / 1000,
					.tv_nsec = (long)(l->opts.grace_ms %
							  1000) * 1000000L,
				},
			};
			if (l->opts.grace_ms == 0)
				its.it_value.tv_nsec = 1;
			timerfd_settime(l->timerfd, 0, &its, NULL);
		} else {
			kill_all(l, sig); /* HUP, USR1, USR2 pass through */
		}
	}
}

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
			on_sync(l, (unsigned)(key & ~KEY_SYNC));
		} else if (key == KEY_SIG) {
			on_signal(l);
		} else if (key == KEY_TIMER) {
			uint64_t ticks;

			(void)!read(l->timerfd, &ticks, sizeof(ticks));
			l->killed = true;
			kill_all(l, SIGKILL);
		} else {
			unsigned idx = (unsigned)((key - 2) / 2);
			int s = (int)((key - 2) % 2);

			if (l->peers[idx].out[s] >= 0)
				drain_stream(l, &l->peers[idx], s);
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
	reap(l); /* a peer may have ended already */
	while ((r = lk_launch_poll(l, -1, e)) > 0)
		;
	return r;
}

static bool peer_failed(const struct lk_peer *p)
{
	return p->signaled || p->status != 0 || p->exec_errno ||
	       p->setup_errno;
}

LK_EXPORT int lk_launch_exit_status(const struct lk_launch *l)
{
	for (unsigned i = 0; i < l->plan.n && l->peers; i++) {
		const struct lk_peer *p = &l->peers[i];

		if (p->exec_errno)
			return 2;
	}
	for (unsigned i = 0; i < l->plan.n && l->peers; i++) {
		const struct lk_peer *p = &l->peers[i];

		if (!peer_failed(p))
			continue;
		if (p->signaled)
			return 128 + p->status;
		return p->status ? p->status : 1;
	}
	return 0;
}

LK_EXPORT int lk_launch_peer_result(const struct lk_launch *l, unsigned id,
				    struct lk_peer_result *out)
{
	const struct lk_peer *p;

	if (!l->peers || id < 1 || id > l->plan.n)
		return -EINVAL;
	p = &l->peers[id - 1];
	*out = (struct lk_peer_result){
		.id = id,
		.pid = p->pid,
		.ended = p->reaped || p->workload_done,
		.signaled = p->signaled,
		.status = p->status,
		.exec_errno = p->exec_errno,
	};
	return 0;
}

/* Used by linkem-launch for its summary. */
LK_EXPORT const char *lk_launch_peer_note(const struct lk_launch *l,
					  unsigned id)
{
	if (!l->peers || id < 1 || id > l->plan.n)
		return NULL;
	return l->peers[id - 1].note[0] ? l->peers[id - 1].note : NULL;
}

LK_EXPORT const char *lk_launch_peer_message(const struct lk_launch *l,
					     unsigned id)
{
	if (!l->peers || id < 1 || id > l->plan.n)
		return NULL;
	return l->peers[id - 1].msg[0] ? l->peers[id - 1].msg : NULL;
}

LK_EXPORT void lk_launch_free(struct lk_launch *l)
{
	if (!l)
		return;
	if (l->peers) {
		if (l->running > 0) {
			kill_all(l, SIGKILL);
			wait_all(l);
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
		free(l->out[s].buf);
	free(l->peers);
	free(l->by_pid);
	free(l->hosts);
	free(l->peers_env);
	free(l->cmd_path);
	lk_sandbox_free(l->sandbox);
	lk_links_free(&l->links);
	free(l);
}
