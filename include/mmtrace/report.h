/* SPDX-License-Identifier: MIT */
/* Report rendering: from replay run directories to figures and tables. */
#ifndef MMTRACE_REPORT_H
#define MMTRACE_REPORT_H

#include <stddef.h>

/*
 * Renders the report of a compare directory (docs/replay-output.md):
 * reads DIR/policies.tsv and DIR/runs/NAME/, writes plots/, data/, figures,
 * summary.md, summary.txt and index.html into DIR.  Runs gnuplot.
 * Returns 0, or -1 with a one-line message in err.
 */
int mmt_report_render(const char *dir, char *err, size_t errlen);

/*
 * The colour of the index-th policy (0-based), "#rrggbb", from a fixed
 * colour-blind-safe palette (Okabe-Ito).  compare writes it into
 * policies.tsv so every figure gives a policy the same colour.
 */
const char *mmt_report_colour(unsigned index);

#endif
