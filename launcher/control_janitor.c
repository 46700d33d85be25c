/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * control_janitor.c — the control socket and its lock go with the
 * supervisor, even when it is SIGKILLed.
 *
 * A small process, forked once the socket is made, holds the read end of
 * a pipe whose only writer is the supervisor.  End-of-file there means
 * the supervisor has ended (or freed the launch); the janitor then
 * removes the socket and the lock unless a live launch holds the lock,
 * and exits.  Before, a SIGKILLed launch left launch-PID.sock and its
 * .lock in /run/linkem until the next launch swept them away.
 */
#include "launcher/control.h"

#include "common/error.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Is the lock held by a live launch?  (Briefly, a peer's init that has
 * not closed its inherited copy yet: it dies with the supervisor.) */
static bool held(const char *lock_path)
{
	int fd = open(lock_path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	bool r = false;

	if (fd < 0)
		return false;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0)
		r = errno == EWOULDBLOCK;
	close(fd);
	return r;
}

static _Noreturn void janitor(int rfd, const char *path,
			      const char *lock_path)
{
	static const int ignored[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT,
				      SIGUSR1, SIGUSR2, SIGPIPE};
	sigset_t none;
	char c;

	prctl(PR_SET_NAME, "linkem-janitor");
	/* Ctrl-C reaches the whole process group: the supervisor acts on
	 * it, the janitor waits for the supervisor. */
	for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
		signal(ignored[i], SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* Only the pipe: no copy of the lock, the hub, the terminal. */
	if (dup2(rfd, 3) < 0)
		_exit(1);
	if (syscall(SYS_close_range, 0, 2, 0) < 0 ||
	    syscall(SYS_close_range, 4, ~0U, 0) < 0)
		for (int fd = 0; fd < 65536; fd++)
			if (fd != 3)
				close(fd);
	while (read(3, &c, 1) != 0 && errno == EINTR)
		;
	for (int i = 0; i < 100 && held(lock_path); i++)
		usleep(10000);
	if (!held(lock_path)) {
		unlink(path);
		unlink(lock_path);
	}
	_exit(0);
}

int lk_control_janitor(const char *path, const char *lock_path, int *wfd,
		       pid_t *jpid, struct lk_error *e)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return lk_error_errno(e, "control socket: pipe");
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return lk_error_errno(e, "control socket: fork");
	}
	if (pid == 0)
		janitor(p[0], path, lock_path);
	close(p[0]);
	*wfd = p[1];
	*jpid = pid;
	return 0;
}

void lk_control_janitor_end(int *wfd, pid_t *jpid)
{
	if (*wfd >= 0)
		close(*wfd);
	*wfd = -1;
	/* It exits at once (the files are gone): reap it, so that a
	 * program that runs many launches keeps no zombie.  Bounded, in
	 * case a child of that program still holds the pipe. */
	for (int i = 0; i < 200 && *jpid > 0; i++) {
		pid_t r = waitpid(*jpid, NULL, WNOHANG);

		if (r == *jpid || (r < 0 && errno != EINTR))
			break;
		usleep(1000);
	}
	*jpid = 0;
}
