/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* io.h — small system helpers: whole writes, directory paths, closing the
 * descriptors a child must not keep. */
#ifndef LK_IO_H
#define LK_IO_H

#include "linkem.h"

#include <stddef.h>

/* Write all n bytes, again after EINTR and short writes.  0, or a
 * negative errno (-EIO when the descriptor takes nothing). */
int lk_write_all(int fd, const void *buf, size_t n);

/* mkdir -p: the parents 0755, the last one `mode`; existing ones are
 * fine.  0 or a negative errno with "create '<dir>': <why>" in e. */
int lk_mkdir_p(const char *dir, unsigned mode, struct lk_error *e);

/* Close every descriptor >= from except those in keep[0..nkeep) (which
 * may hold -1s): close_range(2) between the kept ones, a loop to the
 * descriptor limit where the kernel has no close_range.  Safe after
 * fork (no allocation). */
void lk_close_from(int from, const int *keep, size_t nkeep);

#endif
