/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * control_exec.c — `exec PEER COMMAND`: a helper process forked from the
 * supervisor takes the client's connection over, enters the peer (its
 * namespaces through the pidfd, its root with chroot), runs COMMAND in a
 * child there with the caller's stdin/stdout/stderr and the peer's
 * sandbox, and answers with its status; the caller hanging up kills it.
 * With -t the command gets a pseudo-terminal of its own (its controlling
 * terminal: job control, `tty`, Ctrl-C), relayed to the caller's
 * descriptors, with the caller's window size; -i relays the caller's
 * stdin too.
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
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
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

/* exec's -t and -i. */
struct exec_mode {
	bool tty;   /* a pseudo-terminal for the command */
	bool input; /* -i: with -t, the caller's stdin goes to it */
};

/* The caller's terminal among its descriptors (stdin first), or -1. */
static int caller_tty(const int fds[3])
{
	for (int i = 0; i < 3; i++)
		if (isatty(fds[i]))
			return fds[i];
	return -1;
}

/* The caller's window size onto the pty (the kernel sends SIGWINCH to
 * the command's foreground group when it changed). */
static void copy_winsize(int master, const int fds[3])
{
	struct winsize ws;
	int t = caller_tty(fds);

	if (t >= 0 && ioctl(t, TIOCGWINSZ, &ws) == 0)
		ioctl(master, TIOCSWINSZ, &ws);
}

/* A new pseudo-terminal of the peer's own devpts (its /dev/pts, where
 * `tty` finds it), pty[0] the master, pty[1] the slave, with the caller's
 * window size. */
static int open_pty(int pty[2], const int fds[3])
{
	char name[64];

	pty[0] = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (pty[0] < 0)
		pty[0] = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (pty[0] < 0 || grantpt(pty[0]) < 0 || unlockpt(pty[0]) < 0 ||
	    ptsname_r(pty[0], name, sizeof(name)) != 0)
		return -1;
	pty[1] = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (pty[1] < 0)
		return -1;
	copy_winsize(pty[0], fds);
	return 0;
}

/* Copy what is readable on from to to; false at end-of-file or error. */
static bool pump(int from, int to)
{
	char buf[16384];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	return lk_write_all(to, buf, (size_t)n) == 0;
}

/* exec -t: the pty's output to the caller's stdout, the caller's stdin
 * (-i) to the pty, a byte on the connection means "the window size
 * changed", until the command ends (then what it wrote last is copied)
 * or the caller hangs up (then it is killed). */
static void relay_pty(int master, const int fds[3], int conn, int pfd,
		      pid_t child, bool input)
{
	bool in_open = input, out_open = true;

	fcntl(master, F_SETFL, O_NONBLOCK);
	for (;;) {
		struct pollfd pf[4] = {
		    {.fd = pfd, .events = POLLIN},
		    {.fd = conn, .events = POLLIN | POLLRDHUP},
		    {.fd = out_open ? master : -1, .events = POLLIN},
		    {.fd = in_open ? fds[0] : -1, .events = POLLIN}};

		if (poll(pf, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (pf[2].revents)
			out_open = pump(master, fds[1]);
		if (pf[3].revents && !pump(fds[0], master)) {
			/* The caller's stdin ended: end-of-file for the
			 * command, as a terminal's Ctrl-D. */
			in_open = false;
			(void)!write(master, "\004", 1);
		}
		if (pf[1].revents & (POLLRDHUP | POLLHUP | POLLERR)) {
			kill(-child, SIGKILL);
			kill(child, SIGKILL);
			return;
		}
		if (pf[1].revents & POLLIN) {
			char b[64];

			if (read(conn, b, sizeof(b)) > 0)
				copy_winsize(master, fds);
		}
		if (pf[0].revents) {
			/* The command ended: what it wrote last. */
			while (out_open && pump(master, fds[1]))
				if (poll(&pf[2], 1, 0) <= 0)
					break;
			return;
		}
	}
}

/* The helper process of one exec: enter the peer's namespaces, run the
 * command with the caller's descriptors in a child there, tell the
 * caller its status; kill it when the caller goes away. */
static _Noreturn void exec_helper(struct lk_launch *l, unsigned id, int conn,
				  const int fds[3], char *const *argv,
				  pid_t supervisor, struct exec_mode mode)
{
	struct lk_peer *p = &l->peers[id - 1];
	int ep[2], err = 0, st, pfd, rootfd, pty[2] = {-1, -1};
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
	if (mode.tty) {
		/* No controlling terminal of the supervisor's: reading the
		 * caller's terminal cannot stop us (SIGTTIN). */
		setsid();
		for (int i = 0; i < 3; i++) /* not the command's */
			fcntl(fds[i], F_SETFD, FD_CLOEXEC);
	}
	/* setns puts us at the root of the peer's mount namespace, but the
	 * peer's root may lie below it (a supervisor that runs chrooted, as
	 * in make check-vm's VM): take the peer's own root, as it sees it. */
	snprintf(root, sizeof(root), "/proc/%d/root", (int)p->pid);
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
	if (mode.tty && open_pty(pty, fds) < 0)
		exec_fail(conn, "exec in peer%u: pseudo-terminal: %s", id,
			  strerror(errno));
	if (pipe2(ep, O_CLOEXEC) < 0)
		exec_fail(conn, "exec in peer%u: pipe: %s", id,
			  strerror(errno));
	child = fork();
	if (child < 0)
		exec_fail(conn, "exec in peer%u: fork: %s", id,
			  strerror(errno));
	if (child == 0) {
		struct lk_error e = {0};

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(ep[0]);
		setsid();
		if (mode.tty) {
			/* The pty's slave: the controlling terminal and
			 * 0, 1, 2 (job control, `tty`, Ctrl-C). */
			if (ioctl(pty[1], TIOCSCTTY, 0) < 0 ||
			    dup2(pty[1], 0) < 0 || dup2(pty[1], 1) < 0 ||
			    dup2(pty[1], 2) < 0)
				err = errno;
		} else if (dup2(fds[0], 0) < 0 || dup2(fds[1], 1) < 0 ||
			   dup2(fds[2], 2) < 0) {
			err = errno;
		}
		if (!err && chdir("/") < 0)
			err = errno;
		signal(SIGPIPE, SIG_DFL);
		set_env(l, id);
		if (!err && lk_sandbox_enter(l->sandbox, &e) < 0) {
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
	if (pty[1] >= 0)
		close(pty[1]);
	if (!mode.tty)
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
	if (mode.tty && pfd >= 0)
		relay_pty(pty[0], fds, conn, pfd, child, mode.input);
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
	struct exec_mode mode = {0};
	unsigned id;
	pid_t pid, self = getpid();
	int r;

	/* -t, -i, -it, -ti before PEER, as on linkem-ctl's command line */
	while (nargs > 0 && args[0][0] == '-' && args[0][1] &&
	       strspn(args[0] + 1, "ti") == strlen(args[0] + 1)) {
		mode.tty = mode.tty || strchr(args[0], 't');
		mode.input = mode.input || strchr(args[0], 'i');
		args++;
		nargs--;
	}
	if (nargs < 2)
		return lk_error_set(e, EINVAL,
				    "usage: exec [-t] [-i] PEER COMMAND "
				    "[ARG...]");
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
		exec_helper(l, id, conn, fds, args + 1, self, mode);
	/* The helper answers; reap() collects it like any child. */
	return 0;
}
