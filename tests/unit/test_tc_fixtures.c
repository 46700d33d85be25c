/* test_tc_fixtures.c — our encoders against what iproute2's tc sends.
 *
 * tests/fixtures/tc/NAME.list files name each case: a tc command line and the
 * same request in linkem's terms; NAME.hex holds the attributes tc sent
 * (recorded by scripts/gen-tc-fixtures.sh under strace), psched the clock
 * they were computed with.  tc is not needed here. */
#include "model/linkspec.h"
#include "netsetup/psched.h"
#include "model/units.h"
#include "netsetup/filter_u32.h"
#include "netsetup/qdisc_htb.h"
#include "netsetup/qdisc_netem.h"
#include "netsetup/qdisc_tbf.h"

#include <arpa/inet.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fixture {
	char name[64], kind[16], args[1024], params[1024], note[64];
};

const char *lk_test_fixture_dir(void);
const char *lk_test_fixture_dir(void)
{
	static char dir[1024];
	const char *env = getenv("LINKEM_SRC"), *build;

	if (env) {
		snprintf(dir, sizeof(dir), "%s/tests/fixtures/tc", env);
		return dir;
	}
	if (access("tests/fixtures/tc/psched", R_OK) == 0) {
		char cwd[900];

		if (getcwd(cwd, sizeof(cwd)))
			snprintf(dir, sizeof(dir), "%s/tests/fixtures/tc", cwd);
		return dir;
	}
	build = getenv("LINKEM_BUILD");
	snprintf(dir, sizeof(dir), "%s/../tests/fixtures/tc",
		 build ? build : ".");
	return dir;
}

static int load_list(const char *list, struct fixture *fx, int max)
{
	char path[1200], line[4096];
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "%s/%s", lk_test_fixture_dir(), list);
	f = fopen(path, "r");
	cr_assert_not_null(f,
			   "open %s: %s (set LINKEM_SRC to the source "
			   "tree)",
			   path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *save = NULL, *cols[5] = {0};
		int c = 0;

		line[strcspn(line, "\n")] = '\0';
		if (!*line || *line == '#')
			continue;
		for (char *t = strtok_r(line, "\t", &save); t && c < 5;
		     t = strtok_r(NULL, "\t", &save))
			cols[c++] = t;
		cr_assert_geq(c, 4, "%s: bad line", path);
		cr_assert_lt(n, max);
		snprintf(fx[n].name, sizeof(fx[n].name), "%s", cols[0]);
		snprintf(fx[n].kind, sizeof(fx[n].kind), "%s", cols[1]);
		snprintf(fx[n].args, sizeof(fx[n].args), "%s", cols[2]);
		snprintf(fx[n].params, sizeof(fx[n].params), "%s", cols[3]);
		snprintf(fx[n].note, sizeof(fx[n].note), "%s",
			 cols[4] ? cols[4] : "");
		n++;
	}
	fclose(f);
	return n;
}

/* The recorded bytes of a fixture; returns the length. */
size_t lk_test_fixture_hex(const char *name, uint8_t *out, size_t max);
size_t lk_test_fixture_hex(const char *name, uint8_t *out, size_t max)
{
	char path[1200];
	size_t n = 0;
	FILE *f;
	int c, hi = -1;

	snprintf(path, sizeof(path), "%s/%s.hex", lk_test_fixture_dir(), name);
	f = fopen(path, "r");
	cr_assert_not_null(f, "open %s: %s", path, strerror(errno));
	while ((c = fgetc(f)) != EOF) {
		int v;

		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else
			continue;
		if (hi < 0) {
			hi = v;
		} else {
			cr_assert_lt(n, max);
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	fclose(f);
	return n;
}

void lk_test_fixture_psched(struct lk_psched *ps);
void lk_test_fixture_psched(struct lk_psched *ps)
{
	char path[1200], buf[128] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/psched", lk_test_fixture_dir());
	f = fopen(path, "r");
	cr_assert_not_null(f, "open %s", path);
	cr_assert_not_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	cr_assert_eq(lk_psched_parse(buf, ps), 0);
}

/* Replace @FIX@ with the fixture directory. */
static void subst_fix(const char *in, char *out, size_t size)
{
	const char *at = strstr(in, "@FIX@");

	if (!at) {
		snprintf(out, size, "%s", in);
		return;
	}
	snprintf(out, size, "%.*s%s%s", (int)(at - in), in,
		 lk_test_fixture_dir(), at + 5);
}

static void dump_diff(const char *name, const uint8_t *a, size_t alen,
		      const uint8_t *b, size_t blen)
{
	size_t i;

	for (i = 0; i < alen && i < blen; i++)
		if (a[i] != b[i])
			break;
	cr_log_error("%s: ours %zu bytes, tc's %zu; first difference at "
		     "byte %zu (ours %02x, tc's %02x)",
		     name, alen, blen, i, i < alen ? a[i] : 0,
		     i < blen ? b[i] : 0);
}

/* tc 6.1 drops the duplicate correlation when it is the only one: put
 * back the TCA_NETEM_CORR we send into tc's bytes. */
static size_t add_dup_corr(uint8_t *tc, size_t len, uint32_t dup_corr)
{
	size_t kind = ((size_t)(tc[0] | tc[1] << 8) + 3) & ~(size_t)3;
	size_t at = kind + 4 + sizeof(struct tc_netem_qopt);
	uint8_t attr[16] = {16, 0, TCA_NETEM_CORR, 0};
	uint16_t olen;

	memcpy(attr + 12, &dup_corr, 4);
	memmove(tc + at + 16, tc + at, len - at);
	memcpy(tc + at, attr, 16);
	memcpy(&olen, tc + kind, 2);
	olen += 16;
	memcpy(tc + kind, &olen, 2);
	return len + 16;
}

#define BUFSZ (64 * 1024)

Test(tc_fixtures, netem)
{
	static struct fixture fx[128];
	static uint8_t want[BUFSZ], buf[BUFSZ];
	struct lk_psched ps;
	int n, i, failed = 0;

	lk_test_fixture_psched(&ps);
	n = load_list("netem.list", fx, 128);
	cr_assert_geq(n, 30, "only %d netem fixtures", n);
	for (i = 0; i < n; i++) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
		char spec[1200], params[1100];
		struct lk_linkspec s;
		struct lk_error e = {0};
		size_t wlen, glen;
		uint8_t *got;

		subst_fix(fx[i].params, params, sizeof(params));
		snprintf(spec, sizeof(spec), "1>2:%s", params);
		cr_assert_eq(lk_linkspec_parse(spec, 2, &s, &e), 0, "%s: %s",
			     fx[i].name, e.msg);
		if (!(s.imp.keys & LK_K_LIMIT))
			s.imp.limit = 1000; /* tc's default, not ours */
		memset(buf, 0, sizeof(buf));
		nlh = mnl_nlmsg_put_header(buf);
		mnl_nlmsg_put_extra_header(nlh, sizeof(struct tcmsg));
		cr_assert_eq(lk_netem_put(nlh, sizeof(buf), &s.imp, &ps, NULL),
			     0, "%s: encode", fx[i].name);
		got = buf + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct tcmsg));
		glen = nlh->nlmsg_len - (size_t)(got - buf);
		wlen = lk_test_fixture_hex(fx[i].name, want, sizeof(want) / 2);
		if (strcmp(fx[i].note, "tc-drops-dup-corr") == 0)
			wlen = add_dup_corr(want, wlen, s.imp.duplicate_corr);
		if (glen != wlen || memcmp(got, want, wlen) != 0) {
			dump_diff(fx[i].name, got, glen, want, wlen);
			failed++;
		}
		lk_linkspec_free(&s);
	}
	cr_assert_eq(failed, 0, "%d of %d netem fixtures differ from tc",
		     failed, n);
}

/* A request header as tc builds it; returns where the attributes start. */
static struct nlmsghdr *start_req(uint8_t *buf, size_t size)
{
	struct nlmsghdr *nlh;

	memset(buf, 0, size);
	nlh = mnl_nlmsg_put_header(buf);
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct tcmsg));
	return nlh;
}

static int check_bytes(const char *name, const uint8_t *buf,
		       const struct nlmsghdr *nlh)
{
	static uint8_t want[BUFSZ];
	const uint8_t *got =
	    buf + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct tcmsg));
	size_t glen = nlh->nlmsg_len - (size_t)(got - buf);
	size_t wlen = lk_test_fixture_hex(name, want, sizeof(want));

	if (glen == wlen && memcmp(got, want, wlen) == 0)
		return 0;
	dump_diff(name, got, glen, want, wlen);
	return 1;
}

Test(tc_fixtures, tbf)
{
	static struct fixture fx[32];
	static uint8_t buf[BUFSZ];
	struct lk_psched ps;
	int n, i, failed = 0;

	lk_test_fixture_psched(&ps);
	n = load_list("tbf.list", fx, 32);
	cr_assert_geq(n, 5);
	for (i = 0; i < n; i++) {
		struct nlmsghdr *nlh = start_req(buf, sizeof(buf));
		char spec[1200];
		struct lk_linkspec s;
		struct lk_error e = {0};
		struct lk_tbf t;

		snprintf(spec, sizeof(spec), "1>2:%s", fx[i].params);
		cr_assert_eq(lk_linkspec_parse(spec, 2, &s, &e), 0, "%s: %s",
			     fx[i].name, e.msg);
		cr_assert(lk_tbf_from_impair(&s.imp, &t));
		cr_assert_eq(lk_tbf_put(nlh, sizeof(buf), &t, &ps), 0);
		failed += check_bytes(fx[i].name, buf, nlh);
		lk_linkspec_free(&s);
	}
	cr_assert_eq(failed, 0, "%d of %d tbf fixtures differ from tc", failed,
		     n);
}

/* "key=value,..." -> value of key, or NULL. */
static const char *param(const char *params, const char *key, char *out,
			 size_t size)
{
	size_t kl = strlen(key);
	const char *p = params;

	while (p && *p) {
		if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
			size_t l = strcspn(p + kl + 1, ",");

			snprintf(out, size, "%.*s", (int)l, p + kl + 1);
			return out;
		}
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return NULL;
}

static uint64_t param_num(const char *params, const char *key, int kind)
{
	char v[64];
	uint64_t r = 0;

	if (!param(params, key, v, sizeof(v)))
		return 0;
	if (kind == 'r')
		cr_assert_eq(lk_parse_rate(v, &r), 0, "%s", v);
	else if (kind == 's')
		cr_assert_eq(lk_parse_size(v, UINT32_MAX, &r), 0, "%s", v);
	else
		r = strtoull(v, NULL, 0);
	return r;
}

Test(tc_fixtures, htb)
{
	static struct fixture fx[32];
	static uint8_t buf[BUFSZ];
	struct lk_psched ps;
	int n, i, failed = 0;

	lk_test_fixture_psched(&ps);
	n = load_list("htb.list", fx, 32);
	cr_assert_geq(n, 5);
	for (i = 0; i < n; i++) {
		struct nlmsghdr *nlh = start_req(buf, sizeof(buf));
		const char *p = fx[i].params;

		if (strcmp(fx[i].kind, "qdisc") == 0) {
			cr_assert_eq(lk_htb_qdisc_put(
					 nlh, sizeof(buf),
					 (uint32_t)param_num(p, "default", 'n'),
					 (uint32_t)param_num(p, "r2q", 'n')),
				     0);
		} else {
			struct lk_htb_class c = {
			    .rate = param_num(p, "rate", 'r'),
			    .ceil = param_num(p, "ceil", 'r'),
			    .burst = (uint32_t)param_num(p, "burst", 's'),
			    .cburst = (uint32_t)param_num(p, "cburst", 's'),
			    .prio = (uint32_t)param_num(p, "prio", 'n'),
			    .quantum = (uint32_t)param_num(p, "quantum", 'n'),
			};

			cr_assert_eq(
			    lk_htb_class_put(nlh, sizeof(buf), &c, &ps), 0);
		}
		failed += check_bytes(fx[i].name, buf, nlh);
	}
	cr_assert_eq(failed, 0, "%d of %d htb fixtures differ from tc", failed,
		     n);
}

Test(tc_fixtures, u32)
{
	static struct fixture fx[32];
	static uint8_t buf[BUFSZ];
	int n, i, failed = 0;

	n = load_list("u32.list", fx, 32);
	cr_assert_geq(n, 4);
	for (i = 0; i < n; i++) {
		struct nlmsghdr *nlh = start_req(buf, sizeof(buf));
		char dst[64], cls[32];
		unsigned maj, min;
		struct in6_addr a6;
		struct in_addr a4;

		cr_assert_not_null(
		    param(fx[i].params, "dst", dst, sizeof(dst)));
		cr_assert_not_null(
		    param(fx[i].params, "classid", cls, sizeof(cls)));
		cr_assert_eq(sscanf(cls, "%x:%x", &maj, &min), 2);
		if (inet_pton(AF_INET, dst, &a4) == 1) {
			cr_assert_eq(lk_u32_dst4_put(nlh, sizeof(buf), a4,
						     LK_TC_HANDLE(maj, min)),
				     0);
		} else {
			cr_assert_eq(inet_pton(AF_INET6, dst, &a6), 1);
			cr_assert_eq(lk_u32_dst6_put(nlh, sizeof(buf), &a6,
						     LK_TC_HANDLE(maj, min)),
				     0);
		}
		failed += check_bytes(fx[i].name, buf, nlh);
	}
	cr_assert_eq(failed, 0, "%d of %d u32 fixtures differ from tc", failed,
		     n);
}
