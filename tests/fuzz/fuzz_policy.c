/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz_policy.c — the seccomp policy language: parse (includes resolve in
 * a temporary directory holding a.policy, b.policy that includes it, and
 * loop.policy that includes itself), then compile with libseccomp.  No
 * '/' in the input: includes stay in that directory. */
#include "fuzz.h"

#include "policies/policy.h"

#include <unistd.h>

static char dir[] = "/tmp/lk-fuzz-policy-XXXXXX";

static void put(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
}

static void setup(void)
{
	if (!mkdtemp(dir))
		abort();
	put("a.policy", "default allow\nerrno mount EPERM\n"
			"errno socket EACCES if arg0 == 2 and arg1 == 3\n");
	put("b.policy", "include a.policy\nallow mount\ninclude default\n");
	put("loop.policy", "include loop.policy\n");
}

static void cleanup(void)
{
	const char *names[] = {"a.policy", "b.policy", "loop.policy"};
	char path[128];

	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct lk_policy p;
	struct lk_error e = {0};
	void *filter = NULL;
	char *text;

	if (size > 1 << 16 || memchr(data, '/', size))
		return -1;
	if (!ready) {
		setup();
		atexit(cleanup);
		ready = 1;
	}
	text = fuzz_str(data, size);
	lk_policy_init(&p);
	if (lk_policy_parse_text(&p, "fuzz", dir, text, &e) == 0) {
		FUZZ_CHECK(p.n <= 4096, "%zu rules", p.n);
		if (lk_policy_compile(&p, &filter, &e) == 0)
			lk_policy_filter_free(filter);
	}
	lk_policy_free(&p);
	free(text);
	return 0;
}
