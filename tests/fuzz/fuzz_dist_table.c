/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz_dist_table.c — tc's distribution table format: parse, then draw
 * delays from it; each draw stays within mu +- sigma * 4 (|values| <=
 * 32768 scaled by sigma / 8192). */
#include "fuzz.h"

#include "model/dist_table.h"
#include "model/impair.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lk_dist_table *t = NULL;
	struct lk_error e = {0};
	struct lk_crnd c = {.rho = 0x80000000u};

	if (size > 1 << 16)
		return -1;
	if (lk_dist_table_parse((const char *)data, size, "fuzz", &t, &e) < 0)
		return 0;
	FUZZ_CHECK(t->len >= 1, "empty table accepted");
	for (uint32_t k = 0; k < 64; k++) {
		uint32_t r = lk_crnd_next(&c, k * 2654435761u);
		int64_t d = lk_tabledist(1000000, 500000, r, t);

		FUZZ_CHECK(d >= 1000000 - 4 * 500000 - 1 &&
			       d <= 1000000 + 4 * 500000 + 1,
			   "%lld", (long long)d);
	}
	lk_dist_table_unref(t);
	return 0;
}
