/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * policy_parse.c — the seccomp policy line format (docs/policies.md).
 *
 *   # comment
 *   default allow|deny|errno [E]|log
 *   allow|deny|errno|log NAME|@GROUP [ERRNO] [if argN OP VALUE [and ...]]
 *   include NAME|FILE
 *
 * Pure: reads files named by include, touches nothing else.
 */
#include "policies/policy.h"

#include <errno.h>
#include <limits.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/error.h"

#define MAX_INCLUDE_DEPTH 8
/* Bounds on what includes can multiply (docs/policies.md, "Limits"):
 * nested includes of includes grow geometrically (300 x 300 includes of
 * one rule took 33 s to check).  Every text parsed counts (a file or
 * profile included twice counts twice: a later include re-applies its
 * rules, so it is not the same as one), and every rule after groups are
 * expanded: a seccomp filter holds at most 4096 instructions, so a policy
 * with more distinct rules could not load anyway. */
#define MAX_POLICY_TEXTS 256
#define MAX_POLICY_RULES 4096
#define MAX_TOKENS 32

struct ctx {
	struct lk_policy *p;
	const char *file; /* owned by p->files */
	const char *dir;
	unsigned line;
	int depth;
	struct lk_error *e;
};

static int parse_text(struct lk_policy *p, const char *name, const char *dir,
		      const char *text, int depth, struct lk_error *e);

void lk_policy_init(struct lk_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->def = LK_ACT_ALLOW;
}

void lk_policy_free(struct lk_policy *p)
{
	if (!p)
		return;
	free(p->rules);
	for (size_t i = 0; i < p->nfiles; i++)
		free(p->files[i]);
	free(p->files);
	lk_policy_init(p);
}

bool lk_policy_is_empty(const struct lk_policy *p)
{
	if (p->def != LK_ACT_ALLOW)
		return false;
	for (size_t i = 0; i < p->n; i++)
		if (p->rules[i].act != LK_ACT_ALLOW)
			return false;
	return true;
}

/* Bad input, at the file and line it came from. */
#define bad(c, fmt, ...)                                                       \
	lk_error_bad((c)->e, "%s:%u: " fmt, (c)->file, (c)->line,      \
		     ##__VA_ARGS__)

static int parse_action(const char *w, enum lk_action *a)
{
	if (strcmp(w, "allow") == 0)
		*a = LK_ACT_ALLOW;
	else if (strcmp(w, "deny") == 0 || strcmp(w, "kill") == 0)
		*a = LK_ACT_KILL;
	else if (strcmp(w, "errno") == 0)
		*a = LK_ACT_ERRNO;
	else if (strcmp(w, "log") == 0)
		*a = LK_ACT_LOG;
	else
		return -EINVAL;
	return 0;
}

/* VALUE: NUMBER or CONSTANT, joined with '|'. */
static int parse_value(struct ctx *c, const char *w, uint64_t *out)
{
	_cleanup_free_ char *copy = strdup(w);
	char *save = NULL;
	uint64_t v = 0;

	if (!copy)
		return lk_error_set(c->e, ENOMEM, "out of memory");
	if (!*w || w[0] == '|' || w[strlen(w) - 1] == '|' || strstr(w, "||"))
		return bad(c, "bad value '%s'", w);
	for (char *t = strtok_r(copy, "|", &save); t;
	     t = strtok_r(NULL, "|", &save)) {
		uint64_t x;

		if (*t >= '0' && *t <= '9') {
			char *end;

			errno = 0;
			x = strtoull(t, &end, 0);
			if (errno || *end)
				return bad(c, "bad value '%s'", t);
		} else if (lk_policy_constant(t, &x) < 0) {
			return bad(c, "unknown constant '%s'", t);
		}
		v |= x;
	}
	*out = v;
	return 0;
}

static int parse_cmp(const char *w, enum lk_cmp *cmp)
{
	static const struct {
		const char *s;
		enum lk_cmp c;
	} ops[] = {
	    {"==", LK_CMP_EQ}, {"!=", LK_CMP_NE}, {"<", LK_CMP_LT},
	    {"<=", LK_CMP_LE}, {">", LK_CMP_GT},  {">=", LK_CMP_GE},
	};
	for (size_t i = 0; i < LK_ARRAY_SIZE(ops); i++)
		if (strcmp(ops[i].s, w) == 0) {
			*cmp = ops[i].c;
			return 0;
		}
	return -EINVAL;
}

/* argN OP VALUE  |  argN & MASK == VALUE.  Consumes tokens from *i. */
static int parse_cond(struct ctx *c, char **tok, size_t ntok, size_t *i,
		      struct lk_cond *cond)
{
	const char *a = tok[*i];
	int r;

	if (strncmp(a, "arg", 3) != 0 || a[3] < '0' || a[3] > '5' || a[4])
		return bad(c, "expected arg0..arg5, got '%s'", a);
	cond->arg = (unsigned)(a[3] - '0');
	(*i)++;
	if (*i >= ntok)
		return bad(c, "expected an operator after '%s'", a);
	if (strcmp(tok[*i], "&") == 0) {
		(*i)++;
		if (*i >= ntok)
			return bad(c, "expected a mask after '&'");
		r = parse_value(c, tok[*i], &cond->mask);
		if (r < 0)
			return r;
		(*i)++;
		if (*i >= ntok || strcmp(tok[*i], "==") != 0)
			return bad(c, "expected '==' after '%s & %s'", a,
				   tok[*i - 1]);
		cond->cmp = LK_CMP_MASKED_EQ;
	} else if (parse_cmp(tok[*i], &cond->cmp) < 0) {
		return bad(c, "unknown operator '%s'", tok[*i]);
	}
	(*i)++;
	if (*i >= ntok)
		return bad(c, "expected a value after '%s'", tok[*i - 1]);
	r = parse_value(c, tok[*i], &cond->value);
	if (r < 0)
		return r;
	(*i)++;
	return 0;
}

static int push_rule(struct ctx *c, const struct lk_rule *r)
{
	struct lk_policy *p = c->p;

	if (p->n == MAX_POLICY_RULES)
		return bad(c,
			   "more than %d rules (included ones and groups "
			   "counted): a seccomp filter cannot hold them",
			   MAX_POLICY_RULES);
	if (p->n == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 64;
		struct lk_rule *nr = realloc(p->rules, ncap * sizeof(*nr));

		if (!nr)
			return lk_error_set(c->e, ENOMEM, "out of memory");
		p->rules = nr;
		p->cap = ncap;
	}
	p->rules[p->n++] = *r;
	return 0;
}

static int parse_rule(struct ctx *c, enum lk_action act, char **tok,
		      size_t ntok)
{
	struct lk_rule rule = {.act = act, .line = c->line, .file = c->file};
	const char *target;
	int nrs[64];
	int n, r;
	size_t i = 1;

	if (ntok < 2)
		return bad(c, "expected a syscall name or @group after '%s'",
			   tok[0]);
	target = tok[i++];
	if (act == LK_ACT_ERRNO) {
		rule.err = EPERM;
		if (i < ntok && strcmp(tok[i], "if") != 0) {
			if (lk_errno_from_name(tok[i], &rule.err) < 0)
				return bad(c, "unknown errno '%s'", tok[i]);
			i++;
		}
	}
	if (i < ntok) {
		if (strcmp(tok[i], "if") != 0)
			return bad(c, "unexpected '%s' after '%s'", tok[i],
				   tok[i - 1]);
		i++;
		for (;;) {
			if (i >= ntok)
				return bad(c,
					   "expected a condition after "
					   "'%s'",
					   tok[i - 1]);
			if (rule.ncond == LK_POLICY_MAX_CONDS)
				return bad(c, "too many conditions at '%s'",
					   tok[i]);
			r = parse_cond(c, tok, ntok, &i,
				       &rule.cond[rule.ncond]);
			if (r < 0)
				return r;
			for (unsigned k = 0; k < rule.ncond; k++)
				if (rule.cond[k].arg ==
				    rule.cond[rule.ncond].arg)
					return bad(c,
						   "arg%u is tested twice "
						   "(one condition per "
						   "argument)",
						   rule.cond[k].arg);
			rule.ncond++;
			if (i >= ntok)
				break;
			if (strcmp(tok[i], "and") != 0)
				return bad(c, "expected 'and', got '%s'",
					   tok[i]);
			i++;
		}
	}

	if (target[0] == '@') {
		n = lk_syscall_group(target, nrs, LK_ARRAY_SIZE(nrs));
		if (n == -ENOENT)
			return bad(c, "unknown group '%s'", target);
		if (n < 0)
			return lk_error_set(c->e, -n, "group %s", target);
	} else if (target[0] >= '0' && target[0] <= '9') {
		char *end;
		unsigned long v;

		errno = 0;
		v = strtoul(target, &end, 10);
		if (errno || *end || v > 4095)
			return bad(c, "bad syscall number '%s'", target);
		nrs[0] = (int)v;
		n = 1;
	} else {
		nrs[0] = seccomp_syscall_resolve_name(target);
		if (nrs[0] == __NR_SCMP_ERROR)
			return bad(c, "unknown syscall '%s'", target);
		n = 1;
	}
	for (int k = 0; k < n; k++) {
		rule.nr = nrs[k];
		r = push_rule(c, &rule);
		if (r < 0)
			return r;
	}
	return 0;
}

static int read_file(const char *path, char **out, struct lk_error *e)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return lk_error_errno(e, "cannot read policy '%s'", path);
	for (;;) {
		if (cap - len < 4096) {
			char *nb;

			cap = cap ? cap * 2 : 8192;
			if (cap > (1u << 24)) {
				fclose(f);
				return lk_error_set(
				    e, EFBIG, "policy '%s' is too large", path);
			}
			nb = realloc(buf, cap);
			if (!nb) {
				fclose(f);
				return lk_error_set(e, ENOMEM, "out of memory");
			}
			buf = nb;
		}
		size_t k = fread(buf + len, 1, cap - len - 1, f);
		len += k;
		if (k == 0)
			break;
	}
	if (ferror(f)) {
		fclose(f);
		return lk_error_set(e, EIO, "cannot read policy '%s'", path);
	}
	fclose(f);
	if (memchr(buf, '\0', len))
		return lk_error_set(e, EINVAL, "policy '%s' is not a text file",
				    path);
	buf[len] = '\0';
	*out = lk_steal_ptr(buf);
	return 0;
}

static bool looks_like_path(const char *s)
{
	return strchr(s, '/') || strchr(s, '.');
}

static int parse_file(struct lk_policy *p, const char *path, int depth,
		      struct lk_error *e)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_free_ char *dir = strdup(path);
	char *slash;
	int r;

	if (!dir)
		return lk_error_set(e, ENOMEM, "out of memory");
	slash = strrchr(dir, '/');
	if (slash)
		slash[slash == dir ? 1 : 0] = '\0';
	r = read_file(path, &text, e);
	if (r < 0)
		return r;
	return parse_text(p, path, slash ? dir : NULL, text, depth, e);
}

static int parse_include(struct ctx *c, char **tok, size_t ntok)
{
	const char *builtin;
	_cleanup_free_ char *path = NULL;
	int r;

	if (ntok < 2)
		return bad(c, "expected a profile name or file after 'include'");
	if (ntok > 2)
		return bad(c, "unexpected '%s' after include", tok[2]);
	if (c->depth + 1 >= MAX_INCLUDE_DEPTH)
		return bad(c, "includes nested too deeply at '%s'", tok[1]);
	if (c->p->nfiles >= MAX_POLICY_TEXTS)
		return bad(c,
			   "more than %d includes at '%s' (every include "
			   "counts, also of the same file)",
			   MAX_POLICY_TEXTS - 1, tok[1]);
	builtin = looks_like_path(tok[1]) ? NULL : lk_policy_builtin(tok[1]);
	if (builtin)
		return parse_text(c->p, tok[1], NULL, builtin, c->depth + 1,
				  c->e);
	if (!looks_like_path(tok[1]))
		return bad(c,
			   "unknown profile '%s' (a file needs a '/' or "
			   "'.': ./%s)",
			   tok[1], tok[1]);
	if (tok[1][0] == '/' || !c->dir)
		path = strdup(tok[1]);
	else if (asprintf(&path, "%s/%s", c->dir, tok[1]) < 0)
		path = NULL;
	if (!path)
		return lk_error_set(c->e, ENOMEM, "out of memory");
	r = parse_file(c->p, path, c->depth + 1, c->e);
	if (r < 0 && c->e && c->e->code != EINVAL)
		return bad(c, "cannot include '%s': %s", tok[1],
			   strerror(c->e->code));
	return r;
}

static int parse_line(struct ctx *c, char *s)
{
	char *tok[MAX_TOKENS];
	size_t ntok = 0;
	char *save = NULL;
	enum lk_action act;
	char *hash = strchr(s, '#');

	if (hash)
		*hash = '\0';
	for (char *t = strtok_r(s, " \t\r", &save); t;
	     t = strtok_r(NULL, " \t\r", &save)) {
		if (ntok == MAX_TOKENS)
			return bad(c, "too many words at '%s'", t);
		tok[ntok++] = t;
	}
	if (ntok == 0)
		return 0;
	if (strcmp(tok[0], "include") == 0)
		return parse_include(c, tok, ntok);
	if (strcmp(tok[0], "default") == 0 || strcmp(tok[0], "foreign") == 0) {
		int err = EPERM;

		if (ntok < 2)
			return bad(c,
				   "expected allow, deny, errno or log "
				   "after '%s'",
				   tok[0]);
		if (parse_action(tok[1], &act) < 0)
			return bad(c, "unknown action '%s'", tok[1]);
		if (ntok > 2 && act == LK_ACT_ERRNO) {
			if (lk_errno_from_name(tok[2], &err) < 0)
				return bad(c, "unknown errno '%s'", tok[2]);
			if (ntok > 3)
				return bad(c, "unexpected '%s'", tok[3]);
		} else if (ntok > 2) {
			return bad(c, "unexpected '%s'", tok[2]);
		}
		if (tok[0][0] == 'f') {
			c->p->foreign_set = true;
			c->p->foreign = act;
			c->p->foreign_err = err;
		} else {
			c->p->def = act;
			c->p->def_err = err;
		}
		return 0;
	}
	if (parse_action(tok[0], &act) < 0)
		return bad(c, "unknown action '%s'", tok[0]);
	return parse_rule(c, act, tok, ntok);
}

static int parse_text(struct lk_policy *p, const char *name, const char *dir,
		      const char *text, int depth, struct lk_error *e)
{
	_cleanup_free_ char *copy = strdup(text);
	char **nf;
	struct ctx c = {.p = p, .dir = dir, .depth = depth, .e = e};
	char *line, *next;
	int r;

	if (!copy)
		return lk_error_set(e, ENOMEM, "out of memory");
	nf = realloc(p->files, (p->nfiles + 1) * sizeof(*nf));
	if (!nf)
		return lk_error_set(e, ENOMEM, "out of memory");
	p->files = nf;
	p->files[p->nfiles] = strdup(name);
	if (!p->files[p->nfiles])
		return lk_error_set(e, ENOMEM, "out of memory");
	c.file = p->files[p->nfiles++];

	for (line = copy; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		c.line++;
		r = parse_line(&c, line);
		if (r < 0)
			return r;
	}
	return 0;
}

int lk_policy_parse_text(struct lk_policy *p, const char *name, const char *dir,
			 const char *text, struct lk_error *e)
{
	return parse_text(p, name, dir, text, 0, e);
}

int lk_policy_load(struct lk_policy *p, const char *name_or_file,
		   struct lk_error *e)
{
	const char *builtin = NULL;

	if (!looks_like_path(name_or_file)) {
		builtin = lk_policy_builtin(name_or_file);
		if (!builtin)
			return lk_error_set(e, EINVAL,
					    "unknown policy '%s' (expected "
					    "default, strict, log, none or a "
					    "file: ./%s)",
					    name_or_file, name_or_file);
		return parse_text(p, name_or_file, NULL, builtin, 0, e);
	}
	return parse_file(p, name_or_file, 0, e);
}
