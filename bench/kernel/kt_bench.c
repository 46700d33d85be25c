/* kt_bench.c — time the kernel engine building a full mesh of trees (a
 * distinct impairment on every ordered pair) in namespaces run.sh made:
 *   kt-bench N PREFIX [netem]   (namespaces /run/netns/PREFIX-1 .. -N)
 * Prints "parse_s build_s requests".  Without "netem": token buckets only
 * (s>d:rate=(1000+sN+d)kbit), with bfifo leaves, so that it runs on a
 * kernel without sch_netem.  With "netem": the same token buckets, and a
 * netem leaf with delay=(1000+sN+d)us,loss=(s)%/10 on every link. */
#include "netsetup/kernel_tree.h"
#include "model/linkspec.h"
#include "netsetup/nl.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct lk_error e = {0};
	struct lk_links links;
	struct lk_plan plan;
	struct lk_psched ps;
	unsigned n;
	double t0, t1, t2;
	unsigned long reqs = 0;
	int back;

	bool netem;

	if (argc != 3 && !(argc == 4 && strcmp(argv[3], "netem") == 0))
		return 2;
	netem = argc == 4;
	n = (unsigned)atoi(argv[1]);
	if (lk_plan_init(&plan, n, "10.88.0.0/16", &e) < 0)
		goto fail;
	lk_psched_default(&ps);
	lk_psched_read(&ps, &e);
	back = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	t0 = now();
	lk_links_init(&links, n);
	for (unsigned s = 1; s <= n; s++)
		for (unsigned d = 1; d <= n; d++) {
			char spec[96];

			if (s == d)
				continue;
			if (netem)
				snprintf(spec, sizeof(spec),
					 "%u>%u:rate=%ukbit,delay=%uus,"
					 "loss=%u.%u%%",
					 s, d, 1000 + s * n + d,
					 1000 + s * n + d, s / 10, s % 10);
			else
				snprintf(spec, sizeof(spec),
					 "%u>%u:rate=%ukbit", s, d,
					 1000 + s * n + d);
			if (lk_links_add(&links, spec, &e) < 0)
				goto fail;
		}
	t1 = now();
	for (unsigned s = 1; s <= n; s++) {
		struct lk_kt_opts o = {.plan = &plan,
				       .ps = &ps,
				       .eth_ifindex = 2,
				       .first_ifindex = 3,
				       .netem = netem};
		struct lk_kt_peer st;
		struct lk_nl nl = {0};
		struct lk_nl_batch b;
		char path[128];
		int fd;

		snprintf(path, sizeof(path), "/run/netns/%s-%u", argv[2], s);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || lk_nl_open_in(&nl, fd, back, &e) < 0 ||
		    lk_nl_batch_init(&b, &nl, &e) < 0)
			goto fail;
		lk_kt_peer_init(&st, s, &o);
		if (lk_kt_peer_build(&b, &links, s, &o, &st, &e) < 0)
			goto fail;
		reqs += 1 + 4 * st.len;
		if (lk_nl_batch_flush(&b, &e) < 0)
			goto fail;
		lk_nl_batch_free(&b);
		lk_nl_close(&nl);
		lk_kt_peer_free(&st);
		close(fd);
	}
	t2 = now();
	printf("%.4f %.4f %lu\n", t1 - t0, t2 - t1, reqs);
	lk_links_free(&links);
	return 0;
fail:
	fprintf(stderr, "kt-bench: %s\n", e.msg);
	return 1;
}
