/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* units.h — numbers with units, as tc(8) writes them.  Pure. */
#ifndef LK_UNITS_H
#define LK_UNITS_H

#include <stdint.h>

/* A duration: "1.5s", "20ms", "250us", "3ns" (also sec/secs/msec/msecs/
 * usec/usecs/nsec/nsecs).  A bare number is taken in bare_unit_ns
 * (tc takes microseconds: 1000).  Returns 0 or -EINVAL / -ERANGE. */
int lk_parse_time_ns(const char *s, uint64_t bare_unit_ns, uint64_t *out);

/* An unsigned decimal that fits in max. */
int lk_parse_uint(const char *s, uint64_t max, uint64_t *out);

#endif
