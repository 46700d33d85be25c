/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cleanup.h — scope-bound ownership of fds, heap memory and children. */
#ifndef LK_CLEANUP_H
#define LK_CLEANUP_H

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

static inline void lk_freep(void *p)
{
	free(*(void **)p);
}

static inline void lk_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

#define _cleanup_free_ __attribute__((cleanup(lk_freep)))
#define _cleanup_close_ __attribute__((cleanup(lk_closep)))

/* Hand over ownership: returns the value and leaves the source empty. */
#define lk_steal_ptr(p)                                                        \
	({                                                                     \
		__typeof__(p) _tmp = (p);                                      \
		(p) = NULL;                                                    \
		_tmp;                                                          \
	})
#define lk_steal_fd(fd)                                                        \
	({                                                                     \
		int _tmp = (fd);                                               \
		(fd) = -1;                                                     \
		_tmp;                                                          \
	})

#define LK_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
