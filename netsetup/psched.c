/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* psched.c — scheduler ticks as tc computes them. */
#include "netsetup/psched.h"

#include "common/cleanup.h"
#include "common/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#define TIME_UNITS_PER_SEC 1000000.0

int lk_psched_parse(const char *text, struct lk_psched *out)
{
	unsigned t2us, us2t, res, hz = 0;
	int n;

	n = sscanf(text, "%08x%08x%08x%08x", &t2us, &us2t, &res, &hz);
	if (n < 3 || us2t == 0 || res == 0)
		return -EINVAL;
	out->t2us = t2us;
	out->us2t = us2t;
	out->clock_res = res;
	/* tc's get_hz: the 4th field when the 3rd is 1000000, else 100 */
	out->hz = n == 4 && res == 1000000 && hz ? hz : 100;
	/* tc's compatibility rule: a nanosecond clock advertises 1000 */
	if (res == 1000000000)
		t2us = us2t;
	out->clock_factor = (double)res / TIME_UNITS_PER_SEC;
	out->tick_in_usec = (double)t2us / us2t * out->clock_factor;
	return 0;
}

void lk_psched_default(struct lk_psched *out)
{
	lk_psched_parse("000003e8 00000040 000f4240 3b9aca00", out);
}

int lk_psched_read(struct lk_psched *out, struct lk_error *e)
{
	_cleanup_close_ int fd = open("/proc/net/psched", O_RDONLY | O_CLOEXEC);
	char buf[128];
	ssize_t n;

	if (fd < 0)
		return lk_error_errno(e, "open /proc/net/psched");
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return lk_error_errno(e, "read /proc/net/psched");
	buf[n] = '\0';
	if (lk_psched_parse(buf, out) < 0)
		return lk_error_set(e, EINVAL,
				    "/proc/net/psched: unexpected '%s'", buf);
	return 0;
}

/* tc converts these doubles to unsigned int unchecked, which C leaves
 * undefined past 2^32 (x86 wraps): saturate instead.  Callers that send
 * the value where the kernel uses it refuse first (..._too_big). */
static uint32_t sat32(double v)
{
	return v >= 4294967295.0 ? UINT32_MAX : (uint32_t)v;
}

uint32_t lk_psched_us2tick(const struct lk_psched *ps, uint32_t us)
{
	return sat32(us * ps->tick_in_usec);
}

bool lk_psched_us_too_big(const struct lk_psched *ps, uint32_t us)
{
	uint64_t t = us;

	t = (uint64_t)(t * ps->tick_in_usec);
	return (t >> 32) != 0;
}

uint32_t lk_psched_xmittime(const struct lk_psched *ps, uint64_t rate,
			    uint32_t size)
{
	double us = TIME_UNITS_PER_SEC * ((double)size / (double)rate);

	/* tc passes this double to an unsigned parameter: truncation */
	return lk_psched_us2tick(ps, sat32(us));
}

bool lk_psched_xmittime_too_big(const struct lk_psched *ps, uint64_t rate,
				uint32_t size)
{
	double us = TIME_UNITS_PER_SEC * ((double)size / (double)rate);

	return us >= 4294967296.0 || lk_psched_us_too_big(ps, (uint32_t)us);
}
