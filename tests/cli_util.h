/* SPDX-License-Identifier: MIT */
/* Running the built mmtrace binary from a CLI suite (header-only: each
 * suite is its own binary; `make test` puts the binary in $MMTRACE). */
#ifndef MMTRACE_CLI_UTIL_H
#define MMTRACE_CLI_UTIL_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

/* stdout of the last cli_run(), and its stderr when asked for */
static char cli_out[1 << 20];

/* Runs a shell command built from fmt, captures its stdout in cli_out
 * (with stderr when `both`, else stderr is dropped); returns the exit
 * code, -1 when it did not exit. */
static int cli_run(int both, const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	strncat(cmd, both ? " 2>&1" : " 2>/dev/null",
		sizeof(cmd) - strlen(cmd) - 1);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t n = fread(cli_out, 1, sizeof(cli_out) - 1, p);
	cli_out[n] = 0;
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* A JSON number: the first "key": N after `from` (NULL: the start) in
 * text, -1 when absent. */
static inline double cli_jnum(const char *text, const char *from, const char *key)
{
	const char *p = from ? strstr(text, from) : text;
	char k[64];
	double v;

	snprintf(k, sizeof(k), "\"%s\":", key);
	if (!p || !(p = strstr(p, k)) || sscanf(p + strlen(k), "%lf", &v) != 1)
		return -1;
	return v;
}

#endif
