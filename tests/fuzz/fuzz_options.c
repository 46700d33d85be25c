/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz_options.c — linkem-launch's command line: the input split at NULs
 * into argv (argv[0] "linkem-launch" added), parsed; then every argument
 * of COMMAND templated for each peer of a small plan. */
#include "fuzz.h"

#include "linkem.h"

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *argv[MAX_ARGS + 2];
	int argc = 0;
	struct lk_options o;
	struct lk_error e = {0};
	struct lk_plan plan;
	size_t i = 0;

	if (size > 4096)
		return -1;
	buf = fuzz_str(data, size);
	argv[argc++] = "linkem-launch";
	while (i <= size && argc < MAX_ARGS + 1) {
		argv[argc++] = buf + i;
		i += strlen(buf + i) + 1;
	}
	argv[argc] = NULL;
	if (lk_options_parse(argc, argv, &o, &e) == 0) {
		FUZZ_CHECK(o.help || o.version || o.policy_check ||
			       (o.argc >= 1 && o.argv),
			   "no COMMAND");
		if (o.argc >= 1 && o.n >= 1 && o.n <= 1000 &&
		    lk_plan_init(&plan, o.n, o.subnet, &e) == 0)
			for (int a = 0; a < o.argc; a++)
				for (unsigned id = 1; id <= 3 && id <= o.n;
				     id++)
					free(lk_template_expand(o.argv[a],
								&plan, id));
	}
	lk_options_free(&o); /* also after a failure */
	free(buf);
	return 0;
}
