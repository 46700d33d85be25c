/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * loop.h — one event loop (epoll) where every descriptor is registered the
 * same way: a handler and its data.  The supervisor's signals and peer
 * streams, the control socket and its clients, the timeline and the
 * engines' own descriptors all sit on one loop, and none of them needs to
 * know the others.
 *
 * A handler may add, change or remove any registration, its own
 * included: an event already fetched for a descriptor removed (or
 * removed and added again) in the same round is not delivered.
 *
 * Timers are timerfds on the loop (lk_loop_timer_add): the loop consumes
 * the expiration count before it calls the handler.
 */
#ifndef LK_LOOP_H
#define LK_LOOP_H

#include "linkem.h"

#include <stdint.h>

struct lk_loop;

/* events: EPOLLIN, EPOLLOUT, EPOLLHUP... as epoll_wait reported them.  A
 * negative return (with e filled) ends lk_loop_run_once with it. */
typedef int (*lk_loop_fn)(void *data, uint32_t events, struct lk_error *e);

int lk_loop_new(struct lk_loop **out, struct lk_error *e);
/* The loop's own epoll descriptor is closed; the registered ones are
 * their owners'. */
void lk_loop_free(struct lk_loop *loop);

/* Call fn(data, ...) when fd is ready for events (EPOLLIN, EPOLLOUT). */
int lk_loop_add(struct lk_loop *loop, int fd, uint32_t events, lk_loop_fn fn,
		void *data, struct lk_error *e);
/* Wait for other events on fd (0: none, the registration stays). */
int lk_loop_mod(struct lk_loop *loop, int fd, uint32_t events,
		struct lk_error *e);
/* Forget fd (call before closing it).  Unknown fds are ignored. */
void lk_loop_del(struct lk_loop *loop, int fd);

/* A CLOCK_MONOTONIC timerfd on the loop, disarmed; fn runs when it
 * expires.  Returns the descriptor (the caller's to close, after
 * lk_loop_del) or a negative errno. */
int lk_loop_timer_add(struct lk_loop *loop, lk_loop_fn fn, void *data,
		      struct lk_error *e);
/* Arm tfd for the CLOCK_MONOTONIC time at_ns; UINT64_MAX disarms it. */
int lk_timer_at(int tfd, uint64_t at_ns);
/* Arm tfd for in_ns from now (0: at once). */
int lk_timer_in(int tfd, uint64_t in_ns);

/* Wait up to timeout_ms (-1: no limit) and run the handlers of what is
 * ready.  Returns the number of events, 0 on timeout or EINTR, or the
 * first handler's negative return. */
int lk_loop_run_once(struct lk_loop *loop, int timeout_ms, struct lk_error *e);

#endif
