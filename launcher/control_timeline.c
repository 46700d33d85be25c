/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * control_timeline.c — the timeline's timer (--at, --scenario): one
 * timerfd set to the next step's time from the launch's start; when it
 * fires, every step that is due runs as the command a client would send,
 * and is reported on stderr (failures even with -q).
 */
#include "launcher/control_internal.h"
#include "common/log.h"
#include "common/clock.h"

#include <stdio.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

void lk_ctl_timer_arm(struct lk_control *c)
{
	struct itimerspec its = {0};

	if (c->tl.next < c->tl.len) {
		uint64_t at = c->t0_ns + c->tl.v[c->tl.next].at_ns;

		its.it_value.tv_sec = (time_t)(at / 1000000000ull);
		its.it_value.tv_nsec = (long)(at % 1000000000ull);
		if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
			its.it_value.tv_nsec = 1;
	}
	timerfd_settime(c->tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

/* "18:45:44.123" */
static void wall_clock(char *buf, size_t size)
{
	struct timespec t;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &t);
	localtime_r(&t.tv_sec, &tm);
	snprintf(buf, size, "%02d:%02d:%02d.%03ld", tm.tm_hour, tm.tm_min,
		 tm.tm_sec, t.tv_nsec / 1000000);
}

void lk_ctl_timer_fire(struct lk_launch *l)
{
	struct lk_control *c = l->control;
	uint64_t now = lk_now_ns(); /* the loop read the timer's count */

	while (c->tl.next < c->tl.len &&
	       c->t0_ns + c->tl.v[c->tl.next].at_ns <= now) {
		const struct lk_step *s = &c->tl.v[c->tl.next++];
		struct lk_buf text = {0}, what = {0};
		struct lk_error e = {0};
		json_t *data = NULL;
		int r;

		r = lk_ctl_dispatch(l, s->cmd, s->args, s->nargs, &text, &data,
				    &e);
		char wall[32];

		for (size_t i = 0; i < s->nargs; i++)
			lk_buf_printf(&what, " %s", s->args[i]);
		/* Both clocks: since the release, and the wall clock. */
		wall_clock(wall, sizeof(wall));
		if (r < 0)
			lk_log(LK_LOG_WARNING, "+%.3fs (%s) %s: %s%s failed: %s",
			       (double)(lk_now_ns() - c->t0_ns) / 1e9, wall,
			       s->origin, s->cmd, what.p ? what.p : "", e.msg);
		else
			lk_log(LK_LOG_NOTICE, "+%.3fs (%s) %s: %s%s",
			       (double)(lk_now_ns() - c->t0_ns) / 1e9, wall,
			       s->origin, s->cmd, what.p ? what.p : "");
		lk_buf_free(&text);
		json_decref(data);
		lk_buf_free(&what);
	}
	lk_ctl_timer_arm(c);
}
