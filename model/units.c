/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* units.c — numbers with units, as tc(8) writes them. */
#include "model/units.h"

#include "common/cleanup.h"

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

struct unit {
	const char *name;
	double scale;
};

/* Multiply *v by the scale of the unit named suffix; -EINVAL if unknown. */
static int apply_unit(const struct unit *units, size_t n, const char *suffix,
		      double *v)
{
	for (size_t i = 0; i < n; i++) {
		if (strcasecmp(suffix, units[i].name) == 0) {
			*v *= units[i].scale;
			return 0;
		}
	}
	return -EINVAL;
}

int lk_parse_time_ns(const char *s, uint64_t bare_unit_ns, uint64_t *out)
{
	static const struct unit units[] = {
	    {"s", 1e9},	    {"sec", 1e9},   {"secs", 1e9}, {"ms", 1e6},
	    {"msec", 1e6},  {"msecs", 1e6}, {"us", 1e3},   {"usec", 1e3},
	    {"usecs", 1e3}, {"ns", 1},	    {"nsec", 1},   {"nsecs", 1},
	};
	double v;
	char *end;

	if (!s || !((*s >= '0' && *s <= '9') || *s == '.'))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || !isfinite(v) || v < 0)
		return -EINVAL;
	if (!*end)
		v *= (double)bare_unit_ns;
	else if (apply_unit(units, LK_ARRAY_SIZE(units), end, &v) < 0)
		return -EINVAL;
	/* Times are kept as nanoseconds that also fit an int64_t (clocks,
	 * timespecs): at most 2^63 - 1 ns, about 292 years.  llround() of
	 * anything above is undefined. */
	v = round(v);
	if (v >= 9223372036854775808.0)
		return -ERANGE;
	*out = (uint64_t)v;
	return 0;
}

int lk_parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
	long long v;
	char *end;

	if (!s || !((*s >= '0' && *s <= '9') ||
		    ((*s == '-' || *s == '+') && s[1] >= '0' && s[1] <= '9')))
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/* strtod that accepts only plain decimal numbers (no hex, inf, nan). */
static int parse_decimal(const char *s, double *v, char **end)
{
	const char *p = s;

	if (!s)
		return -EINVAL;
	if (*p == '+')
		p++;
	if (!((*p >= '0' && *p <= '9') ||
	      (*p == '.' && p[1] >= '0' && p[1] <= '9')))
		return -EINVAL;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		return -EINVAL;
	errno = 0;
	*v = strtod(s, end);
	if (*end == s || errno || !isfinite(*v) || *v < 0)
		return -EINVAL;
	return 0;
}

int lk_parse_fraction(const char *s, double *out)
{
	double v;
	char *end;

	if (parse_decimal(s, &v, &end) < 0)
		return -EINVAL;
	if (*end && strcmp(end, "%") != 0)
		return -EINVAL;
	v /= 100.0;
	if (v > 1.0)
		return -ERANGE;
	*out = v;
	return 0;
}

uint32_t lk_percent_scale(double f)
{
	return (uint32_t)rint(f * 4294967295.0);
}

int lk_parse_percent(const char *s, uint32_t *out)
{
	double v;
	int r = lk_parse_fraction(s, &v);

	if (r < 0)
		return r;
	*out = lk_percent_scale(v);
	return 0;
}

double lk_percent_of(uint32_t scaled)
{
	return 100.0 * (double)scaled / 4294967295.0;
}

int lk_parse_rate(const char *s, uint64_t *bytes_per_sec)
{
	static const struct unit units[] = { /* scale: to bits */
	    {"bit", 1.},
	    {"kibit", 1024.},
	    {"kbit", 1000.},
	    {"mibit", 1024. * 1024.},
	    {"mbit", 1e6},
	    {"gibit", 1024. * 1024. * 1024.},
	    {"gbit", 1e9},
	    {"tibit", 1024. * 1024. * 1024. * 1024.},
	    {"tbit", 1e12},
	    {"bps", 8.},
	    {"kibps", 8. * 1024.},
	    {"kbps", 8000.},
	    {"mibps", 8. * 1024. * 1024.},
	    {"mbps", 8e6},
	    {"gibps", 8. * 1024. * 1024. * 1024.},
	    {"gbps", 8e9},
	    {"tibps", 8. * 1024. * 1024. * 1024. * 1024.},
	    {"tbps", 8e12},
	};
	double v;
	char *end;

	if (parse_decimal(s, &v, &end) < 0)
		return -EINVAL;
	if (*end && apply_unit(units, LK_ARRAY_SIZE(units), end, &v) < 0)
		return -EINVAL;
	v /= 8;
	if (v >= 18446744073709551615.0)
		return -ERANGE;
	*bytes_per_sec = (uint64_t)v;
	return 0;
}

int lk_parse_size(const char *s, uint64_t max, uint64_t *out)
{
	static const struct unit units[] = {
	    {"b", 1.},
	    {"k", 1024.},
	    {"kb", 1024.},
	    {"m", 1024. * 1024.},
	    {"mb", 1024. * 1024.},
	    {"g", 1024. * 1024. * 1024.},
	    {"gb", 1024. * 1024. * 1024.},
	    {"kbit", 1024. / 8},
	    {"mbit", 1024. * 1024. / 8},
	    {"gbit", 1024. * 1024. * 1024. / 8},
	};
	double v;
	char *end;

	if (parse_decimal(s, &v, &end) < 0)
		return -EINVAL;
	if (*end && apply_unit(units, LK_ARRAY_SIZE(units), end, &v) < 0)
		return -EINVAL;
	/* (double)max may round up (UINT64_MAX becomes 2^64): compare the
	 * double with 2^64 before converting, the integer with max after. */
	if (v >= 18446744073709551616.0 || (uint64_t)v > max)
		return -ERANGE;
	*out = (uint64_t)v;
	return 0;
}
