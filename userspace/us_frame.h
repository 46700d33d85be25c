/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * us_frame.h — the few Ethernet frame edits the userspace engine needs:
 * read the IP ECN field, set CE (IPv4 header checksum kept right), flip
 * one bit.  Plain and 802.1Q-tagged IPv4/IPv6 frames.
 */
#ifndef LK_US_FRAME_H
#define LK_US_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The ECN codepoint (0 Not-ECT, 1 ECT(1), 2 ECT(0), 3 CE), or -1 when the
 * frame carries no IP header. */
int us_frame_ecn(const uint8_t *f, size_t len);
/* ECN-capable as netem's INET_ECN_set_ce() sees it: ECT(0) or ECT(1). */
static inline bool us_frame_ect(const uint8_t *f, size_t len)
{
	int ecn = us_frame_ecn(f, len);

	return ecn == 1 || ecn == 2;
}
/* Set CE; false (frame untouched) unless the frame is ECT. */
bool us_frame_set_ce(uint8_t *f, size_t len);
/* Flip bit (byte bit / 8, mask 1 << bit % 8); false when out of range. */
bool us_frame_flip(uint8_t *f, size_t len, uint32_t bit);

#endif
