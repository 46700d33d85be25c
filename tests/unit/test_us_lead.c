/* test_us_lead.c — the userspace engine's timer lead: which estimate a
 * wait uses, how the first wake-ups warm it up, the step, the cap, and
 * what an early wake-up does. */
#include "userspace/us_lead.h"

#include <criterion/criterion.h>

#define US 1000ull
#define MS 1000000ull
#define T0 (1000ull * 1000 * MS)

/* A lead past its warm-up, at early ns. */
static struct us_lead warm(uint64_t early)
{
	return (struct us_lead){.early = early, .n = US_WARM};
}

Test(us_lead, every_bucket_starts_at_50_us_with_nothing_measured)
{
	struct us_lead lead[US_LEAD_BUCKETS];

	us_lead_init(lead);
	for (unsigned b = 0; b < US_LEAD_BUCKETS; b++) {
		cr_assert_eq(lead[b].early, 50 * US);
		cr_assert_eq(lead[b].n, 0);
	}
}

Test(us_lead, the_bucket_follows_the_wait_under_half_2_8_32_128_ms_and_longer)
{
	static const struct {
		uint64_t wait;
		unsigned bucket;
	} cases[] = {
		{0, 0},
		{499999, 0},
		{500 * US, 1},
		{2 * MS - 1, 1},
		{2 * MS, 2},
		{8 * MS - 1, 2},
		{8 * MS, 3},
		{32 * MS - 1, 3},
		{32 * MS, 4},
		{128 * MS - 1, 4},
		{128 * MS, 5},
		{10000 * MS, 5},
		{UINT64_MAX, 5},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_assert_eq(us_lead_bucket(cases[i].wait), cases[i].bucket,
			     "wait %llu ns: bucket %u, expected %u",
			     (unsigned long long)cases[i].wait,
			     us_lead_bucket(cases[i].wait), cases[i].bucket);
	cr_assert_eq(US_LEAD_BUCKETS, 6);
}

Test(us_lead, the_first_16_wake_ups_move_it_halfway_to_what_they_measured)
{
	struct us_lead ld = {.early = 50 * US};
	uint64_t expect = 50 * US;

	for (unsigned i = 0; i < US_WARM; i++) {
		uint64_t late = (i % 2) ? 300 * US : 7 * US;

		us_lead_learn(&ld, late);
		expect = (expect + late) / 2;
		cr_assert_eq(ld.early, expect, "wake-up %u", i + 1);
		cr_assert_eq(ld.n, i + 1);
	}
	/* The 17th steps by 1/32 of the estimate, up. */
	us_lead_learn(&ld, 10 * MS);
	cr_assert_eq(ld.early, expect + expect / 32);
	cr_assert_eq(ld.n, US_WARM);
}

Test(us_lead, a_warm_up_wake_up_counts_at_most_2_ms)
{
	struct us_lead ld = {.early = 50 * US};

	us_lead_learn(&ld, 40 * MS);
	cr_assert_eq(ld.early, (50 * US + 2 * MS) / 2);
}

Test(us_lead, after_warm_up_a_late_wake_up_steps_up_by_1_32_of_the_estimate)
{
	struct us_lead ld = warm(320 * US);

	us_lead_learn(&ld, 321 * US);
	cr_assert_eq(ld.early, 330 * US);
	/* However late: one step. */
	us_lead_learn(&ld, 1900 * US);
	cr_assert_eq(ld.early, 330 * US + 330 * US / 32);
}

Test(us_lead, after_warm_up_an_earlier_wake_up_steps_down_by_1_32)
{
	struct us_lead ld = warm(320 * US);

	us_lead_learn(&ld, 319 * US);
	cr_assert_eq(ld.early, 310 * US);
}

Test(us_lead, the_step_is_2_us_at_least)
{
	struct us_lead ld = warm(40 * US); /* 1/32 is 1.25 µs */

	us_lead_learn(&ld, 100 * US);
	cr_assert_eq(ld.early, 42 * US);
	us_lead_learn(&ld, 10 * US);
	us_lead_learn(&ld, 10 * US);
	cr_assert_eq(ld.early, 38 * US);
}

Test(us_lead, a_wake_up_as_late_as_the_estimate_leaves_it)
{
	struct us_lead ld = warm(123 * US);

	us_lead_learn(&ld, 123 * US);
	cr_assert_eq(ld.early, 123 * US);
}

Test(us_lead, it_stops_rising_at_2_ms)
{
	struct us_lead ld = warm(1990 * US);
	uint64_t top;

	us_lead_learn(&ld, 50 * MS); /* below the cap: one more step */
	top = 1990 * US + 1990 * US / 32;
	cr_assert_eq(ld.early, top);
	for (int i = 0; i < 1000; i++)
		us_lead_learn(&ld, 50 * MS);
	cr_assert_eq(ld.early, top);

	/* From the start, however late every wake-up. */
	ld = (struct us_lead){.early = 50 * US};
	for (int i = 0; i < 1000; i++)
		us_lead_learn(&ld, 1000 * MS);
	cr_assert_geq(ld.early, 2 * MS - 2 * MS / 32);
	cr_assert_leq(ld.early, 2 * MS + 2 * MS / 32);
}

Test(us_lead, early_wake_ups_bring_it_down_but_never_below_zero)
{
	struct us_lead ld = {.early = 50 * US};

	/* Warm-up: an early wake-up (late 0) halves it. */
	us_lead_learn(&ld, 0);
	cr_assert_eq(ld.early, 25 * US);
	for (unsigned i = 1; i < US_WARM; i++)
		us_lead_learn(&ld, 0);
	cr_assert_eq(ld.early, 0);

	ld = warm(64 * US);
	us_lead_learn(&ld, 0);
	cr_assert_eq(ld.early, 62 * US);
	for (int i = 0; i < 100; i++)
		us_lead_learn(&ld, 0);
	cr_assert_eq(ld.early, 0);

	/* Less than a step left: it stays. */
	ld = warm(1500);
	us_lead_learn(&ld, 0);
	cr_assert_eq(ld.early, 1500);
}

Test(us_lead, the_spin_limit_is_half_the_lead_or_50_us)
{
	struct us_lead ld = warm(40 * US);

	cr_assert_eq(us_lead_spin_limit(&ld), US_SPIN);
	cr_assert_eq(US_SPIN, 50 * US);
	ld.early = 300 * US;
	cr_assert_eq(us_lead_spin_limit(&ld), 150 * US);
}

Test(us_lead, the_timer_is_armed_ahead_by_the_lead_of_the_wait_length)
{
	struct us_lead lead[US_LEAD_BUCKETS];
	unsigned bucket = 99;

	us_lead_init(lead);
	for (unsigned b = 0; b < US_LEAD_BUCKETS; b++)
		lead[b].early = (b + 1) * 100 * US;
	/* A 5 ms wait: bucket 2, 300 µs ahead. */
	cr_assert_eq(us_lead_arm_at(lead, T0 + 5 * MS, T0, &bucket),
		     T0 + 5 * MS - 300 * US);
	cr_assert_eq(bucket, 2);
	/* A 200 ms wait: bucket 5. */
	cr_assert_eq(us_lead_arm_at(lead, T0 + 200 * MS, T0, &bucket),
		     T0 + 200 * MS - 600 * US);
	cr_assert_eq(bucket, 5);
}

Test(us_lead, without_time_for_the_lead_the_timer_is_armed_for_the_due_time)
{
	struct us_lead lead[US_LEAD_BUCKETS];
	unsigned bucket = 99;

	us_lead_init(lead); /* 50 µs everywhere */
	/* 50 µs + US_WINDOW ahead is needed; 59 µs is not enough. */
	cr_assert_eq(us_lead_arm_at(lead, T0 + 59 * US, T0, &bucket),
		     T0 + 59 * US);
	cr_assert_eq(bucket, 99, "no lead: the bucket is not touched");
	cr_assert_eq(us_lead_arm_at(lead, T0 + 60 * US, T0, &bucket),
		     T0 + 10 * US);
	cr_assert_eq(bucket, 0);
	/* Already due, or overdue. */
	bucket = 99;
	cr_assert_eq(us_lead_arm_at(lead, T0, T0, &bucket), T0);
	cr_assert_eq(us_lead_arm_at(lead, T0 - MS, T0, &bucket), T0 - MS);
	cr_assert_eq(bucket, 99);
}
