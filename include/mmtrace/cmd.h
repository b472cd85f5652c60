/* SPDX-License-Identifier: MIT */
/* Subcommands of the mmtrace binary.  Each parses its own options
 * (getopt_long), supports --help, and returns the process exit code. */
#ifndef MMTRACE_CMD_H
#define MMTRACE_CMD_H

int cmd_record(int argc, char **argv);	/* collector/record.c */
int cmd_info(int argc, char **argv);	/* traces/info.c */
int cmd_dump(int argc, char **argv);	/* traces/dump.c */
int cmd_stat(int argc, char **argv);	/* analyze/stat.c */
int cmd_import(int argc, char **argv);	/* import/import.c */
int cmd_diff(int argc, char **argv);	/* analyze/diff.c */
int cmd_zones(int argc, char **argv);	/* replay/zones.c */
int cmd_replay(int argc, char **argv);	/* replay/replay.c */
int cmd_compare(int argc, char **argv);	/* replay/compare.c */
int cmd_validate(int argc, char **argv);	/* validate/validate.c */
int cmd_report(int argc, char **argv);	/* report/report.c */
int cmd_list(int argc, char **argv);	/* replay/list.c */
int cmd_sweep(int argc, char **argv);	/* replay/sweep.c */

#endif
