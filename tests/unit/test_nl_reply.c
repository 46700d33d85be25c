/* test_nl_reply.c — reading rtnetlink replies (netsetup/nl_reply.c):
 * ACKs and their extended-ACK text, and replies whose lengths lie
 * (issue 17, findings 3-5).  The crafted messages are written out as
 * structs; no socket, no root. */
#include "netsetup/nl.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>

struct calls {
	unsigned data, acks;
	struct lk_nl_ack last;
};

static int count_data(const struct nlmsghdr *nlh, void *data)
{
	struct calls *c = data;

	(void)nlh;
	c->data++;
	return MNL_CB_OK;
}

static int count_ack(const struct lk_nl_ack *a, void *data)
{
	struct calls *c = data;

	c->acks++;
	c->last = *a;
	return MNL_CB_OK;
}

/* A refusal as the kernel sends it with NETLINK_CAP_ACK and
 * NETLINK_EXT_ACK: nlmsgerr, then NLMSGERR_ATTR_MSG. */
struct capped_ack {
	struct nlmsghdr h;
	struct nlmsgerr err;
	struct nlattr a;
	char text[20];
};

Test(nl_reply, ack_with_extack_text)
{
	struct capped_ack m = {
	    .h = {.nlmsg_len = sizeof(m), .nlmsg_type = NLMSG_ERROR,
		  .nlmsg_flags = NLM_F_ACK_TLVS | NLM_F_CAPPED,
		  .nlmsg_seq = 7},
	    .err = {.error = -EEXIST, .msg = {.nlmsg_len = 32}},
	    .a = {.nla_len = sizeof(struct nlattr) + 20,
		  .nla_type = NLMSGERR_ATTR_MSG},
	    .text = "veth0 exists",
	};
	struct lk_nl_ack ack;

	cr_assert_eq(lk_nl_parse_ack(&m.h, sizeof(m), &ack), 0);
	cr_assert_eq(ack.seq, 7);
	cr_assert_eq(ack.error, -EEXIST);
	cr_assert_str_eq(ack.msg, "veth0 exists");
}

/* Not capped: the echoed request (here a header and 4 bytes) comes
 * before the attributes. */
Test(nl_reply, ack_with_echoed_request)
{
	struct {
		struct nlmsghdr h;
		struct nlmsgerr err;
		uint32_t echoed_payload;
		struct nlattr a;
		char text[8];
	} m = {
	    .h = {.nlmsg_len = sizeof(m), .nlmsg_type = NLMSG_ERROR,
		  .nlmsg_flags = NLM_F_ACK_TLVS, .nlmsg_seq = 3},
	    .err = {.error = -EINVAL,
		    .msg = {.nlmsg_len = sizeof(struct nlmsghdr) + 4}},
	    .a = {.nla_len = sizeof(struct nlattr) + 8,
		  .nla_type = NLMSGERR_ATTR_MSG},
	    .text = "bad qos",
	};
	struct lk_nl_ack ack;

	cr_assert_eq(lk_nl_parse_ack(&m.h, sizeof(m), &ack), 0);
	cr_assert_eq(ack.error, -EINVAL);
	cr_assert_str_eq(ack.msg, "bad qos");
}

/* Finding 3: NLM_F_ACK_TLVS without NLM_F_CAPPED and an echoed length of
 * almost 4 GiB: it used to become the offset of the attributes (SEGV). */
Test(nl_reply, echoed_length_past_the_message_is_refused)
{
	struct {
		struct nlmsghdr h;
		struct nlmsgerr err;
	} m = {
	    .h = {.nlmsg_len = sizeof(m), .nlmsg_type = NLMSG_ERROR,
		  .nlmsg_flags = NLM_F_ACK_TLVS, .nlmsg_seq = 1},
	    .err = {.error = -EINVAL, .msg = {.nlmsg_len = 0xfffffff0u}},
	};
	struct calls c = {0};
	struct lk_nl_walk w = {.ack_cb = count_ack, .data = &c};
	struct lk_nl_ack ack;

	cr_assert_eq(lk_nl_parse_ack(&m.h, sizeof(m), &ack), -EBADMSG);
	cr_assert_eq(lk_nl_parse_replies(&m, sizeof(m), 0, 0, &w), -EBADMSG);
	cr_assert_eq(c.acks, 0);
	/* Just past the end, and below a header, too. */
	m.err.msg.nlmsg_len = sizeof(struct nlmsghdr) + 1;
	cr_assert_eq(lk_nl_parse_ack(&m.h, sizeof(m), &ack), -EBADMSG);
	m.err.msg.nlmsg_len = 3;
	cr_assert_eq(lk_nl_parse_ack(&m.h, sizeof(m), &ack), -EBADMSG);
	/* Exactly the header: fine, no text. */
	m.err.msg.nlmsg_len = sizeof(struct nlmsghdr);
	cr_assert_eq(lk_nl_parse_ack(&m.h, sizeof(m), &ack), 0);
	cr_assert_null(ack.msg);
}

/* Finding 4: an NLMSG_ERROR shorter than struct nlmsgerr (here only the
 * error number) used to be read as a whole one. */
Test(nl_reply, error_shorter_than_nlmsgerr_is_refused)
{
	struct {
		struct nlmsghdr h;
		int32_t error;
	} m = {
	    .h = {.nlmsg_len = sizeof(m), .nlmsg_type = NLMSG_ERROR,
		  .nlmsg_flags = NLM_F_ACK_TLVS, .nlmsg_seq = 1},
	    .error = -EPERM,
	};
	struct calls c = {0};
	struct lk_nl_walk w = {.ack_cb = count_ack, .data = &c};
	struct lk_nl_ack ack;

	cr_assert_eq(lk_nl_parse_ack(&m.h, sizeof(m), &ack), -EBADMSG);
	cr_assert_eq(lk_nl_parse_replies(&m, sizeof(m), 0, 0, &w), -EBADMSG);
	cr_assert_eq(c.acks, 0);
	/* Without a callback (libmnl's rule) it is refused the same way. */
	w.ack_cb = NULL;
	cr_assert_eq(lk_nl_parse_replies(&m, sizeof(m), 0, 0, &w), -EBADMSG);
}

/* Finding 5: a length of 2^31 or more passes mnl_nlmsg_ok (an int
 * comparison) and moved the walk gigabytes on.  Nothing of such a
 * datagram is read, not even the good message before it. */
Test(nl_reply, length_of_2_pow_31_is_refused_before_the_walk)
{
	struct {
		struct nlmsghdr good;
		struct tcmsg t;
		struct nlmsghdr liar;
		uint32_t pad[4];
	} m = {
	    .good = {.nlmsg_len = sizeof(struct nlmsghdr) +
				  sizeof(struct tcmsg),
		     .nlmsg_type = RTM_NEWQDISC, .nlmsg_seq = 5},
	    .liar = {.nlmsg_len = 0x80000010u, .nlmsg_type = RTM_NEWQDISC,
		     .nlmsg_seq = 5},
	};
	struct calls c = {0};
	struct lk_nl_walk w = {.data_cb = count_data, .ack_cb = count_ack,
			       .data = &c};

	cr_assert_eq(lk_nl_check_msgs(&m, sizeof(m)), -EBADMSG);
	cr_assert_eq(lk_nl_parse_replies(&m, sizeof(m), 5, 0, &w), -EBADMSG);
	cr_assert_eq(c.data, 0);
	m.liar.nlmsg_len = 0xffffffffu;
	cr_assert_eq(lk_nl_parse_replies(&m, sizeof(m), 5, 0, &w), -EBADMSG);
	/* One byte more than the datagram holds, and below a header. */
	m.liar.nlmsg_len = sizeof(struct nlmsghdr) + sizeof(m.pad) + 1;
	cr_assert_eq(lk_nl_check_msgs(&m, sizeof(m)), -EBADMSG);
	m.liar.nlmsg_len = 8;
	cr_assert_eq(lk_nl_check_msgs(&m, sizeof(m)), -EBADMSG);
	/* Honest: both messages seen. */
	m.liar.nlmsg_len = sizeof(struct nlmsghdr) + sizeof(m.pad);
	cr_assert_eq(lk_nl_parse_replies(&m, sizeof(m), 5, 0, &w), MNL_CB_OK);
	cr_assert_eq(c.data, 2);
}

Test(nl_reply, a_dump_ends_at_done_and_a_refusal_fails_it)
{
	struct {
		struct nlmsghdr data;
		struct tcmsg t;
		struct nlmsghdr done;
		int32_t status;
	} m = {
	    .data = {.nlmsg_len = sizeof(struct nlmsghdr) +
				  sizeof(struct tcmsg),
		     .nlmsg_type = RTM_NEWQDISC, .nlmsg_seq = 9,
		     .nlmsg_flags = NLM_F_MULTI},
	    .done = {.nlmsg_len = sizeof(struct nlmsghdr) + 4,
		     .nlmsg_type = NLMSG_DONE, .nlmsg_seq = 9,
		     .nlmsg_flags = NLM_F_MULTI},
	};
	struct capped_ack no = {
	    .h = {.nlmsg_len = sizeof(struct nlmsghdr) +
			       sizeof(struct nlmsgerr),
		  .nlmsg_type = NLMSG_ERROR, .nlmsg_seq = 9},
	    .err = {.error = -ENODEV},
	};
	struct calls c = {0};
	struct lk_nl_walk w = {.data_cb = count_data, .data = &c};

	cr_assert_eq(lk_nl_parse_replies(&m, sizeof(m), 9, 0, &w),
		     MNL_CB_STOP);
	cr_assert_eq(c.data, 1);
	/* Another request's reply: refused as libmnl does (EPROTO). */
	cr_assert_eq(lk_nl_parse_replies(&m, sizeof(m), 8, 0, &w), -EPROTO);
	cr_assert_eq(lk_nl_parse_replies(&no, no.h.nlmsg_len, 9, 0, &w),
		     -ENODEV);
	no.err.error = 0;
	cr_assert_eq(lk_nl_parse_replies(&no, no.h.nlmsg_len, 9, 0, &w),
		     MNL_CB_STOP);
}
