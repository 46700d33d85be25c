/* test_control_restart.c — linkem-ctl restart PEER: the workload stopped
 * and started again in the same peer (namespaces, network, /tmp,
 * sandbox), running or already ended; the launch's exit status. */
#include "linkem.h"
#include "tests/support/launch_io.h"
#include "tests/support/need.h"
#include "tests/support/run.h"
#include "tests/support/runtime_dir.h"

#include <criterion/criterion.h>
#include <limits.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* linkem-launch -n N ARGS... --control SOCK -- sh -c SCRIPT, its socket
 * in a directory of its own (removed when the test ends, even when it
 * fails: runtime_dir.h). */
static void start(struct launch *L, const char *n, const char *const *args,
		  const char *script)
{
	const char *dir = test_private_dir("restart");
	const char *all[24] = {"--control", NULL};
	char sock[PATH_MAX];
	int k = 2;

	snprintf(sock, sizeof(sock), "%s/c.sock", dir);
	all[1] = sock;
	for (int i = 0; args && args[i] && k < 23; i++)
		all[k++] = args[i];
	all[k] = NULL;
	launch_start(L, n, all, script);
}

/* Wait for the launch to end (after sig, unless 0): it must. */
static int finish(struct launch *L, int sig, double seconds)
{
	launch_finish(L, sig, seconds);
	cr_assert(!L->hung, "the launch did not end; stderr: %s", L->ebuf);
	return L->status;
}

#define CTL(L, r, ...)                                                         \
	do {                                                                   \
		char *argv_[] = {(char *)build_path("linkem-ctl"),             \
				 "--control", (L)->sock, __VA_ARGS__, NULL};   \
		cr_assert_eq(run_cmd(argv_, NULL, 15000, r), 0);               \
	} while (0)

/* The workload pid linkem-ctl peers --json shows for peer id. */
static int workload_pid(struct launch *L, unsigned id)
{
	struct run_result r;
	char key[32];
	const char *p;
	int pid = -1;

	CTL(L, &r, "--json", "peers");
	cr_assert_eq(r.status, 0, "%s", r.err);
	snprintf(key, sizeof(key), "{\"id\":%u,", id);
	p = strstr(r.out, key);
	cr_assert_not_null(p, "%s", r.out);
	p = strstr(p, "\"workload_pid\":");
	cr_assert_not_null(p, "%s", r.out);
	pid = atoi(p + strlen("\"workload_pid\":"));
	run_result_free(&r);
	return pid;
}

Test(control_restart, running_peer_runs_again_on_the_same_network)
{
	/* Peer 1 reaches peer 2 over the hub at every start; /tmp and the
	 * hostname are the peer's own and survive the restart. */
	static const char script[] =
	    "if [ \"$LINKEM_ID\" = 1 ]; then "
	    "  echo x >> /tmp/runs; "
	    "  echo \"start $(hostname) $(wc -l < /tmp/runs)\"; "
	    "  ping -c 1 -W 3 10.0.0.2 > /dev/null && echo ping-ok; "
	    "fi; exec sleep 30";
	struct launch L;
	struct run_result r;
	int before, after;
	char want[64];

	NEED_ROOT();
	start(&L, "2", NULL, script);
	cr_assert(launch_wait_for(&L, "[peer1] ping-ok", 1, 10), "%s%s", L.obuf,
		  L.ebuf);
	cr_assert(has(L.obuf, "[peer1] start peer1 1"), "%s", L.obuf);
	before = workload_pid(&L, 1);
	cr_assert_gt(before, 0);

	CTL(&L, &r, "restart", "peer1");
	cr_assert_eq(r.status, 0, "%s", r.err);
	after = workload_pid(&L, 1);
	cr_assert_gt(after, 0);
	cr_assert_neq(after, before, "pid %d stayed", before);
	snprintf(want, sizeof(want), "peer1 restarted (pid %d)", after);
	cr_assert(has(r.out, want), "%s", r.out);
	run_result_free(&r);

	/* It runs again, prefixed as before, on the same network. */
	cr_assert(launch_wait_for(&L, "[peer1] ping-ok", 2, 10), "%s%s", L.obuf,
		  L.ebuf);
	cr_assert(has(L.obuf, "[peer1] start peer1 2"), "%s", L.obuf);
	CTL(&L, &r, "peers");
	cr_assert(has(r.out, " 1        running"), "%s", r.out);
	run_result_free(&r);
	/* Peer 2 was not touched. */
	CTL(&L, &r, "--json", "peers");
	cr_assert(has(r.out, "\"running\":true,\"workload_pid\""), "%s", r.out);
	cr_assert(has(r.out, "\"restarts\":1}"), "%s", r.out);
	cr_assert(has(r.out, "\"restarts\":0}"), "%s", r.out);
	run_result_free(&r);

	finish(&L, SIGTERM, 15);
	launch_free(&L);
}

Test(control_restart, the_only_peer_restarts_without_ending_the_launch)
{
	/* A workload that ignores SIGTERM is killed after --grace. */
	static const char script[] = "trap '' TERM; echo \"up $$\"; "
				     "while :; do sleep 0.1; done";
	const char *args[] = {"--grace", "300ms", NULL};
	struct launch L;
	struct run_result r;
	double t0, took;

	NEED_ROOT();
	start(&L, "1", args, script);
	cr_assert(launch_wait_for(&L, "[peer1] up", 1, 10), "%s", L.ebuf);
	t0 = now_s();
	CTL(&L, &r, "restart", "1");
	took = now_s() - t0;
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
	/* TERM was ignored: the reply came after the grace period. */
	cr_assert_geq(took, 0.25, "%.3f s", took);
	cr_assert(launch_wait_for(&L, "[peer1] up", 2, 10), "%s", L.ebuf);
	cr_assert_eq(waitpid(L.pid, NULL, WNOHANG), 0, "the launch ended");
	CTL(&L, &r, "peers");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(has(r.out, "running"), "%s", r.out);
	run_result_free(&r);
	finish(&L, SIGKILL, 15);
	launch_free(&L);
}

Test(control_restart, an_ended_peer_comes_back_and_its_last_run_counts)
{
	/* Peer 1 fails (3) the first time and succeeds the second: the
	 * mark it leaves in its own /tmp survives the restart. */
	static const char script[] =
	    "if [ \"$LINKEM_ID\" = 1 ]; then "
	    "  if [ -e /tmp/again ]; then echo second; exit 0; fi; "
	    "  touch /tmp/again; echo first; exit 3; "
	    "fi; sleep 5";
	struct launch L;
	struct run_result r;
	double end;

	NEED_ROOT();
	start(&L, "2", NULL, script);
	cr_assert(launch_wait_for(&L, "[peer1] first", 1, 10), "%s", L.ebuf);
	end = now_s() + 5;
	for (;;) {
		CTL(&L, &r, "peers");
		if (has(r.out, "exited 3") || now_s() > end)
			break;
		run_result_free(&r);
		usleep(50000);
	}
	cr_assert(has(r.out, "exited 3"), "%s", r.out);
	run_result_free(&r);
	/* An ended workload cannot be signalled... */
	CTL(&L, &r, "kill", "1");
	cr_assert_eq(r.status, 1);
	cr_assert(has(r.err, "peer1 has already ended"), "%s", r.err);
	run_result_free(&r);
	/* ...but it can be brought back. */
	CTL(&L, &r, "restart", "1");
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
	cr_assert(launch_wait_for(&L, "[peer1] second", 1, 10), "%s", L.ebuf);
	/* 0, not 3: the last run counts. */
	cr_assert_eq(finish(&L, 0, 20), 0, "%s", L.ebuf);
	launch_free(&L);
}

Test(control_restart, a_restart_that_fails_is_the_exit_status)
{
	/* The second run exits 7: the launch's status is 7. */
	static const char script[] =
	    "if [ \"$LINKEM_ID\" = 2 ]; then sleep 5; exit 0; fi; "
	    "if [ -e /tmp/again ]; then exit 7; fi; touch /tmp/again; "
	    "echo ready; exec sleep 30";
	struct launch L;
	struct run_result r;

	NEED_ROOT();
	start(&L, "2", NULL, script);
	cr_assert(launch_wait_for(&L, "[peer1] ready", 1, 10), "%s", L.ebuf);
	CTL(&L, &r, "restart", "1");
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
	cr_assert_eq(finish(&L, 0, 20), 7, "%s", L.ebuf);
	launch_free(&L);
}

Test(control_restart, the_sandbox_holds_after_a_restart)
{
	static const char script[] =
	    "grep -E '^(CapEff|CapBnd|NoNewPrivs|Seccomp):' "
	    "/proc/self/status | tr '\\t' ' '; echo done; exec sleep 30";
	struct launch L;
	struct run_result r;

	NEED_ROOT();
	start(&L, "1", NULL, script);
	cr_assert(launch_wait_for(&L, "[peer1] done", 1, 10), "%s", L.ebuf);
	CTL(&L, &r, "restart", "1");
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
	cr_assert(launch_wait_for(&L, "[peer1] done", 2, 10), "%s", L.ebuf);
	cr_assert_eq(occurrences(L.obuf, "[peer1] CapEff: 0000000000000000"), 2,
		     "%s", L.obuf);
	cr_assert_eq(occurrences(L.obuf, "[peer1] CapBnd: 0000000000000000"), 2,
		     "%s", L.obuf);
	cr_assert_eq(occurrences(L.obuf, "[peer1] NoNewPrivs: 1"), 2, "%s",
		     L.obuf);
	cr_assert_eq(occurrences(L.obuf, "[peer1] Seccomp: 2"), 2, "%s",
		     L.obuf);
	finish(&L, SIGKILL, 15);
	launch_free(&L);
}

Test(control_restart, errors_name_the_peer_and_replies_stay_in_order)
{
	struct launch L;
	struct run_result r;
	char *rep;
	int fd;

	NEED_ROOT();
	start(&L, "2", NULL, "echo up; exec sleep 30");
	cr_assert(launch_wait_for(&L, "up", 2, 10), "%s", L.ebuf);
	CTL(&L, &r, "restart", "7");
	cr_assert_eq(r.status, 1);
	cr_assert(has(r.err, "unknown peer '7'"), "%s", r.err);
	run_result_free(&r);
	CTL(&L, &r, "restart");
	cr_assert_eq(r.status, 1);
	cr_assert(has(r.err, "usage: restart PEER"), "%s", r.err);
	run_result_free(&r);

	/* Pipelined: the restart's reply comes first, when it is done; the
	 * request after it is answered after it. */
	fd = raw_connect(L.sock);
	rep =
	    raw_call(fd,
		     "{\"v\":1,\"id\":1,\"cmd\":\"restart\",\"args\":[\"2\"]}\n"
		     "{\"v\":1,\"id\":2,\"cmd\":\"hello\"}\n",
		     10000);
	cr_assert_not_null(rep);
	cr_assert(has(rep, "{\"v\":1,\"id\":1,\"ok\":true,\"text\":\"peer2 "
			   "restarted (pid "),
		  "%s", rep);
	cr_assert(has(rep, "\"data\":{\"id\":2,\"workload_pid\":"), "%s", rep);
	rep = raw_call(fd, NULL, 10000);
	cr_assert_not_null(rep);
	cr_assert(has(rep, "\"id\":2,\"ok\":true"), "%s", rep);
	close(fd);
	/* A peer whose PID 1 is gone cannot come back. */
	CTL(&L, &r, "kill", "1", "KILL");
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
	usleep(200000);
	CTL(&L, &r, "restart", "1");
	cr_assert_eq(r.status, 1);
	cr_assert(has(r.err, "peer1 cannot be restarted"), "%s", r.err);
	run_result_free(&r);
	finish(&L, SIGTERM, 15);
	launch_free(&L);
}

/* The same through the library, in this process. */
Test(control_restart, library_restart_peer)
{
	static const char script[] =
	    "echo run; if [ \"$LINKEM_ID\" = 2 ]; then sleep 3; exit 0; fi; "
	    "[ -e /tmp/again ] && exit 0; touch /tmp/again; exit 4";
	char dir[] = "/tmp/lk-restart-api-XXXXXX", path[128], buf[256];
	char *argv[] = {"linkem-launch",
			"-q",
			"--log-dir",
			dir,
			"-n",
			"2",
			"--",
			"sh",
			"-c",
			(char *)script,
			NULL};
	struct lk_options opts;
	struct lk_launch *l;
	struct lk_error e = {0};
	struct lk_peer_result pr;
	int k = 1, fd;
	ssize_t n;
	double end;

	NEED_ROOT();
	cr_assert_not_null(mkdtemp(dir));
	test_remove_at_exit(dir);
	cr_assert_eq(lk_options_parse(10, argv, &opts, &e), 0, "%s", e.msg);
	cr_assert_eq(lk_launch_new(&opts, &l, &e), 0, "%s", e.msg);
	cr_assert_eq(lk_launch_start(l, &e), 0, "%s", e.msg);
	/* Wait for peer 1's first run to end (exit 4). */
	end = now_s() + 10;
	do {
		cr_assert_gt(lk_launch_poll(l, 10, &e), 0, "%s", e.msg);
		cr_assert_eq(lk_launch_peer_result(l, 1, &pr), 0);
	} while (!pr.ended && now_s() < end);
	cr_assert(pr.ended);
	cr_assert_eq(pr.status, 4);
	cr_assert_lt(lk_launch_restart_peer(l, 9, &e), 0);
	cr_assert(has(e.msg, "no peer 9"), "%s", e.msg);
	cr_assert_eq(lk_launch_restart_peer(l, 1, &e), 0, "%s", e.msg);
	cr_assert_eq(lk_launch_restart_peer(l, 1, &e), -EBUSY);
	while (k > 0 && lk_launch_peer_restarts(l, 1) == 0)
		k = lk_launch_poll(l, 10, &e);
	cr_assert_eq(lk_launch_peer_restarts(l, 1), 1);
	while ((k = lk_launch_poll(l, 10, &e)) > 0)
		;
	cr_assert_eq(k, 0, "%s", e.msg);
	cr_assert_eq(lk_launch_peer_result(l, 1, &pr), 0);
	cr_assert(pr.ended);
	cr_assert_eq(pr.status, 0);
	cr_assert_eq(lk_launch_exit_status(l), 0);
	lk_launch_free(l);
	lk_options_free(&opts);
	snprintf(path, sizeof(path), "%s/peer1.log", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	cr_assert_geq(fd, 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	/* Each line after its time stamp ("+0.012 run"). */
	{
		double t1, t2;
		char w1[8], w2[8];

		cr_assert_eq(sscanf(buf, "+%lf %7s\n+%lf %7s\n", &t1, w1, &t2,
				    w2),
			     4, "%s", buf);
		cr_assert_str_eq(w1, "run");
		cr_assert_str_eq(w2, "run");
		cr_assert(t1 >= 0 && t2 >= t1, "%s", buf);
		cr_assert_eq(count_lines(buf), 2, "%s", buf);
	}
	unlink(path);
	snprintf(path, sizeof(path), "%s/peer2.log", dir);
	unlink(path);
	rmdir(dir);
}
