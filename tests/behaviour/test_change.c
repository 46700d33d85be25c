/* test_change.c — a link changed while traffic flows, through the
 * library (lk_launch_set_link between rounds of lk_launch_poll): the
 * delay follows at once, nothing queued is lost, on both families.
 * Medians are taken above an untouched pair's (1-3), as in
 * test_delay.c. */
#include "linkem.h"
#include "tests/behaviour/behaviour.h"
#include "tests/support/runtime_dir.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *text = NULL;
	size_t cap = 0;

	cr_assert_not_null(f, "%s", path);
	if (getdelim(&text, &cap, '\0', f) < 0) {
		free(text);
		text = strdup("");
	}
	fclose(f);
	return text;
}

BEHAVIOUR(change_while_traffic_flows, 300)
{
	char dir[] = "/tmp/lk-bh-XXXXXX", path[128], script[2048];
	char *argv[20];
	struct lk_options o;
	struct lk_launch *l;
	struct lk_error e = {0};
	double t0, v[128], early[64], late[64], base;
	bool changed = false;
	char *text;
	int argc = 0, k, null;

	cr_assert_not_null(mkdtemp(dir));
	test_remove_at_exit(dir);
	/* 1>2: 20 ms, then 60 ms after 4 s: pings 80 ms apart for 8 s;
	 * 1-3 untouched, for the cost of the path itself. */
	bh_script(script, sizeof(script), 3,
		  "ping -n -c 100 -i 0.08 10.0.0.2 & "
		  "ping -n -c 100 -i 0.08 fd00:6c6b::2 & "
		  "ping -n -c 100 -i 0.08 10.0.0.3 & "
		  "ping -n -c 100 -i 0.08 fd00:6c6b::3; wait",
		  NULL, 120);
	argv[argc++] = "linkem-launch";
	argv[argc++] = "--engine";
	argv[argc++] = (char *)bh_engine;
	argv[argc++] = "-q";
	argv[argc++] = "-n";
	argv[argc++] = "3";
	argv[argc++] = "--link";
	argv[argc++] = "1>2:delay=20ms";
	argv[argc++] = "--log-dir";
	argv[argc++] = dir;
	argv[argc++] = "--";
	argv[argc++] = "sh";
	argv[argc++] = "-c";
	argv[argc++] = script;
	argv[argc] = NULL;
	cr_assert_eq(lk_options_parse(argc, argv, &o, &e), 0, "%s", e.msg);
	cr_assert_eq(lk_launch_new(&o, &l, &e), 0, "%s", e.msg);
	/* The peers' lines are in the log directory; not on this test's
	 * standard output too (Criterion reports through its own pipe). */
	null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	cr_assert(null >= 0 && dup2(null, STDOUT_FILENO) == STDOUT_FILENO);
	close(null);
	cr_assert_eq(lk_launch_start(l, &e), 0, "%s", e.msg);
	t0 = now_s();
	while ((k = lk_launch_poll(l, 10, &e)) > 0)
		if (!changed && now_s() - t0 >= 4) {
			cr_assert_eq(
			    lk_launch_set_link(l, "1>2:delay=60ms", &e), 0,
			    "%s", e.msg);
			changed = true;
		}
	cr_assert_eq(k, 0, "%s", e.msg);
	cr_assert(changed, "the launch ended within 4 s");
	snprintf(path, sizeof(path), "%s/peer1.log", dir);
	text = slurp(path);
	for (int fam = 4; fam <= 6; fam += 2) {
		int n = ping_rtts(text, NULL, bh_addr(fam, 2), v, 128);
		int ne = 0, nl = 0, sent, recv, dups;
		double me, ml;

		for (int i = 0; i < n; i++) {
			if (i < 30 && ne < 64)
				early[ne++] = v[i];
			else if (i >= 70 && nl < 64)
				late[nl++] = v[i];
		}
		cr_assert(ne > 10 && nl > 10, "IPv%d:\n%s", fam, text);
		k = ping_rtts(text, NULL, bh_addr(fam, 3), v, 128);
		cr_assert(k > 50, "IPv%d 1-3: %d replies\n%s", fam, k, text);
		base = quantile(v, k, 0.5);
		me = quantile(early, ne, 0.5) - base;
		ml = quantile(late, nl, 0.5) - base;
		BH_NOTE("IPv%d: median %.2f ms before, %.2f after, above the "
			"untouched %.2f",
			fam, me, ml, base);
		cr_expect(fabs(me - 20) <= bh_delay_tolerance(20),
			  "%s engine, IPv%d: before the change, median %.2f "
			  "ms above the untouched pair's, want 20 +- %.0f",
			  bh_engine, fam, me, bh_delay_tolerance(20));
		cr_expect(fabs(ml - 60) <= bh_delay_tolerance(60),
			  "%s engine, IPv%d: after the change, median %.2f ms "
			  "above the untouched pair's, want 60 +- %.0f",
			  bh_engine, fam, ml, bh_delay_tolerance(60));
		cr_assert_eq(ping_summary(text, NULL, bh_addr(fam, 2), &sent,
					  &recv, &dups),
			     0, "%s", text);
		cr_expect_eq(recv, 100,
			     "%s engine, IPv%d: changed in place, "
			     "nothing lost (%d of 100)",
			     bh_engine, fam, recv);
	}
	free(text);
	cr_expect_eq(lk_launch_exit_status(l), 0);
	lk_launch_free(l);
	lk_options_free(&o);
	for (int id = 1; id <= 3; id++) {
		snprintf(path, sizeof(path), "%s/peer%d.log", dir, id);
		unlink(path);
	}
	rmdir(dir);
}
