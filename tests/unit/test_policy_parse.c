/* test_policy_parse.c — the seccomp policy format (pure: no filter is
 * loaded) and the sandbox's option parsing. */
#include "policies/policy.h"
#include "policies/sandbox.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int parse(struct lk_policy *p, const char *text, struct lk_error *e)
{
	lk_policy_init(p);
	memset(e, 0, sizeof(*e));
	return lk_policy_parse_text(p, "t.policy", NULL, text, e);
}

/* The error for text must be -EINVAL with exactly this message. */
static void expect_error(const char *text, const char *msg)
{
	struct lk_policy p;
	struct lk_error e;
	int r = parse(&p, text, &e);

	cr_assert_eq(r, -EINVAL, "no error for [%s]", text);
	cr_assert_str_eq(e.msg, msg);
	lk_policy_free(&p);
}

static const struct lk_rule *find(const struct lk_policy *p, const char *name)
{
	int nr = seccomp_syscall_resolve_name(name);

	for (size_t i = 0; i < p->n; i++)
		if (p->rules[i].nr == nr)
			return &p->rules[i];
	return NULL;
}

Test(policy_parse, good_file)
{
	struct lk_policy p;
	struct lk_error e;
	const struct lk_rule *r;

	cr_assert_eq(parse(&p,
			   "# a comment\n"
			   "\n"
			   "default errno EACCES   # trailing comment\n"
			   "allow read\n"
			   "\tallow write\r\n"
			   "deny mount\n"
			   "kill ptrace\n"
			   "errno socket EAFNOSUPPORT if arg0 == 17\n"
			   "errno clone if arg0 & CLONE_NEWNET|CLONE_NEWPID "
			   "== 0x20000000 and arg1 != 0\n"
			   "log 165\n",
			   &e),
		     0, "%s", e.msg);
	cr_assert_eq(p.def, LK_ACT_ERRNO);
	cr_assert_eq(p.def_err, EACCES);
	cr_assert_eq(p.n, 7);
	r = find(&p, "write");
	cr_assert(r && r->act == LK_ACT_ALLOW && r->line == 5);
	cr_assert_eq(p.rules[2].act, LK_ACT_KILL);
	cr_assert_eq(find(&p, "ptrace")->act, LK_ACT_KILL);
	r = find(&p, "socket");
	cr_assert_eq(r->act, LK_ACT_ERRNO);
	cr_assert_eq(r->err, EAFNOSUPPORT);
	cr_assert_eq(r->ncond, 1);
	cr_assert_eq(r->cond[0].cmp, LK_CMP_EQ);
	cr_assert_eq(r->cond[0].value, 17);
	r = find(&p, "clone");
	cr_assert_eq(r->err, EPERM, "errno defaults to EPERM");
	cr_assert_eq(r->ncond, 2);
	cr_assert_eq(r->cond[0].cmp, LK_CMP_MASKED_EQ);
	cr_assert_eq(r->cond[0].mask, CLONE_NEWNET | CLONE_NEWPID);
	cr_assert_eq(r->cond[0].value, 0x20000000);
	cr_assert_eq(r->cond[1].arg, 1);
	cr_assert_eq(r->cond[1].cmp, LK_CMP_NE);
	cr_assert_eq(p.rules[6].nr, 165, "numbers are syscall numbers");
	cr_assert_eq(p.rules[6].act, LK_ACT_LOG);
	lk_policy_free(&p);
}

Test(policy_parse, groups_expand)
{
	struct lk_policy p;
	struct lk_error e;

	cr_assert_eq(parse(&p, "errno @mount\nerrno @module ENOSYS\n", &e), 0,
		     "%s", e.msg);
	cr_assert_not_null(find(&p, "mount"));
	cr_assert_not_null(find(&p, "umount2"));
	cr_assert_not_null(find(&p, "pivot_root"));
	cr_assert_not_null(find(&p, "fsopen"));
	cr_assert_eq(find(&p, "finit_module")->err, ENOSYS);
	cr_assert_null(find(&p, "read"));
	lk_policy_free(&p);

	for (const char *const *g = lk_syscall_group_names; *g; g++) {
		int nrs[64];
		int n = lk_syscall_group(*g, nrs, 64);

		cr_assert_gt(n, 0, "group %s is empty", *g);
		cr_assert_leq(n, 64, "group %s too large", *g);
	}
}

Test(policy_parse, every_error_names_file_line_word)
{
	expect_error("allow read\nallow frobnicate\n",
		     "t.policy:2: unknown syscall 'frobnicate'");
	expect_error("alow read\n", "t.policy:1: unknown action 'alow'");
	expect_error("\n\nerrno @frob\n", "t.policy:3: unknown group '@frob'");
	expect_error("errno read EFOO\n", "t.policy:1: unknown errno 'EFOO'");
	expect_error("allow\n",
		     "t.policy:1: expected a syscall name or @group after "
		     "'allow'");
	expect_error("allow read write\n",
		     "t.policy:1: unexpected 'write' after 'read'");
	expect_error("allow read if\n",
		     "t.policy:1: expected a condition after 'if'");
	expect_error("allow read if arg7 == 1\n",
		     "t.policy:1: expected arg0..arg5, got 'arg7'");
	expect_error("allow read if arg0 =~ 1\n",
		     "t.policy:1: unknown operator '=~'");
	expect_error("allow read if arg0 ==\n",
		     "t.policy:1: expected a value after '=='");
	expect_error("allow read if arg0 == 12x\n",
		     "t.policy:1: bad value '12x'");
	expect_error("allow clone if arg0 & CLONE_NEWFROB == 0\n",
		     "t.policy:1: unknown constant 'CLONE_NEWFROB'");
	expect_error("allow clone if arg0 & 1 > 0\n",
		     "t.policy:1: expected '==' after 'arg0 & 1'");
	expect_error("allow read if arg0 == 1 or arg1 == 2\n",
		     "t.policy:1: expected 'and', got 'or'");
	expect_error("allow read if arg0 == 1 and arg0 == 2\n",
		     "t.policy:1: arg0 is tested twice (one condition per "
		     "argument)");
	expect_error("default maybe\n", "t.policy:1: unknown action 'maybe'");
	expect_error("default\n",
		     "t.policy:1: expected allow, deny, errno or log after "
		     "'default'");
	expect_error("default allow now\n", "t.policy:1: unexpected 'now'");
	expect_error("include\n",
		     "t.policy:1: expected a profile name or file after "
		     "'include'");
	expect_error("include strictest\n",
		     "t.policy:1: unknown profile 'strictest' (a file needs a "
		     "'/' or '.': ./strictest)");
	expect_error("include ./does-not-exist.policy\n",
		     "t.policy:1: cannot include './does-not-exist.policy': "
		     "No such file or directory");
	expect_error("allow 99999\n", "t.policy:1: bad syscall number '99999'");
}

static char tmpdir[] = "/tmp/lk-policy-XXXXXX";

static void write_file(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

static void mk_tmpdir(void)
{
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void rm_tmpdir(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		cr_log_warn("could not remove %s", tmpdir);
}

Test(policy_parse, files_and_includes, .init = mk_tmpdir, .fini = rm_tmpdir)
{
	struct lk_policy p;
	struct lk_error e = {0};
	char path[256];

	write_file("base.policy", "default deny\nallow read\n");
	write_file("top.policy", "include base.policy\n"
				 "include default\n"
				 "allow write\n");
	write_file("bad.policy", "allow read\n# fine\nallow frobnicate\n");
	write_file("incbad.policy", "allow read\ninclude ./bad.policy\n");
	write_file("loop.policy", "include loop.policy\n");

	snprintf(path, sizeof(path), "%s/top.policy", tmpdir);
	lk_policy_init(&p);
	cr_assert_eq(lk_policy_load(&p, path, &e), 0, "%s", e.msg);
	/* default's "default allow" came after base's "default deny". */
	cr_assert_eq(p.def, LK_ACT_ALLOW);
	cr_assert_not_null(find(&p, "read"));
	cr_assert_eq(find(&p, "mount")->act, LK_ACT_ERRNO);
	cr_assert_eq(find(&p, "mount")->line > 0, true);
	cr_assert_str_eq(find(&p, "mount")->file, "default");
	lk_policy_free(&p);

	snprintf(path, sizeof(path), "%s/incbad.policy", tmpdir);
	lk_policy_init(&p);
	cr_assert_eq(lk_policy_load(&p, path, &e), -EINVAL);
	cr_assert(strstr(e.msg, "/bad.policy:3: unknown syscall 'frobnicate'"),
		  "%s", e.msg);
	lk_policy_free(&p);

	snprintf(path, sizeof(path), "%s/loop.policy", tmpdir);
	lk_policy_init(&p);
	cr_assert_eq(lk_policy_load(&p, path, &e), -EINVAL);
	cr_assert(strstr(e.msg, ":1: includes nested too deeply at "
				"'loop.policy'"),
		  "%s", e.msg);
	lk_policy_free(&p);

	/* --policy-check: the same errors, no side effects. */
	snprintf(path, sizeof(path), "%s/bad.policy", tmpdir);
	cr_assert_eq(lk_policy_check_file(path, &e), -EINVAL);
	cr_assert(strstr(e.msg, "bad.policy:3: unknown syscall 'frobnicate'"),
		  "%s", e.msg);
	snprintf(path, sizeof(path), "%s/top.policy", tmpdir);
	cr_assert_eq(lk_policy_check_file(path, &e), 0, "%s", e.msg);
	snprintf(path, sizeof(path), "%s/missing.policy", tmpdir);
	cr_assert_eq(lk_policy_check_file(path, &e), -ENOENT);
	cr_assert(strstr(e.msg, "missing.policy"), "%s", e.msg);
	cr_assert_eq(lk_policy_check_file("bogus", &e), -EINVAL);
	cr_assert(strstr(e.msg, "unknown policy 'bogus'"), "%s", e.msg);
}

/* Fuzz finding 11: two levels of 300 includes over one conditional rule
 * made 90,000 rules and --policy-check took 33 s (a third level: millions).
 * Includes and rules are bounded, with an error that says which. */
Test(policy_parse, includes_and_rules_are_bounded, .init = mk_tmpdir,
     .fini = rm_tmpdir)
{
	struct lk_policy p;
	struct lk_error e = {0};
	char path[256], *text = malloc(300 * 40), *t;

	cr_assert_not_null(text);
	write_file("leaf.policy", "errno socket EACCES if arg0 == 2\n");
	t = text;
	for (int i = 0; i < 300; i++)
		t += sprintf(t, "include leaf.policy\n");
	write_file("mid.policy", text);
	t = text;
	for (int i = 0; i < 300; i++)
		t += sprintf(t, "include mid.policy\n");
	write_file("top.policy", text);
	snprintf(path, sizeof(path), "%s/top.policy", tmpdir);
	cr_assert_eq(lk_policy_check_file(path, &e), -EINVAL);
	cr_assert(strstr(e.msg, "mid.policy:255: more than 255 includes at "
				"'leaf.policy'"),
		  "%s", e.msg);

	/* 255 includes are fine, the same file or not. */
	t = text;
	for (int i = 0; i < 255; i++)
		t += sprintf(t, "include leaf.policy\n");
	write_file("many.policy", text);
	snprintf(path, sizeof(path), "%s/many.policy", tmpdir);
	lk_policy_init(&p);
	cr_assert_eq(lk_policy_load(&p, path, &e), 0, "%s", e.msg);
	cr_assert_eq(p.n, 255);
	lk_policy_free(&p);

	/* Rules: 4096 at most, groups expanded. */
	free(text);
	text = malloc(5000 * 16);
	cr_assert_not_null(text);
	t = text;
	for (int i = 0; i < 5000; i++)
		t += sprintf(t, "allow read\n");
	write_file("long.policy", text);
	snprintf(path, sizeof(path), "%s/long.policy", tmpdir);
	lk_policy_init(&p);
	cr_assert_eq(lk_policy_load(&p, path, &e), -EINVAL);
	cr_assert(strstr(e.msg, "long.policy:4097: more than 4096 rules"),
		  "%s", e.msg);
	lk_policy_free(&p);
	free(text);
}

Test(policy_parse, builtin_profiles_compile)
{
	for (const char *const *n = lk_policy_builtin_names; *n; n++) {
		struct lk_error e = {0};

		cr_assert_eq(lk_policy_check_file(*n, &e), 0, "%s: %s", *n,
			     e.msg);
	}
	cr_assert_not_null(lk_policy_builtin("default"));
	cr_assert_not_null(lk_policy_builtin("strict"));
	cr_assert_not_null(lk_policy_builtin("log"));
	cr_assert_not_null(lk_policy_builtin("none"));
}

Test(policy_parse, builtin_profiles_say_what_they_claim)
{
	struct lk_policy p;
	struct lk_error e = {0};
	const struct lk_rule *r;

	lk_policy_init(&p);
	cr_assert_eq(lk_policy_load(&p, "default", &e), 0, "%s", e.msg);
	cr_assert_eq(p.def, LK_ACT_ALLOW);
	for (const char *const *s = (const char *const[]){"mount",
							  "umount2",
							  "pivot_root",
							  "setns",
							  "init_module",
							  "finit_module",
							  "kexec_load",
							  "reboot",
							  "swapon",
							  "settimeofday",
							  "clock_settime",
							  "bpf",
							  "perf_event_open",
							  "ptrace",
							  "process_vm_readv",
							  "process_vm_writev",
							  "kcmp",
							  "keyctl",
							  "add_key",
							  "request_key",
							  "open_by_handle_at",
							  "userfaultfd",
							  "iopl",
							  "ioperm",
							  "acct",
							  "quotactl",
							  "io_uring_setup",
							  NULL};
	     *s; s++) {
		r = find(&p, *s);
		cr_assert(r && r->act == LK_ACT_ERRNO && r->err == EPERM &&
			      r->ncond == 0,
			  "default must refuse %s with EPERM", *s);
	}
	r = find(&p, "clone3");
	cr_assert(r && r->act == LK_ACT_ERRNO && r->err == ENOSYS);
	r = find(&p, "clone");
	cr_assert(r && r->ncond == 1, "clone is filtered on its flags");
	r = find(&p, "socket");
	cr_assert(r && r->act == LK_ACT_ERRNO && r->err == EAFNOSUPPORT &&
		      r->ncond == 0,
		  "socket: only the families listed below it");
	cr_assert_null(find(&p, "read"));
	cr_assert(p.foreign_set && p.foreign == LK_ACT_ERRNO);
	lk_policy_free(&p);

	lk_policy_init(&p);
	cr_assert_eq(lk_policy_load(&p, "strict", &e), 0, "%s", e.msg);
	cr_assert_eq(p.def, LK_ACT_KILL);
	cr_assert_eq(find(&p, "socket")->act, LK_ACT_ALLOW);
	cr_assert_null(find(&p, "mount"));
	cr_assert_null(find(&p, "ptrace"));
	lk_policy_free(&p);

	lk_policy_init(&p);
	cr_assert_eq(lk_policy_load(&p, "log", &e), 0, "%s", e.msg);
	for (size_t i = 0; i < p.n; i++)
		cr_assert(p.rules[i].act == LK_ACT_LOG ||
			      (p.rules[i].act == LK_ACT_ALLOW &&
			       p.rules[i].ncond == 1),
			  "log: every rule logs, or excepts a value");
	cr_assert_eq(find(&p, "mount")->act, LK_ACT_LOG);
	lk_policy_free(&p);

	lk_policy_init(&p);
	cr_assert_eq(lk_policy_load(&p, "none", &e), 0, "%s", e.msg);
	cr_assert(lk_policy_is_empty(&p));
	lk_policy_free(&p);
}

Test(policy_compile, later_rules_override)
{
	struct lk_policy p;
	struct lk_error e;
	void *f = NULL;

	/* allow mount after default: mount no longer refused (no-op
	 * against the default action); compiles. */
	cr_assert_eq(parse(&p, "include default\nallow mount\n", &e), 0);
	cr_assert_eq(lk_policy_compile(&p, &f, &e), 0, "%s", e.msg);
	cr_assert_not_null(f);
	lk_policy_filter_free(f);
	lk_policy_free(&p);

	/* A condition below an unconditional non-default rule cannot be
	 * expressed: refused with both places named. */
	cr_assert_eq(parse(&p,
			   "default deny\nerrno clone\n"
			   "allow clone if arg0 == 0\n",
			   &e),
		     0);
	cr_assert_eq(lk_policy_compile(&p, &f, &e), -EINVAL);
	cr_assert_str_eq(e.msg, "t.policy:3: conditions on 'clone' below "
				"the rule without condition at t.policy:2 "
				"are not supported");
	lk_policy_free(&p);

	/* none: no filter at all. */
	cr_assert_eq(parse(&p, "default allow\nallow read\n", &e), 0);
	f = (void *)1;
	cr_assert_eq(lk_policy_compile(&p, &f, &e), 0);
	cr_assert_null(f);
	lk_policy_free(&p);
}

Test(sandbox_options, user_and_caps)
{
	struct lk_error e = {0};
	uid_t u;
	gid_t g;
	int cap;

	cr_assert_eq(lk_sandbox_parse_user("1234:99", &u, &g, &e), 0);
	cr_assert_eq(u, 1234);
	cr_assert_eq(g, 99);
	cr_assert_eq(lk_sandbox_parse_user("54321", &u, &g, &e), 0);
	cr_assert_eq(u, 54321);
	cr_assert_eq(g, 54321, "no passwd entry: group numbered like uid");
	cr_assert_eq(lk_sandbox_parse_user("root", &u, &g, &e), 0);
	cr_assert_eq(u, 0);
	cr_assert_eq(lk_sandbox_parse_user("12:", &u, &g, &e), -EINVAL);
	cr_assert_str_eq(e.msg, "--user: bad value '12:' (expected "
				"UID[:GID])");
	cr_assert_eq(lk_sandbox_parse_user("no-such-user-x", &u, &g, &e),
		     -EINVAL);
	cr_assert_str_eq(e.msg, "--user: unknown user 'no-such-user-x'");
	cr_assert_eq(lk_sandbox_parse_user("1:no-such-group-x", &u, &g, &e),
		     -EINVAL);
	cr_assert_str_eq(e.msg, "--user: unknown group 'no-such-group-x'");

	cr_assert_eq(lk_sandbox_parse_cap("NET_ADMIN", &cap, &e), 0);
	cr_assert_eq(cap, 12);
	cr_assert_eq(lk_sandbox_parse_cap("cap_net_raw", &cap, &e), 0);
	cr_assert_eq(cap, 13);
	cr_assert_eq(lk_sandbox_parse_cap("CAP_SYS_ADMIN", &cap, &e), 0);
	cr_assert_eq(cap, 21);
	cr_assert_eq(lk_sandbox_parse_cap("NET_FROB", &cap, &e), -EINVAL);
	cr_assert_str_eq(e.msg, "--cap: unknown capability 'NET_FROB' "
				"(expected a name like NET_ADMIN)");
}

Test(sandbox_options, new_reports_bad_input)
{
	struct lk_options o = {.policy = "default"};
	struct lk_sandbox *sb = NULL;
	struct lk_error e = {0};
	char *rw[] = {"/nonexistent-lk-path"};
	char *binds[] = {"/tmp"};

	cr_assert_eq(lk_sandbox_new(&o, &sb, &e), 0, "%s", e.msg);
	cr_assert(lk_sandbox_has_filter(sb));
	cr_assert_not(lk_sandbox_may_kill(sb));
	lk_sandbox_free(sb);

	o.policy = "strict";
	cr_assert_eq(lk_sandbox_new(&o, &sb, &e), 0, "%s", e.msg);
	cr_assert(lk_sandbox_may_kill(sb));
	lk_sandbox_free(sb);

	o.policy = "none";
	cr_assert_eq(lk_sandbox_new(&o, &sb, &e), 0, "%s", e.msg);
	cr_assert_not(lk_sandbox_has_filter(sb));
	lk_sandbox_free(sb);

	o.policy = "nonsense";
	cr_assert_eq(lk_sandbox_new(&o, &sb, &e), -EINVAL);
	cr_assert_null(sb);
	cr_assert(strstr(e.msg, "unknown policy 'nonsense'"), "%s", e.msg);

	o.policy = NULL;
	o.rw = (struct lk_strv){rw, 1};
	cr_assert_eq(lk_sandbox_new(&o, &sb, &e), -ENOENT);
	cr_assert_str_eq(e.msg, "--rw: '/nonexistent-lk-path': No such file "
				"or directory");
	rw[0] = "/tmp";
	cr_assert_eq(lk_sandbox_new(&o, &sb, &e), -EINVAL);
	cr_assert_str_eq(e.msg, "--rw: '/tmp': /tmp is private to each peer "
				"(use a directory elsewhere, e.g. /var/tmp)");
	o.rw = (struct lk_strv){0};
	o.binds = (struct lk_strv){binds, 1};
	cr_assert_eq(lk_sandbox_new(&o, &sb, &e), -EINVAL);
	cr_assert_str_eq(e.msg, "--bind: bad value '/tmp' (expected SRC:DST)");
}

Test(seccomp_describe, audit_line)
{
	int pid, nr;
	long sig;
	const char *line =
	    "6,1234,5678,-;audit: type=1326 audit(1700000000.123:42): "
	    "auid=4294967295 uid=0 gid=0 ses=4294967295 subj=unconfined "
	    "pid=4321 comm=\"hostile\" exe=\"/x/hostile\" sig=31 "
	    "arch=c000003e syscall=165 compat=0 ip=0x7f code=0x80000000";

	cr_assert_eq(lk_seccomp_parse_audit_line(line, &pid, &nr, &sig), 0);
	cr_assert_eq(pid, 4321);
	cr_assert_eq(nr, 165);
	cr_assert_eq(sig, 31);
	cr_assert_eq(lk_seccomp_parse_audit_line("audit: type=1400 pid=3", &pid,
						 &nr, &sig),
		     -ENOENT);
}
