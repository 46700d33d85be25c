/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz_linkspec.c — one SPEC per line: parse, format the conditions,
 * parse that again: the conditions must format the same (a fixed point).
 * Then the lines as a launch's set of specs, resolved for every pair.
 * Input: byte 0 picks n (1..8), the rest is the text.  No '/' (a
 * dist=PATH would read files). */
#include "fuzz.h"

#include "model/linkspec.h"

static void round_trip(const char *line, unsigned n)
{
	struct lk_linkspec s, s2;
	struct lk_error e = {0};
	char a[4096], b[4096], *again;
	int la, lb;

	if (lk_linkspec_parse(line, n, &s, &e) < 0)
		return;
	la = lk_impair_format(&s.imp, a, sizeof(a));
	FUZZ_CHECK(la >= 0 && (size_t)la < sizeof(a), "%s", line);
	if (asprintf(&again, "*>*:%s", a) < 0)
		abort();
	if (!*a) { /* no keys: nothing to parse again */
		free(again);
		lk_linkspec_free(&s);
		return;
	}
	FUZZ_CHECK(lk_linkspec_parse(again, n, &s2, &e) == 0,
		   "'%s' -> '%s': %s", line, again, e.msg);
	lb = lk_impair_format(&s2.imp, b, sizeof(b));
	FUZZ_CHECK(lb == la && strcmp(a, b) == 0, "'%s' -> '%s' -> '%s'", line,
		   a, b);
	free(again);
	lk_linkspec_free(&s2);
	lk_linkspec_free(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned n;
	char *text, *line, *save = NULL;
	struct lk_links links;
	struct lk_error e = {0};

	if (size < 1 || size > 4096 || memchr(data, '/', size))
		return -1;
	n = 1 + data[0] % 8;
	text = fuzz_str(data + 1, size - 1);
	lk_links_init(&links, n);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		round_trip(line, n);
		(void)lk_links_add(&links, line, &e);
	}
	for (unsigned s = 1; s <= n; s++)
		for (unsigned d = 1; d <= n; d++) {
			struct lk_impair imp;
			char why[256];

			if (s == d)
				continue;
			if (lk_links_resolve(&links, s, d, &imp))
				FUZZ_CHECK(lk_impair_check(&imp, why,
							   sizeof(why)) == 0,
					   "%u>%u: %s", s, d, why);
		}
	lk_links_free(&links);
	free(text);
	return 0;
}
