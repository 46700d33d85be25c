/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * linkem-ctl — change a running launch's network, look at its peers, run
 * a command inside one.  A thin client of the control socket
 * (docs/control-protocol.md).
 */
#include "linkem.h"

#include "launcher/commands.h"
#include "launcher/control.h"
#include "launcher/control_proto.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define PROG "linkem-ctl"
#define EXIT_USAGE 2

static int try_connect(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* The sockets of running launches in dir. */
static size_t find_launches(const char *dir, char found[][PATH_MAX], size_t max)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL && n < max) {
		size_t len = strlen(de->d_name);
		int fd;

		if (len < 6 || strncmp(de->d_name, "launch-", 7) ||
		    strcmp(de->d_name + len - 5, ".sock"))
			continue;
		if (snprintf(found[n], PATH_MAX, "%s/%s", dir, de->d_name) >=
		    PATH_MAX)
			continue;
		fd = try_connect(found[n]);
		if (fd < 0)
			continue; /* stale: its launch is gone */
		close(fd);
		n++;
	}
	closedir(d);
	return n;
}

/* Without --control, linkem-ctl looks only where linkem-launch, run in
 * the same environment, puts its socket: $XDG_RUNTIME_DIR/linkem when
 * that directory is ours, else /run/linkem (lk_control_default_dir).  So
 * a launch of another session (another XDG_RUNTIME_DIR) is never picked
 * by mistake, and tests with a private XDG_RUNTIME_DIR see only their
 * own launches. */
static int choose(const char *given, char *out, bool list)
{
	char found[16][PATH_MAX], dir[PATH_MAX - 64];
	size_t n;

	if (given) {
		snprintf(out, PATH_MAX, "%s", given);
		return 0;
	}
	if (getenv("LINKEM_CONTROL") && *getenv("LINKEM_CONTROL")) {
		snprintf(out, PATH_MAX, "%s", getenv("LINKEM_CONTROL"));
		return 0;
	}
	lk_control_default_dir(dir, sizeof(dir));
	n = find_launches(dir, found, 16);
	if (list) {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", found[i]);
		return 1;
	}
	if (n == 1) {
		snprintf(out, PATH_MAX, "%s", found[0]);
		return 0;
	}
	if (n == 0) {
		fprintf(stderr, PROG ": no running launch found in %s\n", dir);
		/* Say where others are, without using them. */
		if (strcmp(dir, "/run/linkem") != 0 &&
		    find_launches("/run/linkem", found, 1) > 0)
			fprintf(stderr, PROG ": launches started without "
					     "XDG_RUNTIME_DIR are in "
					     "/run/linkem: choose one with "
					     "--control PATH\n");
		return -1;
	}
	fprintf(stderr,
		PROG ": %zu launches are running, choose one with "
		     "--control PATH:",
		n);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, " %s", found[i]);
	fprintf(stderr, "\n");
	return -1;
}

static int send_request(int fd, const struct lk_buf *req, bool with_fds)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(3 * sizeof(int))];
	} c;
	struct iovec iov = {req->p, req->len};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	ssize_t n;

	if (with_fds) {
		struct cmsghdr *cm;
		int fds[3] = {0, 1, 2};

		memset(&c, 0, sizeof(c));
		mh.msg_control = c.buf;
		mh.msg_controllen = sizeof(c.buf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(fds));
		memcpy(CMSG_DATA(cm), fds, sizeof(fds));
	}
	n = sendmsg(fd, &mh, MSG_NOSIGNAL);
	if (n < 0)
		return -errno;
	/* The rest, if the socket took only part (requests are small). */
	for (size_t off = (size_t)n; off < req->len;) {
		ssize_t w =
		    send(fd, req->p + off, req->len - off, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		off += (size_t)w;
	}
	return 0;
}

/* One reply line; timeout_ms < 0 waits forever. */
static int read_reply(int fd, struct lk_buf *line, int timeout_ms)
{
	line->len = 0;
	for (;;) {
		char buf[65536];
		struct pollfd pf = {.fd = fd, .events = POLLIN};
		ssize_t n;
		char *nl;

		if (poll(&pf, 1, timeout_ms) == 0)
			return -ETIMEDOUT;
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ECONNRESET;
		lk_buf_put(line, buf, (size_t)n);
		if (line->oom)
			return -ENOMEM;
		nl = memchr(line->p, '\n', line->len);
		if (nl) {
			line->len = (size_t)(nl - line->p);
			return 0;
		}
	}
}

struct call {
	const char *path;
	const char *cmd;
	char **args;
	size_t nargs;
	bool json;
	bool exec;
	bool tty; /* exec -t */
};

/* exec's -t, -i, -it, -ti; sets *tty for a t. */
static bool exec_flag(const char *a, bool *tty)
{
	if (a[0] != '-' || !a[1] || strspn(a + 1, "ti") != strlen(a + 1))
		return false;
	if (strchr(a, 't'))
		*tty = true;
	return true;
}

/* ---- exec -t: this terminal in raw mode while the command runs; a
 * window size change is one byte on the connection (the helper reads the
 * new size from this terminal, which it holds). */

static struct termios saved_tio;
static bool raw_set;
static int winch_fd = -1;

static void restore_tty(void)
{
	if (raw_set)
		tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_tio);
	raw_set = false;
}

static void on_winch(int sig)
{
	int err = errno;

	(void)sig;
	if (winch_fd >= 0)
		(void)!write(winch_fd, "W", 1);
	errno = err;
}

static void tty_begin(int conn)
{
	struct termios raw;
	struct sigaction sa = {.sa_handler = on_winch,
			       .sa_flags = SA_RESTART};

	winch_fd = conn;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGWINCH, &sa, NULL);
	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tio) < 0)
		return;
	raw = saved_tio;
	cfmakeraw(&raw);
	if (tcsetattr(STDIN_FILENO, TCSADRAIN, &raw) == 0) {
		raw_set = true;
		atexit(restore_tty);
	}
}

/* Send one request and print its reply.  Returns the exit status. */
static int call_once(const struct call *c)
{
	struct lk_buf req = {0}, line = {0};
	struct lk_ctl_reply rep;
	struct lk_error e = {0};
	int fd, r, status = 0;

	fd = try_connect(c->path);
	if (fd < 0) {
		fprintf(stderr, PROG ": connect to '%s': %s\n", c->path,
			strerror(errno));
		return 1;
	}
	r = lk_ctl_request_format(&req, c->cmd, c->args, c->nargs);
	if (r < 0) {
		fprintf(stderr, PROG ": %s\n",
			r == -EILSEQ ? "an argument is not valid UTF-8 (the "
				       "control protocol carries JSON text)"
				     : strerror(-r));
		close(fd);
		lk_buf_free(&req);
		return 1;
	}
	if ((r = send_request(fd, &req, c->exec)) < 0) {
		fprintf(stderr, PROG ": send to '%s': %s\n", c->path,
			strerror(errno));
		close(fd);
		lk_buf_free(&req);
		return 1;
	}
	if (c->tty)
		tty_begin(fd);
	/* exec lasts as long as its command; restart as long as the
	 * launch's --grace lets the old workload linger. */
	r = read_reply(fd, &line,
		       c->exec || strcmp(c->cmd, "restart") == 0 ? -1 : 30000);
	winch_fd = -1;
	restore_tty();
	close(fd);
	lk_buf_free(&req);
	if (r < 0) {
		fprintf(stderr, PROG ": no reply from '%s': %s\n", c->path,
			strerror(-r));
		lk_buf_free(&line);
		return 1;
	}
	if (lk_ctl_reply_parse(line.p, line.len, &rep, &e) < 0) {
		fprintf(stderr, PROG ": %s\n", e.msg);
		lk_buf_free(&line);
		return 1;
	}
	if (!rep.ok) {
		fprintf(stderr, PROG ": %s: %s\n", c->cmd,
			rep.error ? rep.error : "failed");
		status = 1;
	} else if (rep.has_status) {
		status = rep.status;
	} else if (c->json && rep.data) {
		printf("%s\n", rep.data);
	} else if (rep.text) {
		fputs(rep.text, stdout);
	}
	fflush(stdout);
	lk_ctl_reply_free(&rep);
	lk_buf_free(&line);
	return status;
}

int main(int argc, char **argv)
{
	size_t nopts;
	const struct lk_optdef *optdefs = lk_ctl_optdefs(&nopts);
	struct option longopts[8];
	char shortopts[3 * 8];
	const struct lk_command *k;
	const char *control = NULL;
	char path[PATH_MAX];
	struct call c = {0};
	bool watch = false;
	int opt, r;

	/* Whatever the library says goes to stderr as this program's. */
	lk_set_log_handler(lk_log_stderr, PROG ": ");
	if (nopts + 1 > sizeof(longopts) / sizeof(longopts[0]))
		return EXIT_USAGE; /* the table outgrew this: a test fails */
	lk_optdefs_getopt(optdefs, nopts, "+", longopts, shortopts);
	while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) !=
	       -1) {
		switch (opt) {
		case 'c':
			control = optarg;
			break;
		case 'j':
			c.json = true;
			break;
		case 'h':
			lk_ctl_usage(stdout);
			return 0;
		case 'V':
			printf(PROG " %s\n", lk_version());
			return 0;
		default:
			lk_ctl_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, PROG ": no COMMAND (try --help)\n");
		return EXIT_USAGE;
	}
	c.cmd = argv[optind++];
	c.args = argv + optind;
	c.nargs = (size_t)(argc - optind);
	k = lk_command_find(c.cmd, LK_CMD_SERVED);
	if (k && k->json) {
		size_t kept = 0;

		for (size_t i = 0; i < c.nargs; i++) {
			if (strcmp(c.args[i], "--json") == 0)
				c.json = true;
			else if (strcmp(c.args[i], "--watch") == 0 &&
				 k->id == LK_CMD_STATS)
				watch = true;
			else
				c.args[kept++] = c.args[i];
		}
		c.nargs = kept;
	} else if (strcmp(c.cmd, "exec") == 0) {
		/* -t, -i, -it, -ti before PEER: sent as they are. */
		size_t f = 0;

		while (f < c.nargs && exec_flag(c.args[f], &c.tty))
			f++;
		if (c.nargs >= f + 2 && strcmp(c.args[f + 1], "--") == 0) {
			memmove(&c.args[f + 1], &c.args[f + 2],
				(c.nargs - f - 2 + 1) * sizeof(char *));
			c.nargs--;
		}
		if (c.nargs < f + 2) {
			fprintf(stderr, PROG
				": usage: exec [-t] [-i] PEER -- COMMAND "
				"[ARG...]\n");
			return EXIT_USAGE;
		}
		c.exec = true;
	}
	r = choose(control, path, strcmp(c.cmd, "list") == 0);
	if (r > 0)
		return 0;
	if (r < 0)
		return 1;
	c.path = path;
	if (!watch)
		return call_once(&c);
	for (;;) {
		struct timespec ts = {1, 0};

		if (!c.json)
			printf("\033[H\033[2J");
		r = call_once(&c);
		if (r)
			return r;
		nanosleep(&ts, NULL);
	}
}
