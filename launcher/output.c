/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* output.c — peers' lines, prefixed and whole, and the files a peer sees. */
#include "launcher/launch_internal.h"

#include "common/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
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

/* --log-dir: raw bytes.  Small lines: one write each, so the file stays
 * in order.  Past --log-max, a last line in the file, a notice once, and
 * no more. */
static void log_line(struct lk_launch *l, struct lk_peer *p, const char *line,
		     size_t len)
{
	struct iovec iov[2] = {{(void *)line, len}, {"\n", 1}};
	uint64_t max = l->opts.log_max;

	if (p->log_full)
		return;
	if (max && p->log_bytes + len + 1 > max) {
		char last[160];
		int n = snprintf(last, sizeof(last),
				 "linkem-launch: peer%u.log reached --log-max "
				 "(%llu MiB): the rest is not logged\n",
				 p->id, (unsigned long long)(max >> 20));

		p->log_full = true;
		(void)!write(p->log_fd, last, (size_t)n);
		lk_log(LK_LOG_NOTICE,
		       "notice: peer%u.log reached --log-max (%llu MiB): the "
		       "rest of its output is not logged",
		       p->id, (unsigned long long)(max >> 20));
		return;
	}
	p->log_bytes += len + 1;
	(void)!writev(p->log_fd, iov, 2);
}

void lk_output_line(struct lk_launch *l, struct lk_peer *p, int stream,
		    const char *line, size_t len)
{
	struct lk_outbuf *o = &l->out[stream];
	char prefix[48];
	int plen;

	if (o->color)
		plen = snprintf(prefix, sizeof(prefix),
				"\033[%dm[peer%u]\033[0m ",
				31 + (int)((p->id - 1) % 6), p->id);
	else
		plen = snprintf(prefix, sizeof(prefix), "[peer%u] ", p->id);
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
		/* Out of memory: the line is dropped. */
	} else {
		lk_buf_put(&o->b, prefix, (size_t)plen);
		lk_buf_put(&o->b, line, len);
		lk_buf_put(&o->b, "\n", 1);
	}
	if (p->log_fd >= 0)
		log_line(l, p, line, len);
	if (o->b.len > 256 * 1024)
		lk_output_flush(l);
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
