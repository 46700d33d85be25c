/* test_kernel_plan.c — the kernel engine's planning: handles, filter
 * priorities and nodes, which destinations get a class, which an ifb. */
#include "netsetup/kernel_tree.h"
#include "netsetup/qdisc_htb.h"

#include <errno.h>

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static bool seen_major[0x10000];

/* For a source, every destination's leaf major is distinct, never the
 * root's (1), never 0 and never ffff: (the ingress handle). */
static void check_majors(unsigned src, unsigned n)
{
	memset(seen_major, 0, sizeof(seen_major));
	seen_major[LK_KT_ROOT_MAJOR] = true;
	for (unsigned d = 1; d <= n; d++) {
		uint16_t m;

		if (d == src)
			continue;
		m = lk_kt_leaf_major(src, d);
		cr_assert_neq(m, 0);
		cr_assert_neq(m, 0xffff, "src %u dst %u", src, d);
		cr_assert(!seen_major[m], "src %u dst %u: major %x taken", src,
			  d, m);
		seen_major[m] = true;
	}
}

Test(kernel_plan, leaf_handles_never_collide)
{
	/* the Rust predecessor collided from 12 peers */
	for (unsigned src = 1; src <= 13; src++)
		check_majors(src, 13);
	check_majors(1, LK_MAX_PEERS);
	check_majors(2, LK_MAX_PEERS);
	check_majors(LK_MAX_PEERS - 1, LK_MAX_PEERS);
	check_majors(LK_MAX_PEERS, LK_MAX_PEERS);
	check_majors(40000, LK_MAX_PEERS);
}

Test(kernel_plan, leaf_major_is_readable)
{
	cr_assert_eq(lk_kt_leaf_major(1, 2), 3);
	cr_assert_eq(lk_kt_leaf_major(7, 300), 301);
	cr_assert_eq(lk_kt_leaf_major(9, LK_MAX_PEERS), 10);
}

Test(kernel_plan, filters_fit_u32_and_priorities)
{
	static uint8_t seen[0x10000][2];

	memset(seen, 0, sizeof(seen));
	for (unsigned d = 1; d <= LK_MAX_PEERS; d++) {
		uint32_t node = lk_kt_node(d);

		cr_assert(node >= 1 && node <= 0xfff, "node %u of %u", node, d);
		for (int ifb = 0; ifb < 2; ifb++)
			for (int v6 = 0; v6 < 2; v6++) {
				uint16_t p = lk_kt_prio(ifb, v6, d);
				uint32_t key = (uint32_t)p << 12 | node;

				cr_assert(p >= 1);
				/* a priority holds one protocol */
				cr_assert_eq(p % 2 == 0, v6 == 1, "prio %u", p);
				cr_assert(key < 0x10000u * 16);
				(void)key;
			}
		/* redirects come before classes */
		cr_assert_lt(lk_kt_prio(true, true, d),
			     lk_kt_prio(false, false, 1));
	}
	/* (priority, node) is unique per destination */
	for (unsigned d = 1; d <= LK_MAX_PEERS; d++) {
		uint16_t p = lk_kt_prio(false, false, d);
		unsigned slot = (p - LK_KT_PRIO_CLASS) / 2 * LK_KT_SHARD +
				lk_kt_node(d) - 1;

		cr_assert_eq(slot, d - 1);
		cr_assert(!seen[slot][0]);
		seen[slot][0] = 1;
	}
}

static struct lk_plan plan;
static struct lk_psched ps;

static void opts(struct lk_kt_opts *o, unsigned n, bool netem)
{
	struct lk_error e;

	cr_assert_eq(lk_plan_init(&plan, n, "10.0.0.0/16", &e), 0);
	lk_psched_default(&ps);
	*o = (struct lk_kt_opts){.plan = &plan,
				 .ps = &ps,
				 .eth_ifindex = 2,
				 .first_ifindex = 3,
				 .netem = netem};
}

static void plan_peer(struct lk_kt_peer *st, unsigned src, unsigned n,
		      bool netem, const char *const *specs)
{
	struct lk_links links;
	struct lk_kt_opts o;
	struct lk_error e = {0};

	opts(&o, n, netem);
	lk_links_init(&links, n);
	for (; *specs; specs++)
		cr_assert_eq(lk_links_add(&links, *specs, &e), 0, "%s", e.msg);
	lk_kt_peer_init(st, src, &o);
	cr_assert_eq(lk_kt_peer_build(NULL, &links, src, &o, st, &e), 0, "%s",
		     e.msg);
	lk_links_free(&links);
}

Test(kernel_plan, classes_only_for_impaired_destinations)
{
	const char *specs[] = {"*-*:delay=10ms", "1>3:loss=0%", "2-4:up",
			       "1>5:rate=1mbit", NULL};
	struct lk_kt_peer st;

	/* 1 -> 2..6 delayed (1>3 still has its delay) */
	plan_peer(&st, 1, 6, true, specs);
	cr_assert_eq(st.len, 5);
	cr_assert(st.root);
	for (unsigned d = 2; d <= 6; d++) {
		const struct lk_kt_dst *x = lk_kt_find(&st, d);

		cr_assert_not_null(x, "dst %u", d);
		cr_assert_eq(x->class_leaf, LK_KT_LEAF_NETEM);
		cr_assert_eq(x->ifb_leaf, LK_KT_LEAF_NONE);
	}
	cr_assert_null(lk_kt_find(&st, 1));
	lk_kt_peer_free(&st);
}

Test(kernel_plan, unimpaired_peer_gets_no_tree)
{
	const char *specs[] = {"1-2:delay=10ms", "3>1:loss=1%", NULL};
	struct lk_kt_peer st;

	plan_peer(&st, 3, 4, true, specs);
	cr_assert_eq(st.len, 1); /* only 3 -> 1 */
	lk_kt_peer_free(&st);
	plan_peer(&st, 4, 4, true, specs);
	cr_assert_eq(st.len, 0);
	cr_assert(!st.root, "an unimpaired peer keeps its default qdisc");
	lk_kt_peer_free(&st);
}

Test(kernel_plan, duplicating_links_get_their_own_ifb)
{
	const char *specs[] = {"1>*:delay=5ms", "1>2:dup=10%", "1>4:dup=1%",
			       "1>5:dup=5%,down", NULL};
	struct lk_kt_peer st;
	const struct lk_kt_dst *x;

	plan_peer(&st, 1, 5, true, specs);
	cr_assert_eq(st.len, 4);
	x = lk_kt_find(&st, 2);
	cr_assert_eq(x->ifb_leaf, LK_KT_LEAF_NETEM);
	cr_assert_eq(x->class_leaf, LK_KT_LEAF_NONE);
	cr_assert_eq(x->ifindex, 3);
	x = lk_kt_find(&st, 3);
	cr_assert_eq(x->class_leaf, LK_KT_LEAF_NETEM);
	cr_assert_eq(x->ifb_leaf, LK_KT_LEAF_NONE);
	x = lk_kt_find(&st, 4);
	cr_assert_eq(x->ifb_leaf, LK_KT_LEAF_NETEM);
	cr_assert_eq(x->ifindex, 4);
	/* a down link duplicates nothing: no ifb */
	x = lk_kt_find(&st, 5);
	cr_assert_eq(x->ifb_leaf, LK_KT_LEAF_NONE);
	cr_assert_eq(x->class_leaf, LK_KT_LEAF_NETEM);
	cr_assert_eq(st.next_ifindex, 5);
	lk_kt_peer_free(&st);
}

Test(kernel_plan, dup_on_every_link_of_a_peer)
{
	const char *specs[] = {"1>*:dup=1%", NULL};
	struct lk_kt_peer st;

	plan_peer(&st, 1, 40, true, specs);
	cr_assert_eq(st.len, 39);
	for (size_t i = 0; i < st.len; i++) {
		cr_assert_eq(st.v[i].ifb_leaf, LK_KT_LEAF_NETEM);
		cr_assert_eq(st.v[i].ifindex, 3 + (int)i);
	}
	lk_kt_peer_free(&st);
}

Test(kernel_plan, rate_only_tree_without_netem)
{
	const char *ok[] = {"1>2:rate=5mbit", NULL};
	const char *bad[] = {"1>2:delay=5ms", NULL};
	struct lk_links links;
	struct lk_kt_opts o;
	struct lk_kt_peer st;
	struct lk_error e = {0};

	plan_peer(&st, 1, 3, false, ok);
	cr_assert_eq(lk_kt_find(&st, 2)->class_leaf, LK_KT_LEAF_BFIFO);
	lk_kt_peer_free(&st);

	opts(&o, 3, false);
	lk_links_init(&links, 3);
	cr_assert_eq(lk_links_add(&links, bad[0], &e), 0);
	lk_kt_peer_init(&st, 1, &o);
	cr_assert_lt(lk_kt_peer_build(NULL, &links, 1, &o, &st, &e), 0);
	cr_assert(strstr(e.msg, "needs netem"), "%s", e.msg);
	lk_links_free(&links);
	lk_kt_peer_free(&st);
}

Test(kernel_plan, run_time_changes_in_place)
{
	const char *specs[] = {"1>2:delay=5ms", NULL};
	struct lk_kt_peer st;
	struct lk_kt_opts o;
	struct lk_impair imp;
	struct lk_error e = {0};

	plan_peer(&st, 1, 4, true, specs);
	opts(&o, 4, true);
	/* clearing a link that has nothing: nothing */
	cr_assert_eq(lk_kt_link_set(NULL, 3, NULL, &o, &st, &e), 0);
	cr_assert_null(lk_kt_find(&st, 3));
	/* a new link gets a class */
	lk_impair_init(&imp);
	imp.keys = LK_K_DELAY;
	imp.delay_ns = 7000000;
	cr_assert_eq(lk_kt_link_set(NULL, 3, &imp, &o, &st, &e), 0);
	cr_assert_eq(lk_kt_find(&st, 3)->class_leaf, LK_KT_LEAF_NETEM);
	/* duplication moves it to an ifb, whose redirect shadows the class */
	imp.keys |= LK_K_DUP;
	imp.duplicate = UINT32_MAX / 10;
	cr_assert_eq(lk_kt_link_set(NULL, 3, &imp, &o, &st, &e), 0);
	cr_assert_eq(lk_kt_find(&st, 3)->ifb_leaf, LK_KT_LEAF_NETEM);
	cr_assert_eq(lk_kt_find(&st, 3)->ifindex, 3);
	/* and it stays there, changed in place, when dup goes */
	imp.duplicate = 0;
	cr_assert_eq(lk_kt_link_set(NULL, 3, &imp, &o, &st, &e), 0);
	cr_assert_eq(lk_kt_find(&st, 3)->ifindex, 3);
	cr_assert_eq(st.next_ifindex, 4);
	/* no link to oneself */
	cr_assert_lt(lk_kt_link_set(NULL, 1, &imp, &o, &st, &e), 0);
	lk_kt_peer_free(&st);
}

Test(kernel_plan, seeds_differ_per_link)
{
	cr_assert_neq(lk_kt_link_seed(1, 1, 2), lk_kt_link_seed(1, 2, 1));
	cr_assert_neq(lk_kt_link_seed(1, 1, 2), lk_kt_link_seed(2, 1, 2));
	cr_assert_eq(lk_kt_link_seed(42, 3, 4), lk_kt_link_seed(42, 3, 4));
}

/* Fuzz finding 6: a burst whose sending time at the rate exceeds 2^32
 * scheduler ticks (about 275 s at 64 ns) went through an undefined
 * double -> uint32 conversion (tc's): the kernel got a wrapped time.
 * The kernel engine refuses it, naming the conditions. */
Test(kernel_plan, refuses_a_burst_the_scheduler_cannot_time)
{
	static const char *const bad[] = {"*-*:rate=59bit",
					  "*-*:rate=1mbit,burst=64m"};
	/* The conditions as linkem holds them (59 bit/s is 7 bytes/s). */
	static const char *const want[] = {
	    "link 1>2: 'rate=7bps'",
	    "link 1>2: 'rate=125000bps,burst=67108864'"};
	struct lk_htb_class c = {.rate = 125000, .burst = 64u << 20};
	uint8_t buf[LK_HTB_OPTS_MAX];

	for (size_t i = 0; i < 2; i++) {
		struct lk_links links;
		struct lk_kt_opts o;
		struct lk_kt_peer st;
		struct lk_error e = {0};

		opts(&o, 2, true);
		lk_links_init(&links, 2);
		cr_assert_eq(lk_links_add(&links, bad[i], &e), 0, "%s", e.msg);
		lk_kt_peer_init(&st, 1, &o);
		cr_assert_eq(lk_kt_peer_build(NULL, &links, 1, &o, &st, &e),
			     -ERANGE, "%s", bad[i]);
		cr_assert(strstr(e.msg, "about 275 s"), "%s", e.msg);
		cr_assert(strstr(e.msg, want[i]), "%s", e.msg);
		lk_kt_peer_free(&st);
		lk_links_free(&links);
	}
	/* The encoder refuses too, and what fits still encodes. */
	lk_psched_default(&ps);
	cr_assert_eq(lk_htb_class_encode(&c, &ps, buf, sizeof(buf)), -ERANGE);
	c.burst = 32u << 20; /* 268 s */
	cr_assert_gt(lk_htb_class_encode(&c, &ps, buf, sizeof(buf)), 0);
	/* The tick conversions saturate instead of wrapping. */
	cr_assert_eq(lk_psched_xmittime(&ps, 7, 3028), UINT32_MAX);
	cr_assert_eq(lk_psched_us2tick(&ps, UINT32_MAX), UINT32_MAX);
}
