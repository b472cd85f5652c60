/* SPDX-License-Identifier: MIT */
/*
 * The input cursor every payload decoder reads with: varints, strings and
 * the checked reads (mmt_cur_get and friends) that range-check a value and
 * name it in a one-line error, and the decoding budget.  Its own file: these
 * run once a value, and the fuzzing build (Makefile, SAN=fuzz) keeps their
 * branches but not their compares as feedback.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec.h"

typedef unsigned long long ull;

uint64_t mmt_cur_uv(struct mmt_cur *c)
{
	uint64_t v = 0;

	/* most values of a header or snapshot fit one byte */
	if (c->p < c->end && *c->p < 0x80)
		return *c->p++;
	for (int shift = 0; shift < 64; shift += 7) {
		if (c->p >= c->end) {
			c->bad = 1;
			return 0;
		}
		uint8_t byte = *c->p++;
		v |= (uint64_t)(byte & 0x7f) << shift;
		if (!(byte & 0x80))
			return v;
	}
	c->bad = 1;
	return 0;
}

int64_t mmt_cur_sv(struct mmt_cur *c)
{
	return mmt_unzigzag(mmt_cur_uv(c));
}

void mmt_cur_str(struct mmt_cur *c, char *dst, size_t dstlen)
{
	uint64_t n = mmt_cur_uv(c);
	dst[0] = 0;
	if (c->bad || n > (uint64_t)(c->end - c->p)) {
		c->bad = 1;
		return;
	}
	size_t k = n < dstlen - 1 ? (size_t)n : dstlen - 1;
	memcpy(dst, c->p, k);
	dst[k] = 0;
	c->p += n;
}

uint64_t mmt_cur_count(struct mmt_cur *c, size_t min_bytes)
{
	uint64_t n = mmt_cur_uv(c);
	if (c->bad || n > (uint64_t)(c->end - c->p) / (min_bytes ? min_bytes : 1)) {
		c->bad = 1;
		return 0;
	}
	return n;
}

void mmt_cur_fail(struct mmt_cur *c, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (c->bad && c->why[0])
		return;		/* the first failure is the one to report */
	c->bad = 1;
	if (c->item)
		n = snprintf(c->why, sizeof(c->why), "%s %llu: ", c->item,
			     (ull)c->index);
	if (n < 0 || (size_t)n >= sizeof(c->why))
		return;
	va_start(ap, fmt);
	vsnprintf(c->why + n, sizeof(c->why) - (size_t)n, fmt, ap);
	va_end(ap);
}

/* A read of `field` failed: the payload ended, or a varint ran on. */
static void short_read(struct mmt_cur *c, const char *field)
{
	mmt_cur_fail(c, "%s: %s", field, c->p >= c->end ?
		     "the payload ends before it" : "malformed varint");
}

uint64_t mmt_cur_get(struct mmt_cur *c, const char *field, uint64_t max)
{
	uint64_t v;

	if (c->bad)
		return 0;
	v = mmt_cur_uv(c);
	if (c->bad) {
		short_read(c, field);
		return 0;
	}
	if (v > max) {
		mmt_cur_fail(c, "%s: %llu out of range (at most %llu)", field,
			     (ull)v, (ull)max);
		return 0;
	}
	return v;
}

int64_t mmt_cur_sget(struct mmt_cur *c, const char *field, int64_t min,
		     int64_t max)
{
	int64_t v;

	if (c->bad)
		return 0;
	v = mmt_cur_sv(c);
	if (c->bad) {
		short_read(c, field);
		return 0;
	}
	if (v < min || v > max) {
		mmt_cur_fail(c, "%s: %lld out of range (%lld..%lld)", field,
			     (long long)v, (long long)min, (long long)max);
		return 0;
	}
	return v;
}

void mmt_cur_text(struct mmt_cur *c, const char *field, char *dst,
		  size_t dstlen)
{
	uint64_t n;

	dst[0] = 0;
	if (c->bad)
		return;
	n = mmt_cur_uv(c);
	if (c->bad) {
		short_read(c, field);
		return;
	}
	if (n > (uint64_t)(c->end - c->p)) {
		mmt_cur_fail(c, "%s: a string of %llu bytes, %llu left", field,
			     (ull)n, (ull)(c->end - c->p));
		return;
	}
	size_t k = n < dstlen - 1 ? (size_t)n : dstlen - 1;
	memcpy(dst, c->p, k);
	dst[k] = 0;
	c->p += n;
}

uint64_t mmt_cur_items(struct mmt_cur *c, const char *field, size_t min_bytes,
		       uint64_t max)
{
	uint64_t n = mmt_cur_get(c, field, max);

	if (!c->bad && n > (uint64_t)(c->end - c->p) / (min_bytes ? min_bytes : 1)) {
		mmt_cur_fail(c, "%s: %llu entries of %zu bytes or more, %llu bytes left",
			     field, (ull)n, min_bytes, (ull)(c->end - c->p));
		return 0;
	}
	return n;
}

int mmt_cur_charge(struct mmt_cur *c, const char *field, uint64_t bytes)
{
	if (!c->budget)
		return 0;
	if (bytes > *c->budget) {
		mmt_cur_fail(c, "%s: %llu bytes decoded, more than a file of this "
			     "size may take (%llu left of its budget)", field,
			     (ull)bytes, (ull)*c->budget);
		return -1;
	}
	*c->budget -= bytes;
	return 0;
}
