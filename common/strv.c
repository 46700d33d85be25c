/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* strv.c — growable vectors of strings. */
#include "common/strv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int lk_strv_push(struct lk_strv *v, const char *s)
{
	char **nv;
	char *copy = strdup(s);

	if (!copy)
		return -ENOMEM;
	nv = realloc(v->v, (v->n + 2) * sizeof(*nv));
	if (!nv) {
		free(copy);
		return -ENOMEM;
	}
	nv[v->n++] = copy;
	nv[v->n] = NULL;
	v->v = nv;
	return 0;
}

void lk_strv_free(struct lk_strv *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->v[i]);
	free(v->v);
	v->v = NULL;
	v->n = 0;
}
