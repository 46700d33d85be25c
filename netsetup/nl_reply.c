/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nl_reply.c — reading what the kernel answers on rtnetlink: the lengths
 * of a datagram's messages checked before anything is read, ACKs and
 * their extended-ACK text, the walk with libmnl's mnl_cb_run2.  Pure: no
 * socket here (nl.c sends and receives), so a fuzzer can feed it bytes.
 */
#include "netsetup/nl.h"

#include <errno.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <string.h>

int lk_nl_check_msgs(const void *buf, size_t len)
{
	const char *p = buf;
	size_t off = 0;

	/* mnl_nlmsg_ok compares nlmsg_len as an int: a length of 2^31 or
	 * more would pass it and move the walk gigabytes on.  Every length
	 * is checked here, as an unsigned number, against what is left. */
	while (len - off >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr h;

		memcpy(&h, p + off, sizeof(h));
		if (h.nlmsg_len < sizeof(struct nlmsghdr) ||
		    h.nlmsg_len > len - off)
			return -EBADMSG;
		off += NLMSG_ALIGN((size_t)h.nlmsg_len);
		if (off > len)
			break; /* the last message's padding is missing */
	}
	return 0;
}

struct ack_attrs {
	const char *msg;
};

static int ack_attr(const struct nlattr *a, void *data)
{
	struct ack_attrs *t = data;

	if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		t->msg = mnl_attr_get_str(a);
	return MNL_CB_OK;
}

int lk_nl_parse_ack(const struct nlmsghdr *nlh, size_t len,
		    struct lk_nl_ack *ack)
{
	const struct nlmsgerr *err;
	struct ack_attrs t = {NULL};
	size_t payload, off;

	memset(ack, 0, sizeof(*ack));
	if (len < sizeof(*nlh) || nlh->nlmsg_len < sizeof(*nlh) ||
	    nlh->nlmsg_len > len || nlh->nlmsg_type != NLMSG_ERROR)
		return -EBADMSG;
	/* Shorter than its struct nlmsgerr: nothing in it can be read. */
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*err)))
		return -EBADMSG;
	err = mnl_nlmsg_get_payload(nlh);
	if (err->error == INT32_MIN)
		return -EBADMSG;
	ack->seq = nlh->nlmsg_seq;
	/* Netlink families disagree on the sign. */
	ack->error = err->error > 0 ? -err->error : err->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return 0;
	/* The attributes follow the nlmsgerr and, unless capped, the
	 * echoed request: its length comes from the reply and is checked
	 * against the reply's own before it becomes an offset. */
	payload = nlh->nlmsg_len - NLMSG_HDRLEN;
	off = sizeof(*err);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (err->msg.nlmsg_len < sizeof(struct nlmsghdr) ||
		    err->msg.nlmsg_len - sizeof(struct nlmsghdr) >
			payload - off)
			return -EBADMSG;
		off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	}
	if (MNL_ALIGN(off) >= payload)
		return 0;
	mnl_attr_parse(nlh, (unsigned)off, ack_attr, &t);
	if (t.msg && *t.msg)
		ack->msg = t.msg;
	return 0;
}

struct walk {
	const struct lk_nl_walk *w;
	size_t len; /* bytes from the message to the end of the datagram */
	int bad;
};

static int walk_data(const struct nlmsghdr *nlh, void *data)
{
	struct walk *k = data;

	return k->w->data_cb ? k->w->data_cb(nlh, k->w->data) : MNL_CB_OK;
}

static int walk_error(const struct nlmsghdr *nlh, void *data)
{
	struct walk *k = data;
	struct lk_nl_ack ack;
	int r = lk_nl_parse_ack(nlh, nlh->nlmsg_len, &ack);

	if (r < 0) {
		k->bad = r;
		errno = -r;
		return MNL_CB_ERROR;
	}
	if (k->w->ack_cb)
		return k->w->ack_cb(&ack, k->w->data);
	/* As libmnl's own: an ACK stops the walk, a refusal fails it. */
	if (ack.error == 0)
		return MNL_CB_STOP;
	errno = -ack.error;
	return MNL_CB_ERROR;
}

static int walk_done(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_STOP;
}

int lk_nl_parse_replies(const void *buf, size_t len, uint32_t seq,
			uint32_t portid, const struct lk_nl_walk *w)
{
	static mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = walk_error,
		[NLMSG_DONE] = walk_done,
	};
	struct walk k = {.w = w};
	int r;

	if (len > INT32_MAX || lk_nl_check_msgs(buf, len) < 0)
		return -EBADMSG;
	errno = 0;
	r = mnl_cb_run2(buf, len, seq, portid, walk_data, &k, ctl,
			NLMSG_MIN_TYPE);
	if (k.bad)
		return k.bad;
	if (r == MNL_CB_ERROR)
		return errno ? -errno : -EIO;
	return r;
}
