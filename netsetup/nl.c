/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nl.c — the rtnetlink conversation over libmnl. */
#include "netsetup/nl.h"

#include "common/cleanup.h"
#include "common/error.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

int lk_nl_open(struct lk_nl *nl, struct lk_error *e)
{
	int one = 1, rcvbuf = 4 * 1024 * 1024;
	int fd;

	nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl->sock)
		return lk_error_errno(e, "open rtnetlink socket");
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int r = lk_error_errno(e, "bind rtnetlink socket");
		lk_nl_close(nl);
		return r;
	}
	fd = mnl_socket_get_fd(nl->sock);
	/* Best effort: extended ACK text, ACKs without the echoed request,
	 * and room for the ACKs of a whole batch. */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = 1;
	return 0;
}

int lk_nl_open_in(struct lk_nl *nl, int nsfd, int back_fd, struct lk_error *e)
{
	int r;

	if (setns(nsfd, CLONE_NEWNET) < 0)
		return lk_error_errno(e, "enter network namespace");
	r = lk_nl_open(nl, e);
	if (setns(back_fd, CLONE_NEWNET) < 0) {
		/* We cannot continue in the wrong namespace. */
		if (r == 0)
			lk_nl_close(nl);
		return lk_error_errno(e, "return to the supervisor's network "
					 "namespace");
	}
	return r;
}

void lk_nl_close(struct lk_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

int lk_nl_batch_init(struct lk_nl_batch *b, struct lk_nl *nl,
		     struct lk_error *e)
{
	memset(b, 0, sizeof(*b));
	b->nl = nl;
	b->buf = malloc(LK_NL_BATCH_SIZE);
	b->desc = calloc(LK_NL_BATCH_MAX_MSGS, sizeof(*b->desc));
	if (!b->buf || !b->desc) {
		lk_nl_batch_free(b);
		return lk_error_set(e, ENOMEM, "out of memory");
	}
	return 0;
}

void lk_nl_batch_free(struct lk_nl_batch *b)
{
	free(b->buf);
	free(b->desc);
	b->buf = NULL;
	b->desc = NULL;
}

static void commit_cur(struct lk_nl_batch *b)
{
	if (b->cur) {
		b->used += NLMSG_ALIGN(b->cur->nlmsg_len);
		b->cur = NULL;
	}
}

struct nlmsghdr *lk_nl_batch_msg(struct lk_nl_batch *b, uint16_t type,
				 uint16_t flags, size_t max_len,
				 struct lk_error *e, const char *fmt, ...)
{
	struct nlmsghdr *nlh;
	va_list ap;

	commit_cur(b);
	if (max_len > LK_NL_BATCH_SIZE) {
		lk_error_set(e, E2BIG, "netlink request too large");
		return NULL;
	}
	if (b->used + max_len > LK_NL_BATCH_SIZE ||
	    b->count == LK_NL_BATCH_MAX_MSGS) {
		if (lk_nl_batch_flush(b, e) < 0)
			return NULL;
	}
	if (b->count == 0)
		b->seq0 = b->nl->seq;
	nlh = mnl_nlmsg_put_header(b->buf + b->used);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = b->nl->seq++;
	va_start(ap, fmt);
	vsnprintf(b->desc[b->count], sizeof(b->desc[0]), fmt, ap);
	va_end(ap);
	b->count++;
	b->cur = nlh;
	return nlh;
}

struct flush {
	struct lk_nl_batch *b;
	unsigned count, acked;
	int first_err;
	struct lk_error *e;
};

static int flush_ack(const struct lk_nl_ack *a, void *data)
{
	struct flush *f = data;
	uint32_t idx;

	if (a->seq < f->b->seq0 || a->seq - f->b->seq0 >= f->count)
		return MNL_CB_OK;
	idx = a->seq - f->b->seq0;
	f->acked++;
	if (a->error == 0 || f->first_err)
		return MNL_CB_OK;
	f->first_err = a->error;
	if (a->msg)
		lk_error_set(f->e, -a->error, "%s: %s (kernel: %s)",
			     f->b->desc[idx], strerror(-a->error), a->msg);
	else
		lk_error_set(f->e, -a->error, "%s: %s", f->b->desc[idx],
			     strerror(-a->error));
	return MNL_CB_OK;
}

int lk_nl_batch_flush(struct lk_nl_batch *b, struct lk_error *e)
{
	struct flush f = {.b = b, .e = e};
	struct lk_nl_walk w = {.ack_cb = flush_ack, .data = &f};
	char buf[64 * 1024];

	commit_cur(b);
	f.count = b->count;
	if (f.count == 0)
		return 0;
	if (mnl_socket_sendto(b->nl->sock, b->buf, b->used) < 0) {
		b->used = 0;
		b->count = 0;
		return lk_error_errno(e, "send %u netlink requests (first: %s)",
				      f.count, b->desc[0]);
	}
	b->used = 0;
	b->count = 0;
	while (f.acked < f.count) {
		/* Every ACK is read; the sequence numbers pick ours. */
		int r = lk_nl_recv_walk(b->nl, buf, sizeof(buf), 0, 0, &w);

		if (r < 0)
			return lk_error_errno(e, "receive netlink ACKs");
	}
	return f.first_err; /* 0 or a negative errno */
}

int lk_nl_recv_walk(struct lk_nl *nl, void *buf, size_t size, uint32_t seq,
		    uint32_t portid, const struct lk_nl_walk *w)
{
	ssize_t n;
	int r;

	do
		n = mnl_socket_recvfrom(nl->sock, buf, size);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	r = lk_nl_parse_replies(buf, (size_t)n, seq, portid, w);
	if (r < 0)
		errno = -r;
	return r;
}

struct dump {
	mnl_cb_t cb;
	void *data;
	char why[256]; /* the kernel's extended ACK text */
};

static int dump_data(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;

	return d->cb(nlh, d->data);
}

static int dump_ack(const struct lk_nl_ack *a, void *data)
{
	struct dump *d = data;

	if (a->error == 0)
		return MNL_CB_STOP;
	if (a->msg)
		snprintf(d->why, sizeof(d->why), "%s", a->msg);
	errno = -a->error;
	return MNL_CB_ERROR;
}

int lk_nl_dump(struct lk_nl *nl, struct nlmsghdr *req, mnl_cb_t cb,
	       void *data, struct lk_error *e, const char *fmt, ...)
{
	struct dump d = {.cb = cb, .data = data};
	struct lk_nl_walk w = {.data_cb = dump_data, .ack_cb = dump_ack,
			       .data = &d};
	size_t size = 32768; /* libmnl's MNL_SOCKET_DUMP_SIZE */
	_cleanup_free_ char *buf = malloc(size);
	uint32_t seq = nl->seq++;
	char what[256];
	va_list ap;
	int r;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (!buf)
		return lk_error_set(e, ENOMEM, "%s: out of memory", what);
	req->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl->sock, req, req->nlmsg_len) < 0)
		return lk_error_errno(e, "%s", what);
	do
		r = lk_nl_recv_walk(nl, buf, size, seq, nl->portid, &w);
	while (r == MNL_CB_OK);
	if (r >= 0)
		return 0;
	if (d.why[0])
		return lk_error_set(e, -r, "%s: %s (kernel: %s)", what,
				    strerror(-r), d.why);
	return lk_error_set(e, -r, "%s: %s", what, strerror(-r));
}
