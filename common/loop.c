/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * loop.c — the event loop (loop.h).
 *
 * Registrations are kept by descriptor number.  Each epoll event carries
 * the descriptor and the registration's generation: a handler that
 * removes a descriptor (and perhaps a new one that reuses its number)
 * bumps the generation, so an event fetched before is recognised as
 * stale and dropped.
 */
#include "common/loop.h"

#include "common/error.h"
#include "common/cleanup.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define LOOP_BATCH 64

struct loop_entry {
	lk_loop_fn fn;
	void *data;
	uint32_t gen;
	bool live;
	bool timer; /* a timerfd: its count is read before fn runs */
};

struct lk_loop {
	int epfd;
	struct loop_entry *v; /* v[fd] */
	size_t len;
};

static uint64_t pack(int fd, uint32_t gen)
{
	return (uint64_t)gen << 32 | (uint32_t)fd;
}

int lk_loop_new(struct lk_loop **out, struct lk_error *e)
{
	struct lk_loop *loop = calloc(1, sizeof(*loop));

	if (!loop)
		return lk_error_set(e, ENOMEM, "out of memory");
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0) {
		free(loop);
		return lk_error_errno(e, "create the event loop");
	}
	*out = loop;
	return 0;
}

void lk_loop_free(struct lk_loop *loop)
{
	if (!loop)
		return;
	close(loop->epfd);
	free(loop->v);
	free(loop);
}

static struct loop_entry *entry(struct lk_loop *loop, int fd)
{
	return fd >= 0 && (size_t)fd < loop->len ? &loop->v[fd] : NULL;
}

static int add(struct lk_loop *loop, int fd, uint32_t events, lk_loop_fn fn,
	       void *data, bool timer, struct lk_error *e)
{
	struct epoll_event ev = {.events = events};
	struct loop_entry *en;

	if (fd < 0)
		return lk_error_set(e, EBADF, "watch a descriptor: %d", fd);
	if ((size_t)fd >= loop->len) {
		size_t len = loop->len ? loop->len : 16;
		struct loop_entry *v;

		while (len <= (size_t)fd)
			len *= 2;
		v = realloc(loop->v, len * sizeof(*v));
		if (!v)
			return lk_error_set(e, ENOMEM, "out of memory");
		memset(v + loop->len, 0, (len - loop->len) * sizeof(*v));
		loop->v = v;
		loop->len = len;
	}
	en = &loop->v[fd];
	/* A number closed without lk_loop_del and reused: a new
	 * registration, and the old one's events are stale. */
	en->gen++;
	ev.data.u64 = pack(fd, en->gen);
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 &&
	    (errno != EEXIST ||
	     epoll_ctl(loop->epfd, EPOLL_CTL_MOD, fd, &ev) < 0)) {
		en->live = false;
		return lk_error_errno(e, "watch a descriptor");
	}
	en->fn = fn;
	en->data = data;
	en->live = true;
	en->timer = timer;
	return 0;
}

int lk_loop_add(struct lk_loop *loop, int fd, uint32_t events, lk_loop_fn fn,
		void *data, struct lk_error *e)
{
	return add(loop, fd, events, fn, data, false, e);
}

int lk_loop_mod(struct lk_loop *loop, int fd, uint32_t events,
		struct lk_error *e)
{
	struct loop_entry *en = entry(loop, fd);
	struct epoll_event ev = {.events = events};

	if (!en || !en->live)
		return lk_error_set(e, ENOENT, "descriptor %d is not watched",
				    fd);
	ev.data.u64 = pack(fd, en->gen);
	if (epoll_ctl(loop->epfd, EPOLL_CTL_MOD, fd, &ev) < 0)
		return lk_error_errno(e, "watch a descriptor");
	return 0;
}

void lk_loop_del(struct lk_loop *loop, int fd)
{
	struct loop_entry *en;

	if (!loop || !(en = entry(loop, fd)) || !en->live)
		return;
	epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
	en->live = false;
	en->gen++;
}

int lk_loop_timer_add(struct lk_loop *loop, lk_loop_fn fn, void *data,
		      struct lk_error *e)
{
	_cleanup_close_ int tfd =
	    timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	int r;

	if (tfd < 0)
		return lk_error_errno(e, "create a timer");
	r = add(loop, tfd, EPOLLIN, fn, data, true, e);
	if (r < 0)
		return r;
	return lk_steal_fd(tfd);
}

static int settime(int tfd, int flags, uint64_t ns)
{
	struct itimerspec its = {0};

	its.it_value.tv_sec = (time_t)(ns / 1000000000ull);
	its.it_value.tv_nsec = (long)(ns % 1000000000ull);
	if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
		its.it_value.tv_nsec = 1; /* 0 would disarm it */
	return timerfd_settime(tfd, flags, &its, NULL) < 0 ? -errno : 0;
}

int lk_timer_at(int tfd, uint64_t at_ns)
{
	struct itimerspec off = {0};

	if (at_ns == UINT64_MAX)
		return timerfd_settime(tfd, TFD_TIMER_ABSTIME, &off, NULL) < 0
			   ? -errno
			   : 0;
	return settime(tfd, TFD_TIMER_ABSTIME, at_ns);
}

int lk_timer_in(int tfd, uint64_t in_ns)
{
	return settime(tfd, 0, in_ns);
}

int lk_loop_run_once(struct lk_loop *loop, int timeout_ms, struct lk_error *e)
{
	struct epoll_event evs[LOOP_BATCH];
	int n = epoll_wait(loop->epfd, evs, LOOP_BATCH, timeout_ms);

	if (n < 0) {
		if (errno == EINTR)
			return 0;
		return lk_error_errno(e, "epoll_wait");
	}
	for (int i = 0; i < n; i++) {
		int fd = (int)(uint32_t)evs[i].data.u64;
		uint32_t gen = (uint32_t)(evs[i].data.u64 >> 32);
		struct loop_entry *en = entry(loop, fd);
		int r;

		if (!en || !en->live || en->gen != gen)
			continue; /* removed by an earlier handler */
		if (en->timer) {
			uint64_t ticks;

			(void)!read(fd, &ticks, sizeof(ticks));
		}
		r = en->fn(en->data, evs[i].events, e);
		if (r < 0)
			return r;
	}
	return n;
}
