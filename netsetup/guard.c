/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* guard.c — anti-spoofing and cut links on the hub's ports (guard.h). */
#include "netsetup/guard.h"

#include "common/error.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

/* ---- the ingress program (pure) -------------------------------------- */

enum {
	L_OK = 1,
	L_BAD,
	L_IP4,
	L_IP6,
	L_ARP,
	L_ULA,
	L_LL,
	L_ANY6,
	L_ICMP6,
	L_HBH,
	L_ZERO,
	L_NA,
	L_NA_ULA,
	L_NA_LL,
	L_N
};

struct as {
	struct sock_filter *v;
	size_t len, max;
	int label[L_N];	     /* position of each label, -1 until placed */
	uint8_t fix_jt[128]; /* label wanted in jt / jf, 0 for none */
	uint8_t fix_jf[128];
};

static void emit(struct as *a, uint16_t code, uint32_t k, int jt, int jf)
{
	if (a->len < a->max && a->len < sizeof(a->fix_jt)) {
		a->v[a->len] = (struct sock_filter)BPF_JUMP(code, k, 0, 0);
		a->fix_jt[a->len] = (uint8_t)jt;
		a->fix_jf[a->len] = (uint8_t)jf;
	}
	a->len++;
}

static void place(struct as *a, int label)
{
	a->label[label] = (int)a->len;
}

/* A = the 32 (w), 16 (h) or 8 (b) bits at off of the link (SKF_LL_OFF) or
 * network (SKF_NET_OFF) header. */
#define LD(a, sz, base, off)                                                   \
	emit(a, BPF_LD | sz | BPF_ABS, (uint32_t)((base) + (off)), 0, 0)
/* Go on when A == k, else to label. */
#define NEED(a, k, label) emit(a, BPF_JMP | BPF_JEQ | BPF_K, k, 0, label)
/* To label when A == k, else go on. */
#define IF(a, k, label) emit(a, BPF_JMP | BPF_JEQ | BPF_K, k, label, 0)
#define GOTO(a, label) emit(a, BPF_JMP | BPF_JA, (uint32_t)(label), 0, 0)

static int resolve(struct as *a)
{
	if (a->len > a->max || a->len > sizeof(a->fix_jt))
		return -ENOSPC;
	for (size_t i = 0; i < a->len; i++) {
		struct sock_filter *f = &a->v[i];

		if (BPF_CLASS(f->code) != BPF_JMP)
			continue;
		if (BPF_OP(f->code) == BPF_JA) {
			f->k = (uint32_t)(a->label[f->k] - (int)i - 1);
			continue;
		}
		/* a label 0 is the next instruction */
		f->jt = a->fix_jt[i]
			    ? (uint8_t)(a->label[a->fix_jt[i]] - (int)i - 1)
			    : 0;
		f->jf = a->fix_jf[i]
			    ? (uint8_t)(a->label[a->fix_jf[i]] - (int)i - 1)
			    : 0;
	}
	return (int)a->len;
}

/* Words 1..3 of an IPv6 address at off of the network header (word 0
 * matched already): to ok when all equal, else to bad. */
static void rest6(struct as *a, const uint8_t *addr, int off)
{
	for (int i = 1; i < 4; i++) {
		uint32_t w;

		memcpy(&w, addr + 4 * i, 4);
		LD(a, BPF_W, SKF_NET_OFF, off + 4 * i);
		if (i < 3)
			NEED(a, ntohl(w), L_BAD);
		else
			IF(a, ntohl(w), L_OK);
	}
	GOTO(a, L_BAD);
}

int lk_guard_prog(const struct lk_plan *p, unsigned id, struct sock_filter *out,
		  size_t max)
{
	struct as a = {.v = out, .max = max};
	uint8_t m[6], ll[16] = {0xfe, 0x80}, zero[16] = {0};
	struct in6_addr ula = lk_plan_addr6(p, id);
	uint32_t a4 = ntohl(lk_plan_addr4(p, id).s_addr), mw, mh, w;

	lk_plan_mac(p, id, m);
	mw = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 |
	     m[3];
	mh = (uint32_t)m[4] << 8 | m[5];
	/* its link-local address: EUI-64 of the MAC (addr_gen_mode 0) */
	ll[8] = m[0] ^ 2, ll[9] = m[1], ll[10] = m[2], ll[11] = 0xff;
	ll[12] = 0xfe, ll[13] = m[3], ll[14] = m[4], ll[15] = m[5];
	memset(a.label, -1, sizeof(a.label));

	/* Ethernet source: the peer's MAC */
	LD(&a, BPF_W, SKF_LL_OFF, 6);
	NEED(&a, mw, L_BAD);
	LD(&a, BPF_H, SKF_LL_OFF, 10);
	NEED(&a, mh, L_BAD);
	LD(&a, BPF_H, SKF_LL_OFF, 12);
	IF(&a, ETH_P_IP, L_IP4);
	IF(&a, ETH_P_IPV6, L_IP6);
	IF(&a, ETH_P_ARP, L_ARP);
	/* a tag would hide the addresses behind it */
	IF(&a, ETH_P_8021Q, L_BAD);
	IF(&a, ETH_P_8021AD, L_BAD);
	IF(&a, 0x9100, L_BAD);
	GOTO(&a, L_OK);

	place(&a, L_IP4); /* source: its own or 0.0.0.0 */
	LD(&a, BPF_W, SKF_NET_OFF, 12);
	IF(&a, a4, L_OK);
	IF(&a, 0, L_OK);
	GOTO(&a, L_BAD);

	place(&a, L_ARP); /* Ethernet/IPv4, sender: its MAC, its address */
	LD(&a, BPF_W, SKF_NET_OFF, 0);
	NEED(&a, 0x00010800u, L_BAD);
	LD(&a, BPF_H, SKF_NET_OFF, 4);
	NEED(&a, 0x0604u, L_BAD);
	LD(&a, BPF_W, SKF_NET_OFF, 8);
	NEED(&a, mw, L_BAD);
	LD(&a, BPF_H, SKF_NET_OFF, 12);
	NEED(&a, mh, L_BAD);
	LD(&a, BPF_W, SKF_NET_OFF, 14);
	IF(&a, a4, L_OK);
	IF(&a, 0, L_OK);
	GOTO(&a, L_BAD);

	/* IPv6: what follows the header first (routing and destination
	 * options headers have no use between peers and would hide an
	 * ICMPv6 message; hop-by-hop only before MLD), then the source. */
	place(&a, L_IP6);
	LD(&a, BPF_B, SKF_NET_OFF, 6);
	IF(&a, IPPROTO_ROUTING, L_BAD);
	IF(&a, IPPROTO_DSTOPTS, L_BAD);
	IF(&a, IPPROTO_ICMPV6, L_ICMP6);
	IF(&a, IPPROTO_HOPOPTS, L_HBH);
	GOTO(&a, L_ANY6);

	place(&a, L_HBH); /* 8 bytes of hop-by-hop, then MLD */
	LD(&a, BPF_B, SKF_NET_OFF, 40);
	NEED(&a, IPPROTO_ICMPV6, L_BAD);
	LD(&a, BPF_B, SKF_NET_OFF, 41);
	NEED(&a, 0, L_BAD);
	LD(&a, BPF_B, SKF_NET_OFF, 48);
	IF(&a, 130, L_ANY6);
	IF(&a, 131, L_ANY6);
	IF(&a, 132, L_ANY6);
	IF(&a, 143, L_ANY6);
	GOTO(&a, L_BAD);

	place(&a, L_ICMP6); /* a neighbour advertisement's target: its own */
	LD(&a, BPF_B, SKF_NET_OFF, 40);
	NEED(&a, 136, L_ANY6);
	LD(&a, BPF_W, SKF_NET_OFF, 48);
	memcpy(&w, ula.s6_addr, 4);
	IF(&a, ntohl(w), L_NA_ULA);
	IF(&a, 0xfe800000u, L_NA_LL);
	GOTO(&a, L_BAD);
	place(&a, L_NA_ULA);
	for (int i = 1; i < 4; i++) {
		memcpy(&w, ula.s6_addr + 4 * i, 4);
		LD(&a, BPF_W, SKF_NET_OFF, 48 + 4 * i);
		NEED(&a, ntohl(w), L_BAD);
	}
	GOTO(&a, L_ANY6);
	place(&a, L_NA_LL);
	for (int i = 1; i < 4; i++) {
		memcpy(&w, ll + 4 * i, 4);
		LD(&a, BPF_W, SKF_NET_OFF, 48 + 4 * i);
		NEED(&a, ntohl(w), L_BAD);
	}

	place(&a, L_ANY6); /* source: its ULA, its link-local or :: */
	LD(&a, BPF_W, SKF_NET_OFF, 8);
	memcpy(&w, ula.s6_addr, 4);
	IF(&a, ntohl(w), L_ULA);
	IF(&a, 0xfe800000u, L_LL);
	IF(&a, 0, L_ZERO);
	GOTO(&a, L_BAD);
	place(&a, L_ULA);
	rest6(&a, ula.s6_addr, 8);
	place(&a, L_LL);
	rest6(&a, ll, 8);
	place(&a, L_ZERO);
	rest6(&a, zero, 8);

	place(&a, L_OK);
	emit(&a, BPF_RET | BPF_K, 0, 0, 0);
	place(&a, L_BAD);
	emit(&a, BPF_RET | BPF_K, 0xffffffffu, 0, 0);
	return resolve(&a);
}

bool lk_guard_cuts(const struct lk_impair *imp)
{
	if (!imp)
		return false;
	if (imp->down)
		return true;
	return (imp->keys & LK_K_LOSS) && imp->loss_model == LK_LOSS_RANDOM &&
	       imp->loss == UINT32_MAX && imp->loss_corr == 0;
}

/* ---- eBPF (pure) ------------------------------------------------------ */

#define EI(c, d, sr, o, i)                                                     \
	((struct bpf_insn){.code = (c),                                        \
			   .dst_reg = (d),                                     \
			   .src_reg = (sr),                                    \
			   .off = (o),                                         \
			   .imm = (i)})

int lk_guard_to_ebpf(const struct sock_filter *f, int n, struct bpf_insn *out,
		     size_t max)
{
	int pos[LK_GUARD_PROG_MAX + 1], len = 1;

	if (n > LK_GUARD_PROG_MAX)
		return -ENOSPC;
	/* where each classic instruction starts */
	for (int i = 0; i < n; i++) {
		pos[i] = len;
		if (BPF_CLASS(f[i].code) == BPF_RET ||
		    (BPF_CLASS(f[i].code) == BPF_JMP &&
		     BPF_OP(f[i].code) != BPF_JA && f[i].jt && f[i].jf))
			len += 2;
		else
			len += 1;
	}
	pos[n] = len;
	if ((size_t)len > max)
		return -ENOSPC;
	/* r6 = the skb: what LD_ABS reads */
	out[0] = EI(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_1, 0, 0);
	for (int i = 0; i < n; i++) {
		struct bpf_insn *o = &out[pos[i]];
		uint16_t c = f[i].code;
		int next = pos[i + 1];

		switch (BPF_CLASS(c)) {
		case BPF_LD:
			o[0] = EI(c, 0, 0, 0, (int32_t)f[i].k);
			break;
		case BPF_RET:
			/* classic 0: not ours, go on; else the frame dies */
			o[0] = EI(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0,
				  f[i].k ? TC_ACT_SHOT : TC_ACT_UNSPEC);
			o[1] = EI(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
			break;
		case BPF_JMP:
			if (BPF_OP(c) == BPF_JA) {
				o[0] = EI(BPF_JMP | BPF_JA, 0, 0,
					  (int16_t)(pos[i + 1 + f[i].k] - next),
					  0);
				break;
			}
			/* 32-bit compares: a classic constant is unsigned */
			if (!f[i].jt) {
				o[0] = EI(BPF_JMP32 | BPF_JNE | BPF_K,
					  BPF_REG_0, 0,
					  (int16_t)(pos[i + 1 + f[i].jf] -
						    (pos[i] + 1)),
					  (int32_t)f[i].k);
			} else {
				o[0] = EI(BPF_JMP32 | BPF_JEQ | BPF_K,
					  BPF_REG_0, 0,
					  (int16_t)(pos[i + 1 + f[i].jt] -
						    (pos[i] + 1)),
					  (int32_t)f[i].k);
				if (f[i].jf)
					o[1] =
					    EI(BPF_JMP | BPF_JA, 0, 0,
					       (int16_t)(pos[i + 1 + f[i].jf] -
							 (pos[i] + 2)),
					       0);
			}
			break;
		default:
			return -EINVAL;
		}
	}
	return len;
}

int lk_guard_cut_prog(const struct lk_plan *p, unsigned src,
		      struct sock_filter *out, size_t max)
{
	struct as a = {.v = out, .max = max};
	uint8_t m[6];

	lk_plan_mac(p, src, m);
	memset(a.label, -1, sizeof(a.label));
	LD(&a, BPF_W, SKF_LL_OFF, 6);
	NEED(&a,
	     (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 |
		 m[3],
	     L_OK);
	LD(&a, BPF_H, SKF_LL_OFF, 10);
	NEED(&a, (uint32_t)m[4] << 8 | m[5], L_OK);
	GOTO(&a, L_BAD);
	place(&a, L_OK);
	emit(&a, BPF_RET | BPF_K, 0, 0, 0);
	place(&a, L_BAD);
	emit(&a, BPF_RET | BPF_K, 0xffffffffu, 0, 0);
	return resolve(&a);
}

/* ---- requests -------------------------------------------------------- */

#define MSG_MAX 512

static int load(const struct sock_filter *f, int n, const char *what,
		struct lk_error *e)
{
	struct bpf_insn insns[2 * LK_GUARD_PROG_MAX + 1];
	char log[512] = "";
	union bpf_attr at;
	int len =
	    lk_guard_to_ebpf(f, n, insns, sizeof(insns) / sizeof(insns[0]));
	int fd;

	if (len < 0)
		return lk_error_set(e, EINVAL, "translate %s", what);
	memset(&at, 0, sizeof(at));
	at.prog_type = BPF_PROG_TYPE_SCHED_CLS;
	at.insns = (uint64_t)(uintptr_t)insns;
	at.insn_cnt = (uint32_t)len;
	at.license = (uint64_t)(uintptr_t) "LGPL";
	at.log_buf = (uint64_t)(uintptr_t)log;
	at.log_size = sizeof(log);
	at.log_level = 1;
	fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &at, sizeof(at));
	if (fd < 0 && errno == ENOSPC) { /* the log did not fit */
		at.log_level = 0, at.log_buf = 0, at.log_size = 0;
		fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &at, sizeof(at));
	}
	if (fd < 0)
		return lk_error_set(e, errno, "load %s (BPF): %s%s%.200s", what,
				    strerror(errno), log[0] ? ": " : "", log);
	return fd;
}

static void put_tcmsg(struct nlmsghdr *nlh, int ifindex, uint32_t parent,
		      uint32_t info)
{
	struct tcmsg *t = mnl_nlmsg_put_extra_header(nlh, sizeof(*t));

	t->tcm_family = AF_UNSPEC;
	t->tcm_ifindex = ifindex;
	t->tcm_handle = 0;
	t->tcm_parent = parent;
	t->tcm_info = info;
}

/* "bpf da fd FD name NAME" */
static void put_bpf(struct nlmsghdr *nlh, int fd, const char *name)
{
	struct nlattr *opts;

	mnl_attr_put_strz(nlh, TCA_KIND, "bpf");
	opts = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put_u32(nlh, TCA_BPF_FD, (uint32_t)fd);
	mnl_attr_put_strz(nlh, TCA_BPF_NAME, name);
	mnl_attr_put_u32(nlh, TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT);
	mnl_attr_nest_end(nlh, opts);
}

int lk_guard_peer(struct lk_nl_batch *b, const struct lk_plan *p, unsigned id,
		  int port_ifindex, struct lk_error *e)
{
	struct sock_filter prog[LK_GUARD_PROG_MAX];
	struct nlmsghdr *nlh;
	char what[64];
	int n = lk_guard_prog(p, id, prog, LK_GUARD_PROG_MAX), fd, r;

	if (n < 0)
		return lk_error_set(e, E2BIG, "anti-spoofing program of peer%u",
				    id);
	snprintf(what, sizeof(what), "the anti-spoofing filter of peer%u", id);
	fd = load(prog, n, what, e);
	if (fd < 0)
		return fd;
	nlh =
	    lk_nl_batch_msg(b, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, MSG_MAX,
			    e, "add clsact on the hub port of peer%u", id);
	if (!nlh) {
		r = -e->code;
		goto out;
	}
	put_tcmsg(nlh, port_ifindex, TC_H_CLSACT, 0);
	((struct tcmsg *)mnl_nlmsg_get_payload(nlh))->tcm_handle =
	    TC_H_MAKE(TC_H_CLSACT, 0);
	mnl_attr_put_strz(nlh, TCA_KIND, "clsact");
	nlh = lk_nl_batch_msg(b, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL,
			      MSG_MAX, e, "add %s on its hub port", what);
	if (!nlh) {
		r = -e->code;
		goto out;
	}
	put_tcmsg(nlh, port_ifindex, TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS),
		  TC_H_MAKE(LK_GUARD_PRIO << 16, htons(ETH_P_ALL)));
	put_bpf(nlh, fd, "lk_antispoof");
	/* The filter holds the program once the kernel has the request. */
	r = lk_nl_batch_flush(b, e);
out:
	close(fd);
	return r;
}

int lk_guard_cut(struct lk_nl_batch *b, const struct lk_plan *p, unsigned src,
		 unsigned dst, int dst_port_ifindex, bool cut,
		 struct lk_error *e)
{
	uint32_t info = TC_H_MAKE((uint32_t)src << 16, htons(ETH_P_ALL));
	uint32_t parent = TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS);
	struct sock_filter prog[16];
	struct nlmsghdr *nlh;
	char what[64];
	int n, fd, r;

	if (src < 1 || src > 0xffffu)
		return lk_error_set(e, EINVAL, "no cut filter for peer%u", src);
	if (!cut) {
		nlh = lk_nl_batch_msg(b, RTM_DELTFILTER, 0, MSG_MAX, e,
				      "remove the cut filter peer%u -> peer%u",
				      src, dst);
		if (!nlh)
			return -e->code;
		put_tcmsg(nlh, dst_port_ifindex, parent, info);
		return lk_nl_batch_flush(b, e);
	}
	n = lk_guard_cut_prog(p, src, prog, 16);
	if (n < 0)
		return lk_error_set(e, E2BIG, "cut program");
	snprintf(what, sizeof(what), "the cut filter peer%u -> peer%u", src,
		 dst);
	fd = load(prog, n, what, e);
	if (fd < 0)
		return fd;
	nlh = lk_nl_batch_msg(b, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL,
			      MSG_MAX, e, "add %s", what);
	if (!nlh) {
		r = -e->code;
		goto out;
	}
	put_tcmsg(nlh, dst_port_ifindex, parent, info);
	put_bpf(nlh, fd, "lk_cut");
	r = lk_nl_batch_flush(b, e);
out:
	close(fd);
	return r;
}
