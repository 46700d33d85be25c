/* test_sandbox_e2e.c — the sandbox through linkem-launch (root): the
 * hostile workload in every peer gets nowhere, and a seccomp kill is
 * named. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
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

/* How many lines of out contain what. */
static int count_in(const char *out, const char *what)
{
	int n = 0;

	for (const char *p = strstr(out, what); p; p = strstr(p + 1, what))
		n++;
	return n;
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
	/* Named as a seccomp kill always (peer init sees it); the syscall
	 * comes from the kernel's audit record, which the kernel
	 * rate-limits (the sandbox tests before this one kill often): when
	 * it is named, it is the right one. */
	cr_assert_not_null(strstr(out, "peer1: killed by seccomp"), "%s", out);
	if (strstr(out, "seccomp: syscall"))
		cr_assert_not_null(strstr(out, "seccomp: syscall 272 (unshare)"),
				   "%s", out);

	snprintf(cmd, sizeof(cmd),
		 "%s/linkem-launch --policy-check /etc/hostname 2>&1", bdir());
	cr_assert_eq(sh(cmd, out, sizeof(out)), 2, "%s", out);
	cr_assert_not_null(strstr(out, "/etc/hostname:1: unknown action"), "%s",
			   out);
}

/* Under script(1), so that the launch has a real controlling terminal (a
 * pty), with what only concerns the operator in its environment: no peer
 * reaches the terminal (/dev/tty, TIOCSTI, TIOCLINUX, tcsetpgrp), a vsock
 * socket, a weakening personality, those variables or the launching
 * session's autogroup; with default options, --user nobody and --policy
 * strict. */
static const char terminal_attempts[] =
    "tty,tiocsti,tioclinux,vsock,personality,env,autogroup";

Test(sandbox_e2e, terminal_env_and_kernel_surface_under_a_pty, .init = setup,
     .fini = teardown)
{
	static char out[1 << 16];
	char cmd[PATH_MAX * 4];
	const char *modes[] = {"", "--user nobody", "--policy strict"};

	if (access("/usr/bin/script", X_OK) != 0)
		cr_skip_test("script (bsdutils) not installed");
	for (int m = 0; m < 3; m++) {
		snprintf(cmd, sizeof(cmd),
			 "SUDO_USER=alice SUDO_UID=1000 SSH_AUTH_SOCK=/x/agent "
			 "LINKEM_CONTROL=/x/ctl.sock "
			 "script -qfec 'ag=$(cut -d\" \" -f1 "
			 "/proc/self/autogroup); exec %s/linkem-launch -q -n 2 "
			 "%s -- %s/tests/progs/hostile --only %s --autogroup "
			 "$ag' /dev/null 2>&1",
			 bdir(), modes[m], bdir(), terminal_attempts);
		cr_assert_eq(sh(cmd, out, sizeof(out)), 0, "%s\n%s", cmd, out);
		cr_assert_null(strstr(out, "ESCAPED"), "%s", out);
		cr_assert_null(strstr(out, "SKIPPED"), "%s", out);
		for (const char *const *a = (const char *const[]){
			 "BLOCKED tty:", "BLOCKED tiocsti:",
			 "BLOCKED tioclinux:", "BLOCKED vsock:",
			 "BLOCKED personality:", "BLOCKED env:",
			 "BLOCKED autogroup:", NULL};
		     *a; a++)
			cr_assert_eq(count_in(out, *a), 2, "%s: %s", *a, out);
		cr_assert_not_null(strstr(out, "[peer2]\033[0m hostile: all blocked"),
				   "%s", out);
	}
}

/* --control with ".." through /run: the socket is not under /run, so the
 * peers must not reach it. */
Test(sandbox_e2e, control_socket_path_trick, .init = setup, .fini = teardown)
{
	char out[8192], cmd[PATH_MAX * 4];

	snprintf(cmd, sizeof(cmd),
		 "%s/linkem-launch -q -n 1 --control /run/..%s/ctl.sock -- "
		 "%s/tests/progs/hostile --only unix-connect --socket "
		 "%s/ctl.sock 2>&1",
		 bdir(), dir, bdir(), dir);
	cr_assert_eq(sh(cmd, out, sizeof(out)), 0, "%s\n%s", cmd, out);
	cr_assert_not_null(strstr(out, "[peer1] BLOCKED unix-connect"), "%s",
			   out);
}

/* Files a local user can create in the host's /tmp are not in the way. */
Test(sandbox_e2e, precreated_tmp_files_do_not_stop_a_launch, .init = setup,
     .fini = teardown)
{
	char out[8192], cmd[PATH_MAX];
	static const char *const files[] = {"/tmp/.linkem-hosts-1",
					    "/tmp/.linkem-hosts"};
	bool made[2] = {false, false};

	for (int i = 0; i < 2; i++) {
		int fd = open(files[i], O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC,
			      0644);

		if (fd >= 0) {
			made[i] = true;
			close(fd);
		}
	}
	snprintf(cmd, sizeof(cmd),
		 "%s/linkem-launch -q -n 2 -- sh -c 'getent ahostsv4 peer2' "
		 "2>&1",
		 bdir());
	int st = sh(cmd, out, sizeof(out));
	for (int i = 0; i < 2; i++)
		if (made[i])
			unlink(files[i]);
	cr_assert_eq(st, 0, "%s", out);
	cr_assert_not_null(strstr(out, "[peer1] 10.0.0.2"), "%s", out);
}

/* Escape sequences, CRs and C1 controls from a peer: escaped on a
 * terminal, raw in --log-dir. */
Test(sandbox_e2e, peer_output_cannot_drive_the_terminal, .init = setup,
     .fini = teardown)
{
	static char out[1 << 14];
	char cmd[PATH_MAX * 4], log[PATH_MAX], buf[1024];
	size_t n;
	FILE *f;

	if (access("/usr/bin/script", X_OK) != 0)
		cr_skip_test("script (bsdutils) not installed");
	snprintf(cmd, sizeof(cmd),
		 "NO_COLOR=1 script -qfec '%s/linkem-launch -q -n 1 "
		 "--log-dir %s -- %s/tests/progs/hostile --escapes' "
		 "/dev/null 2>&1",
		 bdir(), dir, bdir());
	cr_assert_eq(sh(cmd, out, sizeof(out)), 0, "%s\n%s", cmd, out);
	cr_assert_not_null(strstr(out, "[peer1] title\\x1b]0;hostile-title\\x07"
				       " clip\\x1b]52;c;"),
			   "%s", out);
	cr_assert_not_null(strstr(out, "[peer1] ok\\r[peer9] forged"), "%s",
			   out);
	cr_assert_not_null(strstr(out, "[peer1] \\x1b[2K\\x1b[1Alinkem-launch"),
			   "%s", out);
	cr_assert_not_null(strstr(out, "[peer1] c1 \\xc2\\x9b31m red"), "%s",
			   out);
	/* script turns "\n" into "\r\n": the only CRs and ESCs left are the
	 * pty's own. */
	cr_assert_null(strchr(out, '\033'), "%s", out);
	cr_assert_null(strstr(out, "\xc2\x9b"), "%s", out);
	for (const char *p = strchr(out, '\r'); p; p = strchr(p + 1, '\r'))
		cr_assert_eq(p[1], '\n', "a bare CR reached the terminal");

	snprintf(log, sizeof(log), "%s/peer1.log", dir);
	f = fopen(log, "re");
	cr_assert_not_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	cr_assert_not_null(strstr(buf, "title\033]0;hostile-title\007"), "%s",
			   buf);
	cr_assert_not_null(strstr(buf, "ok\r[peer9] forged\n"), "%s", buf);
}

/* A workload that sends itself SIGSYS was not killed by seccomp. */
Test(sandbox_e2e, sigsys_by_kill_is_not_a_seccomp_kill, .init = setup,
     .fini = teardown)
{
	char out[4096], cmd[PATH_MAX];
	const char *policies[] = {"default", "strict"};

	for (int i = 0; i < 2; i++) {
		snprintf(cmd, sizeof(cmd),
			 "%s/linkem-launch -q -n 1 --policy %s -- "
			 "sh -c 'kill -SYS $$' 2>&1",
			 bdir(), policies[i]);
		cr_assert_eq(sh(cmd, out, sizeof(out)), 128 + 31, "%s", out);
		cr_assert_null(strstr(out, "seccomp"), "%s", out);
		cr_assert_not_null(strstr(out, "peer1: killed by signal 31"),
				   "%s", out);
	}
}
