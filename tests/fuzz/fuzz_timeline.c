/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz_timeline.c — a scenario file (and its first line as --at): parse,
 * check for n peers (byte 0), then the steps must be in time order. */
#include "fuzz.h"

#include "launcher/timeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lk_timeline t = {0};
	struct lk_error e = {0};
	unsigned n;
	char *text, *nl;

	if (size < 1 || size > 1 << 16 || memchr(data, '/', size))
		return -1;
	n = 1 + data[0] % 16;
	text = fuzz_str(data + 1, size - 1);
	if (lk_timeline_parse_text(&t, "fuzz", text, &e) == 0 &&
	    lk_timeline_check(&t, n, &e) == 0)
		for (size_t i = 1; i < t.len; i++)
			FUZZ_CHECK(t.v[i - 1].at_ns <= t.v[i].at_ns, "%zu", i);
	lk_timeline_free(&t);
	nl = strchr(text, '\n');
	if (nl)
		*nl = '\0';
	if (lk_timeline_add_at(&t, text, &e) == 0)
		(void)lk_timeline_check(&t, n, &e);
	lk_timeline_free(&t);
	free(text);
	return 0;
}
