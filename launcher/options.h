/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * options.h — linkem-launch's option table (launcher/optdefs.h), for the
 * tests that check --help, docs/linkem-launch.1 and docs/ against it.  The
 * parser and --help are lk_options_parse and lk_launch_usage (linkem.h).
 */
#ifndef LK_OPTIONS_H
#define LK_OPTIONS_H

#include "launcher/optdefs.h"

const struct lk_optdef *lk_launch_optdefs(size_t *n);

#endif
