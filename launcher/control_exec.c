/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * control_exec.c — `exec PEER COMMAND`: a helper process forked from the
 * supervisor takes the client's connection over, enters the peer (its
 * namespaces through the pidfd, its root with chroot), runs COMMAND in a
 * child there with the caller's stdin/stdout/stderr and the peer's
 * sandbox, and answers with its status; the caller hanging up kills it.
 */
#include "launcher/control_internal.h"

#include "common/cleanup.h"
#include "common/error.h"
#include "common/io.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* An exec'd command's environment: a fresh one with the peer's own
 * LINKEM_* variables. */
static void set_env(const struct lk_launch *l, unsigned id)
{
	clearenv();
	setenv("PATH",
	       "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
	       "/sbin:/bin",
	       1);
	setenv("HOME", "/", 1);
	lk_peer_set_env(l, id);
}

static _Noreturn void exec_fail(int conn, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static _Noreturn void exec_fail(int conn, const char *fmt, ...)
{
	struct lk_buf b = {0};
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	lk_ctl_reply_error(&b, NULL, msg);
	if (b.p)
		(void)lk_write_all(conn, b.p, b.len);
	_exit(1);
}

/* Keep only what the helper needs: a copy of another client's
 * connection or of a peer's pipe would keep it open after the supervisor
 * closed it. */
static void close_others(int conn, const int fds[3], int pidfd)
{
	const int keep[] = {conn, fds[0], fds[1], fds[2], pidfd};

	lk_close_from(3, keep, LK_ARRAY_SIZE(keep));
}

/* The helper process of one exec: enter the peer's namespaces, run the
 * command with the caller's descriptors in a child there, tell the
 * caller its status; kill it when the caller goes away. */
static _Noreturn void exec_helper(struct lk_launch *l, unsigned id, int conn,
				  const int fds[3], char *const *argv,
				  pid_t supervisor)
{
	struct lk_peer *p = &l->peers[id - 1];
	int ep[2], us[2] = {-1, -1}, err = 0, st, pfd, rootfd, procfd;
	char root[64];
	sigset_t none;
	pid_t child;
	ssize_t n;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != supervisor)
		_exit(1);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_IGN);
	fcntl(conn, F_SETFL, 0);
	close_others(conn, fds, p->pidfd);
	prctl(PR_SET_NAME, "linkem-exec");
	/* setns puts us at the root of the peer's mount namespace, but the
	 * peer's root may lie below it (a supervisor that runs chrooted, as
	 * in make check-vm's VM): take the peer's own root, as it sees it. */
	snprintf(root, sizeof(root), "/proc/%d/root", (int)p->pid);
	/* The host's /proc: where the command's pid (as fork returns it
	 * here) names it, to write its user namespace's maps. */
	procfd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		exec_fail(conn, "exec in peer%u: open %s: %s", id, root,
			  strerror(errno));
	if (setns(p->pidfd, CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWPID |
				CLONE_NEWUTS | CLONE_NEWIPC) < 0)
		exec_fail(conn, "exec in peer%u: enter its namespaces: %s", id,
			  strerror(errno));
	if (fchdir(rootfd) < 0 || chroot(".") < 0)
		exec_fail(conn, "exec in peer%u: enter its root: %s", id,
			  strerror(errno));
	close(rootfd);
	close(p->pidfd);
	if (pipe2(ep, O_CLOEXEC) < 0)
		exec_fail(conn, "exec in peer%u: pipe: %s", id,
			  strerror(errno));
	if (l->userns.enabled && lk_userns_pair(us) < 0)
		exec_fail(conn, "exec in peer%u: socketpair: %s", id,
			  strerror(errno));
	child = fork();
	if (child < 0)
		exec_fail(conn, "exec in peer%u: fork: %s", id,
			  strerror(errno));
	if (child == 0) {
		struct lk_error e = {0};

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(ep[0]);
		if (us[0] >= 0) {
			close(us[0]);
			/* The same maps as the workload's: the same host
			 * ids, never host root. */
			if (lk_userns_child(&l->userns, us[1], &e) < 0) {
				dprintf(fds[2], "linkem: %s\n", e.msg);
				err = e.code;
				(void)!write(ep[1], &err, sizeof(err));
				_exit(127);
			}
		}
		if (dup2(fds[0], 0) < 0 || dup2(fds[1], 1) < 0 ||
		    dup2(fds[2], 2) < 0)
			err = errno;
		if (!err && chdir("/") < 0)
			err = errno;
		setsid();
		signal(SIGPIPE, SIG_DFL);
		set_env(l, id);
		if (!err && (l->userns.enabled ? lk_sandbox_enter_userns(l->sandbox, &e)
						 : lk_sandbox_enter(l->sandbox, &e)) < 0) {
			dprintf(2, "linkem: sandbox: %s\n", e.msg);
			err = e.code;
		}
		if (!err) {
			execvp(argv[0], argv);
			err = errno;
		}
		(void)!write(ep[1], &err, sizeof(err));
		_exit(127);
	}
	close(ep[1]);
	if (us[0] >= 0) {
		struct lk_error ignored = {0};

		close(us[1]);
		(void)lk_userns_parent(&l->userns, procfd, child, us[0],
				       &ignored);
	}
	if (procfd >= 0)
		close(procfd);
	for (int i = 0; i < 3; i++)
		close(fds[i]);
	do {
		n = read(ep[0], &err, sizeof(err));
	} while (n < 0 && errno == EINTR);
	close(ep[0]);
	if (n == (ssize_t)sizeof(err)) {
		waitpid(child, &st, 0);
		exec_fail(conn, "exec in peer%u: cannot execute '%s': %s", id,
			  argv[0], strerror(err));
	}
	/* Wait for the command; the caller hanging up kills it. */
	pfd = (int)syscall(SYS_pidfd_open, child, 0);
	for (;;) {
		struct pollfd pf[2] = {{.fd = pfd, .events = POLLIN},
				       {.fd = conn, .events = POLLRDHUP}};

		if (pfd < 0 || poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pf[0].revents)
			break;
		if (pf[1].revents & (POLLRDHUP | POLLHUP | POLLERR)) {
			kill(-child, SIGKILL);
			kill(child, SIGKILL);
			break;
		}
	}
	while (waitpid(child, &st, 0) < 0 && errno == EINTR)
		;
	{
		struct lk_buf b = {0};

		lk_ctl_reply_status(&b, WIFSIGNALED(st) ? 128 + WTERMSIG(st)
							: WEXITSTATUS(st));
		if (b.p)
			(void)lk_write_all(conn, b.p, b.len);
	}
	_exit(0);
}

int lk_ctl_exec(struct lk_launch *l, int conn, const int *fds, int nfds,
		char *const *args, size_t nargs, struct lk_error *e)
{
	unsigned id;
	pid_t pid, self = getpid();
	int r;

	if (nargs < 2)
		return lk_error_set(e, EINVAL,
				    "usage: exec PEER COMMAND [ARG...]");
	if ((r = lk_ctl_parse_peer(l, args[0], &id, e)) < 0)
		return r;
	if (!lk_ctl_peer_running(&l->peers[id - 1]))
		return lk_error_set(e, ESRCH, "peer%u has already ended", id);
	if (nfds != 3)
		return lk_error_set(e, EINVAL,
				    "exec needs the caller's stdin, stdout and "
				    "stderr (3 descriptors with SCM_RIGHTS) "
				    "with the request");
	pid = fork();
	if (pid < 0)
		return lk_error_errno(e, "exec: fork");
	if (pid == 0)
		exec_helper(l, id, conn, fds, args + 1, self);
	/* The helper answers; reap() collects it like any child. */
	return 0;
}
