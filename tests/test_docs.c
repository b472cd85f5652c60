/* SPDX-License-Identifier: MIT */
/*
 * The conventions every subcommand keeps (README, "Adding a subcommand"):
 *  - `mmtrace --help` lists it; `mmtrace help NAME` prints what
 *    `mmtrace NAME --help` prints, which ends with EXAMPLES;
 *  - man/mmtrace-NAME.1 exists, has the usual sections, names every long
 *    option of the --help text and carries its examples word for word;
 *    every page lints clean with mandoc -Tlint and man --warnings;
 *  - every example (except record's, which needs root and time) runs and
 *    exits 0 in a scratch folder where trace.mmt is a sample trace;
 *  - `mmtrace --version` names the git revision, or says that a build
 *    outside a git checkout has none;
 *  - make install PREFIX=... puts the binary, plots and man pages in
 *    place, and make uninstall takes exactly those away.
 * Run from the source tree (make test does); $MMTRACE is the binary.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "cli_util.h"
#include "mmtrace/event.h"

#define MAX_CMDS 32
#define SAMPLE "traces/samples/compile.mmt"

static const char *bin(void)
{
	const char *b = getenv("MMTRACE");
	return b ? b : "build/mmtrace";
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	static char buf[1 << 18];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	return strdup(buf);
}

/* The subcommands `mmtrace --help` lists: lines "  NAME  what". */
static int commands(char names[MAX_CMDS][32])
{
	int n = 0;

	assert_int_equal(cli_run(0, "%s --help", bin()), 0);
	for (char *l = strtok(cli_out, "\n"); l; l = strtok(NULL, "\n")) {
		char name[32];

		if (strncmp(l, "  ", 2) || l[2] == ' ' ||
		    sscanf(l + 2, "%31s", name) != 1 || n == MAX_CMDS)
			continue;
		strcpy(names[n++], name);
	}
	assert_true(n >= 8);
	return n;
}

/* A man page's text with roff's \- and \e undone, as a reader sees it. */
static char *man_plain(const char *roff)
{
	char *p = malloc(strlen(roff) + 1), *o = p;

	assert_non_null(p);
	for (const char *s = roff; *s; s++) {
		if (s[0] == '\\' && (s[1] == '-' || s[1] == 'e')) {
			*o++ = s[1] == '-' ? '-' : '\\';
			s++;
		} else {
			*o++ = *s;
		}
	}
	*o = 0;
	return p;
}

/* The examples of a --help text: each command line (4 spaces in under
 * EXAMPLES), continuation lines joined.  Returns how many. */
static int examples(const char *help, char ex[][512], int max)
{
	const char *s = strstr(help, "\nEXAMPLES\n");
	int n = 0;

	if (!s)
		return 0;
	s += strlen("\nEXAMPLES\n");
	while (*s && n < max) {
		const char *e = strchr(s, '\n');
		size_t len = e ? (size_t)(e - s) : strlen(s);

		if (len > 4 && !strncmp(s, "    ", 4)) {
			bool cont = n > 0 && ex[n - 1][0] &&
				    ex[n - 1][strlen(ex[n - 1]) - 1] == '\\';
			if (!cont)
				ex[n++][0] = 0;
			else
				ex[n - 1][strlen(ex[n - 1]) - 1] = 0;
			const char *t = s + 4;
			while (cont && *t == ' ')
				t++;
			strncat(ex[n - 1], t, (size_t)(s + len - t));
		} else if (len && s[0] != ' ') {
			break;		/* a next section */
		}
		s = e ? e + 1 : s + len;
	}
	return n;
}

static void help_and_man_agree(void **state)
{
	char names[MAX_CMDS][32];
	int n = commands(names);
	(void)state;

	char *top = slurp("man/mmtrace.1");
	assert_non_null(top);
	for (int i = 0; i < n; i++) {
		char path[2048], needle[2048];

		assert_int_equal(cli_run(0, "%s %s --help", bin(), names[i]), 0);
		char *help = strdup(cli_out);
		snprintf(needle, sizeof(needle), "usage: mmtrace %s", names[i]);
		if (!strstr(help, needle))
			fail_msg("%s --help: no '%s'", names[i], needle);
		assert_int_equal(cli_run(0, "%s help %s", bin(), names[i]), 0);
		if (strcmp(cli_out, help))
			fail_msg("'mmtrace help %s' differs from '%s --help'",
				 names[i], names[i]);
		char ex[16][512];
		int nex = examples(help, ex, 16);
		if (!nex)
			fail_msg("%s --help: no EXAMPLES section", names[i]);

		snprintf(path, sizeof(path), "man/mmtrace-%s.1", names[i]);
		char *roff = slurp(path);
		if (!roff)
			fail_msg("%s: missing", path);
		static const char *const sections[] = { ".SH NAME", ".SH SYNOPSIS",
			".SH DESCRIPTION", ".SH OPTIONS", ".SH EXIT STATUS",
			".SH EXAMPLES", ".SH SEE ALSO" };
		for (size_t k = 0; k < sizeof(sections) / sizeof(sections[0]); k++)
			if (!strstr(roff, sections[k]))
				fail_msg("%s: no '%s'", path, sections[k]);
		char *man = man_plain(roff);
		/* every long option of the help text */
		for (const char *o = strstr(help, "--"); o; o = strstr(o + 2, "--")) {
			char opt[64];
			size_t len = 2 + strspn(o + 2, "abcdefghijklmnopqrstuvwxyz-");
			if (len <= 3 || len >= sizeof(opt) || (o > help && o[-1] != ' ' &&
			    o[-1] != '[' && o[-1] != '|' && o[-1] != '\n'))
				continue;
			memcpy(opt, o, len);
			opt[len] = 0;
			if (!strstr(man, opt))
				fail_msg("%s: does not name %s", path, opt);
		}
		/* every example line, word for word */
		for (const char *l = strstr(help, "\nEXAMPLES\n"); l && *l;) {
			const char *e = strchr(++l, '\n');
			size_t len = e ? (size_t)(e - l) : strlen(l);
			char line[512];

			if (len > 4 && len < sizeof(line) && !strncmp(l, "    ", 4)) {
				size_t lead = strspn(l, " ");
				memcpy(line, l + lead, len - lead);
				line[len - lead] = 0;
				if (!strstr(man, line))
					fail_msg("%s: lacks the example line '%s'", path, line);
			}
			l = e;
		}
		snprintf(needle, sizeof(needle), ".BR mmtrace\\-%s (1)", names[i]);
		if (!strstr(top, needle))
			fail_msg("man/mmtrace.1: no '%s'", needle);
		free(man);
		free(roff);
		free(help);
	}
	free(top);
}

/* mmtrace list: every event kind with its source and fields, every
 * sysctl with a default and a range, as TSV with one header row. */
static void list_is_complete(void **state)
{
	int rows = 0;
	(void)state;

	assert_int_equal(cli_run(0, "%s list --tsv events", bin()), 0);
	assert_true(!strncmp(cli_out, "kind\tsource\tfields\n", 19));
	for (char *l = strtok(cli_out + 19, "\n"); l; l = strtok(NULL, "\n")) {
		char *t1 = strchr(l, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		if (!t2 || t1 == l || t2 == t1 + 1 || !t2[1] || strchr(t2 + 1, '\t'))
			fail_msg("list events: row '%s' lacks a field", l);
		rows++;
	}
	assert_int_equal(rows, MMT_EV__COUNT - 1);
	assert_int_equal(cli_run(0, "%s list --tsv sysctls", bin()), 0);
	assert_non_null(strstr(cli_out, "vm.defrag_mode\t0\t0..1\t"));
	assert_non_null(strstr(cli_out, "vm.zone_reclaim_mode\t0\t0..7\t"));
	assert_int_equal(cli_run(1, "%s list nonsense", bin()), 2);
}

static void man_pages_lint_clean(void **state)
{
	(void)state;
	if (cli_run(1, "command -v mandoc") != 0)
		fail_msg("mandoc is not installed (make deps installs it)");
	int rc = cli_run(1, "for f in man/*.1; do mandoc -Tlint -Wwarning \"$f\"; "
			    "man --warnings -l -Tutf8 \"$f\" 2>&1 >/dev/null; done");
	if (rc || cli_out[0])
		fail_msg("man pages do not lint clean:\n%s", cli_out);
}

/* Each example of every --help but record's runs and exits 0, in order
 * (report's use what replay's and compare's wrote). */
static void examples_run(void **state)
{
	char names[MAX_CMDS][32], dir[] = "/tmp/mmtrace-docs-XXXXXX", cwd[4096];
	int n = commands(names);
	(void)state;

	assert_non_null(mkdtemp(dir));
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	char *abs = realpath(bin(), NULL);
	assert_non_null(abs);
	*strrchr(abs, '/') = 0;
	assert_int_equal(cli_run(1, "ln -s %s/%s %s/trace.mmt", cwd, SAMPLE, dir), 0);
	/* the samples predate process names: --comm examples need them */
	bool has_names = cli_run(1, "%s dump --comm nobody %s/trace.mmt", bin(), dir) == 0;
	int ran = 0;
	for (int i = 0; i < n; i++) {
		char ex[16][512];

		if (!strcmp(names[i], "record"))
			continue;	/* needs root, BPF and seconds of time */
		assert_int_equal(cli_run(0, "%s %s --help", bin(), names[i]), 0);
		char *help = strdup(cli_out);
		int nex = examples(help, ex, 16);
		free(help);
		for (int k = 0; k < nex; k++) {
			if (strstr(ex[k], "| jq") && cli_run(1, "command -v jq"))
				continue;
			if (strstr(ex[k], "--comm") && !has_names)
				continue;
			/* Slurm is not here; an absolute path would write
			 * outside the scratch folder */
			if (strstr(ex[k], "sbatch") || strstr(ex[k], " /"))
				continue;
			char script[4096];
			snprintf(script, sizeof(script), "%s/example.sh", dir);
			FILE *f = fopen(script, "w");
			assert_non_null(f);
			fprintf(f, "%s\n", ex[k]);
			assert_int_equal(fclose(f), 0);
			int rc = cli_run(1, "cd %s && PATH=%s:$PATH sh example.sh >/dev/null",
					 dir, abs);
			if (rc)
				fail_msg("example '%s' exited %d:\n%s", ex[k], rc, cli_out);
			ran++;
		}
	}
	assert_true(ran >= 10);
	assert_int_equal(cli_run(1, "rm -rf %s", dir), 0);
	free(abs);
}

static void help_and_version(void **state)
{
	(void)state;
	assert_int_equal(cli_run(0, "%s help", bin()), 0);
	assert_non_null(strstr(cli_out, "usage: mmtrace COMMAND"));
	assert_int_equal(cli_run(1, "%s help nonsense", bin()), 2);
	assert_non_null(strstr(cli_out, "unknown command 'nonsense'"));

	/* in a checkout: the revision HEAD is at */
	assert_int_equal(cli_run(0, "%s --version", bin()), 0);
	char *version = strdup(cli_out);
	assert_true(!strncmp(version, "mmtrace ", 8));
	if (cli_run(0, "git rev-parse --short=12 HEAD") == 0 && cli_out[0]) {
		char want[64];
		snprintf(want, sizeof(want), "(git %.12s", cli_out);
		if (!strstr(version, want))
			fail_msg("--version '%s' lacks '%s'", version, want);
	} else {
		assert_non_null(strstr(version, "revision unknown"));
	}
	free(version);
	/* outside a checkout: no revision, said so; a packager's wins */
	char dir[] = "/tmp/mmtrace-ver-XXXXXX";
	assert_non_null(mkdtemp(dir));
	assert_int_equal(cli_run(1, "mkdir %s/scripts && cp scripts/version.sh %s/scripts/ && "
				 "sh %s/scripts/version.sh 0.1", dir, dir, dir), 0);
	assert_non_null(strstr(cli_out, "#define MMTRACE_REVISION \"\""));
	assert_int_equal(cli_run(1, "MMTRACE_REVISION=v0.1-3-gabc sh %s/scripts/version.sh 0.1",
				 dir), 0);
	assert_non_null(strstr(cli_out, "#define MMTRACE_REVISION \"v0.1-3-gabc\""));
	assert_int_equal(cli_run(1, "rm -rf %s", dir), 0);
}

static void install_uninstall(void **state)
{
	char dir[] = "/tmp/mmtrace-inst-XXXXXX";
	(void)state;

	assert_non_null(mkdtemp(dir));
	char *b = strdup(bin()), *slash = strrchr(b, '/');
	assert_non_null(slash);
	*slash = 0;	/* the build folder: install what was built, no rebuild */
	const char *make = "env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s";
	int rc = cli_run(1, "%s BUILD=%s -o %s/mmtrace install PREFIX=%s/usr",
			 make, b, b, dir);
	if (rc)
		fail_msg("make install: %s", cli_out);
	assert_int_equal(cli_run(1, "%s/usr/bin/mmtrace --version", dir), 0);
	assert_int_equal(cli_run(1, "ls %s/usr/share/mmtrace/plots/frag.gp "
				 "%s/usr/share/man/man1/mmtrace.1 "
				 "%s/usr/share/man/man1/mmtrace-replay.1", dir, dir, dir), 0);
	assert_int_equal(cli_run(1, "MANPATH=%s/usr/share/man man -w mmtrace-list", dir), 0);
	assert_non_null(strstr(cli_out, "/usr/share/man/man1/mmtrace-list.1"));
	rc = cli_run(1, "%s BUILD=%s -o %s/mmtrace uninstall PREFIX=%s/usr",
		     make, b, b, dir);
	if (rc)
		fail_msg("make uninstall: %s", cli_out);
	assert_int_equal(cli_run(0, "find %s -type f | wc -l", dir), 0);
	assert_int_equal(atoi(cli_out), 0);
	assert_int_equal(cli_run(1, "test -e %s/usr/share/mmtrace", dir), 1);
	assert_int_equal(cli_run(1, "rm -rf %s", dir), 0);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(help_and_man_agree),
		cmocka_unit_test(list_is_complete),
		cmocka_unit_test(man_pages_lint_clean),
		cmocka_unit_test(examples_run),
		cmocka_unit_test(help_and_version),
		cmocka_unit_test(install_uninstall),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
