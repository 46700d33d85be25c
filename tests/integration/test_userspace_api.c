/* test_userspace_api.c — the userspace engine through the library, in
 * this process: links changed while traffic flows (lk_launch_set_link),
 * the per-link counters (lk_launch_link_stats), and --seed replays. */
#include "linkem.h"
#include "tests/support/need.h"
#include "tests/support/run.h"
#include "tests/support/runtime_dir.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct run {
	struct lk_options opts;
	struct lk_launch *l;
	struct lk_error e;
	char dir[64];
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* linkem-launch ARGS -- sh -c SCRIPT, started in this process with its
 * peers' output in a log directory. */
static void start(struct run *r, const char *const *args, const char *script)
{
	char *argv[32];
	int argc = 0;

	memset(r, 0, sizeof(*r));
	snprintf(r->dir, sizeof(r->dir), "/tmp/lk-usapi-XXXXXX");
	cr_assert_not_null(mkdtemp(r->dir));
	test_remove_at_exit(r->dir);
	argv[argc++] = "linkem-launch";
	argv[argc++] = "-q";
	argv[argc++] = "--engine";
	argv[argc++] = "userspace";
	argv[argc++] = "--log-dir";
	argv[argc++] = r->dir;
	for (; *args; args++)
		argv[argc++] = (char *)*args;
	argv[argc++] = "--";
	argv[argc++] = "sh";
	argv[argc++] = "-c";
	argv[argc++] = (char *)script;
	argv[argc] = NULL;
	cr_assert_eq(lk_options_parse(argc, argv, &r->opts, &r->e), 0, "%s",
		     r->e.msg);
	cr_assert_eq(lk_launch_new(&r->opts, &r->l, &r->e), 0, "%s", r->e.msg);
	cr_assert_eq(lk_launch_start(r->l, &r->e), 0, "%s", r->e.msg);
}

/* Run the loop for ms (or until the end, ms < 0); false once done. */
static bool run_for(struct run *r, double ms)
{
	double end = now_ms() + ms;
	int k;

	while (ms < 0 || now_ms() < end) {
		k = lk_launch_poll(r->l, 10, &r->e);
		cr_assert_geq(k, 0, "%s", r->e.msg);
		if (k == 0)
			return false;
	}
	return true;
}

static char *peer_log(struct run *r, unsigned id)
{
	static char buf[1 << 17];
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/peer%u.log", r->dir, id);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	cr_assert_geq(fd, 0, "%s", path);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void finish(struct run *r)
{
	char path[128];

	cr_assert_eq(lk_launch_exit_status(r->l), 0);
	lk_launch_free(r->l);
	lk_options_free(&r->opts);
	for (unsigned id = 1; id <= 3; id++) {
		snprintf(path, sizeof(path), "%s/peer%u.log", r->dir, id);
		unlink(path);
	}
	rmdir(r->dir);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

Test(userspace_api, delay_changed_while_pinging)
{
	static const char *const args[] = {"-n", "2", "--link",
					   "1>2:delay=10ms", NULL};
	struct run r;
	struct lk_link_stats st;
	double t[64];
	int n = 0;
	char *log;

	NEED_TAP();
	start(&r, args,
	      "if [ {id} = 1 ]; then ping -c 30 -i 0.1 10.0.0.2; "
	      "else sleep 4; fi");
	cr_assert(run_for(&r, 1500));
	cr_assert_eq(lk_launch_set_link(r.l, "1>2:delay=60ms", &r.e), 0, "%s",
		     r.e.msg);
	/* A SPEC that does not parse changes nothing. */
	cr_assert_lt(lk_launch_set_link(r.l, "1>2:delay=fast", &r.e), 0);
	run_for(&r, -1);

	log = peer_log(&r, 1);
	for (char *p = log; (p = strstr(p, "time=")) && n < 64; p++)
		t[n++] = atof(p + 5);
	cr_assert_geq(n, 29, "%d replies\n%s", n, log);
	double first = median(t, 5), last = median(t + n - 5, 5);

	cr_assert(first >= 9.8 && first <= 13.0, "before: %.3f ms\n%s", first,
		  log);
	cr_assert(last >= 59.8 && last <= 64.0, "after: %.3f ms\n%s", last,
		  log);

	/* The counters saw the echo requests and replies. */
	cr_assert_eq(lk_launch_link_stats(r.l, 1, 2, &st, &r.e), 0, "%s",
		     r.e.msg);
	cr_assert_geq(st.delivered_pkts, 30);
	cr_assert_eq(st.offered_pkts + st.duplicated,
		     st.delivered_pkts + st.dropped_pkts + st.queued);
	cr_assert_eq(st.dropped_pkts, 0);
	cr_assert_eq(lk_launch_link_stats(r.l, 2, 1, &st, &r.e), 0, "%s",
		     r.e.msg);
	cr_assert_geq(st.delivered_pkts, 30);
	cr_assert_lt(lk_launch_link_stats(r.l, 1, 1, &st, &r.e), 0);
	finish(&r);
}

/* 200 numbered datagrams 1 -> 2 over loss=30%, set once ARP is resolved
 * and the peers' IPv6 start-up chatter is over, so that the link's stream
 * sees the same frames on every run.  The sender starts when the test
 * says the link is set (a file appears in a host directory the peers see
 * read-only): with a fixed sleep instead, a slow run (ASan) could set the
 * link after the first datagrams had left.  Fills seen[], returns how
 * many arrived, and checks the counters against it. */
static int lossy(const char *seed, bool seen[200])
{
	const char *args[] = {"-n", "2", "--seed", seed, NULL};
	char dir[] = "/var/tmp/lk-seed-XXXXXX", go[64], script[1024];
	struct lk_link_stats st;
	struct run r;
	char *log, *p;
	int k;

	cr_assert_not_null(mkdtemp(dir));
	test_remove_at_exit(dir);
	snprintf(go, sizeof(go), "%s/go", dir);
	snprintf(script, sizeof(script),
		 "if [ {id} = 2 ]; then %s recv 5000 700; else "
		 "ping -c 1 -W 2 10.0.0.2 >/dev/null; i=0; "
		 "while [ ! -e %s ] && [ $i -lt 1000 ]; do sleep 0.01; "
		 "i=$((i + 1)); done; "
		 "%s send 10.0.0.2 5000 200 2000; fi",
		 build_path("tests/progs/udpseq"), go,
		 build_path("tests/progs/udpseq"));
	start(&r, args, script);
	/* IPv6 start-up (DAD, MLD reports, the first router solicitation)
	 * is over by about 2.3 s; the next solicitation comes near 5.5 s. */
	cr_assert(run_for(&r, 3000));
	cr_assert_eq(lk_launch_set_link(r.l, "1>2:loss=30%", &r.e), 0, "%s",
		     r.e.msg);
	close(open(go, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	run_for(&r, -1);
	unlink(go);
	rmdir(dir);
	log = peer_log(&r, 2);
	p = strstr(log, "got ");
	cr_assert_not_null(p, "%s", log);
	k = atoi(p + 4);
	memset(seen, 0, 200 * sizeof(bool));
	for (p = strchr(p, ':') + 1; *p == ' ';) {
		char *end;
		long x = strtol(p, &end, 10);

		if (end == p)
			break;
		if (x >= 0 && x < 200)
			seen[x] = true;
		p = end;
	}
	cr_assert_eq(lk_launch_link_stats(r.l, 1, 2, &st, &r.e), 0, "%s",
		     r.e.msg);
	/* What the receiver lacks is what the link dropped (give or take
	 * a frame or two of the peer's own chatter). */
	cr_assert(st.dropped_loss >= (uint64_t)(200 - k) &&
		      st.dropped_loss <= (uint64_t)(200 - k) + 3,
		  "link dropped %llu, receiver missed %d",
		  (unsigned long long)st.dropped_loss, 200 - k);
	cr_assert_eq(st.dropped_pkts, st.dropped_loss);
	cr_assert_eq(st.offered_pkts, st.delivered_pkts + st.dropped_pkts);
	finish(&r);
	return k;
}

Test(userspace_api, loss_binomial_and_seed_replay, .timeout = 60)
{
	bool a[200], b[200], c[200];
	int ka, kb, kc, differ = 0;

	NEED_TAP();
	ka = lossy("7", a);
	kb = lossy("7", b);
	kc = lossy("8", c);
	/* 140 expected, sd 6.5: four sd either side. */
	cr_assert(ka >= 114 && ka <= 166, "received %d of 200", ka);
	cr_assert(kc >= 114 && kc <= 166, "received %d of 200", kc);
	cr_assert_eq(ka, kb, "same seed: %d then %d received", ka, kb);
	cr_assert_eq(memcmp(a, b, sizeof(a)), 0,
		     "same seed, different datagrams lost");
	for (int i = 0; i < 200; i++)
		differ += a[i] != c[i];
	cr_assert_gt(differ, 10, "seeds 7 and 8 lose the same datagrams");
}
