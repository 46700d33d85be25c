/* test_sandbox.c — lk_sandbox_enter and lk_sandbox_fs for real (root):
 * each check runs in a forked child that enters the sandbox, then tries
 * things and reports back over a pipe. */
#include "policies/sandbox.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

static void need_root(void)
{
	if (geteuid() != 0)
		cr_skip_test("needs root (capabilities, mounts, setuid)");
}

static const char *build_dir(void)
{
	const char *b = getenv("LINKEM_BUILD");
	return b ? b : "build";
}

/* ---- running a check in a sandboxed child ------------------------------ */

struct opts {
	const char *policy;
	const char *user;
	const char *caps[4];
	const char *rw[2];
};

static struct lk_sandbox *make_sandbox(const struct opts *x)
{
	struct lk_options o = {.policy = x->policy, .user = x->user};
	struct lk_sandbox *sb = NULL;
	struct lk_error e = {0};
	size_t n;

	for (n = 0; n < 4 && x->caps[n]; n++)
		;
	o.caps = (struct lk_strv){(char **)x->caps, n};
	for (n = 0; n < 2 && x->rw[n]; n++)
		;
	o.rw = (struct lk_strv){(char **)x->rw, n};
	cr_assert_eq(lk_sandbox_new(&o, &sb, &e), 0, "%s", e.msg);
	return sb;
}

static int report_fd = -1;

/* LeakSanitizer stops the world with ptrace, which every profile but
 * none refuses: sanitized programs exec'd in the sandbox (make check-san)
 * must not try. */
static void no_leak_check(void)
{
	setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
}

/* In the child: a failure message for the parent, then exit 1. */
static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0 && write(report_fd, buf, strlen(buf)) < 0)
		_exit(3);
	_exit(1);
}

struct result {
	int status;
	char msg[4096];
};

/* Fork; the child enters sb (unless NULL) and runs fn. */
static struct result run(struct lk_sandbox *sb, void (*fn)(void *), void *arg)
{
	struct result res = {0};
	int p[2];
	pid_t pid;
	ssize_t n, got = 0;

	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	fflush(NULL);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct lk_error e = {0};

		close(p[0]);
		report_fd = p[1];
		if (sb && lk_sandbox_enter(sb, &e) < 0)
			fail("lk_sandbox_enter: %s", e.msg);
		fn(arg);
		_exit(0);
	}
	close(p[1]);
	while ((n = read(p[0], res.msg + got, sizeof(res.msg) - 1 - got)) > 0)
		got += n;
	close(p[0]);
	cr_assert_eq(waitpid(pid, &res.status, 0), pid);
	return res;
}

static void expect_ok(struct result r)
{
	cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0,
		  "child failed (status 0x%x): %s", r.status, r.msg);
}

/* ---- checks (run in the child) ------------------------------------------ */

static unsigned long long status_field(const char *key)
{
	char line[256];
	size_t kl = strlen(key);
	unsigned long long v = ~0ULL;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		fail("open /proc/self/status: %s", strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
			v = strtoull(line + kl + 1, NULL,
				     key[0] == 'C' ? 16 : 10);
			break;
		}
	fclose(f);
	return v;
}

struct creds_want {
	unsigned long long caps;
	unsigned seccomp;
	uid_t uid;
};

static void check_creds(void *arg)
{
	const struct creds_want *w = arg;
	static const char *const sets[] = {"CapInh", "CapPrm", "CapEff",
					   "CapBnd", "CapAmb"};

	for (size_t i = 0; i < 5; i++) {
		unsigned long long v = status_field(sets[i]);
		if (v != w->caps)
			fail("%s is %llx, want %llx", sets[i], v, w->caps);
	}
	if (status_field("NoNewPrivs") != 1)
		fail("NoNewPrivs is not 1");
	if (status_field("Seccomp") != w->seccomp)
		fail("Seccomp is %llu, want %u", status_field("Seccomp"),
		     w->seccomp);
	if (getuid() != w->uid || geteuid() != w->uid)
		fail("uid %u euid %u, want %u", getuid(), geteuid(), w->uid);
}

Test(sandbox, every_capability_set_cleared, .init = need_root)
{
	const char *profiles[] = {"default", "strict", "log", "none"};

	for (size_t i = 0; i < 4; i++) {
		struct lk_sandbox *sb =
		    make_sandbox(&(struct opts){.policy = profiles[i]});
		struct creds_want w = {0, i == 3 ? 0 : 2, 0};

		expect_ok(run(sb, check_creds, &w));
		lk_sandbox_free(sb);
	}
}

Test(sandbox, cap_and_user_keep_exactly_the_named_caps, .init = need_root)
{
	struct lk_sandbox *sb =
	    make_sandbox(&(struct opts){.caps = {"NET_ADMIN", "cap_net_raw"}});
	struct creds_want w = {(1ULL << 12) | (1ULL << 13), 2, 0};

	expect_ok(run(sb, check_creds, &w));
	lk_sandbox_free(sb);

	sb = make_sandbox(
	    &(struct opts){.user = "65534:65534", .caps = {"NET_RAW"}});
	w = (struct creds_want){1ULL << 13, 2, 65534};
	expect_ok(run(sb, check_creds, &w));
	lk_sandbox_free(sb);

	sb = make_sandbox(&(struct opts){.user = "65534"});
	w = (struct creds_want){0, 2, 65534};
	expect_ok(run(sb, check_creds, &w));
	lk_sandbox_free(sb);
}

static void *thread_fn(void *arg)
{
	return arg;
}

/* What every profile but strict's kill list must let through. */
static void check_allowed(void *arg)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t al = sizeof(a);
	int l, c, s, u1, u2, tfd;
	pthread_t t;
	void *ret = NULL;
	char b[8];
	struct itimerspec its = {.it_value = {0, 1000000}};
	uint64_t ticks;
	timer_t timer;
	pid_t pid;
	int st;

	(void)arg;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(l, 1) < 0 || getsockname(l, (struct sockaddr *)&a, &al) < 0)
		fail("tcp listen: %s", strerror(errno));
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)) < 0)
		fail("tcp connect: %s", strerror(errno));
	s = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	if (s < 0 || write(c, "ping", 4) != 4 || read(s, b, 4) != 4)
		fail("tcp exchange: %s", strerror(errno));
	close(s);
	close(c);
	close(l);

	u1 = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	u2 = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (u1 < 0 || u2 < 0)
		fail("udp6/unix socket: %s", strerror(errno));
	close(u1);
	close(u2);
	u1 = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (u1 < 0)
		fail("netlink socket: %s", strerror(errno));
	close(u1);

	if (pthread_create(&t, NULL, thread_fn, (void *)42) != 0 ||
	    pthread_join(t, &ret) != 0 || ret != (void *)42)
		fail("threads do not work");

	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (tfd < 0 || timerfd_settime(tfd, 0, &its, NULL) < 0 ||
	    read(tfd, &ticks, 8) != 8)
		fail("timerfd: %s", strerror(errno));
	close(tfd);
	if (timer_create(CLOCK_MONOTONIC, NULL, &timer) < 0)
		fail("timer_create: %s", strerror(errno));
	timer_delete(timer);
	if (nanosleep(&(struct timespec){0, 1000}, NULL) < 0)
		fail("nanosleep: %s", strerror(errno));

	pid = fork();
	if (pid == 0)
		_exit(7);
	if (pid < 0 || waitpid(pid, &st, 0) != pid || WEXITSTATUS(st) != 7)
		fail("fork/wait: %s", strerror(errno));
	if (personality(0xffffffff) < 0)
		fail("personality query: %s", strerror(errno));
	/* ping (iputils) fails hard when this is refused. */
	if (prctl(PR_SET_KEEPCAPS, 1) < 0 || prctl(PR_SET_KEEPCAPS, 0) < 0)
		fail("PR_SET_KEEPCAPS: %s", strerror(errno));
}

static void expect_errno(const char *what, long rc, int err)
{
	if (rc != -1 || errno != err)
		fail("%s: returned %ld (%s), want %s", what, rc,
		     rc < 0 ? strerror(errno) : "success", strerror(err));
}

static void check_default_refuses(void *arg)
{
	long rc;

	(void)arg;
	expect_errno("mount", mount("tmpfs", "/tmp", "tmpfs", 0, NULL), EPERM);
	expect_errno("umount2", umount2("/proc", MNT_DETACH), EPERM);
	expect_errno("unshare(NEWNET)", unshare(CLONE_NEWNET), EPERM);
	expect_errno("unshare(NEWUSER)", unshare(CLONE_NEWUSER), EPERM);
	expect_errno("setns", setns(0, 0), EPERM);
	expect_errno("clone3", syscall(SYS_clone3, NULL, 0), ENOSYS);
	expect_errno(
	    "clone(NEWPID)",
	    syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, NULL, NULL, NULL, NULL),
	    EPERM);
	expect_errno("ptrace", ptrace(PTRACE_ATTACH, 1, NULL, NULL), EPERM);
	expect_errno("bpf", syscall(SYS_bpf, 0, NULL, 0), EPERM);
	expect_errno("keyctl", syscall(SYS_keyctl, 0, 0), EPERM);
	expect_errno("add_key", syscall(SYS_add_key, "user", "x", "y", 1, -3),
		     EPERM);
	expect_errno("perf_event_open",
		     syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0), EPERM);
	expect_errno("io_uring_setup", syscall(SYS_io_uring_setup, 1, NULL),
		     EPERM);
	expect_errno("userfaultfd", syscall(SYS_userfaultfd, 0), EPERM);
	expect_errno("kexec_load", syscall(SYS_kexec_load, 0, 0, NULL, 0),
		     EPERM);
	expect_errno("init_module", syscall(SYS_init_module, NULL, 0, ""),
		     EPERM);
	expect_errno("settimeofday", syscall(SYS_settimeofday, NULL, NULL),
		     EPERM);
	expect_errno("personality(ADDR_NO_RANDOMIZE)",
		     personality(ADDR_NO_RANDOMIZE), EPERM);
	expect_errno("personality(0x80000000|ADDR_NO_RANDOMIZE)",
		     syscall(SYS_personality, 0x80000000ul | ADDR_NO_RANDOMIZE),
		     EPERM);
	expect_errno("socket(AF_VSOCK)", socket(AF_VSOCK, SOCK_STREAM, 0),
		     EAFNOSUPPORT);
	expect_errno("ioctl(TIOCSTI)", syscall(SYS_ioctl, 0, TIOCSTI, "x"),
		     EPERM);
	expect_errno("iopl", syscall(SYS_iopl, 3), EPERM);
	/* Other ABIs: i386 through int 0x80 (in a child: a kernel without
	 * IA-32 emulation answers with SIGSEGV), x32 through bit 30. */
	pid_t pid = fork();
	int st = 0;

	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL); /* not a sanitizer's */
		__asm__ volatile("int $0x80" : "=a"(rc) : "a"(20) : "memory");
		_exit(rc == -EPERM ? 0 : 1);
	}
	waitpid(pid, &st, 0);
	if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0) &&
	    !(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV))
		fail("i386 getpid through int 0x80 was not refused");
	rc = syscall(0x40000000 | SYS_getpid);
	if (rc == getpid())
		fail("x32 getpid answered");
}

Test(sandbox, default_refuses_what_it_claims, .init = need_root)
{
	struct lk_sandbox *sb = make_sandbox(&(struct opts){.policy = NULL});

	expect_ok(run(sb, check_default_refuses, NULL));
	expect_ok(run(sb, check_allowed, NULL));
	lk_sandbox_free(sb);
}

static void check_log_allows(void *arg)
{
	(void)arg;
	/* Both refused under default, allowed without capabilities. */
	if (personality(ADDR_NO_RANDOMIZE) < 0)
		fail("personality under log: %s", strerror(errno));
	if (unshare(CLONE_NEWUSER) < 0)
		fail("unshare(NEWUSER) under log: %s", strerror(errno));
	/* Still refused by the lack of capabilities, not by seccomp. */
	expect_errno("mount", mount("tmpfs", "/tmp", "tmpfs", 0, NULL), EPERM);
}

Test(sandbox, log_allows, .init = need_root)
{
	struct lk_sandbox *sb = make_sandbox(&(struct opts){.policy = "log"});

	expect_ok(run(sb, check_log_allows, NULL));
	expect_ok(run(sb, check_allowed, NULL));
	lk_sandbox_free(sb);
}

static void do_mount(void *arg)
{
	(void)arg;
	mount("tmpfs", "/tmp", "tmpfs", 0, NULL);
	fail("mount returned under strict: %s", strerror(errno));
}

static void exec_argv(void *arg)
{
	char *const *argv = arg;

	no_leak_check();
	execv(argv[0], argv);
	fail("exec %s: %s", argv[0], strerror(errno));
}

Test(sandbox, strict_kills_and_allows, .init = need_root)
{
	struct lk_sandbox *sb =
	    make_sandbox(&(struct opts){.policy = "strict"});
	struct result r;
	char *sh[] = {"/bin/sh", "-c",
		      "ls / >/dev/null && cat /proc/self/status | grep -q "
		      "Seccomp && echo x | sort | wc -l >/dev/null && "
		      "sleep 0.01 && date >/dev/null && id -u >/dev/null",
		      NULL};
	char *py[] = {"/usr/bin/python3", "-c",
		      "import socket, threading, time, subprocess\n"
		      "s = socket.socket(); s.bind(('127.0.0.1', 0)); "
		      "s.listen()\n"
		      "c = socket.create_connection(s.getsockname())\n"
		      "a, _ = s.accept(); c.sendall(b'hi'); "
		      "assert a.recv(2) == b'hi'\n"
		      "u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)\n"
		      "t = threading.Thread(target=time.sleep, args=(0.01,))\n"
		      "t.start(); t.join()\n"
		      "subprocess.run(['/bin/true'], check=True)\n",
		      NULL};
	char msg[256];

	expect_ok(run(sb, check_allowed, NULL));
	expect_ok(run(sb, exec_argv, sh));
	if (access(py[0], X_OK) == 0)
		expect_ok(run(sb, exec_argv, py));

	r = run(sb, do_mount, NULL);
	cr_assert(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGSYS,
		  "mount under strict: status 0x%x %s", r.status, r.msg);
	lk_sandbox_free(sb);
	(void)msg;
}

static void do_mount_report(void *arg)
{
	(void)arg;
	mount("tmpfs", "/tmp", "tmpfs", 0, NULL);
	_exit(0);
}

/* The kernel prints audit records through printk_ratelimit() (10 per
 * 5 s): a burst of earlier records can swallow one, so try twice. */
Test(sandbox, seccomp_kill_is_described, .init = need_root)
{
	struct lk_sandbox *sb =
	    make_sandbox(&(struct opts){.policy = "strict"});
	struct lk_error e = {0};
	char buf[256];
	int st, r = -1;
	pid_t pid = 0;

	for (int attempt = 0; attempt < 2 && r < 0; attempt++) {
		if (attempt)
			sleep(6);
		fflush(NULL);
		pid = fork();
		if (pid == 0) {
			if (lk_sandbox_enter(sb, &e) < 0)
				_exit(2);
			do_mount_report(NULL);
		}
		cr_assert_eq(waitpid(pid, &st, 0), pid);
		cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
		/* The record reaches the log asynchronously. */
		for (int i = 0; i < 25 && r < 0; i++) {
			r = lk_seccomp_describe_kill(pid, buf, sizeof(buf));
			if (r < 0)
				usleep(20000);
		}
	}
	cr_assert_eq(r, 0, "no audit record for pid %d: %s", pid, buf);
	cr_assert_str_eq(buf, "killed by seccomp: syscall 165 (mount)");
	lk_sandbox_free(sb);
}

/* ---- setuid binaries gain nothing --------------------------------------- */

static char suid_dir[] = "/var/tmp/lk-suid-XXXXXX";
static char suid_bin[PATH_MAX];

static void make_suid_copy(void)
{
	char src[PATH_MAX], cmd[PATH_MAX * 2 + 32];

	need_root();
	cr_assert_not_null(mkdtemp(suid_dir));
	cr_assert_eq(chmod(suid_dir, 0755), 0);
	snprintf(src, sizeof(src), "%s/tests/progs/hostile", build_dir());
	snprintf(suid_bin, sizeof(suid_bin), "%s/hostile-suid", suid_dir);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", src, suid_bin);
	cr_assert_eq(system(cmd), 0, "copy %s", src);
	cr_assert_eq(chown(suid_bin, 0, 0), 0);
	cr_assert_eq(chmod(suid_bin, 04755), 0);
}

static void rm_suid_copy(void)
{
	unlink(suid_bin);
	rmdir(suid_dir);
}

static void exec_creds(void *arg)
{
	(void)arg;
	dup2(report_fd, 1);
	no_leak_check();
	execl(suid_bin, suid_bin, "--creds", (char *)NULL);
	fail("exec %s: %s", suid_bin, strerror(errno));
}

Test(sandbox, setuid_root_binary_gains_nothing, .init = make_suid_copy,
     .fini = rm_suid_copy)
{
	struct {
		const char *policy, *user;
		const char *want;
	} cases[] = {
	    {"default", "65534", "creds uid=65534 euid=65534 capeff=0\n"},
	    {"strict", "65534", "creds uid=65534 euid=65534 capeff=0\n"},
	    {"none", "65534", "creds uid=65534 euid=65534 capeff=0\n"},
	    {"default", NULL, "creds uid=0 euid=0 capeff=0\n"},
	};
	struct result r;

	/* The copy really is setuid root: outside, it gets euid 0. */
	r = run(NULL, exec_creds, NULL);
	cr_assert_str_neq(r.msg, "", "the setuid copy did not run");

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lk_sandbox *sb = make_sandbox(&(struct opts){
		    .policy = cases[i].policy, .user = cases[i].user});

		r = run(sb, exec_creds, NULL);
		expect_ok(r);
		cr_assert_str_eq(r.msg, cases[i].want, "%s %s", cases[i].policy,
				 cases[i].user ? cases[i].user : "root");
		lk_sandbox_free(sb);
	}
}

/* ---- the read-only view ------------------------------------------------- */

static char fs_dir[] = "/var/tmp/lk-fs-XXXXXX";
static char run_sock[64];
static int listeners[2] = {-1, -1};

static void path_in(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", fs_dir, name);
}

static int listen_unix(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0, "%s", path);
	cr_assert_eq(listen(fd, 4), 0);
	return fd;
}

static void make_fs_dir(void)
{
	char p[PATH_MAX];
	int fd;

	make_suid_copy();
	cr_assert_not_null(mkdtemp(fs_dir));
	cr_assert_eq(chmod(fs_dir, 0755), 0);
	path_in(p, sizeof(p), "sentinel");
	fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "precious\n", 9), 9);
	close(fd);
	path_in(p, sizeof(p), "rw");
	cr_assert_eq(mkdir(p, 0755), 0);
	path_in(p, sizeof(p), "hidden");
	cr_assert_eq(mkdir(p, 0755), 0);
	path_in(p, sizeof(p), "hidden/sock");
	listeners[0] = listen_unix(p);
	snprintf(run_sock, sizeof(run_sock), "/run/lk-fs-%d.sock", getpid());
	listeners[1] = listen_unix(run_sock);
}

static void rm_fs_dir(void)
{
	char cmd[PATH_MAX];

	for (int i = 0; i < 2; i++)
		if (listeners[i] >= 0)
			close(listeners[i]);
	unlink(run_sock);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fs_dir);
	if (system(cmd) != 0)
		cr_log_warn("could not remove %s", fs_dir);
	rm_suid_copy();
}

static void must_fail(const char *what, long rc)
{
	if (rc >= 0)
		fail("%s succeeded inside the read-only view", what);
}

static void must_work(const char *what, long rc)
{
	if (rc < 0)
		fail("%s: %s", what, strerror(errno));
}

static void check_view(void)
{
	char p[PATH_MAX], q[PATH_MAX], b[16];
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int fd, m;

	path_in(p, sizeof(p), "sentinel");
	path_in(q, sizeof(q), "sentinel.new");
	fd = open(p, O_WRONLY | O_CLOEXEC);
	must_fail("open the sentinel for writing", fd);
	must_fail("chmod the sentinel", chmod(p, 0666));
	must_fail("rename the sentinel", rename(p, q));
	must_fail("unlink the sentinel", unlink(p));
	must_fail("create beside the sentinel",
		  open(q, O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
	must_fail("open /proc/sys for writing",
		  open("/proc/sys/kernel/domainname", O_WRONLY | O_CLOEXEC));
	must_fail("open /proc/sysrq-trigger for writing",
		  open("/proc/sysrq-trigger", O_WRONLY | O_CLOEXEC));
	must_fail("open /sys for writing",
		  open("/sys/class/net/lo/mtu", O_WRONLY | O_CLOEXEC));
	must_fail("see the host's disks", access("/dev/vda", F_OK));
	must_fail("see the host's /run", access(run_sock, F_OK));
	path_in(p, sizeof(p), "hidden/sock");
	must_fail("see a hidden path", access(p, F_OK));

	fd = open("/tmp/lk-scratch", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	must_work("write in /tmp", fd < 0 ? -1 : write(fd, "x", 1));
	close(fd);
	path_in(p, sizeof(p), "rw/written-inside");
	fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	must_work("write in the --rw path", fd < 0 ? -1 : write(fd, "x", 1));
	close(fd);
	fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	must_work("write /dev/null", fd < 0 ? -1 : write(fd, "x", 1));
	close(fd);
	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	must_work("read /dev/urandom", fd < 0 ? -1 : read(fd, b, sizeof(b)));
	close(fd);
	m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	must_work("open /dev/ptmx", m);
	must_work("unlockpt", unlockpt(m));
	must_work("open the pty", fd = open(ptsname(m), O_RDWR | O_CLOEXEC));
	close(fd);
	close(m);
	fd = open("/dev/shm/lk-x", O_CREAT | O_RDWR | O_CLOEXEC, 0600);
	must_work("create in /dev/shm", fd);
	close(fd);
	snprintf(a.sun_path, sizeof(a.sun_path), "/tmp/lk-own.sock");
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	must_work("bind a Unix socket in /tmp",
		  bind(fd, (struct sockaddr *)&a, sizeof(a)));
	close(fd);
}

static struct lk_sandbox *fs_sb;

/* PID 1 of new mount/PID/net namespaces, set up as the launcher does. */
static void fs_pid1(pid_t host_pid)
{
	struct lk_error e = {0};
	char sentinel[PATH_MAX], sock[PATH_MAX], hp[16];
	char hostile[PATH_MAX];
	int hostile_fd;

	/* Opened before /tmp is covered: the build may live under /tmp. */
	snprintf(hostile, sizeof(hostile), "%s/tests/progs/hostile",
		 build_dir());
	hostile_fd = open(hostile, O_PATH | O_CLOEXEC);
	if (hostile_fd < 0)
		fail("open %s: %s", hostile, strerror(errno));
	must_work("mount /proc", mount("proc", "/proc", "proc",
				       MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL));
	must_work("mount /sys",
		  mount("sysfs", "/sys", "sysfs",
			MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL));
	must_work("mount /tmp", mount("tmpfs", "/tmp", "tmpfs",
				      MS_NOSUID | MS_NODEV, "mode=1777"));
	if (lk_sandbox_fs(fs_sb, &e) < 0)
		fail("lk_sandbox_fs: %s", e.msg);
	if (lk_sandbox_enter(fs_sb, &e) < 0)
		fail("lk_sandbox_enter: %s", e.msg);
	check_view();

	/* Then the hostile workload, its report going to the parent. */
	path_in(sentinel, sizeof(sentinel), "sentinel");
	path_in(sock, sizeof(sock), "hidden/sock");
	snprintf(hp, sizeof(hp), "%d", host_pid);
	dup2(report_fd, 1);
	no_leak_check();
	char *argv[] = {hostile, "--sentinel", sentinel, "--socket", sock,
			"--host-pid", hp, "--setuid-bin", suid_bin, NULL};
	extern char **environ;
	execveat(hostile_fd, "", argv, environ, AT_EMPTY_PATH);
	fail("exec %s: %s", hostile, strerror(errno));
}

static void fs_child(void *arg)
{
	pid_t host_pid = *(pid_t *)arg, pid;
	int st;

	must_work("unshare", unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET |
				     CLONE_NEWIPC));
	must_work("make / private",
		  mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	pid = fork();
	if (pid == 0)
		fs_pid1(host_pid);
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		fail("fork PID 1: %s", strerror(errno));
	_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st));
}

Test(sandbox_fs, host_files_read_only, .init = make_fs_dir, .fini = rm_fs_dir)
{
	char rw[PATH_MAX], hidden[PATH_MAX], p[PATH_MAX];
	struct lk_error e = {0};
	struct stat st;
	pid_t self = getpid();
	struct result r;
	char buf[64] = "";
	int fd;

	path_in(rw, sizeof(rw), "rw");
	path_in(hidden, sizeof(hidden), "hidden");
	fs_sb = make_sandbox(&(struct opts){.rw = {rw}});
	cr_assert_eq(lk_sandbox_hide(fs_sb, hidden, &e), 0);

	r = run(NULL, fs_child, &self);
	cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0,
		  "status 0x%x:\n%s", r.status, r.msg);
	cr_log_info("hostile said:\n%s", r.msg);
	cr_assert_null(strstr(r.msg, "ESCAPED"), "%s", r.msg);
	cr_assert_not_null(strstr(r.msg, "hostile: all blocked"), "%s", r.msg);

	/* Outside: the sentinel untouched, the --rw write really made. */
	path_in(p, sizeof(p), "sentinel");
	cr_assert_eq(stat(p, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0644);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	cr_assert_eq(read(fd, buf, sizeof(buf)), 9);
	close(fd);
	cr_assert_str_eq(buf, "precious\n");
	path_in(p, sizeof(p), "rw/written-inside");
	cr_assert_eq(access(p, F_OK), 0,
		     "the --rw write did not reach the "
		     "host");
	lk_sandbox_free(fs_sb);
}
