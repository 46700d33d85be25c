/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz_control_proto.c — the control protocol: a request line parsed,
 * formatted again and parsed again gives the same command and arguments;
 * a reply formatted from any UTF-8 text parses back to that text; and any
 * line goes through the reply parser. */
#include "fuzz.h"

#include "launcher/control_proto.h"

static void request_round_trip(const char *line, size_t len)
{
	struct lk_ctl_request r = {0}, r2 = {0};
	struct lk_error e = {0};
	struct lk_buf b = {0};

	if (lk_ctl_request_parse(line, len, &r, &e) < 0)
		return;
	FUZZ_CHECK(r.cmd, "no cmd");
	if (lk_ctl_request_format(&b, r.cmd, r.args, r.nargs) == 0) {
		FUZZ_CHECK(b.len > 0 && b.p[b.len - 1] == '\n', "newline");
		FUZZ_CHECK(lk_ctl_request_parse(b.p, b.len - 1, &r2, &e) == 0,
			   "%.*s: %s", (int)b.len, b.p, e.msg);
		FUZZ_CHECK(strcmp(r.cmd, r2.cmd) == 0 && r.nargs == r2.nargs,
			   "%s", b.p);
		for (size_t i = 0; i < r.nargs; i++)
			FUZZ_CHECK(strcmp(r.args[i], r2.args[i]) == 0, "arg %zu",
				   i);
		lk_ctl_request_free(&r2);
	}
	lk_buf_free(&b);
	lk_ctl_request_free(&r);
}

static void reply_round_trip(const char *text, bool ok)
{
	json_t *probe = json_string(text); /* NULL unless UTF-8 */
	struct lk_buf b = {0};
	struct lk_ctl_reply r = {0};
	struct lk_error e = {0};

	if (!probe)
		return;
	json_decref(probe);
	if (ok)
		lk_ctl_reply_ok(&b, NULL, text, NULL);
	else
		lk_ctl_reply_error(&b, NULL, text);
	FUZZ_CHECK(!b.oom && b.len > 0 && b.p[b.len - 1] == '\n', "reply");
	FUZZ_CHECK(lk_ctl_reply_parse(b.p, b.len - 1, &r, &e) == 0, "%s: %s",
		   b.p, e.msg);
	FUZZ_CHECK(r.ok == ok, "%s", b.p);
	if (ok)
		FUZZ_CHECK(r.text && strcmp(r.text, text) == 0, "%s", b.p);
	else
		FUZZ_CHECK(r.error && strcmp(r.error, text) == 0, "%s", b.p);
	lk_ctl_reply_free(&r);
	lk_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lk_ctl_reply rep = {0};
	struct lk_error e = {0};
	unsigned group[17];
	int sig;
	char *s;

	if (size > LK_CTL_MAX_REQUEST)
		return -1;
	request_round_trip((const char *)data, size);
	if (lk_ctl_reply_parse((const char *)data, size, &rep, &e) == 0)
		lk_ctl_reply_free(&rep);
	s = fuzz_str(data, size);
	if (*s) {
		reply_round_trip(s, true);
		reply_round_trip(s, false);
	}
	(void)lk_partition_parse(s, 16, group, &e);
	(void)lk_signal_parse(s, &sig);
	free(s);
	return 0;
}
