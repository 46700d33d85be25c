/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linkem-launch — run N peers on a private network and supervise them. */
#include "linkem.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
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

/* The launch whose notices get time stamps (--timestamps). */
static const struct lk_launch *stamped;

/* lk_log_stderr, with the launch's time stamp first. */
static void log_stamped(enum lk_log_level level, const char *msg, void *data)
{
	char stamp[40], *line = NULL;

	if (!lk_launch_timestamp(stamped, stamp, sizeof(stamp)) ||
	    asprintf(&line, "%s%s%s", stamp, (const char *)data, msg) < 0) {
		lk_log_stderr(level, msg, data);
		return;
	}
	lk_log_stderr(level, line, NULL);
	free(line);
}

/* A line of the summary: "linkem-launch: ..." (time-stamped with
 * --timestamps). */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char stamp[40];
	va_list ap;

	lk_launch_timestamp(stamped, stamp, sizeof(stamp));
	fprintf(stderr, "%s" PROG ": ", stamp);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

/* One line naming the peers where something outlived --grace. */
static void summarize_forced(const struct lk_launch *l, unsigned n,
			     unsigned grace_ms)
{
	char names[256] = "";
	size_t len = 0;
	unsigned count = 0, more = 0;

	for (unsigned id = 1; id <= n; id++) {
		struct lk_peer_result r;

		if (lk_launch_peer_result(l, id, &r) < 0 || !r.forced)
			continue;
		if (count++ < 16 && len < sizeof(names) - 16)
			len += (size_t)snprintf(names + len, sizeof(names) - len,
						"%speer%u", len ? ", " : "", id);
		else
			more++;
	}
	if (!count)
		return;
	if (more)
		snprintf(names + len, sizeof(names) - len, " and %u more", more);
	say("SIGKILL after the %u ms grace period was needed in %s\n",
		grace_ms, names);
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
				say("peer%u: %s\n", id,
					msg ? msg : strerror(r.exec_errno));
			continue;
		}
		if (exec_failures)
			continue;
		if (msg)
			say("peer%u: setup failed: %s\n", id,
				msg);
		else if (r.signaled && lk_launch_peer_note(l, id))
			say("peer%u: %s\n", id,
				lk_launch_peer_note(l, id));
		else if (r.signaled)
			say("peer%u: killed by signal %d (SIG%s)\n",
				id, r.status,
				sigabbrev_np(r.status) ? sigabbrev_np(r.status)
						       : "?");
		else if (r.status != 0)
			say("peer%u: exited with status %d\n",
				id, r.status);
	}
	if (exec_failures > 1)
		say("(the same in %u more peers)\n",
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
	stamped = l;
	if (opts.timestamps)
		lk_set_log_handler(log_stamped, PROG ": ");
	r = lk_launch_start(l, &e);
	if (r < 0) {
		fprintf(stderr, PROG ": %s\n", e.msg);
		lk_launch_free(l);
		lk_options_free(&opts);
		return r == -EPERM ? EXIT_USAGE : 1;
	}
	r = lk_launch_run(l, &e);
	if (r < 0)
		fprintf(stderr, PROG ": %s\n", e.msg);
	summarize(l, opts.n);
	summarize_forced(l, opts.n, opts.grace_ms);
	status = r < 0 ? 1 : lk_launch_exit_status(l);
	lk_launch_free(l);
	lk_options_free(&opts);
	return status;
}
