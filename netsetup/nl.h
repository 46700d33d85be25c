/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nl.h — the rtnetlink conversation: one socket, batches of requests sent
 * with one sendmsg, every request acknowledged, the kernel's extended ACK
 * message carried into the error.
 */
#ifndef LK_NL_H
#define LK_NL_H

#include "linkem.h"

#include <libmnl/libmnl.h>
#include <stdint.h>

struct lk_nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
};

/* Open a NETLINK_ROUTE socket in the caller's current network namespace:
 * CLOEXEC, extended ACKs on, capped ACKs, a receive buffer that holds the
 * ACKs of a full batch. */
int lk_nl_open(struct lk_nl *nl, struct lk_error *e);
/* Open one inside the network namespace of nsfd (a pidfd or an nsfs fd),
 * returning to the namespace of back_fd. */
int lk_nl_open_in(struct lk_nl *nl, int nsfd, int back_fd, struct lk_error *e);
void lk_nl_close(struct lk_nl *nl);

#define LK_NL_BATCH_SIZE (256 * 1024)
#define LK_NL_BATCH_MAX_MSGS 256

/* A batch of requests.  Each request carries a description used in the
 * error when the kernel refuses it ("create veth for peer3"). */
struct lk_nl_batch {
	struct lk_nl *nl;
	char *buf;
	size_t used;
	struct nlmsghdr *cur; /* being built, not yet counted in used */
	unsigned count;
	uint32_t seq0;
	char (*desc)[80];
};

int lk_nl_batch_init(struct lk_nl_batch *b, struct lk_nl *nl,
		     struct lk_error *e);
void lk_nl_batch_free(struct lk_nl_batch *b);
/* Start a request with room for at least max_len bytes; flushes first when
 * the batch is full.  Returns NULL and fills e when a flush fails.  The
 * request gets NLM_F_REQUEST|NLM_F_ACK plus flags. */
struct nlmsghdr *lk_nl_batch_msg(struct lk_nl_batch *b, uint16_t type,
				 uint16_t flags, size_t max_len,
				 struct lk_error *e, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* Send what is queued and wait for every ACK.  The first refusal becomes
 * the error: "<desc>: <strerror> (kernel: <extack>)". */
int lk_nl_batch_flush(struct lk_nl_batch *b, struct lk_error *e);

/* ---- replies (nl_reply.c, pure) ----------------------------------------- */

/* 0 when every message of the datagram buf[0..len) has a length that
 * stays inside it (compared unsigned: libmnl's mnl_nlmsg_ok compares as
 * int and lets 2^31 and more through), -EBADMSG when one does not. */
int lk_nl_check_msgs(const void *buf, size_t len);

/* One NLMSG_ERROR message: an ACK (error 0) or a refusal. */
struct lk_nl_ack {
	uint32_t seq;
	int error;	 /* 0 or a negative errno */
	const char *msg; /* the extended ACK's text, in the message; or NULL */
};

/* Read the NLMSG_ERROR message at nlh, len bytes of which may be read.
 * -EBADMSG when it is not one, is shorter than its struct nlmsgerr, or
 * its echoed request's length points past its end. */
int lk_nl_parse_ack(const struct nlmsghdr *nlh, size_t len,
		    struct lk_nl_ack *ack);

/* What a walk calls: data_cb for every message that is not a netlink
 * control message; ack_cb for every NLMSG_ERROR, parsed (without it, an
 * ACK stops the walk and a refusal fails it with its errno).  NLMSG_DONE
 * stops the walk.  Either may be NULL; they return MNL_CB_OK, _STOP or
 * _ERROR (with errno set). */
struct lk_nl_walk {
	mnl_cb_t data_cb;
	int (*ack_cb)(const struct lk_nl_ack *ack, void *data);
	void *data;
};

/* Walk one datagram of replies with mnl_cb_run2, after lk_nl_check_msgs.
 * seq and portid, when not 0, must match every message.  Returns
 * MNL_CB_OK (go on reading), MNL_CB_STOP (done), or a negative errno:
 * -EBADMSG for a malformed reply, a callback's or the kernel's errno. */
int lk_nl_parse_replies(const void *buf, size_t len, uint32_t seq,
			uint32_t portid, const struct lk_nl_walk *w);

/* ---- receiving (nl.c) --------------------------------------------------- */

/* Receive one datagram into buf (again after EINTR) and walk it as
 * lk_nl_parse_replies does.  A negative errno also leaves errno set. */
int lk_nl_recv_walk(struct lk_nl *nl, void *buf, size_t size, uint32_t seq,
		    uint32_t portid, const struct lk_nl_walk *w);

/* A dump: req (type and any header after the nlmsghdr filled in by the
 * caller) is sent with NLM_F_REQUEST | NLM_F_DUMP and the next sequence
 * number; cb sees every message until NLMSG_DONE.  The error reads
 * "<what>: <strerror> (kernel: <extack>)". */
int lk_nl_dump(struct lk_nl *nl, struct nlmsghdr *req, mnl_cb_t cb,
	       void *data, struct lk_error *e, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

#endif
