/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz_units.c — every number-with-unit parser on the same text, with the
 * bounds each promises. */
#include "fuzz.h"

#include "model/units.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;
	uint64_t u, max;
	int64_t i;
	uint32_t pct;
	double f;

	if (size < 8 || size > 256)
		return -1;
	memcpy(&max, data, 8);
	s = fuzz_str(data + 8, size - 8);
	if (lk_parse_time_ns(s, 1000, &u) == 0)
		FUZZ_CHECK(u < (1ull << 63), "%s", s);
	if (lk_parse_time_ns(s, 1000000000ull, &u) == 0)
		FUZZ_CHECK(u < (1ull << 63), "%s", s);
	if (lk_parse_uint(s, max, &u) == 0)
		FUZZ_CHECK(u <= max, "%s", s);
	if (lk_parse_int(s, -(int64_t)(max >> 1), (int64_t)(max >> 1), &i) ==
	    0)
		FUZZ_CHECK(i <= (int64_t)(max >> 1) &&
			       i >= -(int64_t)(max >> 1),
			   "%s", s);
	if (lk_parse_size(s, max, &u) == 0)
		FUZZ_CHECK(u <= max, "%s", s);
	if (lk_parse_size(s, UINT64_MAX, &u) == 0)
		FUZZ_CHECK(1, "%s", s);
	if (lk_parse_fraction(s, &f) == 0)
		FUZZ_CHECK(f >= 0 && f <= 1, "%s", s);
	if (lk_parse_percent(s, &pct) == 0 && lk_parse_fraction(s, &f) == 0)
		FUZZ_CHECK(fabs(lk_percent_of(pct) / 100.0 - f) < 1e-6, "%s",
			   s);
	(void)lk_parse_rate(s, &u);
	free(s);
	return 0;
}
