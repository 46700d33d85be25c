/* udpstream.c — pipelined UDP round trips for bench/userspace/run.sh:
 * send COUNT datagrams to ADDR:PORT (an echo) every GAP_US, without
 * waiting for the replies, and time each reply.  With a gap shorter than
 * the delay, every process on the path wakes every GAP_US, so what is
 * measured is the link's delay, not how slowly an idle CPU wakes up.
 *
 *   udpstream ADDR PORT COUNT GAP_US      prints "rtt-us MEDIAN P90 n=K"
 *
 * Built by run.sh (cc -O2); not part of the library or the tests. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = {0};
	static double v[200000];
	long count, sent = 0, got = 0;
	uint64_t gap, next, end;
	int fd;

	if (argc != 5) {
		fprintf(stderr, "usage: udpstream ADDR PORT COUNT GAP_US\n");
		return 2;
	}
	count = atol(argv[3]);
	if (count > 200000)
		count = 200000;
	gap = (uint64_t)atol(argv[4]) * 1000;
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)atoi(argv[2]));
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1) {
		fprintf(stderr, "udpstream: bad address %s\n", argv[1]);
		return 2;
	}
	next = now_ns();
	end = UINT64_MAX;
	for (;;) {
		uint64_t t = now_ns(), msg[2];
		struct pollfd p = {fd, POLLIN, 0};
		struct timespec ts;
		uint64_t wait;

		if (sent < count && t >= next) {
			msg[0] = (uint64_t)sent++;
			msg[1] = t;
			sendto(fd, msg, sizeof(msg), 0, (struct sockaddr *)&sa,
			       sizeof(sa));
			next += gap;
			if (sent == count)
				end = t + 2000000000ull; /* last replies */
			continue;
		}
		if (t >= end || got >= count)
			break;
		wait = sent < count ? next - t : end - t;
		ts.tv_sec = (time_t)(wait / 1000000000ull);
		ts.tv_nsec = (long)(wait % 1000000000ull);
		if (ppoll(&p, 1, &ts, NULL) > 0 &&
		    recv(fd, msg, sizeof(msg), 0) == (ssize_t)sizeof(msg))
			v[got++] = (double)(now_ns() - msg[1]) / 1e3;
	}
	qsort(v, (size_t)got, sizeof(v[0]), cmp);
	printf("rtt-us %.1f %.1f n=%ld\n", got ? v[got / 2] : -1.0,
	       got ? v[got * 9 / 10] : -1.0, got);
	return 0;
}
