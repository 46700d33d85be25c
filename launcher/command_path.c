/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * command_path.c — COMMAND found on the host before anything is created:
 * a path with a '/' must name an executable file (made absolute); a bare
 * name is looked up in PATH (or the default path when PATH is unset or
 * empty).
 */
#include "launcher/command_path.h"

#include "common/error.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int lk_command_resolve(const char *cmd, char **out, struct lk_error *e)
{
	const char *path = getenv("PATH");
	struct stat st;

	if (!*cmd)
		return lk_error_set(e, EINVAL, "empty COMMAND");
	if (strchr(cmd, '/')) {
		if (stat(cmd, &st) < 0)
			return lk_error_set(e, EINVAL, "cannot run '%s': %s",
					    cmd, strerror(errno));
		if (!S_ISREG(st.st_mode) || access(cmd, X_OK) < 0)
			return lk_error_set(e, EINVAL,
					    "cannot run '%s': not an "
					    "executable file",
					    cmd);
		*out = realpath(cmd, NULL);
		return *out ? 0 : lk_error_set(e, ENOMEM, "out of memory");
	}
	if (!path || !*path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
		       "/sbin:/bin";
	/* An empty element (leading, trailing or "::") is the current
	 * directory, as for a shell: made absolute, since peers run
	 * elsewhere. */
	for (;;) {
		const char *colon = strchrnul(path, ':');
		char full[PATH_MAX];
		int len = colon == path
			      ? snprintf(full, sizeof(full), "./%s", cmd)
			      : snprintf(full, sizeof(full), "%.*s/%s",
					 (int)(colon - path), path, cmd);

		if (len > 0 && (size_t)len < sizeof(full) &&
		    stat(full, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(full, X_OK) == 0) {
			*out = colon == path ? realpath(full, NULL)
					     : strdup(full);
			return *out ? 0
				    : lk_error_set(e, ENOMEM, "out of memory");
		}
		if (!*colon)
			break;
		path = colon + 1;
	}
	return lk_error_set(e, EINVAL,
			    "cannot run '%s': command not found in PATH", cmd);
}
