/* test_us_queue.c — the bounded stable departure heap. */
#include "userspace/us_queue.h"

#include <criterion/criterion.h>
#include <errno.h>

Test(us_queue, orders_by_key_then_seq_and_bounds)
{
	struct us_queue q;
	struct us_qent x = {0};
	uint64_t last_key = 0;
	int64_t last_seq = INT64_MIN;

	cr_assert_eq(us_queue_init(&q, 1000), 0);
	for (int i = 0; i < 1000; i++) {
		x.key = (uint64_t)((i * 7919) % 50); /* many equal keys */
		x.seq = i;
		cr_assert_eq(us_queue_push(&q, &x), 0);
	}
	cr_assert_eq(us_queue_push(&q, &x), -ENOSPC);
	cr_assert_eq(q.overflows, 1);
	for (int i = 0; i < 1000; i++) {
		cr_assert(us_queue_pop(&q, &x));
		cr_assert(x.key > last_key ||
			  (x.key == last_key && x.seq > last_seq));
		if (x.key != last_key)
			last_seq = INT64_MIN;
		last_key = x.key;
		last_seq = x.seq;
	}
	cr_assert_not(us_queue_pop(&q, &x));
	cr_assert_null(us_queue_peek(&q));
	us_queue_free(&q);
}
