/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * capacity.c — whether this machine can hold n peers, checked before
 * anything is created: each limit that would stop the launch half way
 * (a namespace, a process, a descriptor, memory) named in one line with
 * n and what each peer takes.
 */
#include "launcher/launch_internal.h"

#include "common/cleanup.h"
#include "common/error.h"
#include "netsetup/hub.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* What the supervisor holds per peer at most: pidfd, sync socket, the
 * two output pipes, a log file, the userspace engine's TAP and its pcap
 * file, and a spare (measured at 100 peers: 4.1 per peer on the bridge,
 * 5.1 on the userspace engine, without logs or captures). */
#define FDS_PER_PEER 8
#define FDS_BASE 256
/* Host memory a peer takes (its namespaces, a veth pair or a TAP, two
 * processes, their page tables and kernel stacks), measured at 1000
 * peers on kernel 6.18: bench/results/scale.md.  Rounded up. */
#define BYTES_PER_PEER (1024 * 1024)

static int read_u64(const char *path, uint64_t *out)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	char buf[64];
	ssize_t len;

	if (fd < 0)
		return -errno;
	len = read(fd, buf, sizeof(buf) - 1);
	if (len <= 0)
		return -EIO;
	buf[len] = '\0';
	*out = strtoull(buf, NULL, 10);
	return 0;
}

/* Threads running now: the denominator of /proc/loadavg's 4th field. */
static uint64_t threads_now(void)
{
	_cleanup_close_ int fd = open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
	char buf[128];
	const char *slash;
	ssize_t len;

	if (fd < 0 || (len = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return 0;
	buf[len] = '\0';
	slash = strchr(buf, '/');
	return slash ? strtoull(slash + 1, NULL, 10) : 0;
}

static uint64_t mem_available(void)
{
	_cleanup_close_ int fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
	char buf[4096];
	const char *at;
	ssize_t len;

	if (fd < 0 || (len = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return 0;
	buf[len] = '\0';
	at = strstr(buf, "MemAvailable:");
	if (!at)
		return 0;
	return strtoull(at + strlen("MemAvailable:"), NULL, 10) * 1024;
}

static const struct {
	const char *name, *what;
	unsigned extra; /* beyond one per peer */
} ns_limits[] = {
    {"max_net_namespaces", "network", 1 /* the hub */},
    {"max_pid_namespaces", "PID", 0},
    {"max_mnt_namespaces", "mount", 0},
    {"max_uts_namespaces", "UTS", 0},
    {"max_ipc_namespaces", "IPC", 0},
};

int lk_launch_check_capacity(unsigned n, struct lk_error *e)
{
	uint64_t v, used, avail;
	struct rlimit rl;

	if (lk_hub_bridges(n) > LK_HUB_MAX_BRIDGES)
		return lk_error_set(e, E2BIG,
				    "cannot start %u peers: the hub holds at "
				    "most %u (%u bridges of %u ports)",
				    n,
				    LK_HUB_MAX_BRIDGES * LK_HUB_PORTS_PER_BRIDGE,
				    LK_HUB_MAX_BRIDGES, LK_HUB_PORTS_PER_BRIDGE);
	for (size_t i = 0; i < sizeof(ns_limits) / sizeof(ns_limits[0]);
	     i++) {
		char path[128];
		uint64_t need = (uint64_t)n + ns_limits[i].extra;

		snprintf(path, sizeof(path), "/proc/sys/user/%s",
			 ns_limits[i].name);
		if (read_u64(path, &v) == 0 && v < need)
			return lk_error_set(
			    e, E2BIG,
			    "cannot start %u peers: user.%s is %" PRIu64
			    ", and they need %" PRIu64 " (one %s namespace "
			    "per peer%s)",
			    n, ns_limits[i].name, v, need, ns_limits[i].what,
			    ns_limits[i].extra ? ", one for the hub" : "");
	}
	/* Two processes per peer: its init and its command. */
	used = threads_now();
	if (read_u64("/proc/sys/kernel/pid_max", &v) == 0 &&
	    used + 2 * (uint64_t)n + 64 > v)
		return lk_error_set(e, E2BIG,
				    "cannot start %u peers: kernel.pid_max is "
				    "%" PRIu64 " with %" PRIu64
				    " threads running, and they need %" PRIu64
				    " more (2 processes per peer)",
				    n, v, used, 2 * (uint64_t)n);
	if (read_u64("/proc/sys/kernel/threads-max", &v) == 0 &&
	    used + 2 * (uint64_t)n + 64 > v)
		return lk_error_set(e, E2BIG,
				    "cannot start %u peers: kernel.threads-max "
				    "is %" PRIu64 " with %" PRIu64
				    " threads running, and they need %" PRIu64
				    " more (2 processes per peer)",
				    n, v, used, 2 * (uint64_t)n);
	/* Root may raise its hard limit (up to fs.nr_open): a limit only
	 * when that is refused. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_max != RLIM_INFINITY &&
	    rl.rlim_max < (rlim_t)n * FDS_PER_PEER + FDS_BASE) {
		struct rlimit more = {rl.rlim_cur,
				      (rlim_t)n * FDS_PER_PEER + FDS_BASE};

		if (setrlimit(RLIMIT_NOFILE, &more) < 0)
			return lk_error_set(
			    e, E2BIG,
			    "cannot start %u peers: the open files limit "
			    "(RLIMIT_NOFILE, hard) is %" PRIu64
			    ", and the supervisor needs %u (%u per peer)",
			    n, (uint64_t)rl.rlim_max,
			    n * FDS_PER_PEER + FDS_BASE, FDS_PER_PEER);
	}
	avail = mem_available();
	if (avail && (uint64_t)n * BYTES_PER_PEER > avail)
		return lk_error_set(e, E2BIG,
				    "cannot start %u peers: %" PRIu64
				    " MiB of memory available, and they need "
				    "about %" PRIu64 " MiB (%u KiB per peer)",
				    n, avail >> 20,
				    ((uint64_t)n * BYTES_PER_PEER) >> 20,
				    BYTES_PER_PEER / 1024);
	return 0;
}
