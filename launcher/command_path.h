/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* command_path.h — COMMAND found on the host (command_path.c). */
#ifndef LK_COMMAND_PATH_H
#define LK_COMMAND_PATH_H

#include "linkem.h"

/* The file cmd runs, in *out (malloc'd): cmd itself made absolute when it
 * has a '/', else the first executable cmd in PATH.  EINVAL with a
 * message that quotes cmd when there is none. */
int lk_command_resolve(const char *cmd, char **out, struct lk_error *e);

#endif
