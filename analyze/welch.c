/* SPDX-License-Identifier: MIT */
/*
 * Welch's t-test for `mmtrace diff`: do two groups of captures differ in
 * a metric's mean more than their spread explains?  Two-sided p from the
 * Student t distribution with Welch-Satterthwaite degrees of freedom,
 * through the regularized incomplete beta function (continued fraction,
 * Numerical Recipes' betacf scheme, written from the formulas).
 */
#include <math.h>
#include "welch.h"

/* Continued fraction of I_x(a, b) (Lentz's method). */
static double betacf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double c = 1, d = 1 - (a + b) * x / (a + 1), h;

	d = fabs(d) < tiny ? tiny : d;
	d = 1 / d;
	h = d;
	for (int m = 1; m <= 300; m++) {
		double m2 = 2.0 * m, aa, del;

		aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
		d = 1 + aa * d;
		d = fabs(d) < tiny ? tiny : d;
		c = 1 + aa / c;
		c = fabs(c) < tiny ? tiny : c;
		d = 1 / d;
		h *= d * c;
		aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
		d = 1 + aa * d;
		d = fabs(d) < tiny ? tiny : d;
		c = 1 + aa / c;
		c = fabs(c) < tiny ? tiny : c;
		d = 1 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-12)
			break;
	}
	return h;
}

/* Regularized incomplete beta I_x(a, b). */
static double ibeta(double a, double b, double x)
{
	double bt;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	bt = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log(1 - x));
	if (x < (a + 1) / (a + b + 2))
		return bt * betacf(a, b, x) / a;
	return 1 - bt * betacf(b, a, 1 - x) / b;
}

void welch_summary(const double *v, int n, struct welch_group *g)
{
	double s = 0, ss = 0;

	g->n = n;
	for (int i = 0; i < n; i++)
		s += v[i];
	g->mean = n ? s / n : 0;
	for (int i = 0; i < n; i++)
		ss += (v[i] - g->mean) * (v[i] - g->mean);
	g->sd = n > 1 ? sqrt(ss / (n - 1)) : 0;
}

double welch_p(const struct welch_group *a, const struct welch_group *b)
{
	double va, vb, t, df;

	if (a->n < 2 || b->n < 2)
		return -1;		/* no spread to test against */
	va = a->sd * a->sd / a->n;
	vb = b->sd * b->sd / b->n;
	if (va + vb <= 0)
		return a->mean == b->mean ? 1 : 0;
	t = (a->mean - b->mean) / sqrt(va + vb);
	df = (va + vb) * (va + vb) /
	     (va * va / (a->n - 1) + vb * vb / (b->n - 1));
	/* two-sided: P(|T| > |t|) = I_{df/(df+t^2)}(df/2, 1/2) */
	return ibeta(df / 2, 0.5, df / (df + t * t));
}
