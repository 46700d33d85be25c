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

#endif
