/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * log.h — the library's messages go through lk_log, to the sink a
 * program or library user installed (linkem.h: lk_set_log_handler).
 * Only main() and children after clone print directly.
 */
#ifndef LK_LOG_H
#define LK_LOG_H

#include "linkem.h"

#include <stdbool.h>

void lk_log(enum lk_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Whether a message at level would go anywhere (to skip building it). */
bool lk_log_enabled(enum lk_log_level level);

#endif
