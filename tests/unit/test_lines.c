/* test_lines.c — output line splitting. */
#include "launcher/lines.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

struct got {
	char lines[16][128];
	size_t lens[16];
	int n;
};

static void collect(void *ctx, const char *line, size_t len)
{
	struct got *g = ctx;

	cr_assert_lt(g->n, 16);
	g->lens[g->n] = len;
	memcpy(g->lines[g->n], line, len < 127 ? len : 127);
	g->lines[g->n][len < 127 ? len : 127] = '\0';
	g->n++;
}

Test(lines, whole_lines_across_reads)
{
	struct lk_linebuf lb = {0};
	struct got g = {0};

	lk_linebuf_feed(&lb, "hel", 3, collect, &g);
	cr_assert_eq(g.n, 0);
	lk_linebuf_feed(&lb, "lo\nwor", 6, collect, &g);
	cr_assert_eq(g.n, 1);
	cr_assert_str_eq(g.lines[0], "hello");
	lk_linebuf_feed(&lb, "ld\n\nx\ny", 7, collect, &g);
	cr_assert_eq(g.n, 4);
	cr_assert_str_eq(g.lines[1], "world");
	cr_assert_str_eq(g.lines[2], "");
	cr_assert_str_eq(g.lines[3], "x");
	lk_linebuf_finish(&lb, collect, &g);
	cr_assert_eq(g.n, 5);
	cr_assert_str_eq(g.lines[4], "y");
	lk_linebuf_finish(&lb, collect, &g);
	cr_assert_eq(g.n, 5, "nothing left after finish");
	lk_linebuf_free(&lb);
}

Test(lines, long_line_is_cut_not_lost)
{
	struct lk_linebuf lb = {0};
	struct got g = {0};
	size_t total = LK_LINE_MAX * 2 + 10;
	char *big = malloc(total + 1);

	memset(big, 'a', total);
	big[total] = '\n';
	/* Feed in odd-sized chunks. */
	for (size_t off = 0; off < total + 1; off += 999) {
		size_t n = total + 1 - off < 999 ? total + 1 - off : 999;
		lk_linebuf_feed(&lb, big + off, n, collect, &g);
	}
	cr_assert_eq(g.n, 3);
	cr_assert_eq(g.lens[0], LK_LINE_MAX);
	cr_assert_eq(g.lens[1], LK_LINE_MAX);
	cr_assert_eq(g.lens[2], 10);
	lk_linebuf_free(&lb);
	free(big);
}

Test(lines, newline_exactly_at_limit)
{
	struct lk_linebuf lb = {0};
	struct got g = {0};
	char *big = malloc(LK_LINE_MAX + 1);

	memset(big, 'b', LK_LINE_MAX);
	big[LK_LINE_MAX] = '\n';
	lk_linebuf_feed(&lb, big, 10, collect, &g);
	lk_linebuf_feed(&lb, big + 10, LK_LINE_MAX + 1 - 10, collect, &g);
	lk_linebuf_finish(&lb, collect, &g);
	/* One line of exactly the limit, no spurious empty line. */
	cr_assert_eq(g.n, 1);
	cr_assert_eq(g.lens[0], LK_LINE_MAX);
	lk_linebuf_free(&lb);
	free(big);
}
