/* slip.c — attempts to slip frames past a link or to spoof another peer,
 * and a sniffer that says what arrived (tests of guard.h and us_guard.h).
 * Addresses follow the default plan: peer i is 10.0.0.i,
 * fd00:6c6b::i, MAC 02:6c:6b:00:00:i, link-local fe80::6c:6bff:fe00:i.
 *
 *   slip sniff IFACE DELAY_S SECONDS
 *	after DELAY_S, every frame that arrives on IFACE for SECONDS,
 *	counted by kind: "seen mac=<peer|x> <what> xN", one line each
 *   slip send SELF T...
 *	to each target T, three rounds: UDP to its IPv4, ULA and fe80::
 *	addresses, to 10.0.255.255, 255.255.255.255 and ff02::1, an ARP
 *	request and a neighbour solicitation (raw, when allowed); each
 *	datagram carries "slip:<kind>-<T>"
 *   slip spoof SELF AS T
 *	to T, pretending to be AS: IPv6 from AS's ULA and fe80:: (FREEBIND),
 *	IPv4 from AS's address (raw), a frame with AS's MAC (AF_PACKET), an
 *	ARP reply and a neighbour advertisement claiming AS's addresses;
 *	then one honest datagram ("slip:honest").  Prints "spoof KIND
 *	sent|refused: why" for each.
 *   slip stamp SELF COUNT GAP_MS   (broadcast and ff02::1, port 9999,
 *	payload "slip:ts:<realtime ns>")
 *   slip lat SECONDS  (prints "lat4 n=K median=M ms", "lat6 ...")
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
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

static void mac_of(unsigned id, uint8_t m[6])
{
	m[0] = 0x02, m[1] = 0x6c, m[2] = 0x6b;
	m[3] = (uint8_t)(id >> 16), m[4] = (uint8_t)(id >> 8),
	m[5] = (uint8_t)id;
}

static void addr4(unsigned id, char *buf)
{
	sprintf(buf, "10.0.%u.%u", id >> 8, id & 255);
}
static void ula(unsigned id, char *buf)
{
	sprintf(buf, "fd00:6c6b::%x", id);
}
static void ll(unsigned id, char *buf)
{
	sprintf(buf, "fe80::6c:6bff:fe00:%x", id);
}

/* ---- sniff ---- */

#define KINDS 256
static char kind[KINDS][400];
static long count[KINDS];

static void seen(const char *k)
{
	for (int i = 0; i < KINDS; i++) {
		if (!kind[i][0]) {
			snprintf(kind[i], sizeof(kind[i]), "%s", k);
			count[i] = 1;
			return;
		}
		if (strcmp(kind[i], k) == 0) {
			count[i]++;
			return;
		}
	}
}

static void marker(const uint8_t *p, size_t n, char *out, size_t size)
{
	out[0] = 0;
	for (size_t i = 0; i + 5 <= n; i++)
		if (memcmp(p + i, "slip:", 5) == 0) {
			size_t j = i;

			while (j < n && j - i < size - 2 && p[j] > ' ' &&
			       p[j] < 127)
				j++;
			snprintf(out, size, " %.*s", (int)(j - i),
				 (const char *)p + i);
			return;
		}
}

static void describe(const uint8_t *f, size_t n)
{
	char k[400], who[16], a[64], b[64], m[64] = "";
	uint16_t type;

	if (n < 14)
		return;
	if (f[6] == 0x02 && f[7] == 0x6c && f[8] == 0x6b)
		snprintf(who, sizeof(who), "%u",
			 (unsigned)f[9] << 16 | (unsigned)f[10] << 8 | f[11]);
	else
		snprintf(who, sizeof(who), "x");
	type = (uint16_t)(f[12] << 8 | f[13]);
	marker(f + 14, n - 14, m, sizeof(m));
	if (type == 0x0806 && n >= 42) {
		inet_ntop(AF_INET, f + 28, a, sizeof(a));
		inet_ntop(AF_INET, f + 38, b, sizeof(b));
		snprintf(k, sizeof(k), "mac=%s arp op=%u spa=%s tpa=%s%s", who,
			 f[21], a, b, m);
	} else if (type == 0x0800 && n >= 34) {
		inet_ntop(AF_INET, f + 26, a, sizeof(a));
		inet_ntop(AF_INET, f + 30, b, sizeof(b));
		snprintf(k, sizeof(k), "mac=%s ip4 %s > %s p%u%s", who, a, b,
			 f[23], m);
	} else if (type == 0x86dd && n >= 54) {
		char t[80] = "";

		inet_ntop(AF_INET6, f + 22, a, sizeof(a));
		inet_ntop(AF_INET6, f + 38, b, sizeof(b));
		if (f[20] == 58 && n >= 58) {
			snprintf(t, sizeof(t), " icmp6-%u", f[54]);
			if ((f[54] == 135 || f[54] == 136) && n >= 78) {
				char g[64];

				inet_ntop(AF_INET6, f + 62, g, sizeof(g));
				snprintf(t, sizeof(t), " nd%u tgt=%s", f[54],
					 g);
			}
		}
		snprintf(k, sizeof(k), "mac=%s ip6 %s > %s p%u%s%s", who, a, b,
			 f[20], t, m);
	} else {
		snprintf(k, sizeof(k), "mac=%s type=%04x%s", who, type, m);
	}
	seen(k);
}

static int do_sniff(const char *ifname, double delay, double secs)
{
	struct sockaddr_ll sll = {.sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_ALL)};
	static uint8_t buf[65536];
	double end;
	int fd;

	usleep((useconds_t)(delay * 1e6));
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (fd < 0) {
		perror("slip: AF_PACKET");
		return 2;
	}
	sll.sll_ifindex = (int)if_nametoindex(ifname);
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		perror("slip: bind");
		return 2;
	}
	end = now_s() + secs;
	while (now_s() < end) {
		struct pollfd p = {fd, POLLIN, 0};
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		ssize_t n;

		if (poll(&p, 1, 50) <= 0)
			continue;
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			     &fl);
		if (n > 0 && from.sll_pkttype != PACKET_OUTGOING)
			describe(buf, (size_t)n);
	}
	for (int i = 0; i < KINDS && kind[i][0]; i++)
		printf("seen %s x%ld\n", kind[i], count[i]);
	printf("sniffed\n");
	return 0;
}

/* ---- sending ---- */

static int port = 9; /* slip send/spoof: discard; stamp/lat: 9999 */

static int udp_to(const char *addr, const char *ifname, const char *payload,
		  const char *bind_to)
{
	struct sockaddr_storage ss = {0};
	socklen_t len;
	int one = 1, fd, r;
	bool v6 = strchr(addr, ':') != NULL;

	fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one));
	if (ifname)
		setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
			   (socklen_t)strlen(ifname) + 1);
	if (v6) {
		struct sockaddr_in6 *s = (void *)&ss;

		s->sin6_family = AF_INET6;
		s->sin6_port = htons((uint16_t)port);
		inet_pton(AF_INET6, addr, &s->sin6_addr);
		if (IN6_IS_ADDR_LINKLOCAL(&s->sin6_addr) ||
		    IN6_IS_ADDR_MULTICAST(&s->sin6_addr))
			s->sin6_scope_id = if_nametoindex("eth0");
		len = sizeof(*s);
		if (bind_to) {
			struct sockaddr_in6 b = {.sin6_family = AF_INET6};

			inet_pton(AF_INET6, bind_to, &b.sin6_addr);
			b.sin6_scope_id = if_nametoindex("eth0");
			setsockopt(fd, SOL_IPV6, IPV6_FREEBIND, &one,
				   sizeof(one));
			if (bind(fd, (struct sockaddr *)&b, sizeof(b)) < 0) {
				r = -errno;
				close(fd);
				return r;
			}
		}
	} else {
		struct sockaddr_in *s = (void *)&ss;

		s->sin_family = AF_INET;
		s->sin_port = htons((uint16_t)port);
		inet_pton(AF_INET, addr, &s->sin_addr);
		len = sizeof(*s);
	}
	r = sendto(fd, payload, strlen(payload), 0, (struct sockaddr *)&ss,
		   len) < 0
		? -errno
		: 0;
	close(fd);
	return r;
}

static int packet_send(const void *frame, size_t len)
{
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_halen = 6};
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0), r;

	if (fd < 0)
		return -errno;
	sll.sll_ifindex = (int)if_nametoindex("eth0");
	r = sendto(fd, frame, len, 0, (struct sockaddr *)&sll, sizeof(sll)) < 0
		? -errno
		: 0;
	close(fd);
	return r;
}

/* An ARP frame: op 1 (request, broadcast) or 2 (reply, broadcast). */
static int arp(unsigned self, unsigned claim_ip, unsigned target, int op,
	       const char *mark)
{
	uint8_t f[96] = {0}, m[6];
	struct in_addr a;
	char s[32];

	memset(f, 0xff, 6);
	mac_of(self, m);
	memcpy(f + 6, m, 6);
	f[12] = 0x08, f[13] = 0x06;
	f[14] = 0, f[15] = 1, f[16] = 8, f[17] = 0, f[18] = 6, f[19] = 4;
	f[20] = 0, f[21] = (uint8_t)op;
	memcpy(f + 22, m, 6);
	addr4(claim_ip, s);
	inet_pton(AF_INET, s, &a);
	memcpy(f + 28, &a, 4);
	addr4(target, s);
	inet_pton(AF_INET, s, &a);
	memcpy(f + 38, &a, 4);
	snprintf((char *)f + 42, 40, "%s", mark);
	return packet_send(f, 82);
}

/* A neighbour solicitation (135) for target's ULA, or an unsolicited
 * advertisement (136) for claim's ULA, through a raw ICMPv6 socket. */
static int nd(int type, unsigned about)
{
	struct sockaddr_in6 to = {.sin6_family = AF_INET6};
	uint8_t msg[32] = {0};
	char s[64];
	int fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6),
	    hops = 255, r;

	if (fd < 0)
		return -errno;
	setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops));
	setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(hops));
	msg[0] = (uint8_t)type;
	if (type == 136)
		msg[4] = 0x20; /* override */
	ula(about, s);
	inet_pton(AF_INET6, s, msg + 8);
	if (type == 135)
		snprintf(s, sizeof(s), "ff02::1:ff00:%x", about);
	else
		snprintf(s, sizeof(s), "ff02::1");
	inet_pton(AF_INET6, s, &to.sin6_addr);
	to.sin6_scope_id = if_nametoindex("eth0");
	r = sendto(fd, msg, 24, 0, (struct sockaddr *)&to, sizeof(to)) < 0
		? -errno
		: 0;
	close(fd);
	return r;
}

static void say(const char *what, int r)
{
	if (r == 0)
		printf("spoof %s sent\n", what);
	else
		printf("spoof %s refused: %s\n", what, strerror(-r));
}

static int do_send(unsigned self, int argc, char **argv)
{
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < argc; i++) {
			unsigned t = (unsigned)atoi(argv[i]);
			char a[64], p[64];

			addr4(t, a);
			snprintf(p, sizeof(p), "slip:uni4-%u", t);
			udp_to(a, NULL, p, NULL);
			ula(t, a);
			snprintf(p, sizeof(p), "slip:uni6-%u", t);
			udp_to(a, NULL, p, NULL);
			ll(t, a);
			snprintf(p, sizeof(p), "slip:ll6-%u", t);
			udp_to(a, NULL, p, NULL);
			arp(self, self, t, 1, "slip:arp");
			nd(135, t);
		}
		udp_to("10.0.255.255", NULL, "slip:bcast4", NULL);
		udp_to("255.255.255.255", "eth0", "slip:lbcast4", NULL);
		udp_to("ff02::1", NULL, "slip:mcast6", NULL);
		usleep(300000);
	}
	printf("sent\n");
	return 0;
}

static int do_spoof(unsigned self, unsigned as, unsigned t)
{
	char a[64], from[64];
	uint8_t f[128] = {0}, m[6];
	struct ip *ip;
	struct udphdr *u;
	int fd, r;

	ula(t, a);
	ula(as, from);
	say("ip6-ula", udp_to(a, NULL, "slip:spoof6", from));
	ll(as, from);
	say("ip6-ll", udp_to("ff02::1", NULL, "slip:spoofll", from));

	/* IPv4 from AS's address, through a raw socket (IP_HDRINCL) */
	ip = (struct ip *)f;
	u = (struct udphdr *)(f + 20);
	ip->ip_v = 4, ip->ip_hl = 5, ip->ip_ttl = 64, ip->ip_p = IPPROTO_UDP;
	ip->ip_len = htons(20 + 8 + 12);
	addr4(as, from);
	inet_pton(AF_INET, from, &ip->ip_src);
	addr4(t, a);
	inet_pton(AF_INET, a, &ip->ip_dst);
	u->uh_sport = htons(9), u->uh_dport = htons(9),
	u->uh_ulen = htons(8 + 12);
	memcpy(f + 28, "slip:spoof4 ", 12);
	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (fd < 0) {
		r = -errno;
	} else {
		struct sockaddr_in to = {.sin_family = AF_INET,
					 .sin_addr = ip->ip_dst};

		r = sendto(fd, f, 40, 0, (struct sockaddr *)&to, sizeof(to)) < 0
			? -errno
			: 0;
		close(fd);
	}
	say("ip4", r);

	/* the same datagram in a frame with AS's MAC, to T's MAC */
	{
		uint8_t e[128] = {0};

		mac_of(t, m);
		memcpy(e, m, 6);
		mac_of(as, m);
		memcpy(e + 6, m, 6);
		e[12] = 0x08, e[13] = 0x00;
		memcpy(e + 14, f, 40);
		memcpy(e + 14 + 28, "slip:spoofmac", 12);
		say("mac", packet_send(e, 60));
		/* and with its own address inside */
		addr4(self, from);
		inet_pton(AF_INET, from, e + 14 + 12);
		memset(e, 0xff, 6);
		say("mac-bcast", packet_send(e, 60));
	}
	say("arp", arp(self, as, t, 2, "slip:spoofarp"));
	say("nd", nd(136, as));
	addr4(t, a);
	say("honest", udp_to(a, NULL, "slip:honest", NULL));
	return 0;
}

/* ---- broadcast latency ---- */

static uint64_t real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int do_stamp(int n, int gap_ms)
{
	port = 9999;
	for (int i = 0; i < n; i++) {
		char p[64];

		snprintf(p, sizeof(p), "slip:ts:%llu",
			 (unsigned long long)real_ns());
		udp_to("10.0.255.255", NULL, p, NULL);
		snprintf(p, sizeof(p), "slip:ts:%llu",
			 (unsigned long long)real_ns());
		udp_to("ff02::1", NULL, p, NULL);
		usleep((useconds_t)gap_ms * 1000);
	}
	printf("stamped\n");
	return 0;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int do_lat(double secs)
{
	int fd[2];
	double v[2][512], end = now_s() + secs;
	int n[2] = {0, 0}, one = 1;
	struct sockaddr_in s4 = {.sin_family = AF_INET,
				 .sin_port = htons(9999)};
	struct sockaddr_in6 s6 = {.sin6_family = AF_INET6,
				  .sin6_port = htons(9999)};

	fd[0] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	fd[1] = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	setsockopt(fd[1], IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd[0], (struct sockaddr *)&s4, sizeof(s4)) < 0 ||
	    bind(fd[1], (struct sockaddr *)&s6, sizeof(s6)) < 0) {
		perror("slip: bind");
		return 2;
	}
	while (now_s() < end) {
		struct pollfd p[2] = {{fd[0], POLLIN, 0}, {fd[1], POLLIN, 0}};

		if (poll(p, 2, 50) <= 0)
			continue;
		for (int i = 0; i < 2; i++) {
			char buf[128];
			ssize_t k;

			if (!(p[i].revents & POLLIN))
				continue;
			k = recv(fd[i], buf, sizeof(buf) - 1, 0);
			if (k <= 8 || strncmp(buf, "slip:ts:", 8) != 0 ||
			    n[i] >= 512)
				continue;
			buf[k] = 0;
			v[i][n[i]++] =
			    (double)(real_ns() - strtoull(buf + 8, NULL, 10)) /
			    1e6;
		}
	}
	for (int i = 0; i < 2; i++) {
		qsort(v[i], (size_t)n[i], sizeof(double), cmp);
		printf("lat%d n=%d median=%.3f ms\n", i ? 6 : 4, n[i],
		       n[i] ? v[i][n[i] / 2] : -1.0);
	}
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 5 && strcmp(argv[1], "sniff") == 0)
		return do_sniff(argv[2], atof(argv[3]), atof(argv[4]));
	if (argc >= 4 && strcmp(argv[1], "send") == 0)
		return do_send((unsigned)atoi(argv[2]), argc - 3, argv + 3);
	if (argc >= 5 && strcmp(argv[1], "spoof") == 0)
		return do_spoof((unsigned)atoi(argv[2]),
				(unsigned)atoi(argv[3]),
				(unsigned)atoi(argv[4]));
	if (argc >= 5 && strcmp(argv[1], "stamp") == 0)
		return do_stamp(atoi(argv[3]), atoi(argv[4]));
	if (argc >= 3 && strcmp(argv[1], "lat") == 0)
		return do_lat(atof(argv[2]));
	fprintf(stderr, "usage: see tests/progs/slip.c\n");
	return 2;
}
