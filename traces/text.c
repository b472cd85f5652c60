/* SPDX-License-Identifier: MIT */
/*
 * Text from a trace on its way to a terminal or a JSON document.  Header
 * strings (release, zone and cache names, sysctl values, notes) are
 * whatever the file says: a crafted one can hold escape sequences that
 * move the cursor, retitle the window or rewrite what was printed.  So
 * every such string is escaped where it is printed: printable ASCII
 * passes, anything else becomes \xNN (text) or \u00NN (JSON).
 */
#include <stdio.h>
#include "mmtrace/trace.h"

const char *mmt_text(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	if (!len)
		return buf;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char e[5];
		size_t k;

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			e[0] = (char)c;
			k = 1;
		} else if (c == '\\') {
			e[0] = e[1] = '\\';
			k = 2;
		} else {
			snprintf(e, sizeof(e), "\\x%02x", c);
			k = 4;
		}
		if (n + k >= len)
			break;		/* cut whole escapes only */
		for (size_t i = 0; i < k; i++)
			buf[n++] = e[i];
	}
	buf[n] = 0;
	return buf;
}

void mmt_json_str(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);	/* a byte, as Latin-1 */
		else
			fputc(c, f);
	}
	fputc('"', f);
}
