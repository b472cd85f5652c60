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

/* What the commands that read a trace share (traces/cli.c), so that they
 * treat damage alike (traces/FORMAT.md, "Reading a damaged file"). */
struct mmt_reader;
/* Opens TRACE for `mmtrace CMD`, damaged blocks to be skipped.  On
 * failure one line on stderr and NULL with *rc the exit status: 1 it
 * cannot be read (missing, no permission), 3 it is not a readable trace. */
struct mmt_reader *mmt_cmd_open_trace(const char *cmd, const char *path,
				      int *rc);
/* After the command's work: the truncation and damage met, one line each
 * on stderr; 3 when there was any (the readable part has been used),
 * else 0. */
int mmt_cmd_damage_status(const char *cmd, struct mmt_reader *r);
/* The --help paragraph on damage and exit status of those commands. */
extern const char mmt_cmd_damage_help[];
/* An output folder (-o DIR of replay, compare, diff), checked before any
 * work: an existing DIR must be a folder, and empty unless `force` (a
 * run's files would mix with an older run's); a missing one is created
 * by the command.  0, or the exit status with one line on stderr: 1 not a
 * folder or not readable, 2 not empty without --force. */
int mmt_cmd_check_outdir(const char *cmd, const char *dir, int force);

#endif
