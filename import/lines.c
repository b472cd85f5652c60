/* SPDX-License-Identifier: MIT */
/*
 * Splitting the event lines of `perf script -F comm,pid,cpu,time,event,
 * trace --ns` and `trace-cmd report -t`:
 *
 *   perf:      "      ls  4242 [001]  2645.154501769: kmem:kmalloc: call_site=..."
 *   trace-cmd: "inst:    ls-4242  [001]  2738.693857530: kmalloc:   (site) call_site=..."
 *
 * A command name may hold spaces and dashes, so the line is read from the
 * CPU field "[NNN]" outwards.  Every number is checked; a line that does
 * not have the shape is not an event line (-1).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "import.h"

/* The "[NNN]" CPU field: its '[' or NULL. */
static char *cpu_field(char *line)
{
	for (char *p = strchr(line, '['); p; p = strchr(p + 1, '[')) {
		char *q = p + 1;

		while (isdigit((unsigned char)*q))
			q++;
		if (q > p + 1 && *q == ']' && p > line && p[-1] == ' ')
			return p;
	}
	return NULL;
}

static int parse_u32(const char *s, const char *end, uint32_t *v)
{
	char *e;
	unsigned long x;

	if (s >= end || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	x = strtoul(s, &e, 10);
	if (errno || e != end || x > UINT32_MAX)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

/* "SECONDS.NANOS:" -> ns; *p moves past the colon. */
static int parse_time(char **p, uint64_t *ns)
{
	char *s = *p, *e;
	unsigned long long sec, frac = 0;
	int digits = 0;

	errno = 0;
	sec = strtoull(s, &e, 10);
	if (errno || e == s || *e != '.' || sec > 1000000000ull)
		return -1;
	for (s = e + 1; isdigit((unsigned char)*s) && digits < 9; s++, digits++)
		frac = frac * 10 + (unsigned long long)(*s - '0');
	if (!digits || *s != ':')
		return -1;
	while (digits++ < 9)
		frac *= 10;
	*ns = sec * 1000000000ull + frac;
	*p = s + 1;
	return 0;
}

int imp_split(enum imp_format f, char *line, struct imp_line *out)
{
	char *cpu = cpu_field(line), *p, *end, *ev;

	if (!cpu)
		return -1;
	/* before the CPU: "COMM PID" (perf) or "COMM-PID" (trace-cmd) */
	end = cpu - 1;
	while (end > line && end[-1] == ' ')
		end--;
	p = end;
	while (p > line && isdigit((unsigned char)p[-1]))
		p--;
	if (parse_u32(p, end, &out->pid) || p == line)
		return -1;
	if (f == IMP_PERF ? p[-1] != ' ' : p[-1] != '-')
		return -1;
	p[-1] = 0;
	p = line;
	while (*p == ' ')
		p++;
	/* trace-cmd names the buffer of an instance first: "inst: comm-pid" */
	if (f == IMP_TRACECMD) {
		char *colon = strstr(p, ": ");

		if (colon && colon < end) {
			p = colon + 1;
			while (*p == ' ')
				p++;
		}
	}
	out->comm = p;
	if (parse_u32(cpu + 1, strchr(cpu, ']'), &out->cpu))
		return -1;
	p = strchr(cpu, ']') + 1;
	while (*p == ' ')
		p++;
	if (parse_time(&p, &out->ts_ns))
		return -1;
	while (*p == ' ')
		p++;
	/* "kmem:kmalloc:" (perf) or "kmalloc:" (trace-cmd) */
	ev = p;
	p = strchr(p, ' ');
	if (!p || p == ev || p[-1] != ':')
		return -1;
	p[-1] = 0;
	if (strchr(ev, ':'))
		ev = strrchr(ev, ':') + 1;
	out->event = ev;
	p++;
	while (*p == ' ')
		p++;
	/* trace-cmd's kmem plugin puts the caller first: "(site+0x1f) " */
	if (*p == '(' && strchr(p, ')')) {
		p = strchr(p, ')') + 1;
		while (*p == ' ')
			p++;
	}
	out->fields = p;
	return 0;
}

const char *imp_field(const char *fields, const char *key, char *buf, size_t len)
{
	size_t kl = strlen(key);

	for (const char *p = fields; (p = strstr(p, key)); p += kl) {
		if ((p != fields && p[-1] != ' ') || p[kl] != '=')
			continue;
		const char *v = p + kl + 1;
		size_t n = strcspn(v, " \n");

		if (n >= len)
			n = len - 1;
		memcpy(buf, v, n);
		buf[n] = 0;
		return buf;
	}
	return NULL;
}
