/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* output.c — peers' lines, prefixed and whole (and time-stamped), the
 * progress line, and the files a peer sees. */
#include "launcher/launch_internal.h"

#include "common/clock.h"
#include "common/io.h"
#include "common/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

/* On a terminal, a peer's line is shown escaped (lk_line_escape): it
 * cannot move the cursor, rewrite earlier lines (a forged "[peer2]" or
 * "linkem-launch:"), set the window title or the clipboard. */
static bool is_tty(struct lk_outbuf *o)
{
	if (o->tty == 0)
		o->tty = isatty(o->fd) ? 1 : -1;
	return o->tty > 0;
}

size_t lk_output_stamp(const struct lk_launch *l, enum lk_timestamps mode,
		       char *buf, size_t size)
{
	uint64_t now = lk_now_ns(), since;
	int n;

	if (size)
		buf[0] = '\0';
	if (!l || mode == LK_TS_NONE || size == 0)
		return 0;
	/* Before the release (setup notices): +0.000. */
	since = l->release_ns && now > l->release_ns ? now - l->release_ns
						     : 0;
	if (mode == LK_TS_WALL) {
		struct timespec t;
		struct tm tm;

		clock_gettime(CLOCK_REALTIME, &t);
		localtime_r(&t.tv_sec, &tm);
		n = snprintf(buf, size, "%02d:%02d:%02d.%03ld ", tm.tm_hour,
			     tm.tm_min, tm.tm_sec, t.tv_nsec / 1000000);
	} else {
		n = snprintf(buf, size, "+%llu.%03llu ",
			     (unsigned long long)(since / 1000000000ull),
			     (unsigned long long)(since / 1000000ull % 1000));
	}
	return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

LK_EXPORT size_t lk_launch_timestamp(const struct lk_launch *l, char *buf,
				     size_t size)
{
	return lk_output_stamp(l, l ? l->opts.timestamps : LK_TS_NONE, buf,
			       size);
}

void lk_output_release(struct lk_launch *l)
{
	char when[64];
	struct tm tm;

	if (l->opts.timestamps == LK_TS_NONE && l->opts.at.n == 0 &&
	    !l->opts.scenario)
		return;
	localtime_r(&l->release_wall.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	lk_log(LK_LOG_NOTICE, "peers released at %s.%03ld (+0.000)", when,
	       l->release_wall.tv_nsec / 1000000);
}

/* On a terminal, while a launch of more than 50 peers creates them:
 * "linkem-launch: creating peers 120/1000" on one line, redrawn at most
 * every 100 ms, erased at the end (done == total).  Nothing with -q or
 * when stderr is not a terminal. */
void lk_output_progress(struct lk_launch *l, unsigned done, unsigned total)
{
	static uint64_t last;
	uint64_t now;
	char line[96];
	int n;

	if (total <= 50 || l->opts.quiet || !is_tty(&l->out[LK_ERR]))
		return;
	if (done >= total) {
		if (l->progress_shown)
			(void)lk_write_all(STDERR_FILENO, "\r\033[K", 4);
		l->progress_shown = 0;
		return;
	}
	now = lk_now_ns();
	if (l->progress_shown && now - last < 100000000ull)
		return;
	last = now;
	n = snprintf(line, sizeof(line),
		     "\rlinkem-launch: creating peers %u/%u\033[K", done,
		     total);
	(void)lk_write_all(STDERR_FILENO, line, (size_t)n);
	l->progress_shown = done ? done : 1;
}

void lk_output_line(struct lk_launch *l, struct lk_peer *p, int stream,
		    const char *line, size_t len)
{
	struct lk_outbuf *o = &l->out[stream];
	char prefix[96], stamp[40];
	size_t slen;
	int plen;

	slen = lk_output_stamp(l, l->opts.timestamps, stamp, sizeof(stamp));
	if (o->color)
		plen = snprintf(prefix, sizeof(prefix),
				"%s\033[%dm[peer%u]\033[0m ", stamp,
				31 + (int)((p->id - 1) % 6), p->id);
	else
		plen = snprintf(prefix, sizeof(prefix), "%s[peer%u] ", stamp,
				p->id);
	if (is_tty(o)) {
		if (lk_buf_reserve(&o->b, (size_t)plen + LK_ESCAPED_MAX(len) +
						  1) == 0) {
			lk_buf_put(&o->b, prefix, (size_t)plen);
			o->b.len += lk_line_escape(o->b.p + o->b.len, line, len);
			lk_buf_put(&o->b, "\n", 1);
		}
		/* else out of memory: the line is dropped rather than
		 * shown raw. */
	} else if (lk_buf_reserve(&o->b, (size_t)plen + len + 1) < 0) {
		/* A closed or broken output: drop. */
		lk_output_flush(l);
		(void)lk_write_all(o->fd, prefix, (size_t)plen);
		(void)lk_write_all(o->fd, line, len);
		(void)lk_write_all(o->fd, "\n", 1);
	} else {
		lk_buf_put(&o->b, prefix, (size_t)plen);
		lk_buf_put(&o->b, line, len);
		lk_buf_put(&o->b, "\n", 1);
	}
	if (p->log_fd >= 0) {
		/* Raw bytes after a time stamp (always: relative unless
		 * --timestamps=wall).  Small lines: one write each, so the
		 * file stays in order. */
		struct iovec iov[3] = {{stamp, 0}, {(void *)line, len},
				       {"\n", 1}};

		if (l->opts.timestamps == LK_TS_NONE)
			slen = lk_output_stamp(l, LK_TS_RELATIVE, stamp,
					       sizeof(stamp));
		iov[0].iov_len = slen;
		(void)!writev(p->log_fd, iov, 3);
	}
	if (o->b.len > 256 * 1024)
		lk_output_flush(l);
}

void lk_output_flush(struct lk_launch *l)
{
	for (int s = 0; s < 2; s++) {
		/* A closed or broken output: drop. */
		if (l->out[s].b.len)
			(void)lk_write_all(l->out[s].fd, l->out[s].b.p,
					   l->out[s].b.len);
		lk_buf_clear(&l->out[s].b);
	}
}

char *lk_hosts_render(const struct lk_plan *p, size_t *len)
{
	static const char head[] = "127.0.0.1\tlocalhost\n"
				   "::1\tlocalhost ip6-localhost "
				   "ip6-loopback\n";
	size_t cap = sizeof(head) + (size_t)p->n * 80, used;
	char *s = malloc(cap);

	if (!s)
		return NULL;
	memcpy(s, head, sizeof(head) - 1);
	used = sizeof(head) - 1;
	for (unsigned id = 1; id <= p->n; id++) {
		char a4[INET_ADDRSTRLEN], a6[INET6_ADDRSTRLEN];
		struct in_addr x4 = lk_plan_addr4(p, id);
		struct in6_addr x6 = lk_plan_addr6(p, id);

		inet_ntop(AF_INET, &x4, a4, sizeof(a4));
		inet_ntop(AF_INET6, &x6, a6, sizeof(a6));
		used += (size_t)snprintf(s + used, cap - used,
					 "%s\tpeer%u\n%s\tpeer%u\n", a4, id,
					 a6, id);
	}
	*len = used;
	return s;
}

char *lk_peers_env_render(const struct lk_plan *p)
{
	size_t cap = (size_t)p->n * 16 + 1, used = 0;
	char *s;

	/* execve limits one string to 128 KiB: past that, names in
	 * /etc/hosts are the way. */
	if (cap > 128 * 1024)
		return NULL;
	s = malloc(cap);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (unsigned id = 1; id <= p->n; id++) {
		char a4[INET_ADDRSTRLEN];
		struct in_addr x4 = lk_plan_addr4(p, id);

		inet_ntop(AF_INET, &x4, a4, sizeof(a4));
		used += (size_t)snprintf(s + used, cap - used, "%s%s",
					 id > 1 ? "," : "", a4);
	}
	return s;
}
