/* test_plan.c — the address plan, options and templating (pure). */
#include "linkem.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

static char *fmt4(struct in_addr a, char *buf)
{
	return (char *)inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

Test(plan, default_subnet_addresses)
{
	struct lk_plan p;
	struct lk_error e = {0};
	char b[INET_ADDRSTRLEN];

	cr_assert_eq(lk_plan_init(&p, 300, NULL, &e), 0, "%s", e.msg);
	cr_assert_str_eq(fmt4(lk_plan_addr4(&p, 1), b), "10.0.0.1");
	cr_assert_str_eq(fmt4(lk_plan_addr4(&p, 255), b), "10.0.0.255");
	cr_assert_str_eq(fmt4(lk_plan_addr4(&p, 300), b), "10.0.1.44");
	cr_assert_eq(lk_plan_peer_of4(&p, lk_plan_addr4(&p, 300)), 300);
	cr_assert_eq(lk_plan_peer_of4(&p, lk_plan_addr4(&p, 301)), 0);
}

Test(plan, ipv6_beside_ipv4)
{
	struct lk_plan p;
	struct lk_error e = {0};
	char b[INET6_ADDRSTRLEN];
	struct in6_addr a;

	cr_assert_eq(lk_plan_init(&p, 300, "192.168.6.0/23", &e), 0);
	a = lk_plan_addr6(&p, 300);
	inet_ntop(AF_INET6, &a, b, sizeof(b));
	cr_assert_str_eq(b, "fd00:6c6b::12c");
	cr_assert_eq(lk_plan_peer_of6(&p, &a), 300);
}

Test(plan, subnet_capacity_and_errors)
{
	struct lk_plan p;
	struct lk_error e = {0};

	cr_assert_eq(lk_subnet_capacity(24), 254);
	cr_assert_eq(lk_subnet_capacity(30), 2);
	cr_assert_eq(lk_subnet_capacity(31), 0);
	cr_assert_eq(lk_plan_init(&p, 254, "10.1.2.0/24", &e), 0);
	cr_assert_eq(lk_plan_init(&p, 255, "10.1.2.0/24", &e), -EINVAL);
	cr_assert(strstr(e.msg, "'255'") && strstr(e.msg, "1..254"), "%s",
		  e.msg);
	cr_assert_eq(lk_plan_init(&p, 0, NULL, &e), -EINVAL);
	cr_assert_eq(lk_plan_init(&p, 2, "10.1.2.3/24", &e), -EINVAL);
	cr_assert(strstr(e.msg, "'10.1.2.3/24'") && strstr(e.msg, "host bits"),
		  "%s", e.msg);
	cr_assert_eq(lk_plan_init(&p, 2, "10.1.2.0", &e), -EINVAL);
	cr_assert_eq(lk_plan_init(&p, 2, "10.1.2.0/33", &e), -EINVAL);
	cr_assert_eq(lk_plan_init(&p, 2, "10.1.2/24", &e), -EINVAL);
	cr_assert_eq(lk_plan_init(&p, 2, "10.1.2.0/2x", &e), -EINVAL);
	cr_assert_eq(lk_plan_init(&p, 2, "/24", &e), -EINVAL);
}

Test(plan, mac_is_local_unicast)
{
	struct lk_plan p = {0};
	uint8_t m[6];

	lk_plan_mac(&p, 0x1234, m);
	cr_assert_eq(m[0] & 3, 2);
	cr_assert_eq(m[4], 0x12);
	cr_assert_eq(m[5], 0x34);
}

Test(template, replaces_known_words_only)
{
	struct lk_plan p;
	struct lk_error e = {0};
	char *s;

	cr_assert_eq(lk_plan_init(&p, 5, NULL, &e), 0);
	s = lk_template_expand("--id {id} of {n} at {addr}/{addr6} {name}", &p,
			       3);
	cr_assert_str_eq(s, "--id 3 of 5 at 10.0.0.3/fd00:6c6b::3 peer3");
	free(s);
	s = lk_template_expand("{unknown} {id {} {{id}} }{", &p, 2);
	cr_assert_str_eq(s, "{unknown} {id {} {2} }{");
	free(s);
	s = lk_template_expand("", &p, 1);
	cr_assert_str_eq(s, "");
	free(s);
}

static int parse(struct lk_options *o, struct lk_error *e, int argc,
		 char **argv)
{
	return lk_options_parse(argc, argv, o, e);
}

#define ARGV(...) (char *[]){"linkem-launch", __VA_ARGS__, NULL}
#define ARGC(...) ((int)(sizeof((char *[]){"x", __VA_ARGS__}) / sizeof(char *)))
#define PARSE(o, e, ...) parse(o, e, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

Test(options, basic)
{
	struct lk_options o;
	struct lk_error e = {0};

	/* o.argv points into argv: keep it alive for the whole test. */
	char *argv[] = {"linkem-launch", "-n", "5", "--link",
			"1-2:delay=50ms", "--grace", "500ms", "--",
			"./node", "--id", "{id}", NULL};

	cr_assert_eq(parse(&o, &e, 11, argv), 0, "%s", e.msg);
	cr_assert_eq(o.n, 5);
	cr_assert_eq(o.links.n, 1);
	cr_assert_str_eq(o.links.v[0], "1-2:delay=50ms");
	cr_assert_eq(o.grace_ms, 500);
	cr_assert_eq(o.argc, 3);
	cr_assert_str_eq(o.argv[0], "./node");
	cr_assert_str_eq(o.argv[2], "{id}");
	lk_options_free(&o);
}

Test(options, command_options_are_not_ours)
{
	struct lk_options o;
	struct lk_error e = {0};

	char *argv[] = {"linkem-launch", "-n", "2", "--", "ls", "-n", "--help",
			NULL};

	cr_assert_eq(parse(&o, &e, 7, argv), 0);
	cr_assert_not(o.help);
	cr_assert_eq(o.argc, 3);
	lk_options_free(&o);
}

Test(options, errors_name_the_text)
{
	struct lk_options o;
	struct lk_error e = {0};

	cr_assert_eq(PARSE(&o, &e, "-n", "0", "--", "true"), -EINVAL);
	cr_assert(strstr(e.msg, "'0'"), "%s", e.msg);
	cr_assert_eq(PARSE(&o, &e, "-n", "x3", "--", "true"), -EINVAL);
	cr_assert(strstr(e.msg, "'x3'"), "%s", e.msg);
	cr_assert_eq(PARSE(&o, &e, "-n", "3", "--frob", "--", "true"), -EINVAL);
	cr_assert(strstr(e.msg, "'--frob'"), "%s", e.msg);
	cr_assert_eq(PARSE(&o, &e, "-n", "3", "true"), -EINVAL);
	cr_assert(strstr(e.msg, "'--'") && strstr(e.msg, "'true'"), "%s",
		  e.msg);
	cr_assert_eq(PARSE(&o, &e, "-n", "3", "--"), -EINVAL);
	cr_assert(strstr(e.msg, "COMMAND"), "%s", e.msg);
	cr_assert_eq(PARSE(&o, &e, "--", "true"), -EINVAL);
	cr_assert(strstr(e.msg, "-n"), "%s", e.msg);
	cr_assert_eq(PARSE(&o, &e, "-n", "2", "--engine", "fast", "--", "true"),
		     -EINVAL);
	cr_assert(strstr(e.msg, "'fast'"), "%s", e.msg);
	cr_assert_eq(PARSE(&o, &e, "-n", "2", "--grace", "soon", "--", "true"),
		     -EINVAL);
	cr_assert(strstr(e.msg, "'soon'"), "%s", e.msg);
	cr_assert_eq(PARSE(&o, &e, "-n"), -EINVAL);
	cr_assert(strstr(e.msg, "'-n'") && strstr(e.msg, "value"), "%s",
		  e.msg);
	lk_options_free(&o);
}

Test(options, help_and_version)
{
	struct lk_options o;
	struct lk_error e = {0};

	cr_assert_eq(PARSE(&o, &e, "--help"), 0);
	cr_assert(o.help);
	cr_assert_eq(PARSE(&o, &e, "-V"), 0);
	cr_assert(o.version);
	cr_assert(strstr(lk_launch_usage(), "-n, --peers N"));
}
