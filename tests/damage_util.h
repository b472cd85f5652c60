/* SPDX-License-Identifier: MIT */
/* Damaging a trace on purpose, at a named place (header-only: each suite
 * is its own binary).  Section kinds as in traces/FORMAT.md. */
#ifndef MMTRACE_DAMAGE_UTIL_H
#define MMTRACE_DAMAGE_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum { DU_HEADER = 1, DU_SNAP_START = 2, DU_EVENTS = 3, DU_SNAP_END = 4,
       DU_INDEX = 5, DU_FOOTER = 100 };

/* Offset of the nth (0-based) section of `kind` in a file image, walking
 * the section headers from the preamble (DU_FOOTER: the last 32 bytes);
 * 0 when there is none. */
static inline uint64_t du_section(const uint8_t *file, size_t len,
				  unsigned kind, unsigned nth)
{
	uint64_t off = 16;

	if (kind == DU_FOOTER)
		return len >= 48 ? len - 32 : 0;
	while (off + 48 <= len) {
		const uint8_t *h = file + off;
		uint32_t comp = (uint32_t)h[8] | (uint32_t)h[9] << 8 |
				(uint32_t)h[10] << 16 | (uint32_t)h[11] << 24;

		if ((unsigned)(h[4] | h[5] << 8) == kind && !nth--)
			return off;
		off += 48 + comp;
	}
	return 0;
}

/* In the trace at `path`, rewritten in place: byte `at` of the nth
 * section of `kind` xor x.  Returns the section's offset, 0 when there is
 * no such section (the file is then left as it was). */
static inline uint64_t du_flip(const char *path, unsigned kind, unsigned nth,
			       uint64_t at, uint8_t x)
{
	FILE *f = fopen(path, "r+b");
	uint8_t *buf = NULL;
	uint64_t off = 0;
	long len;

	if (!f)
		return 0;
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) <= 0 ||
	    !(buf = malloc((size_t)len)) || fseek(f, 0, SEEK_SET) ||
	    fread(buf, 1, (size_t)len, f) != (size_t)len)
		goto out;
	off = du_section(buf, (size_t)len, kind, nth);
	if (!off || off + at >= (uint64_t)len) {
		off = 0;
		goto out;
	}
	buf[off + at] ^= x;
	if (fseek(f, (long)(off + at), SEEK_SET) ||
	    fwrite(buf + off + at, 1, 1, f) != 1)
		off = 0;
out:
	free(buf);
	fclose(f);
	return off;
}

#endif
