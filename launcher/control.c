/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * control.c — the control socket on the supervisor's loop: the socket and
 * its lock, and the state machine of each client.  What a request does is
 * control_commands.c's (exec: control_exec.c's); the timeline's timer is
 * control_timeline.c's; control_internal.h lists the rest.
 *
 * Every client is non-blocking with bounded buffers: a request line of at
 * most LK_CTL_MAX_REQUEST bytes, replies queued up to OUT_LIMIT (then the
 * client is not read until it reads its replies), at most MAX_LINES
 * requests per wakeup, at most LK_CTL_MAX_CLIENTS connections (the
 * longest idle one makes room for a new one).  A client never blocks the
 * loop.
 */
#include "launcher/control_internal.h"

#include "common/cleanup.h"
#include "common/error.h"
#include "common/log.h"
#include "common/io.h"
#include "common/clock.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define OUT_LIMIT (4u << 20)
#define MAX_LINES 64

static void client_close(struct lk_launch *l, struct lk_ctl_client *cl)
{
	if (cl->fd < 0)
		return;
	lk_loop_del(l->loop, cl->fd);
	close(cl->fd);
	for (int i = 0; i < cl->nfds; i++)
		close(cl->fds[i]);
	free(cl->in);
	lk_buf_free(&cl->out);
	json_decref(cl->waiting_id);
	*cl = (struct lk_ctl_client){.fd = -1};
}

static void reply_error(struct lk_ctl_client *cl, json_t *id,
			const struct lk_error *e)
{
	lk_ctl_reply_error(&cl->out, id,
			   e->msg[0] ? e->msg : strerror(e->code));
}

static void set_interest(struct lk_launch *l, struct lk_ctl_client *cl)
{
	bool pending_out = cl->out.len > cl->outoff;
	bool have_line = cl->in && memchr(cl->in, '\n', cl->inlen);
	uint32_t want = 0;

	if (pending_out ||
	    (have_line && cl->out.len < OUT_LIMIT && !cl->waiting))
		want |= EPOLLOUT;
	if (!have_line && cl->out.len < OUT_LIMIT && !cl->eof && !cl->waiting)
		want |= EPOLLIN;
	if (want != cl->interest) {
		struct lk_error ignored;

		lk_loop_mod(l->loop, cl->fd, want, &ignored);
		cl->interest = want;
	}
}

static bool flush_out(struct lk_ctl_client *cl)
{
	while (cl->out.len > cl->outoff) {
		ssize_t w =
		    send(cl->fd, cl->out.p + cl->outoff,
			 cl->out.len - cl->outoff, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			return true;
		if (w <= 0)
			return false;
		cl->outoff += (size_t)w;
	}
	cl->out.len = cl->outoff = 0;
	return true;
}

static int read_in(struct lk_ctl_client *cl)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(3 * sizeof(int))];
	} cbuf;
	struct iovec iov = {cl->in + cl->inlen, LK_CTL_MAX_REQUEST - cl->inlen};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cbuf.buf,
			    .msg_controllen = sizeof(cbuf.buf)};
	ssize_t n = recvmsg(cl->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm;
	     cm = CMSG_NXTHDR(&mh, cm)) {
		int *fds = (int *)CMSG_DATA(cm);
		size_t k;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (int i = 0; i < cl->nfds; i++)
			close(cl->fds[i]);
		cl->nfds = 0;
		for (size_t i = 0; i < k; i++) {
			if (i < 3)
				cl->fds[cl->nfds++] = fds[i];
			else
				close(fds[i]);
		}
	}
	if (n == 0) {
		cl->eof = true;
		return 0;
	}
	cl->inlen += (size_t)n;
	return 0;
}

/* Handle the complete lines in cl->in.  Returns 1 when the client slot
 * was handed over (exec), -1 to close it. */
static int handle_lines(struct lk_launch *l, struct lk_ctl_client *cl)
{
	for (int done = 0;
	     done < MAX_LINES && cl->out.len < OUT_LIMIT && !cl->waiting;
	     done++) {
		char *nl = cl->in ? memchr(cl->in, '\n', cl->inlen) : NULL;
		struct lk_ctl_request req;
		struct lk_error e = {0};
		size_t len;
		int r;

		if (!nl)
			break;
		len = (size_t)(nl - cl->in);
		r = lk_ctl_request_parse(cl->in, len, &req, &e);
		memmove(cl->in, nl + 1, cl->inlen - len - 1);
		cl->inlen -= len + 1;
		if (r < 0) {
			reply_error(cl, NULL, &e);
			continue;
		}
		if (strcmp(req.cmd, "exec") == 0) {
			r = lk_ctl_exec(l, cl->fd, cl->fds, cl->nfds, req.args,
					req.nargs, &e);
			if (r == 0) {
				/* The helper has the conversation now. */
				lk_ctl_request_free(&req);
				client_close(l, cl);
				return 1;
			}
			reply_error(cl, req.id_value, &e);
		} else {
			struct lk_buf text = {0};
			json_t *data = NULL;

			r = lk_ctl_dispatch(l, req.cmd, req.args, req.nargs,
					    &text, &data, &e);
			if (r == 0 && strcmp(req.cmd, "restart") == 0) {
				/* The answer comes when the peer's init
				 * has started the workload again; the
				 * next requests wait for it, in order. */
				lk_ctl_parse_peer(l, req.args[0], &cl->waiting,
						  &e);
				cl->waiting_id = json_incref(req.id_value);
			} else if (r < 0)
				reply_error(cl, req.id_value, &e);
			else if (text.oom)
				reply_error(cl, req.id_value,
					    &(struct lk_error){
						ENOMEM, "out of memory"});
			else
				lk_ctl_reply_ok(&cl->out, req.id_value, text.p,
						data);
			lk_buf_free(&text);
			json_decref(data);
		}
		lk_ctl_request_free(&req);
	}
	if (cl->out.oom)
		return -1;
	if (cl->inlen == LK_CTL_MAX_REQUEST &&
	    !memchr(cl->in, '\n', cl->inlen)) {
		struct lk_error e;

		lk_error_set(&e, EMSGSIZE,
			     "request longer than %d bytes: closing",
			     LK_CTL_MAX_REQUEST);
		reply_error(cl, NULL, &e);
		flush_out(cl);
		return -1;
	}
	return 0;
}

static void on_client(struct lk_launch *l, struct lk_ctl_client *cl,
		      uint32_t events)
{
	bool have_line;
	int r;

	if (cl->fd < 0)
		return;
	cl->last_ns = lk_now_ns();
	if ((events & EPOLLOUT) && !flush_out(cl))
		goto close;
	have_line = memchr(cl->in, '\n', cl->inlen) != NULL;
	if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && !have_line &&
	    cl->out.len < OUT_LIMIT && read_in(cl) < 0)
		goto close;
	r = handle_lines(l, cl);
	if (r > 0)
		return;
	if (r < 0 || !flush_out(cl))
		goto close;
	if (cl->eof && cl->out.len == 0 && !cl->waiting &&
	    !memchr(cl->in, '\n', cl->inlen))
		goto close; /* a half request at the end is dropped */
	set_interest(l, cl);
	return;
close:
	client_close(l, cl);
}

static int on_client_ready(void *data, uint32_t events, struct lk_error *e)
{
	struct lk_ctl_client *cl = data;

	(void)e;
	on_client(cl->l, cl, events);
	return 0;
}

static void on_accept(struct lk_launch *l)
{
	struct lk_control *c = l->control;

	for (int round = 0; round < 8; round++) {
		int fd =
		    accept4(c->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		struct ucred cred;
		socklen_t clen = sizeof(cred);
		struct lk_ctl_client *free_slot = NULL, *idle = NULL;
		struct lk_error ignored;

		if (fd < 0)
			return;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0 ||
		    (cred.uid != geteuid() && cred.uid != 0)) {
			struct lk_buf no = {0};

			lk_ctl_reply_error(&no, NULL,
					   "permission denied: this launch "
					   "belongs to another user");
			if (no.p)
				(void)!send(fd, no.p, no.len,
					    MSG_NOSIGNAL | MSG_DONTWAIT);
			lk_buf_free(&no);
			close(fd);
			continue;
		}
		for (int i = 0; i < LK_CTL_MAX_CLIENTS; i++) {
			struct lk_ctl_client *cl = &c->c[i];

			if (cl->fd < 0) {
				free_slot = cl;
				break;
			}
			if (cl->out.len == 0 &&
			    (!idle || cl->last_ns < idle->last_ns))
				idle = cl;
		}
		if (!free_slot && idle) {
			/* Full: the longest idle client makes room. */
			client_close(l, idle);
			free_slot = idle;
		}
		if (!free_slot ||
		    !(free_slot->in = malloc(LK_CTL_MAX_REQUEST))) {
			close(fd);
			continue;
		}
		free_slot->l = l;
		free_slot->fd = fd;
		free_slot->last_ns = lk_now_ns();
		free_slot->interest = EPOLLIN;
		if (lk_loop_add(l->loop, fd, EPOLLIN, on_client_ready,
				free_slot, &ignored) < 0)
			client_close(l, free_slot);
	}
}

void lk_control_restarted(struct lk_launch *l, unsigned id, const char *err)
{
	struct lk_control *c = l->control;
	const struct lk_peer *p = &l->peers[id - 1];

	if (!c)
		return;
	for (int i = 0; i < LK_CTL_MAX_CLIENTS; i++) {
		struct lk_ctl_client *cl = &c->c[i];
		char text[96];

		if (cl->fd < 0 || cl->waiting != id)
			continue;
		if (err) {
			lk_ctl_reply_error(&cl->out, cl->waiting_id, err);
		} else {
			json_t *data = json_pack(
			    "{s:I,s:I,s:I}", "id", (json_int_t)id,
			    "workload_pid", (json_int_t)p->workload_pid,
			    "restarts", (json_int_t)p->restarts);

			snprintf(text, sizeof(text),
				 "peer%u restarted (pid %d)\n", id,
				 (int)p->workload_pid);
			lk_ctl_reply_ok(&cl->out, cl->waiting_id, text, data);
			json_decref(data);
		}
		json_decref(cl->waiting_id);
		cl->waiting_id = NULL;
		cl->waiting = 0;
		/* Send it, and go on with what the client sent since. */
		on_client(l, cl, 0);
	}
}

static int on_listen_ready(void *data, uint32_t events, struct lk_error *e)
{
	(void)events;
	(void)e;
	on_accept(data);
	return 0;
}

static int on_timeline_due(void *data, uint32_t events, struct lk_error *e)
{
	(void)events;
	(void)e;
	lk_ctl_timer_fire(data);
	return 0;
}

/* ---- the socket and its lock ------------------------------------------- */

void lk_control_default_dir(char *buf, size_t size)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	struct stat st;

	if (xdg && xdg[0] == '/' && stat(xdg, &st) == 0 &&
	    S_ISDIR(st.st_mode) && st.st_uid == geteuid())
		snprintf(buf, size, "%s/linkem", xdg);
	else
		snprintf(buf, size, "/run/linkem");
}

/* Is there a live launch behind PATH?  Its lock says so. */
static bool lock_held(const char *lock_path)
{
	_cleanup_close_ int fd =
	    open(lock_path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return false;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0)
		return errno == EWOULDBLOCK;
	return false;
}

/* Sockets of launches that died without cleaning up (SIGKILL). */
static void remove_stale(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		char sock[PATH_MAX], lock[PATH_MAX + 8];

		if (len < 6 || strcmp(de->d_name + len - 5, ".sock") != 0 ||
		    strncmp(de->d_name, "launch-", 7) != 0)
			continue;
		snprintf(sock, sizeof(sock), "%s/%s", dir, de->d_name);
		snprintf(lock, sizeof(lock), "%s.lock", sock);
		if (!lock_held(lock)) {
			unlink(sock);
			unlink(lock);
		}
	}
	closedir(d);
}

int lk_control_prepare(struct lk_launch *l, struct lk_error *e)
{
	struct lk_control *c = calloc(1, sizeof(*c));
	int r;

	if (!c)
		return lk_error_set(e, ENOMEM, "out of memory");
	c->lfd = c->lock_fd = c->tfd = -1;
	for (int i = 0; i < LK_CTL_MAX_CLIENTS; i++)
		c->c[i].fd = -1;
	l->control = c;
	for (size_t i = 0; i < l->opts.at.n; i++) {
		r = lk_timeline_add_at(&c->tl, l->opts.at.v[i], e);
		if (r < 0)
			return r;
	}
	if (l->opts.scenario) {
		r = lk_timeline_load(&c->tl, l->opts.scenario, e);
		if (r < 0)
			return r;
	}
	r = lk_timeline_check(&c->tl, l->plan.n, e);
	if (r < 0)
		return r;
	if (l->opts.control) {
		const char *p = l->opts.control;
		char cwd[PATH_MAX];

		if (!*p)
			return lk_error_set(e, EINVAL, "--control: empty path");
		if (p[0] == '/') {
			c->path = strdup(p);
		} else {
			if (!getcwd(cwd, sizeof(cwd)))
				return lk_error_errno(e, "--control '%s'", p);
			if (asprintf(&c->path, "%s/%s", cwd, p) < 0)
				c->path = NULL;
		}
	} else {
		char dir[PATH_MAX - 64];

		lk_control_default_dir(dir, sizeof(dir));
		if (asprintf(&c->path, "%s/launch-%d.sock", dir,
			     (int)getpid()) < 0)
			c->path = NULL;
	}
	if (!c->path)
		return lk_error_set(e, ENOMEM, "out of memory");
	if (strlen(c->path) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return lk_error_set(
		    e, ENAMETOOLONG, "--control '%s': longer than %zu bytes",
		    c->path, sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
	if (asprintf(&c->lock_path, "%s.lock", c->path) < 0)
		return lk_error_set(e, ENOMEM, "out of memory");
	return 0;
}

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && path[n] == '/';
}

int lk_control_open(struct lk_launch *l, struct lk_error *e)
{
	struct lk_control *c = l->control;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	_cleanup_free_ char *dir = strdup(c->path);
	_cleanup_free_ char *real = NULL;
	mode_t old;
	int r;

	if (!dir)
		return lk_error_set(e, ENOMEM, "out of memory");
	*strrchr(dir, '/') = '\0';
	if (!l->opts.control) {
		r = lk_mkdir_p(dir, 0700, e);
		if (r < 0)
			return lk_error_wrap(e, "control socket");
		remove_stale(dir);
	}
	c->lock_fd =
	    open(c->lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (c->lock_fd < 0)
		return lk_error_errno(e, "control socket lock '%s'",
				      c->lock_path);
	if (flock(c->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		close(c->lock_fd);
		c->lock_fd = -1;
		if (errno == EWOULDBLOCK)
			return lk_error_set(e, EADDRINUSE,
					    "control socket '%s' belongs to "
					    "a running launch",
					    c->path);
		return lk_error_errno(e, "lock '%s'", c->lock_path);
	}
	c->own_files = true;
	/* We hold the lock: whatever is at the path is stale. */
	if (unlink(c->path) < 0 && errno != ENOENT)
		return lk_error_errno(e, "remove stale control socket '%s'",
				      c->path);
	c->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->lfd < 0)
		return lk_error_errno(e, "control socket");
	memcpy(sa.sun_path, c->path, strlen(c->path) + 1);
	old = umask(0177); /* 0600 from the start */
	r = bind(c->lfd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r < 0)
		return lk_error_errno(e, "bind control socket '%s'", c->path);
	if (chmod(c->path, 0600) < 0 || listen(c->lfd, 64) < 0)
		return lk_error_errno(e, "control socket '%s'", c->path);
	/* The peers have their own empty /run; elsewhere (even /tmp, which
	 * shows the host's files in the peers), cover the
	 * socket and its lock inside them.  Where the socket is, is where
	 * its directory resolves to: /run/../var/tmp is not under /run. */
	real = realpath(dir, NULL);
	if (!(real && (strcmp(real, "/run") == 0 || under(real, "/run"))) &&
	    ((r = lk_sandbox_hide(l->sandbox, c->path, e)) < 0 ||
	     (r = lk_sandbox_hide(l->sandbox, c->lock_path, e)) < 0))
		return r;
	return 0;
}

int lk_control_arm(struct lk_launch *l, struct lk_error *e)
{
	struct lk_control *c = l->control;
	int r;

	if (!c || c->lfd < 0)
		return 0;
	r = lk_loop_timer_add(l->loop, on_timeline_due, l, e);
	if (r < 0)
		return lk_error_wrap(e, "timeline timer");
	c->tfd = r;
	r = lk_loop_add(l->loop, c->lfd, EPOLLIN, on_listen_ready, l, e);
	if (r < 0)
		return lk_error_wrap(e, "watch the control socket");
	/* Steps count from the release (lk_peer_sync_go). */
	c->t0_ns = l->release_ns ? l->release_ns : lk_now_ns();
	lk_ctl_timer_arm(c);
	lk_log(LK_LOG_NOTICE, "control socket %s", c->path);
	return 0;
}

void lk_control_free(struct lk_launch *l)
{
	struct lk_control *c = l->control;

	if (!c)
		return;
	for (int i = 0; i < LK_CTL_MAX_CLIENTS; i++)
		client_close(l, &c->c[i]);
	if (c->own_files) {
		unlink(c->path);
		unlink(c->lock_path);
	}
	if (c->lfd >= 0)
		close(c->lfd);
	if (c->lock_fd >= 0)
		close(c->lock_fd);
	if (c->tfd >= 0)
		close(c->tfd);
	lk_timeline_free(&c->tl);
	free(c->group);
	free(c->down);
	free(c->partition_text);
	free(c->path);
	free(c->lock_path);
	free(c);
	l->control = NULL;
}

LK_EXPORT const char *lk_launch_control_path(const struct lk_launch *l)
{
	return l->control ? l->control->path : NULL;
}
