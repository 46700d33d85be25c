/* test_control_overlay.c — which links a partition, heal, down/up, set and
 * clear hand to the engine, and with what.  The engine here only records
 * the calls it gets (the engine table is the boundary under test).  Also
 * what show prints, and what lk_control_free releases. */
#include "launcher/control.h"
#include "launcher/control_internal.h"
#include "launcher/launch_internal.h"
#include "tests/support/runtime_dir.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define N 6

/* state[src][dst]: 0 never set, 1 unimpaired, 2 down, 3 impaired. */
static int state[N + 1][N + 1];
static unsigned calls;
static uint64_t delay[N + 1][N + 1];

static int rec_set_link(struct lk_engine_ctx *c, unsigned src, unsigned dst,
			const struct lk_impair *imp, struct lk_error *e)
{
	(void)c;
	(void)e;
	calls++;
	state[src][dst] = !imp ? 1 : imp->down ? 2 : 3;
	delay[src][dst] = imp ? imp->delay_ns : 0;
	return 0;
}

static const struct lk_engine_ops rec = {.name = "rec",
					 .set_link = rec_set_link};

static struct lk_launch *fake(void)
{
	struct lk_launch *l = calloc(1, sizeof(*l));
	struct lk_error e = {0};

	cr_assert_eq(lk_plan_init(&l->plan, N, NULL, &e), 0, "%s", e.msg);
	lk_links_init(&l->links, N);
	l->engine = &rec;
	l->started = true;
	cr_assert_eq(lk_control_prepare(l, &e), 0, "%s", e.msg);
	memset(state, 0, sizeof(state));
	calls = 0;
	return l;
}

static void unfake(struct lk_launch *l)
{
	lk_control_free(l);
	lk_links_free(&l->links);
	free(l);
}

Test(control_overlay, partition_cuts_exactly_the_cross_group_pairs)
{
	struct lk_launch *l = fake();
	struct lk_error e = {0};
	unsigned g[N + 1] = {0, 1, 1, 2, 2, 3, 3}; /* 1,2/3,4/5,6 */

	cr_assert_eq(lk_launch_partition(l, "1,2/3..4", &e), 0, "%s", e.msg);
	for (unsigned s = 1; s <= N; s++)
		for (unsigned d = 1; d <= N; d++) {
			if (s == d)
				continue;
			cr_assert_eq(state[s][d], g[s] == g[d] ? 0 : 2,
				     "%u>%u: %d", s, d, state[s][d]);
			cr_assert_eq(lk_control_link_cut(l, s, d),
				     g[s] != g[d]);
		}
	cr_assert_eq(calls, 24); /* 30 ordered pairs, 6 within groups */
	calls = 0;
	cr_assert_eq(lk_launch_heal(l, &e), 0);
	cr_assert_eq(calls, 24);
	for (unsigned s = 1; s <= N; s++)
		for (unsigned d = 1; d <= N; d++)
			if (s != d)
				cr_assert_eq(state[s][d], g[s] == g[d] ? 0 : 1);
	unfake(l);
}

Test(control_overlay, heal_restores_what_was_set_before_and_during)
{
	struct lk_launch *l = fake();
	struct lk_error e = {0};

	cr_assert_eq(lk_launch_set_link(l, "1-3:delay=10ms", &e), 0, "%s",
		     e.msg);
	cr_assert_eq(state[1][3], 3);
	cr_assert_eq(delay[3][1], 10000000);
	cr_assert_eq(lk_launch_partition(l, "1/3", &e), 0);
	cr_assert_eq(state[1][3], 2);
	/* A change during the partition stays cut... */
	cr_assert_eq(lk_launch_set_link(l, "1>3:delay=20ms", &e), 0);
	cr_assert_eq(state[1][3], 2);
	/* ...and shows after heal, beside the older one. */
	cr_assert_eq(lk_launch_heal(l, &e), 0);
	cr_assert_eq(state[1][3], 3);
	cr_assert_eq(delay[1][3], 20000000);
	cr_assert_eq(delay[3][1], 10000000);
	cr_assert_eq(state[1][2], 1); /* cut by "1/3" (2 was with 3) */
	unfake(l);
}

Test(control_overlay, repartition_touches_only_changed_pairs)
{
	struct lk_launch *l = fake();
	struct lk_error e = {0};

	cr_assert_eq(lk_launch_partition(l, "1..3/4..6", &e), 0);
	cr_assert_eq(calls, 18);
	calls = 0;
	/* Move peer 3 across: only its 2*5 links change. */
	cr_assert_eq(lk_launch_partition(l, "1,2/3..6", &e), 0);
	cr_assert_eq(calls, 10);
	cr_assert_eq(state[3][4], 1);
	cr_assert_eq(state[3][1], 2);
	unfake(l);
}

Test(control_overlay, down_and_up_a_peer)
{
	struct lk_launch *l = fake();
	struct lk_error e = {0};

	cr_assert_eq(lk_launch_peer_links(l, 2, false, &e), 0);
	cr_assert_eq(calls, 10);
	for (unsigned p = 1; p <= N; p++)
		if (p != 2) {
			cr_assert_eq(state[2][p], 2);
			cr_assert_eq(state[p][2], 2);
		}
	cr_assert_eq(state[1][3], 0);
	/* Down twice: nothing more. */
	calls = 0;
	cr_assert_eq(lk_launch_peer_links(l, 2, false, &e), 0);
	cr_assert_eq(calls, 0);
	/* A partition that also cuts 2: up leaves the partition's cut. */
	cr_assert_eq(lk_launch_partition(l, "1,2/3..6", &e), 0);
	cr_assert_eq(lk_launch_peer_links(l, 2, true, &e), 0);
	cr_assert_eq(state[2][1], 1);
	cr_assert_eq(state[2][3], 2);
	cr_assert_lt(lk_launch_peer_links(l, 7, true, &e), 0);
	cr_assert(strstr(e.msg, "no peer 7"), "%s", e.msg);
	unfake(l);
}

Test(control_overlay, clear_resets_the_named_links_only)
{
	struct lk_launch *l = fake();
	struct lk_error e = {0};
	struct lk_impair imp;

	cr_assert_eq(lk_launch_set_link(l, "*-*:delay=5ms", &e), 0);
	cr_assert_eq(lk_launch_clear_links(l, "1-2", &e), 0, "%s", e.msg);
	cr_assert_eq(state[1][2], 1);
	cr_assert_eq(state[2][1], 1);
	cr_assert_eq(state[1][3], 3);
	cr_assert_not(lk_launch_link_effective(l, 1, 2, &imp));
	/* Set after clear applies again. */
	cr_assert_eq(lk_launch_set_link(l, "1>2:loss=1%", &e), 0);
	cr_assert(lk_launch_link_effective(l, 1, 2, &imp));
	cr_assert_eq(imp.delay_ns, 0);
	cr_assert_lt(lk_launch_clear_links(l, "1-2:delay=1ms", &e), 0);
	cr_assert(strstr(e.msg, "expected LINKS only"), "%s", e.msg);
	unfake(l);
}

Test(control_overlay, bad_input_changes_nothing)
{
	struct lk_launch *l = fake();
	struct lk_error e = {0};

	cr_assert_lt(lk_launch_set_link(l, "1-9:delay=5ms", &e), 0);
	cr_assert_lt(lk_launch_partition(l, "1/1", &e), 0);
	cr_assert(strstr(e.msg, "two groups"), "%s", e.msg);
	cr_assert_eq(calls, 0);
	cr_assert_eq(l->links.len, 0);
	cr_assert_not(lk_control_link_cut(l, 1, 2));
	unfake(l);
}

Test(control_overlay, engines_without_set_link_refuse_cleanly)
{
	static const struct lk_engine_ops plain = {.name = "bridge"};
	struct lk_launch *l = fake();
	struct lk_error e = {0};

	l->engine = &plain;
	cr_assert_eq(lk_launch_set_link(l, "1-2:delay=5ms", &e), -ENOTSUP);
	cr_assert(strstr(e.msg, "bridge engine cannot change links"), "%s",
		  e.msg);
	cr_assert_eq(lk_launch_partition(l, "1/2", &e), -ENOTSUP);
	cr_assert_eq(l->links.len, 0);
	unfake(l);
}

/* The reference: fold every spec ever given, in order (clears reset). */
static bool ref_effective(struct lk_linkspec *hist, const bool *clear, size_t n,
			  unsigned s, unsigned d, struct lk_impair *out)
{
	bool named = false;

	lk_impair_init(out);
	for (size_t i = 0; i < n; i++) {
		if (!lk_linkspec_names(&hist[i], s, d))
			continue;
		if (clear[i]) {
			lk_impair_init(out);
			named = false;
		} else {
			lk_impair_apply(out, &hist[i].imp);
			named = true;
		}
	}
	return named;
}

Test(control_overlay, old_specs_are_dropped_without_changing_any_link)
{
	static const char *const ranges[] = {"1-2", "1>2", "2>1", "1..3-4..6",
					     "*-*", "3>*", "*>3", "2..5>1"};
	static const char *const params[] = {
	    "delay=5ms",  "loss=1%", "delay=7ms,loss=2%",
	    "rate=1mbit", "down",    "up"};
	struct lk_linkspec hist[400];
	bool clear[400];
	struct lk_launch *l = fake();
	struct lk_error e = {0};
	unsigned seed = 12345;

	for (size_t i = 0; i < 400; i++) {
		char text[64];
		const char *links;

		seed = seed * 1103515245 + 12345;
		links = ranges[(seed >> 8) % 8];
		clear[i] = (seed >> 16) % 7 == 0;
		snprintf(text, sizeof(text), "%s:%s", links,
			 clear[i] ? "up" : params[(seed >> 20) % 6]);
		cr_assert_eq(lk_linkspec_parse(text, N, &hist[i], &e), 0, "%s",
			     e.msg);
		if (clear[i])
			cr_assert_eq(lk_launch_clear_links(l, links, &e), 0,
				     "%s", e.msg);
		else
			cr_assert_eq(lk_launch_set_link(l, text, &e), 0, "%s",
				     e.msg);
		for (unsigned s = 1; s <= N; s++)
			for (unsigned d = 1; d <= N; d++) {
				struct lk_impair a, b;
				char fa[512], fb[512];
				bool na, nb;

				if (s == d)
					continue;
				na = lk_launch_link_effective(l, s, d, &a);
				nb =
				    ref_effective(hist, clear, i + 1, s, d, &b);
				lk_impair_format(&a, fa, sizeof(fa));
				lk_impair_format(&b, fb, sizeof(fb));
				cr_assert_eq(na, nb, "step %zu %u>%u", i, s, d);
				cr_assert_str_eq(fa, fb, "step %zu %u>%u", i, s,
						 d);
				cr_assert_eq(a.keys, b.keys);
			}
	}
	/* 400 changes, at most a few dozen specs kept. */
	cr_assert_lt(l->links.len, 40, "%zu specs kept", l->links.len);
	for (size_t i = 0; i < 400; i++)
		lk_linkspec_free(&hist[i]);
	unfake(l);
}

Test(control_overlay, repeated_sets_keep_one_spec)
{
	struct lk_launch *l = fake();
	struct lk_error e = {0};

	for (int i = 0; i < 100; i++) {
		char text[32];

		snprintf(text, sizeof(text), "1-2:delay=%dms", i + 1);
		cr_assert_eq(lk_launch_set_link(l, text, &e), 0);
	}
	cr_assert_eq(l->links.len, 1);
	cr_assert_eq(delay[2][1], 100000000);
	unfake(l);
}

/* The show reply of l, its JSON data freed. */
static char *show_text(struct lk_launch *l)
{
	struct lk_buf text = {0};
	struct lk_error e = {0};
	json_t *data = NULL;

	cr_assert_eq(lk_ctl_dispatch(l, "show", NULL, 0, &text, &data, &e), 0,
		     "%s", e.msg);
	json_decref(data);
	return text.p;
}

/* Issue 17, finding 12: show formatted each direction into 1024 bytes;
 * with a dist=PATH longer than that, both directions were cut before
 * their loss, compared equal, and printed as one "1-2:" line.  The input,
 * written out: PATH is a private directory + "/." x 600 + "/t.dist"
 * (over 1200 bytes), and
 *   set 1>2:delay=10ms,jitter=1ms,dist=PATH,loss=1%
 *   set 2>1:delay=10ms,jitter=1ms,dist=PATH,loss=50%
 * show must print two whole lines, 1>2:...loss=1% and 2>1:...loss=50%. */
Test(control_overlay, show_prints_long_conditions_whole)
{
	struct lk_launch *l = fake();
	struct lk_error e = {0};
	const char *dir = test_private_dir("show");
	char path[1400], spec[1500], want[1500];
	char *text, *line2;
	size_t len;
	FILE *f;

	len = (size_t)snprintf(path, sizeof(path), "%s", dir);
	for (int i = 0; i < 600; i++)
		len += (size_t)snprintf(path + len, sizeof(path) - len, "/.");
	snprintf(path + len, sizeof(path) - len, "/t.dist");
	cr_assert_gt(strlen(path), 1024);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("# t\n-100 0 100\n", f);
	fclose(f);

	snprintf(spec, sizeof(spec),
		 "1>2:delay=10ms,jitter=1ms,dist=%s,loss=1%%", path);
	cr_assert_eq(lk_launch_set_link(l, spec, &e), 0, "%s", e.msg);
	snprintf(spec, sizeof(spec),
		 "2>1:delay=10ms,jitter=1ms,dist=%s,loss=50%%", path);
	cr_assert_eq(lk_launch_set_link(l, spec, &e), 0, "%s", e.msg);
	text = show_text(l);
	cr_assert_not_null(text);
	cr_assert_null(strstr(text, "1-2:"), "%s", text);
	snprintf(want, sizeof(want),
		 "1>2:delay=10ms,jitter=1ms,dist=%s,loss=1%%\n", path);
	cr_assert_eq(strncmp(text, want, strlen(want)), 0, "%s", text);
	line2 = text + strlen(want);
	snprintf(want, sizeof(want),
		 "2>1:delay=10ms,jitter=1ms,dist=%s,loss=50%%\n", path);
	cr_assert_str_eq(line2, want);
	free(text);

	/* Equal both ways, and as long: one whole 1-2 line. */
	snprintf(spec, sizeof(spec),
		 "1-2:delay=10ms,jitter=1ms,dist=%s,loss=50%%", path);
	cr_assert_eq(lk_launch_set_link(l, spec, &e), 0, "%s", e.msg);
	text = show_text(l);
	snprintf(want, sizeof(want),
		 "1-2:delay=10ms,jitter=1ms,dist=%s,loss=50%%\n", path);
	cr_assert_str_eq(text, want);
	free(text);
	unfake(l);
}

/* lk_control_free closes clients as the loop does: a client still waiting
 * for a restart's answer when the launch ends gives its request id back
 * (it used to leak: lk_control_free had its own copy of client_close
 * without the json_decref). */
Test(control_overlay, free_releases_a_waiting_clients_request)
{
	struct lk_launch *l = fake();
	struct lk_ctl_client *cl = &l->control->c[3];
	json_t *id = json_string("req-7");
	int p[2];

	l->loop = NULL; /* nothing is registered */
	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	close(p[1]);
	cl->fd = p[0];
	cl->in = malloc(LK_CTL_MAX_REQUEST);
	lk_buf_puts(&cl->out, "unsent reply\n");
	cl->waiting = 2;
	cl->waiting_id = json_incref(id);
	cr_assert_eq(id->refcount, 2);
	unfake(l);
	cr_assert_eq(id->refcount, 1, "the waiting client's id was kept");
	cr_assert(fcntl(p[0], F_GETFD) < 0 && errno == EBADF,
		  "its connection stayed open");
	json_decref(id);
}
