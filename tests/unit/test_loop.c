/* test_loop.c — the event loop: handlers by pointer, removal inside a
 * round, timers. */
#include "common/loop.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/epoll.h>
#include <unistd.h>

struct watch {
	struct lk_loop *loop;
	int fd;
	unsigned calls;
	uint32_t events;
	struct watch *victim; /* removed (and closed) by this handler */
	int ret;
};

static int on_ready(void *data, uint32_t events, struct lk_error *e)
{
	struct watch *w = data;
	char buf[16];

	w->calls++;
	w->events = events;
	(void)!read(w->fd, buf, sizeof(buf));
	if (w->victim) {
		lk_loop_del(w->loop, w->victim->fd);
		close(w->victim->fd);
		w->victim->fd = -1;
	}
	if (w->ret < 0)
		return lk_error_set(e, -w->ret, "handler failed");
	return 0;
}

static struct lk_loop *new_loop(void)
{
	struct lk_loop *loop = NULL;
	struct lk_error e = {0};

	cr_assert_eq(lk_loop_new(&loop, &e), 0, "%s", e.msg);
	return loop;
}

Test(loop, each_handler_gets_its_own_data)
{
	struct lk_loop *loop = new_loop();
	struct lk_error e = {0};
	int a[2], b[2];
	struct watch wa = {.loop = loop}, wb = {.loop = loop};

	cr_assert_eq(pipe2(a, O_CLOEXEC | O_NONBLOCK), 0);
	cr_assert_eq(pipe2(b, O_CLOEXEC | O_NONBLOCK), 0);
	wa.fd = a[0];
	wb.fd = b[0];
	cr_assert_eq(lk_loop_add(loop, a[0], EPOLLIN, on_ready, &wa, &e), 0);
	cr_assert_eq(lk_loop_add(loop, b[0], EPOLLIN, on_ready, &wb, &e), 0);
	cr_assert_eq(lk_loop_run_once(loop, 0, &e), 0);
	cr_assert_eq(write(b[1], "x", 1), 1);
	cr_assert_eq(lk_loop_run_once(loop, 1000, &e), 1);
	cr_assert_eq(wa.calls, 0);
	cr_assert_eq(wb.calls, 1);
	cr_assert(wb.events & EPOLLIN);
	/* Interest off: the registration stays, no call. */
	cr_assert_eq(lk_loop_mod(loop, a[0], 0, &e), 0);
	cr_assert_eq(write(a[1], "x", 1), 1);
	cr_assert_eq(lk_loop_run_once(loop, 0, &e), 0);
	cr_assert_eq(lk_loop_mod(loop, a[0], EPOLLIN, &e), 0);
	cr_assert_eq(lk_loop_run_once(loop, 1000, &e), 1);
	cr_assert_eq(wa.calls, 1);
	cr_assert_lt(lk_loop_mod(loop, b[1], EPOLLIN, &e), 0);
	lk_loop_free(loop);
	close(a[0]), close(a[1]), close(b[0]), close(b[1]);
}

Test(loop, a_descriptor_removed_in_the_same_round_is_not_called)
{
	struct lk_loop *loop = new_loop();
	struct lk_error e = {0};
	int a[2], b[2];
	struct watch wa = {.loop = loop}, wb = {.loop = loop};

	cr_assert_eq(pipe2(a, O_CLOEXEC | O_NONBLOCK), 0);
	cr_assert_eq(pipe2(b, O_CLOEXEC | O_NONBLOCK), 0);
	wa.fd = a[0];
	wb.fd = b[0];
	/* Each removes the other: whichever runs first, the other is not
	 * called, though both were ready. */
	wa.victim = &wb;
	wb.victim = &wa;
	cr_assert_eq(lk_loop_add(loop, a[0], EPOLLIN, on_ready, &wa, &e), 0);
	cr_assert_eq(lk_loop_add(loop, b[0], EPOLLIN, on_ready, &wb, &e), 0);
	cr_assert_eq(write(a[1], "x", 1), 1);
	cr_assert_eq(write(b[1], "x", 1), 1);
	cr_assert_eq(lk_loop_run_once(loop, 1000, &e), 2);
	cr_assert_eq(wa.calls + wb.calls, 1);
	lk_loop_free(loop);
	close(a[1]), close(b[1]);
	if (wa.fd >= 0)
		close(wa.fd);
	if (wb.fd >= 0)
		close(wb.fd);
}

Test(loop, a_handler_error_ends_the_round)
{
	struct lk_loop *loop = new_loop();
	struct lk_error e = {0};
	int a[2];
	struct watch wa = {.loop = loop, .ret = -EIO};

	cr_assert_eq(pipe2(a, O_CLOEXEC | O_NONBLOCK), 0);
	wa.fd = a[0];
	cr_assert_eq(lk_loop_add(loop, a[0], EPOLLIN, on_ready, &wa, &e), 0);
	cr_assert_eq(write(a[1], "x", 1), 1);
	cr_assert_eq(lk_loop_run_once(loop, 1000, &e), -EIO);
	cr_assert_str_eq(e.msg, "handler failed");
	lk_loop_free(loop);
	close(a[0]), close(a[1]);
}

static int on_timer(void *data, uint32_t events, struct lk_error *e)
{
	(void)events;
	(void)e;
	++*(unsigned *)data;
	return 0;
}

Test(loop, timers_fire_once_per_arming_and_can_be_disarmed)
{
	struct lk_loop *loop = new_loop();
	struct lk_error e = {0};
	unsigned fired = 0;
	int tfd = lk_loop_timer_add(loop, on_timer, &fired, &e);

	cr_assert_geq(tfd, 0, "%s", e.msg);
	cr_assert_eq(lk_loop_run_once(loop, 20, &e), 0); /* disarmed */
	cr_assert_eq(lk_timer_in(tfd, 0), 0);		 /* at once */
	cr_assert_eq(lk_loop_run_once(loop, 1000, &e), 1);
	cr_assert_eq(fired, 1);
	/* The loop consumed the count: nothing more is ready. */
	cr_assert_eq(lk_loop_run_once(loop, 20, &e), 0);
	cr_assert_eq(lk_timer_in(tfd, 1000000), 0);
	cr_assert_eq(lk_timer_at(tfd, UINT64_MAX), 0);
	cr_assert_eq(lk_loop_run_once(loop, 30, &e), 0);
	cr_assert_eq(fired, 1);
	lk_loop_del(loop, tfd);
	close(tfd);
	lk_loop_free(loop);
}
