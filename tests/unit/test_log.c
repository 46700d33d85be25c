/* test_log.c — the library's log sink: replaced, filtered, silenced, and
 * the stderr sink's bytes. */
#include "common/log.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct seen {
	unsigned n;
	enum lk_log_level level;
	char msg[64];
};

static void record(enum lk_log_level level, const char *msg, void *data)
{
	struct seen *s = data;

	s->n++;
	s->level = level;
	snprintf(s->msg, sizeof(s->msg), "%s", msg);
}

Test(log, a_handler_gets_the_messages_up_to_the_level)
{
	struct seen s = {0};

	lk_set_log_handler(record, &s);
	lk_log(LK_LOG_NOTICE, "seed %d", 42);
	cr_assert_eq(s.n, 1);
	cr_assert_eq(s.level, LK_LOG_NOTICE);
	cr_assert_str_eq(s.msg, "seed 42");
	lk_log(LK_LOG_INFO, "too chatty");
	cr_assert_eq(s.n, 1);
	lk_set_log_level(LK_LOG_WARNING); /* what -q does */
	lk_log(LK_LOG_NOTICE, "control socket /x");
	cr_assert_eq(s.n, 1);
	lk_log(LK_LOG_WARNING, "+1.000s --at: heal failed: no");
	cr_assert_eq(s.n, 2);
	cr_assert(!lk_log_enabled(LK_LOG_NOTICE));
	lk_set_log_handler(NULL, NULL);
	lk_log(LK_LOG_ERROR, "nowhere");
	cr_assert_eq(s.n, 2);
	cr_assert(!lk_log_enabled(LK_LOG_ERROR));
	lk_set_log_level(LK_LOG_NOTICE);
	lk_set_log_handler(lk_log_stderr, "linkem-launch: ");
}

/* The bytes linkem-launch printed before the sink existed. */
Test(log, stderr_sink_default_prefix)
{
	int p[2], saved = dup(STDERR_FILENO);
	char got[256] = {0};
	char big[2000];
	ssize_t n;

	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cr_assert_eq(pipe(p), 0);
	dup2(p[1], STDERR_FILENO);
	lk_log(LK_LOG_NOTICE, "control socket %s", "/run/linkem/1.sock");
	lk_set_log_handler(lk_log_stderr, NULL);
	lk_log(LK_LOG_NOTICE, "bare");
	lk_set_log_handler(lk_log_stderr, "linkem-launch: ");
	dup2(saved, STDERR_FILENO);
	close(p[1]);
	n = read(p[0], got, sizeof(got) - 1);
	cr_assert_str_eq(got,
			 "linkem-launch: control socket /run/linkem/1.sock\n"
			 "bare\n",
			 "%zd bytes: %s", n, got);
	close(p[0]);

	/* A long one arrives whole. */
	cr_assert_eq(pipe(p), 0);
	dup2(p[1], STDERR_FILENO);
	lk_log(LK_LOG_WARNING, "%s", big);
	dup2(saved, STDERR_FILENO);
	close(p[1]);
	{
		char all[4096];
		size_t len = 0;

		while ((n = read(p[0], all + len, sizeof(all) - len)) > 0)
			len += (size_t)n;
		cr_assert_eq(len, strlen("linkem-launch: ") + strlen(big) + 1);
	}
	close(p[0]);
	close(saved);
}
