/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * optdefs.h — a program's options as one table: getopt's tables and the
 * option list of --help are built from it, and tests/unit/test_vocab.c
 * checks the man page and docs/ against it.  Pure.
 */
#ifndef LK_OPTDEFS_H
#define LK_OPTDEFS_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct lk_optdef {
	const char *name; /* the long name, without "--" */
	char short_name;  /* -X, or 0 for none */
	int val;	  /* what getopt_long returns for it */
	const char *arg;  /* the argument's name in help and man page;
			     NULL: takes none; "[=NAME]": optional, given
			     as --name=VALUE only */
	bool repeatable;
	/* A value that means the same as leaving the option out (a test
	 * parses both); NULL when there is no such value. */
	const char *deflt;
	const char *help; /* one sentence, no final period */
};

/* getopt_long's tables: longopts has room for n + 1 entries (the last one
 * zero), shortopts for 3 * n + 3 bytes; shortopts starts with prefix (at
 * most two bytes: "+", "+:"). */
void lk_optdefs_getopt(const struct lk_optdef *d, size_t n, const char *prefix,
		       struct option *longopts, char *shortopts);
/* "-n, --peers N" or "    --subnet CIDR" into out. */
void lk_optdef_synopsis(const struct lk_optdef *d, char *out, size_t size);
/* The help text of one option: help, "(repeatable)", "(default X)". */
void lk_optdef_text(const struct lk_optdef *d, char *out, size_t size);
/* The option list of --help: "  -n, --peers N    text", the text wrapped
 * at 79 columns in a column after the widest synopsis. */
void lk_optdefs_help(FILE *f, const struct lk_optdef *d, size_t n);
/* One two-column item: left at column 2, text at column col (on the
 * next line when left is too wide), wrapped at 79 columns. */
void lk_help_item(FILE *f, const char *left, const char *text, size_t col);

#endif
