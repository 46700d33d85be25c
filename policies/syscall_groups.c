/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * syscall_groups.c — named groups of syscalls (@mount, @module...), errno
 * names and symbolic constants for the policy format.  Pure tables.
 */
#include "policies/policy.h"

#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/socket.h>

#include "common/cleanup.h"

struct group {
	const char *name;
	const char *members; /* space separated */
};

static const struct group groups[] = {
    {"@mount", "mount umount umount2 pivot_root move_mount open_tree "
	       "fsopen fsconfig fsmount fspick mount_setattr"},
    {"@module", "init_module finit_module delete_module create_module "
		"query_module get_kernel_syms"},
    {"@reboot", "reboot kexec_load kexec_file_load"},
    {"@swap", "swapon swapoff"},
    {"@clock", "adjtimex clock_adjtime clock_adjtime64 clock_settime "
	       "clock_settime64 settimeofday stime"},
    {"@ptrace", "ptrace process_vm_readv process_vm_writev kcmp "
		"pidfd_getfd"},
    {"@keyring", "add_key keyctl request_key"},
    /* Unconditional: the default profile filters clone() by flags. */
    {"@namespaces", "setns unshare"},
    {"@bpf", "bpf"},
    {"@perf", "perf_event_open"},
    {"@io_uring", "io_uring_setup io_uring_enter io_uring_register"},
    {"@raw_io", "iopl ioperm pciconfig_iobase pciconfig_read "
		"pciconfig_write"},
    {"@privileged", "acct quotactl quotactl_fd open_by_handle_at userfaultfd "
		    "nfsservctl lookup_dcookie vhangup syslog uselib _sysctl "
		    "vm86 vm86old"},
    /* Harmless, always needed by a dynamically linked program. */
    {"@default",
     "execve exit exit_group restart_syscall brk mmap munmap mprotect "
     "arch_prctl set_tid_address set_robust_list rseq prlimit64 "
     "getrandom rt_sigreturn rt_sigprocmask rt_sigaction futex read "
     "write close openat newfstatat fstat pread64 access faccessat "
     "faccessat2 readlink readlinkat getpid gettid uname"},
};

const char *const lk_syscall_group_names[] = {
    "@mount",	 "@module",  "@reboot",	    "@swap",	"@clock",
    "@ptrace",	 "@keyring", "@namespaces", "@bpf",	"@perf",
    "@io_uring", "@raw_io",  "@privileged", "@default", NULL,
};

int lk_syscall_group(const char *name, int *nrs, size_t max)
{
	for (size_t i = 0; i < LK_ARRAY_SIZE(groups); i++) {
		if (strcmp(groups[i].name, name) != 0)
			continue;
		_cleanup_free_ char *copy = strdup(groups[i].members);
		char *save = NULL;
		size_t n = 0;

		if (!copy)
			return -ENOMEM;
		for (char *t = strtok_r(copy, " ", &save); t;
		     t = strtok_r(NULL, " ", &save)) {
			int nr = seccomp_syscall_resolve_name(t);

			/* A name libseccomp does not know at all is left
			 * out: it cannot be called through this ABI. */
			if (nr == __NR_SCMP_ERROR)
				continue;
			if (n < max)
				nrs[n] = nr;
			n++;
		}
		return (int)n;
	}
	return -ENOENT;
}

struct named {
	const char *name;
	uint64_t value;
};

#define E(x)                                                                   \
	{                                                                      \
#x, x                                                          \
	}
static const struct named errnos[] = {
    E(EPERM),		E(ENOENT),     E(EIO),		E(E2BIG),
    E(EBADF),		E(EAGAIN),     E(ENOMEM),	E(EACCES),
    E(EFAULT),		E(EBUSY),      E(EEXIST),	E(ENODEV),
    E(EINVAL),		E(ENOSPC),     E(EROFS),	E(ENOSYS),
    E(ENOTSUP),		E(EOPNOTSUPP), E(EAFNOSUPPORT), E(EPROTONOSUPPORT),
    E(ESOCKTNOSUPPORT), E(ENOTTY),     E(ENXIO),	E(ECONNREFUSED),
};

static const struct named constants[] = {
    E(CLONE_NEWNS),
    E(CLONE_NEWUTS),
    E(CLONE_NEWIPC),
    E(CLONE_NEWUSER),
    E(CLONE_NEWPID),
    E(CLONE_NEWNET),
    E(CLONE_NEWCGROUP),
    E(CLONE_NEWTIME),
    E(CLONE_THREAD),
    E(CLONE_VM),
    /* personality(2) flags that weaken a process's protections. */
    E(ADDR_NO_RANDOMIZE),
    E(MMAP_PAGE_ZERO),
    E(ADDR_COMPAT_LAYOUT),
    E(READ_IMPLIES_EXEC),
    E(ADDR_LIMIT_32BIT),
    E(ADDR_LIMIT_3GB),
    /* personality(2) values that are harmless (those Docker allows). */
    E(PER_LINUX),
    E(PER_LINUX32),
    E(UNAME26),
    /* socket(2) address families. */
    E(AF_UNIX),
    E(AF_INET),
    E(AF_INET6),
    E(AF_NETLINK),
    E(AF_PACKET),
    E(AF_VSOCK),
    /* ioctl(2) requests that act on a terminal for others. */
    E(TIOCSTI),
    E(TIOCLINUX),
};
#undef E

static int lookup(const struct named *t, size_t n, const char *s, uint64_t *out)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, s) == 0) {
			*out = t[i].value;
			return 0;
		}
	return -ENOENT;
}

int lk_errno_from_name(const char *s, int *out)
{
	uint64_t v;
	char *end;

	if (lookup(errnos, LK_ARRAY_SIZE(errnos), s, &v) == 0) {
		*out = (int)v;
		return 0;
	}
	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v == 0 || v > 4095)
		return -EINVAL;
	*out = (int)v;
	return 0;
}

int lk_policy_constant(const char *s, uint64_t *out)
{
	return lookup(constants, LK_ARRAY_SIZE(constants), s, out);
}
