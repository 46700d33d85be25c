/* test_spec_keys.c — the table of SPEC keys (model/spec_keys.c): every
 * key parses, formats and parses back to the same conditions, and
 * docs/link-spec.md names every key with its value. */
#include "model/linkspec.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *lk_test_fixture_dir(void); /* test_tc_fixtures.c */

/* Parse "1-2:params", or fail the test. */
static struct lk_linkspec parse(const char *params)
{
	char text[512];
	struct lk_linkspec s;
	struct lk_error e = {0};

	snprintf(text, sizeof(text), "1-2:%s", params);
	cr_assert_eq(lk_linkspec_parse(text, 2, &s, &e), 0, "%s: %s", text,
		     e.msg);
	return s;
}

/* Equal values; the tables are separate copies. */
static void assert_same_imp(const struct lk_impair *a,
			    const struct lk_impair *b, const char *what)
{
	struct lk_impair x = *a, y = *b;

	cr_assert_eq(!x.table, !y.table, "%s", what);
	x.table = y.table = NULL;
	x.dist_file = y.dist_file = NULL;
	cr_assert_eq(memcmp(&x, &y, sizeof(x)), 0, "%s", what);
}

static void round_trip(const struct lk_spec_key *k, const char *name)
{
	char params[256], text[512], again[512];
	struct lk_linkspec a, b;

	if (k->type == LK_KT_WORD)
		snprintf(params, sizeof(params), "%s", name);
	else
		snprintf(params, sizeof(params), "%s=%s", name, k->example);
	a = parse(params);
	cr_assert_eq(a.imp.keys, k->bit, "%s sets its bit only", params);
	cr_assert(lk_spec_key_selected(k, &a.imp), "%s formats as itself",
		  params);
	cr_assert_lt(lk_impair_format(&a.imp, text, sizeof(text)),
		     (int)sizeof(text));
	cr_assert_eq(strncmp(text, k->name, strlen(k->name)), 0,
		     "%s formats as '%s'", params, text);
	b = parse(text);
	assert_same_imp(&a.imp, &b.imp, params);
	lk_impair_format(&b.imp, again, sizeof(again));
	cr_assert_str_eq(text, again, "%s", params);
	lk_linkspec_free(&a);
	lk_linkspec_free(&b);
}

Test(spec_keys, every_key_parses_formats_and_parses_back)
{
	char all[2048] = "", text[2048];
	struct lk_linkspec a, b;
	uint32_t bits = 0;

	cr_assert_gt(lk_spec_nkeys, 20);
	for (size_t i = 0; i < lk_spec_nkeys; i++) {
		const struct lk_spec_key *k = &lk_spec_keys[i];

		cr_assert_eq(lk_spec_key_find(k->name), k, "%s", k->name);
		cr_assert(k->type == LK_KT_WORD || k->example, "%s", k->name);
		cr_assert(!k->needs || (k->rule && k->rank), "%s", k->name);
		round_trip(k, k->name);
		if (k->alias) {
			cr_assert_eq(lk_spec_key_find(k->alias), k, "%s",
				     k->alias);
			round_trip(k, k->alias);
		}
		/* one spec with every bit (the first key of a shared bit) */
		if (!(bits & k->bit)) {
			size_t n = strlen(all);

			snprintf(all + n, sizeof(all) - n, "%s%s%s%s",
				 n ? "," : "", k->name,
				 k->type == LK_KT_WORD ? "" : "=",
				 k->type == LK_KT_WORD ? "" : k->example);
			bits |= k->bit;
		}
	}
	a = parse(all);
	cr_assert_eq(a.imp.keys, bits);
	lk_impair_format(&a.imp, text, sizeof(text));
	b = parse(text);
	assert_same_imp(&a.imp, &b.imp, all);
	lk_linkspec_free(&a);
	lk_linkspec_free(&b);
}

/* Later specs override earlier ones key by key: applying a spec that sets
 * one key changes only what that key's bit carries. */
Test(spec_keys, apply_copies_what_each_bit_carries)
{
	for (size_t i = 0; i < lk_spec_nkeys; i++) {
		const struct lk_spec_key *k = &lk_spec_keys[i];
		char params[256];
		struct lk_linkspec s;
		struct lk_impair imp, want;

		if (k->type == LK_KT_WORD)
			snprintf(params, sizeof(params), "%s", k->name);
		else
			snprintf(params, sizeof(params), "%s=%s", k->name,
				 k->example);
		s = parse(params);
		lk_impair_init(&imp);
		lk_impair_apply(&imp, &s.imp);
		want = s.imp; /* s sets this key only: all else default */
		assert_same_imp(&imp, &want, params);
		cr_assert_eq(imp.table, s.imp.table, "%s", params);
		lk_linkspec_free(&s);
	}
}

static char *read_doc(void)
{
	char path[1200];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/../../../docs/link-spec.md",
		 lk_test_fixture_dir());
	f = fopen(path, "r");
	cr_assert_not_null(f, "%s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	/* markdown tables escape '|' */
	for (char *p = buf, *q = buf;; p++) {
		if (p[0] == '\\' && p[1] == '|')
			continue;
		*q++ = *p;
		if (!*p)
			break;
	}
	return buf;
}

/* Whether doc has "`name" followed by one of the characters in next. */
static bool doc_names(const char *doc, const char *name, const char *next)
{
	size_t len = strlen(name);

	for (const char *p = strchr(doc, '`'); p; p = strchr(p + 1, '`'))
		if (strncmp(p + 1, name, len) == 0 && p[1 + len] &&
		    strchr(next, p[1 + len]))
			return true;
	return false;
}

Test(spec_keys, docs_name_every_key)
{
	char *doc = read_doc();

	for (size_t i = 0; i < lk_spec_nkeys; i++) {
		const struct lk_spec_key *k = &lk_spec_keys[i];
		char want[128];

		snprintf(want, sizeof(want), "`%s=%s`", k->name,
			 k->unit ? k->unit : "");
		if (k->unit)
			cr_assert(strstr(doc, want),
				  "docs/link-spec.md lacks %s (the table's "
				  "key %s)",
				  want, k->name);
		else
			cr_assert(doc_names(doc, k->name, "`"),
				  "docs/link-spec.md lacks `%s` (the table's "
				  "key)",
				  k->name);
		if (k->alias)
			cr_assert(doc_names(doc, k->alias, "=`"),
				  "docs/link-spec.md lacks `%s (another name "
				  "of %s)",
				  k->alias, k->name);
	}
	free(doc);
}
