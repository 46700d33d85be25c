/* test_command_lookup.c — how linkem-launch finds COMMAND in PATH
 * (lk_launch_new resolves it before anything is created). */
#include "linkem.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/lk-lookup-XXXXXX";

static void mk_dir(void)
{
	char path[64];
	FILE *f;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/lkcmd", dir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("#!/bin/sh\n", f);
	fclose(f);
	cr_assert_eq(chmod(path, 0755), 0);
	cr_assert_eq(chdir(dir), 0);
}

static void rm_dir(void)
{
	char path[64];

	snprintf(path, sizeof(path), "%s/lkcmd", dir);
	unlink(path);
	if (chdir("/") == 0)
		rmdir(dir);
}

static int launch_new(const char *path_env, struct lk_error *e)
{
	char *argv[] = {"linkem-launch", "-n", "2", "--", "lkcmd", NULL};
	struct lk_options o;
	struct lk_launch *l = NULL;
	int r;

	setenv("PATH", path_env, 1);
	cr_assert_eq(lk_options_parse(5, argv, &o, e), 0, "%s", e->msg);
	r = lk_launch_new(&o, &l, e);
	lk_launch_free(l);
	lk_options_free(&o);
	return r;
}

/* Fuzz finding 13: an empty PATH element built "/lkcmd" instead of
 * "./lkcmd" (and a trailing one was never tried): "command not found"
 * where a shell finds the command. */
Test(command_lookup, empty_path_element_is_the_current_directory,
     .init = mk_dir, .fini = rm_dir)
{
	struct lk_error e = {0};

	cr_assert_eq(launch_new("/nonexistent:", &e), 0, "%s", e.msg);
	cr_assert_eq(launch_new(":/nonexistent", &e), 0, "%s", e.msg);
	cr_assert_eq(launch_new("/nonexistent::/nonexistent2", &e), 0, "%s",
		     e.msg);
	cr_assert_eq(launch_new("/nonexistent", &e), -EINVAL);
	cr_assert(strstr(e.msg, "'lkcmd': command not found in PATH"), "%s",
		  e.msg);
}
