/* udpseq.c — numbered UDP datagrams for the userspace engine's tests.
 *
 *   udpseq send ADDR PORT COUNT GAP_US [SIZE]   COUNT datagrams "N ..."
 *   udpseq recv PORT IDLE_MS                    prints "got K: n1 n2 ..."
 *   udpseq flood ADDR PORT SECONDS              as fast as it can
 *   udpseq garbage IFNAME SECONDS               random raw frames (CAP_NET_RAW)
 *   udpseq echo PORT SECONDS                    echo datagrams back
 *   udpseq rtt ADDR PORT COUNT GAP_US           prints "rtt-us MEDIAN P90"
 *
 * ADDR is IPv4.  recv ends after IDLE_MS without a datagram (counted from
 * the first one; it waits up to 20 s for that).
 */
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int sock_to(const char *addr, const char *port, struct sockaddr_in *sa)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)atoi(port));
	if (fd < 0 || inet_pton(AF_INET, addr, &sa->sin_addr) != 1) {
		fprintf(stderr, "udpseq: bad address %s\n", addr);
		exit(2);
	}
	return fd;
}

int main(int argc, char **argv)
{
	static char buf[65536];
	struct sockaddr_in sa;

	if (argc >= 6 && strcmp(argv[1], "send") == 0) {
		int fd = sock_to(argv[2], argv[3], &sa);
		long count = atol(argv[4]), gap = atol(argv[5]);
		size_t size = argc > 6 ? (size_t)atol(argv[6]) : 32;

		if (size < 16 || size > sizeof(buf))
			size = 32;
		memset(buf, 'x', size);
		for (long i = 0; i < count; i++) {
			int n = snprintf(buf, 16, "%ld ", i);

			buf[n] = 'x';
			if (sendto(fd, buf, size, 0, (struct sockaddr *)&sa,
				   sizeof(sa)) < 0)
				perror("udpseq: sendto");
			if (gap > 0)
				usleep((useconds_t)gap);
		}
		return 0;
	}
	if (argc >= 4 && strcmp(argv[1], "recv") == 0) {
		int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		int idle = atoi(argv[3]), got = 0, timeout = 20000;
		static char line[1 << 20];
		size_t used = 0;

		memset(&sa, 0, sizeof(sa));
		sa.sin_family = AF_INET;
		sa.sin_port = htons((uint16_t)atoi(argv[2]));
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &(int){4 << 20},
			   sizeof(int));
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			perror("udpseq: bind");
			return 2;
		}
		for (;;) {
			struct pollfd p = {fd, POLLIN, 0};
			ssize_t n;

			if (poll(&p, 1, timeout) <= 0)
				break;
			n = recv(fd, buf, sizeof(buf) - 1, 0);
			if (n <= 0)
				continue;
			buf[n] = '\0';
			got++;
			timeout = idle;
			if (used < sizeof(line) - 32)
				used += (size_t)snprintf(line + used,
							 sizeof(line) - used,
							 " %ld", atol(buf));
		}
		printf("got %d:%s\n", got, line);
		return 0;
	}
	if (argc >= 5 && strcmp(argv[1], "flood") == 0) {
		int fd = sock_to(argv[2], argv[3], &sa);
		double end = now_s() + atof(argv[4]);
		long sent = 0;

		memset(buf, 'f', 1400);
		while (now_s() < end)
			for (int i = 0; i < 256; i++)
				if (sendto(fd, buf, 1400, MSG_DONTWAIT,
					   (struct sockaddr *)&sa,
					   sizeof(sa)) > 0)
					sent++;
		printf("flooded %ld\n", sent);
		return 0;
	}
	if (argc >= 4 && strcmp(argv[1], "garbage") == 0) {
		int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
		struct sockaddr_ll ll = {.sll_family = AF_PACKET,
					 .sll_ifindex =
						 (int)if_nametoindex(argv[2]),
					 .sll_halen = 6};
		double end = now_s() + atof(argv[3]);
		unsigned x = 12345;
		long sent = 0;

		if (fd < 0) {
			perror("udpseq: AF_PACKET");
			return 2;
		}
		while (now_s() < end) {
			/* xorshift: lengths 1..1514, any bytes, any MAC */
			size_t len;

			for (int i = 0; i < 1514; i += 4) {
				x ^= x << 13, x ^= x >> 17, x ^= x << 5;
				memcpy(buf + i, &x, 4);
			}
			len = 1 + x % 1514;
			if (sendto(fd, buf, len, MSG_DONTWAIT,
				   (struct sockaddr *)&ll, sizeof(ll)) > 0)
				sent++;
		}
		printf("garbage %ld\n", sent);
		return 0;
	}
	if (argc >= 4 && strcmp(argv[1], "echo") == 0) {
		int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		double end = now_s() + atof(argv[3]);

		memset(&sa, 0, sizeof(sa));
		sa.sin_family = AF_INET;
		sa.sin_port = htons((uint16_t)atoi(argv[2]));
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			perror("udpseq: bind");
			return 2;
		}
		while (now_s() < end) {
			struct pollfd p = {fd, POLLIN, 0};
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);
			ssize_t n;

			if (poll(&p, 1, 100) <= 0)
				continue;
			n = recvfrom(fd, buf, sizeof(buf), 0,
				     (struct sockaddr *)&from, &fl);
			if (n > 0)
				sendto(fd, buf, (size_t)n, 0,
				       (struct sockaddr *)&from, fl);
		}
		return 0;
	}
	if (argc >= 6 && strcmp(argv[1], "rtt") == 0) {
		int fd = sock_to(argv[2], argv[3], &sa);
		long count = atol(argv[4]), gap = atol(argv[5]), got = 0;
		static double v[100000];

		if (count > 100000)
			count = 100000;
		for (long i = 0; i < count; i++) {
			double t0 = now_s();
			struct pollfd p = {fd, POLLIN, 0};

			sendto(fd, &t0, sizeof(t0), 0, (struct sockaddr *)&sa,
			       sizeof(sa));
			while (poll(&p, 1, 1000) > 0) {
				double t;

				if (recv(fd, &t, sizeof(t), 0) != sizeof(t))
					continue;
				if (t == t0) {
					v[got++] = (now_s() - t0) * 1e6;
					break;
				}
			}
			if (gap > 0)
				usleep((useconds_t)gap);
		}
		for (long i = 1; i < got; i++) /* insertion sort: small */
			for (long j = i; j > 0 && v[j] < v[j - 1]; j--) {
				double x = v[j];

				v[j] = v[j - 1];
				v[j - 1] = x;
			}
		printf("rtt-us %.1f %.1f n=%ld\n", got ? v[got / 2] : -1.0,
		       got ? v[got * 9 / 10] : -1.0, got);
		return 0;
	}
	fprintf(stderr, "usage: udpseq send|recv|flood|echo|rtt ...\n");
	return 2;
}
