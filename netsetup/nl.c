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

struct ack_text {
	const char *msg;
};

static int ext_ack_attr(const struct nlattr *a, void *data)
{
	struct ack_text *t = data;

	if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		t->msg = mnl_attr_get_str(a);
	return MNL_CB_OK;
}

int lk_nl_batch_flush(struct lk_nl_batch *b, struct lk_error *e)
{
	unsigned acked = 0, count;
	int first_err = 0;
	char buf[64 * 1024];

	commit_cur(b);
	count = b->count;
	if (count == 0)
		return 0;
	if (mnl_socket_sendto(b->nl->sock, b->buf, b->used) < 0) {
		b->used = 0;
		b->count = 0;
		return lk_error_errno(e, "send %u netlink requests (first: %s)",
				      count, b->desc[0]);
	}
	b->used = 0;
	b->count = 0;
	while (acked < count) {
		ssize_t n = mnl_socket_recvfrom(b->nl->sock, buf, sizeof(buf));
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
		int len = (int)n;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return lk_error_errno(e, "receive netlink ACKs");
		}
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			const struct nlmsgerr *err;
			struct ack_text t = {NULL};
			uint32_t idx;
			size_t off;

			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			if (nlh->nlmsg_seq < b->seq0 ||
			    nlh->nlmsg_seq - b->seq0 >= count)
				continue;
			idx = nlh->nlmsg_seq - b->seq0;
			acked++;
			err = mnl_nlmsg_get_payload(nlh);
			if (err->error == 0 || first_err)
				continue;
			first_err = err->error;
			if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
				off = sizeof(*err);
				if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
					off += err->msg.nlmsg_len -
					       sizeof(struct nlmsghdr);
				mnl_attr_parse(nlh, (unsigned)off, ext_ack_attr,
					       &t);
			}
			if (t.msg && *t.msg)
				lk_error_set(e, -err->error,
					     "%s: %s (kernel: %s)", b->desc[idx],
					     strerror(-err->error), t.msg);
			else
				lk_error_set(e, -err->error, "%s: %s",
					     b->desc[idx],
					     strerror(-err->error));
		}
	}
	return first_err; /* 0 or a negative errno */
}
