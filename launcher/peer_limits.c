/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * peer_limits.c — --memory, --pids and --cpus: one cgroup per peer.
 *
 * Where the supervisor's cgroup is on a cgroup2 hierarchy with the
 * memory, pids and cpu controllers, each peer gets <own>/linkem-<pid>/
 * peerI there (or under the root when the supervisor's own cgroup has
 * processes and so cannot delegate: cgroup2's "no internal processes");
 * else, with the cgroup v1 controllers, <ctrl>/<own>/linkem-<pid>/peerI
 * in each of the memory, pids and cpu hierarchies.  The supervisor
 * creates them before a peer runs and moves the peer's init into them
 * before "go": everything the peer starts is in.  tmpfs pages (its /tmp,
 * /dev/shm) are charged to the memory cgroup of who writes them.
 *
 * Without cgroups, rlimits on init (inherited by all it starts):
 * RLIMIT_AS caps each process's address space, not the peer's sum;
 * RLIMIT_NPROC counts every process of the peer's real uid on the host
 * and does not bind root; --cpus has none.  A notice says so.
 *
 * The directories are removed at the end of the launch.  When the
 * supervisor is SIGKILLed, its peers die with it (PR_SET_PDEATHSIG) and a
 * janitor process, forked when the directories are made, sees its pipe
 * close and removes them once they are empty.
 */
#include "launcher/supervisor.h"

#include "common/error.h"
#include "common/io.h"
#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const ctrl_names[LK_CG_NCTRL] = {"memory", "pids", "cpu"};

static bool wants_limits(const struct lk_options *o)
{
	return o->memory || o->pids || o->cpu_milli;
}

static int write_str(const char *dir, const char *file, const char *val)
{
	char path[PATH_MAX];
	int fd, r = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		r = -errno;
	close(fd);
	return r;
}

/* The value after "key " in a flat keyed file (memory.events, ...). */
static uint64_t read_key(const char *dir, const char *file, const char *key)
{
	char path[PATH_MAX], line[256];
	size_t klen = strlen(key);
	uint64_t v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
			v = strtoull(line + klen + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* The supervisor's own cgroup path in the hierarchy whose /proc/self/
 * cgroup line has controller list `ctrl` ("" for cgroup2's "0::"). */
static bool own_cgroup(const char *ctrl, char *out, size_t size)
{
	char line[PATH_MAX];
	bool found = false;
	FILE *f = fopen("/proc/self/cgroup", "re");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *list = strchr(line, ':'), *path;

		if (!list || !(path = strchr(list + 1, ':')))
			continue;
		*path++ = '\0';
		list++;
		path[strcspn(path, "\n")] = '\0';
		if (*ctrl == '\0') {
			found = *list == '\0';
		} else {
			for (char *t = strtok(list, ","); t && !found;
			     t = strtok(NULL, ","))
				found = strcmp(t, ctrl) == 0;
		}
		if (found)
			snprintf(out, size, "%s", strcmp(path, "/") ? path : "");
	}
	fclose(f);
	return found;
}

static bool has_controllers(const char *dir)
{
	char path[PATH_MAX], line[512];
	bool ok = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/cgroup.controllers", dir);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (fgets(line, sizeof(line), f)) {
		int found = 0;

		for (char *t = strtok(line, " \n"); t; t = strtok(NULL, " \n"))
			for (int c = 0; c < LK_CG_NCTRL; c++)
				found += strcmp(t, ctrl_names[c]) == 0;
		ok = found == LK_CG_NCTRL;
	}
	fclose(f);
	return ok;
}

/* cgroup2: <own>/linkem-<pid>, with the controllers for its children. */
static bool try_v2(struct lk_launch *l)
{
	static const char enable[] = "+memory +pids +cpu";
	char own[256], dir[320];
	const char *root = "/sys/fs/cgroup";

	if (!own_cgroup("", own, sizeof(own)))
		return false;
	for (int attempt = 0; attempt < 2; attempt++) {
		/* First the supervisor's own cgroup, then the root. */
		const char *base = attempt == 0 ? own : "";

		snprintf(dir, sizeof(dir), "%s%s", root, base);
		if (!has_controllers(dir))
			continue;
		if (write_str(dir, "cgroup.subtree_control", enable) < 0)
			continue;
		snprintf(l->cg_dir[0], sizeof(l->cg_dir[0]), "%s/linkem-%d",
			 dir, (int)getpid());
		if (mkdir(l->cg_dir[0], 0755) < 0)
			continue;
		if (write_str(l->cg_dir[0], "cgroup.subtree_control", enable) <
		    0) {
			rmdir(l->cg_dir[0]);
			continue;
		}
		for (int c = 1; c < LK_CG_NCTRL; c++)
			memcpy(l->cg_dir[c], l->cg_dir[0], sizeof(l->cg_dir[0]));
		l->cg_kind = 2;
		return true;
	}
	return false;
}

/* cgroup v1: <mount of ctrl>/<own>/linkem-<pid> in each hierarchy. */
static bool try_v1(struct lk_launch *l)
{
	for (int c = 0; c < LK_CG_NCTRL; c++) {
		char own[256];

		if (!own_cgroup(ctrl_names[c], own, sizeof(own)))
			goto undo;
		snprintf(l->cg_dir[c], sizeof(l->cg_dir[c]),
			 "/sys/fs/cgroup/%s%s/linkem-%d", ctrl_names[c], own,
			 (int)getpid());
		if (mkdir(l->cg_dir[c], 0755) < 0 && errno != EEXIST)
			goto undo;
		continue;
	undo:
		for (int k = 0; k <= c; k++) {
			if (l->cg_dir[k][0])
				rmdir(l->cg_dir[k]);
			l->cg_dir[k][0] = '\0';
		}
		return false;
	}
	l->cg_kind = 1;
	return true;
}

static void peer_dir(const struct lk_launch *l, int c, unsigned id, char *out,
		     size_t size)
{
	snprintf(out, size, "%s/peer%u", l->cg_dir[c], id);
}

/* Remove what is there (rmdir only takes empty cgroups); true when
 * nothing is left. */
static bool remove_dirs(const struct lk_launch *l, unsigned n)
{
	bool gone = true;

	for (int c = 0; c < LK_CG_NCTRL; c++) {
		char path[LK_CG_PATH + 16];

		if (!l->cg_dir[c][0] || (c > 0 && l->cg_kind == 2))
			continue;
		for (unsigned id = 1; id <= n; id++) {
			peer_dir(l, c, id, path, sizeof(path));
			if (rmdir(path) < 0 && errno != ENOENT)
				gone = false;
		}
		if (rmdir(l->cg_dir[c]) < 0 && errno != ENOENT)
			gone = false;
	}
	return gone;
}

/* A process of its own that outlives a SIGKILLed supervisor: when the
 * pipe's last writer is gone (the supervisor, and the inits that die
 * with it), it removes the directories, waiting up to 10 s for the
 * peers' processes to leave them. */
static void fork_janitor(struct lk_launch *l)
{
	int pfd[2];
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		if (fork() != 0)
			_exit(0);
		/* The grandchild: reparented, never the supervisor's to
		 * reap. */
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		char c;

		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		lk_close_from(3, &pfd[0], 1);
		prctl(PR_SET_NAME, "linkem-cgclean");
		while (read(pfd[0], &c, 1) != 0 && errno == EINTR)
			;
		for (int i = 0; i < 200 && !remove_dirs(l, l->plan.n); i++)
			usleep(50000);
		_exit(0);
	}
	close(pfd[0]);
	if (pid < 0) {
		close(pfd[1]);
		return;
	}
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	l->cg_janitor = pfd[1];
}

int lk_limits_prepare(struct lk_launch *l, struct lk_error *e)
{
	(void)e;
	if (!wants_limits(&l->opts))
		return 0;
	if (!try_v2(l) && !try_v1(l)) {
		lk_log(LK_LOG_NOTICE,
		       "notice: no cgroup with the memory, pids and cpu "
		       "controllers: limits are rlimits of each process "
		       "(--memory: RLIMIT_AS per process, --pids: RLIMIT_NPROC "
		       "of the peer's user, --cpus: none)");
		return 0;
	}
	fork_janitor(l);
	return 0;
}

static int set_limits(const struct lk_launch *l, unsigned id,
		      struct lk_error *e)
{
	const struct lk_options *o = &l->opts;
	char dir[LK_CG_NCTRL][LK_CG_PATH + 16], v[64];
	int r = 0;

	for (int c = 0; c < LK_CG_NCTRL; c++) {
		peer_dir(l, c, id, dir[c], sizeof(dir[c]));
		if ((c == 0 || l->cg_kind == 1) && mkdir(dir[c], 0755) < 0 &&
		    errno != EEXIST)
			return lk_error_errno(e, "create cgroup '%s'", dir[c]);
	}
	if (o->memory) {
		snprintf(v, sizeof(v), "%" PRIu64, o->memory);
		if (l->cg_kind == 2) {
			r = write_str(dir[0], "memory.max", v);
			/* No swap beyond the limit (when swap is
			 * accounted at all). */
			(void)write_str(dir[0], "memory.swap.max", "0");
		} else {
			r = write_str(dir[0], "memory.limit_in_bytes", v);
			(void)write_str(dir[0], "memory.memsw.limit_in_bytes",
					v);
		}
		if (r < 0)
			return lk_error_set(e, r, "set the memory limit of "
						  "peer%u: %s",
					    id, strerror(-r));
	}
	if (o->pids) {
		snprintf(v, sizeof(v), "%" PRIu64, o->pids);
		r = write_str(dir[1], "pids.max", v);
		if (r < 0)
			return lk_error_set(e, r, "set the pids limit of "
						  "peer%u: %s",
					    id, strerror(-r));
	}
	if (o->cpu_milli) {
		unsigned quota = o->cpu_milli * 100; /* of 100 ms */

		if (l->cg_kind == 2) {
			snprintf(v, sizeof(v), "%u 100000", quota);
			r = write_str(dir[2], "cpu.max", v);
		} else {
			(void)write_str(dir[2], "cpu.cfs_period_us", "100000");
			snprintf(v, sizeof(v), "%u", quota);
			r = write_str(dir[2], "cpu.cfs_quota_us", v);
		}
		if (r < 0)
			return lk_error_set(e, r, "set the CPU limit of "
						  "peer%u: %s",
					    id, strerror(-r));
	}
	snprintf(v, sizeof(v), "%d", (int)l->peers[id - 1].pid);
	for (int c = 0; c < LK_CG_NCTRL; c++) {
		if (c > 0 && l->cg_kind == 2)
			break;
		r = write_str(dir[c], "cgroup.procs", v);
		if (r < 0)
			return lk_error_set(e, r, "move peer%u into '%s': %s",
					    id, dir[c], strerror(-r));
	}
	return 0;
}

static void set_rlimits(const struct lk_launch *l, unsigned id)
{
	const struct lk_options *o = &l->opts;
	pid_t pid = l->peers[id - 1].pid;

	if (o->memory) {
		struct rlimit rl = {o->memory, o->memory};

		(void)prlimit(pid, RLIMIT_AS, &rl, NULL);
	}
	if (o->pids) {
		struct rlimit rl = {o->pids, o->pids};

		(void)prlimit(pid, RLIMIT_NPROC, &rl, NULL);
	}
}

int lk_limits_join(struct lk_launch *l, unsigned idx, struct lk_error *e)
{
	if (!wants_limits(&l->opts))
		return 0;
	if (l->cg_kind == 0) {
		set_rlimits(l, idx + 1);
		return 0;
	}
	return set_limits(l, idx + 1, e);
}

static void size_text(uint64_t b, char *out, size_t size)
{
	if (b >= (1ull << 30) && b % (1ull << 30) == 0)
		snprintf(out, size, "%" PRIu64 " GiB", b >> 30);
	else if (b >= (1ull << 20))
		snprintf(out, size, "%" PRIu64 " MiB", b >> 20);
	else
		snprintf(out, size, "%" PRIu64 " KiB", b >> 10);
}

static uint64_t oom_kills(const struct lk_launch *l, unsigned id)
{
	char dir[LK_CG_PATH + 16];

	peer_dir(l, 0, id, dir, sizeof(dir));
	return read_key(dir, l->cg_kind == 2 ? "memory.events"
					     : "memory.oom_control",
			"oom_kill");
}

void lk_limits_workload_killed(struct lk_launch *l, struct lk_peer *p)
{
	char size[32];
	uint64_t n;

	if (l->cg_kind == 0 || !l->opts.memory)
		return;
	n = oom_kills(l, p->id);
	if (n <= p->oom_seen)
		return;
	p->oom_seen = n;
	size_text(l->opts.memory, size, sizeof(size));
	snprintf(p->note, sizeof(p->note), "killed by the memory limit (%s)",
		 size);
}

void lk_limits_collect(struct lk_launch *l)
{
	for (unsigned i = 0; i < l->plan.n && l->cg_kind; i++) {
		struct lk_peer *p = &l->peers[i];
		char dir[LK_CG_PATH + 16], size[32];
		uint64_t oom = 0, pmax = 0;
		size_t used = 0;

		if (l->opts.memory) {
			size_text(l->opts.memory, size, sizeof(size));
			oom = oom_kills(l, p->id);
			/* The kernel counts a kill just after its signal:
			 * a SIGKILL told before the count is seen here. */
			if (oom > p->oom_seen && p->signaled &&
			    p->status == SIGKILL && !p->note[0]) {
				p->oom_seen++;
				snprintf(p->note, sizeof(p->note),
					 "killed by the memory limit (%s)",
					 size);
			}
			/* The workload's own kill is its note already. */
			oom = oom > p->oom_seen ? oom - p->oom_seen : 0;
		}
		if (l->opts.pids) {
			peer_dir(l, 1, p->id, dir, sizeof(dir));
			pmax = read_key(dir, "pids.events", "max");
		}
		p->limits_note[0] = '\0';
		if (oom)
			used += (size_t)snprintf(
			    p->limits_note, sizeof(p->limits_note),
			    "the memory limit (%s) killed %" PRIu64
			    "%s process%s",
			    size, oom, p->oom_seen ? " more" : "",
			    oom == 1 ? "" : "es");
		if (pmax && used < sizeof(p->limits_note))
			snprintf(p->limits_note + used,
				 sizeof(p->limits_note) - used,
				 "%sthe pids limit (%" PRIu64
				 ") refused %" PRIu64 " fork%s",
				 used ? "; " : "", l->opts.pids, pmax,
				 pmax == 1 ? "" : "s");
	}
}

void lk_limits_remove(struct lk_launch *l)
{
	if (l->cg_kind)
		(void)remove_dirs(l, l->plan.n);
	l->cg_kind = 0;
	if (l->cg_janitor >= 0)
		close(l->cg_janitor);
	l->cg_janitor = -1;
}

LK_EXPORT const char *lk_launch_peer_limits(const struct lk_launch *l,
					    unsigned id)
{
	if (!l->peers || id < 1 || id > l->plan.n)
		return NULL;
	return l->peers[id - 1].limits_note[0] ? l->peers[id - 1].limits_note
					       : NULL;
}
