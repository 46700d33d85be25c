/* test_common.c — the common toolkit: buffer, whole writes, mkdir -p,
 * closing descriptors, bad input. */
#include "common/buf.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/io.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

Test(buf, grows_and_stays_terminated)
{
	struct lk_buf b = {0};

	cr_assert_eq(lk_buf_reserve(&b, 0), 0);
	cr_assert_str_eq(b.p, "");
	for (int i = 0; i < 1000; i++)
		lk_buf_printf(&b, "%d,", i);
	cr_assert(!b.oom);
	cr_assert_eq(strlen(b.p), b.len);
	cr_assert(strncmp(b.p, "0,1,2,", 6) == 0);
	lk_buf_clear(&b);
	cr_assert_eq(b.len, 0);
	cr_assert_str_eq(b.p, "");
	lk_buf_put(&b, "ab", 2);
	lk_buf_puts(&b, "cd");
	cr_assert_str_eq(b.p, "abcd");
	lk_buf_free(&b);
	cr_assert_null(b.p);
}

Test(buf, refuses_sizes_that_overflow)
{
	struct lk_buf b = {0};

	cr_assert_eq(lk_buf_reserve(&b, SIZE_MAX - 1), -ENOMEM);
	lk_buf_put(&b, "x", SIZE_MAX - 1);
	cr_assert(b.oom);
	lk_buf_free(&b);
}

Test(template, empty_argument)
{
	struct lk_plan p;
	struct lk_error e = {0};
	char *s;

	cr_assert_eq(lk_plan_init(&p, 3, NULL, &e), 0, "%s", e.msg);
	s = lk_template_expand("", &p, 1);
	cr_assert_str_eq(s, "");
	free(s);
	s = lk_template_expand("x{id}/{n}{", &p, 2);
	cr_assert_str_eq(s, "x2/3{");
	free(s);
}

Test(io, write_all_and_mkdir_p)
{
	char dir[] = "/tmp/lk-common-XXXXXX", path[128], got[16] = {0};
	struct lk_error e = {0};
	struct stat st;
	int fds[2];

	signal(SIGPIPE, SIG_IGN);
	cr_assert_eq(pipe(fds), 0);
	cr_assert_eq(lk_write_all(fds[1], "hello", 5), 0);
	cr_assert_eq(read(fds[0], got, sizeof(got)), 5);
	cr_assert_str_eq(got, "hello");
	close(fds[0]);
	cr_assert_lt(lk_write_all(fds[1], "x", 1), 0); /* EPIPE */
	close(fds[1]);

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/a/b/c", dir);
	cr_assert_eq(lk_mkdir_p(path, 0700, &e), 0, "%s", e.msg);
	cr_assert_eq(lk_mkdir_p(path, 0700, &e), 0, "%s", e.msg);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0700);
	snprintf(path, sizeof(path), "%s/a", dir);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0755 & ~(unsigned)umask(022));
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	cr_assert_eq(system(path), 0);
}

/* In a child: the test runner's own descriptors must survive. */
Test(io, close_from_keeps_what_it_is_told)
{
	int st;
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int a = open("/dev/null", O_RDONLY | O_CLOEXEC);
		int b = open("/dev/null", O_RDONLY | O_CLOEXEC);
		int c = open("/dev/null", O_RDONLY | O_CLOEXEC);
		const int keep[] = {-1, b};

		if (a < 3 || b <= a || c <= b)
			_exit(2);
		lk_close_from(a, keep, 2);
		_exit(fcntl(a, F_GETFD) < 0 && fcntl(b, F_GETFD) >= 0 &&
			      fcntl(c, F_GETFD) < 0
			  ? 0
			  : 1);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d", st);
}

Test(clock, monotonic)
{
	uint64_t t0 = lk_now_ns(), t1 = lk_now_ns();

	cr_assert_gt(t0, 0);
	cr_assert_geq(t1, t0);
}

Test(error, bad_input_is_einval)
{
	struct lk_error e = {0};

	cr_assert_eq(lk_error_bad(&e, "no '%s' here", "x"), -EINVAL);
	cr_assert_eq(e.code, EINVAL);
	cr_assert_str_eq(e.msg, "no 'x' here");
}
