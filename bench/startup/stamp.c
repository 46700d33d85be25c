// SPDX-License-Identifier: MIT
/*
 * stamp — the startup benchmark's workload: print CLOCK_MONOTONIC in
 * microseconds, one line, and exit 0.
 *
 * CLOCK_MONOTONIC is the same clock in every network/mount/PID namespace
 * (no time namespace is used), so a stamp taken inside a peer can be
 * subtracted from one taken by the benchmark driver outside it.
 */
#include <stdio.h>
#include <time.h>
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
