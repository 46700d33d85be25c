/* test_guard.c — the hub's anti-spoofing program (netsetup/guard.c, run
 * here by a small interpreter of the classic BPF it is written in) and
 * the userspace engine's check (userspace/us_guard.c) agree, frame by
 * frame, on what peer 1 may send. */
#include "model/linkspec.h"
#include "netsetup/guard.h"
#include "userspace/us_guard.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <string.h>

/* Classic BPF as cls_bpf runs it on a frame: SKF_LL_OFF + k is byte k
 * of the frame, SKF_NET_OFF + k byte k after the Ethernet header; a load
 * past the end ends the program with 0. */
static uint32_t run(const struct sock_filter *p, int n, const uint8_t *f,
		    size_t len)
{
	uint32_t a = 0;

	for (int pc = 0; pc < n; pc++) {
		const struct sock_filter *i = &p[pc];

		switch (BPF_CLASS(i->code)) {
		case BPF_LD: {
			int32_t k = (int32_t)i->k;
			size_t off, sz = BPF_SIZE(i->code) == BPF_W   ? 4
					 : BPF_SIZE(i->code) == BPF_H ? 2
								      : 1;

			if (k >= SKF_LL_OFF && k < SKF_LL_OFF + 0x100000)
				off = (size_t)(k - SKF_LL_OFF);
			else
				off = 14 + (size_t)(k - SKF_NET_OFF);
			if (off + sz > len)
				return 0;
			a = 0;
			for (size_t b = 0; b < sz; b++)
				a = a << 8 | f[off + b];
			break;
		}
		case BPF_JMP:
			if (BPF_OP(i->code) == BPF_JA)
				pc += (int)i->k;
			else
				pc += a == i->k ? i->jt : i->jf;
			break;
		case BPF_RET:
			return i->k;
		default:
			cr_assert_fail("opcode %#x", i->code);
		}
	}
	cr_assert_fail("fell off the end");
	return 0;
}

static struct lk_plan plan;
static struct sock_filter prog[LK_GUARD_PROG_MAX];
static int prog_len;
static struct us_guard g1;

static void setup(void)
{
	struct lk_error e = {0};

	cr_assert_eq(lk_plan_init(&plan, 5, "10.0.0.0/16", &e), 0);
	prog_len = lk_guard_prog(&plan, 1, prog, LK_GUARD_PROG_MAX);
	cr_assert_gt(prog_len, 0);
	us_guard_init(&g1, &plan, 1);
}

/* Both say "may send" (ok) or both say "drop". */
static void agree(const uint8_t *f, size_t len, bool ok, const char *what)
{
	bool bpf_ok = run(prog, prog_len, f, len) == 0;

	cr_expect_eq(bpf_ok, ok, "hub filter, %s", what);
	cr_expect_eq(us_guard_ok(&g1, f, (uint32_t)len), ok, "userspace, %s",
		     what);
}

static size_t eth(uint8_t *f, unsigned src_id, uint16_t type)
{
	memset(f, 0, 128);
	memset(f, 0xff, 6);
	lk_plan_mac(&plan, src_id, f + 6);
	f[12] = (uint8_t)(type >> 8), f[13] = (uint8_t)type;
	return 14;
}

static void ip4(unsigned mac_id, const char *src, bool ok, const char *what)
{
	uint8_t f[128];

	eth(f, mac_id, 0x0800);
	f[14] = 0x45, f[23] = 17;
	inet_pton(AF_INET, src, f + 26);
	inet_pton(AF_INET, "10.0.0.2", f + 30);
	agree(f, 60, ok, what);
}

static void ip6(const char *src, uint8_t nh, const uint8_t *after,
		size_t after_len, bool ok, const char *what)
{
	uint8_t f[128];

	eth(f, 1, 0x86dd);
	f[14] = 0x60, f[20] = nh, f[21] = 255;
	inet_pton(AF_INET6, src, f + 22);
	inet_pton(AF_INET6, "ff02::1", f + 38);
	memcpy(f + 54, after, after_len);
	agree(f, 54 + after_len + 8, ok, what);
}

static void arp(unsigned sha_id, const char *spa, bool ok, const char *what)
{
	uint8_t f[128];

	eth(f, 1, 0x0806);
	f[15] = 1, f[16] = 8, f[18] = 6, f[19] = 4, f[21] = 2;
	lk_plan_mac(&plan, sha_id, f + 22);
	inet_pton(AF_INET, spa, f + 28);
	inet_pton(AF_INET, "10.0.0.2", f + 38);
	agree(f, 60, ok, what);
}

TestSuite(guard, .init = setup);

Test(guard, ethernet_and_ipv4)
{
	uint8_t f[128];

	ip4(1, "10.0.0.1", true, "own IPv4");
	ip4(1, "0.0.0.0", true, "IPv4 from 0.0.0.0");
	ip4(1, "10.0.0.3", false, "IPv4 from peer 3");
	ip4(1, "192.168.1.1", false, "IPv4 from outside");
	ip4(3, "10.0.0.1", false, "peer 3's MAC");
	eth(f, 1, 0x88b5);
	agree(f, 60, true, "another ethertype, own MAC");
	eth(f, 2, 0x88b5);
	agree(f, 60, false, "another ethertype, peer 2's MAC");
	eth(f, 1, 0x8100);
	agree(f, 64, false, "a VLAN tag");
}

Test(guard, arp)
{
	arp(1, "10.0.0.1", true, "own ARP");
	arp(1, "0.0.0.0", true, "ARP probe");
	arp(1, "10.0.0.3", false, "ARP claiming 10.0.0.3");
	arp(3, "10.0.0.1", false, "ARP with peer 3's MAC inside");
}

Test(guard, ipv6)
{
	uint8_t udp[8] = {0}, ns[24] = {135}, na[24] = {136},
		mld[16] = {IPPROTO_ICMPV6, 0, 5, 2, 0, 0, 1, 0, 143},
		hbh_udp[16] = {17, 0, 5, 2, 0, 0, 1, 0};

	ip6("fd00:6c6b::1", 17, udp, 8, true, "own ULA");
	ip6("fe80::6c:6bff:fe00:1", 17, udp, 8, true, "own link-local");
	ip6("::", 58, ns, 24, true, "DAD from ::");
	ip6("fd00:6c6b::3", 17, udp, 8, false, "peer 3's ULA");
	ip6("fe80::6c:6bff:fe00:3", 17, udp, 8, false, "peer 3's fe80::");
	ip6("fe80::1", 17, udp, 8, false, "another fe80::");
	inet_pton(AF_INET6, "fd00:6c6b::1", na + 8);
	ip6("fe80::6c:6bff:fe00:1", 58, na, 24, true, "NA for itself");
	inet_pton(AF_INET6, "fe80::6c:6bff:fe00:1", na + 8);
	ip6("fd00:6c6b::1", 58, na, 24, true, "NA for its fe80::");
	inet_pton(AF_INET6, "fd00:6c6b::3", na + 8);
	ip6("fe80::6c:6bff:fe00:1", 58, na, 24, false, "NA for peer 3");
	ip6("fe80::6c:6bff:fe00:1", 0, mld, 16, true, "MLD report");
	ip6("::", 0, mld, 16, true, "MLD report from ::");
	ip6("fe80::6c:6bff:fe00:1", 0, hbh_udp, 16, false,
	    "hop-by-hop before UDP");
	ip6("fd00:6c6b::1", 43, udp, 8, false, "routing header");
	ip6("fd00:6c6b::1", 60, udp, 8, false, "destination options");
}

Test(guard, what_cuts_a_link)
{
	struct lk_impair imp;

	lk_impair_init(&imp);
	cr_expect(!lk_guard_cuts(&imp));
	cr_expect(!lk_guard_cuts(NULL));
	imp.down = true;
	cr_expect(lk_guard_cuts(&imp));
	imp.down = false;
	imp.keys |= LK_K_LOSS;
	imp.loss_model = LK_LOSS_RANDOM;
	imp.loss = UINT32_MAX;
	cr_expect(lk_guard_cuts(&imp));
	imp.loss = UINT32_MAX - 1;
	cr_expect(!lk_guard_cuts(&imp));
}

Test(guard, cut_program_matches_one_source)
{
	struct sock_filter cut[16];
	int n = lk_guard_cut_prog(&plan, 3, cut, 16);
	uint8_t f[128];

	cr_assert_gt(n, 0);
	eth(f, 3, 0x0806);
	cr_expect_neq(run(cut, n, f, 60), 0);
	eth(f, 2, 0x0806);
	cr_expect_eq(run(cut, n, f, 60), 0);
}

Test(guard, ebpf_translation_fits)
{
	struct bpf_insn out[2 * LK_GUARD_PROG_MAX + 1];

	cr_expect_gt(
	    lk_guard_to_ebpf(prog, prog_len, out, 2 * LK_GUARD_PROG_MAX + 1),
	    prog_len);
}
