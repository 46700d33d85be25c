/*
 * test_vocab.c — one vocabulary, one table: linkem-launch's option table
 * (launcher/options.c), the control command table and linkem-ctl's options
 * (launcher/commands.c) against --help, the manual pages (docs/NAME.1)
 * and docs/ (control-protocol.md, every `--option` named in README.md and
 * docs/NAME.md).  A row added, renamed or removed without its documentation
 * fails here, and so does documentation of what does not exist.
 *
 * The manual pages are read with a small reader of the man macros they
 * use: an entry is ".TP", a tag line and body lines up to the next
 * ".TP", ".PP" or ".SH"; fonts (\fB \fI \fR), \- and quoted macro
 * arguments are rendered as man(1) shows them.
 */
#include "launcher/commands.h"
#include "launcher/options.h"

#include <criterion/criterion.h>
#include <ctype.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- files ------------------------------------------------------------ */

/* The source tree: $LINKEM_SRC, the working directory, or $LINKEM_BUILD/.. */
static void src_path(const char *rel, char *out, size_t size)
{
	const char *env = getenv("LINKEM_SRC"), *build = getenv("LINKEM_BUILD");

	if (env)
		snprintf(out, size, "%s/%s", env, rel);
	else if (access("docs/linkem-launch.1", R_OK) == 0)
		snprintf(out, size, "%s", rel);
	else
		snprintf(out, size, "%s/../%s", build ? build : ".", rel);
}

/* rel: relative to the source tree, or a path src_path made. */
static char *slurp(const char *rel)
{
	char path[2048];
	char *text = NULL;
	size_t cap = 0;
	FILE *f;
	ssize_t n;

	if (rel[0] == '/' || strncmp(rel, "..", 2) == 0 ||
	    access(rel, R_OK) == 0)
		snprintf(path, sizeof(path), "%s", rel);
	else
		src_path(rel, path, sizeof(path));
	f = fopen(path, "r");
	cr_assert(f, "cannot open %s (set LINKEM_SRC to the source tree)",
		  path);
	n = getdelim(&text, &cap, '\0', f);
	fclose(f);
	cr_assert(n >= 0, "read %s", path);
	return text;
}

/* ---- a reader of man pages -------------------------------------------- */

/* Fonts and escapes as man(1) renders them. */
static void unescape(const char *in, char *out, size_t size)
{
	size_t o = 0;

	for (const char *p = in; *p && o + 4 < size; p++) {
		if (*p != '\\') {
			out[o++] = *p;
			continue;
		}
		p++;
		if (*p == 'f' && p[1]) {
			p++; /* \fB \fI \fR \fP */
		} else if (*p == '-' || *p == 'e' || *p == ' ') {
			out[o++] = *p == 'e' ? '\\' : *p;
		} else if (*p == '(' && p[1] && p[2]) {
			out[o++] = '*'; /* \(bu and the like */
			p += 2;
		} else if (*p == '&') {
			/* zero width */
		} else if (*p) {
			out[o++] = *p;
		} else {
			break;
		}
	}
	out[o] = '\0';
}

/* One line as text: a macro line's arguments (quoted ones unquoted) are
 * joined with spaces (.B, .I) or without (.BR, .BI, ...). */
static void render_line(const char *line, char *out, size_t size)
{
	char raw[4096];
	size_t o = 0;
	const char *p;
	bool join_tight;

	if (line[0] != '.') {
		unescape(line, out, size);
		return;
	}
	p = line + 1;
	join_tight = strlen(p) >= 2 && isupper((unsigned char)p[0]) &&
		     isupper((unsigned char)p[1]) && strchr("BIR", p[0]) &&
		     strchr("BIR", p[1]);
	while (*p && *p != ' ')
		p++;
	while (*p) {
		bool first = o == 0;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (!first && !join_tight && o + 1 < sizeof(raw))
			raw[o++] = ' ';
		if (*p == '"') {
			for (p++; *p && *p != '"' && o + 1 < sizeof(raw); p++)
				raw[o++] = *p;
			if (*p == '"')
				p++;
		} else {
			for (; *p && *p != ' ' && o + 1 < sizeof(raw); p++)
				raw[o++] = *p;
		}
	}
	raw[o] = '\0';
	unescape(raw, out, size);
}

struct entry {
	char tag[512];
	char body[8192];
};

struct section {
	struct entry e[64];
	size_t n;
	char text[16384]; /* the whole section, as one line */
};

static void append(char *dst, size_t size, const char *s)
{
	size_t len = strlen(dst);

	if (len && len + 1 < size && *s)
		dst[len++] = ' ', dst[len] = '\0';
	snprintf(dst + len, size - len, "%s", s);
}

/* The section called name ("OPTIONS") of a man page. */
static void man_section(const char *rel, const char *name, struct section *s)
{
	char *text = slurp(rel), *save = NULL;
	bool in = false, tag_next = false, in_entry = false;

	memset(s, 0, sizeof(*s));
	for (char *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char r[4096];

		if (strncmp(line, ".SH", 3) == 0) {
			render_line(line, r, sizeof(r));
			in = strcmp(r, name) == 0;
			in_entry = false;
			continue;
		}
		if (!in)
			continue;
		if (strncmp(line, ".TP", 3) == 0) {
			cr_assert(s->n < 64);
			tag_next = true;
			continue;
		}
		if (strncmp(line, ".PP", 3) == 0) {
			in_entry = false;
			continue;
		}
		render_line(line, r, sizeof(r));
		append(s->text, sizeof(s->text), r);
		if (tag_next) {
			snprintf(s->e[s->n++].tag, sizeof(s->e[0].tag),
				 "%.500s", r);
			tag_next = false;
			in_entry = true;
		} else if (in_entry) {
			append(s->e[s->n - 1].body, sizeof(s->e[0].body), r);
		}
	}
	free(text);
	cr_assert(s->text[0], "%s has no section %s", rel, name);
}

/* ---- options ---------------------------------------------------------- */

static const struct lk_optdef *find_opt(const struct lk_optdef *d, size_t n,
					const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(d[i].name, name) == 0)
			return &d[i];
	return NULL;
}

/* Whether text holds "word" with no letter, digit or '-' around it. */
static bool has_word(const char *text, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = strstr(text, word); p; p = strstr(p + 1, word)) {
		bool before =
		    p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '-');
		bool after = isalnum((unsigned char)p[n]) || p[n] == '-';

		if (!before && !after)
			return true;
	}
	return false;
}

/* The OPTIONS section of a man page against an option table: each tag
 * ("-n, --peers N", "--json") names options that exist, with their short
 * name and argument; each option has one entry; its body says
 * "repeatable" and "default X" as the table does. */
static void check_man_options(const char *rel, const struct lk_optdef *d,
			      size_t n)
{
	static struct section s;
	unsigned seen[64] = {0};

	cr_assert(n <= 64);
	man_section(rel, "OPTIONS", &s);
	for (size_t i = 0; i < s.n; i++) {
		char tag[512], *save = NULL;
		char pending_short = 0;

		snprintf(tag, sizeof(tag), "%s", s.e[i].tag);
		for (char *item = strtok_r(tag, ",", &save); item;
		     item = strtok_r(NULL, ",", &save)) {
			const struct lk_optdef *o;
			char *arg;

			while (*item == ' ')
				item++;
			cr_assert(item[0] == '-', "%s: OPTIONS tag '%s'", rel,
				  s.e[i].tag);
			if (item[1] != '-') {
				cr_assert(strlen(item) == 2,
					  "%s: tag '%s': short option '%s'",
					  rel, s.e[i].tag, item);
				pending_short = item[1];
				continue;
			}
			char optional[64] = "";

			arg = strpbrk(item, " [");
			if (arg && *arg == '[') {
				/* --name[=ARG]: an optional argument */
				snprintf(optional, sizeof(optional), "%s", arg);
				*arg = '\0';
				arg = optional;
			} else if (arg) {
				*arg++ = '\0';
			}
			o = find_opt(d, n, item + 2);
			cr_assert(o,
				  "%s documents %s, which is not in the "
				  "option table",
				  rel, item);
			seen[o - d]++;
			cr_assert_eq(o->short_name, pending_short,
				     "%s: %s: short option -%c, the table "
				     "says -%c",
				     rel, item,
				     pending_short ? pending_short : '-',
				     o->short_name ? o->short_name : '-');
			pending_short = 0;
			cr_assert(
			    o->arg ? arg && strcmp(arg, o->arg) == 0 : !arg,
			    "%s: %s takes '%s', the table says '%s'", rel, item,
			    arg ? arg : "(none)", o->arg ? o->arg : "(none)");
			cr_assert_eq(has_word(s.e[i].body, "repeatable"),
				     o->repeatable,
				     "%s: --%s is%s repeatable: say so%s", rel,
				     o->name, o->repeatable ? "" : " not",
				     o->repeatable ? "" : " not");
			if (o->deflt) {
				char want[256];

				snprintf(want, sizeof(want), "default %s",
					 o->deflt);
				cr_assert(strstr(s.e[i].body, want),
					  "%s: --%s: the body should say "
					  "'%s': %s",
					  rel, o->name, want, s.e[i].body);
			}
		}
		cr_assert_eq(pending_short, 0, "%s: tag '%s'", rel, s.e[i].tag);
	}
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(seen[i], 1, "%s: --%s is documented %u times", rel,
			     d[i].name, seen[i]);
}

/* Every "--word" in text is an option of one of the programs, or in
 * also (a NULL-terminated list of other programs' options); words after
 * "-- " on a line are the workload's. */
static void check_dashes(const char *where, const char *text,
			 const char *const *also)
{
	size_t nl, nc;
	const struct lk_optdef *l = lk_launch_optdefs(&nl);
	const struct lk_optdef *c = lk_ctl_optdefs(&nc);

	for (const char *p = strstr(text, "--"); p; p = strstr(p + 2, "--")) {
		char name[64];
		size_t k = 0;
		bool known;

		if (p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '-'))
			continue;
		while (k + 1 < sizeof(name) &&
		       (islower((unsigned char)p[2 + k]) ||
			isdigit((unsigned char)p[2 + k]) ||
			(p[2 + k] == '-' && islower((unsigned char)p[3 + k]))))
			name[k] = p[2 + k], k++;
		name[k] = '\0';
		if (p[2] == ' ' && !strchr(p, '\n'))
			break;
		if (p[2] == ' ') {
			/* "-- COMMAND ARG...": the workload's options */
			p = strchr(p, '\n') - 1;
			continue;
		}
		if (!k || !islower((unsigned char)name[0]))
			continue;
		known = find_opt(l, nl, name) || find_opt(c, nc, name);
		for (size_t i = 0; also && also[i] && !known; i++)
			known = strcmp(also[i], name) == 0;
		cr_assert(known, "%s names --%s, which no program has", where,
			  name);
	}
}

static bool same_strv(const struct lk_strv *a, const struct lk_strv *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]) != 0)
			return false;
	return true;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static bool same_options(const struct lk_options *a, const struct lk_options *b)
{
	return a->n == b->n && same_str(a->subnet, b->subnet) &&
	       same_strv(&a->links, &b->links) && same_strv(&a->at, &b->at) &&
	       a->engine == b->engine && a->seed_set == b->seed_set &&
	       a->seed == b->seed && same_str(a->policy, b->policy) &&
	       same_strv(&a->caps, &b->caps) && same_strv(&a->rw, &b->rw) &&
	       same_strv(&a->ro, &b->ro) && same_strv(&a->binds, &b->binds) &&
	       same_str(a->user, b->user) && same_str(a->log_dir, b->log_dir) &&
	       same_str(a->pcap_dir, b->pcap_dir) &&
	       same_str(a->control, b->control) &&
	       same_str(a->scenario, b->scenario) &&
	       same_str(a->policy_check, b->policy_check) &&
	       a->grace_ms == b->grace_ms && a->quiet == b->quiet &&
	       a->stop_signal == b->stop_signal &&
	       a->timestamps == b->timestamps &&
	       a->help == b->help && a->version == b->version &&
	       a->argc == b->argc;
}

static char *ctl_usage(void)
{
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	cr_assert(f);
	lk_ctl_usage(f);
	cr_assert_eq(fclose(f), 0);
	return text;
}

static void check_widths(const char *what, const char *text)
{
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");

		cr_assert(len <= 79, "%s: a line of %zu columns: %.*s", what,
			  len, (int)len, p);
		p += len + (p[len] == '\n');
	}
}

Test(vocab, launch_help_lists_every_option_of_the_table)
{
	size_t n;
	const struct lk_optdef *d = lk_launch_optdefs(&n);
	const char *help = lk_launch_usage();

	for (size_t i = 0; i < n; i++) {
		char syn[128], line[140];

		lk_optdef_synopsis(&d[i], syn, sizeof(syn));
		snprintf(line, sizeof(line), "\n  %s ", syn);
		cr_assert(strstr(help, line), "--help lacks '%s'", syn);
		cr_assert(strlen(d[i].help) &&
			      d[i].help[strlen(d[i].help) - 1] != '.',
			  "--%s: a help line without final period", d[i].name);
	}
	check_widths("linkem-launch --help", help);
	check_dashes("linkem-launch --help", help, NULL);
}

Test(vocab, every_option_of_the_table_is_parsed)
{
	size_t n;
	const struct lk_optdef *d = lk_launch_optdefs(&n);

	for (size_t i = 0; i < n; i++) {
		char opt[64], val[] = "1", dashdash[] = "--", cmd[] = "true",
			      prog[] = "linkem-launch", peers[] = "-n";
		char *argv[] = {prog, opt,	val, peers,
				val,  dashdash, cmd, NULL};
		struct lk_options o;
		struct lk_error e = {0};

		snprintf(opt, sizeof(opt), "--%s", d[i].name);
		if (!d[i].arg)
			memmove(&argv[2], &argv[3], 5 * sizeof(char *));
		if (lk_options_parse(d[i].arg ? 7 : 6, argv, &o, &e) < 0)
			cr_assert(!strstr(e.msg, "unknown option") &&
				      !strstr(e.msg, "unexpected option") &&
				      !strstr(e.msg, "needs a value"),
				  "%s: %s", opt, e.msg);
		lk_options_free(&o);
	}
}

Test(vocab, an_option_given_its_default_is_the_same_as_left_out)
{
	size_t n;
	const struct lk_optdef *d = lk_launch_optdefs(&n);
	char prog[] = "linkem-launch", peers[] = "-n", one[] = "1",
	     dashdash[] = "--", cmd[] = "true";
	char *plain[] = {prog, peers, one, dashdash, cmd, NULL};
	struct lk_options a;
	struct lk_error e = {0};
	unsigned with_default = 0;

	cr_assert_eq(lk_options_parse(5, plain, &a, &e), 0, "%s", e.msg);
	for (size_t i = 0; i < n; i++) {
		char opt[64], val[128];
		char *argv[] = {prog, opt,	val, peers,
				one,  dashdash, cmd, NULL};
		struct lk_options b;

		if (!d[i].deflt)
			continue;
		with_default++;
		snprintf(opt, sizeof(opt), "--%s", d[i].name);
		snprintf(val, sizeof(val), "%s", d[i].deflt);
		cr_assert_eq(lk_options_parse(7, argv, &b, &e), 0, "%s %s: %s",
			     opt, val, e.msg);
		cr_assert(same_options(&a, &b),
			  "%s %s differs from leaving it out: the table's "
			  "default is not the parser's",
			  opt, val);
		lk_options_free(&b);
	}
	cr_assert_geq(with_default, 3);
	lk_options_free(&a);
}

Test(vocab, launch_man_page_documents_exactly_the_options)
{
	size_t n;
	const struct lk_optdef *d = lk_launch_optdefs(&n);

	check_man_options("docs/linkem-launch.1", d, n);
}

Test(vocab, ctl_man_page_documents_exactly_the_options)
{
	size_t n;
	const struct lk_optdef *d = lk_ctl_optdefs(&n);

	/* cmd_ctl.c builds its getopt tables in arrays of 8. */
	cr_assert_lt(n, 8);
	check_man_options("docs/linkem-ctl.1", d, n);
}

/* ---- commands --------------------------------------------------------- */

static const struct lk_command *find_cmd(const char *name)
{
	return lk_command_find(name,
			       LK_CMD_SERVED | LK_CMD_TIMELINE | LK_CMD_LOCAL);
}

/* "NAME ARGS" as the table has it. */
static void cmd_synopsis(const struct lk_command *c, char *out, size_t size)
{
	snprintf(out, size, "%s%s%s", c->name, *c->args ? " " : "", c->args);
}

Test(vocab, ctl_help_lists_every_command_and_option)
{
	size_t n, no;
	const struct lk_command *c = lk_commands(&n);
	const struct lk_optdef *d = lk_ctl_optdefs(&no);
	char *help = ctl_usage();
	static const char *const also[] = {"watch", NULL};

	for (size_t i = 0; i < n; i++) {
		char syn[128], line[140];

		cr_assert(find_cmd(c[i].name) == &c[i], "%s twice", c[i].name);
		cmd_synopsis(&c[i], syn, sizeof(syn));
		snprintf(line, sizeof(line), "\n  %s ", syn);
		cr_assert(strstr(help, line), "linkem-ctl --help lacks '%s'",
			  syn);
	}
	for (size_t i = 0; i < no; i++) {
		char syn[128], line[140];

		lk_optdef_synopsis(&d[i], syn, sizeof(syn));
		snprintf(line, sizeof(line), "\n  %s ", syn);
		cr_assert(strstr(help, line), "linkem-ctl --help lacks '%s'",
			  syn);
	}
	check_widths("linkem-ctl --help", help);
	check_dashes("linkem-ctl --help", help, also);
	free(help);
}

Test(vocab, ctl_man_page_documents_exactly_the_commands)
{
	static struct section s;
	size_t n;
	const struct lk_command *c = lk_commands(&n);
	unsigned seen[32] = {0};

	cr_assert(n <= 32);
	man_section("docs/linkem-ctl.1", "COMMANDS", &s);
	for (size_t i = 0; i < s.n; i++) {
		char name[64], syn[128];
		const struct lk_command *k;

		snprintf(name, sizeof(name), "%.*s",
			 (int)strcspn(s.e[i].tag, " "), s.e[i].tag);
		k = find_cmd(name);
		cr_assert(k,
			  "linkem-ctl(1) documents '%s', which is not in "
			  "the command table",
			  s.e[i].tag);
		cmd_synopsis(k, syn, sizeof(syn));
		cr_assert_str_eq(s.e[i].tag, syn,
				 "linkem-ctl(1) has '%s', the table '%s'",
				 s.e[i].tag, syn);
		cr_assert(strlen(s.e[i].body) > 10, "%s: no description", name);
		seen[k - c]++;
	}
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(seen[i], 1,
			     "linkem-ctl(1) documents '%s' %u times", c[i].name,
			     seen[i]);
}

/* The backquoted words of text up to its first stop ("." at the end of a
 * sentence, or "\n\n"), e.g. "`set`, `clear`, ...". */
static size_t quoted_words(const char *text, char words[][64], size_t max)
{
	const char *end = strstr(text, ".\n");
	size_t n = 0;

	if (!end || (strstr(text, "\n\n") && strstr(text, "\n\n") < end))
		end = strstr(text, "\n\n");
	for (const char *p = strchr(text, '`'); p && p < end && n < max;) {
		const char *q = strchr(p + 1, '`');

		if (!q)
			break;
		snprintf(words[n++], 64, "%.*s", (int)(q - p - 1), p + 1);
		p = strchr(q + 1, '`');
	}
	return n;
}

/* The names in words are exactly the commands taken where. */
static void check_names(const char *what, char words[][64], size_t nw,
			unsigned where)
{
	size_t n;
	const struct lk_command *c = lk_commands(&n);

	for (size_t i = 0; i < nw; i++)
		cr_assert(lk_command_find(words[i], where),
			  "%s names '%s', which is not one of them", what,
			  words[i]);
	for (size_t i = 0; i < n; i++) {
		bool named = false;

		for (size_t j = 0; j < nw; j++)
			named |= strcmp(words[j], c[i].name) == 0;
		cr_assert_eq(named, (c[i].where & where) != 0, "%s %s '%s'",
			     what, named ? "should not name" : "lacks",
			     c[i].name);
	}
}

Test(vocab, control_protocol_doc_has_every_command)
{
	char *doc = slurp("docs/control-protocol.md"), *p;
	char words[32][64];
	size_t n, nw = 0;
	const struct lk_command *c = lk_commands(&n);

	/* The table of linkem-ctl's commands: "| `set SPEC...` | ..." */
	for (p = strstr(doc, "\n| `"); p; p = strstr(p + 1, "\n| `")) {
		const char *end = strstr(p + 3, " | ");

		for (const char *q = strchr(p, '`'); q && q < end;) {
			const char *r = strchr(q + 1, '`');
			char syn[128], name[64];
			const struct lk_command *k;

			snprintf(syn, sizeof(syn), "%.*s", (int)(r - q - 1),
				 q + 1);
			snprintf(name, sizeof(name), "%.*s",
				 (int)strcspn(syn, " "), syn);
			k = find_cmd(name);
			cr_assert(k,
				  "control-protocol.md: '%s' is not in "
				  "the command table",
				  syn);
			cmd_synopsis(k, name, sizeof(name));
			cr_assert_str_eq(syn, name,
					 "control-protocol.md has '%s', the "
					 "table '%s'",
					 syn, name);
			cr_assert(nw < 32);
			snprintf(words[nw++], 64, "%s", k->name);
			q = strchr(r + 1, '`');
		}
	}
	check_names("control-protocol.md's table of commands", words, nw,
		    LK_CMD_SERVED | LK_CMD_LOCAL);

	/* The request's "cmd": every command served. */
	p = strstr(doc, "* `cmd` (required)");
	cr_assert(p, "control-protocol.md: no '* `cmd` (required)'");
	nw = quoted_words(strchr(p, '(') + 10, words, 32);
	check_names("control-protocol.md's `cmd`", words, nw, LK_CMD_SERVED);

	/* Timelines: the commands they take, and an --at example of each
	 * form. */
	p = strstr(doc, "The commands are those of linkem-ctl that change");
	cr_assert(p, "control-protocol.md: no list of the timelines' "
		     "commands");
	nw = quoted_words(p, words, 32);
	check_names("control-protocol.md's Timelines", words, nw,
		    LK_CMD_TIMELINE);
	p = strstr(doc, "`--at TIME:SPEC` (repeatable)");
	cr_assert(p);
	for (size_t i = 0; i < n; i++) {
		char form[80];

		if (c[i].at == LK_AT_KEYED)
			snprintf(form, sizeof(form), ":%s=", c[i].name);
		else if (c[i].at == LK_AT_BARE)
			snprintf(form, sizeof(form), ":%s ", c[i].name);
		else
			continue;
		cr_assert(strstr(p, form),
			  "control-protocol.md: no --at example with '%s'",
			  form);
	}
	free(doc);
}

/* Where the timelines' commands are listed, each is, and no other. */
Test(vocab, timeline_commands_are_named_wherever_timelines_are)
{
	static struct section s;
	size_t n, nl;
	const struct lk_command *c = lk_commands(&n);
	const struct lk_optdef *at = find_opt(lk_launch_optdefs(&nl), nl, "at");
	const char *man_at = NULL;

	cr_assert(at);
	man_section("docs/linkem-launch.1", "OPTIONS", &s);
	for (size_t i = 0; i < s.n; i++)
		if (strncmp(s.e[i].tag, "--at ", 5) == 0)
			man_at = s.e[i].body;
	cr_assert(man_at);
	for (size_t i = 0; i < n; i++) {
		char form[80];

		if (c[i].at == LK_AT_KEYED)
			snprintf(form, sizeof(form), "%s=", c[i].name);
		else if (c[i].at == LK_AT_BARE)
			snprintf(form, sizeof(form), "%s", c[i].name);
		else
			continue;
		cr_assert_eq(c[i].where & LK_CMD_TIMELINE, LK_CMD_TIMELINE);
		cr_assert(strstr(at->help, form), "--help's --at lacks '%s'",
			  form);
		cr_assert(strstr(man_at, form),
			  "linkem-launch(1)'s --at lacks '%s'", form);
	}
	man_section("docs/linkem-ctl.1", "TIMELINES", &s);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(has_word(s.text, c[i].name),
			     (c[i].where & LK_CMD_TIMELINE) != 0,
			     "linkem-ctl(1)'s TIMELINES %s '%s'",
			     has_word(s.text, c[i].name) ? "should not name"
							 : "lacks",
			     c[i].name);
}

Test(vocab, at_forms_and_names_come_from_the_table)
{
	const char *arg;
	char names[256];

	cr_assert_str_eq(lk_command_at("heal", &arg)->name, "heal");
	cr_assert_null(arg);
	cr_assert_str_eq(lk_command_at("down=3", &arg)->name, "down");
	cr_assert_str_eq(arg, "3");
	cr_assert_str_eq(lk_command_at("kill=2:KILL", &arg)->name, "kill");
	cr_assert_str_eq(arg, "2:KILL");
	cr_assert_str_eq(lk_command_at("restart=2", &arg)->name, "restart");
	cr_assert_str_eq(lk_command_at("1-2:delay=5ms", &arg)->name, "set");
	cr_assert_str_eq(arg, "1-2:delay=5ms");
	cr_assert_str_eq(lk_command_at("healed", &arg)->name, "set");
	lk_command_names(LK_CMD_TIMELINE, names, sizeof(names));
	cr_assert_str_eq(names, "set, clear, partition, heal, down, up, kill "
				"or restart");
	cr_assert_null(lk_command_find("list", LK_CMD_SERVED));
	cr_assert_null(lk_command_find("show", LK_CMD_TIMELINE));
}

/* ---- docs/ ------------------------------------------------------------ */

Test(vocab, docs_name_only_options_that_exist)
{
	/* Options of other programs the docs show: Criterion's test
	 * binaries and tests/vm/run.sh; and "stats --watch". */
	static const char *const others[] = {
	    "filter", "jobs", "verbose", "share", "timeout", "watch", NULL};
	char pattern[2048];
	glob_t g;

	/* README.md and every docs/NAME.md and docs/NAME.1. */
	src_path("README.md", pattern, sizeof(pattern));
	cr_assert_eq(glob(pattern, 0, NULL, &g), 0, "%s", pattern);
	src_path("docs/*.md", pattern, sizeof(pattern));
	cr_assert_eq(glob(pattern, GLOB_APPEND, NULL, &g), 0, "%s", pattern);
	src_path("docs/*.1", pattern, sizeof(pattern));
	cr_assert_eq(glob(pattern, GLOB_APPEND, NULL, &g), 0, "%s", pattern);
	cr_assert_geq(g.gl_pathc, 5);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *path = g.gl_pathv[i];
		char *text = slurp(path), *save = NULL;
		static char rendered[65536];

		if (strcmp(path + strlen(path) - 2, ".1") != 0) {
			check_dashes(path, text, others);
			free(text);
			continue;
		}
		rendered[0] = '\0';
		for (char *line = strtok_r(text, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			char r[4096];

			render_line(line, r, sizeof(r));
			strncat(rendered, r,
				sizeof(rendered) - strlen(rendered) - 2);
			strcat(rendered, "\n");
		}
		check_dashes(path, rendered, others);
		free(text);
	}
	globfree(&g);
}
