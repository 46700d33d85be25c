/* test_scale.c — 2000 peers: past one bridge (a bridge holds 1023 ports,
 * the hub 500 peers per bridge), reachable by name over IPv4 and IPv6,
 * down and partition holding, nothing left after SIGKILL; and the limit
 * messages, each met for real (a lowered limit in a child namespace or
 * process, never the host's). */
#include "tests/support/need.h"
#include "tests/support/run.h"

#include <cap-ng.h>
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define N "2000"
#define NPEERS 2000

/* Read fd into acc until what appears count times or timeout_ms. */
static bool wait_for(int fd, const char *what, int count, int timeout_ms,
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

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every network namespace some process or descriptor on the host holds,
 * sorted: one pass over /proc (netns_in_use() per namespace would be
 * one pass each, 2001 of them). */
static char **held_netns(size_t *count)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	char **v = NULL;
	size_t n = 0, cap = 0;

	while (d && (de = readdir(d))) {
		char path[300], link[64], fdp[600];
		DIR *fds;
		struct dirent *fe;
		ssize_t len;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		for (int pass = 0; pass < 2; pass++) {
			snprintf(path, sizeof(path), "/proc/%s/%s", de->d_name,
				 pass ? "fd" : "ns");
			fds = opendir(path);
			while (fds && (fe = readdir(fds))) {
				if (pass == 0 && strcmp(fe->d_name, "net"))
					continue;
				snprintf(fdp, sizeof(fdp), "%s/%s", path,
					 fe->d_name);
				len = readlink(fdp, link, sizeof(link) - 1);
				if (len <= 0)
					continue;
				link[len] = '\0';
				if (strncmp(link, "net:[", 5))
					continue;
				if (n == cap) {
					cap = cap ? 2 * cap : 1024;
					v = realloc(v, cap * sizeof(*v));
				}
				v[n++] = strdup(link);
			}
			if (fds)
				closedir(fds);
		}
	}
	if (d)
		closedir(d);
	qsort(v, n, sizeof(*v), cmp_str);
	*count = n;
	return v;
}

static size_t still_held(char (*ns)[64], int nns)
{
	size_t n, left = 0;
	char **v = held_netns(&n);

	for (int i = 0; i < nns; i++) {
		char *key = ns[i];

		if (v && bsearch(&key, v, n, sizeof(*v), cmp_str))
			left++;
	}
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return left;
}

/* Peers that ping, and whom: on br0 (1..500), br1 (501..1000), br3
 * (1501..2000); every pair crosses at least one link of the chain. */
#define PINGERS "1 501 1999"
#define TARGETS "2 500 502 1001 1500 2000"
/* Up to 5 tries each: under a loaded machine a first neighbour
 * solicitation may go unanswered within the second. */
#define PING_SCRIPT                                                            \
	"try() { for k in 1 2 3 4 5; do ping $1 -c1 -W2 -q peer$2 "            \
	">/dev/null 2>&1 && return 0; done; return 1; }; "                     \
	"case \" " PINGERS " \" in *\" $LINKEM_ID \"*) "                       \
	"for j in " TARGETS "; do "                                            \
	"try -4 $j || echo FAIL v4 $LINKEM_ID-$j; "                            \
	"try -6 $j || echo FAIL v6 $LINKEM_ID-$j; done; echo done;; esac; "    \
	"exec sleep 600"

/* Under two minutes on a quiet 2-core machine (2000 peers start in
 * seconds there); the bounds leave room for a loaded one. */
Test(scale, two_thousand_peers_past_one_bridge, .timeout = 360)
{
	char *argv[] = {(char *)build_path("linkem-launch"), "-q", "-n", N,
			"--", "sh", "-c", PING_SCRIPT, NULL};
	static char acc[65536], ns[NPEERS + 8][64];
	int out, err, nns;
	double t0 = now_s(), t;
	size_t left = 1;
	pid_t pid;

	NEED_ROOT();
	pid = spawn_cmd(argv, &out, &err);
	acc[0] = '\0';
	cr_assert(wait_for(out, "done", 3, 300000, acc, sizeof(acc)),
		  "pingers did not finish: %s", acc);
	cr_assert_not(has(acc, "FAIL"), "%s", acc);
	nns = launch_netns(pid, ns, NPEERS + 8);
	cr_assert_eq(nns, NPEERS + 1, "hub + %d peers, got %d", NPEERS, nns);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	/* Within 5 s nothing of that launch remains. */
	t = now_s();
	while (now_s() - t < 5 && (left = still_held(ns, nns)) > 0)
		usleep(100000);
	cr_assert_eq(left, 0, "%zu namespaces of the launch outlived it by 5 s",
		     left);
	cr_log_info("2000 peers: pinged and gone in %.1f s", now_s() - t0);
	close(out);
	close(err);
}

/* down and partition on the userspace engine (no bridge: TAPs), applied
 * from the start: a peer down reaches nobody and nobody reaches it; the
 * two sides of a partition do not reach each other, while the rest
 * does. */
#define CUT_SCRIPT                                                             \
	"try() { for k in 1 2 3; do ping -c1 -W1 -q peer$1 >/dev/null 2>&1 "   \
	"&& return 0; done; return 1; }; "                                     \
	"case $LINKEM_ID in "                                                  \
	"1) try 2 || echo FAIL 1-2; try 1999 && echo FAIL 1-1999 crossed; "    \
	"try 700 && echo FAIL 1-700 down; echo done;; "                        \
	"700) try 2 && echo FAIL 700-2 down; echo done;; "                     \
	"1999) try 1 && echo FAIL 1999-1 crossed; try 2 || echo FAIL 1999-2; " \
	"echo done;; esac; exec sleep 600"

Test(scale, down_and_partition_hold_at_two_thousand, .timeout = 360)
{
	char *argv[] = {(char *)build_path("linkem-launch"),
			"-q",
			"-n",
			N,
			"--engine",
			"userspace",
			"--at",
			"0s:down=700",
			"--at",
			"0s:partition=1/1999",
			"--",
			"sh",
			"-c",
			CUT_SCRIPT,
			NULL};
	static char acc[65536];
	int out, err;
	pid_t pid;

	NEED_ROOT();
	NEED_TAP();
	pid = spawn_cmd(argv, &out, &err);
	acc[0] = '\0';
	cr_assert(wait_for(out, "done", 3, 300000, acc, sizeof(acc)),
		  "pingers did not finish: %s", acc);
	cr_assert_not(has(acc, "FAIL"), "%s", acc);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	close(out);
	close(err);
}

/* Run linkem-launch -n n in a child that first lowers one limit (fn);
 * returns its stderr and exit status. */
static int launch_limited(void (*fn)(void), const char *n, char *err,
			  size_t size)
{
	int p[2];
	pid_t pid;
	int status;
	ssize_t len, total = 0;

	cr_assert_eq(pipe(p), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		char *argv[] = {(char *)build_path("linkem-launch"), "-q",
				"-n", (char *)n, "--", "true", NULL};

		dup2(p[1], STDERR_FILENO);
		fn();
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	while ((len = read(p[0], err + total, size - (size_t)total - 1)) > 0)
		total += len;
	err[total] = '\0';
	close(p[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static void write_file(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, value, strlen(value)) < 0)
		_exit(99);
	close(fd);
}

/* A user namespace of its own (root in it stays root, the same uid)
 * whose namespace count limit is 10: the parent's stays. */
static void few_net_namespaces(void)
{
	if (unshare(CLONE_NEWUSER) < 0)
		_exit(98);
	write_file("/proc/self/setgroups", "deny");
	write_file("/proc/self/uid_map", "0 0 1");
	write_file("/proc/self/gid_map", "0 0 1");
	write_file("/proc/sys/user/max_net_namespaces", "10");
}

/* A hard limit of 1024 open files, and no CAP_SYS_RESOURCE (kept out of
 * the bounding set, so that exec does not give it back) to raise it. */
static void few_files(void)
{
	struct rlimit rl = {1024, 1024};

	setrlimit(RLIMIT_NOFILE, &rl);
	capng_get_caps_process();
	capng_update(CAPNG_DROP,
		     CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_INHERITABLE |
			 CAPNG_BOUNDING_SET,
		     CAP_SYS_RESOURCE);
	if (capng_apply(CAPNG_SELECT_BOTH) < 0)
		_exit(97);
}

/* A PID namespace of its own whose pid_max is 500 (per PID namespace
 * since Linux 6.14): the launcher runs as its first process. */
static void few_pids(void)
{
	pid_t pid;
	int status;

	if (unshare(CLONE_NEWPID) < 0)
		_exit(96);
	pid = fork();
	if (pid < 0)
		_exit(95);
	if (pid > 0) {
		waitpid(pid, &status, 0);
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128);
	}
	write_file("/proc/sys/kernel/pid_max", "500");
}

static void nothing(void)
{
}

Test(scale, limits_are_named_before_anything_is_created)
{
	char err[4096];
	int status;

	NEED_ROOT();
	status = launch_limited(few_net_namespaces, "20", err, sizeof(err));
	cr_assert_eq(status, 2, "status %d: %s", status, err);
	cr_assert(has(err, "cannot start 20 peers: user.max_net_namespaces "
			   "is 10"),
		  "%s", err);
	cr_assert_eq(count_lines(err), 1, "%s", err);

	status = launch_limited(few_files, "200", err, sizeof(err));
	cr_assert_eq(status, 2, "status %d: %s", status, err);
	cr_assert(has(err, "cannot start 200 peers: the open files limit "
			   "(RLIMIT_NOFILE, hard) is 1024"),
		  "%s", err);
	cr_assert_eq(count_lines(err), 1, "%s", err);

	status = launch_limited(few_pids, "300", err, sizeof(err));
	cr_assert_eq(status, 2, "status %d: %s", status, err);
	cr_assert(has(err, "cannot start 300 peers: kernel.pid_max is 500"),
		  "%s", err);
	cr_assert_eq(count_lines(err), 1, "%s", err);

	/* Whatever stops 65534 peers first here (memory, pid_max, ...). */
	status = launch_limited(nothing, "65534", err, sizeof(err));
	cr_assert_eq(status, 2, "status %d: %s", status, err);
	cr_assert(has(err, "cannot start 65534 peers: "), "%s", err);
	cr_assert_eq(count_lines(err), 1, "%s", err);
}
