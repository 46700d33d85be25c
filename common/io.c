/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* io.c — whole writes, mkdir -p, closing descriptors. */
#include "common/io.h"

#include "common/error.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int lk_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		if (w == 0) {
			errno = EIO;
			return -EIO;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int lk_mkdir_p(const char *dir, unsigned mode, struct lk_error *e)
{
	char tmp[PATH_MAX];

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s", dir) >= sizeof(tmp))
		return lk_error_set(e, ENAMETOOLONG, "create '%s': %s", dir,
				    "path too long");
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			return lk_error_errno(e, "create '%s'", tmp);
		*p = '/';
	}
	if (mkdir(tmp, (mode_t)mode) < 0 && errno != EEXIST)
		return lk_error_errno(e, "create '%s'", tmp);
	return 0;
}

/* Close [lo, hi]: one system call, or a loop when there is none. */
static void close_span(unsigned lo, unsigned hi, unsigned limit)
{
	if (lo > hi)
		return;
	if (syscall(SYS_close_range, lo, hi, 0) == 0)
		return;
	if (hi >= limit)
		hi = limit - 1;
	for (unsigned fd = lo; fd <= hi && fd < limit; fd++)
		close((int)fd);
}

void lk_close_from(int from, const int *keep, size_t nkeep)
{
	struct rlimit rl;
	unsigned limit = 65536, lo = (unsigned)from;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < limit)
		limit = (unsigned)rl.rlim_cur;
	for (;;) {
		/* The smallest kept descriptor at or above lo. */
		unsigned next = ~0U;

		for (size_t i = 0; i < nkeep; i++)
			if (keep[i] >= 0 && (unsigned)keep[i] >= lo &&
			    (unsigned)keep[i] < next)
				next = (unsigned)keep[i];
		if (next == ~0U) {
			close_span(lo, ~0U, limit);
			return;
		}
		if (next > lo)
			close_span(lo, next - 1, limit);
		lo = next + 1;
	}
}
