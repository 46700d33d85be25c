/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spec_format.h — a link's conditions as SPEC PARAMS text.  Pure. */
#ifndef LK_SPEC_FORMAT_H
#define LK_SPEC_FORMAT_H

#include "model/impair.h"

#include <stddef.h>

/* The keys imp sets, as PARAMS text that parses back to the same values
 * ("delay=50ms,loss=5%,..."; "" when none), for messages, logs and
 * linkem-ctl.  Returns the length it needed (like snprintf). */
int lk_impair_format(const struct lk_impair *imp, char *buf, size_t size);

#endif
