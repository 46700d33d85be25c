/* runtime_dir.c — private runtime directories for tests (runtime_dir.h). */
#include "tests/support/runtime_dir.h"

#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RUN_ENV "LINKEM_TEST_RUN_DIR"
#define PREFIX "lk-test-"

static char run_dir[PATH_MAX]; /* the runner's, for POST_ALL */
/* What this test's process removes when it exits. */
static char **doomed;
static size_t ndoomed;

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void rm_tree(const char *path)
{
	if (path[0])
		nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static const char *base_dir(void)
{
	const char *t = getenv("TMPDIR");

	if (access("/run", W_OK) == 0)
		return "/run";
	return t && t[0] == '/' ? t : "/tmp";
}

/* Directories of earlier runs whose runner died before removing them. */
static void remove_orphans(const char *base)
{
	DIR *d = opendir(base);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		char path[PATH_MAX];
		long pid;
		char *end;

		if (strncmp(de->d_name, PREFIX, strlen(PREFIX)) != 0)
			continue;
		pid = strtol(de->d_name + strlen(PREFIX), &end, 10);
		if (pid <= 0 || *end != '-' ||
		    !(kill((pid_t)pid, 0) < 0 && errno == ESRCH))
			continue;
		snprintf(path, sizeof(path), "%s/%s", base, de->d_name);
		rm_tree(path);
	}
	closedir(d);
}

ReportHook(PRE_ALL)(struct criterion_test_set *set)
{
	const char *base = base_dir();

	(void)set;
	remove_orphans(base);
	snprintf(run_dir, sizeof(run_dir), "%s/" PREFIX "%d-XXXXXX", base,
		 (int)getpid());
	if (!mkdtemp(run_dir)) {
		run_dir[0] = '\0';
		return;
	}
	setenv(RUN_ENV, run_dir, 1);
	setenv("XDG_RUNTIME_DIR", run_dir, 1);
	unsetenv("LINKEM_CONTROL");
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
	(void)stats;
	rm_tree(run_dir);
}

static void remove_doomed(void)
{
	while (ndoomed > 0) {
		rm_tree(doomed[--ndoomed]);
		free(doomed[ndoomed]);
	}
	free(doomed);
	doomed = NULL;
}

void test_remove_at_exit(const char *path)
{
	char **v = realloc(doomed, (ndoomed + 1) * sizeof(*v));

	cr_assert_not_null(v);
	doomed = v;
	cr_assert_not_null(doomed[ndoomed] = strdup(path));
	if (ndoomed++ == 0)
		atexit(remove_doomed);
}

const char *test_private_dir(const char *tag)
{
	const char *run = getenv(RUN_ENV);
	static char dirs[8][PATH_MAX];
	static unsigned n;
	char *dir;

	cr_assert_lt(n, sizeof(dirs) / sizeof(*dirs));
	dir = dirs[n++];
	snprintf(dir, PATH_MAX, "%s/%s-XXXXXX", run && *run ? run : base_dir(),
		 tag);
	cr_assert_not_null(mkdtemp(dir), "%s: %s", dir, strerror(errno));
	test_remove_at_exit(dir);
	return dir;
}

const char *test_private_runtime_dir(const char *tag)
{
	const char *dir = test_private_dir(tag);

	setenv("XDG_RUNTIME_DIR", dir, 1);
	unsetenv("LINKEM_CONTROL");
	return dir;
}
