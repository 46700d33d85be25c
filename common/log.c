/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* log.c — the log sink: a handler, a level, and the stderr sink. */
#include "common/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

static char default_prefix[] = "linkem-launch: ";

static lk_log_fn sink = lk_log_stderr;
static void *sink_data = default_prefix;
static enum lk_log_level max_level = LK_LOG_NOTICE;

LK_EXPORT void lk_set_log_handler(lk_log_fn fn, void *data)
{
	sink = fn;
	sink_data = data;
}

LK_EXPORT void lk_set_log_level(enum lk_log_level max)
{
	max_level = max;
}

LK_EXPORT void lk_log_stderr(enum lk_log_level level, const char *msg,
			     void *data)
{
	const char *prefix = data ? data : "";
	struct iovec iov[3] = {
	    {(void *)prefix, strlen(prefix)},
	    {(void *)msg, strlen(msg)},
	    {"\n", 1},
	};

	(void)level;
	/* One write: lines of several processes on one stderr stay whole.
	 * stdio's buffer for stderr is flushed first to keep the order. */
	fflush(stderr);
	(void)!writev(STDERR_FILENO, iov, 3);
}

bool lk_log_enabled(enum lk_log_level level)
{
	return sink && level <= max_level;
}

void lk_log(enum lk_log_level level, const char *fmt, ...)
{
	char small[1024], *big = NULL;
	va_list ap;
	int n;

	if (!lk_log_enabled(level))
		return;
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(small)) {
		/* Long (a timeline step's error): not cut. */
		va_start(ap, fmt);
		if (vasprintf(&big, fmt, ap) < 0)
			big = NULL;
		va_end(ap);
	}
	sink(level, big ? big : small, sink_data);
	free(big);
}
