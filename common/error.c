/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* error.c — building error messages as they travel up. */
#include "common/error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int lk_error_vset(struct lk_error *e, int code, const char *fmt, va_list ap)
{
	if (code < 0)
		code = -code;
	if (code == 0)
		code = EIO;
	if (e) {
		e->code = code;
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	}
	return -code;
}

LK_EXPORT int lk_error_set(struct lk_error *e, int code, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = lk_error_vset(e, code, fmt, ap);
	va_end(ap);
	return r;
}

int lk_error_errno(struct lk_error *e, const char *fmt, ...)
{
	int code = errno ? errno : EIO;
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return lk_error_set(e, code, "%s: %s", what, strerror(code));
}

LK_EXPORT int lk_error_wrap(struct lk_error *e, const char *fmt, ...)
{
	char prefix[512];
	char old[sizeof(e->msg)];
	va_list ap;

	if (!e)
		return -EIO;
	if (e->code == 0)
		e->code = EIO;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof(old));
	/* Truncation is acceptable: the message stays a valid string. */
	size_t plen = strnlen(prefix, sizeof(prefix) - 1);
	if (plen + 2 >= sizeof(e->msg))
		plen = sizeof(e->msg) - 3;
	memcpy(e->msg, prefix, plen);
	memcpy(e->msg + plen, ": ", 2);
	size_t rest = sizeof(e->msg) - plen - 3;
	size_t olen = strnlen(old, rest);
	memcpy(e->msg + plen + 2, old, olen);
	e->msg[plen + 2 + olen] = '\0';
	return -e->code;
}
