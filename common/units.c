/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* units.c — numbers with units, as tc(8) writes them. */
#include "common/units.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int lk_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int lk_parse_time_ns(const char *s, uint64_t bare_unit_ns, uint64_t *out)
{
	static const struct {
		const char *name;
		double ns;
	} units[] = {
		{"s", 1e9},	{"sec", 1e9},	  {"secs", 1e9},  {"ms", 1e6},
		{"msec", 1e6},	{"msecs", 1e6},	  {"us", 1e3},	  {"usec", 1e3},
		{"usecs", 1e3}, {"ns", 1},	  {"nsec", 1},	  {"nsecs", 1},
	};
	double v, scale = (double)bare_unit_ns;
	char *end;

	if (!s || !((*s >= '0' && *s <= '9') || *s == '.'))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || !isfinite(v) || v < 0)
		return -EINVAL;
	if (*end) {
		size_t i;

		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (strcasecmp(end, units[i].name) == 0)
				break;
		if (i == sizeof(units) / sizeof(units[0]))
			return -EINVAL;
		scale = units[i].ns;
	}
	v *= scale;
	if (v >= 18446744073709551615.0)
		return -ERANGE;
	*out = (uint64_t)llround(v);
	return 0;
}
