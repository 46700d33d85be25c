/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * userns.c — the workloads' user namespace (userns.h): who uid 0 inside
 * is on the host, this launch's range for uids 1..65535 inside, and the
 * handshake in which a forked child unshares its user namespace while
 * its parent, which has CAP_SETUID in the host's user namespace, writes
 * the maps.
 *
 * Why the parent writes them: a process may map only its own id in a
 * namespace it created (one line); a range needs CAP_SETUID and
 * CAP_SETGID over the parent namespace, in the writer and in the opener
 * of the file.  Peer init is host root and forks every workload, so it
 * is the natural writer; no message to the supervisor, no helper.
 */
#include "launcher/userns.h"

#include "common/cleanup.h"
#include "common/io.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* Per-launch ranges: 4096 slots of 65536 ids from 0x60000000, inside the
 * range systemd leaves to containers (524288..1879048191) and below
 * 2^31 (ping_group_range, tools that read ids as signed). */
#define RANGE_FIRST 0x60000000u
#define RANGE_SLOTS 4096u
#define LOCK_DIR "/run/linkem/uid-ranges"

static const char *env_get(char *const *env, const char *name)
{
	size_t n = strlen(name);

	for (; env && *env; env++)
		if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
			return *env + n + 1;
	return NULL;
}

static bool parse_id(const char *s, unsigned long *out)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return !errno && !*end && *out < 0xffffffffUL;
}

/* The invoking user: sudo's, pkexec's, or ours when we are not root. */
static void pick_root(struct lk_userns *u, char *const *env)
{
	unsigned long v, g;
	struct passwd *pw;

	if (getuid() == 0 && parse_id(env_get(env, "SUDO_UID"), &v) && v) {
		u->root_uid = (uid_t)v;
		if (parse_id(env_get(env, "SUDO_GID"), &g)) {
			u->root_gid = (gid_t)g;
		} else {
			pw = getpwuid(u->root_uid);
			u->root_gid = pw ? pw->pw_gid : (gid_t)v;
		}
		return;
	}
	if (getuid() == 0 && parse_id(env_get(env, "PKEXEC_UID"), &v) && v) {
		u->root_uid = (uid_t)v;
		pw = getpwuid(u->root_uid);
		u->root_gid = pw ? pw->pw_gid : (gid_t)v;
		return;
	}
	if (getuid() != 0) {
		u->root_uid = getuid();
		u->root_gid = getgid();
		return;
	}
	u->root_uid = 65534;
	u->root_gid = 65534;
	u->nobody = true;
}

/* A slot of our own: the first free lock from a place that depends on
 * our pid.  Without the lock directory (not root), the slot of our pid,
 * unlocked. */
static void pick_range(struct lk_userns *u)
{
	unsigned first = (unsigned)getpid() % RANGE_SLOTS;
	struct lk_error ignored;

	u->lockfd = -1;
	u->base = RANGE_FIRST + first * LK_USERNS_SIZE;
	if (lk_mkdir_p(LOCK_DIR, 0755, &ignored) < 0)
		return;
	for (unsigned i = 0; i < RANGE_SLOTS; i++) {
		unsigned slot = (first + i) % RANGE_SLOTS;
		uid_t base = RANGE_FIRST + slot * LK_USERNS_SIZE;
		char path[64];
		int fd;

		snprintf(path, sizeof(path), LOCK_DIR "/%u", (unsigned)base);
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
			  0600);
		if (fd < 0)
			return;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			u->base = base;
			u->lockfd = fd;
			return;
		}
		close(fd);
	}
}

int lk_userns_prepare(struct lk_userns *u, bool host_root,
		      char *const *env, struct lk_error *e)
{
	(void)e;
	*u = (struct lk_userns){.lockfd = -1};
	if (host_root)
		return 0;
	u->enabled = true;
	pick_root(u, env);
	pick_range(u);
	return 0;
}

void lk_userns_release(struct lk_userns *u)
{
	if (u->lockfd >= 0)
		close(u->lockfd); /* the lock file stays, for the next one */
	u->lockfd = -1;
}

int lk_userns_map_text(const struct lk_userns *u, bool uid, char *buf,
		       size_t size)
{
	int n = snprintf(buf, size, "0 %u 1\n1 %u %u\n",
			 uid ? (unsigned)u->root_uid : (unsigned)u->root_gid,
			 (unsigned)u->base + 1, LK_USERNS_SIZE - 1);

	return n < 0 || (size_t)n >= size ? -1 : n;
}

int lk_userns_pair(int sv[2])
{
	return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv);
}

int lk_userns_child(const struct lk_userns *u, int fd, struct lk_error *e)
{
	_cleanup_close_ int s = fd;
	int pdeathsig = 0, err = 0;
	pid_t ppid = getppid();
	char one = 1;
	ssize_t n;

	if (!u->enabled)
		return 0;
	if (prctl(PR_GET_PDEATHSIG, &pdeathsig) < 0)
		pdeathsig = 0;
	if (unshare(CLONE_NEWUSER) < 0)
		return lk_error_errno(e, "unshare the user namespace");
	if (send(s, &one, 1, MSG_NOSIGNAL) != 1)
		return lk_error_errno(e, "user namespace: tell the parent");
	do {
		n = recv(s, &err, sizeof(err), 0);
	} while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(err))
		return lk_error_set(e, EIO,
				    "user namespace: the parent wrote no map");
	if (err)
		return lk_error_set(e, err, "write the user namespace's maps: %s",
				    strerror(err));
	/* Until now the kernel still saw host uid 0 (and host root's
	 * groups): become the namespace's root for real. */
	if (setgroups(0, NULL) < 0)
		return lk_error_errno(e, "setgroups in the user namespace");
	if (setresgid(0, 0, 0) < 0)
		return lk_error_errno(e, "setresgid in the user namespace");
	if (setresuid(0, 0, 0) < 0)
		return lk_error_errno(e, "setresuid in the user namespace");
	/* The credential change cleared the parent-death signal. */
	if (pdeathsig && prctl(PR_SET_PDEATHSIG, pdeathsig) < 0)
		return lk_error_errno(e, "PR_SET_PDEATHSIG");
	if (getppid() != ppid)
		return lk_error_set(e, ESRCH, "the parent died during setup");
	return 0;
}

static int write_map(int procdir, pid_t child, const char *name,
		     const char *text, size_t len)
{
	char path[64];
	_cleanup_close_ int fd = -1;

	snprintf(path, sizeof(path), "%d/%s", (int)child, name);
	fd = openat(procdir, path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len)
		return -errno;
	return 0;
}

int lk_userns_parent(const struct lk_userns *u, int procdir, pid_t child,
		     int fd, struct lk_error *e)
{
	_cleanup_close_ int s = fd;
	char ubuf[96], gbuf[96], one;
	int nu, ng, r = 0;
	ssize_t n;

	if (!u->enabled)
		return 0;
	do {
		n = recv(s, &one, 1, 0);
	} while (n < 0 && errno == EINTR);
	if (n != 1)
		return lk_error_set(e, ESRCH, "the workload ended before its "
					      "user namespace was mapped");
	nu = lk_userns_map_text(u, true, ubuf, sizeof(ubuf));
	ng = lk_userns_map_text(u, false, gbuf, sizeof(gbuf));
	if (nu < 0 || ng < 0)
		r = -EINVAL;
	if (!r)
		r = write_map(procdir, child, "uid_map", ubuf, (size_t)nu);
	if (!r)
		r = write_map(procdir, child, "gid_map", gbuf, (size_t)ng);
	{
		int err = -r;

		(void)!send(s, &err, sizeof(err), MSG_NOSIGNAL);
	}
	if (r < 0)
		return lk_error_set(e, -r, "write the user namespace's maps: %s",
				    strerror(-r));
	return 0;
}
