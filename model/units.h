/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* units.h — numbers with units, as tc(8) writes them.  Pure. */
#ifndef LK_UNITS_H
#define LK_UNITS_H

#include <stdint.h>

/* A duration: "1.5s", "20ms", "250us", "3ns" (also sec/secs/msec/msecs/
 * usec/usecs/nsec/nsecs).  A bare number is taken in bare_unit_ns
 * (tc takes microseconds: 1000).  Returns 0 or -EINVAL / -ERANGE (from
 * 2^63 ns, about 292 years: times fit an int64_t). */
int lk_parse_time_ns(const char *s, uint64_t bare_unit_ns, uint64_t *out);

/* An unsigned decimal that fits in max. */
int lk_parse_uint(const char *s, uint64_t max, uint64_t *out);

/* A signed decimal in [min, max]. */
int lk_parse_int(const char *s, int64_t min, int64_t max, int64_t *out);

/* A probability as tc writes it: "5%", "0.1%" or a bare "5" (also
 * percent).  0..100% only.  Stored as netem stores it: scaled so that
 * UINT32_MAX is 100%, rounded to nearest like tc (rint(p * UINT32_MAX)). */
int lk_parse_percent(const char *s, uint32_t *out);
/* The same as a fraction 0.0 .. 1.0 (unrounded). */
int lk_parse_fraction(const char *s, double *out);
/* A fraction scaled like netem: rint(f * UINT32_MAX). */
uint32_t lk_percent_scale(double f);
/* The inverse, for messages and docs: 0.0 .. 100.0. */
double lk_percent_of(uint32_t scaled);
#define LK_PERCENT(p) ((uint32_t)((p) / 100.0 * 4294967295.0 + 0.5))

/* A rate as tc(8) writes it, returned in bytes per second (truncated like
 * tc).  Bits per second: bit kbit mbit gbit tbit, kibit mibit gibit tibit;
 * bytes per second: bps kbps mbps gbps tbps, kibps mibps gibps tibps
 * (case-insensitive).  A bare number is bits per second, as in tc. */
int lk_parse_rate(const char *s, uint64_t *bytes_per_sec);

/* A size as tc(8) writes it, in bytes: b, k/kb (1024), m/mb, g/gb, and
 * kbit/mbit/gbit (1024-based bits, like tc).  A bare number is bytes. */
int lk_parse_size(const char *s, uint64_t max, uint64_t *out);

#endif
