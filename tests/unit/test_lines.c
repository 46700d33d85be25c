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

Test(lines, escape_for_a_terminal)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"plain text, tab\there", "plain text, tab\there"},
	    {"caf\xc3\xa9 \xe2\x82\xac \\x1b", "caf\xc3\xa9 \xe2\x82\xac \\x1b"},
	    {"\033]0;title\007", "\\x1b]0;title\\x07"},
	    {"ok\r[peer2] forged", "ok\\r[peer2] forged"},
	    {"\033[2K\033[1A", "\\x1b[2K\\x1b[1A"},
	    {"\033]52;c;Zm9v\033\\", "\\x1b]52;c;Zm9v\\x1b\\"},
	    {"del\x7f bs\b", "del\\x7f bs\\x08"},
	    {"csi\xc2\x9b" "31m", "csi\\xc2\\x9b31m"},
	    {"end\xc2", "end\xc2"},
	};
	char out[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = lk_line_escape(out, cases[i].in,
					  strlen(cases[i].in));

		cr_assert_leq(n, LK_ESCAPED_MAX(strlen(cases[i].in)));
		out[n] = '\0';
		cr_assert_str_eq(out, cases[i].out, "case %zu", i);
	}
	/* NUL too. */
	cr_assert_eq(lk_line_escape(out, "a\0b", 3), 6);
	cr_assert_eq(memcmp(out, "a\\x00b", 6), 0);
}
