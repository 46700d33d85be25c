/* test_lifecycle.c — how a launch is stopped and watched: one signal per
 * request (a terminal's Ctrl-C, timeout(1), kill to the group), the stop
 * signal to every process of a peer, SIGKILL after --grace named in the
 * summary, --stop-signal, time stamps, failures reported as they happen,
 * the progress line. */
#include "tests/support/launch_io.h"
#include "tests/support/need.h"
#include "tests/support/run.h"
#include "tests/support/runtime_dir.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int wait_exit(pid_t pid, int timeout_ms)
{
	for (int i = 0; i < timeout_ms / 5; i++) {
		int st;
		pid_t p = waitpid(pid, &st, WNOHANG);

		if (p == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st)
					     : 128 + WTERMSIG(st);
		usleep(5000);
	}
	return -1;
}

static void reap_or_kill(pid_t pid, int *st)
{
	*st = wait_exit(pid, 10000);
	if (*st < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

/* Read from fd until what has appeared count times, or timeout_ms; the
 * text read so far is in acc (NUL-terminated). */
static bool wait_count(int fd, const char *what, int count, int timeout_ms,
		       char *acc, size_t size)
{
	size_t len = strlen(acc);
	double end = now_s() + timeout_ms / 1000.0;

	while (occurrences(acc, what) < count) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int left = (int)((end - now_s()) * 1000);
		ssize_t n;

		if (left <= 0 || poll(&p, 1, left) <= 0)
			return false;
		n = read(fd, acc + len, size - len - 1);
		if (n <= 0)
			return false;
		len += (size_t)n;
		acc[len] = '\0';
	}
	return true;
}

/* Everything fd gives until end-of-file (or timeout_ms). */
static void read_all(int fd, int timeout_ms, char *acc, size_t size)
{
	wait_count(fd, "\001never\001", 1, timeout_ms, acc, size);
}

/* A workload that counts the SIGINTs it gets: after the first one it
 * waits 150 ms for a second, then says how many came.  The sleep in the
 * loop gets the signal too (it goes to every process of the peer). */
#define COUNT_INTS                                                             \
	"n=0; trap 'n=$((n+1))' INT; echo ready; "                             \
	"while [ $n = 0 ]; do sleep 0.02; done; sleep 0.15; "                   \
	"echo total-$n; exit 130"

/* A terminal's Ctrl-C reaches the supervisor only (the peers' inits are
 * in sessions of their own), and it forwards it once: exactly one SIGINT
 * per workload, in every one of 50 runs. */
Test(lifecycle, ctrl_c_on_a_terminal_gives_one_sigint_in_50_runs,
     .timeout = 240)
{
	int once = 0;

	NEED_ROOT();
	test_private_runtime_dir("life");
	for (int run = 0; run < 50; run++) {
		char acc[4096] = "";
		int master, st;
		pid_t pid = forkpty(&master, NULL, NULL, NULL);

		cr_assert_geq(pid, 0);
		if (pid == 0) {
			execl(build_path("linkem-launch"), "linkem-launch",
			      "-q", "-n", "1", "--", "sh", "-c", COUNT_INTS,
			      (char *)NULL);
			_exit(127);
		}
		cr_assert(wait_count(master, "ready", 1, 10000, acc,
				     sizeof(acc)),
			  "run %d: the peer did not start: %s", run, acc);
		cr_assert_eq(write(master, "\003", 1), 1); /* Ctrl-C */
		wait_count(master, "total-", 1, 5000, acc, sizeof(acc));
		reap_or_kill(pid, &st);
		read_all(master, 200, acc, sizeof(acc));
		close(master);
		cr_assert_eq(st, 130, "run %d: status %d: %s", run, st, acc);
		cr_assert(has(acc, "total-1"), "run %d: %s", run, acc);
		once++;
	}
	cr_assert_eq(once, 50);
	cr_log_info("Ctrl-C: exactly one SIGINT per workload in %d of 50 "
		    "runs",
		    once);
}

#define SLOWSTOP                                                               \
	"trap 'echo got-term; sleep 0.3; echo clean-stop; exit 0' TERM; "      \
	"echo ready; while :; do sleep 0.05; done"

/* timeout(1) signals linkem-launch, then its whole process group: one
 * request.  The workload's handler runs (no SIGKILL). */
Test(lifecycle, timeout_stops_gracefully)
{
	char *argv[] = {"timeout", "1",	     (char *)build_path("linkem-launch"),
			"-q",	   "--grace", "10s",
			"-n",	   "1",	      "--",
			"sh",	   "-c",      SLOWSTOP,
			NULL};
	struct run_result r;

	NEED_ROOT();
	test_private_runtime_dir("life");
	cr_assert_eq(run_cmd(argv, NULL, 15000, &r), 0);
	cr_assert_eq(r.status, 124, "status %d: %s%s", r.status, r.out, r.err);
	cr_assert_eq(occurrences(r.out, "got-term"), 1, "%s", r.out);
	cr_assert(has(r.out, "clean-stop"), "%s", r.out);
	/* Not after the grace period: no SIGKILL was needed. */
	cr_assert(r.seconds < 8.0, "took %.2f s", r.seconds);
	cr_assert_not(has(r.err, "SIGKILL"), "%s", r.err);
	run_result_free(&r);
}

/* kill -TERM to the launch's process group: the same. */
Test(lifecycle, sigterm_to_the_group_is_one_request)
{
	char acc[4096] = "";
	int fds[2], st;
	pid_t pid;

	NEED_ROOT();
	test_private_runtime_dir("life");
	cr_assert_eq(pipe2(fds, O_CLOEXEC), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		setpgid(0, 0);
		dup2(fds[1], 1);
		execl(build_path("linkem-launch"), "linkem-launch", "-q", "-n",
		      "2", "--", "sh", "-c", SLOWSTOP, (char *)NULL);
		_exit(127);
	}
	setpgid(pid, pid);
	close(fds[1]);
	cr_assert(wait_count(fds[0], "ready", 2, 10000, acc, sizeof(acc)),
		  "%s", acc);
	cr_assert_eq(kill(-pid, SIGTERM), 0);
	reap_or_kill(pid, &st);
	read_all(fds[0], 1000, acc, sizeof(acc));
	close(fds[0]);
	cr_assert_eq(st, 0, "status %d: %s", st, acc);
	cr_assert_eq(occurrences(acc, "got-term"), 2, "%s", acc);
	cr_assert_eq(occurrences(acc, "clean-stop"), 2, "%s", acc);
}

/* The rule: signals within 250 ms of each other are one request; the
 * second request only says what the third does; the third kills. */
Test(lifecycle, the_third_request_kills_at_once)
{
	char *argv[] = {(char *)build_path("linkem-launch"),
			"-n",
			"1",
			"--grace",
			"20s",
			"--",
			"sh",
			"-c",
			"trap '' TERM; echo ready; while :; do sleep 0.05; done",
			NULL};
	char acc[4096] = "", errs[4096] = "";
	int out, err, st;
	double t0;
	pid_t pid;

	NEED_ROOT();
	test_private_runtime_dir("life");
	pid = spawn_cmd(argv, &out, &err);
	cr_assert(wait_count(out, "ready", 1, 10000, acc, sizeof(acc)));
	/* One request, sent three times (as timeout and a script would). */
	kill(pid, SIGTERM);
	usleep(10000);
	kill(pid, SIGTERM);
	usleep(10000);
	kill(pid, SIGTERM);
	usleep(400000);
	cr_assert_eq(waitpid(pid, &st, WNOHANG), 0,
		     "killed by copies of one request");
	/* The second request: a notice, still running. */
	kill(pid, SIGTERM);
	cr_assert(wait_count(err, "one more Ctrl-C", 1, 2000, errs,
			     sizeof(errs)),
		  "%s", errs);
	usleep(400000);
	cr_assert_eq(waitpid(pid, &st, WNOHANG), 0,
		     "killed at the second request");
	/* The third: SIGKILL at once, not after 20 s. */
	t0 = now_s();
	kill(pid, SIGTERM);
	st = wait_exit(pid, 5000);
	cr_assert_eq(st, 128 + SIGKILL, "status %d", st);
	cr_assert(now_s() - t0 < 2.0, "took %.2f s", now_s() - t0);
	close(out);
	close(err);
}

/* Two daemons a script started in the background: each one is told. */
#define TWO_DAEMONS                                                            \
	"d() { trap \"echo $1 got-term; exit 0\" TERM; "                       \
	"while :; do sleep 0.05; done; }; d a & d b & "

Test(lifecycle, daemons_of_a_script_get_sigterm_on_stop)
{
	char *argv[] = {(char *)build_path("linkem-launch"), "-q", "-n", "1",
			"--", "sh", "-c", TWO_DAEMONS "echo ready; wait",
			NULL};
	char acc[4096] = "";
	int out, err, st;
	pid_t pid;

	NEED_ROOT();
	test_private_runtime_dir("life");
	pid = spawn_cmd(argv, &out, &err);
	cr_assert(wait_count(out, "ready", 1, 10000, acc, sizeof(acc)));
	usleep(100000); /* both traps set */
	kill(pid, SIGTERM);
	reap_or_kill(pid, &st);
	read_all(out, 1000, acc, sizeof(acc));
	cr_assert(has(acc, "a got-term") && has(acc, "b got-term"), "%s", acc);
	close(out);
	close(err);
}

/* The main process ends while the daemons still run: they get SIGTERM
 * (not SIGKILL), and the launch ends with the main process's status. */
Test(lifecycle, leftovers_get_sigterm_when_the_main_process_ends)
{
	struct run_result r;
	char *argv[] = {(char *)build_path("linkem-launch"), "-q", "-n", "1",
			"--", "sh", "-c",
			TWO_DAEMONS "sleep 0.3; echo main-done", NULL};

	NEED_ROOT();
	test_private_runtime_dir("life");
	cr_assert_eq(run_cmd(argv, NULL, 15000, &r), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(has(r.out, "main-done"), "%s", r.out);
	cr_assert(has(r.out, "a got-term") && has(r.out, "b got-term"), "%s",
		  r.out);
	cr_assert_not(has(r.err, "SIGKILL"), "%s", r.err);
	run_result_free(&r);
}

/* What ignores the stop signal is killed after --grace, and the summary
 * names the peer. */
Test(lifecycle, sigkill_after_grace_is_named_in_the_summary)
{
	struct run_result r;
	char *argv[] = {(char *)build_path("linkem-launch"),
			"-q",
			"-n",
			"2",
			"--grace",
			"200ms",
			"--",
			"sh",
			"-c",
			"if [ $LINKEM_ID = 2 ]; then (trap '' TERM; "
			"exec sleep 5) & fi; sleep 0.2",
			NULL};

	NEED_ROOT();
	test_private_runtime_dir("life");
	cr_assert_eq(run_cmd(argv, NULL, 15000, &r), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(has(r.err, "SIGKILL after the 200 ms grace period was "
			     "needed in peer2\n"),
		  "%s", r.err);
	cr_assert(r.seconds < 8.0, "took %.2f s", r.seconds);
	run_result_free(&r);
}

/* --stop-signal INT: a SIGTERM to the launch reaches the workloads as
 * SIGINT. */
Test(lifecycle, stop_signal_replaces_the_signal_received)
{
	char *argv[] = {(char *)build_path("linkem-launch"),
			"-q",
			"-n",
			"1",
			"--stop-signal",
			"INT",
			"--",
			"sh",
			"-c",
			"trap 'echo got-int; exit 0' INT; "
			"trap 'echo got-term; exit 0' TERM; echo ready; "
			"while :; do sleep 0.05; done",
			NULL};
	char acc[4096] = "";
	int out, err, st;
	pid_t pid;

	NEED_ROOT();
	test_private_runtime_dir("life");
	pid = spawn_cmd(argv, &out, &err);
	cr_assert(wait_count(out, "ready", 1, 10000, acc, sizeof(acc)));
	kill(pid, SIGTERM);
	reap_or_kill(pid, &st);
	read_all(out, 1000, acc, sizeof(acc));
	cr_assert(has(acc, "got-int"), "%s", acc);
	cr_assert_not(has(acc, "got-term"), "%s", acc);
	close(out);
	close(err);
}

/* "+S.mmm " at the start of text; -1 if none. */
static double stamp_of(const char *line)
{
	char *end;
	double t;

	if (line[0] != '+')
		return -1;
	t = strtod(line + 1, &end);
	return end > line + 1 && *end == ' ' ? t : -1;
}

/* Stamps on every line never go back, and a timeline step's own time
 * ("+0.300s") and its line's stamp agree within 5 ms. */
Test(lifecycle, timestamps_are_monotonic_and_match_the_steps)
{
	struct run_result r;
	char *argv[] = {(char *)build_path("linkem-launch"),
			"-n",
			"2",
			"--timestamps",
			"--at",
			"300ms:1-2:delay=1ms",
			"--at",
			"600ms:heal",
			"--",
			"sh",
			"-c",
			"for i in 1 2 3 4 5 6 7 8 9 10; do echo line $i; "
			"sleep 0.08; done",
			NULL};
	double last = 0;
	int lines = 0, steps = 0;
	char *save = NULL;

	NEED_ROOT();
	test_private_runtime_dir("life");
	cr_assert_eq(run_cmd(argv, NULL, 20000, &r), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	for (char *l = strtok_r(r.out, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		double t = stamp_of(l);

		cr_assert_geq(t, last, "not monotonic at '%s'", l);
		last = t;
		lines++;
	}
	cr_assert_eq(lines, 20, "%d lines", lines);
	cr_assert(has(r.err, "peers released at "), "%s", r.err);
	save = NULL;
	for (char *l = strtok_r(r.err, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		double t = stamp_of(l);
		const char *step = strstr(l, "linkem-launch: +");

		cr_assert_geq(t, 0, "no stamp on '%s'", l);
		if (!step || !strstr(l, "--at"))
			continue;
		double at = strtod(step + strlen("linkem-launch: +"), NULL);

		cr_assert(at - t < 0.005 && t - at < 0.005,
			  "'%s': %.3f and %.3f", l, t, at);
		steps++;
	}
	cr_assert_eq(steps, 2);
	run_result_free(&r);
}

/* A peer that fails is reported while the others still run. */
Test(lifecycle, a_failure_is_reported_when_it_happens)
{
	char *argv[] = {(char *)build_path("linkem-launch"), "-n", "3", "--",
			"sh", "-c",
			"[ $LINKEM_ID = 3 ] && { sleep 0.2; exit 7; }; sleep 3",
			NULL};
	char acc[4096] = "";
	int out, err, st;
	double t0 = now_s();
	pid_t pid;

	NEED_ROOT();
	test_private_runtime_dir("life");
	pid = spawn_cmd(argv, &out, &err);
	cr_assert(wait_count(err, "peer3 exited with status 7 at +", 1, 2500,
			     acc, sizeof(acc)),
		  "%s", acc);
	cr_assert_eq(waitpid(pid, &st, WNOHANG), 0,
		     "the launch had ended already");
	cr_assert(now_s() - t0 < 2.5);
	kill(pid, SIGTERM);
	reap_or_kill(pid, &st);
	close(out);
	close(err);
}

/* On a terminal, more than 50 peers: a progress line while they are
 * created, erased at the end; without a terminal, none. */
Test(lifecycle, progress_line_on_a_terminal_only, .timeout = 120)
{
	char acc[16384] = "";
	struct run_result r;
	char *argv[] = {(char *)build_path("linkem-launch"), "-n", "60", "--",
			"true", NULL};
	int master, st;
	pid_t pid;

	NEED_ROOT();
	test_private_runtime_dir("life");
	pid = forkpty(&master, NULL, NULL, NULL);
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	read_all(master, 60000, acc, sizeof(acc));
	reap_or_kill(pid, &st);
	close(master);
	cr_assert_eq(st, 0, "%s", acc);
	cr_assert(has(acc, "\rlinkem-launch: creating peers "), "%s", acc);
	cr_assert(has(acc, "\r\033[K"), "not erased: %s", acc);
	cr_assert_eq(run_cmd(argv, NULL, 60000, &r), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_not(has(r.err, "creating peers"), "%s", r.err);
	run_result_free(&r);
}

/* ---- linkem-ctl exec -t ------------------------------------------------ */

/* linkem-ctl exec ARGS... on a new pty of rows x cols; returns its pid
 * and the pty's master in *master. */
static pid_t ctl_on_pty(const char *sock, char *const args[], int rows,
			int cols, int *master)
{
	struct winsize ws = {.ws_row = (unsigned short)rows,
			     .ws_col = (unsigned short)cols};
	char *argv[16] = {(char *)build_path("linkem-ctl"), "-c",
			  (char *)sock, "exec"};
	int n = 4;
	pid_t pid;

	for (int i = 0; args[i] && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	pid = forkpty(master, NULL, NULL, &ws);
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* `tty` names the peer's own pty, `stty size` the caller's window size,
 * an interactive shell has job control. */
Test(lifecycle, exec_t_gives_a_terminal, .timeout = 60)
{
	struct launch L;
	char *args[] = {"-t", "1", "--", "sh", "-c",
			"tty; stty size; echo done", NULL};
	char *job[] = {"-t", "1", "--", "bash", "-ic",
		       "sleep 0.1 & wait; echo jobs-ok", NULL};
	char acc[4096] = "";
	int master, st;
	pid_t pid;

	NEED_ROOT();
	test_private_runtime_dir("life");
	launch_start(&L, "1", NULL, "exec sleep 30");
	pid = ctl_on_pty(L.sock, args, 33, 101, &master);
	cr_assert(wait_count(master, "done", 1, 10000, acc, sizeof(acc)),
		  "%s", acc);
	reap_or_kill(pid, &st);
	close(master);
	cr_assert_eq(st, 0, "%s", acc);
	cr_assert(has(acc, "/dev/pts/"), "%s", acc);
	cr_assert_not(has(acc, "not a tty"), "%s", acc);
	cr_assert(has(acc, "33 101"), "%s", acc);

	acc[0] = '\0';
	pid = ctl_on_pty(L.sock, job, 24, 80, &master);
	cr_assert(wait_count(master, "jobs-ok", 1, 10000, acc, sizeof(acc)),
		  "%s", acc);
	reap_or_kill(pid, &st);
	close(master);
	cr_assert_eq(st, 0, "%s", acc);
	cr_assert_not(has(acc, "no job control"), "%s", acc);
	cr_assert_not(has(acc, "cannot set terminal process group"), "%s",
		      acc);
	launch_finish(&L, SIGTERM, 15);
	launch_free(&L);
}

/* -it: Ctrl-C goes to the command (not to linkem-ctl), a window size
 * change reaches it as SIGWINCH with the new size, typed input arrives. */
Test(lifecycle, exec_it_forwards_ctrl_c_input_and_window_size,
     .timeout = 60)
{
	struct launch L;
	char *args[] = {"-it", "1", "--", "sh", "-c",
			"trap 'stty size' WINCH; "
			"trap 'echo got-int; exit 5' INT; "
			"echo ready; read line; echo read-$line; "
			"while :; do sleep 0.05; done",
			NULL};
	struct winsize ws = {.ws_row = 40, .ws_col = 120};
	char acc[4096] = "";
	int master, st;
	pid_t pid;

	NEED_ROOT();
	test_private_runtime_dir("life");
	launch_start(&L, "1", NULL, "exec sleep 30");
	pid = ctl_on_pty(L.sock, args, 24, 80, &master);
	cr_assert(wait_count(master, "ready", 1, 10000, acc, sizeof(acc)),
		  "%s", acc);
	cr_assert_eq(write(master, "abc\r", 4), 4);
	cr_assert(wait_count(master, "read-abc", 1, 5000, acc, sizeof(acc)),
		  "%s", acc);
	cr_assert_eq(ioctl(master, TIOCSWINSZ, &ws), 0);
	cr_assert(wait_count(master, "40 120", 1, 5000, acc, sizeof(acc)),
		  "%s", acc);
	cr_assert_eq(write(master, "\003", 1), 1); /* Ctrl-C */
	cr_assert(wait_count(master, "got-int", 1, 5000, acc, sizeof(acc)),
		  "%s", acc);
	reap_or_kill(pid, &st);
	close(master);
	cr_assert_eq(st, 5, "%s", acc);
	launch_finish(&L, SIGTERM, 15);
	launch_free(&L);
}
