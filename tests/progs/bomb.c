/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bomb.c — bounded resource hogs for the limits tests.  Each stops on its
 * own: what a limit must refuse, and a ceiling in case none does.
 *
 *   bomb fork MAX    fork children that sleep until MAX or EAGAIN; print
 *                    "forked N" and "eagain" when refused; reap them.
 *   bomb mem MIB     malloc+memset 1 MiB at a time up to MIB; print
 *                    "mem N" every 16 MiB; "mem done N" at the end.
 *   bomb tmp MIB DIR write DIR/fill up to MIB; print "tmp N ERRNO".
 *   bomb spew MIB    MIB of 64-byte lines on stdout.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

static int do_fork(long max)
{
	long n = 0;
	int err = 0;

	/* A group of its own: the SIGTERM below reaches its children
	 * only. */
	setpgid(0, 0);
	for (; n < max; n++) {
		pid_t p = fork();

		if (p == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			pause();
			_exit(0);
		}
		if (p < 0) {
			err = errno;
			break;
		}
	}
	printf("forked %ld%s\n", n, err == EAGAIN ? " eagain" : "");
	fflush(stdout);
	signal(SIGTERM, SIG_IGN);
	kill(0, SIGTERM);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return 0;
}

static int do_mem(long mib)
{
	long n;

	for (n = 0; n < mib; n++) {
		char *p = malloc(1 << 20);

		if (!p)
			break;
		memset(p, 0x5a, 1 << 20);
		if (n % 16 == 15) {
			printf("mem %ld\n", n + 1);
			fflush(stdout);
		}
	}
	printf("mem done %ld\n", n);
	return 0;
}

static int do_tmp(long mib, const char *dir)
{
	char path[4096], buf[1 << 16];
	long written = 0;
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/fill", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		printf("tmp 0 %d\n", errno);
		return 1;
	}
	memset(buf, 'x', sizeof(buf));
	while (written < mib << 20) {
		ssize_t w = write(fd, buf, sizeof(buf));

		if (w <= 0) {
			err = w < 0 ? errno : ENOSPC;
			break;
		}
		written += w;
	}
	close(fd);
	printf("tmp %ld %d\n", written >> 20, err);
	unlink(path);
	return 0;
}

static int do_spew(long mib)
{
	static const char line[] =
	    "spew spew spew spew spew spew spew spew spew spew spew spew\n";
	char buf[64 * 1024];
	size_t ll = sizeof(line) - 1;

	for (size_t i = 0; i + ll <= sizeof(buf); i += ll)
		memcpy(buf + i, line, ll);
	for (long i = 0; i < mib * 16; i++) {
		size_t len = (sizeof(buf) / ll) * ll;

		if (write(1, buf, len) < 0)
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "fork") == 0)
		return do_fork(atol(argv[2]));
	if (argc >= 3 && strcmp(argv[1], "mem") == 0)
		return do_mem(atol(argv[2]));
	if (argc >= 4 && strcmp(argv[1], "tmp") == 0)
		return do_tmp(atol(argv[2]), argv[3]);
	if (argc >= 3 && strcmp(argv[1], "spew") == 0)
		return do_spew(atol(argv[2]));
	fprintf(stderr, "usage: bomb fork MAX | mem MIB | tmp MIB DIR | "
			"spew MIB\n");
	return 2;
}
