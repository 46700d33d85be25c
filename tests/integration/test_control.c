/* test_control.c — the control socket and linkem-ctl against real launches
 * (bridge engine: no link changes here; see test_control_links.c). */
#include "tests/support/launch_io.h"
#include "tests/support/need.h"
#include "tests/support/run.h"
#include "tests/support/runtime_dir.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A private directory for the sockets of this test's launches, removed
 * when the test ends, whether it passes or fails (runtime_dir.h). */
static void private_runtime_dir(void)
{
	test_private_runtime_dir("ctl");
}

#define CTL(r, ...)                                                            \
	do {                                                                   \
		char *argv_[] = {(char *)build_path("linkem-ctl"),             \
				 __VA_ARGS__, NULL};                           \
		cr_assert_eq(run_cmd(argv_, NULL, 15000, r), 0);               \
	} while (0)

Test(control, socket_mode_path_and_removal_at_exit)
{
	struct launch L;
	struct run_result r;
	struct stat st;
	char lock[300], dir[256];

	NEED_ROOT();
	private_runtime_dir();
	launch_start(&L, "2", NULL, "sleep 30");
	snprintf(dir, sizeof(dir), "%s/linkem/", getenv("XDG_RUNTIME_DIR"));
	cr_assert_eq(strncmp(L.sock, dir, strlen(dir)), 0, "%s", L.sock);
	cr_assert_eq(stat(L.sock, &st), 0);
	cr_assert(S_ISSOCK(st.st_mode));
	cr_assert_eq(st.st_mode & 07777, 0600, "%o", st.st_mode);
	cr_assert_eq(st.st_uid, geteuid());
	snprintf(lock, sizeof(lock), "%s.lock", L.sock);
	cr_assert_eq(access(lock, F_OK), 0);
	cr_assert_eq(stat(dir, &st), 0);
	cr_assert_eq(st.st_mode & 0077, 0, "%o", st.st_mode);

	CTL(&r, "peers");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(has(r.out, "peer1     10.0.0.1"), "%s", r.out);
	cr_assert(has(r.out, "peer2     10.0.0.2"), "%s", r.out);
	cr_assert_eq(count_lines(r.out), 3, "%s", r.out);
	cr_assert(has(r.out, "running"), "%s", r.out);
	run_result_free(&r);
	CTL(&r, "--json", "peers");
	cr_assert(has(r.out, "[{\"id\":1,\"name\":\"peer1\",\"addr\":"
			     "\"10.0.0.1\",\"addr6\":\"fd00:6c6b::1\""),
		  "%s", r.out);
	run_result_free(&r);

	launch_finish(&L, SIGTERM, 15);
	cr_assert_neq(access(L.sock, F_OK), 0, "socket left behind");
	cr_assert_neq(access(lock, F_OK), 0, "lock left behind");
	launch_free(&L);
}

Test(control, quiet_prints_nothing_and_control_path_is_honoured)
{
	char path[] = "/tmp/lk-ctl-XXXXXX", sock[64];
	const char *args[] = {"-q", "--control", sock, NULL};
	struct run_result r;
	char *argv[] = {(char *)build_path("linkem-launch"),
			"-n",
			"1",
			"-q",
			"--control",
			sock,
			"--",
			"sh",
			"-c",
			"sleep 0.5",
			NULL};

	NEED_ROOT();
	(void)args;
	cr_assert_not_null(mkdtemp(path));
	test_remove_at_exit(path);
	snprintf(sock, sizeof(sock), "%s/c.sock", path);
	cr_assert_eq(run_cmd(argv, NULL, 15000, &r), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_eq(r.err_len, 0, "%s", r.err);
	cr_assert_neq(access(sock, F_OK), 0);
	run_result_free(&r);
	rmdir(path);
}

Test(control, finds_the_only_launch_and_names_candidates_when_two_run)
{
	struct launch A, B;
	struct run_result r;

	NEED_ROOT();
	private_runtime_dir();
	CTL(&r, "peers");
	cr_assert_eq(r.status, 1);
	cr_assert(has(r.err, "no running launch found in"), "%s", r.err);
	run_result_free(&r);

	launch_start(&A, "1", NULL, "sleep 30");
	CTL(&r, "hello");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(has(r.out, "1 peers, engine bridge"), "%s", r.out);
	run_result_free(&r);

	launch_start(&B, "2", NULL, "sleep 30");
	CTL(&r, "peers");
	cr_assert_eq(r.status, 1);
	cr_assert(has(r.err, "2 launches are running"), "%s", r.err);
	cr_assert(has(r.err, A.sock), "%s", r.err);
	cr_assert(has(r.err, B.sock), "%s", r.err);
	run_result_free(&r);
	CTL(&r, "list");
	cr_assert_eq(count_lines(r.out), 2, "%s", r.out);
	run_result_free(&r);
	/* --control picks one. */
	CTL(&r, "--control", B.sock, "hello");
	cr_assert(has(r.out, "2 peers"), "%s", r.out);
	run_result_free(&r);
	launch_finish(&A, SIGTERM, 15);
	launch_finish(&B, SIGTERM, 15);
	launch_free(&A);
	launch_free(&B);
}

/* linkem-ctl looks only where linkem-launch would put its socket in the
 * same environment: under a set XDG_RUNTIME_DIR it does not take a launch
 * in /run/linkem (a user's, beside this test).  Seen in a mount
 * namespace of its own whose /run is empty but for /run/linkem, which
 * holds a launch of this test, and /run/y, an empty XDG_RUNTIME_DIR. */
Test(control, a_set_xdg_runtime_dir_is_the_only_place_searched)
{
	static const char script[] =
	    "set -e; mount --bind \"$1\" \"$2\"; mount -t tmpfs lk /run; "
	    "mkdir /run/linkem /run/y; mount --move \"$2\" /run/linkem; "
	    "set +e; XDG_RUNTIME_DIR=/run/y \"$3\" peers; echo rc=$?; "
	    "XDG_RUNTIME_DIR=/run/y \"$3\" list; echo listed; "
	    "env -u XDG_RUNTIME_DIR \"$3\" hello; echo rc=$?";
	char stage[] = "/tmp/lk-ctl-ns-XXXXXX", sockdir[300];
	struct launch A;
	struct run_result r;

	NEED_ROOT();
	private_runtime_dir();
	cr_assert_not_null(mkdtemp(stage));
	test_remove_at_exit(stage);
	launch_start(&A, "1", NULL, "sleep 30");
	snprintf(sockdir, sizeof(sockdir), "%s/linkem",
		 getenv("XDG_RUNTIME_DIR"));
	{
		char *argv[] = {
		    "unshare", "-m",	       "sh",
		    "-c",      (char *)script, "sh",
		    sockdir,   stage,	       (char *)build_path("linkem-ctl"),
		    NULL};

		cr_assert_eq(run_cmd(argv, NULL, 15000, &r), 0);
	}
	cr_assert(has(r.out, "rc=1\nlisted\n"), "%s\n%s", r.out, r.err);
	cr_assert(has(r.err, "no running launch found in /run/y/linkem\n"),
		  "%s", r.err);
	cr_assert(has(r.err, "launches started without XDG_RUNTIME_DIR are "
			     "in /run/linkem"),
		  "%s", r.err);
	/* Without XDG_RUNTIME_DIR, /run/linkem is the place. */
	cr_assert(has(r.out, "1 peers, engine bridge"), "%s\n%s", r.out, r.err);
	cr_assert(has(r.out, "rc=0\n"), "%s", r.out);
	run_result_free(&r);
	launch_finish(&A, SIGTERM, 15);
	launch_free(&A);
}

/* How many descriptors the linkem-exec helper holds; -1 when none. */
static int helper_fds(void)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = -1;

	while (d && (de = readdir(d)) != NULL) {
		char path[300], comm[32] = "";
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) &&
		    strcmp(comm, "linkem-exec\n") == 0) {
			DIR *fd;

			snprintf(path, sizeof(path), "/proc/%s/fd", de->d_name);
			fd = opendir(path);
			n = 0;
			while (fd && readdir(fd))
				n++;
			n -= 2; /* . and .. */
			if (fd)
				closedir(fd);
		}
		fclose(f);
	}
	if (d)
		closedir(d);
	return n;
}

Test(control, exec_runs_inside_the_peer)
{
	struct launch L;
	struct run_result r;
	char want[128];
	const char *p;

	NEED_ROOT();
	private_runtime_dir();
	launch_start(&L, "3", NULL,
		     "echo net=$(readlink /proc/self/ns/net); exec sleep 30");
	launch_pump(&L, 300);
	CTL(&r, "--control", L.sock, "exec", "2", "--", "hostname");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_str_eq(r.out, "peer2\n");
	run_result_free(&r);

	CTL(&r, "--control", L.sock, "exec", "peer3", "--", "sh", "-c",
	    "echo net=$(readlink /proc/self/ns/net); "
	    "echo init=$(cat /proc/1/comm); ip -o -4 addr show dev eth0; "
	    "grep CapEff /proc/self/status; echo id=$LINKEM_ID; "
	    "echo err >&2; exit 7");
	cr_assert_eq(r.status, 7, "%s", r.err);
	p = strstr(L.obuf, "[peer3] net=");
	cr_assert_not_null(p, "%s", L.obuf);
	snprintf(want, sizeof(want), "net=%.*s", (int)strcspn(p + 12, "\n"),
		 p + 12);
	cr_assert(has(r.out, want), "%s vs %s", r.out, want);
	cr_assert(has(r.out, "init=linkem-init"), "%s", r.out);
	cr_assert(has(r.out, "10.0.0.3/16"), "%s", r.out);
	/* Root of the peer's user namespace, with only the capabilities
	 * that act there (LK_SANDBOX_USERNS_CAPS), as the workload. */
	cr_assert(has(r.out, "CapEff:\t00000000000004fb"), "%s", r.out);
	cr_assert(has(r.out, "id=3"), "%s", r.out);
	cr_assert_str_eq(r.err, "err\n");
	run_result_free(&r);

	/* While a command runs, its helper holds nothing of the
	 * supervisor's but the conversation and the caller's three
	 * descriptors. */
	{
		char *argv[] = {(char *)build_path("linkem-ctl"),
				"--control",
				L.sock,
				"exec",
				"1",
				"--",
				"sleep",
				"1",
				NULL};
		int o, er, st, fdn = -1;
		pid_t c = spawn_cmd(argv, &o, &er);

		for (int i = 0; i < 100 && fdn < 0; i++) {
			usleep(20000);
			fdn = helper_fds();
		}
		cr_assert_geq(fdn, 0, "no linkem-exec process");
		/* Counted again once the command runs (it runs 1 s): the
		 * helper opens a few for a moment while it enters the peer
		 * (its root, a pipe for exec's result). */
		usleep(400000);
		fdn = helper_fds();
		cr_assert_leq(fdn, 5, "the helper holds %d descriptors", fdn);
		waitpid(c, &st, 0);
		cr_assert_eq(WEXITSTATUS(st), 0);
		close(o);
		close(er);
	}
	CTL(&r, "--control", L.sock, "exec", "2", "--", "/no/such/program");
	cr_assert_eq(r.status, 1);
	cr_assert(
	    has(r.err, "exec in peer2: cannot execute '/no/such/program'"),
	    "%s", r.err);
	run_result_free(&r);
	CTL(&r, "--control", L.sock, "exec", "9", "--", "true");
	cr_assert(has(r.err, "unknown peer '9' (expected 1..3)"), "%s", r.err);
	run_result_free(&r);
	launch_finish(&L, SIGTERM, 15);
	launch_free(&L);
}

Test(control, kill_and_peer_states)
{
	struct launch L;
	struct run_result r;

	NEED_ROOT();
	private_runtime_dir();
	launch_start(&L, "3", NULL, "exec sleep 30");
	CTL(&r, "--control", L.sock, "kill", "2", "KILL");
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
	for (int i = 0; i < 50; i++) {
		CTL(&r, "--control", L.sock, "peers");
		if (has(r.out, "killed by SIGKILL"))
			break;
		run_result_free(&r);
		usleep(20000);
	}
	cr_assert(has(r.out, "killed by SIGKILL"), "%s", r.out);
	cr_assert_eq(count_lines(r.out) - 1, 3);
	run_result_free(&r);
	CTL(&r, "--control", L.sock, "kill", "3", "TERM");
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
	CTL(&r, "--control", L.sock, "kill", "2");
	cr_assert_eq(r.status, 1);
	cr_assert(has(r.err, "peer2 has already ended"), "%s", r.err);
	run_result_free(&r);
	CTL(&r, "--control", L.sock, "kill", "1", "NOPE");
	cr_assert(has(r.err, "'NOPE' is not a signal"), "%s", r.err);
	run_result_free(&r);
	CTL(&r, "--control", L.sock, "kill", "1");
	run_result_free(&r);
	/* The lowest-numbered failed peer: 1, by TERM. */
	cr_assert_eq(launch_finish(&L, 0, 15), 128 + SIGTERM, "%s", L.ebuf);
	launch_free(&L);
}

Test(control, changes_on_the_bridge_engine_are_refused_cleanly)
{
	struct launch L;
	struct run_result r;

	NEED_ROOT();
	private_runtime_dir();
	launch_start(&L, "2", NULL, "sleep 30");
	CTL(&r, "set", "1-2:delay=5ms");
	cr_assert_eq(r.status, 1);
	cr_assert(has(r.err, "bridge engine cannot change links"), "%s", r.err);
	run_result_free(&r);
	CTL(&r, "partition", "1/2");
	cr_assert(has(r.err, "bridge engine cannot change links"), "%s", r.err);
	run_result_free(&r);
	CTL(&r, "stats");
	cr_assert(has(r.err, "stats unavailable on this engine (bridge)"), "%s",
		  r.err);
	run_result_free(&r);
	CTL(&r, "show");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_eq(r.out_len, 0, "%s", r.out);
	run_result_free(&r);
	/* The supervisor is unharmed. */
	CTL(&r, "peers");
	cr_assert_eq(r.status, 0);
	run_result_free(&r);
	launch_finish(&L, SIGTERM, 15);
	launch_free(&L);
}

Test(control, bad_requests_get_errors_and_the_supervisor_goes_on)
{
	static const struct {
		const char *req, *want;
	} cases[] = {
	    {"garbage\n", "expected a JSON object at byte 1"},
	    {"{\"v\":1}\n", "no \\\"cmd\\\""},
	    {"{\"v\":9,\"cmd\":\"peers\"}\n", "protocol version 9"},
	    {"{\"v\":1,\"cmd\":\"fly\"}\n", "unknown command 'fly'"},
	    {"{\"v\":1,\"cmd\":\"kill\",\"args\":[\"7\"]}\n",
	     "unknown peer '7'"},
	    {"{\"v\":1,\"cmd\":\"set\",\"args\":[\"1-2:dealy=5ms\"]}\n",
	     "\"ok\":false"},
	    {"{\"v\":1,\"cmd\":\"exec\",\"args\":[\"1\",\"true\"]}\n",
	     "exec needs the caller's stdin"},
	    {"{\"v\":1,\"cmd\":\"peers\",\"args\":[\"x\"]}\n", "usage: peers"},
	};
	struct launch L;
	int fd;
	char *rep;

	NEED_ROOT();
	private_runtime_dir();
	launch_start(&L, "2", NULL, "sleep 30");
	fd = raw_connect(L.sock);
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		rep = raw_call(fd, cases[i].req, 5000);
		cr_assert_not_null(rep, "%s", cases[i].req);
		cr_assert(has(rep, cases[i].want), "%s -> %s", cases[i].req,
			  rep);
		cr_assert(has(rep, "\"ok\":false"), "%s", rep);
	}
	/* Same connection, still served; the id comes back. */
	rep = raw_call(fd, "{\"v\":1,\"id\":\"x1\",\"cmd\":\"hello\"}\n", 5000);
	cr_assert(has(rep, "{\"v\":1,\"id\":\"x1\",\"ok\":true"), "%s", rep);
	/* Two requests in one write: two replies, in order. */
	rep = raw_call(fd,
		       "{\"v\":1,\"id\":1,\"cmd\":\"hello\"}\n"
		       "{\"v\":1,\"id\":2,\"cmd\":\"hello\"}\n",
		       5000);
	cr_assert(has(rep, "\"id\":1,"), "%s", rep);
	rep = raw_call(fd, NULL, 5000);
	cr_assert(has(rep, "\"id\":2,"), "%s", rep);
	close(fd);
	launch_finish(&L, SIGTERM, 15);
	cr_assert_eq(L.status, 128 + SIGTERM, "%s", L.ebuf);
	launch_free(&L);
}

Test(control, misbehaving_clients_stall_nothing)
{
	struct launch L;
	struct run_result r;
	int hang, half, flood, big, idle[40];
	int before, after;
	char *rep, chunk[4096];
	size_t sent = 0;

	NEED_ROOT();
	private_runtime_dir();
	launch_start(&L, "2", NULL, "while :; do echo tick; sleep 0.05; done");
	/* One that connects and says nothing; one that sends half a
	 * request and waits; one that floods requests and never reads. */
	hang = raw_connect(L.sock);
	half = raw_connect(L.sock);
	cr_assert_eq(send(half, "{\"v\":1,\"cm", 10, 0), 10);
	flood = raw_connect(L.sock);
	fcntl(flood, F_SETFL, O_NONBLOCK);
	for (size_t i = 0; i + 30 < sizeof(chunk); i += 30)
		memcpy(chunk + i, "{\"v\":1,\"cmd\":\"peers\"}\n       ", 30);
	launch_pump(&L, 200);
	before = occurrences(L.obuf, "tick");
	for (double end = now_s() + 1.5; now_s() < end;) {
		ssize_t n =
		    send(flood, chunk, sizeof(chunk) - 30, MSG_NOSIGNAL);

		if (n > 0)
			sent += (size_t)n;
		launch_pump(&L, 1);
	}
	after = occurrences(L.obuf, "tick");
	/* 2 peers x ~20 ticks/s x 1.5 s: output kept flowing. */
	cr_assert_gt(after - before, 30, "%d ticks during the flood",
		     after - before);
	cr_assert_gt(sent, 100000, "the flood sent only %zu bytes", sent);
	/* Others still get answers, quickly. */
	CTL(&r, "--control", L.sock, "hello");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_lt(r.seconds, 1.0);
	run_result_free(&r);
	/* Too long a request: an error, then the connection is closed. */
	big = raw_connect(L.sock);
	{
		char *huge = malloc(70000);

		memset(huge, 'x', 70000);
		(void)!send(big, huge, 70000, MSG_NOSIGNAL);
		free(huge);
	}
	rep = raw_call(big, NULL, 5000);
	cr_assert_not_null(rep);
	cr_assert(has(rep, "request longer than 65536 bytes"), "%s", rep);
	close(big);
	/* More idle clients than slots: the oldest idle ones make room. */
	for (int i = 0; i < 40; i++)
		idle[i] = raw_connect(L.sock);
	CTL(&r, "--control", L.sock, "hello");
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
	/* Hang up mid-request, every way. */
	close(half);
	close(hang);
	close(flood);
	for (int i = 0; i < 40; i++)
		close(idle[i]);
	CTL(&r, "--control", L.sock, "peers");
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
	launch_finish(&L, SIGTERM, 15);
	launch_free(&L);
}

Test(control, peers_cannot_reach_the_socket)
{
	struct launch L, T;
	struct run_result r;
	char path[] = "/tmp/lk-ctl-XXXXXX", sock[64], script[512];
	const char *args[] = {"--control", sock, NULL};

	NEED_ROOT();
	private_runtime_dir();
	/* The default place: under /run, which the peers do not see. */
	launch_start(&L, "1", NULL, "sleep 30");
	CTL(&r, "--control", L.sock, "exec", "1", "--",
	    (char *)build_path("linkem-ctl"), "--control", L.sock, "hello");
	cr_assert_neq(r.status, 0, "a peer reached %s: %s", L.sock, r.out);
	cr_assert(has(r.err, "connect to"), "%s", r.err);
	run_result_free(&r);
	launch_finish(&L, SIGTERM, 15);
	launch_free(&L);

	/* A chosen path the peers would otherwise see (/tmp shows the
	 * host's files in the peers). */
	cr_assert_not_null(mkdtemp(path));
	test_remove_at_exit(path);
	snprintf(sock, sizeof(sock), "%s/c.sock", path);
	snprintf(script, sizeof(script),
		 "%s --control %s hello; echo rc=$?; ls -l %s; sleep 30",
		 build_path("linkem-ctl"), sock, path);
	launch_start(&T, "1", args, script);
	launch_pump(&T, 1000);
	cr_assert(has(T.obuf, "[peer1] rc=1"), "%s\n%s", T.obuf, T.ebuf);
	CTL(&r, "--control", sock, "hello");
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
	launch_finish(&T, SIGTERM, 15);
	launch_free(&T);
	rmdir(path);
}

Test(control, stale_sockets_after_sigkill_are_replaced)
{
	struct launch A, B, C;
	struct run_result r;
	char path[] = "/tmp/lk-ctl-XXXXXX", sock[64];
	const char *args[] = {"--control", sock, NULL};

	NEED_ROOT();
	private_runtime_dir();
	launch_start(&A, "1", NULL, "sleep 30");
	launch_finish(&A, SIGKILL, 15);
	cr_assert_eq(access(A.sock, F_OK), 0, "expected a stale socket");
	/* linkem-ctl ignores it... */
	CTL(&r, "peers");
	cr_assert(has(r.err, "no running launch found"), "%s", r.err);
	run_result_free(&r);
	/* ...and the next launch removes it. */
	launch_start(&B, "1", NULL, "sleep 30");
	cr_assert_neq(access(A.sock, F_OK), 0, "stale socket kept");
	CTL(&r, "peers");
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
	launch_finish(&B, SIGTERM, 15);
	launch_free(&A);
	launch_free(&B);

	/* The same with a chosen path; a live one is not taken over. */
	cr_assert_not_null(mkdtemp(path));
	test_remove_at_exit(path);
	snprintf(sock, sizeof(sock), "%s/c.sock", path);
	launch_start(&A, "1", args, "sleep 30");
	{
		char *argv[] = {(char *)build_path("linkem-launch"),
				"-n",
				"1",
				"--control",
				sock,
				"--",
				"true",
				NULL};

		cr_assert_eq(run_cmd(argv, NULL, 15000, &r), 0);
		cr_assert_neq(r.status, 0);
		cr_assert(has(r.err, "belongs to a running launch"), "%s",
			  r.err);
		run_result_free(&r);
	}
	launch_finish(&A, SIGKILL, 15);
	cr_assert_eq(access(sock, F_OK), 0);
	launch_start(&C, "1", args, "sleep 30");
	CTL(&r, "--control", sock, "hello");
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
	launch_finish(&C, SIGTERM, 15);
	cr_assert_neq(access(sock, F_OK), 0);
	launch_free(&A);
	launch_free(&C);
	rmdir(path);
}

Test(control, timeline_steps_apply_on_time_and_are_logged)
{
	struct launch L;
	const char *args[] = {"--at", "600ms:kill=2", "--at",
			      "400ms:kill=2:KILL", NULL};
	const char *p;
	double t;

	NEED_ROOT();
	private_runtime_dir();
	launch_start(&L, "2", args, "exec sleep 30");
	launch_pump(&L, 1200);
	p = strstr(L.ebuf, "--at 400ms:kill=2:KILL: kill 2 KILL\n");
	cr_assert_not_null(p, "%s", L.ebuf);
	/* "+0.40Xs": never early, and on time within a bound that a loaded
	 * CI machine keeps.  How close to 5 ms it lands is measured in
	 * bench/control/timeline.sh, not here. */
	while (p > L.ebuf && p[-1] != '+')
		p--;
	t = strtod(p, NULL);
	cr_assert(t >= 0.4 && t < 0.5, "applied at %.4f s", t);
	/* A step that fails says why, and the launch goes on. */
	cr_assert(has(L.ebuf, "--at 600ms:kill=2: kill 2 failed: peer2 has "
			      "already ended"),
		  "%s", L.ebuf);
	cr_assert_eq(launch_finish(&L, SIGTERM, 15), 128 + SIGTERM, "%s",
		     L.ebuf);
	launch_free(&L);
}

Test(control, scenario_errors_name_file_and_line)
{
	char path[] = "/tmp/lk-scn-XXXXXX";
	int fd = mkstemp(path);
	struct run_result r;
	char *argv[] = {(char *)build_path("linkem-launch"),
			"-n",
			"2",
			"--scenario",
			path,
			"--",
			"true",
			NULL};

	NEED_ROOT();
	cr_assert_geq(fd, 0);
	test_remove_at_exit(path);
	cr_assert_eq(write(fd, "# x\n1s heal\n2s partition 1/5\n", 29), 29);
	close(fd);
	cr_assert_eq(run_cmd(argv, NULL, 15000, &r), 0);
	cr_assert_eq(r.status, 2);
	cr_assert(has(r.err, ":3: 'partition 1/5'") || has(r.err, ":3:"), "%s",
		  r.err);
	cr_assert(has(r.err, "'5' is not a peer"), "%s", r.err);
	run_result_free(&r);
	unlink(path);
}

Test(control, another_user_cannot_connect)
{
	struct launch L;
	pid_t pid;
	int st;

	NEED_ROOT();
	private_runtime_dir();
	launch_start(&L, "1", NULL, "sleep 30");
	pid = fork();
	if (pid == 0) {
		struct sockaddr_un sa = {.sun_family = AF_UNIX};
		int fd;

		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 ||
		    setuid(65534) < 0)
			_exit(3);
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%.100s", L.sock);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			_exit(0);
		_exit(errno == EACCES ? 1 : 2);
	}
	waitpid(pid, &st, 0);
	cr_assert_eq(WEXITSTATUS(st), 1, "nobody: %d (0: connected)",
		     WEXITSTATUS(st));
	launch_finish(&L, SIGTERM, 15);
	launch_free(&L);
}

Test(control, exec_passes_stdin_and_dies_with_its_caller)
{
	struct launch L;
	struct run_result r;
	char script[512];
	pid_t c;
	int o, er, st;

	NEED_ROOT();
	private_runtime_dir();
	launch_start(&L, "2", NULL, "exec sleep 30");
	snprintf(script, sizeof(script),
		 "printf 'one\\ntwo\\n' | %s --control %s exec 2 -- sh -c "
		 "'wc -l; echo $LINKEM_ADDR'",
		 build_path("linkem-ctl"), L.sock);
	{
		char *argv[] = {"sh", "-c", script, NULL};

		cr_assert_eq(run_cmd(argv, NULL, 15000, &r), 0);
	}
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_str_eq(r.out, "2\n10.0.0.2\n");
	run_result_free(&r);

	/* linkem-ctl killed: its command goes too. */
	{
		char *argv[] = {(char *)build_path("linkem-ctl"),
				"--control",
				L.sock,
				"exec",
				"1",
				"--",
				"sleep",
				"77",
				NULL};

		c = spawn_cmd(argv, &o, &er);
	}
	usleep(300000);
	CTL(&r, "--control", L.sock, "exec", "1", "--", "pgrep", "-f",
	    "sleep 77");
	cr_assert_eq(r.status, 0, "the command did not start: %s", r.err);
	run_result_free(&r);
	kill(c, SIGKILL);
	waitpid(c, &st, 0);
	close(o);
	close(er);
	for (int i = 0; i < 50; i++) {
		CTL(&r, "--control", L.sock, "exec", "1", "--", "pgrep", "-f",
		    "sleep 77");
		if (r.status == 1)
			break;
		run_result_free(&r);
		usleep(20000);
	}
	cr_assert_eq(r.status, 1, "still running: %s", r.out);
	run_result_free(&r);
	launch_finish(&L, SIGTERM, 15);
	launch_free(&L);
}
