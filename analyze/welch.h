/* SPDX-License-Identifier: MIT */
/* Private to analyze/: mean, spread and Welch's t-test (welch.c). */
#ifndef MMTRACE_ANALYZE_WELCH_H
#define MMTRACE_ANALYZE_WELCH_H

struct welch_group {
	int n;
	double mean, sd;	/* sample standard deviation (n - 1) */
};

void welch_summary(const double *v, int n, struct welch_group *g);
/* Two-sided p of Welch's t-test; -1 when a group has fewer than 2. */
double welch_p(const struct welch_group *a, const struct welch_group *b);

#endif
