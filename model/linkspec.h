/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * linkspec.h — the --link SPEC language ("LINKS:PARAMS", docs/link-spec.md)
 * and the set of specs of a launch, in one include:
 *
 *   model/spec_keys.h    the model: folding conditions, the usability rules
 *   model/spec_parse.h   one SPEC: the links it names, the keys it sets
 *   model/spec_format.h  conditions as PARAMS text
 *   model/spec_set.h     the ordered set of specs: add, resolve, iterate
 *
 * Files inside model/ include the part they need, never this one.
 */
#ifndef LK_LINKSPEC_H
#define LK_LINKSPEC_H

#include "model/spec_format.h"
#include "model/spec_keys.h"
#include "model/spec_parse.h"
#include "model/spec_set.h"

#endif
