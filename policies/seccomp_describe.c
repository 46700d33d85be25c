/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * seccomp_describe.c — why a workload died of SIGSYS: the kernel's audit
 * record for a seccomp kill (type=1326), read back from /dev/kmsg.
 * Best effort: needs CAP_SYSLOG (dmesg_restrict) and is rate limited.
 */
#include "policies/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *field(const char *line, const char *key)
{
	size_t n = strlen(key);

	for (const char *p = strstr(line, key); p; p = strstr(p + 1, key))
		if ((p == line || p[-1] == ' ') && p[n] == '=')
			return p + n + 1;
	return NULL;
}

int lk_seccomp_parse_audit_line(const char *line, int *pid, int *syscall_nr,
				long *sig)
{
	const char *p, *s, *g;

	if (!strstr(line, "type=1326"))
		return -ENOENT;
	p = field(line, "pid");
	s = field(line, "syscall");
	g = field(line, "sig");
	if (!p || !s)
		return -ENOENT;
	*pid = atoi(p);
	*syscall_nr = atoi(s);
	*sig = g ? atol(g) : 0;
	return 0;
}

LK_EXPORT int lk_seccomp_describe_kill(int host_pid, char *buf, size_t size)
{
	char rec[8192];
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	int found = -1;
	ssize_t n;

	snprintf(buf, size,
		 "killed by seccomp (SIGSYS): a syscall the "
		 "policy does not allow");
	if (fd < 0)
		return -ENOENT;
	/* Reads return one record each, oldest first; EAGAIN at the end.
	 * The last match wins. */
	for (;;) {
		int pid, nr;
		long sig;

		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue; /* overwritten records: go on */
		if (n <= 0)
			break;
		rec[n] = '\0';
		if (lk_seccomp_parse_audit_line(rec, &pid, &nr, &sig) == 0 &&
		    pid == host_pid && sig == 31)
			found = nr;
	}
	close(fd);
	if (found < 0)
		return -ENOENT;
	char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, found);
	snprintf(buf, size, "killed by seccomp: syscall %d (%s)", found,
		 name ? name : "unknown");
	free(name);
	return 0;
}
