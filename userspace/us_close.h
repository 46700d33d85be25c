/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * us_close.h — close many TAP descriptors at once.
 *
 * The last close of a TAP unregisters its device, which waits for an RCU
 * grace period under the kernel's RTNL lock: one after the other, 100
 * TAPs take 100 grace periods (3 to 60 ms each, seconds in all).  Closed
 * from several threads at once, the kernel unregisters the devices that
 * queued up behind the lock together and shares the waits (measured on
 * kernel 6.18: 100 TAPs, 6.1 s one by one, 0.45 s from 64 threads).
 */
#ifndef LK_US_CLOSE_H
#define LK_US_CLOSE_H

#include <stddef.h>

/* Close fds[0..n) (negative entries skipped), then set each to -1. */
void us_close_many(int *fds, size_t n);

#endif
