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
 * Renders the report section of a `mmtrace validate -o DIR` folder
 * (docs/validate.md): reads DIR/validate.tsv, writes DIR/validate.md,
 * DIR/data/validate_same.tsv, validate_across.tsv, DIR/plots/validate.gp,
 * the figure validate.svg/.png (gnuplot; skipped with a note in the page
 * when gnuplot is missing) and DIR/index.html.  0, or -1 with err.
 */
int mmt_report_validate(const char *dir, char *err, size_t errlen);

/*
 * The colour of the index-th policy (0-based), "#rrggbb", from a fixed
 * colour-blind-safe palette (Okabe-Ito).  compare writes it into
 * policies.tsv so every figure gives a policy the same colour.
 */
const char *mmt_report_colour(unsigned index);

#endif
