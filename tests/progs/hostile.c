/*
 * hostile.c — a workload that tries to get out of its linkem sandbox.
 *
 *   hostile [--sentinel FILE] [--socket PATH] [--host-pid PID]
 *           [--setuid-bin PATH] [--autogroup TEXT] [--only NAME[,NAME...]]
 *           [--secret FILE] [--plant DIR] [--control PATH]
 *   --secret FILE: a host root 0600 file to read (and /etc/shadow);
 *   --plant DIR: copy this program into DIR as a setuid-root file (the
 *     test checks from the host that it is not: "PLANTED path" here);
 *   --control PATH: a launch's control socket, to ask for its status;
 *   hostile --creds        (print "creds uid=U euid=E capeff=HEX"; used
 *                           when run as the setuid binary)
 *   hostile --escapes      (print lines with escape sequences, CR and C1
 *                           controls: the launcher must show them escaped
 *                           on a terminal)
 *   hostile --ping ADDR    (what must keep working: an unprivileged ICMP
 *                           echo to ADDR (IPv4), "WORKS ping ADDR" or
 *                           "BROKEN ping ADDR: why", exit 1 when broken)
 *
 * One line per attempt: "BLOCKED name: how" or "ESCAPED name: what",
 * "SKIPPED name: why" when an argument is missing.  Exit status 1 when
 * anything escaped, else 0.  Every attempt is harmless when it escapes:
 * it changes nothing on the host (or undoes it at once), and privileged
 * calls use invalid arguments so that "permitted" shows as EINVAL rather
 * than as an effect.  The attempts that a --policy strict filter answers
 * by killing run in a child: "killed by SIGSYS" is then their refusal.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static int escaped;
static const char *only;

static bool want(const char *name)
{
	size_t n = strlen(name);

	if (!only)
		return true;
	for (const char *p = only; (p = strstr(p, name)); p++)
		if ((p == only || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return true;
	return false;
}

static void report(bool esc, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void report(bool esc, const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("%s %s: ", esc ? "ESCAPED" : "BLOCKED", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (esc)
		escaped = 1;
}

/* rc < 0 with errno set means refused. */
static void verdict(const char *name, long rc)
{
	if (rc < 0)
		report(false, name, "%s", strerror(errno));
	else
		report(true, name, "succeeded");
}

/* For privileged calls given invalid arguments: only EPERM (or ENOSYS)
 * is a refusal; any other answer means the kernel let us in. */
static void verdict_priv(const char *name, long rc)
{
	if (rc < 0 && (errno == EPERM || errno == ENOSYS || errno == EACCES))
		report(false, name, "%s", strerror(errno));
	else
		report(true, name, "permitted (%s)",
		       rc < 0 ? strerror(errno) : "succeeded");
}

static void skipped(const char *name, const char *why)
{
	printf("SKIPPED %s: %s\n", name, why);
	fflush(stdout);
}

static void sentinel(const char *path)
{
	char other[4096];
	int fd;
	long rc;

	if (!path) {
		if (!only || strncmp(only, "sentinel", 8) == 0)
			skipped("sentinel", "no --sentinel FILE");
		return;
	}
	if (want("sentinel-write")) {
		fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
		rc = fd;
		if (fd >= 0) {
			rc = write(fd, "x", 1);
			close(fd);
		}
		verdict("sentinel-write", rc);
	}
	if (want("sentinel-truncate"))
		verdict("sentinel-truncate", truncate(path, 0));
	if (want("sentinel-chmod"))
		verdict("sentinel-chmod", chmod(path, 0777));
	if (want("sentinel-chown"))
		verdict("sentinel-chown", chown(path, 12345, 12345));
	snprintf(other, sizeof(other), "%s.hostile", path);
	if (want("sentinel-rename")) {
		rc = rename(path, other);
		if (rc == 0)
			(void)rename(other, path);
		verdict("sentinel-rename", rc);
	}
	if (want("sentinel-replace")) {
		fd = open(other, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
		rc = fd;
		if (fd >= 0) {
			close(fd);
			unlink(other);
		}
		verdict("sentinel-replace", rc);
	}
	if (want("sentinel-unlink"))
		verdict("sentinel-unlink", unlink(path));
}

static void unix_connect(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int fd;
	long rc;

	if (!want("unix-connect"))
		return;
	if (!path) {
		skipped("unix-connect", "no --socket PATH");
		return;
	}
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		verdict("unix-connect", -1);
		return;
	}
	rc = connect(fd, (struct sockaddr *)&a, sizeof(a));
	close(fd);
	verdict("unix-connect", rc);
}

static void mounts(void)
{
	long rc;

	if (want("mount-tmpfs")) {
		rc = mount("tmpfs", "/tmp", "tmpfs", 0, "size=4k");
		if (rc == 0)
			umount2("/tmp", MNT_DETACH);
		verdict("mount-tmpfs", rc);
	}
	if (want("remount-rw")) {
		rc = mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND, NULL);
		verdict("remount-rw", rc);
	}
}

static void namespaces(void)
{
	if (want("unshare-net"))
		verdict("unshare-net", unshare(CLONE_NEWNET));
	if (want("unshare-user-net"))
		verdict("unshare-user-net",
			unshare(CLONE_NEWUSER | CLONE_NEWNET));
	if (want("unshare-mount"))
		verdict("unshare-mount", unshare(CLONE_NEWNS));
}

/* setns into any network namespace other than ours that /proc shows. */
static void setns_host(void)
{
	struct stat self, st;
	DIR *d;
	struct dirent *de;
	char path[300];
	int tried = 0;

	if (!want("setns-net"))
		return;
	if (stat("/proc/self/ns/net", &self) < 0) {
		report(false, "setns-net", "no /proc/self/ns/net");
		return;
	}
	d = opendir("/proc");
	if (!d) {
		report(false, "setns-net", "no /proc");
		return;
	}
	while ((de = readdir(d))) {
		int fd;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/net", de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		tried++;
		if (fstat(fd, &st) == 0 && st.st_ino != self.st_ino) {
			report(true, "setns-net",
			       "a foreign network namespace is visible at %s",
			       path);
		}
		if (setns(fd, CLONE_NEWNET) == 0) {
			if (stat("/proc/self/ns/net", &st) == 0 &&
			    st.st_ino != self.st_ino)
				report(true, "setns-net", "entered %s", path);
			else
				report(true, "setns-net",
				       "setns permitted on %s", path);
			close(fd);
			closedir(d);
			return;
		}
		close(fd);
	}
	closedir(d);
	report(false, "setns-net", "%s (%d namespaces tried)",
	       tried ? strerror(errno) : "none visible", tried);
}

static void modules(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (want("finit-module"))
		verdict_priv("finit-module",
			     syscall(SYS_finit_module, fd, "", 0));
	if (want("init-module"))
		verdict_priv("init-module",
			     syscall(SYS_init_module, NULL, 0, ""));
	if (fd >= 0)
		close(fd);
}

static void trace(void)
{
	DIR *d;
	struct dirent *de;
	pid_t self = getpid();
	int tried = 0;
	long rc;

	if (!want("ptrace"))
		return;
	d = opendir("/proc");
	while (d && (de = readdir(d))) {
		pid_t p = atoi(de->d_name);

		if (p <= 0 || p == self)
			continue;
		tried++;
		rc = ptrace(PTRACE_ATTACH, p, NULL, NULL);
		if (rc == 0) {
			waitpid(p, NULL, __WALL);
			ptrace(PTRACE_DETACH, p, NULL, NULL);
			report(true, "ptrace", "attached to pid %d", p);
			closedir(d);
			return;
		}
	}
	if (d)
		closedir(d);
	if (!tried) {
		errno = 0;
		rc = ptrace(PTRACE_ATTACH, 1, NULL, NULL);
		if (rc == 0) {
			ptrace(PTRACE_DETACH, 1, NULL, NULL);
			report(true, "ptrace", "attached to pid 1");
			return;
		}
	}
	report(false, "ptrace", "%s (%d processes tried)", strerror(errno),
	       tried);
}

static void raw_sockets(void)
{
	int fd;

	if (want("raw-socket")) {
		fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
		if (fd >= 0)
			close(fd);
		verdict("raw-socket", fd);
	}
	if (want("packet-socket")) {
		fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
		if (fd >= 0)
			close(fd);
		verdict("packet-socket", fd);
	}
}

/* Run fn in a child: a seccomp kill (strict) is a refusal, not the end
 * of the other attempts.  The child reports itself otherwise. */
static void in_child(const char *name, void (*fn)(void))
{
	pid_t pid;
	int st;

	if (!want(name))
		return;
	pid = fork();
	if (pid < 0) {
		report(true, name, "fork: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		escaped = 0;
		fn();
		fflush(stdout);
		_exit(escaped);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS)
		report(false, name, "killed by SIGSYS (seccomp)");
	else if (WIFSIGNALED(st))
		report(true, name, "child died of signal %d", WTERMSIG(st));
	else if (WEXITSTATUS(st) != 0)
		escaped = 1;
}

/* The launching terminal: no peer has it as its controlling terminal,
 * so /dev/tty cannot be opened, nor its process group be taken. */
static void tty_attempt(void)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC), err = errno;

	if (fd >= 0) {
		pid_t pg = tcgetpgrp(fd);
		int r = tcsetpgrp(fd, getpgrp());

		report(true, "tty",
		       "/dev/tty opened (foreground group %d), tcsetpgrp %s",
		       (int)pg, r == 0 ? "succeeded" : strerror(errno));
		if (r == 0)
			tcsetpgrp(fd, pg); /* give it back */
		close(fd);
		return;
	}
	for (int i = 0; i < 3; i++)
		if (isatty(i)) {
			report(true, "tty", "fd %d is a terminal", i);
			return;
		}
	report(false, "tty", "/dev/tty: %s, fds 0-2 are no terminal",
	       strerror(err));
}

/* A pseudo-terminal of our own made our controlling terminal: only the
 * filter stands between TIOCSTI (typing into it) and success, as it
 * would for a terminal a peer reached.  Harmless: the pty is ours. */
static int own_ctty(void)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), s;
	char *name;

	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0 ||
	    !(name = ptsname(m)) || setsid() < 0)
		return -1;
	s = open(name, O_RDWR | O_CLOEXEC); /* session leader: our ctty */
	if (s < 0 || ioctl(s, TIOCSCTTY, 0) < 0)
		return -1;
	return s;
}

static void tiocsti_attempt(void)
{
	int s = own_ctty();
	char c = 'x';
	long rc;

	if (s < 0) {
		skipped("tiocsti", "no pty of our own");
		return;
	}
	rc = syscall(SYS_ioctl, s, TIOCSTI, &c);
	if (rc == 0) {
		report(true, "tiocsti", "typed into a terminal");
		return;
	}
	/* The kernel takes the request as 32 bits. */
	rc = syscall(SYS_ioctl, s, 0x100000000ul | TIOCSTI, &c);
	if (rc == 0)
		report(true, "tiocsti", "typed with the request's high bits");
	else
		verdict_priv("tiocsti", rc);
}

static void tioclinux_attempt(void)
{
	int s = own_ctty();
	char sub = 6; /* TIOCL_GETSHIFTSTATE: reads only */

	if (s < 0) {
		skipped("tioclinux", "no pty of our own");
		return;
	}
	/* On a pty the kernel answers ENOTTY: anything but EPERM means the
	 * filter let it through. */
	verdict_priv("tioclinux", syscall(SYS_ioctl, s, TIOCLINUX, &sub));
}

static void vsock_attempt(void)
{
	long fd = syscall(SYS_socket, AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 && errno == EAFNOSUPPORT)
		/* The int the kernel sees, with high bits the filter
		 * might not mask. */
		fd = syscall(SYS_socket, 0x100000000ul | AF_VSOCK,
			     SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0)
		close((int)fd);
	verdict("vsock", fd);
}

static void personality_attempt(void)
{
	static const unsigned long tries[] = {
	    ADDR_NO_RANDOMIZE, 0x80000000ul | ADDR_NO_RANDOMIZE,
	    0xfffffffeul, READ_IMPLIES_EXEC | 0x80000000ul};
	long old = syscall(SYS_personality, 0xffffffffUL);

	for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
		long rc = syscall(SYS_personality, tries[i]);

		if (rc >= 0) {
			syscall(SYS_personality, (unsigned long)old);
			report(true, "personality", "personality(%#lx) passed",
			       tries[i]);
			return;
		}
	}
	report(false, "personality", "%s", strerror(errno));
}

/* What only concerns whoever started the launch. */
static void env_attempt(void)
{
	static const char *const names[] = {"SUDO_USER", "SUDO_UID",
					    "SUDO_COMMAND", "SSH_AUTH_SOCK",
					    "LINKEM_CONTROL"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (getenv(names[i])) {
			report(true, "env", "%s=%s", names[i],
			       getenv(names[i]));
			return;
		}
	report(false, "env", "no SUDO_*, SSH_AUTH_SOCK, LINKEM_CONTROL");
}

/* The scheduler autogroup is the session's: writing a peer's own must not
 * reach the launching shell's.  host: the host's "/autogroup-N" word. */
static void autogroup(const char *host)
{
	char buf[64] = "";
	FILE *f;

	if (!want("autogroup"))
		return;
	if (!host) {
		skipped("autogroup", "no --autogroup TEXT");
		return;
	}
	f = fopen("/proc/self/autogroup", "re");
	if (!f || !fgets(buf, sizeof(buf), f)) {
		if (f)
			fclose(f);
		skipped("autogroup", "no /proc/self/autogroup");
		return;
	}
	fclose(f);
	buf[strcspn(buf, " \n")] = '\0';
	if (strcmp(buf, host) == 0)
		report(true, "autogroup", "shares %s with the host", buf);
	else
		report(false, "autogroup", "own %s, host %s", buf, host);
}

static void escapes(void)
{
	printf("title\033]0;hostile-title\007 clip\033]52;c;aG9zdGlsZQ==\007\n");
	printf("ok\r[peer9] forged\n");
	printf("\033[2K\033[1Alinkem-launch: forged\n");
	printf("c1 \xc2\x9b" "31m red\n");
	fflush(stdout);
}

static void interfaces(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	const char *names[] = {"lo", "eth0"};

	if (fd < 0) {
		report(false, "ioctl-ifflags", "no socket: %s",
		       strerror(errno));
		return;
	}
	for (size_t i = 0; i < 2 && want("ioctl-ifflags"); i++) {
		char name[32];

		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", names[i]);
		if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
			continue; /* no such interface */
		snprintf(name, sizeof(name), "ioctl-ifflags-%s", names[i]);
		/* Same flags again: harmless if it were allowed. */
		verdict(name, ioctl(fd, SIOCSIFFLAGS, &ifr));
	}
	close(fd);
}

/* One rtnetlink request; returns the kernel's errno (0 = done). */
static int rtnl(struct nlmsghdr *req)
{
	char buf[4096];
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	ssize_t n;
	int err = EIO;

	if (fd < 0)
		return errno;
	if (send(fd, req, req->nlmsg_len, 0) < 0) {
		err = errno;
		close(fd);
		return err;
	}
	n = recv(fd, buf, sizeof(buf), 0);
	if (n >= (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) &&
	    h->nlmsg_type == NLMSG_ERROR)
		err = -((struct nlmsgerr *)NLMSG_DATA(h))->error;
	close(fd);
	return err;
}

static void add_rta(struct nlmsghdr *h, unsigned short type, const void *d,
		    size_t len)
{
	struct rtattr *a =
	    (struct rtattr *)((char *)h + NLMSG_ALIGN(h->nlmsg_len));

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), d, len);
	h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(a->rta_len);
}

static void netlink(void)
{
	union {
		struct nlmsghdr h;
		char b[512];
	} u;
	int lo = (int)if_nametoindex("lo");
	int err;

	if (want("rtnl-newlink")) {
		struct ifinfomsg *ifi;

		memset(&u, 0, sizeof(u));
		u.h.nlmsg_len = NLMSG_LENGTH(sizeof(*ifi));
		u.h.nlmsg_type = RTM_NEWLINK;
		u.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
		ifi = NLMSG_DATA(&u.h);
		ifi->ifi_index = lo;
		ifi->ifi_flags = IFF_UP; /* lo is up already: no change */
		ifi->ifi_change = IFF_UP;
		err = rtnl(&u.h);
		if (err) {
			errno = err;
			verdict("rtnl-newlink", -1);
		} else {
			verdict("rtnl-newlink", 0);
		}
	}
	if (want("rtnl-newaddr")) {
		struct ifaddrmsg *ifa;
		unsigned char a4[4] = {203, 0, 113, 7}; /* TEST-NET-3 */
		int eth0 = (int)if_nametoindex("eth0");

		memset(&u, 0, sizeof(u));
		u.h.nlmsg_len = NLMSG_LENGTH(sizeof(*ifa));
		u.h.nlmsg_type = RTM_NEWADDR;
		u.h.nlmsg_flags =
		    NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
		ifa = NLMSG_DATA(&u.h);
		ifa->ifa_family = AF_INET;
		ifa->ifa_prefixlen = 32;
		ifa->ifa_index = (unsigned)(eth0 ? eth0 : lo);
		add_rta(&u.h, IFA_LOCAL, a4, 4);
		err = rtnl(&u.h);
		if (err == 0) {
			u.h.nlmsg_type = RTM_DELADDR;
			u.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
			(void)rtnl(&u.h);
		}
		errno = err;
		verdict("rtnl-newaddr", err ? -1 : 0);
	}
	if (want("rtnl-delqdisc")) {
		/* Deleting the root qdisc of eth0 (what shapes the link in
		 * the kernel engine): EPERM when refused; ENOENT/EINVAL
		 * mean the kernel let us in. */
		struct tcmsg *tc;
		int eth0 = (int)if_nametoindex("eth0");

		memset(&u, 0, sizeof(u));
		u.h.nlmsg_len = NLMSG_LENGTH(sizeof(*tc));
		u.h.nlmsg_type = RTM_DELQDISC;
		u.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
		tc = NLMSG_DATA(&u.h);
		tc->tcm_family = AF_UNSPEC;
		tc->tcm_ifindex = eth0 ? eth0 : lo;
		tc->tcm_parent = 0xffff0000u; /* an ingress that is not there */
		tc->tcm_handle = 0xffff0000u;
		err = rtnl(&u.h);
		errno = err;
		verdict_priv("rtnl-delqdisc", err ? -1 : 0);
	}
	if (want("rtnl-newroute")) {
		struct rtmsg *rt;
		unsigned char dst[4] = {203, 0, 113, 0}; /* TEST-NET-3 */

		memset(&u, 0, sizeof(u));
		u.h.nlmsg_len = NLMSG_LENGTH(sizeof(*rt));
		u.h.nlmsg_type = RTM_NEWROUTE;
		u.h.nlmsg_flags =
		    NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
		rt = NLMSG_DATA(&u.h);
		rt->rtm_family = AF_INET;
		rt->rtm_dst_len = 24;
		rt->rtm_table = RT_TABLE_MAIN;
		rt->rtm_protocol = RTPROT_STATIC;
		rt->rtm_scope = RT_SCOPE_LINK;
		rt->rtm_type = RTN_UNICAST;
		add_rta(&u.h, RTA_DST, dst, 4);
		add_rta(&u.h, RTA_OIF, &lo, sizeof(lo));
		err = rtnl(&u.h);
		if (err == 0) {
			u.h.nlmsg_type = RTM_DELROUTE;
			u.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
			(void)rtnl(&u.h);
			verdict("rtnl-newroute", 0);
		} else {
			errno = err;
			verdict("rtnl-newroute", -1);
		}
	}
}

static void signals(pid_t host_pid)
{
	if (!want("kill-host-pid"))
		return;
	if (host_pid <= 0) {
		skipped("kill-host-pid", "no --host-pid PID");
	} else {
		/* Signal 0: only asks whether the process can be reached. */
		long rc = kill(host_pid, 0);

		if (rc < 0 && errno == EPERM)
			report(true, "kill-host-pid",
			       "pid %d is visible (EPERM)", host_pid);
		else
			verdict("kill-host-pid", rc);
	}
}

static void proc_view(pid_t host_pid)
{
	struct stat self, st;
	DIR *d;
	struct dirent *de;
	char path[300];
	int n = 0;

	if (!want("proc-list"))
		return;
	if (stat("/proc/self/ns/pid", &self) < 0) {
		report(false, "proc-list", "no /proc/self/ns/pid");
		return;
	}
	d = opendir("/proc");
	while (d && (de = readdir(d))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		n++;
		snprintf(path, sizeof(path), "/proc/%s/ns/pid", de->d_name);
		if (stat(path, &st) == 0 && st.st_ino != self.st_ino) {
			report(true, "proc-list",
			       "pid %s lives in another PID namespace",
			       de->d_name);
			closedir(d);
			return;
		}
	}
	if (d)
		closedir(d);
	snprintf(path, sizeof(path), "/proc/%d", (int)host_pid);
	if (host_pid > 0 && access(path, F_OK) == 0)
		report(true, "proc-list", "host pid %d is listed", host_pid);
	else
		report(false, "proc-list", "%d processes, all ours", n);
}

/* Open for writing only: never write to these. */
static void open_w(const char *name, const char *path)
{
	int fd;

	if (!want(name))
		return;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		report(true, name, "%s opened for writing", path);
	} else if (errno == ENOENT) {
		skipped(name, path);
	} else {
		report(false, name, "%s: %s", path, strerror(errno));
	}
}

static void kernel_files(void)
{
	open_w("write-proc-sys", "/proc/sys/kernel/domainname");
	open_w("write-proc-sys-net", "/proc/sys/net/ipv4/ip_forward");
	open_w("write-sysrq", "/proc/sysrq-trigger");
	open_w("write-sys", "/sys/kernel/uevent_helper");
	open_w("write-sys-net", "/sys/class/net/lo/mtu");
	open_w("write-dev-disk", "/dev/vda");
	open_w("write-dev-sda", "/dev/sda");
	open_w("write-kmsg", "/dev/kmsg");
	open_w("write-mem", "/dev/mem");
}

static void kernel_calls(void)
{
	if (want("bpf")) {
		union bpf_attr a;
		long fd;

		memset(&a, 0, sizeof(a));
		a.map_type = BPF_MAP_TYPE_ARRAY;
		a.key_size = 4;
		a.value_size = 4;
		a.max_entries = 1;
		fd = syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof(a));
		if (fd >= 0)
			close((int)fd);
		verdict("bpf", fd);
	}
	if (want("keyctl"))
		verdict("keyctl", syscall(SYS_add_key, "user", "linkem-hostile",
					  "x", 1, -3 /* session keyring */));
	if (want("reboot"))
		/* An invalid command: EPERM when refused, EINVAL when the
		 * caller may reboot. */
		verdict_priv("reboot", syscall(SYS_reboot, 0xfee1dead,
					       672274793, 0x0badc0de, NULL));
	if (want("sethostname"))
		verdict("sethostname", sethostname("hostile", 7));
	if (want("settimeofday"))
		verdict_priv("settimeofday",
			     syscall(SYS_settimeofday, NULL, (void *)1));
	if (want("i386-abi")) {
		/* In a child: a kernel without IA-32 emulation answers
		 * int 0x80 with SIGSEGV. */
		pid_t pid = fork();
		int st = 0;

		if (pid == 0) {
			long rc = -1;

			signal(SIGSEGV, SIG_DFL); /* not a sanitizer's */
			/* getpid through int 0x80 (the i386 ABI). */
			__asm__ volatile("int $0x80"
					 : "=a"(rc)
					 : "a"(20)
					 : "memory");
			if (rc == getpid()) {
				report(true, "i386-abi",
				       "int 0x80 getpid answered");
			} else {
				errno = rc < 0 ? (int)-rc : EIO;
				report(false, "i386-abi", "%s",
				       strerror(errno));
			}
			_exit(escaped);
		}
		while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		if (pid < 0)
			report(true, "i386-abi", "fork: %s", strerror(errno));
		else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV)
			report(false, "i386-abi",
			       "no IA-32 emulation in this kernel (SIGSEGV)");
		else if (WIFSIGNALED(st) || WEXITSTATUS(st) != 0)
			escaped = 1;
	}
}

static unsigned long long capeff(void)
{
	char line[256];
	unsigned long long v = ~0ULL;
	FILE *f = fopen("/proc/self/status", "re");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

static void setuid_exec(const char *bin)
{
	int p[2];
	pid_t pid;
	char out[256] = "";
	unsigned uid = 0, euid = 0;
	unsigned long long eff = ~0ULL;
	ssize_t n;

	if (!want("setuid-exec"))
		return;
	if (!bin) {
		skipped("setuid-exec", "no --setuid-bin PATH");
		return;
	}
	if (pipe2(p, O_CLOEXEC) < 0) {
		report(false, "setuid-exec", "pipe: %s", strerror(errno));
		return;
	}
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		execl(bin, bin, "--creds", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	n = read(p[0], out, sizeof(out) - 1);
	close(p[0]);
	waitpid(pid, NULL, 0);
	if (n <= 0 || sscanf(out, "creds uid=%u euid=%u capeff=%llx", &uid,
			     &euid, &eff) != 3) {
		report(false, "setuid-exec", "could not run %s", bin);
		return;
	}
	if (eff != 0 && eff > capeff())
		report(true, "setuid-exec", "gained capabilities %llx", eff);
	else if (euid != geteuid())
		report(true, "setuid-exec", "euid %u became %u", geteuid(),
		       euid);
	else
		report(false, "setuid-exec", "euid %u capeff %llx", euid, eff);
}

/* An ICMP echo through an unprivileged datagram socket (the launcher
 * opens ping_group_range), with a 2 s deadline. */
static int ping4(const char *addr)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	struct icmphdr h = {.type = ICMP_ECHO, .un.echo.sequence = htons(1)};
	struct timeval tv = {2, 0};
	char buf[256];
	int fd;
	ssize_t n;

	if (inet_pton(AF_INET, addr, &a.sin_addr) != 1) {
		printf("BROKEN ping %s: not an IPv4 address\n", addr);
		return 1;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    sendto(fd, &h, sizeof(h), 0, (struct sockaddr *)&a, sizeof(a)) <
		0) {
		printf("BROKEN ping %s: %s\n", addr, strerror(errno));
		return 1;
	}
	n = recv(fd, buf, sizeof(buf), 0);
	close(fd);
	if (n < (ssize_t)sizeof(h) ||
	    ((struct icmphdr *)buf)->type != ICMP_ECHOREPLY) {
		printf("BROKEN ping %s: %s\n", addr,
		       n < 0 ? strerror(errno) : "no echo reply");
		return 1;
	}
	printf("WORKS ping %s\n", addr);
	return 0;
}

/* Reading what only host root may read. */
static void secrets(const char *secret)
{
	const char *files[] = {"/etc/shadow", secret};

	/* Only when asked (--secret): run as host root on purpose (the
	 * sandbox tests of lk_sandbox_enter alone), these would succeed. */
	if (!secret)
		return;
	for (size_t i = 0; i < 2; i++) {
		char name[32], buf[64];
		int fd;
		long rc;

		if (!files[i])
			continue;
		snprintf(name, sizeof(name), "read-%s",
			 i == 0 ? "shadow" : "secret");
		if (!want(name))
			continue;
		fd = open(files[i], O_RDONLY | O_CLOEXEC);
		rc = fd;
		if (fd >= 0) {
			rc = read(fd, buf, sizeof(buf));
			close(fd);
		}
		verdict(name, rc);
	}
}

/* A setuid-root copy of ourselves in DIR, as far as we get: what counts
 * is what the host sees (the test looks). */
static void plant(const char *dir)
{
	char path[4096], buf[65536];
	int in, out;
	ssize_t n;

	if (!dir || !want("plant-setuid"))
		return;
	snprintf(path, sizeof(path), "%s/planted", dir);
	in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	out = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0755);
	if (in < 0 || out < 0) {
		report(false, "plant-setuid", "create %s: %s", path,
		       strerror(errno));
		if (in >= 0)
			close(in);
		return;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			break;
	close(in);
	(void)!fchown(out, 0, 0);
	(void)!fchmod(out, 04755);
	close(out);
	printf("PLANTED %s\n", path);
	fflush(stdout);
}

/* A launch's control socket: any answer but a refusal is an escape. */
static void control(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	char buf[512] = "";
	int fd;
	ssize_t n;

	if (!path || !want("control-socket"))
		return;
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		report(false, "control-socket", "connect: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	(void)!send(fd, "{\"v\":1,\"cmd\":\"peers\",\"args\":[]}\n", 32,
		    MSG_NOSIGNAL);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0)
		buf[n] = '\0';
	if (n <= 0 || strstr(buf, "permission denied"))
		report(false, "control-socket", "refused");
	else
		report(true, "control-socket", "answered: %.60s", buf);
}

int main(int argc, char **argv)
{
	const char *sentinel_path = NULL, *sock = NULL, *suid = NULL;
	const char *autogroup_host = NULL, *secret = NULL, *plant_dir = NULL;
	const char *ctl = NULL;
	pid_t host_pid = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--ping") == 0 && v)
			return ping4(v);
		if (strcmp(a, "--escapes") == 0) {
			escapes();
			return 0;
		}
		if (strcmp(a, "--creds") == 0) {
			printf("creds uid=%u euid=%u capeff=%llx\n", getuid(),
			       geteuid(), capeff());
			return 0;
		}
		if (!v) {
			fprintf(stderr, "hostile: %s needs a value\n", a);
			return 2;
		}
		if (strcmp(a, "--sentinel") == 0)
			sentinel_path = v;
		else if (strcmp(a, "--socket") == 0)
			sock = v;
		else if (strcmp(a, "--host-pid") == 0)
			host_pid = atoi(v);
		else if (strcmp(a, "--setuid-bin") == 0)
			suid = v;
		else if (strcmp(a, "--only") == 0)
			only = v;
		else if (strcmp(a, "--autogroup") == 0)
			autogroup_host = v;
		else if (strcmp(a, "--secret") == 0)
			secret = v;
		else if (strcmp(a, "--plant") == 0)
			plant_dir = v;
		else if (strcmp(a, "--control") == 0)
			ctl = v;
		else {
			fprintf(stderr, "hostile: unknown option '%s'\n", a);
			return 2;
		}
		i++;
	}
	sentinel(sentinel_path);
	unix_connect(sock);
	mounts();
	namespaces();
	setns_host();
	modules();
	trace();
	raw_sockets();
	interfaces();
	netlink();
	signals(host_pid);
	proc_view(host_pid);
	kernel_files();
	kernel_calls();
	setuid_exec(suid);
	if (want("tty"))
		tty_attempt();
	in_child("tiocsti", tiocsti_attempt);
	in_child("tioclinux", tioclinux_attempt);
	in_child("vsock", vsock_attempt);
	in_child("personality", personality_attempt);
	if (want("env"))
		env_attempt();
	autogroup(autogroup_host);
	secrets(secret);
	plant(plant_dir);
	control(ctl);
	printf("hostile: %s\n", escaped ? "SOMETHING ESCAPED" : "all blocked");
	return escaped;
}
