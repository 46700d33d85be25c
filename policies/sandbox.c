/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sandbox.c — preparing a peer's sandbox in the supervisor (lk_sandbox_new)
 * and entering it in the workload right before execve (lk_sandbox_enter).
 * The filesystem view is sandbox_fs.c.
 */
#include "policies/sandbox.h"

#include <cap-ng.h>
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/securebits.h>
#include <pwd.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/error.h"
#include "policies/policy.h"
#include "policies/sandbox_internal.h"

const char *lk_sandbox_policy_name(const struct lk_sandbox *sb)
{
	return sb->policy_name;
}

bool lk_sandbox_has_filter(const struct lk_sandbox *sb)
{
	return sb->prog_len > 0;
}

bool lk_sandbox_may_kill(const struct lk_sandbox *sb)
{
	return sb->may_kill;
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void lk_sandbox_free(struct lk_sandbox *sb)
{
	if (!sb)
		return;
	free(sb->policy_name);
	free(sb->prog);
	free_strv(sb->rw, sb->nrw);
	free_strv(sb->ro, sb->nro);
	free_strv(sb->hide, sb->nhide);
	for (size_t i = 0; i < sb->nbinds; i++) {
		free(sb->binds[i].src);
		free(sb->binds[i].dst);
	}
	free(sb->binds);
	free(sb);
}

static int push(char ***v, size_t *n, char *s, struct lk_error *e)
{
	char **nv;

	if (!s)
		return lk_error_set(e, ENOMEM, "out of memory");
	nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (!nv) {
		free(s);
		return lk_error_set(e, ENOMEM, "out of memory");
	}
	nv[(*n)++] = s;
	*v = nv;
	return 0;
}

int lk_sandbox_parse_cap(const char *text, int *cap, struct lk_error *e)
{
	char name[64];
	size_t i;
	const char *s = text;
	int c;

	if (strncasecmp(s, "cap_", 4) == 0)
		s += 4;
	for (i = 0; s[i] && i + 1 < sizeof(name); i++)
		name[i] = (char)tolower((unsigned char)s[i]);
	name[i] = '\0';
	c = s[i] ? -1 : capng_name_to_capability(name);
	if (c < 0 || c > CAP_LAST_CAP)
		return lk_error_set(e, EINVAL,
				    "--cap: unknown capability '%s' "
				    "(expected a name like NET_ADMIN)",
				    text);
	*cap = c;
	return 0;
}

static int parse_id(const char *s, unsigned long *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoul(s, &end, 10);
	if (errno || *end || *out >= 0xffffffffUL)
		return -EINVAL;
	return 0;
}

/* UID[:GID], numbers or names.  A user without :GID gets its passwd
 * group, or the group numbered like it (never group 0 by accident). */
int lk_sandbox_parse_user(const char *text, uid_t *uid, gid_t *gid,
			  struct lk_error *e)
{
	_cleanup_free_ char *copy = strdup(text);
	char *colon;
	unsigned long v;
	struct passwd *pw;
	struct group *gr;

	if (!copy)
		return lk_error_set(e, ENOMEM, "out of memory");
	colon = strchr(copy, ':');
	if (colon)
		*colon++ = '\0';
	if (!*copy || (colon && !*colon))
		return lk_error_set(e, EINVAL,
				    "--user: bad value '%s' (expected "
				    "UID[:GID])",
				    text);
	if (parse_id(copy, &v) == 0) {
		*uid = (uid_t)v;
		pw = getpwuid(*uid);
		*gid = pw ? pw->pw_gid : (gid_t)v;
	} else {
		pw = getpwnam(copy);
		if (!pw)
			return lk_error_set(e, EINVAL,
					    "--user: unknown user '%s'", copy);
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
	}
	if (colon) {
		if (parse_id(colon, &v) == 0) {
			*gid = (gid_t)v;
		} else {
			gr = getgrnam(colon);
			if (!gr)
				return lk_error_set(e, EINVAL,
						    "--user: unknown group "
						    "'%s'",
						    colon);
			*gid = gr->gr_gid;
		}
	}
	return 0;
}

/* Inside a peer these are fresh and private: the host's paths below
 * them cannot be reached any more when lk_sandbox_fs runs. */
static const char *private_top(const char *path)
{
	static const char *const tops[] = {"/tmp", "/run", "/dev", "/proc",
					   "/sys"};

	for (size_t i = 0; i < LK_ARRAY_SIZE(tops); i++) {
		size_t n = strlen(tops[i]);

		if (strncmp(path, tops[i], n) == 0 &&
		    (path[n] == '\0' || path[n] == '/'))
			return tops[i];
	}
	return NULL;
}

static int resolve_path(const char *opt, const char *text, char **out,
			struct stat *st, struct lk_error *e)
{
	char *r = realpath(text, NULL);
	const char *top;

	if (!r)
		return lk_error_errno(e, "%s: '%s'", opt, text);
	top = private_top(r);
	if (top) {
		free(r);
		return lk_error_set(e, EINVAL,
				    "%s: '%s': %s is private to each peer "
				    "(use a directory elsewhere, e.g. "
				    "/var/tmp)",
				    opt, text, top);
	}
	if (stat(r, st) < 0) {
		int code = errno;
		free(r);
		return lk_error_set(e, code, "%s: '%s': %s", opt, text,
				    strerror(code));
	}
	*out = r;
	return 0;
}

static int prepare_paths(struct lk_sandbox *sb, const struct lk_options *o,
			 struct lk_error *e)
{
	struct stat st, st2;
	char *p;
	int r;

	for (size_t i = 0; i < o->rw.n; i++) {
		r = resolve_path("--rw", o->rw.v[i], &p, &st, e);
		if (r < 0 || (r = push(&sb->rw, &sb->nrw, p, e)) < 0)
			return r;
	}
	for (size_t i = 0; i < o->ro.n; i++) {
		r = resolve_path("--ro", o->ro.v[i], &p, &st, e);
		if (r < 0 || (r = push(&sb->ro, &sb->nro, p, e)) < 0)
			return r;
	}
	for (size_t i = 0; i < o->binds.n; i++) {
		const char *spec = o->binds.v[i];
		const char *colon = strchr(spec, ':');
		_cleanup_free_ char *src = NULL;
		struct lk_bind *nb;
		char *a, *b;

		if (!colon || colon == spec || !colon[1] ||
		    strchr(colon + 1, ':'))
			return lk_error_set(e, EINVAL,
					    "--bind: bad value '%s' (expected "
					    "SRC:DST)",
					    spec);
		src = strndup(spec, (size_t)(colon - spec));
		if (!src)
			return lk_error_set(e, ENOMEM, "out of memory");
		r = resolve_path("--bind", src, &a, &st, e);
		if (r < 0)
			return r;
		r = resolve_path("--bind", colon + 1, &b, &st2, e);
		if (r < 0) {
			free(a);
			return lk_error_wrap(e, "target must exist");
		}
		if (S_ISDIR(st.st_mode) != S_ISDIR(st2.st_mode)) {
			free(a);
			free(b);
			return lk_error_set(e, EINVAL,
					    "--bind: '%s': a directory and a "
					    "file cannot be bound on each "
					    "other",
					    spec);
		}
		nb = realloc(sb->binds, (sb->nbinds + 1) * sizeof(*nb));
		if (!nb) {
			free(a);
			free(b);
			return lk_error_set(e, ENOMEM, "out of memory");
		}
		sb->binds = nb;
		sb->binds[sb->nbinds++] = (struct lk_bind){a, b};
	}
	return 0;
}

/* Compile the policy into a BPF program kept in memory: the workload then
 * loads it with one seccomp() call, allocating nothing. */
static int prepare_filter(struct lk_sandbox *sb, const char *policy,
			  struct lk_error *e)
{
	struct lk_policy p;
	void *filter = NULL;
	_cleanup_close_ int fd = -1;
	struct stat st;
	int r;

	lk_policy_init(&p);
	r = lk_policy_load(&p, policy, e);
	if (r == 0)
		r = lk_policy_compile(&p, &filter, e);
	sb->may_kill =
	    p.def == LK_ACT_KILL || (p.foreign_set && p.foreign == LK_ACT_KILL);
	for (size_t i = 0; i < p.n; i++)
		if (p.rules[i].act == LK_ACT_KILL)
			sb->may_kill = true;
	lk_policy_free(&p);
	if (r < 0)
		return lk_error_wrap(e, "--policy");
	if (!filter)
		return 0;
	fd = memfd_create("linkem-seccomp", MFD_CLOEXEC);
	if (fd < 0) {
		lk_policy_filter_free(filter);
		return lk_error_errno(e, "memfd_create");
	}
	r = seccomp_export_bpf(filter, fd);
	lk_policy_filter_free(filter);
	if (r < 0)
		return lk_error_set(e, -r, "export the seccomp filter: %s",
				    strerror(-r));
	if (fstat(fd, &st) < 0)
		return lk_error_errno(e, "fstat seccomp filter");
	if (st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) ||
	    st.st_size / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return lk_error_set(e, E2BIG,
				    "the seccomp filter has a bad size (%lld "
				    "bytes)",
				    (long long)st.st_size);
	sb->prog = malloc((size_t)st.st_size);
	if (!sb->prog)
		return lk_error_set(e, ENOMEM, "out of memory");
	if (pread(fd, sb->prog, (size_t)st.st_size, 0) != st.st_size)
		return lk_error_errno(e, "read the seccomp filter");
	sb->prog_len = (size_t)st.st_size / sizeof(struct sock_filter);
	return 0;
}

int lk_sandbox_new(const struct lk_options *o, struct lk_sandbox **out,
		   struct lk_error *e)
{
	struct lk_sandbox *sb = calloc(1, sizeof(*sb));
	const char *policy = o->policy ? o->policy : "default";
	int r;

	*out = NULL;
	if (!sb)
		return lk_error_set(e, ENOMEM, "out of memory");
	sb->shm_size = o->tmp_size;
	sb->policy_name = strdup(policy);
	if (!sb->policy_name) {
		r = lk_error_set(e, ENOMEM, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < o->caps.n; i++) {
		int cap;

		r = lk_sandbox_parse_cap(o->caps.v[i], &cap, e);
		if (r < 0)
			goto fail;
		sb->keep |= 1ULL << cap;
	}
	if (o->user) {
		r = lk_sandbox_parse_user(o->user, &sb->uid, &sb->gid, e);
		if (r < 0)
			goto fail;
		sb->user_set = true;
	}
	r = prepare_paths(sb, o, e);
	if (r < 0)
		goto fail;
	r = prepare_filter(sb, policy, e);
	if (r < 0)
		goto fail;
	*out = sb;
	return 0;
fail:
	lk_sandbox_free(sb);
	return r;
}

int lk_sandbox_hide(struct lk_sandbox *sb, const char *path, struct lk_error *e)
{
	if (path[0] != '/')
		return lk_error_set(e, EINVAL, "hide '%s': not absolute", path);
	return push(&sb->hide, &sb->nhide, strdup(path), e);
}

LK_EXPORT int lk_policy_check_file(const char *path, struct lk_error *e)
{
	struct lk_policy p;
	void *filter = NULL;
	int r;

	lk_policy_init(&p);
	r = lk_policy_load(&p, path, e);
	if (r == 0)
		r = lk_policy_compile(&p, &filter, e);
	lk_policy_filter_free(filter);
	lk_policy_free(&p);
	return r;
}

/* ---- in the workload, right before execve ----------------------------- */

static int set_caps(const struct lk_sandbox *sb, capng_select_t which,
		    struct lk_error *e)
{
	int r;

	capng_clear(CAPNG_SELECT_ALL);
	for (int c = 0; c <= CAP_LAST_CAP; c++) {
		if (!(sb->keep & (1ULL << c)))
			continue;
		r = capng_update(CAPNG_ADD,
				 CAPNG_EFFECTIVE | CAPNG_PERMITTED |
				     CAPNG_INHERITABLE | CAPNG_BOUNDING_SET |
				     CAPNG_AMBIENT,
				 (unsigned)c);
		if (r < 0)
			return lk_error_set(
			    e, EINVAL, "capng_update(%s) failed",
			    capng_capability_to_name((unsigned)c));
	}
	r = capng_apply(which);
	if (r < 0)
		return lk_error_set(e, EPERM,
				    "capng_apply(%s) failed (libcap-ng code "
				    "%d)",
				    which == CAPNG_SELECT_BOUNDS    ? "bounding"
				    : which == CAPNG_SELECT_AMBIENT ? "ambient"
								    : "caps",
				    r);
	return 0;
}

int lk_sandbox_enter(const struct lk_sandbox *sb, struct lk_error *e)
{
	int pdeathsig = 0;
	pid_t ppid = getppid();
	int r;

	if (prctl(PR_GET_PDEATHSIG, &pdeathsig) < 0)
		pdeathsig = 0;

	/* 1. Bounding set: needs CAP_SETPCAP, so first, while we have it. */
	r = set_caps(sb, CAPNG_SELECT_BOUNDS, e);
	if (r < 0)
		return lk_error_wrap(e, "drop the bounding set");

	/* 2. Root is not special any more, for good: an execve by uid 0 (or
	 * of a setuid-root file) grants nothing; only the ambient set
	 * carries --cap across execve.  KEEP_CAPS is set only when --cap
	 * must survive the --user change below (execve clears it); it is
	 * not locked: ping and others call PR_SET_KEEPCAPS and fail hard
	 * when refused. */
	if (prctl(PR_SET_SECUREBITS,
		  SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
		      SECBIT_NO_SETUID_FIXUP_LOCKED |
		      (sb->keep && sb->user_set ? SECBIT_KEEP_CAPS : 0),
		  0, 0, 0) < 0)
		return lk_error_errno(e, "set securebits");

	/* 3. --user.  Leaving uid 0 clears the effective set (and the
	 * permitted set unless KEEP_CAPS): step 4 only shrinks what is
	 * left. */
	if (sb->user_set) {
		gid_t g = sb->gid;

		if (setgroups(1, &g) < 0)
			return lk_error_errno(e, "setgroups(%u)", g);
		if (setresgid(g, g, g) < 0)
			return lk_error_errno(e, "setresgid(%u)", g);
		if (setresuid(sb->uid, sb->uid, sb->uid) < 0)
			return lk_error_errno(e, "setresuid(%u)", sb->uid);
		/* The credential change cleared the parent-death signal. */
		if (pdeathsig && prctl(PR_SET_PDEATHSIG, pdeathsig) < 0)
			return lk_error_errno(e, "PR_SET_PDEATHSIG");
		if (getppid() != ppid)
			return lk_error_set(e, ESRCH,
					    "the parent died during setup");
	}

	/* 4. Effective, permitted, inheritable: only --cap. */
	r = set_caps(sb, CAPNG_SELECT_CAPS, e);
	if (r < 0)
		return lk_error_wrap(e, "drop capabilities");
	/* 5. Ambient: --cap, so that they survive execve. */
	r = set_caps(sb, CAPNG_SELECT_AMBIENT, e);
	if (r < 0)
		return lk_error_wrap(e, "set ambient capabilities");

	/* 6. No privilege from execve ever again (setuid bits, file caps). */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return lk_error_errno(e, "PR_SET_NO_NEW_PRIVS");

	/* 7. The filter, last. */
	if (sb->prog_len) {
		struct sock_fprog prog = {
		    .len = (unsigned short)sb->prog_len,
		    .filter = sb->prog,
		};

		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
			return lk_error_errno(e,
					      "load the seccomp filter "
					      "'%s'",
					      sb->policy_name);
	}
	return 0;
}
