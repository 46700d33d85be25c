/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* strv.h — growable vectors of strings. */
#ifndef LK_STRV_H
#define LK_STRV_H

#include "linkem.h"

/* Append a copy of s; returns 0 or -ENOMEM. */
int lk_strv_push(struct lk_strv *v, const char *s);
void lk_strv_free(struct lk_strv *v);

#endif
