/* SPDX-License-Identifier: MIT */
/* A small JSON reader for summary.json: objects, arrays, strings (with
 * escapes and \u), numbers, true/false/null.  Recursive descent with a
 * depth limit so a hostile file cannot exhaust the stack. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report_int.h"

#define RJ_MAX_DEPTH 64

struct rj_parser {
	const char *s;
	size_t len, pos;
	char *err;
	size_t errlen;
	int failed;
};

static void rj_fail(struct rj_parser *p, const char *why)
{
	if (p->failed)
		return;
	p->failed = 1;
	snprintf(p->err, p->errlen, "%s at offset %zu", why, p->pos);
}

static void rj_skip_ws(struct rj_parser *p)
{
	while (p->pos < p->len && strchr(" \t\r\n", p->s[p->pos]) && p->s[p->pos])
		p->pos++;
}

static struct rj_value *rj_new(struct rj_parser *p, enum rj_type type)
{
	struct rj_value *v = calloc(1, sizeof(*v));

	if (!v) {
		rj_fail(p, "out of memory");
		return NULL;
	}
	v->type = type;
	return v;
}

void rj_free(struct rj_value *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		if (v->keys)
			free(v->keys[i]);
		rj_free(v->items[i]);
	}
	free(v->keys);
	free(v->items);
	free(v->str);
	free(v);
}

static int rj_hex4(struct rj_parser *p, unsigned *out)
{
	unsigned u = 0;

	if (p->len - p->pos < 4) {
		rj_fail(p, "truncated \\u escape");
		return -1;
	}
	for (int i = 0; i < 4; i++) {
		char c = p->s[p->pos++];
		u <<= 4;
		if (c >= '0' && c <= '9')
			u |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			u |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			u |= (unsigned)(c - 'A' + 10);
		else {
			rj_fail(p, "bad \\u escape");
			return -1;
		}
	}
	*out = u;
	return 0;
}

/* Appends code point u as UTF-8; buf has room (a \u escape is 6 bytes of
 * input and at most 4 of output, a pair 12 and 4). */
static size_t rj_utf8(char *buf, unsigned u)
{
	if (u < 0x80) {
		buf[0] = (char)u;
		return 1;
	}
	if (u < 0x800) {
		buf[0] = (char)(0xc0 | (u >> 6));
		buf[1] = (char)(0x80 | (u & 0x3f));
		return 2;
	}
	if (u < 0x10000) {
		buf[0] = (char)(0xe0 | (u >> 12));
		buf[1] = (char)(0x80 | ((u >> 6) & 0x3f));
		buf[2] = (char)(0x80 | (u & 0x3f));
		return 3;
	}
	buf[0] = (char)(0xf0 | (u >> 18));
	buf[1] = (char)(0x80 | ((u >> 12) & 0x3f));
	buf[2] = (char)(0x80 | ((u >> 6) & 0x3f));
	buf[3] = (char)(0x80 | (u & 0x3f));
	return 4;
}

static int rj_escape(struct rj_parser *p, char *out, size_t *o)
{
	char c;
	unsigned u, lo;

	if (p->pos >= p->len) {
		rj_fail(p, "unterminated string");
		return -1;
	}
	c = p->s[p->pos++];
	switch (c) {
	case '"': case '\\': case '/': out[(*o)++] = c; return 0;
	case 'b': out[(*o)++] = '\b'; return 0;
	case 'f': out[(*o)++] = '\f'; return 0;
	case 'n': out[(*o)++] = '\n'; return 0;
	case 'r': out[(*o)++] = '\r'; return 0;
	case 't': out[(*o)++] = '\t'; return 0;
	case 'u':
		if (rj_hex4(p, &u))
			return -1;
		if (u >= 0xd800 && u < 0xdc00 && p->len - p->pos >= 6 &&
		    p->s[p->pos] == '\\' && p->s[p->pos + 1] == 'u') {
			p->pos += 2;
			if (rj_hex4(p, &lo))
				return -1;
			if (lo >= 0xdc00 && lo < 0xe000)
				u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
			else
				u = 0xfffd;
		} else if (u >= 0xd800 && u < 0xe000) {
			u = 0xfffd;	/* lone surrogate */
		}
		if (u == 0)
			u = 0xfffd;	/* keep strings NUL-free */
		*o += rj_utf8(out + *o, u);
		return 0;
	default:
		p->pos--;
		rj_fail(p, "bad escape");
		return -1;
	}
}

static char *rj_string(struct rj_parser *p)
{
	size_t o = 0;
	char *out;

	p->pos++;	/* opening quote */
	/* The decoded string is never longer than its encoded form. */
	out = malloc(p->len - p->pos + 1);
	if (!out) {
		rj_fail(p, "out of memory");
		return NULL;
	}
	while (p->pos < p->len) {
		char c = p->s[p->pos];

		if (c == '"') {
			p->pos++;
			out[o] = 0;
			return out;
		}
		if ((unsigned char)c < 0x20) {
			rj_fail(p, "control character in string");
			break;
		}
		p->pos++;
		if (c == '\\') {
			if (rj_escape(p, out, &o))
				break;
		} else {
			out[o++] = c;
		}
	}
	if (p->pos >= p->len)
		rj_fail(p, "unterminated string");
	free(out);
	return NULL;
}

static int rj_literal(struct rj_parser *p, const char *word)
{
	size_t n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n)) {
		rj_fail(p, "unexpected token");
		return -1;
	}
	p->pos += n;
	return 0;
}

static struct rj_value *rj_number(struct rj_parser *p)
{
	char buf[64];
	size_t n = 0;
	char *end;
	struct rj_value *v;

	while (p->pos + n < p->len && n < sizeof(buf) - 1 &&
	       strchr("+-0123456789.eE", p->s[p->pos + n]) && p->s[p->pos + n])
		n++;
	memcpy(buf, p->s + p->pos, n);
	buf[n] = 0;
	if (n == 0 || n == sizeof(buf) - 1) {
		rj_fail(p, "bad number");
		return NULL;
	}
	v = rj_new(p, RJ_NUMBER);
	if (!v)
		return NULL;
	v->num = strtod(buf, &end);
	if (end != buf + n || !isfinite(v->num)) {
		rj_fail(p, "bad number");
		free(v);
		return NULL;
	}
	p->pos += n;
	return v;
}

static struct rj_value *rj_value_at(struct rj_parser *p, int depth);

/* Grows the member arrays of an array/object by one slot. */
static int rj_push(struct rj_parser *p, struct rj_value *v, char *key,
		   struct rj_value *item)
{
	struct rj_value **items = realloc(v->items, (v->n + 1) * sizeof(*items));

	if (!items)
		goto oom;
	v->items = items;
	if (v->type == RJ_OBJECT) {
		char **keys = realloc(v->keys, (v->n + 1) * sizeof(*keys));
		if (!keys)
			goto oom;
		v->keys = keys;
		v->keys[v->n] = key;
	}
	v->items[v->n++] = item;
	return 0;
oom:
	rj_fail(p, "out of memory");
	free(key);
	rj_free(item);
	return -1;
}

static struct rj_value *rj_container(struct rj_parser *p, int depth, int obj)
{
	struct rj_value *v = rj_new(p, obj ? RJ_OBJECT : RJ_ARRAY);
	char close = obj ? '}' : ']';

	if (!v)
		return NULL;
	p->pos++;
	rj_skip_ws(p);
	if (p->pos < p->len && p->s[p->pos] == close) {
		p->pos++;
		return v;
	}
	for (;;) {
		char *key = NULL;
		struct rj_value *item;

		rj_skip_ws(p);
		if (obj) {
			if (p->pos >= p->len || p->s[p->pos] != '"') {
				rj_fail(p, "expected a key");
				break;
			}
			key = rj_string(p);
			if (!key)
				break;
			rj_skip_ws(p);
			if (p->pos >= p->len || p->s[p->pos] != ':') {
				free(key);
				rj_fail(p, "expected ':'");
				break;
			}
			p->pos++;
		}
		item = rj_value_at(p, depth + 1);
		if (!item) {
			free(key);
			break;
		}
		if (rj_push(p, v, key, item))
			break;
		rj_skip_ws(p);
		if (p->pos < p->len && p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->pos < p->len && p->s[p->pos] == close) {
			p->pos++;
			return v;
		}
		rj_fail(p, obj ? "expected ',' or '}'" : "expected ',' or ']'");
		break;
	}
	rj_free(v);
	return NULL;
}

static struct rj_value *rj_value_at(struct rj_parser *p, int depth)
{
	struct rj_value *v;
	char c;

	if (depth > RJ_MAX_DEPTH) {
		rj_fail(p, "nested too deeply");
		return NULL;
	}
	rj_skip_ws(p);
	if (p->pos >= p->len) {
		rj_fail(p, "unexpected end");
		return NULL;
	}
	c = p->s[p->pos];
	if (c == '{' || c == '[')
		return rj_container(p, depth, c == '{');
	if (c == '"') {
		char *s = rj_string(p);
		if (!s)
			return NULL;
		v = rj_new(p, RJ_STRING);
		if (!v) {
			free(s);
			return NULL;
		}
		v->str = s;
		return v;
	}
	if (c == '-' || (c >= '0' && c <= '9'))
		return rj_number(p);
	if (c == 'n' || c == 't' || c == 'f') {
		const char *word = c == 'n' ? "null" : c == 't' ? "true" : "false";
		if (rj_literal(p, word))
			return NULL;
		v = rj_new(p, c == 'n' ? RJ_NULL : RJ_BOOL);
		if (v)
			v->num = c == 't';
		return v;
	}
	rj_fail(p, "unexpected character");
	return NULL;
}

struct rj_value *rj_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct rj_parser p = { text, len, 0, err, errlen, 0 };
	struct rj_value *v = rj_value_at(&p, 0);

	if (!v)
		return NULL;
	rj_skip_ws(&p);
	if (p.pos != p.len) {
		rj_fail(&p, "trailing data");
		rj_free(v);
		return NULL;
	}
	return v;
}

const struct rj_value *rj_get(const struct rj_value *v, const char *key)
{
	if (!v || v->type != RJ_OBJECT)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(v->keys[i], key))
			return v->items[i];
	return NULL;
}

/* The value at a dotted path ("latency_ns.p99"), or NULL. */
static const struct rj_value *rj_at(const struct rj_value *v,
				    const char *path)
{
	char key[128];

	while (v && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);

		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = 0;
		v = rj_get(v, key);
		path += n + (dot != NULL);
	}
	return v;
}

double rj_num(const struct rj_value *v, const char *path)
{
	v = rj_at(v, path);
	if (!v || v->type != RJ_NUMBER)
		return NAN;
	return v->num;
}

const char *rj_str(const struct rj_value *v, const char *key)
{
	v = rj_get(v, key);
	return v && v->type == RJ_STRING ? v->str : NULL;
}

const char *rj_str_path(const struct rj_value *v, const char *path)
{
	v = rj_at(v, path);
	return v && v->type == RJ_STRING ? v->str : NULL;
}
