/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * us_guard.h — anti-spoofing in the userspace engine: whether peer id
 * may send an Ethernet frame, by the same rules as the hub's filter of
 * the other engines (netsetup/guard.h): its own MAC as the source; an
 * IPv4 source that is its address or 0.0.0.0; an IPv6 source that is its
 * ULA, its EUI-64 fe80:: or ::; an ARP sender that is its MAC and its
 * address (or 0.0.0.0); a neighbour advertisement only for its own
 * addresses; no routing or destination-options header, hop-by-hop only
 * before MLD; no VLAN tag.  Pure.
 */
#ifndef LK_US_GUARD_H
#define LK_US_GUARD_H

#include "linkem.h"

#include <stdbool.h>
#include <stdint.h>

/* What peer id may use as its source, from the plan. */
struct us_guard {
	uint8_t mac[6];
	uint8_t a4[4];
	uint8_t ula[16], ll[16];
};

void us_guard_init(struct us_guard *g, const struct lk_plan *p, unsigned id);
/* f: the Ethernet frame, len bytes (at least 14). */
bool us_guard_ok(const struct us_guard *g, const uint8_t *f, uint32_t len);

#endif
