/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * output_flow.c — the supervisor never blocks on its own stdout/stderr.
 *
 * Lines from the peers gather in one buffer per output (output.c); this
 * file writes them without blocking.  A pipe or terminal is reopened
 * through /proc/self/fd as a description of our own, non-blocking (the
 * shell's description keeps its flags); a socket is made non-blocking
 * and given back as it was at the end; a regular file stays as it is (a
 * write there does not wait for a reader).  When the reader is slow and
 * an output holds LK_OUTPUT_HIGH bytes, every peer's stdout and stderr
 * are taken off the loop: the peers' lines wait in their own pipes (a
 * peer that keeps writing stalls in write(), as it would on a slow
 * terminal), while the loop (signals, the userspace engine's frames,
 * the control socket) goes on.  The output's EPOLLOUT brings them back
 * once it is under LK_OUTPUT_LOW.
 */
#include "launcher/supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
	LK_OUTPUT_HIGH = 1024 * 1024,
	LK_OUTPUT_LOW = 256 * 1024,
};

static int reopen_nonblocking(struct lk_outbuf *o, int fd)
{
	struct stat st;
	char path[32];
	int nfd, fl;

	o->fd = fd;
	o->own = false;
	o->restore_fl = -1;
	if (fstat(fd, &st) < 0)
		return 0; /* closed: writes fail and are dropped */
	if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		nfd = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (nfd >= 0) {
			o->fd = nfd;
			o->own = true;
			return 0;
		}
	}
	if (S_ISSOCK(st.st_mode) || S_ISFIFO(st.st_mode) ||
	    S_ISCHR(st.st_mode)) {
		fl = fcntl(fd, F_GETFL);
		if (fl >= 0 && !(fl & O_NONBLOCK) &&
		    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0)
			o->restore_fl = fl;
	}
	return 0;
}

static void watch_peers(struct lk_launch *l, bool on)
{
	if (l->out_paused == !on)
		return;
	l->out_paused = !on;
	for (unsigned i = 0; i < l->plan.n && l->peers; i++)
		for (int s = 0; s < 2; s++)
			if (l->peers[i].out[s] >= 0)
				(void)lk_loop_mod(l->loop, l->peers[i].out[s],
						  on ? EPOLLIN : 0, NULL);
}

/* Write what the output takes now; keep the rest.  Returns false when
 * the output would block. */
static bool write_some(struct lk_outbuf *o)
{
	size_t done = 0;

	while (done < o->b.len) {
		ssize_t n = write(o->fd, o->b.p + done, o->b.len - done);

		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		/* A closed or broken output: drop. */
		done = o->b.len;
	}
	if (done == o->b.len) {
		lk_buf_clear(&o->b);
		return true;
	}
	memmove(o->b.p, o->b.p + done, o->b.len - done);
	o->b.len -= done;
	o->b.p[o->b.len] = '\0';
	return false;
}

static void update(struct lk_launch *l)
{
	bool high = false, pending = false;

	for (int s = 0; s < 2; s++) {
		struct lk_outbuf *o = &l->out[s];
		bool want = o->b.len > 0;

		if (o->registered && o->watched != want &&
		    lk_loop_mod(l->loop, o->fd, want ? EPOLLOUT : 0, NULL) ==
			    0)
			o->watched = want;
		if (o->b.len >= LK_OUTPUT_HIGH)
			high = true;
		if (o->b.len > LK_OUTPUT_LOW)
			pending = true;
	}
	if (high)
		watch_peers(l, false);
	else if (!pending)
		watch_peers(l, true);
}

void lk_output_flush(struct lk_launch *l)
{
	for (int s = 0; s < 2; s++)
		if (l->out[s].b.len)
			(void)write_some(&l->out[s]);
	if (l->loop && l->out_open)
		update(l);
}

static void on_event(struct lk_launch *l, int s, uint32_t events)
{
	struct lk_outbuf *o = &l->out[s];

	if (events & (EPOLLERR | EPOLLHUP)) {
		/* Nobody reads any more (epoll says so even unasked):
		 * what is left and what comes is dropped. */
		lk_loop_del(l->loop, o->fd);
		o->registered = o->watched = false;
	}
	lk_output_flush(l);
}

static int on_stdout(void *data, uint32_t events, struct lk_error *e)
{
	(void)e;
	on_event(data, LK_OUT, events);
	return 0;
}

static int on_stderr(void *data, uint32_t events, struct lk_error *e)
{
	(void)e;
	on_event(data, LK_ERR, events);
	return 0;
}

int lk_output_open(struct lk_launch *l, struct lk_error *e)
{
	(void)e;
	reopen_nonblocking(&l->out[LK_OUT], STDOUT_FILENO);
	reopen_nonblocking(&l->out[LK_ERR], STDERR_FILENO);
	for (int s = 0; s < 2; s++) {
		struct lk_outbuf *o = &l->out[s];
		struct stat st;

		/* epoll takes pipes, terminals and sockets; what it refuses
		 * (EPERM: a regular file, /dev/null) never waits and needs
		 * no watch. */
		if (fstat(o->fd, &st) < 0 || S_ISREG(st.st_mode))
			continue;
		if (lk_loop_add(l->loop, o->fd, 0,
				s == LK_OUT ? on_stdout : on_stderr, l,
				NULL) == 0)
			o->registered = true;
	}
	l->out_open = true;
	return 0;
}

void lk_output_finish(struct lk_launch *l)
{
	/* The end of the launch: what is left is written, waiting for
	 * the reader now that nothing else needs the loop. */
	for (int s = 0; s < 2; s++) {
		struct lk_outbuf *o = &l->out[s];

		while (o->b.len && !write_some(o)) {
			struct pollfd pf = {.fd = o->fd, .events = POLLOUT};

			if (poll(&pf, 1, -1) < 0 && errno != EINTR)
				break;
		}
	}
}

void lk_output_close(struct lk_launch *l)
{
	for (int s = 0; s < 2; s++) {
		struct lk_outbuf *o = &l->out[s];

		if (o->b.len)
			(void)write_some(o); /* once, without waiting */
		if (l->loop && o->registered)
			lk_loop_del(l->loop, o->fd);
		o->registered = o->watched = false;
		if (o->own && o->fd >= 0)
			close(o->fd);
		else if (o->restore_fl >= 0)
			(void)fcntl(o->fd, F_SETFL, o->restore_fl);
		o->own = false;
		o->restore_fl = -1;
	}
	l->out_open = false;
}
