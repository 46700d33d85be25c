// SPDX-License-Identifier: MIT
/*
 * nscost — what creating (and destroying) one namespace of each kind costs
 * on this kernel, to explain where linkem-launch's start-up time goes.
 *
 *   nscost [COUNT]      (as root; default COUNT 100)
 *
 * For each set of clone flags: COUNT times clone() a child that exits at
 * once, and report the median time of the clone() call in the parent (the
 * kernel creates the new namespaces synchronously inside clone) and of
 * waiting for the child's exit.  Network namespaces are destroyed later by
 * a kernel worker (cleanup_net), which the wait does not include.  It also
 * times setns() into a child's network namespace through its pidfd and
 * back, which linkem does once per peer to open an rtnetlink socket there.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif

static char stack[64 * 1024] __attribute__((aligned(64)));

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int child_exit(void *arg)
{
	(void)arg;
	return 0;
}

static int child_wait(void *arg)
{
	const int *p = arg;
	char c;

	close(p[1]);
	(void)!read(p[0], &c, 1);
	return 0;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void run(const char *name, int flags, int count)
{
	double *c = calloc((size_t)count, sizeof(*c));
	double *w = calloc((size_t)count, sizeof(*w));

	if (!c || !w)
		exit(1);
	for (int i = 0; i < count; i++) {
		double t0 = now_us(), t1;
		pid_t pid = clone(child_exit, stack + sizeof(stack),
				  flags | SIGCHLD, NULL);
		if (pid < 0) {
			perror(name);
			exit(1);
		}
		t1 = now_us();
		waitpid(pid, NULL, 0);
		c[i] = t1 - t0;
		w[i] = now_us() - t1;
	}
	printf("%-28s clone %8.1f us   exit+wait %8.1f us\n", name,
	       median(c, count), median(w, count));
	free(c);
	free(w);
}

static void run_setns(int count)
{
	double *s = calloc((size_t)count, sizeof(*s));
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

	if (!s || self < 0)
		exit(1);
	for (int i = 0; i < count; i++) {
		int p[2], pidfd = -1;
		pid_t pid;
		double t0;

		if (pipe(p) < 0)
			exit(1);
		pid = clone(child_wait, stack + sizeof(stack),
			    CLONE_NEWNET | CLONE_PIDFD | SIGCHLD, p,
			    &pidfd);
		if (pid < 0) {
			perror("clone");
			exit(1);
		}
		t0 = now_us();
		if (setns(pidfd, CLONE_NEWNET) < 0 ||
		    setns(self, CLONE_NEWNET) < 0) {
			perror("setns");
			exit(1);
		}
		s[i] = now_us() - t0;
		close(p[1]);
		close(p[0]);
		waitpid(pid, NULL, 0);
		close(pidfd);
	}
	printf("%-28s %8.1f us\n", "setns(pidfd, NET) + back", median(s, count));
	free(s);
}

int main(int argc, char **argv)
{
	int count = argc > 1 ? atoi(argv[1]) : 100;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (count < 1)
		count = 1;
	run("(none)", 0, count);
	run("NEWNET", CLONE_NEWNET, count);
	run("NEWNS", CLONE_NEWNS, count);
	run("NEWPID", CLONE_NEWPID, count);
	run("NEWUTS", CLONE_NEWUTS, count);
	run("NEWIPC", CLONE_NEWIPC, count);
	run("NET|NS|PID|UTS|IPC", CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWPID |
		CLONE_NEWUTS | CLONE_NEWIPC, count);
	run_setns(count);
	return 0;
}
