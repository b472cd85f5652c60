/* SPDX-License-Identifier: MIT */
/* Private to traces/: what the trace-reading subcommands (dump, info)
 * do alike around their own work, so they report the same way. */
#ifndef MMTRACE_TRACES_CLI_H
#define MMTRACE_TRACES_CLI_H

#include "mmtrace/cmd.h"
#include "mmtrace/trace.h"

/* Opens the one FILE operand left after getopt for `mmtrace CMD`, with
 * damaged blocks skipped (FORMAT.md, "Reading a damaged file"), and
 * stores its name in *path (when path is not NULL).  On failure prints
 * one line to stderr and returns NULL with *rc the exit status: 2 no or
 * several operands, 1 the file cannot be read (missing, no permission),
 * 3 it is not a readable trace. */
struct mmt_reader *trace_cli_open(const char *cmd, int argc, char **argv,
				  const char **path, int *rc);
#endif
