/* test_units.c — numbers with units as tc(8) writes them. */
#include "model/units.h"

#include <criterion/criterion.h>
#include <errno.h>

Test(units, percent_like_tc)
{
	uint32_t v;
	double f;

	cr_assert_eq(lk_parse_percent("5%", &v), 0);
	cr_assert_eq(v, 0x0ccccccdu);
	cr_assert_eq(lk_parse_percent("5", &v), 0, "bare is percent, as tc");
	cr_assert_eq(v, 0x0ccccccdu);
	cr_assert_eq(lk_parse_percent("100%", &v), 0);
	cr_assert_eq(v, UINT32_MAX);
	cr_assert_eq(lk_parse_percent("0%", &v), 0);
	cr_assert_eq(v, 0);
	cr_assert_eq(lk_parse_percent(".5%", &v), 0);
	cr_assert_eq(lk_parse_percent("100.1%", &v), -ERANGE);
	cr_assert_eq(lk_parse_percent("-1%", &v), -EINVAL);
	cr_assert_eq(lk_parse_percent("5%%", &v), -EINVAL);
	cr_assert_eq(lk_parse_percent("0x10", &v), -EINVAL);
	cr_assert_eq(lk_parse_percent("nan", &v), -EINVAL);
	cr_assert_eq(lk_parse_percent("", &v), -EINVAL);
	cr_assert_eq(lk_parse_fraction("25%", &f), 0);
	cr_assert_float_eq(f, 0.25, 1e-12);
	cr_assert_float_eq(lk_percent_of(0x40000000u), 25.0, 1e-6);
}

Test(units, rate_bits_and_bytes)
{
	uint64_t r;

	cr_assert_eq(lk_parse_rate("10mbit", &r), 0);
	cr_assert_eq(r, 1250000u);
	cr_assert_eq(lk_parse_rate("1Mbps", &r), 0);
	cr_assert_eq(r, 1000000u);
	cr_assert_eq(lk_parse_rate("1kibit", &r), 0);
	cr_assert_eq(r, 128u);
	cr_assert_eq(lk_parse_rate("8000", &r), 0, "bare: bits/s, as tc");
	cr_assert_eq(r, 1000u);
	cr_assert_eq(lk_parse_rate("50gbit", &r), 0);
	cr_assert_eq(r, 6250000000ull);
	cr_assert_eq(lk_parse_rate("1.5kbit", &r), 0);
	cr_assert_eq(r, 187u, "truncated like tc");
	cr_assert_eq(lk_parse_rate("10mb", &r), -EINVAL);
	cr_assert_eq(lk_parse_rate("mbit", &r), -EINVAL);
}

Test(units, size)
{
	uint64_t s;

	cr_assert_eq(lk_parse_size("1500", UINT32_MAX, &s), 0);
	cr_assert_eq(s, 1500);
	cr_assert_eq(lk_parse_size("32k", UINT32_MAX, &s), 0);
	cr_assert_eq(s, 32768);
	cr_assert_eq(lk_parse_size("2mb", UINT32_MAX, &s), 0);
	cr_assert_eq(s, 2097152);
	cr_assert_eq(lk_parse_size("10b", UINT32_MAX, &s), 0);
	cr_assert_eq(s, 10);
	cr_assert_eq(lk_parse_size("8kbit", UINT32_MAX, &s), 0);
	cr_assert_eq(s, 1024);
	cr_assert_eq(lk_parse_size("5g", UINT32_MAX, &s), -ERANGE);
	cr_assert_eq(lk_parse_size("5q", UINT32_MAX, &s), -EINVAL);
}

Test(units, time_and_int)
{
	uint64_t t;
	int64_t i;

	cr_assert_eq(lk_parse_time_ns("250", 1000, &t), 0);
	cr_assert_eq(t, 250000);
	cr_assert_eq(lk_parse_time_ns("1.5s", 1000, &t), 0);
	cr_assert_eq(t, 1500000000ull);
	cr_assert_eq(lk_parse_time_ns("5 ms", 1000, &t), -EINVAL);
	cr_assert_eq(lk_parse_int("-14", INT32_MIN, INT32_MAX, &i), 0);
	cr_assert_eq(i, -14);
	cr_assert_eq(lk_parse_int("+5", 0, 10, &i), 0);
	cr_assert_eq(i, 5);
	cr_assert_eq(lk_parse_int("11", 0, 10, &i), -ERANGE);
	cr_assert_eq(lk_parse_int("1x", 0, 10, &i), -EINVAL);
	cr_assert_eq(lk_parse_int("-", 0, 10, &i), -EINVAL);
}

/* Fuzz finding 7: times from 2^63 ns went through llround() (undefined
 * there; it returned 2^63).  Refused: times fit an int64_t. */
Test(units, time_from_2_63_ns_is_refused)
{
	uint64_t t;

	cr_assert_eq(lk_parse_time_ns("1e10s", 1000, &t), -ERANGE);
	cr_assert_eq(lk_parse_time_ns("9223372036854775808ns", 1000, &t),
		     -ERANGE);
	cr_assert_eq(lk_parse_time_ns("18446744073709551615ns", 1000, &t),
		     -ERANGE);
	cr_assert_eq(lk_parse_time_ns("9223372036854774784ns", 1000, &t), 0);
	cr_assert_eq(t, 9223372036854774784ull);
	cr_assert_eq(lk_parse_time_ns("9.2e9s", 1000, &t), 0);
	cr_assert_eq(t, 9200000000000000000ull);
}

/* Fuzz finding 8: with max = UINT64_MAX, (double)max is 2^64, so
 * "18446744073709551615" (2^64 as a double) passed the check and its
 * conversion to uint64_t overflowed. */
Test(units, size_at_uint64_max_is_refused_not_overflowed)
{
	uint64_t s;

	cr_assert_eq(lk_parse_size("18446744073709551615", UINT64_MAX, &s),
		     -ERANGE);
	cr_assert_eq(lk_parse_size("16g", UINT64_MAX, &s), 0);
	cr_assert_eq(s, 16ull << 30);
	cr_assert_eq(lk_parse_size("4294967295", UINT32_MAX, &s), 0);
	cr_assert_eq(s, UINT32_MAX);
	cr_assert_eq(lk_parse_size("4294967296", UINT32_MAX, &s), -ERANGE);
	/* (double)max rounds up: the integer comparison catches it. */
	cr_assert_eq(lk_parse_size("9007199254740993", 9007199254740993ull,
				   &s), 0);
	cr_assert_eq(lk_parse_size("9007199254740994", 9007199254740993ull,
				   &s), -ERANGE);
}
