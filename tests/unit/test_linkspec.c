/* test_linkspec.c — the --link SPEC language, resolution and iteration. */
#include "model/dist_table.h"
#include "model/linkspec.h"
#include "model/units.h"
#include "tests/support/runtime_dir.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PCT(x) lk_percent_scale((x) / 100.0)

static struct lk_linkspec parse_ok(const char *text, unsigned n)
{
	struct lk_linkspec s;
	struct lk_error e = {0};

	cr_assert_eq(lk_linkspec_parse(text, n, &s, &e), 0, "%s: %s", text,
		     e.msg);
	return s;
}

/* Parse must fail; the message must contain want. */
static void parse_bad(const char *text, unsigned n, const char *want)
{
	struct lk_links l;
	struct lk_error e = {0};
	int r;

	lk_links_init(&l, n);
	r = lk_links_add(&l, text, &e);
	cr_assert_lt(r, 0, "'%s' was accepted", text);
	cr_assert_eq(e.code, -r);
	cr_assert(strstr(e.msg, want), "'%s': message '%s' lacks '%s'", text,
		  e.msg, want);
	cr_assert_eq(l.len, 0);
	lk_links_free(&l);
}

Test(linkspec, delay_both_directions)
{
	struct lk_linkspec s = parse_ok("1-2:delay=50ms", 5);

	cr_assert(s.both);
	cr_assert_eq(s.a.lo, 1);
	cr_assert_eq(s.b.hi, 2);
	cr_assert_eq(s.imp.keys, LK_K_DELAY);
	cr_assert_eq(s.imp.delay_ns, 50000000ull);
	cr_assert(lk_linkspec_names(&s, 1, 2));
	cr_assert(lk_linkspec_names(&s, 2, 1));
	cr_assert(!lk_linkspec_names(&s, 1, 3));
	cr_assert(!lk_linkspec_names(&s, 1, 1));
	lk_linkspec_free(&s);
}

Test(linkspec, one_direction_ranges_and_star)
{
	struct lk_linkspec s = parse_ok("1..3>*:loss=5%", 5);

	cr_assert(!s.both);
	cr_assert(lk_linkspec_names(&s, 3, 5));
	cr_assert(!lk_linkspec_names(&s, 5, 3));
	cr_assert(!lk_linkspec_names(&s, 2, 2));
	cr_assert_eq(s.imp.loss_model, LK_LOSS_RANDOM);
	cr_assert_eq(s.imp.loss, 214748365u); /* 0x0ccccccd, as tc */
	lk_linkspec_free(&s);
}

Test(linkspec, every_key)
{
	struct lk_linkspec s =
	    parse_ok("*-*:limit=5000,delay=100ms,jitter=10ms,delay-corr=25%,"
		     "dist=pareto,loss-ge=1%/10%/70%/0.1%,ecn,corrupt=0.5%,"
		     "corrupt-corr=5%,dup=1%,dup-corr=10%,reorder=25%,"
		     "reorder-corr=50%,gap=5,netem-rate=1mbit,overhead=-14,"
		     "cellsize=48,celloverhead=5,rate=10mbit,burst=32k,"
		     "latency=20ms,queue=64k,loss-corr=3%",
		     4);
	const struct lk_impair *i = &s.imp;

	cr_assert_eq(i->limit, 5000);
	cr_assert_eq(i->jitter_ns, 10000000ull);
	cr_assert_eq(i->delay_corr, PCT(25));
	cr_assert_eq(i->dist, LK_DIST_PARETO);
	cr_assert_not_null(i->table);
	cr_assert_eq(i->table->len, LK_DIST_BUILTIN_LEN);
	cr_assert_eq(i->loss_model, LK_LOSS_GEMODEL);
	cr_assert_eq(i->ge_p, PCT(1));
	cr_assert_eq(i->ge_r, PCT(10));
	cr_assert_eq(i->ge_h, PCT(70));
	cr_assert_eq(i->ge_k1, PCT(0.1));
	cr_assert(i->ecn);
	cr_assert_eq(i->corrupt, PCT(0.5));
	cr_assert_eq(i->corrupt_corr, PCT(5));
	cr_assert_eq(i->duplicate, PCT(1));
	cr_assert_eq(i->duplicate_corr, PCT(10));
	cr_assert_eq(i->reorder, PCT(25));
	cr_assert_eq(i->reorder_corr, PCT(50));
	cr_assert_eq(i->gap, 5);
	cr_assert_eq(i->rate_Bps, 125000u);
	cr_assert_eq(i->packet_overhead, -14);
	cr_assert_eq(i->cell_size, 48);
	cr_assert_eq(i->cell_overhead, 5);
	cr_assert_eq(i->tb_rate_Bps, 1250000u);
	cr_assert_eq(i->tb_burst, 32768u);
	cr_assert_eq(i->tb_latency_ns, 20000000ull);
	cr_assert_eq(i->tb_limit, 65536u);
	cr_assert_eq(i->loss_corr, PCT(3));
	lk_linkspec_free(&s);
}

Test(linkspec, loss_state_defaults_like_tc)
{
	struct lk_linkspec s = parse_ok("1-2:loss-state=1%", 2);

	cr_assert_eq(s.imp.loss_model, LK_LOSS_STATE);
	cr_assert_eq(s.imp.p13, 0x028f5c29u);
	cr_assert_eq(s.imp.p31, 0xfd70a3d6u);
	cr_assert_eq(s.imp.p32, 0);
	cr_assert_eq(s.imp.p23, UINT32_MAX);
	cr_assert_eq(s.imp.p14, 0);
	lk_linkspec_free(&s);
}

Test(linkspec, bare_time_is_microseconds)
{
	struct lk_linkspec s = parse_ok("1-2:delay=1500,jitter=0.5ms", 2);

	cr_assert_eq(s.imp.delay_ns, 1500000ull);
	cr_assert_eq(s.imp.jitter_ns, 500000ull);
	lk_linkspec_free(&s);
}

Test(linkspec, down_and_up)
{
	struct lk_links l;
	struct lk_impair imp;
	struct lk_error e = {0};

	lk_links_init(&l, 3);
	cr_assert_eq(lk_links_add(&l, "*-*:down", &e), 0, "%s", e.msg);
	cr_assert(lk_links_resolve(&l, 1, 3, &imp));
	cr_assert(imp.down);
	cr_assert(!lk_impair_is_noop(&imp));
	cr_assert_eq(lk_links_add(&l, "1>3:up", &e), 0, "%s", e.msg);
	lk_links_resolve(&l, 1, 3, &imp);
	cr_assert(!imp.down, "up clears down");
	cr_assert(lk_impair_is_noop(&imp));
	lk_links_resolve(&l, 3, 1, &imp);
	cr_assert(imp.down, "the other direction stays down");
	lk_links_free(&l);
}

/* A spec without keys (what lk_launch_clear_links leaves) resets the
 * links it names, through the index and through the scan alike. */
Test(linkspec, clear_entry_resets_through_index_and_scan)
{
	struct lk_links l;
	struct lk_impair imp;
	struct lk_error e = {0};

	lk_links_init(&l, 4);
	cr_assert_eq(lk_links_add(&l, "*-*:delay=5ms", &e), 0, "%s", e.msg);
	cr_assert_eq(lk_links_add(&l, "1>2:loss=1%", &e), 0, "%s", e.msg);
	cr_assert_eq(lk_links_add(&l, "1-2:up", &e), 0, "%s", e.msg);
	lk_impair_init(&l.v[l.len - 1].imp); /* now a clear entry */
	/* Cleared: 1>2 has no delay any more for a jitter to vary. */
	cr_assert_lt(lk_links_add(&l, "1>2:jitter=1ms", &e), 0);
	cr_assert(strstr(e.msg, "jitter needs a delay"), "%s", e.msg);
	cr_assert_eq(lk_links_add(&l, "1>2:dup=2%", &e), 0, "%s", e.msg);
	cr_assert_eq(lk_links_add(&l, "3>4:delay=1ms", &e), 0, "%s", e.msg);
	for (int pass = 0; pass < 2; pass++) {
		cr_assert(lk_links_resolve(&l, 1, 2, &imp));
		cr_assert_eq(imp.keys, LK_K_DUP, "pass %d: keys %#x", pass,
			     (unsigned)imp.keys);
		cr_assert(!lk_links_resolve(&l, 2, 1, &imp), "pass %d", pass);
		cr_assert(lk_impair_is_noop(&imp));
		cr_assert(lk_links_resolve(&l, 1, 3, &imp));
		cr_assert_eq(imp.delay_ns, 5000000ull);
		/* Drop the last spec behind the index's back, as set_link's
		 * compaction does: the second pass scans every spec. */
		if (pass == 0)
			lk_linkspec_free(&l.v[--l.len]);
	}
	lk_links_free(&l);
}

Test(linkspec, later_specs_override_key_by_key)
{
	struct lk_links l;
	struct lk_impair imp;
	struct lk_error e = {0};

	lk_links_init(&l, 4);
	cr_assert_eq(lk_links_add(&l, "*-*:delay=50ms,loss=1%", &e), 0);
	cr_assert_eq(lk_links_add(&l, "1>2:jitter=5ms,loss=2%", &e), 0, "%s",
		     e.msg);
	cr_assert_eq(lk_links_add(&l, "2..3-4:delay=10ms", &e), 0);

	cr_assert(lk_links_resolve(&l, 1, 2, &imp));
	cr_assert_eq(imp.delay_ns, 50000000ull);
	cr_assert_eq(imp.jitter_ns, 5000000ull);
	cr_assert_eq(imp.loss, PCT(2));
	cr_assert_eq(imp.keys, LK_K_DELAY | LK_K_JITTER | LK_K_LOSS);

	lk_links_resolve(&l, 2, 1, &imp);
	cr_assert_eq(imp.jitter_ns, 0);
	cr_assert_eq(imp.loss, PCT(1));

	lk_links_resolve(&l, 4, 3, &imp);
	cr_assert_eq(imp.delay_ns, 10000000ull);
	cr_assert_eq(imp.loss, PCT(1));
	lk_links_resolve(&l, 1, 4, &imp);
	cr_assert_eq(imp.delay_ns, 50000000ull);
	lk_links_free(&l);
}

Test(linkspec, loss_models_replace_each_other)
{
	struct lk_links l;
	struct lk_impair imp;
	struct lk_error e = {0};

	lk_links_init(&l, 2);
	cr_assert_eq(lk_links_add(&l, "1-2:loss=5%,ecn", &e), 0);
	cr_assert_eq(lk_links_add(&l, "1-2:loss-ge=3%", &e), 0, "%s", e.msg);
	lk_links_resolve(&l, 1, 2, &imp);
	cr_assert_eq(imp.loss_model, LK_LOSS_GEMODEL);
	cr_assert_eq(imp.loss, 0, "the random loss went with its model");
	cr_assert(imp.ecn);
	lk_links_free(&l);
}

Test(linkspec, iterate_destinations)
{
	struct lk_links l;
	struct lk_error e = {0};
	unsigned d, got[8], n = 0;

	lk_links_init(&l, 65534);
	cr_assert_eq(lk_links_add(&l, "5>9..11:delay=1ms", &e), 0);
	cr_assert_eq(lk_links_add(&l, "3-5:loss=1%", &e), 0);
	cr_assert_eq(lk_links_add(&l, "65000..65534>4..6:dup=1%", &e), 0);
	for (d = lk_links_next_dst(&l, 5, 0); d;
	     d = lk_links_next_dst(&l, 5, d))
		got[n++] = d;
	cr_assert_eq(n, 4);
	cr_assert_eq(got[0], 3);
	cr_assert_eq(got[1], 9);
	cr_assert_eq(got[3], 11);
	cr_assert_eq(lk_links_next_dst(&l, 65534, 0), 4);
	cr_assert_eq(lk_links_next_dst(&l, 65534, 6), 0);
	cr_assert_eq(lk_links_next_dst(&l, 7, 0), 0);
	cr_assert_eq(lk_links_next_src(&l, 5, 0), 3);
	cr_assert_eq(lk_links_next_src(&l, 5, 3), 65000);
	lk_links_free(&l);
}

Test(linkspec, star_star_skips_self_in_iteration)
{
	struct lk_links l;
	struct lk_error e = {0};
	unsigned d, n = 0;

	lk_links_init(&l, 1000);
	cr_assert_eq(lk_links_add(&l, "*-*:delay=1ms", &e), 0);
	for (d = lk_links_next_dst(&l, 500, 0); d;
	     d = lk_links_next_dst(&l, 500, d)) {
		cr_assert_neq(d, 500);
		n++;
	}
	cr_assert_eq(n, 999);
	lk_links_free(&l);
}

Test(linkspec, errors_name_the_text)
{
	parse_bad("1-2:bogus=1", 3, "unknown parameter 'bogus'");
	parse_bad("1-2:loss=120%", 3, "bad loss '120%': more than 100%");
	parse_bad("1-2:jitter=5ms", 3, "jitter needs a delay");
	parse_bad("1-2:reorder=5%", 3, "reorder needs a delay");
	parse_bad("1-2:ecn", 3, "ecn needs a loss model");
	parse_bad("1-2:loss=0%,ecn", 3, "ecn needs a loss model");
	parse_bad("1-2:delay=10ms,dist=normal", 3,
		  "dist needs a delay and a "
		  "jitter");
	parse_bad("1-2:gap=5,delay=1ms", 3, "gap needs reorder");
	parse_bad("1-2:overhead=14", 3, "need netem-rate");
	parse_bad("1-2:burst=10k", 3, "need rate");
	parse_bad("0-2:delay=1ms", 3,
		  "peer 0 is out of range (peers are "
		  "1..3)");
	parse_bad("1-4:delay=1ms", 3, "peer 4 is out of range");
	parse_bad("1-1:delay=1ms", 3, "'1-1' links a peer to itself");
	parse_bad("1-2:delay=5x", 3, "bad delay '5x'");
	parse_bad("1-2:delay=-5ms", 3, "bad delay '-5ms'");
	parse_bad("1-2:netem-rate=fast", 3, "bad netem-rate 'fast'");
	parse_bad("1-2:rate=0mbit", 3, "bad rate '0mbit'");
	parse_bad("1-2:burst=12q,rate=1mbit", 3, "bad burst '12q'");
	parse_bad("1-2:limit=0", 3, "bad limit '0'");
	parse_bad("1-2:overhead=x,netem-rate=1mbit", 3, "bad overhead 'x'");
	parse_bad("3..1-2:delay=1ms", 3, "range '3..1' is empty");
	parse_bad("1..-2:delay=1ms", 3, "range '1..' needs LO..HI");
	parse_bad("1-2-3:delay=1ms", 3, "one '-' or '>' expected");
	parse_bad("-3:delay=1ms", 3, "a peer set is missing");
	parse_bad("1...3-2:delay=1ms", 3, "'.3' is not a peer number");
	parse_bad("a-2:delay=1ms", 3, "'a' is not a peer number");
	parse_bad("12:delay=1ms", 3, "expected A-B or A>B");
	parse_bad("1-2", 3, "expected LINKS:PARAMS");
	parse_bad("1-2:", 3, "no parameters");
	parse_bad("1-2:delay=1ms,", 3, "a trailing ','");
	parse_bad("1-2:delay=1ms,,loss=1%", 3, "an empty parameter");
	parse_bad("1-2:delay", 3, "'delay' needs a value");
	parse_bad("1-2:down=1", 3, "'down' takes no value");
	parse_bad("1-2:ecn=maybe,loss=1%", 3, "bad ecn 'maybe'");
	parse_bad("1-2:loss-state=1%/2%/3%/4%/5%/6%", 3, "at most 5 values");
	parse_bad("1-2:loss-ge=1%//2%", 3, "an empty value");
	parse_bad("1-2:dist=gauss,delay=1ms,jitter=1ms", 3, "bad dist 'gauss'");
	parse_bad("1-2:dist=/nonexistent/t.dist,delay=1ms,jitter=1ms", 3,
		  "/nonexistent/t.dist");
	parse_bad("1-2:delay=2h", 3, "bad delay '2h'");
}

Test(linkspec, message_quotes_whole_spec)
{
	struct lk_linkspec s;
	struct lk_error e = {0};

	cr_assert_eq(lk_linkspec_parse("1-2:loss=120%", 2, &s, &e), -EINVAL);
	cr_assert_str_eq(e.msg, "link '1-2:loss=120%': bad loss '120%': more "
				"than 100%");
}

Test(linkspec, completing_an_earlier_spec_is_fine)
{
	struct lk_links l;
	struct lk_error e = {0};

	lk_links_init(&l, 3);
	cr_assert_eq(lk_links_add(&l, "*-*:delay=20ms", &e), 0);
	cr_assert_eq(lk_links_add(&l, "1-2:jitter=5ms,reorder=5%", &e), 0, "%s",
		     e.msg);
	/* but not where no delay applies */
	cr_assert_eq(lk_links_add(&l, "*-*:delay=0", &e), -EINVAL);
	cr_assert(strstr(e.msg, "needs a delay"), "%s", e.msg);
	cr_assert(strstr(e.msg, "with the specs before it"), "%s", e.msg);
	cr_assert_eq(l.len, 2, "a refused spec is not kept");
	lk_links_free(&l);
}

Test(linkspec, resolve_unnamed_is_default)
{
	struct lk_links l;
	struct lk_impair imp;
	struct lk_error e = {0};

	lk_links_init(&l, 3);
	cr_assert_eq(lk_links_add(&l, "1>2:delay=20ms", &e), 0);
	cr_assert(!lk_links_resolve(&l, 2, 3, &imp));
	cr_assert_eq(imp.keys, 0);
	cr_assert(lk_impair_is_noop(&imp));
	cr_assert(!lk_links_resolve(&l, 2, 2, &imp));
	lk_links_free(&l);
}

Test(linkspec, dist_file)
{
	char path[] = "/tmp/lk-test-dist-XXXXXX";
	int fd = mkstemp(path);
	struct lk_linkspec s;
	struct lk_error e = {0};
	char spec[128];

	test_remove_at_exit(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "# t\n-100 0 100\n", 15), 15);
	close(fd);
	snprintf(spec, sizeof(spec), "1-2:delay=5ms,jitter=1ms,dist=%s", path);
	cr_assert_eq(lk_linkspec_parse(spec, 2, &s, &e), 0, "%s", e.msg);
	cr_assert_eq(s.imp.dist, LK_DIST_FILE);
	cr_assert_str_eq(s.imp.dist_file, path);
	cr_assert_eq(s.imp.table->len, 3);
	cr_assert_eq(s.imp.table->data[0], -100);
	lk_linkspec_free(&s);
	unlink(path);
}

static void roundtrip(const char *params)
{
	char spec[1024], text[1024], spec2[1100];
	struct lk_linkspec a, b;
	struct lk_impair ia, ib;
	struct lk_error e = {0};

	snprintf(spec, sizeof(spec), "1-2:%s", params);
	a = parse_ok(spec, 2);
	cr_assert_lt(lk_impair_format(&a.imp, text, sizeof(text)),
		     (int)sizeof(text));
	snprintf(spec2, sizeof(spec2), "1-2:%s", text);
	cr_assert_eq(lk_linkspec_parse(spec2, 2, &b, &e), 0, "%s -> %s: %s",
		     params, text, e.msg);
	/* every value equal; tables are separate copies */
	ia = a.imp;
	ib = b.imp;
	ia.table = ib.table = NULL;
	ia.dist_file = ib.dist_file = NULL;
	cr_assert_eq(memcmp(&ia, &ib, sizeof(ia)), 0, "%s -> %s", params,
		     text);
	lk_linkspec_free(&a);
	lk_linkspec_free(&b);
}

Test(linkspec, format_round_trips)
{
	char text[256];
	struct lk_linkspec s = parse_ok("1-2:delay=50ms,loss=5%,down", 2);

	lk_impair_format(&s.imp, text, sizeof(text));
	cr_assert_str_eq(text, "delay=50ms,loss=5%,down");
	cr_assert_eq(lk_impair_format(&s.imp, text, 8), 23);
	cr_assert_str_eq(text, "delay=5");
	lk_linkspec_free(&s);

	roundtrip("limit=5000,delay=100ms,jitter=10ms,delay-corr=25%,"
		  "dist=paretonormal,loss-corr=3%,ecn,corrupt=0.5%,"
		  "corrupt-corr=5%,dup=1%,dup-corr=10%,reorder=25%,"
		  "reorder-corr=50%,gap=5,netem-rate=1mbit,overhead=-14,"
		  "cellsize=48,celloverhead=5,rate=10mbit,burst=32k,"
		  "latency=20ms,queue=64k,loss-ge=1%/10%/70%/0.1%,up");
	roundtrip("delay=1.5s,jitter=1234567ns,loss-state=0.3%/33.3333%");
	roundtrip("loss=0.0001%,ecn=off");
	roundtrip("delay=1,jitter=250us");
}

/* ---- the index (model/spec_index.c) against the plain definition ---- */

/* The fold of every spec naming src -> dst, by scanning them all. */
static bool resolve_by_scan(const struct lk_links *l, unsigned src,
			    unsigned dst, struct lk_impair *out)
{
	bool named = false;

	lk_impair_init(out);
	for (size_t i = 0; i < l->len; i++)
		if (lk_linkspec_names(&l->v[i], src, dst)) {
			lk_impair_apply(out, &l->v[i].imp);
			named = true;
		}
	return named;
}

static void add_ok(struct lk_links *l, const char *text)
{
	struct lk_error e = {0};

	cr_assert_eq(lk_links_add(l, text, &e), 0, "%s: %s", text, e.msg);
}

/* Every link and every iteration of a and b agree. */
static void assert_same_links(const struct lk_links *a,
			      const struct lk_links *b)
{
	for (unsigned s = 1; s <= a->n; s++) {
		for (unsigned d = 1; d <= a->n; d++) {
			struct lk_impair x, y;
			bool nx = lk_links_resolve(a, s, d, &x);
			bool ny = lk_links_resolve(b, s, d, &y);

			cr_assert_eq(nx, ny, "%u>%u named", s, d);
			cr_assert_eq(memcmp(&x, &y, sizeof(x)), 0, "%u>%u", s,
				     d);
			ny = resolve_by_scan(a, s, d, &y);
			cr_assert_eq(nx, ny, "%u>%u named (scan)", s, d);
			cr_assert_eq(memcmp(&x, &y, sizeof(x)), 0,
				     "%u>%u (scan)", s, d);
		}
		for (unsigned d = 0;;) {
			unsigned da = lk_links_next_dst(a, s, d);

			cr_assert_eq(da, lk_links_next_dst(b, s, d),
				     "next dst of %u after %u", s, d);
			cr_assert_eq(lk_links_next_src(a, s, d),
				     lk_links_next_src(b, s, d),
				     "next src of %u after %u", s, d);
			if (!da)
				break;
			d = da;
		}
	}
}

static unsigned quadrant(unsigned s, unsigned d, unsigned half)
{
	return (s > half) * 2 + (d > half) + 1;
}

/* A full mesh of 60 peers written as 3540 pair specs (plus "A-B" pairs on
 * top) resolves and iterates exactly like the same links written as a few
 * range specs, and like scanning every spec. */
Test(linkspec, mesh_of_pair_specs_equals_ranges)
{
	const unsigned n = 60, half = 30;
	struct lk_links pairs, ranges;
	struct lk_error e = {0};
	char spec[128];

	lk_links_init(&pairs, n);
	lk_links_init(&ranges, n);
	add_ok(&pairs, "*-*:delay=10ms");
	add_ok(&ranges, "*-*:delay=10ms");
	for (unsigned s = 1; s <= n; s++)
		for (unsigned d = 1; d <= n; d++) {
			if (s == d)
				continue;
			snprintf(spec, sizeof(spec), "%u>%u:rate=%umbit,loss=1%%",
				 s, d, quadrant(s, d, half));
			add_ok(&pairs, spec);
		}
	add_ok(&ranges, "1..30>1..30:rate=1mbit,loss=1%");
	add_ok(&ranges, "1..30>31..60:rate=2mbit,loss=1%");
	add_ok(&ranges, "31..60>1..30:rate=3mbit,loss=1%");
	add_ok(&ranges, "31..60>31..60:rate=4mbit,loss=1%");
	/* 7-8, 7-9 ..: both ways, overriding the rate and adding jitter */
	for (unsigned d = 8; d <= n; d++) {
		snprintf(spec, sizeof(spec), "7-%u:rate=9mbit,jitter=1ms", d);
		add_ok(&pairs, spec);
	}
	add_ok(&ranges, "7-8..60:rate=9mbit,jitter=1ms");
	/* a range spec on top of pair specs, and a pair spec on top */
	add_ok(&pairs, "2..4>*:ecn");
	add_ok(&ranges, "2..4>*:ecn");
	add_ok(&pairs, "3>2:loss=0%,ecn=off");
	add_ok(&ranges, "3>2:loss=0%,ecn=off");
	assert_same_links(&pairs, &ranges);

	/* the same links fail the same check; the smallest such link is
	 * named (7>8: jitter, and now no delay) */
	add_ok(&pairs, "*>1..6:delay=0");
	add_ok(&ranges, "*>1..6:delay=0");
	cr_assert_eq(lk_links_add(&pairs, "*>7..8:delay=0", &e), -EINVAL);
	cr_assert(strstr(e.msg, "jitter needs a delay (on 7>8, with"), "%s",
		  e.msg);
	cr_assert_eq(lk_links_add(&ranges, "*>7..8:delay=0", &e), -EINVAL);
	cr_assert(strstr(e.msg, "jitter needs a delay (on 7>8, with"), "%s",
		  e.msg);
	/* a pair spec that breaks only its own link */
	cr_assert_eq(lk_links_add(&pairs, "3>2:ecn", &e), -EINVAL);
	cr_assert(strstr(e.msg, "(on 3>2, with"), "%s",
		  e.msg);
	assert_same_links(&pairs, &ranges);
	lk_links_free(&pairs);
	lk_links_free(&ranges);
}

/* A range spec is checked on the links that no pair spec names too, and a
 * pair spec can complete a range spec's links one by one. */
Test(linkspec, range_spec_over_pair_specs)
{
	struct lk_links l;
	struct lk_error e = {0};

	lk_links_init(&l, 4);
	add_ok(&l, "1>3:delay=10ms");
	add_ok(&l, "2>3:delay=10ms");
	add_ok(&l, "1..2>3:jitter=5ms"); /* both links have a delay */
	cr_assert_eq(lk_links_add(&l, "1..2>3..4:jitter=5ms", &e), -EINVAL);
	cr_assert(strstr(e.msg, "(on 1>4,"), "%s", e.msg);
	cr_assert_eq(l.len, 3);
	lk_links_free(&l);
}

/* Removing specs behind the index's back (launcher/set_link.c compacts)
 * makes it stale: lookups still see the specs as they are. */
Test(linkspec, index_survives_removal)
{
	struct lk_links l;
	struct lk_impair imp;

	lk_links_init(&l, 5);
	add_ok(&l, "1>2:delay=10ms");
	add_ok(&l, "1-2:loss=5%");
	add_ok(&l, "*>*:rate=1mbit");
	add_ok(&l, "1>2:delay=20ms");
	/* drop the first spec as compact() does */
	lk_linkspec_free(&l.v[0]);
	memmove(&l.v[0], &l.v[1], 3 * sizeof(l.v[0]));
	l.len = 3;
	cr_assert(lk_links_resolve(&l, 1, 2, &imp));
	cr_assert_eq(imp.delay_ns, 20000000ull);
	cr_assert(lk_links_resolve(&l, 2, 1, &imp));
	cr_assert_eq(imp.keys, LK_K_LOSS | LK_K_TB);
	cr_assert_eq(lk_links_next_dst(&l, 2, 0), 1);
	add_ok(&l, "2>1:delay=1ms");
	cr_assert(lk_links_resolve(&l, 2, 1, &imp));
	cr_assert_eq(imp.keys, LK_K_LOSS | LK_K_TB | LK_K_DELAY);
	cr_assert_eq(lk_links_next_src(&l, 1, 0), 2);
	lk_links_free(&l);
}
