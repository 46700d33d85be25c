/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* output.c — peers' lines, prefixed and whole, and the files a peer sees. */
#include "launcher/launch_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

static int out_reserve(struct lk_outbuf *o, size_t extra)
{
	size_t want = o->len + extra;
	char *n;

	if (want <= o->cap)
		return 0;
	if (want < 64 * 1024)
		want = 64 * 1024;
	if (want < o->cap * 2)
		want = o->cap * 2;
	n = realloc(o->buf, want);
	if (!n)
		return -ENOMEM;
	o->buf = n;
	o->cap = want;
	return 0;
}

static void write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return; /* a closed or broken output: drop */
		}
		p += n;
		len -= (size_t)n;
	}
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
	if (out_reserve(o, (size_t)plen + len + 1) < 0) {
		lk_output_flush(l);
		write_all(o->fd, prefix, (size_t)plen);
		write_all(o->fd, line, len);
		write_all(o->fd, "\n", 1);
	} else {
		memcpy(o->buf + o->len, prefix, (size_t)plen);
		memcpy(o->buf + o->len + plen, line, len);
		o->buf[o->len + (size_t)plen + len] = '\n';
		o->len += (size_t)plen + len + 1;
	}
	if (p->log_fd >= 0) {
		/* Small lines: one write each, so the file stays in order. */
		struct iovec iov[2] = {{(void *)line, len}, {"\n", 1}};

		if (writev(p->log_fd, iov, 2) < 0 && errno != EINTR) {
			/* A full disk: say so once, and stop writing this
			 * log (the launch goes on). */
			fprintf(stderr,
				"linkem-launch: %s/peer%u.log: %s; that log "
				"stops here\n",
				l->opts.log_dir, p->id, strerror(errno));
			close(p->log_fd);
			p->log_fd = -1;
		}
	}
	if (o->len > 256 * 1024)
		lk_output_flush(l);
}

void lk_output_flush(struct lk_launch *l)
{
	for (int s = 0; s < 2; s++) {
		write_all(l->out[s].fd, l->out[s].buf, l->out[s].len);
		l->out[s].len = 0;
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
