/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lines.c — cut a byte stream into whole lines. */
#include "launcher/lines.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Append to the unfinished line. */
static int keep(struct lk_linebuf *lb, const char *data, size_t n)
{
	if (lk_buf_reserve(&lb->b, n) < 0)
		return -ENOMEM;
	memcpy(lb->b.p + lb->b.len, data, n);
	lb->b.len += n;
	return 0;
}

int lk_linebuf_feed(struct lk_linebuf *lb, const char *data, size_t n,
		    lk_line_fn emit, void *ctx)
{
	while (n > 0) {
		const char *nl = memchr(data, '\n', n);
		size_t take = nl ? (size_t)(nl - data) : n;
		size_t room = LK_LINE_MAX - lb->b.len;

		if (take > room) {
			/* Too long: emit a full piece and go on. */
			take = room;
			nl = NULL;
		}
		if (!nl && take < room) {
			/* An unfinished line: keep it. */
			return keep(lb, data, take);
		}
		if (lb->b.len == 0) {
			emit(ctx, data, take);
		} else {
			if (keep(lb, data, take) < 0)
				return -ENOMEM;
			emit(ctx, lb->b.p, lb->b.len);
			lb->b.len = 0;
		}
		if (nl)
			take++;
		data += take;
		n -= take;
	}
	return 0;
}

void lk_linebuf_finish(struct lk_linebuf *lb, lk_line_fn emit, void *ctx)
{
	if (lb->b.len > 0)
		emit(ctx, lb->b.p, lb->b.len);
	lb->b.len = 0;
}

void lk_linebuf_free(struct lk_linebuf *lb)
{
	lk_buf_free(&lb->b);
}

size_t lk_line_escape(char *out, const char *in, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c == '\r') {
			out[o++] = '\\';
			out[o++] = 'r';
		} else if ((c < 0x20 && c != '\t') || c == 0x7f) {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		} else if (c == 0xc2 && i + 1 < len &&
			   (unsigned char)in[i + 1] >= 0x80 &&
			   (unsigned char)in[i + 1] <= 0x9f) {
			/* U+0080..U+009F: C1 controls (CSI, OSC...). */
			c = (unsigned char)in[++i];
			memcpy(out + o, "\\xc2\\x", 6);
			o += 6;
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		} else {
			out[o++] = (char)c;
		}
	}
	return o;
}
