/* dgram.c — numbered UDP datagrams over IPv4 or IPv6, for the behaviour
 * suite (tests/behaviour).
 *
 *   dgram send ADDR PORT COUNT GAP_US [SIZE]
 *	COUNT datagrams of SIZE bytes (default 64): the number, then a
 *	pattern that depends on it, GAP_US microseconds apart.
 *   dgram recv PORT IDLE_MS
 *	receives on both families until IDLE_MS pass without a datagram
 *	(it waits up to 20 s for the first one), then prints
 *	"got K: n1 n2 ..." (every datagram, in order of arrival) and
 *	"damaged D" (datagrams whose pattern is wrong: corruption that no
 *	checksum caught).
 *   dgram wait PORT SECONDS
 *	returns after the first datagram on PORT, or after SECONDS.
 *
 * ADDR is numeric, IPv4 or IPv6.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define HDR 16

static unsigned char pattern(long seq, size_t i)
{
	return (unsigned char)(seq * 31 + (long)i * 7);
}

static void fill(unsigned char *buf, size_t size, long seq)
{
	char h[32];
	int k = snprintf(h, sizeof(h), "%ld", seq);

	memset(buf, ' ', HDR);
	memcpy(buf, h, k < HDR ? (size_t)k : HDR - 1);
	for (size_t i = HDR; i < size; i++)
		buf[i] = pattern(seq, i);
}

static int intact(const unsigned char *buf, size_t size, long seq)
{
	for (size_t i = HDR; i < size; i++)
		if (buf[i] != pattern(seq, i))
			return 0;
	return 1;
}

static int do_send(char **argv, int argc)
{
	static unsigned char buf[65536];
	struct addrinfo hints = {.ai_socktype = SOCK_DGRAM,
				 .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV};
	struct addrinfo *ai;
	long count = atol(argv[4]), gap = atol(argv[5]);
	size_t size = argc > 6 ? (size_t)atol(argv[6]) : 64;
	int fd, r;

	if (size < HDR || size > sizeof(buf))
		size = 64;
	r = getaddrinfo(argv[2], argv[3], &hints, &ai);
	if (r != 0) {
		fprintf(stderr, "dgram: %s: %s\n", argv[2], gai_strerror(r));
		return 2;
	}
	fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("dgram: socket");
		return 2;
	}
	for (long i = 0; i < count; i++) {
		fill(buf, size, i);
		if (sendto(fd, buf, size, 0, ai->ai_addr, ai->ai_addrlen) < 0)
			perror("dgram: sendto");
		if (gap > 0)
			usleep((useconds_t)gap);
	}
	freeaddrinfo(ai);
	return 0;
}

/* A socket bound to PORT on every address of both families. */
static int bound(const char *port)
{
	struct sockaddr_in6 sa = {.sin6_family = AF_INET6,
				  .sin6_addr = IN6ADDR_ANY_INIT};
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0), off = 0;

	sa.sin6_port = htons((uint16_t)atoi(port));
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &(int){4 << 20}, sizeof(int));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("dgram: bind");
		exit(2);
	}
	return fd;
}

static int do_recv(char **argv)
{
	static unsigned char buf[65536];
	static char line[1 << 20];
	int fd = bound(argv[2]);
	int idle = atoi(argv[3]), timeout = 20000;
	long got = 0, damaged = 0;
	size_t used = 0;

	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		ssize_t n;
		long seq;

		if (poll(&p, 1, timeout) <= 0)
			break;
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n < HDR)
			continue;
		buf[n] = '\0';
		seq = atol((const char *)buf);
		got++;
		damaged += !intact(buf, (size_t)n, seq);
		timeout = idle;
		if (used < sizeof(line) - 32)
			used += (size_t)snprintf(
			    line + used, sizeof(line) - used, " %ld", seq);
	}
	printf("got %ld:%s\ndamaged %ld\n", got, line, damaged);
	return 0;
}

static int do_wait(char **argv)
{
	struct pollfd p = {bound(argv[2]), POLLIN, 0};

	poll(&p, 1, atoi(argv[3]) * 1000);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "wait") == 0)
		return do_wait(argv);
	if (argc >= 6 && strcmp(argv[1], "send") == 0)
		return do_send(argv, argc);
	if (argc >= 4 && strcmp(argv[1], "recv") == 0)
		return do_recv(argv);
	fprintf(stderr, "usage: dgram send ADDR PORT COUNT GAP_US [SIZE] | "
			"dgram recv PORT IDLE_MS | dgram wait PORT SECONDS\n");
	return 2;
}
