/* mail_hdr.c - the fields of one header block, read without a MIME parser.
 *
 * One linear pass over the lines of the block; a value is unfolded into a
 * fixed buffer, so a hostile header costs its length and no memory. */
#include "mail_hdr.h"

#include <string.h>
#include <strings.h>

static size_t
line_end(const char *raw, size_t len, size_t pos)
{
	const char *nl = memchr(raw + pos, '\n', len - pos);

	return nl ? (size_t)(nl - raw) + 1 : len;
}

/* The length of the field name of the line [l, l + n), 0 if the line is
 * not a field ("name" of printable ASCII but ':', blanks, then ':'). */
static size_t
field_name(const char *l, size_t n, size_t *colon)
{
	size_t i = 0, nlen;

	while (i < n && l[i] > 32 && l[i] < 127 && l[i] != ':')
		i++;
	if (i == 0)
		return 0;
	nlen = i;
	while (i < n && (l[i] == ' ' || l[i] == '\t'))
		i++;
	if (i >= n || l[i] != ':')
		return 0;
	*colon = i;
	return nlen;
}

/* Appends [s, s + n) to the value, control bytes as spaces, runs of blanks
 * as one. */
static void
value_add(char *v, size_t *vn, const char *s, size_t n)
{
	for (size_t i = 0; i < n && *vn < MAIL_HDR_MAX_VALUE - 1; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 32 || c == 127)
			c = ' ';
		if (c == ' ' && (*vn == 0 || v[*vn - 1] == ' '))
			continue;
		v[(*vn)++] = (char)c;
	}
}

static int
field_emit(const char *name, size_t nlen, char *v, size_t vn, mail_hdr_fn fn,
    void *arg)
{
	while (vn > 0 && v[vn - 1] == ' ')
		vn--;
	v[vn] = '\0';
	return fn(name, nlen, v, arg);
}

size_t
mail_hdr_each(const char *raw, size_t len, size_t pos, mail_hdr_fn fn,
    void *arg)
{
	char v[MAIL_HDR_MAX_VALUE];
	const char *name = NULL;
	size_t le, nlen = 0, colon, vn = 0, n;
	int fields = 0, stop = 0;

	if (pos + 5 <= len && memcmp(raw + pos, "From ", 5) == 0)
		pos = line_end(raw, len, pos);
	while (pos < len) {
		le = line_end(raw, len, pos);
		n = le - pos;
		while (n > 0 && (raw[pos + n - 1] == '\n' ||
		    raw[pos + n - 1] == '\r'))
			n--;
		if (n == 0) {			/* the empty line: body follows */
			if (name != NULL && !stop)
				(void)field_emit(name, nlen, v, vn, fn, arg);
			return le;
		}
		if ((raw[pos] == ' ' || raw[pos] == '\t') && name != NULL) {
			value_add(v, &vn, " ", 1);
			value_add(v, &vn, raw + pos, n);
			pos = le;
			continue;
		}
		if (name != NULL && !stop)
			stop = field_emit(name, nlen, v, vn, fn, arg);
		name = NULL;
		if ((nlen = field_name(raw + pos, n, &colon)) == 0)
			return pos;		/* not a field: the body starts */
		if (++fields > MAIL_HDR_MAX_FIELDS)
			stop = 1;
		name = raw + pos;
		vn = 0;
		value_add(v, &vn, raw + pos + colon + 1, n - colon - 1);
		pos = le;
	}
	if (name != NULL && !stop)
		(void)field_emit(name, nlen, v, vn, fn, arg);
	return len;
}

int
mail_hdr_is(const char *name, size_t nlen, const char *want)
{
	return strlen(want) == nlen && strncasecmp(name, want, nlen) == 0;
}

int
mail_hdr_param(const char *value, const char *param, char *out,
    size_t outlen)
{
	size_t plen = strlen(param), k;
	const char *p = value;

	if (outlen == 0)
		return 0;
	while ((p = strchr(p, ';')) != NULL) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, param, plen) != 0)
			continue;
		p += plen;
		while (*p == ' ')
			p++;
		if (*p != '=')
			continue;
		p++;
		while (*p == ' ')
			p++;
		k = 0;
		if (*p == '"') {
			for (p++; *p && *p != '"' && k + 1 < outlen; p++)
				out[k++] = *p;
		} else {
			for (; *p && *p != ';' && *p != ' ' && k + 1 < outlen;
			    p++)
				out[k++] = *p;
		}
		out[k] = '\0';
		return 1;
	}
	return 0;
}

int
mail_hdr_type_is(const char *value, const char *type)
{
	size_t n = strlen(type);

	return strncasecmp(value, type, n) == 0 && (value[n] == '\0' ||
	    value[n] == ';' || value[n] == ' ');
}
