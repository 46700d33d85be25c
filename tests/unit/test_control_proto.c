/* test_control_proto.c — the control protocol's messages, partitions. */
#include "launcher/control_proto.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <string.h>

static int parse(const char *line, struct lk_ctl_request *r, struct lk_error *e)
{
	return lk_ctl_request_parse(line, strlen(line), r, e);
}

struct bad_line {
	const char *line, *want; /* refused with an error containing want */
};

/* Each line is refused, with the error it names, and leaves no request. */
static void expect_refused(const struct bad_line *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct lk_ctl_request r;
		struct lk_error e = {0};

		cr_assert_lt(parse(cases[i].line, &r, &e), 0, "%s",
			     cases[i].line);
		cr_assert(strstr(e.msg, cases[i].want), "'%s' -> '%s'",
			  cases[i].line, e.msg);
		cr_assert_null(r.cmd);
	}
}

Test(control_proto, request_round_trip)
{
	char *args[] = {"1-2:delay=50ms", "we\"ird\\ \n\t\x01 ü"};
	struct lk_buf b = {0};
	struct lk_ctl_request r;
	struct lk_error e = {0};

	cr_assert_eq(lk_ctl_request_format(&b, "set", args, 2), 0);
	cr_assert_eq(b.p[b.len - 1], '\n');
	cr_assert_eq(parse(b.p, &r, &e), 0, "%s", e.msg);
	cr_assert_eq(r.v, 1);
	cr_assert_str_eq(r.cmd, "set");
	cr_assert_eq(r.nargs, 2);
	cr_assert_str_eq(r.args[0], args[0]);
	cr_assert_str_eq(r.args[1], args[1]);
	cr_assert_null(r.args[2]);
	lk_ctl_request_free(&r);
	lk_buf_free(&b);
}

Test(control_proto, id_is_echoed_raw_and_unknown_keys_ignored)
{
	struct lk_ctl_request r;
	struct lk_error e = {0};

	cr_assert_eq(parse(" { \"id\" : {\"a\":[1,2]}, \"v\":1, \"x\":null,"
			   " \"cmd\":\"peers\" } ",
			   &r, &e),
		     0, "%s", e.msg);
	cr_assert_str_eq(r.id, "{\"a\":[1,2]}");
	cr_assert_eq(r.nargs, 0);
	lk_ctl_request_free(&r);
	cr_assert_eq(
	    parse("{\"v\":1,\"cmd\":\"x\\u00e9\\ud83d\\ude00\"}", &r, &e), 0,
	    "%s", e.msg);
	cr_assert_str_eq(r.cmd, "x\xc3\xa9\xf0\x9f\x98\x80");
	lk_ctl_request_free(&r);
}

Test(control_proto, bad_requests_name_the_problem)
{
	static const struct bad_line cases[] = {
	    {"", "expected a JSON object at byte 1"},
	    {"garbage", "expected a JSON object"},
	    {"{\"v\":1,\"cmd\":\"set\"", "expected ',' or '}'"},
	    {"{\"v\":1,\"cmd\":\"set\",\"args\":\"x\"}",
	     "\"args\" must be an array of strings"},
	    {"{\"v\":1,\"cmd\":\"set\",\"args\":[1]}",
	     "\"args\" must be an array of strings"},
	    {"{\"cmd\":\"peers\"}", "no \"v\""},
	    {"{\"v\":2,\"cmd\":\"peers\"}", "protocol version 2"},
	    {"{\"v\":1}", "no \"cmd\""},
	    {"{\"v\":1,\"cmd\":\"a\"} x", "trailing text"},
	    {"{\"v\":1,\"cmd\":\"a\\u0000\"}", "NUL"},
	    {"{\"v\":1,\"cmd\":\"a\\q\"}", "a bad escape"},
	    {"{\"v\":1,\"cmd\":\"a\tb\"}", "control character"},
	    {"{\"v\":1,\"cmd\":\"a\",\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
	     "[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
	     "nested too deep"},
	    {"{\"v\":1,\"cmd\":\"a\",\"args\":[],\"args\":[]}", "twice"},
	};

	expect_refused(cases, sizeof(cases) / sizeof(cases[0]));
}

Test(control_proto, too_many_args_refused)
{
	struct lk_buf b = {0};
	struct lk_ctl_request r;
	struct lk_error e = {0};

	lk_buf_puts(&b, "{\"v\":1,\"cmd\":\"set\",\"args\":[");
	for (int i = 0; i < LK_CTL_MAX_ARGS + 1; i++)
		lk_buf_puts(&b, i ? ",\"a\"" : "\"a\"");
	lk_buf_puts(&b, "]}");
	cr_assert_lt(parse(b.p, &r, &e), 0);
	cr_assert(strstr(e.msg, "too many arguments"), "%s", e.msg);
	lk_buf_free(&b);
}

Test(control_proto, replies)
{
	const char *ok = "{\"v\":1,\"id\":7,\"ok\":true,\"text\":\"a\\nb\\n\","
			 "\"data\":[{\"id\":1,\"x\":\"]\"}]}";
	const char *bad = "{\"v\":1,\"ok\":false,\"error\":\"no peer 9\"}";
	const char *st = "{\"v\":1,\"ok\":true,\"status\":137}";
	struct lk_ctl_reply r;
	struct lk_error e = {0};

	cr_assert_eq(lk_ctl_reply_parse(ok, strlen(ok), &r, &e), 0, "%s",
		     e.msg);
	cr_assert(r.ok);
	cr_assert_str_eq(r.text, "a\nb\n");
	cr_assert_str_eq(r.data, "[{\"id\":1,\"x\":\"]\"}]");
	cr_assert_not(r.has_status);
	lk_ctl_reply_free(&r);
	cr_assert_eq(lk_ctl_reply_parse(bad, strlen(bad), &r, &e), 0);
	cr_assert_not(r.ok);
	cr_assert_str_eq(r.error, "no peer 9");
	lk_ctl_reply_free(&r);
	cr_assert_eq(lk_ctl_reply_parse(st, strlen(st), &r, &e), 0);
	cr_assert(r.has_status);
	cr_assert_eq(r.status, 137);
	lk_ctl_reply_free(&r);
	cr_assert_lt(lk_ctl_reply_parse("{\"ok\":tru}", 10, &r, &e), 0);
}

Test(control_proto, partition_groups)
{
	unsigned g[8];
	struct lk_error e = {0};

	cr_assert_eq(lk_partition_parse("1,2/3..5", 7, g, &e), 0, "%s", e.msg);
	cr_assert_eq(g[1], 1);
	cr_assert_eq(g[2], 1);
	cr_assert_eq(g[3], 2);
	cr_assert_eq(g[4], 2);
	cr_assert_eq(g[5], 2);
	/* Peers not named: one more group, together. */
	cr_assert_eq(g[6], 3);
	cr_assert_eq(g[7], 3);
	cr_assert_eq(lk_partition_parse("4", 7, g, &e), 0);
	cr_assert_eq(g[4], 1);
	cr_assert_eq(g[1], 2);
	cr_assert_eq(g[7], 2);
}

Test(control_proto, partition_errors)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
	    {"", "no groups"},
	    {"1,2//3", "an empty group"},
	    {"1,2/", "an empty group"},
	    {"1,2/2", "peer 2 is in two groups"},
	    {"1..3/3", "peer 3 is in two groups"},
	    {"1,9", "'9' is not a peer (1..7)"},
	    {"0", "'0' is not a peer"},
	    {"a", "'a' is not a peer"},
	    {"3..1", "'3..1' is not a peer"},
	    {"1,", "an empty peer after ','"},
	};
	unsigned g[8];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lk_error e = {0};

		cr_assert_lt(lk_partition_parse(cases[i].text, 7, g, &e), 0,
			     "%s", cases[i].text);
		cr_assert(strstr(e.msg, cases[i].want), "'%s' -> '%s'",
			  cases[i].text, e.msg);
	}
}

Test(control_proto, signals)
{
	int s;

	cr_assert_eq(lk_signal_parse("TERM", &s), 0);
	cr_assert_eq(s, SIGTERM);
	cr_assert_eq(lk_signal_parse("sigkill", &s), 0);
	cr_assert_eq(s, SIGKILL);
	cr_assert_eq(lk_signal_parse("10", &s), 0);
	cr_assert_eq(s, 10);
	cr_assert_lt(lk_signal_parse("NOPE", &s), 0);
	cr_assert_lt(lk_signal_parse("0", &s), 0);
	cr_assert_lt(lk_signal_parse("65", &s), 0);
}

Test(control_proto, strict_json_from_the_library)
{
	static const struct bad_line cases[] = {
	    {"{\"v\":1,\"cmd\":\"a\",\"cmd\":\"b\"}", "twice"},
	    {"{\"v\":1,\"cmd\":'a'}", "request:"},
	    {"{\"v\":NaN,\"cmd\":\"a\"}", "request:"},
	    {"{\"v\":1,\"cmd\":\"\xff\"}", "request:"},
	    {"{\"v\":1,\"cmd\":\"\\ud83d\"}", "request:"},
	    {"{\"v\":\"1\",\"cmd\":\"a\"}", "\"v\" must be a number"},
	    {"{\"v\":1,\"cmd\":7}", "\"cmd\" must be a string"},
	    {"{\"v\":1,\"cmd\":\"a\",\"args\":[\"x\",null]}", "item 2 is not"},
	};

	expect_refused(cases, sizeof(cases) / sizeof(cases[0]));
}

Test(control_proto, reply_writers_round_trip)
{
	struct lk_buf b = {0};
	struct lk_ctl_reply r;
	struct lk_error e = {0};
	json_t *id = json_string("x/1");
	json_t *data = json_pack("[{s:i}]", "id", 1);
	char *bad[] = {"ok", "\xc3"};

	lk_ctl_reply_ok(&b, id, "a\tb\n", data);
	cr_assert_str_eq(b.p, "{\"v\":1,\"id\":\"x/1\",\"ok\":true,\"text\":"
			      "\"a\\tb\\n\",\"data\":[{\"id\":1}]}\n");
	cr_assert_eq(lk_ctl_reply_parse(b.p, b.len - 1, &r, &e), 0, "%s",
		     e.msg);
	cr_assert_str_eq(r.text, "a\tb\n");
	cr_assert_str_eq(r.data, "[{\"id\":1}]");
	lk_ctl_reply_free(&r);
	lk_buf_free(&b);
	/* A message cut inside a UTF-8 character still makes valid JSON. */
	lk_ctl_reply_error(&b, NULL, "peer '\xc3' \xe2\x82");
	cr_assert_str_eq(b.p, "{\"v\":1,\"ok\":false,\"error\":\"peer '?' "
			      "??\"}\n");
	lk_buf_free(&b);
	lk_ctl_reply_status(&b, 137);
	cr_assert_str_eq(b.p, "{\"v\":1,\"ok\":true,\"status\":137}\n");
	lk_buf_free(&b);
	/* Arguments that JSON cannot carry are refused, not mangled. */
	cr_assert_eq(lk_ctl_request_format(&b, "set", bad, 2), -EILSEQ);
	lk_buf_free(&b);
	json_decref(id);
	json_decref(data);
}
