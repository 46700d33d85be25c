/* test_policy_filter.c — the built-in profiles' argument checks, run: each
 * filter is loaded in a child (no_new_privs, no root needed) and the calls
 * a workload would try are made there. */
#include "policies/policy.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* The errno of the raw syscall nr(a0, a1) under profile (0 when it
 * succeeded), or 1000 + signal when it killed the child. */
static int try_call(const char *profile, long nr, unsigned long a0,
		    unsigned long a1)
{
	struct lk_policy p;
	struct lk_error e = {0};
	void *f = NULL;
	int pipefd[2], st, res = -1;
	pid_t pid;

	lk_policy_init(&p);
	cr_assert_eq(lk_policy_load(&p, profile, &e), 0, "%s", e.msg);
	cr_assert_eq(lk_policy_compile(&p, &f, &e), 0, "%s", e.msg);
	cr_assert_eq(pipe(pipefd), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		long r;
		int err;

		close(pipefd[0]);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    seccomp_load(f) < 0)
			_exit(99);
		r = syscall(nr, a0, a1, 0UL);
		err = r < 0 ? errno : 0;
		if (r >= 0 && nr == SYS_socket)
			close((int)r);
		(void)!write(pipefd[1], &err, sizeof(err));
		_exit(0);
	}
	close(pipefd[1]);
	waitpid(pid, &st, 0);
	if (WIFSIGNALED(st))
		res = 1000 + WTERMSIG(st);
	else if (read(pipefd[0], &res, sizeof(res)) != sizeof(res))
		res = -1;
	close(pipefd[0]);
	lk_policy_filter_free(f);
	lk_policy_free(&p);
	return res;
}

Test(policy_filter, personality_allows_only_harmless_values)
{
	static const unsigned long ok[] = {0, PER_LINUX32, UNAME26,
					   UNAME26 | PER_LINUX32, 0xffffffff};
	static const unsigned long bad[] = {
	    ADDR_NO_RANDOMIZE,
	    0x80000000 | ADDR_NO_RANDOMIZE,
	    0x7fffffff,
	    0xfffffffe,
	    READ_IMPLIES_EXEC,
	    0x80000000 | READ_IMPLIES_EXEC | PER_LINUX32,
	    MMAP_PAGE_ZERO,
	    1,
	    9,
	    0x20001,
	    0x100000000,
	    0x1ffffffff,
	};

	for (const char *const *pr = (const char *const[]){"default", "strict",
							    NULL};
	     *pr; pr++) {
		for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
			cr_assert_eq(try_call(*pr, SYS_personality, ok[i], 0),
				     0, "%s: personality(%#lx)", *pr, ok[i]);
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			int r = try_call(*pr, SYS_personality, bad[i], 0);

			cr_assert(r == EPERM || r == 1000 + SIGSYS,
				  "%s: personality(%#lx) must be refused: %d",
				  *pr, bad[i], r);
		}
	}
}

Test(policy_filter, socket_families)
{
	static const unsigned long ok[] = {AF_UNIX, AF_INET, AF_INET6,
					   AF_NETLINK};
	static const unsigned long bad[] = {AF_VSOCK, AF_BLUETOOTH, AF_ALG,
					    AF_TIPC,  AF_RDS,	    3,
					    0x100000000 | AF_INET};

	for (const char *const *pr = (const char *const[]){"default", "strict",
							    NULL};
	     *pr; pr++) {
		for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
			int r = try_call(*pr, SYS_socket, ok[i],
					 ok[i] == AF_NETLINK ? SOCK_RAW
							     : SOCK_DGRAM);

			cr_assert(r != EAFNOSUPPORT && r < 1000,
				  "%s: socket(%lu) must pass: %d", *pr, ok[i],
				  r);
		}
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			int r = try_call(*pr, SYS_socket, bad[i], SOCK_STREAM);

			cr_assert(r == (strcmp(*pr, "strict") == 0
					    ? 1000 + SIGSYS
					    : EAFNOSUPPORT),
				  "%s: socket(%#lx) must be refused: %d", *pr,
				  bad[i], r);
		}
	}
}

Test(policy_filter, terminal_injection)
{
	/* fd -1: the filter answers first, and nothing is ever typed into
	 * the terminal that runs the tests (log lets it through). */
	static const unsigned long bad[] = {TIOCSTI, TIOCLINUX,
					    0x100000000 | TIOCSTI};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(try_call("default", SYS_ioctl, -1UL, bad[i]), EPERM,
			     "default: ioctl(%#lx)", bad[i]);
		cr_assert_eq(try_call("strict", SYS_ioctl, -1UL, bad[i]),
			     1000 + SIGSYS, "strict: ioctl(%#lx)", bad[i]);
	}
	cr_assert_eq(try_call("default", SYS_ioctl, -1UL, TIOCGWINSZ), EBADF);
	cr_assert_eq(try_call("strict", SYS_ioctl, -1UL, TIOCGWINSZ), EBADF);
	/* log: allowed (and logged). */
	cr_assert_eq(try_call("log", SYS_ioctl, -1UL, TIOCSTI), EBADF);
}
