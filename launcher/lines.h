/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lines.h — cut a byte stream into whole lines.  Pure. */
#ifndef LK_LINES_H
#define LK_LINES_H

#include "common/buf.h"

#include <stddef.h>

/* A line longer than this is cut into pieces of this size. */
#define LK_LINE_MAX (64 * 1024)

struct lk_linebuf {
	struct lk_buf b; /* the unfinished line */
};

/* Called with each whole line, without its '\n'. */
typedef void (*lk_line_fn)(void *ctx, const char *line, size_t len);

/* Feed bytes; emits every line they complete.  Returns 0 or -ENOMEM. */
int lk_linebuf_feed(struct lk_linebuf *lb, const char *data, size_t n,
		    lk_line_fn emit, void *ctx);
/* At end of stream: emit what is left as a last line. */
void lk_linebuf_finish(struct lk_linebuf *lb, lk_line_fn emit, void *ctx);
void lk_linebuf_free(struct lk_linebuf *lb);

/* A line made safe for a terminal: control characters (C0 but tab, DEL,
 * and C1 written in UTF-8) become text, "\r" for a carriage return and
 * "\x1b" style for the others, so nothing in it is interpreted (escape
 * sequences, cursor moves, window titles).  Other bytes, UTF-8 text
 * included, are kept.  out has room for 4 * len bytes (LK_ESCAPED_MAX);
 * returns the length written. */
#define LK_ESCAPED_MAX(len) (4 * (len))
size_t lk_line_escape(char *out, const char *in, size_t len);

#endif
