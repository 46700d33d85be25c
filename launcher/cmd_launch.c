/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linkem-launch — run N peers on a private network and supervise them. */
#include "linkem.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PROG "linkem-launch"

/* Exit status for bad input and for failures before any peer ran. */
#define EXIT_USAGE 2

static void ensure_std_fds(void)
{
	/* Peers inherit 0..2 shapes; a closed one would be reused by a
	 * pipe and confuse everything. */
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0)
			open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
}

static void summarize(const struct lk_launch *l, unsigned n)
{
	unsigned exec_failures = 0;

	for (unsigned id = 1; id <= n; id++) {
		struct lk_peer_result r;
		const char *msg = lk_launch_peer_message(l, id);

		if (lk_launch_peer_result(l, id, &r) < 0)
			continue;
		if (r.exec_errno) {
			if (exec_failures++ == 0)
				fprintf(stderr, PROG ": peer%u: %s\n", id,
					msg ? msg : strerror(r.exec_errno));
			continue;
		}
		if (exec_failures)
			continue;
		if (msg)
			fprintf(stderr, PROG ": peer%u: setup failed: %s\n", id,
				msg);
		else if (r.signaled && lk_launch_peer_note(l, id))
			fprintf(stderr, PROG ": peer%u: %s\n", id,
				lk_launch_peer_note(l, id));
		else if (r.signaled)
			fprintf(stderr, PROG ": peer%u: killed by signal %d (SIG%s)\n",
				id, r.status,
				sigabbrev_np(r.status) ? sigabbrev_np(r.status)
						       : "?");
		else if (r.status != 0)
			fprintf(stderr, PROG ": peer%u: exited with status %d\n",
				id, r.status);
	}
	if (exec_failures > 1)
		fprintf(stderr, PROG ": (the same in %u more peers)\n",
			exec_failures - 1);
}

int main(int argc, char **argv)
{
	struct lk_options opts;
	struct lk_error e = {0};
	struct lk_launch *l = NULL;
	int r, status;

	ensure_std_fds();
	if (lk_options_parse(argc, argv, &opts, &e) < 0) {
		fprintf(stderr, PROG ": %s\n", e.msg);
		lk_options_free(&opts);
		return EXIT_USAGE;
	}
	/* The library's notices: "linkem-launch: ..." on stderr; -q keeps
	 * only warnings (a timeline step that failed). */
	lk_set_log_handler(lk_log_stderr, PROG ": ");
	if (opts.quiet)
		lk_set_log_level(LK_LOG_WARNING);
	if (opts.help) {
		fputs(lk_launch_usage(), stdout);
		lk_options_free(&opts);
		return 0;
	}
	if (opts.version) {
		printf(PROG " %s\n", lk_version());
		lk_options_free(&opts);
		return 0;
	}
	if (opts.policy_check) {
		r = lk_policy_check_file(opts.policy_check, &e);
		if (r < 0)
			fprintf(stderr, PROG ": %s\n", e.msg);
		else if (!opts.quiet)
			printf("%s: OK\n", opts.policy_check);
		lk_options_free(&opts);
		return r < 0 ? EXIT_USAGE : 0;
	}
	if (lk_launch_new(&opts, &l, &e) < 0) {
		fprintf(stderr, PROG ": %s\n", e.msg);
		lk_options_free(&opts);
		return EXIT_USAGE;
	}
	r = lk_launch_start(l, &e);
	if (r < 0) {
		fprintf(stderr, PROG ": %s\n", e.msg);
		lk_launch_free(l);
		lk_options_free(&opts);
		/* Not allowed, or more peers than this machine holds. */
		return r == -EPERM || r == -E2BIG ? EXIT_USAGE : 1;
	}
	r = lk_launch_run(l, &e);
	if (r < 0)
		fprintf(stderr, PROG ": %s\n", e.msg);
	summarize(l, opts.n);
	status = r < 0 ? 1 : lk_launch_exit_status(l);
	lk_launch_free(l);
	lk_options_free(&opts);
	return status;
}
