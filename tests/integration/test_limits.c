/* test_limits.c — the limits of a peer (root, real cgroups): a fork bomb
 * and a memory bomb against --pids/--memory and against the defaults,
 * /tmp and /dev/shm filled, --log-dir growth, the summary's lines, no
 * cgroup left (also after a SIGKILL of linkem-launch); and a peer
 * flooding stdout while nobody reads it: an unrelated userspace link
 * keeps its RTT, SIGTERM is handled at once.  Every bomb (bomb.c) stops
 * on its own below a ceiling, so a missing limit fails the test rather
 * than the host. */
#include "tests/support/need.h"
#include "tests/support/run.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Generous: forking 1000 processes takes seconds on a loaded host. */
TestSuite(limits, .timeout = 240);

static void run_launch(const char *const *opts, const char *script,
		       struct run_result *r)
{
	char *argv[32];
	int n = 0;

	argv[n++] = (char *)build_path("linkem-launch");
	argv[n++] = "-q";
	argv[n++] = "-n";
	argv[n++] = "1";
	for (; opts && *opts; opts++)
		argv[n++] = (char *)*opts;
	argv[n++] = "--";
	argv[n++] = "sh";
	argv[n++] = "-c";
	argv[n++] = (char *)script;
	argv[n] = NULL;
	cr_assert_eq(run_cmd(argv, NULL, 60000, r), 0);
	cr_assert(!r->timed_out, "timed out; stderr: %s", r->err);
}

static char *bomb(const char *args)
{
	static char s[1024];

	snprintf(s, sizeof(s), "exec %s %s", build_path("tests/progs/bomb"),
		 args);
	return s;
}

/* "forked N" in out: N. */
static long forked(const char *out)
{
	const char *p = strstr(out, "forked ");

	cr_assert_not_null(p, "no 'forked' line in: %s", out);
	return atol(p + 7);
}

/* A launch's cgroups whose linkem-launch is gone: what nobody removed. */
static int stale_cgroups(void)
{
	static const char *const ctrl[] = {"memory", "pids", "cpu", ""};
	char line[PATH_MAX], own[PATH_MAX], path[PATH_MAX + 64];
	int stale = 0;

	for (size_t c = 0; c < 4; c++) {
		FILE *f = fopen("/proc/self/cgroup", "re");
		bool found = false;
		DIR *d;
		struct dirent *de;

		while (f && !found && fgets(line, sizeof(line), f)) {
			char *a = strchr(line, ':'), *b = a ? strchr(a + 1, ':')
							    : NULL;

			if (!b)
				continue;
			*b++ = '\0';
			b[strcspn(b, "\n")] = '\0';
			if (*ctrl[c] ? strstr(a + 1, ctrl[c]) != NULL
				     : a[1] == '\0') {
				snprintf(own, sizeof(own), "%s",
					 strcmp(b, "/") ? b : "");
				found = true;
			}
		}
		if (f)
			fclose(f);
		if (!found)
			continue;
		snprintf(path, sizeof(path), "/sys/fs/cgroup%s%s%s",
			 *ctrl[c] ? "/" : "", ctrl[c], own);
		d = opendir(path);
		while (d && (de = readdir(d))) {
			char *end;
			long pid;

			if (strncmp(de->d_name, "linkem-", 7) != 0)
				continue;
			pid = strtol(de->d_name + 7, &end, 10);
			if (*end || pid <= 0)
				continue;
			if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
				stale++;
		}
		if (d)
			closedir(d);
	}
	return stale;
}

Test(limits, memory_bomb_is_killed_and_named)
{
	const char *opts[] = {"--memory", "64m", NULL};
	struct run_result r;

	NEED_ROOT();
	run_launch(opts, bomb("mem 1024"), &r);
	cr_expect_eq(r.status, 137, "status %d; stderr: %s", r.status, r.err);
	cr_expect(has(r.err, "peer1: killed by the memory limit (64 MiB)"),
		  "stderr: %s", r.err);
	cr_expect(!has(r.out, "mem done"), "out: %s", r.out);
	run_result_free(&r);
	cr_expect_eq(stale_cgroups(), 0);
}

Test(limits, fork_bomb_stops_at_the_default_and_at_pids)
{
	const char *def[] = {NULL};
	const char *fifty[] = {"--pids", "50", NULL};
	const char *none[] = {"--pids", "0", NULL};
	struct run_result r;
	long n;

	NEED_ROOT();
	/* Default 1024, init and sh -c's exec'd bomb included. */
	run_launch(def, bomb("fork 3000"), &r);
	n = forked(r.out);
	cr_expect(n >= 1000 && n <= 1024 && has(r.out, "eagain"), "%s",
		  r.out);
	cr_expect(has(r.err, "peer1: the pids limit (1024) refused"), "%s",
		  r.err);
	cr_expect_eq(r.status, 0);
	run_result_free(&r);

	run_launch(fifty, bomb("fork 3000"), &r);
	n = forked(r.out);
	cr_expect(n >= 40 && n <= 50 && has(r.out, "eagain"), "%s", r.out);
	cr_expect(has(r.err, "peer1: the pids limit (50) refused"), "%s",
		  r.err);
	run_result_free(&r);

	/* 0: no limit (the bomb's own ceiling, 1100). */
	run_launch(none, bomb("fork 1100"), &r);
	cr_expect_eq(forked(r.out), 1100, "%s", r.out);
	cr_expect(!has(r.err, "pids limit"), "%s", r.err);
	run_result_free(&r);
	cr_expect_eq(stale_cgroups(), 0);
}

Test(limits, tmp_and_shm_are_capped_and_counted_as_memory)
{
	const char *def[] = {NULL};
	const char *small[] = {"--tmp-size", "16m", NULL};
	const char *mem[] = {"--tmp-size", "0", "--memory", "32m", NULL};
	char script[2048];
	struct run_result r;

	NEED_ROOT();
	/* Default 256 MiB each: "tmp MiB ENOSPC(28)". */
	snprintf(script, sizeof(script), "%s tmp 1024 /tmp; %s tmp 1024 "
		 "/dev/shm", build_path("tests/progs/bomb"),
		 build_path("tests/progs/bomb"));
	run_launch(def, script, &r);
	cr_expect_eq(occurrences(r.out, " 28\n"), 2, "%s", r.out);
	cr_expect(has(r.out, "tmp 255 28") || has(r.out, "tmp 256 28"), "%s",
		  r.out);
	run_result_free(&r);

	run_launch(small, script, &r);
	cr_expect_eq(occurrences(r.out, " 28\n"), 2, "%s", r.out);
	cr_expect(has(r.out, "tmp 15 28") || has(r.out, "tmp 16 28"), "%s",
		  r.out);
	run_result_free(&r);

	/* Unbounded tmpfs, but its pages are the peer's memory. */
	run_launch(mem, bomb("tmp 1024 /tmp"), &r);
	cr_expect(has(r.err, "peer1: killed by the memory limit (32 MiB)"),
		  "status %d, out %s, err %s", r.status, r.out, r.err);
	run_result_free(&r);
}

Test(limits, log_dir_growth_is_capped_with_one_notice)
{
	char dir[] = "/var/tmp/lk-limits-XXXXXX", path[PATH_MAX];
	char *argv[16];
	struct run_result r;
	struct stat st;
	int n = 0;

	NEED_ROOT();
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/logs", dir);
	argv[n++] = (char *)build_path("linkem-launch");
	argv[n++] = "-n";
	argv[n++] = "1";
	argv[n++] = "--log-max";
	argv[n++] = "5m";
	argv[n++] = "--log-dir";
	argv[n++] = path;
	argv[n++] = "--";
	argv[n++] = (char *)build_path("tests/progs/bomb");
	argv[n++] = "spew";
	argv[n++] = "50";
	argv[n] = NULL;
	cr_assert_eq(run_cmd(argv, NULL, 60000, &r), 0);
	snprintf(path, sizeof(path), "%s/logs/peer1.log", dir);
	cr_assert_eq(stat(path, &st), 0);
	/* 50 MiB went to stdout; 5 MiB and the last line to the file. */
	cr_expect(st.st_size > (5 << 20) - 4096 && st.st_size <= (5 << 20) + 200,
		  "size %lld", (long long)st.st_size);
	cr_expect_gt(r.out_len, 50u << 20);
	cr_expect_eq(occurrences(r.err, "peer1.log reached --log-max (5 MiB)"),
		     1, "%s", r.err);
	run_result_free(&r);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	cr_expect_eq(system(path), 0);
}

/* linkem-launch's own cgroup directory for supervisor pid, in the pids
 * hierarchy (v1) or cgroup2: whichever exists. */
static bool cgroup_exists(pid_t pid)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd),
		 "find /sys/fs/cgroup -maxdepth 6 -type d -name 'linkem-%d' "
		 "2>/dev/null | grep -q .",
		 (int)pid);
	return system(cmd) == 0;
}

Test(limits, no_cgroup_left_after_sigkill_of_the_supervisor)
{
	char *argv[] = {(char *)build_path("linkem-launch"), "-q", "-n", "2",
			"--", "sleep", "100", NULL};
	int out, err, st;
	pid_t pid;
	double t0;

	NEED_ROOT();
	pid = spawn_cmd(argv, &out, &err);
	t0 = now_s();
	while (!cgroup_exists(pid) && now_s() - t0 < 10)
		usleep(50000);
	cr_assert(cgroup_exists(pid), "no cgroup linkem-%d", (int)pid);
	usleep(300000);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	t0 = now_s();
	while (cgroup_exists(pid) && now_s() - t0 < 10)
		usleep(50000);
	cr_expect(!cgroup_exists(pid), "cgroup linkem-%d left", (int)pid);
	cr_expect_lt(now_s() - t0, 5.0);
	close(out);
	close(err);
}

static double file_double(const char *path)
{
	FILE *f = fopen(path, "re");
	double v = -1;

	if (f) {
		if (fscanf(f, "%lf", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Row 6 of the threat table: nobody reads linkem-launch's stdout while
 * peer1 writes as fast as it can.  The supervisor must neither block in
 * write() nor stop the loop: peer2 pings peer3 over a 20 ms userspace
 * link meanwhile, and SIGTERM reaches peer3 at once. */
Test(limits, flood_with_no_reader_stalls_only_the_flooding_peer)
{
	char dir[] = "/var/tmp/lk-flood-XXXXXX", script[2048], path[PATH_MAX];
	char line[256], *argv[16];
	double rtt[64], t_kill, t_term, t0;
	int out, err, n = 0, st, k = 0;
	bool lost = false;
	FILE *f;
	pid_t pid;

	NEED_TAP();
	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(chmod(dir, 0777), 0);
	snprintf(script, sizeof(script),
		 "case $LINKEM_ID in "
		 "1) exec %s spew 100000 ;; "
		 "2) ping -c 20 -i 0.2 peer3 > %s/ping 2>&1; touch %s/done; "
		 "sleep 100 ;; "
		 "3) trap 'date +%%s.%%N > %s/term; exit 0' TERM; "
		 "sleep 100 & wait ;; esac",
		 build_path("tests/progs/bomb"), dir, dir, dir);
	argv[n++] = (char *)build_path("linkem-launch");
	argv[n++] = "-q";
	argv[n++] = "-n";
	argv[n++] = "3";
	argv[n++] = "--engine";
	argv[n++] = "userspace";
	argv[n++] = "-l";
	argv[n++] = "2-3:delay=20ms";
	argv[n++] = "--rw";
	argv[n++] = dir;
	argv[n++] = "--";
	argv[n++] = "sh";
	argv[n++] = "-c";
	argv[n++] = script;
	argv[n] = NULL;
	pid = spawn_cmd(argv, &out, &err);

	/* Not a byte read from out; 20 pings at 0.2 s take about 4 s. */
	snprintf(path, sizeof(path), "%s/done", dir);
	t0 = now_s();
	while (access(path, F_OK) != 0 && now_s() - t0 < 30)
		usleep(100000);
	cr_expect_eq(access(path, F_OK), 0, "ping did not finish");

	snprintf(path, sizeof(path), "%s/ping", dir);
	f = fopen(path, "re");
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f)) {
		char *t = strstr(line, "time=");

		if (t && k < 64)
			rtt[k++] = atof(t + 5);
		if (strstr(line, "packet loss") && !strstr(line, " 0% packet loss"))
			lost = true;
	}
	fclose(f);
	cr_expect(!lost, "lost pings");
	cr_expect_eq(k, 20, "%d replies", k);
	if (k > 0) {
		/* 40 ms of delay; the median bounded at 40 + 30 ms: a
		 * stalled loop (the bug) stalls the link for as long as the
		 * reader sleeps, seconds; 30 ms is for scheduling on a
		 * loaded two-core host. */
		qsort(rtt, (size_t)k, sizeof(rtt[0]), cmp_double);
		cr_expect(rtt[0] >= 39.5, "min %.1f ms", rtt[0]);
		cr_expect(rtt[k / 2] <= 70.0, "median %.1f ms", rtt[k / 2]);
		cr_log_info("flood: %d pings, min %.1f median %.1f max %.1f ms",
			    k, rtt[0], rtt[k / 2], rtt[k - 1]);
	}

	/* Still nobody reads: SIGTERM must reach peer3 at once. */
	{
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		t_kill = (double)ts.tv_sec + ts.tv_nsec / 1e9;
	}
	kill(pid, SIGTERM);
	snprintf(path, sizeof(path), "%s/term", dir);
	t0 = now_s();
	while (access(path, F_OK) != 0 && now_s() - t0 < 10)
		usleep(20000);
	usleep(50000);
	t_term = file_double(path);
	cr_expect(t_term > 0, "peer3 never got SIGTERM");
	cr_expect_lt(t_term - t_kill, 1.0, "SIGTERM took %.3f s",
		     t_term - t_kill);
	cr_log_info("flood: SIGTERM reached peer3 after %.3f s",
		    t_term - t_kill);

	/* Now read: the launch ends. */
	t0 = now_s();
	for (;;) {
		char buf[65536];
		ssize_t r = read(out, buf, sizeof(buf));

		if (r <= 0 || now_s() - t0 > 30)
			break;
	}
	if (now_s() - t0 > 30)
		kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	close(out);
	close(err);
	snprintf(script, sizeof(script), "rm -rf '%s'", dir);
	cr_expect_eq(system(script), 0);
}
