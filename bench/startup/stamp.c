// SPDX-License-Identifier: MIT
/*
 * stamp — the startup benchmark's workload: print CLOCK_MONOTONIC in
 * microseconds, one line, and exit 0.
 *
 * CLOCK_MONOTONIC is the same clock in every network/mount/PID namespace
 * (no time namespace is used), so a stamp taken inside a peer can be
 * subtracted from one taken by the benchmark driver outside it.
 *
 * On x86-64 it is built freestanding (-nostdlib -static, see run.sh): no
 * dynamic loader and no libc start-up, which on this VM costs about 1 ms
 * of CPU per exec (glibc's cache-size probing executes CPUID, which traps
 * to the hypervisor).  That time belongs to the workload, not to the tool
 * under test, and it would be paid N times on 2 cores.  The stamp is
 * taken by the first instruction of the program.  Elsewhere it is an
 * ordinary libc program.
 */
#include <time.h>

#if defined(__x86_64__) && defined(STAMP_FREESTANDING)

static long sys3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return ret;
}

static int stamp_main(void)
{
	struct timespec ts;
	char buf[24], *p = buf + sizeof(buf);
	unsigned long long us;

	if (sys3(228 /* clock_gettime */, CLOCK_MONOTONIC, (long)&ts, 0) != 0)
		return 1;
	us = (unsigned long long)ts.tv_sec * 1000000ULL +
	     (unsigned long long)ts.tv_nsec / 1000ULL;
	*--p = '\n';
	do {
		*--p = (char)('0' + us % 10);
		us /= 10;
	} while (us);
	return sys3(1 /* write */, 1, (long)p, (long)(buf + sizeof(buf) - p)) ==
			       (long)(buf + sizeof(buf) - p)
		       ? 0
		       : 1;
}

void _start(void) __attribute__((noreturn, used));
void _start(void)
{
	sys3(231 /* exit_group */, stamp_main(), 0, 0);
	__builtin_unreachable();
}

#else

#include <stdio.h>
#include <unistd.h>

int main(void)
{
	struct timespec ts;
	char line[32];
	int len;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 1;
	len = snprintf(line, sizeof(line), "%lld\n",
		       (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000);
	/* One write(2): whole line, no stdio buffering surprises. */
	return write(STDOUT_FILENO, line, (size_t)len) == len ? 0 : 1;
}

#endif
