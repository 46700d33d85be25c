/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * peer_streams.c — each peer's stdout and stderr, read from their pipes
 * on the supervisor's loop and cut into lines for output.c.
 */
#include "launcher/supervisor.h"

#include <errno.h>
#include <unistd.h>

struct emit_ctx {
	struct lk_launch *l;
	struct lk_peer *p;
	int stream;
};

static void emit_line(void *ctx, const char *line, size_t len)
{
	struct emit_ctx *c = ctx;

	lk_output_line(c->l, c->p, c->stream, line, len);
}

static void close_stream(struct lk_launch *l, struct lk_peer *p, int s)
{
	struct emit_ctx c = {l, p, s};

	lk_linebuf_finish(&p->lb[s], emit_line, &c);
	lk_loop_del(l->loop, p->out[s]);
	close(p->out[s]);
	p->out[s] = -1;
	l->open_streams--;
}

void lk_peer_stream_drain(struct lk_launch *l, struct lk_peer *p, int s)
{
	struct emit_ctx c = {l, p, s};
	char buf[16384];

	/* Bounded: one peer cannot starve the others. */
	for (int round = 0; round < 4; round++) {
		ssize_t n = read(p->out[s], buf, sizeof(buf));

		if (n > 0) {
			if (lk_linebuf_feed(&p->lb[s], buf, (size_t)n,
					    emit_line, &c) < 0)
				lk_output_line(l, p, s, buf, (size_t)n);
			if ((size_t)n < sizeof(buf))
				return;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		close_stream(l, p, s);
		return;
	}
}

static int on_stream(struct lk_peer *p, int s)
{
	if (p->out[s] >= 0)
		lk_peer_stream_drain(p->l, p, s);
	return 0;
}

int lk_peer_stream_on_stdout(void *data, uint32_t events, struct lk_error *e)
{
	(void)events;
	(void)e;
	return on_stream(data, LK_OUT);
}

int lk_peer_stream_on_stderr(void *data, uint32_t events, struct lk_error *e)
{
	(void)events;
	(void)e;
	return on_stream(data, LK_ERR);
}
