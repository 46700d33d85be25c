/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * peer_init.c — PID 1 of a peer.
 *
 * Runs in the peer's fresh namespaces right after clone(): makes "/"
 * private, mounts a fresh /proc, /sys and /tmp, names the host, installs
 * /etc/hosts, allows unprivileged ping, then waits for the supervisor's
 * "go" (the network is complete), starts the workload as its only child,
 * forwards signals to it (a stop to every process of the peer, SIGKILL
 * after --grace), reaps every zombie, and reports the workload's
 * status.  It then stays until the supervisor says the launch is over
 * (its exit ends the namespace), and starts the workload again when the
 * supervisor asks (linkem-ctl restart).
 */
#include "launcher/launch_internal.h"
#include "launcher/sync.h"

#include "common/cleanup.h"
#include "common/clock.h"
#include "common/io.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SYNC_FD 3

extern char **environ;

static void send_msg(int type, int err, int status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void send_msg(int type, int err, int status, const char *fmt, ...)
{
	struct lk_sync_msg m = {.type = (uint32_t)type, .err = err,
				.status = status};
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(m.text, sizeof(m.text), fmt, ap);
		va_end(ap);
	}
	(void)!lk_sync_send(SYNC_FD, &m, MSG_NOSIGNAL);
}

/* A step before exec failed: tell the supervisor and end. */
static _Noreturn void fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static _Noreturn void fail(const char *fmt, ...)
{
	int err = errno;
	char what[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	send_msg(LK_SYNC_SETUP_ERROR, err, 0, "%s: %s", what, strerror(err));
	_exit(1);
}

/* The workload's pid, as SCM_CREDENTIALS: the kernel translates it into
 * the supervisor's PID namespace (sending another process's pid needs
 * CAP_SYS_ADMIN, which init still has).  The supervisor needs it to find
 * the kernel's record of a seccomp kill. */
static void send_workload_pid(pid_t child)
{
	struct lk_sync_msg m = {.type = LK_SYNC_WORKLOAD};

	(void)!lk_sync_send_pid(SYNC_FD, &m, child, MSG_NOSIGNAL);
}

static void write_file(const char *path, const char *data, size_t len,
		       int flags)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC | flags, 0644);

	if (fd < 0)
		fail("open %s", path);
	if (lk_write_all(fd, data, len) < 0)
		fail("write %s", path);
}

/* Put the descriptors this process keeps at 0..3 and close the rest. */
static void arrange_fds(const struct lk_peer_arg *a)
{
	int sync = fcntl(a->sync, F_DUPFD_CLOEXEC, 10);
	int out = fcntl(a->out_w, F_DUPFD_CLOEXEC, 10);
	int err = fcntl(a->err_w, F_DUPFD_CLOEXEC, 10);
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (sync < 0 || out < 0 || err < 0 || null < 0)
		_exit(1);
	if (dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0 ||
	    dup3(sync, SYNC_FD, O_CLOEXEC) < 0)
		_exit(1);
	/* Every other descriptor (other peers' pipes, the hub) goes. */
	lk_close_from(SYNC_FD + 1, NULL, 0);
}

/* /etc/hosts naming every peer, read-only, from a file in /tmp (a fresh
 * tmpfs of the peer's own when this runs). */
static void etc_hosts(const struct lk_launch *l)
{
	static const char tmp_hosts[] = "/tmp/.linkem-hosts";

	if (access("/etc/hosts", F_OK) < 0)
		return;
	write_file(tmp_hosts, l->hosts, l->hosts_len, O_CREAT | O_EXCL);
	if (mount(tmp_hosts, "/etc/hosts", NULL, MS_BIND, NULL) < 0)
		fail("bind /etc/hosts");
	if (mount(NULL, "/etc/hosts", NULL,
		  MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV |
			  MS_NOEXEC,
		  NULL) < 0)
		fail("make /etc/hosts read-only");
	unlink(tmp_hosts);
}

/* A private, writable /tmp that still shows the host's files: an overlay
 * whose lower layer is the host's /tmp and whose upper layer is a tmpfs
 * of the peer's own.  What the peer writes, changes or deletes stays in
 * the peer.  Without overlayfs (or when it refuses the host's /tmp), a
 * plain tmpfs, and a notice says so.  The peer's /etc/hosts is written
 * in the fresh tmpfs, before the host's files show there: no file a local
 * user pre-created in the host's /tmp can be in the way. */
static void private_tmp(const struct lk_launch *l)
{
	_cleanup_close_ int host_tmp = open("/tmp", O_PATH | O_DIRECTORY |
							   O_CLOEXEC);
	char opts[128];
	int err;

	if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV,
		  "mode=1777") < 0)
		fail("mount /tmp");
	etc_hosts(l);
	if (host_tmp < 0)
		return;
	if (mkdir("/tmp/.upper", 01777) < 0 || chmod("/tmp/.upper", 01777) < 0 ||
	    mkdir("/tmp/.work", 0700) < 0)
		fail("prepare /tmp");
	snprintf(opts, sizeof(opts),
		 "lowerdir=/proc/self/fd/%d,upperdir=/tmp/.upper,"
		 "workdir=/tmp/.work",
		 host_tmp);
	if (mount("overlay", "/tmp", "overlay", MS_NOSUID | MS_NODEV, opts) <
	    0) {
		/* The tmpfs alone, emptied again. */
		err = errno;
		rmdir("/tmp/.upper");
		rmdir("/tmp/.work/work");
		rmdir("/tmp/.work");
		send_msg(LK_SYNC_NOTICE, err, 0,
			 "the peers' /tmp is an empty tmpfs, without the "
			 "host's files: overlayfs refused the host's /tmp: %s",
			 strerror(err));
	}
}

static void setup_mounts(const struct lk_launch *l)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		fail("make / private");
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0)
		fail("mount /proc");
	if (mount("sysfs", "/sys", "sysfs",
		  MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, NULL) < 0)
		fail("mount /sys");
	private_tmp(l);
}

static void setup_identity(unsigned id)
{
	char name[32];
	static const char range[] = "0 2147483647";

	snprintf(name, sizeof(name), "peer%u", id);
	if (sethostname(name, strlen(name)) < 0)
		fail("set hostname %s", name);
	/* Unprivileged ICMP echo sockets for every group: ping works
	 * without capabilities. */
	write_file("/proc/sys/net/ipv4/ping_group_range", range,
		   sizeof(range) - 1, 0);
}

void lk_peer_set_env(const struct lk_launch *l, unsigned id)
{
	char buf[INET6_ADDRSTRLEN + 16];
	struct in_addr a4 = lk_plan_addr4(&l->plan, id);
	struct in6_addr a6 = lk_plan_addr6(&l->plan, id);

	snprintf(buf, sizeof(buf), "%u", id);
	setenv("LINKEM_ID", buf, 1);
	snprintf(buf, sizeof(buf), "%u", l->plan.n);
	setenv("LINKEM_N", buf, 1);
	setenv("LINKEM_ADDR", inet_ntop(AF_INET, &a4, buf, sizeof(buf)), 1);
	setenv("LINKEM_ADDR6", inet_ntop(AF_INET6, &a6, buf, sizeof(buf)), 1);
	if (l->peers_env)
		setenv("LINKEM_PEERS", l->peers_env, 1);
}

/* The workload: reset what init changed, then exec.  On failure, the
 * errno goes back through errpipe. */
static _Noreturn void exec_workload(const struct lk_launch *l, unsigned id,
				    int errpipe)
{
	const struct lk_options *o = &l->opts;
	char **argv = calloc((size_t)o->argc + 1, sizeof(char *));
	sigset_t none;
	int err;

	if (!argv) {
		err = ENOMEM;
		goto out;
	}
	for (int i = 0; i < o->argc; i++) {
		argv[i] = lk_template_expand(o->argv[i], &l->plan, id);
		if (!argv[i]) {
			err = ENOMEM;
			goto out;
		}
	}
	/* Its own process group, so that a forwarded signal reaches a
	 * shell's children too. */
	setpgid(0, 0);
	signal(SIGPIPE, SIG_DFL); /* the supervisor ignores it */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	{
		/* Capabilities, --user, no_new_privs, seccomp: last. */
		struct lk_error e = {0};

		if (lk_sandbox_enter(l->sandbox, &e) < 0) {
			dprintf(2, "linkem: sandbox: %s\n", e.msg);
			err = e.code;
			goto out;
		}
	}
	if (l->cmd_path)
		execve(l->cmd_path, argv, environ);
	else
		execvp(argv[0], argv); /* COMMAND differs per peer */
	err = errno;
out:
	(void)!write(errpipe, &err, sizeof(err));
	_exit(127);
}

static int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2,
			  SIGQUIT};

/* Start the workload: fork, exec in the child.  Returns its pid, or -1
 * with *err set when it could not be executed. */
static pid_t start_workload(const struct lk_launch *l, unsigned id, int *err)
{
	int errpipe[2];
	pid_t child;
	ssize_t n;

	if (pipe2(errpipe, O_CLOEXEC) < 0) {
		*err = errno;
		return -1;
	}
	child = fork();
	if (child < 0) {
		*err = errno;
		close(errpipe[0]);
		close(errpipe[1]);
		return -1;
	}
	if (child == 0) {
		close(errpipe[0]);
		close(SYNC_FD);
		exec_workload(l, id, errpipe[1]);
	}
	close(errpipe[1]);
	do {
		n = read(errpipe[0], err, sizeof(*err));
	} while (n < 0 && errno == EINTR);
	close(errpipe[0]);
	if (n == (ssize_t)sizeof(*err)) {
		while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
			;
		return -1;
	}
	return child;
}

/* Did child, ended but not reaped yet, die of a seccomp filter's kill?
 * The kernel marks the thread that made the refused call dead for
 * seccomp (mode 3, SECCOMP_MODE_DEAD, Linux >= 5.17) before the SIGSYS;
 * a SIGSYS sent with kill() leaves the mode as it was.  Exact for the
 * thread group leader (a single-threaded workload); otherwise false, and
 * the supervisor looks for the kernel's audit record. */
static bool killed_by_seccomp(pid_t child)
{
	siginfo_t si = {0};
	char path[64], buf[4096];
	const char *f;
	ssize_t n;
	int fd;

	if (waitid(P_PID, (id_t)child, &si, WEXITED | WNOHANG | WNOWAIT) <
		0 ||
	    si.si_pid != child ||
	    (si.si_code != CLD_KILLED && si.si_code != CLD_DUMPED) ||
	    si.si_status != SIGSYS)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)child);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	f = strstr(buf, "\nSeccomp:\t");
	return f && f[10] == '3';
}

/* Reap every child that has ended; returns the wait status of child in
 * *st when it was among them. */
static bool reap_all(pid_t child, int *st)
{
	bool got = false;

	for (;;) {
		int s;
		pid_t p = waitpid(-1, &s, WNOHANG);

		if (p <= 0)
			return got;
		if (p == child) {
			*st = s;
			got = true;
		}
	}
}

/* What the workload left running dies with it, as when the namespace
 * ended; then reap all of it. */
static void end_leftovers(void)
{
	kill(-1, SIGKILL);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
}

/* ---- stopping the whole peer ------------------------------------------
 *
 * A stop (SIGINT or SIGTERM forwarded by the supervisor, once per request)
 * goes to every process of the peer's PID namespace, not only to the
 * workload's process group: daemons a script started in the background
 * get it too.  When the workload's main process ends while others
 * remain, they get the stop signal as well.  What is still there --grace
 * after the stop signal is killed with SIGKILL, and the supervisor is
 * told (LK_SYNC_FORCED: its exit summary names the peer). */

struct peer_stop {
	bool sent;   /* the stop signal reached every process */
	bool forced; /* SIGKILL was needed */
	uint64_t t0; /* when it was sent */
};

/* --stop-signal, or the signal that asked for the stop. */
static int stop_signal(const struct lk_launch *l, int asked)
{
	return l->opts.stop_signal ? l->opts.stop_signal : asked;
}

/* The stop signal to every process of the peer but init (kill(-1) from
 * PID 1 of a PID namespace). */
static void stop_send(struct peer_stop *s, int sig)
{
	kill(-1, sig);
	if (!s->sent) {
		s->sent = true;
		s->t0 = lk_now_ns();
	}
}

/* Milliseconds of --grace left since the stop signal; -1 when none was
 * sent. */
static int stop_left_ms(const struct lk_launch *l, const struct peer_stop *s)
{
	long left;

	if (!s->sent || s->forced)
		return -1;
	left = (long)l->opts.grace_ms -
	       (long)((lk_now_ns() - s->t0) / 1000000);
	return left > 0 ? (int)left : 0;
}

/* --grace is over: SIGKILL to whatever is left, once, and say so. */
static void stop_force(struct peer_stop *s)
{
	if (s->forced || kill(-1, 0) < 0)
		return;
	s->forced = true;
	kill(-1, SIGKILL);
	send_msg(LK_SYNC_FORCED, 0, 0, NULL);
}

/* The main process ended: what it left running gets the stop signal
 * (unless a stop already reached it), and SIGKILL after --grace; all of
 * it is reaped.  Signals that come meanwhile go to what is left. */
static void stop_leftovers(const struct lk_launch *l, struct peer_stop *s,
			   int sigfd)
{
	int st;

	reap_all(0, &st);
	if (kill(-1, 0) < 0)
		return; /* nothing left */
	if (!s->sent)
		stop_send(s, stop_signal(l, SIGTERM));
	for (;;) {
		struct pollfd pf = {.fd = sigfd, .events = POLLIN};
		struct signalfd_siginfo si;
		int left;

		reap_all(0, &st);
		if (kill(-1, 0) < 0)
			return;
		left = stop_left_ms(l, s);
		if (left <= 0)
			break;
		/* A process that is not init's child ends without a
		 * SIGCHLD here: look again every 20 ms. */
		if (poll(&pf, 1, left < 20 ? left : 20) > 0)
			while (read(sigfd, &si, sizeof(si)) ==
			       (ssize_t)sizeof(si))
				if (si.ssi_signo != SIGCHLD)
					kill(-1, (int)si.ssi_signo);
	}
	stop_force(s);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
}

/* restart: SIGTERM to the workload's process group, SIGKILL after the
 * launch's --grace, everything else in the peer killed, then COMMAND
 * again, exactly as the first time (same namespaces, same sandbox). */
static pid_t restart(const struct lk_launch *l, unsigned id, pid_t child,
		     int sigfd)
{
	char what[64];
	int err = 0, st;
	uint64_t pending = 0; /* signals to forward to the new workload */

	if (child > 0) {
		uint64_t t0;
		long left;

		if (kill(-child, SIGTERM) < 0)
			kill(child, SIGTERM);
		t0 = lk_now_ns();
		for (;;) {
			struct pollfd pf = {.fd = sigfd, .events = POLLIN};
			struct signalfd_siginfo si;

			if (reap_all(child, &st))
				break;
			left = (long)l->opts.grace_ms -
			       (long)((lk_now_ns() - t0) / 1000000);
			if (left <= 0) {
				if (kill(-child, SIGKILL) < 0)
					kill(child, SIGKILL);
				while (waitpid(child, &st, 0) < 0 &&
				       errno == EINTR)
					;
				break;
			}
			if (poll(&pf, 1, (int)left) > 0)
				while (read(sigfd, &si, sizeof(si)) ==
				       (ssize_t)sizeof(si))
					if (si.ssi_signo != SIGCHLD &&
					    si.ssi_signo < 64)
						pending |= 1ull << si.ssi_signo;
		}
	}
	end_leftovers();
	child = start_workload(l, id, &err);
	if (child < 0) {
		snprintf(what, sizeof(what), "%s", l->opts.argv[0]);
		send_msg(LK_SYNC_RESTART_ERROR, err, 0,
			 "cannot execute '%s': %s", what, strerror(err));
		return 0;
	}
	send_workload_pid(child);
	/* A signal that came meanwhile (the launch being stopped) is for
	 * the workload: the new one. */
	for (int sig = 1; sig < 64; sig++)
		if (pending & (1ull << sig) && kill(-child, sig) < 0)
			kill(child, sig);
	return child;
}

/* Until setsid(), init was in the supervisor's process group: a signal to
 * that group (a Ctrl-C, timeout(1)) reached it as well as the
 * supervisor, which forwards it once the peers run.  Drop such copies
 * (they are pending: the signals stay blocked from the supervisor's
 * mask), so that the workloads get each request once. */
static void drop_group_signals(void)
{
	static const int group[] = {SIGINT, SIGTERM, SIGHUP, SIGUSR1,
				    SIGUSR2};
	const struct timespec now = {0};
	sigset_t set, blocked;

	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, NULL, &blocked);
	for (size_t i = 0; i < LK_ARRAY_SIZE(group); i++)
		if (sigismember(&blocked, group[i]))
			sigaddset(&set, group[i]);
	while (sigtimedwait(&set, NULL, &now) > 0)
		;
}

int lk_peer_init_main(void *arg)
{
	const struct lk_peer_arg *a = arg;
	const struct lk_launch *l = a->l;
	unsigned id = a->idx + 1;
	struct lk_sync_msg go;
	struct peer_stop stop = {0};
	int err = 0, sigfd, last = 0;
	sigset_t set;
	pid_t child;
	ssize_t n;

	/* Die with the supervisor.  If it is already gone, the read of
	 * "go" below sees end-of-file. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_NAME, "linkem-init");
	/* A session of its own: the launching terminal is no peer's
	 * controlling terminal (no TIOCSTI, no tcsetpgrp, no terminal
	 * signals); the supervisor alone gets Ctrl-C and forwards it. */
	if (setsid() < 0)
		_exit(1);
	drop_group_signals();
	arrange_fds(a);

	setup_mounts(l);
	setup_identity(id);
	/* After the last write to /proc/sys: the host read-only from here. */
	{
		struct lk_error e = {0};

		if (lk_sandbox_fs(l->sandbox, &e) < 0) {
			errno = e.code;
			fail("%s", e.msg);
		}
	}

	do {
		n = lk_sync_recv(SYNC_FD, &go, NULL, 0);
	} while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(go) || go.type != LK_SYNC_GO)
		_exit(1); /* the supervisor gave up or died */

	environ = lk_peer_environ(environ, l->opts.clearenv, &l->opts.env);
	if (!environ)
		fail("environment");
	lk_peer_set_env(l, id);
	child = start_workload(l, id, &err);
	if (child < 0) {
		send_msg(LK_SYNC_EXEC_ERROR, err, 0, "cannot execute '%s': %s",
			 l->opts.argv[0], strerror(err));
		_exit(127);
	}
	send_workload_pid(child);

	/* The signals were blocked in the supervisor before clone(), so
	 * none was lost on the way: take them from a signalfd. */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; i < LK_ARRAY_SIZE(forwarded); i++)
		sigaddset(&set, forwarded[i]);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sigfd < 0)
		fail("signalfd");

	/* When the workload ends, init reports its status and stays, with
	 * the namespace, until the supervisor says the launch is over (or
	 * asks for a restart). */
	for (;;) {
		struct pollfd pf[2] = {{.fd = sigfd, .events = POLLIN},
				       {.fd = SYNC_FD, .events = POLLIN}};
		struct signalfd_siginfo si;
		struct lk_sync_msg m;
		bool seccomp;
		int st, left = child > 0 ? stop_left_ms(l, &stop) : -1;

		if (left == 0)
			stop_force(&stop);
		else if (poll(pf, 2, left) < 0)
			continue;
		while (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			int sig = (int)si.ssi_signo;

			if (sig == SIGCHLD || child <= 0)
				continue;
			if (sig == SIGINT || sig == SIGTERM)
				stop_send(&stop, stop_signal(l, sig));
			else if (kill(-child, sig) < 0)
				kill(child, sig);
		}
		seccomp = child > 0 && killed_by_seccomp(child);
		if (child > 0 && reap_all(child, &st)) {
			send_msg(LK_SYNC_STATUS, 0, st, seccomp ? "seccomp" : NULL);
			last = st;
			child = 0;
			stop_leftovers(l, &stop, sigfd);
			stop = (struct peer_stop){0};
		} else {
			reap_all(0, &st); /* orphans */
		}
		if (!(pf[1].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = lk_sync_recv(SYNC_FD, &m, NULL, MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n == (ssize_t)sizeof(m) && m.type == LK_SYNC_RESTART) {
			child = restart(l, id, child, sigfd);
			stop = (struct peer_stop){0};
			if (child == 0)
				last = 127 << 8;
			continue;
		}
		/* LK_SYNC_EXIT, or the supervisor is gone.  Our exit ends
		 * the namespace and whatever is left in it. */
		if (child > 0) {
			kill(-child, SIGKILL);
			kill(child, SIGKILL);
		}
		_exit(WIFEXITED(last) ? WEXITSTATUS(last)
				      : 128 + WTERMSIG(last));
	}
}
