/* behaviour.c — the suite's launcher helpers and main(). */
#include "tests/behaviour/behaviour.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *bh_engine = "userspace";

void bh_setup(const char *engine)
{
	const char *want = getenv("LINKEM_TEST_ENGINE");

	bh_engine = engine;
	/* (a --filter naming both suites) */
	if (want && *want && strcmp(want, engine) != 0)
		cr_skip_test("LINKEM_TEST_ENGINE=%s: not the %s engine", want,
			     engine);
	if (geteuid() != 0) {
		cr_assert(!in_vm(), "not root inside the VM");
		cr_skip_test("%s engine: needs root (namespaces)", engine);
	}
	/* Sanitizer builds: LSan cannot run in a sandboxed peer. */
	setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
	if (strcmp(engine, "kernel") == 0) {
		require_netem();
	} else if (access("/dev/net/tun", R_OK | W_OK) != 0) {
		cr_assert(!in_vm(), "no /dev/net/tun inside the VM");
		cr_skip_test("userspace engine: no /dev/net/tun");
	}
}

void bh_launch(struct run_result *r, int timeout_ms, const char *const *args)
{
	char *argv[64];
	int n = 0;

	argv[n++] = (char *)build_path("linkem-launch");
	argv[n++] = "--engine";
	argv[n++] = (char *)bh_engine;
	for (; *args && n < 63; args++)
		argv[n++] = (char *)*args;
	argv[n] = NULL;
	cr_assert_eq(run_cmd(argv, NULL, timeout_ms, r), 0, "run %s", argv[0]);
	cr_assert(!r->timed_out, "%s engine: linkem-launch timed out\n%s\n%s",
		  bh_engine, r->out, r->err);
}

const char *bh_prog(const char *name)
{
	static char buf[4][512];
	static int slot;
	char rel[128], *b = buf[slot++ % 4];

	snprintf(rel, sizeof(rel), "tests/progs/%s", name);

	snprintf(b, sizeof(buf[0]), "%s", build_path(rel));
	return b;
}

const char *bh_addr(int family, unsigned id)
{
	static char buf[8][48];
	static int slot;
	char *b = buf[slot++ % 8];

	if (family == 6)
		snprintf(b, sizeof(buf[0]), "fd00:6c6b::%x", id);
	else
		snprintf(b, sizeof(buf[0]), "10.0.%u.%u", id / 256, id % 256);
	return b;
}

#define DONE_PORT "7777"

void bh_script(char *buf, size_t size, unsigned n, const char *one,
	       const char *other, int max_s)
{
	const char *dg = bh_prog("dgram");
	int len;

	/* The others listen from the start.  Twenty datagrams 10 ms apart:
	 * a lossy or bursty link lets one through; else they wait max_s. */
	len = snprintf(buf, size,
		       "if [ {id} = 1 ]; then %s; st=$?; "
		       "for i in $(seq 2 %u); do "
		       "%s send 10.0.0.$i " DONE_PORT " 20 10000 & done; "
		       "wait; exit $st; "
		       "else %s wait " DONE_PORT " %d & w=$!; %s%s wait $w; fi",
		       one, n, dg, dg, max_s, other ? other : "",
		       other ? ";" : "");
	cr_assert(len > 0 && (size_t)len < size, "script too long");
}

const char *bh_warm(const char *addr)
{
	static char buf[4][160];
	static int slot;
	char *b = buf[slot++ % 4];

	snprintf(b, sizeof(buf[0]),
		 "for w in 1 2 3 4 5 6; do ping -n -c 1 -W 2 %s >/dev/null "
		 "&& break; done",
		 addr);
	return b;
}

/* Visible: Criterion's workers find main in the dynamic symbol table. */
__attribute__((visibility("default"))) int main(int argc, char *argv[])
{
	struct criterion_test_set *tests = criterion_initialize();
	const char *eng = getenv("LINKEM_TEST_ENGINE");
	static char pattern[64];
	int result = 0;

	if (eng && *eng && strcmp(eng, "kernel") != 0 &&
	    strcmp(eng, "userspace") != 0) {
		fprintf(stderr,
			"LINKEM_TEST_ENGINE=%s: kernel or userspace, please\n",
			eng);
		criterion_finalize(tests);
		return 2;
	}
	if (criterion_handle_args(argc, argv, true)) {
		/* The engine under test: its suite, unless --filter says. */
		if (!criterion_options.pattern && eng && *eng) {
			snprintf(pattern, sizeof(pattern), "%s/*", eng);
			criterion_options.pattern = pattern;
		}
		result = !criterion_run_all_tests(tests);
	}
	criterion_finalize(tests);
	return result;
}

double bh_delay_tolerance(int ms)
{
	double tol = ms >= 50 ? 3 : 2;

	if (in_vm() && strcmp(bh_engine, "userspace") == 0)
		tol += 1;
	return tol;
}
