/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* error.h — the error object every fallible function fills. */
#ifndef LK_ERROR_H
#define LK_ERROR_H

#include "linkem.h"

#include <errno.h>
#include <stdarg.h>

int lk_error_vset(struct lk_error *e, int code, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* Set from errno: "<text>: <strerror(errno)>". */
int lk_error_errno(struct lk_error *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Bad input: EINVAL with the message.  Files that add their own context
 * wrap it in a macro, e.g. in the SPEC parser
 *   #define bad(p, fmt, ...) lk_error_bad((p)->e, "link '%s': " fmt, ...) */
#define lk_error_bad(e, ...) lk_error_set((e), EINVAL, __VA_ARGS__)

#endif
