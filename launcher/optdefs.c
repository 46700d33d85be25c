/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* optdefs.c — getopt tables and --help texts from an option table. */
#include "launcher/optdefs.h"

#include <stdio.h>
#include <string.h>

#define HELP_WIDTH 79
#define HELP_MAX_COL 30

void lk_optdefs_getopt(const struct lk_optdef *d, size_t n, const char *prefix,
		       struct option *longopts, char *shortopts)
{
	char *s = shortopts;

	for (size_t i = 0; i < 2 && prefix[i]; i++)
		*s++ = prefix[i];
	for (size_t i = 0; i < n; i++) {
		longopts[i] = (struct option){
		    d[i].name,
		    !d[i].arg	       ? no_argument
		    : d[i].arg[0] == '[' ? optional_argument
					 : required_argument,
		    NULL, d[i].val};
		if (d[i].short_name) {
			*s++ = d[i].short_name;
			if (d[i].arg)
				*s++ = ':';
		}
	}
	longopts[n] = (struct option){0};
	*s = '\0';
}

void lk_optdef_synopsis(const struct lk_optdef *d, char *out, size_t size)
{
	char sh[8] = "    ";

	if (d->short_name)
		snprintf(sh, sizeof(sh), "-%c, ", d->short_name);
	/* An optional argument ("[=MODE]") is written right after the
	 * name. */
	snprintf(out, size, "%s--%s%s%s", sh, d->name,
		 d->arg && d->arg[0] != '[' ? " " : "", d->arg ? d->arg : "");
}

/* Words made of lowercase letters only are quoted: (default 'auto'). */
static bool is_word(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < 'a' || *s > 'z')
			return false;
	return true;
}

void lk_optdef_text(const struct lk_optdef *d, char *out, size_t size)
{
	const char *q = d->deflt && is_word(d->deflt) ? "'" : "";

	snprintf(out, size, "%s%s%s%s%s%s%s", d->help,
		 d->repeatable ? " (repeatable)" : "",
		 d->deflt ? " (default " : "", q, d->deflt ? d->deflt : "", q,
		 d->deflt ? ")" : "");
}

void lk_help_item(FILE *f, const char *left, const char *text, size_t col)
{
	size_t at = 2 + strlen(left);
	const char *p = text;

	fprintf(f, "  %s", left);
	if (at + 2 > col) {
		fputc('\n', f);
		at = 0;
	}
	while (*p) {
		size_t room = HELP_WIDTH - col, len = strlen(p), cut = len;

		if (len > room) {
			/* The last space that fits; a longer word is cut
			 * after it. */
			cut = room;
			while (cut > 0 && p[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = strcspn(p, " ");
		}
		fprintf(f, "%*s%.*s\n", (int)(col - at), "", (int)cut, p);
		at = 0;
		p += cut;
		while (*p == ' ')
			p++;
	}
	if (!*text)
		fputc('\n', f);
}

void lk_optdefs_help(FILE *f, const struct lk_optdef *d, size_t n)
{
	size_t col = 0;

	for (size_t i = 0; i < n; i++) {
		char syn[128];

		lk_optdef_synopsis(&d[i], syn, sizeof(syn));
		if (2 + strlen(syn) + 2 > col)
			col = 2 + strlen(syn) + 2;
	}
	if (col > HELP_MAX_COL)
		col = HELP_MAX_COL;
	for (size_t i = 0; i < n; i++) {
		char syn[128], text[1024];

		lk_optdef_synopsis(&d[i], syn, sizeof(syn));
		lk_optdef_text(&d[i], text, sizeof(text));
		lk_help_item(f, syn, text, col);
	}
}
