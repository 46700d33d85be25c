/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * peer_env.c — the environment a peer's workload starts with.  Pure.
 *
 * The launcher's own, so that RUST_LOG and the like work, but never what
 * only concerns the person or the launch that started it: SUDO_* (who ran
 * sudo, and the command line), SSH_AUTH_SOCK (an agent that signs for
 * them) and LINKEM_CONTROL (the control socket).  --clearenv starts from
 * nothing; --env NAME=VALUE sets, --env NAME passes the launcher's NAME.
 * The LINKEM_* variables of the peer are set afterwards, over all this.
 */
#include "launcher/launch_internal.h"

#include <stdlib.h>
#include <string.h>

static bool name_is(const char *entry, const char *name, size_t len)
{
	return strncmp(entry, name, len) == 0 && entry[len] == '=';
}

static bool withheld(const char *entry)
{
	return strncmp(entry, "SUDO_", 5) == 0 ||
	       name_is(entry, "SSH_AUTH_SOCK", 13) ||
	       name_is(entry, "LINKEM_CONTROL", 14);
}

/* The entry of host for name (name ends at '\0'), or NULL. */
static char *lookup(char *const *host, const char *name)
{
	size_t len = strlen(name);

	for (char *const *h = host; h && *h; h++)
		if (name_is(*h, name, len))
			return *h;
	return NULL;
}

/* Drop every entry of v[0..n) named as entry is. */
static size_t drop_name(char **v, size_t n, const char *entry)
{
	size_t len = strcspn(entry, "="), k = 0;

	for (size_t i = 0; i < n; i++)
		if (!name_is(v[i], entry, len))
			v[k++] = v[i];
	return k;
}

char **lk_peer_environ(char *const *host, bool clear,
		       const struct lk_strv *env)
{
	size_t nhost = 0, n = 0;
	char **v;

	for (char *const *h = host; h && *h; h++)
		nhost++;
	v = calloc(nhost + env->n + 1, sizeof(*v));
	if (!v)
		return NULL;
	for (size_t i = 0; !clear && i < nhost; i++)
		if (!withheld(host[i]) && strchr(host[i], '='))
			v[n++] = host[i];
	for (size_t i = 0; i < env->n; i++) {
		char *e = env->v[i];
		char *val = strchr(e, '=') ? e : lookup(host, e);

		n = drop_name(v, n, e);
		if (val)
			v[n++] = val;
	}
	v[n] = NULL;
	return v;
}
