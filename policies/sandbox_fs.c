/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sandbox_fs.c — the peer's view of the host's files (lk_sandbox_fs).
 *
 * uid 0 without capabilities still owns root's files, so the view must be
 * read-only: every mount gets MOUNT_ATTR_RDONLY | NOSUID | NODEV at once
 * (mount_setattr with AT_RECURSIVE: atomic, and it leaves each mount's
 * other flags — atime, noexec, locked ones — as they are).  Then the
 * exceptions are made writable again: /tmp, /proc, --rw, --bind targets.
 *
 * /dev is replaced by a minimal read-only tmpfs: a host /dev would hand
 * out its disks (device writes ignore read-only mounts), its terminals
 * and its shared memory.  Its nodes are bind mounts of the host's
 * null, zero, full, random, urandom and tty; devpts, /dev/shm and
 * /dev/mqueue are fresh instances.  /run becomes an empty private tmpfs
 * (it holds the host's sockets; a read-only mount does not stop
 * connect() on a socket file).
 */
#include "policies/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/error.h"
#include "policies/sandbox_internal.h"

#define RO_FLAGS (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV)

static int setattr(const char *path, bool recursive, uint64_t set, uint64_t clr,
		   struct lk_error *e)
{
	struct mount_attr a = {.attr_set = set, .attr_clr = clr};

	if (mount_setattr(AT_FDCWD, path, recursive ? AT_RECURSIVE : 0, &a,
			  sizeof(a)) < 0) {
		if (errno == ENOSYS)
			return lk_error_set(e, ENOSYS,
					    "mount_setattr: not supported "
					    "(Linux >= 5.12 is needed)");
		return lk_error_errno(e, "mount_setattr %s", path);
	}
	return 0;
}

static int bind_rec(const char *src, const char *dst, struct lk_error *e)
{
	if (mount(src, dst, NULL, MS_BIND | MS_REC, NULL) < 0)
		return lk_error_errno(e, "bind %s on %s", src, dst);
	return 0;
}

/* A read-only bind of a path on itself. */
static int bind_ro(const char *path, struct lk_error *e)
{
	int r = bind_rec(path, path, e);

	return r < 0 ? r : setattr(path, true, RO_FLAGS, 0, e);
}

/* Cover a path: /dev/null over a file, an empty read-only tmpfs over a
 * directory.  Missing paths are left alone. */
static int cover(const char *path, struct lk_error *e)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : lk_error_errno(e, "%s", path);
	if (S_ISDIR(st.st_mode)) {
		if (mount("tmpfs", path, "tmpfs",
			  MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			  "mode=0555,size=4k,nr_inodes=1") < 0)
			return lk_error_errno(e, "hide %s", path);
		return 0;
	}
	if (S_ISLNK(st.st_mode))
		return 0;
	if (mount("/dev/null", path, NULL, MS_BIND, NULL) < 0)
		return lk_error_errno(e, "hide %s", path);
	return 0;
}

static int touch(const char *path, struct lk_error *e)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0666);

	if (fd < 0)
		return lk_error_errno(e, "create %s", path);
	close(fd);
	return 0;
}

static int setup_dev(uint64_t shm_size, struct lk_error *e)
{
	char shm_opts[64] = "mode=1777";
	static const char *const nodes[] = {"null",   "zero",	 "full",
					    "random", "urandom", "tty"};
	static const char *const links[][2] = {
	    {"fd", "/proc/self/fd"},	   {"stdin", "/proc/self/fd/0"},
	    {"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"},
	    {"ptmx", "pts/ptmx"},
	};
	_cleanup_close_ int host =
	    open("/dev", O_PATH | O_DIRECTORY | O_CLOEXEC);
	char src[64], dst[64];
	struct stat st;
	int r;

	if (host < 0)
		return lk_error_errno(e, "open /dev");
	if (mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC,
		  "mode=0755,size=64k,nr_inodes=64") < 0)
		return lk_error_errno(e, "mount a tmpfs on /dev");
	for (size_t i = 0; i < LK_ARRAY_SIZE(nodes); i++) {
		if (fstatat(host, nodes[i], &st, 0) < 0 || !S_ISCHR(st.st_mode))
			continue;
		snprintf(dst, sizeof(dst), "/dev/%s", nodes[i]);
		snprintf(src, sizeof(src), "/proc/self/fd/%d/%s", host,
			 nodes[i]);
		r = touch(dst, e);
		if (r < 0)
			return r;
		if (mount(src, dst, NULL, MS_BIND, NULL) < 0)
			return lk_error_errno(e, "bind the host's /dev/%s",
					      nodes[i]);
	}
	for (size_t i = 0; i < LK_ARRAY_SIZE(links); i++) {
		snprintf(dst, sizeof(dst), "/dev/%s", links[i][0]);
		if (symlink(links[i][1], dst) < 0)
			return lk_error_errno(e, "symlink %s", dst);
	}
	if (mkdir("/dev/pts", 0755) < 0 || mkdir("/dev/shm", 01777) < 0 ||
	    chmod("/dev/shm", 01777) < 0 || mkdir("/dev/mqueue", 0755) < 0)
		return lk_error_errno(e, "populate /dev");
	if (mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=0620") < 0)
		return lk_error_errno(e, "mount devpts on /dev/pts");
	/* Capped (--tmp-size): its pages count against the peer's memory
	 * limit too, where there is one. */
	if (shm_size)
		snprintf(shm_opts, sizeof(shm_opts), "mode=1777,size=%llu",
			 (unsigned long long)shm_size);
	if (mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV,
		  shm_opts) < 0)
		return lk_error_errno(e, "mount a tmpfs on /dev/shm");
	/* The peer's own IPC namespace; optional (CONFIG_POSIX_MQUEUE). */
	(void)mount("mqueue", "/dev/mqueue", "mqueue",
		    MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	return 0;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int lk_sandbox_fs(const struct lk_sandbox *sb, struct lk_error *e)
{
	/* Read-only inside a writable /proc: what changes the host. */
	static const char *const proc_ro[] = {
	    "/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus",
	    "/proc/fs",
	};
	static const char *const proc_hide[] = {
	    "/proc/kcore",	"/proc/keys",	     "/proc/key-users",
	    "/proc/timer_list", "/proc/sched_debug", "/proc/latency_stats",
	    "/proc/scsi",	"/proc/acpi",	     "/proc/kmsg",
	};
	int r;

	if (access("/proc/self/fd", F_OK) < 0)
		return lk_error_errno(e, "sandbox: /proc must be mounted "
					 "first");

	/* 1. The writable exceptions become mounts of their own. */
	for (size_t i = 0; i < sb->nrw; i++)
		if ((r = bind_rec(sb->rw[i], sb->rw[i], e)) < 0)
			return r;
	for (size_t i = 0; i < sb->nbinds; i++)
		if ((r = bind_rec(sb->binds[i].src, sb->binds[i].dst, e)) < 0)
			return r;

	/* 2. Fresh /dev and /run. */
	r = setup_dev(sb->shm_size, e);
	if (r < 0)
		return lk_error_wrap(e, "sandbox /dev");
	if (is_dir("/run") &&
	    mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV,
		  "mode=0755,size=1m") < 0)
		return lk_error_errno(e, "mount a tmpfs on /run");

	/* 3. Everything read-only, nosuid, nodev, at once. */
	r = setattr("/", true, RO_FLAGS, 0, e);
	if (r < 0)
		return lk_error_wrap(e, "read-only view");

	/* 4. Exceptions.  /dev stays read-only but keeps its devices. */
	if ((r = setattr("/dev", true, 0, MOUNT_ATTR_NODEV, e)) < 0 ||
	    (r = setattr("/dev/pts", false, 0, MOUNT_ATTR_RDONLY, e)) < 0 ||
	    (r = setattr("/dev/shm", false, 0, MOUNT_ATTR_RDONLY, e)) < 0 ||
	    (r = setattr("/run", false, 0, MOUNT_ATTR_RDONLY, e)) < 0 ||
	    (r = setattr("/proc", true, 0, MOUNT_ATTR_RDONLY, e)) < 0)
		return lk_error_wrap(e, "sandbox");
	(void)setattr("/dev/mqueue", false, 0, MOUNT_ATTR_RDONLY, NULL);
	if (is_dir("/tmp") &&
	    (r = setattr("/tmp", true, 0, MOUNT_ATTR_RDONLY, e)) < 0)
		return lk_error_wrap(e, "sandbox");
	for (size_t i = 0; i < sb->nrw; i++)
		if ((r = setattr(sb->rw[i], true, 0, MOUNT_ATTR_RDONLY, e)) < 0)
			return lk_error_wrap(e, "--rw");
	for (size_t i = 0; i < sb->nbinds; i++)
		if ((r = setattr(sb->binds[i].dst, true, 0, MOUNT_ATTR_RDONLY,
				 e)) < 0)
			return lk_error_wrap(e, "--bind");

	/* 5. /proc: the host's knobs read-only, its secrets hidden. */
	for (size_t i = 0; i < LK_ARRAY_SIZE(proc_ro); i++) {
		if (access(proc_ro[i], F_OK) < 0)
			continue;
		if ((r = bind_ro(proc_ro[i], e)) < 0)
			return lk_error_wrap(e, "sandbox /proc");
	}
	for (size_t i = 0; i < LK_ARRAY_SIZE(proc_hide); i++)
		if ((r = cover(proc_hide[i], e)) < 0)
			return lk_error_wrap(e, "sandbox /proc");

	/* 6. --ro inside writable places, then what the launcher hides. */
	for (size_t i = 0; i < sb->nro; i++)
		if ((r = bind_ro(sb->ro[i], e)) < 0)
			return lk_error_wrap(e, "--ro");
	for (size_t i = 0; i < sb->nhide; i++)
		if ((r = cover(sb->hide[i], e)) < 0)
			return r;
	return 0;
}
