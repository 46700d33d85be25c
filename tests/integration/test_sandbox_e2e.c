/* test_sandbox_e2e.c — the sandbox through linkem-launch (root): the
 * hostile workload in every peer gets nowhere, and a seccomp kill is
 * named. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *bdir(void)
{
	const char *b = getenv("LINKEM_BUILD");
	return b ? b : "build";
}

/* Run a shell command line; its output (stdout and stderr) into out. */
static int sh(const char *cmd, char *out, size_t size)
{
	FILE *f = popen(cmd, "r");
	size_t n = 0, k;
	int st;

	cr_assert_not_null(f);
	while (n + 1 < size && (k = fread(out + n, 1, size - 1 - n, f)) > 0)
		n += k;
	out[n] = '\0';
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static char dir[] = "/var/tmp/lk-e2e-XXXXXX";
static char run_sock[64];
static int lfd = -1;

static void setup(void)
{
	char p[PATH_MAX], cmd[PATH_MAX * 2];
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int fd;

	if (geteuid() != 0)
		cr_skip_test("needs root");
	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(chmod(dir, 0755), 0);
	snprintf(p, sizeof(p), "%s/sentinel", dir);
	fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	cr_assert_eq(write(fd, "precious\n", 9), 9);
	close(fd);
	snprintf(cmd, sizeof(cmd),
		 "cp %s/tests/progs/hostile %s/suid && chmod 4755 %s/suid",
		 bdir(), dir, dir);
	cr_assert_eq(system(cmd), 0);
	snprintf(run_sock, sizeof(run_sock), "/run/lk-e2e-%d.sock", getpid());
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", run_sock);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert_eq(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(listen(lfd, 4), 0);
}

static void teardown(void)
{
	char cmd[PATH_MAX];

	if (lfd >= 0)
		close(lfd);
	unlink(run_sock);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		cr_log_warn("could not remove %s", dir);
}

Test(sandbox_e2e, hostile_peers_get_nowhere, .init = setup, .fini = teardown)
{
	static char out[1 << 16];
	char cmd[PATH_MAX * 4], p[PATH_MAX], buf[32] = "";
	const char *users[] = {"", "--user 65534"};
	int fd;

	for (int u = 0; u < 2; u++) {
		snprintf(cmd, sizeof(cmd),
			 "%s/linkem-launch -q -n 3 %s -- %s/tests/progs/hostile"
			 " --sentinel %s/sentinel --socket %s --host-pid %d"
			 " --setuid-bin %s/suid 2>&1",
			 bdir(), users[u], bdir(), dir, run_sock, getpid(),
			 dir);
		cr_assert_eq(sh(cmd, out, sizeof(out)), 0, "%s\n%s", cmd, out);
		cr_assert_null(strstr(out, "ESCAPED"), "%s", out);
		cr_assert_not_null(strstr(out, "[peer3] hostile: all blocked"),
				   "%s", out);
	}
	snprintf(p, sizeof(p), "%s/sentinel", dir);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	cr_assert_eq(read(fd, buf, sizeof(buf)), 9);
	close(fd);
	cr_assert_str_eq(buf, "precious\n");
}

Test(sandbox_e2e, strict_kill_is_named, .init = setup, .fini = teardown)
{
	char out[4096], cmd[PATH_MAX];
	int st;

	snprintf(cmd, sizeof(cmd),
		 "%s/linkem-launch -q -n 1 --policy strict -- "
		 "sh -c 'exec unshare -n true' 2>&1",
		 bdir());
	st = sh(cmd, out, sizeof(out));
	cr_assert_eq(st, 128 + 31, "%s", out);
	/* Best effort (the kernel rate-limits its audit records), but on
	 * a quiet machine it is there. */
	cr_expect_not_null(strstr(out, "peer1: killed by seccomp: syscall 272 "
				       "(unshare)"),
			   "%s", out);

	snprintf(cmd, sizeof(cmd),
		 "%s/linkem-launch --policy-check /etc/hostname 2>&1", bdir());
	cr_assert_eq(sh(cmd, out, sizeof(out)), 2, "%s", out);
	cr_assert_not_null(strstr(out, "/etc/hostname:1: unknown action"), "%s",
			   out);
}
