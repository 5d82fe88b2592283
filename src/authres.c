/* authres.c - Authentication-Results (RFC 8601 section 2.2), read by its
 * grammar rather than by pattern: a comment may stand between any two
 * tokens ("dkim (Because I like it) / 1 = (wait for it) fail" is one
 * result), and a quoted string may hold ';' or '=' without ending
 * anything. Nothing here allocates. */
#include "authres.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define AR_COMMENT_DEPTH	32

struct ar_in {
	const char	*p;
	int		 bad;
};

/* CFWS: white space (folding included) and comments, nested. */
static void
ar_cfws(struct ar_in *in)
{
	int depth = 0;

	for (;;) {
		char c = *in->p;

		if (c == '\0') {
			if (depth)
				in->bad = 1;	/* a comment never closed */
			return;
		}
		if (depth == 0 && c != ' ' && c != '\t' && c != '\r' &&
		    c != '\n' && c != '(')
			return;
		if (c == '(') {
			if (++depth > AR_COMMENT_DEPTH) {
				in->bad = 1;
				return;
			}
		} else if (c == ')')
			depth--;
		else if (c == '\\' && depth && in->p[1] != '\0')
			in->p++;
		in->p++;
	}
}

/* RFC 2045 token characters: no space, control or tspecial. */
static int
ar_tokenc(unsigned char c)
{
	return c > 32 && c < 127 && strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

static void
ar_copy(char *dst, size_t dstlen, const char *s, size_t n, int lower)
{
	size_t k = n < dstlen - 1 ? n : dstlen - 1;

	for (size_t i = 0; i < k; i++)
		dst[i] = (char)(lower && s[i] >= 'A' && s[i] <= 'Z' ?
		    s[i] - 'A' + 'a' : s[i]);
	dst[k] = '\0';
}

/* value = token / quoted-string; copied unquoted into dst. */
static int
ar_value(struct ar_in *in, char *dst, size_t dstlen)
{
	size_t k = 0;

	if (*in->p == '"') {
		in->p++;
		while (*in->p && *in->p != '"') {
			if (*in->p == '\\' && in->p[1])
				in->p++;
			if (dst && k + 1 < dstlen)
				dst[k++] = *in->p;
			in->p++;
		}
		if (*in->p != '"')
			return -1;
		in->p++;
		if (dst)
			dst[k] = '\0';
		return 0;
	}
	const char *s = in->p;

	while (ar_tokenc((unsigned char)*in->p))
		in->p++;
	if (in->p == s)
		return -1;
	if (dst)
		ar_copy(dst, dstlen, s, (size_t)(in->p - s), 0);
	return 0;
}

/* Keyword: letters, digits, '-' and '_' (RFC 8601 uses RFC 5321's
 * Keyword; '_' is seen in the wild). */
static int
ar_keyword(struct ar_in *in, char *dst, size_t dstlen)
{
	const char *s = in->p;

	while ((*in->p >= 'a' && *in->p <= 'z') || (*in->p >= 'A' &&
	    *in->p <= 'Z') || (*in->p >= '0' && *in->p <= '9') ||
	    *in->p == '-' || *in->p == '_')
		in->p++;
	if (in->p == s)
		return -1;
	if (dst)
		ar_copy(dst, dstlen, s, (size_t)(in->p - s), 1);
	return 0;
}

static int
ar_digits(struct ar_in *in, int *v)
{
	int n = 0, any = 0;

	while (*in->p >= '0' && *in->p <= '9') {
		if (n < 100000)
			n = n * 10 + (*in->p - '0');
		in->p++;
		any = 1;
	}
	if (v && any)
		*v = n;
	return any ? 0 : -1;
}

/* pvalue = [CFWS] ( value / [ [ local-part ] "@" ] domain-name ) [CFWS]:
 * an address or domain, or a token, or a quoted string. */
static int
ar_pvalue(struct ar_in *in)
{
	const char *s;

	ar_cfws(in);
	if (*in->p == '"')
		return ar_value(in, NULL, 0);
	s = in->p;
	while (*in->p && (ar_tokenc((unsigned char)*in->p) || *in->p == '@'
	    || *in->p == '/' || *in->p == ':' || *in->p == '[' ||
	    *in->p == ']' || *in->p == '='))
		in->p++;
	/* "header.b=" may carry base64 with '=' padding, "smtp.mailfrom="
	 * a local part in quotes: both are accepted above. */
	return in->p == s ? -1 : 0;
}

/* resinfo after its ';': methodspec [reasonspec] *propspec. */
static int
ar_resinfo(struct ar_in *in, struct authres_result *r)
{
	char word[64];
	int v;

	ar_cfws(in);
	if (ar_keyword(in, r->method, sizeof(r->method)) != 0)
		return -1;
	ar_cfws(in);
	if (*in->p == '/') {		/* method-version */
		in->p++;
		ar_cfws(in);
		if (ar_digits(in, &v) != 0)
			return -1;
		ar_cfws(in);
	}
	if (*in->p != '=')
		return -1;
	in->p++;
	ar_cfws(in);
	if (ar_keyword(in, r->result, sizeof(r->result)) != 0)
		return -1;
	for (;;) {
		ar_cfws(in);
		if (in->bad)
			return -1;
		if (*in->p == ';' || *in->p == '\0')
			return 0;
		if (ar_keyword(in, word, sizeof(word)) != 0)
			return -1;
		ar_cfws(in);
		if (*in->p == '=' && strcmp(word, "reason") == 0) {
			in->p++;
			ar_cfws(in);
			if (ar_value(in, NULL, 0) != 0)
				return -1;
			continue;
		}
		if (*in->p != '.')	/* ptype "." property "=" pvalue */
			return -1;
		in->p++;
		ar_cfws(in);
		if (ar_keyword(in, word, sizeof(word)) != 0)
			return -1;
		ar_cfws(in);
		if (*in->p != '=')
			return -1;
		in->p++;
		if (ar_pvalue(in) != 0)
			return -1;
	}
}

int
authres_parse(const char *value, struct authres *out)
{
	struct ar_in in = { value ? value : "", 0 };
	struct authres_result tmp;
	const char *save;

	memset(out, 0, sizeof(*out));
	out->version = 1;
	ar_cfws(&in);
	if (in.bad || ar_value(&in, out->authserv_id,
	    sizeof(out->authserv_id)) != 0 || out->authserv_id[0] == '\0')
		return -1;
	ar_cfws(&in);
	if (ar_digits(&in, &out->version) == 0)
		ar_cfws(&in);
	if (in.bad)
		return -1;
	if (*in.p == '\0')	/* no result at all: as "none" */
		return 0;
	while (*in.p == ';') {
		in.p++;
		ar_cfws(&in);
		if (in.bad)
			return -1;
		if (*in.p == '\0')	/* a trailing ';' */
			return 0;
		save = in.p;
		if (out->n == 0 && strncasecmp(in.p, "none", 4) == 0) {
			in.p += 4;
			ar_cfws(&in);
			if (*in.p == '\0' && !in.bad) {
				out->none = 1;
				return 0;
			}
			in.p = save;
		}
		memset(&tmp, 0, sizeof(tmp));
		if (ar_resinfo(&in, &tmp) != 0)
			return -1;
		if (out->n < AUTHRES_MAX_RESULTS)
			out->res[out->n++] = tmp;
		else
			out->more = 1;
	}
	return *in.p == '\0' && !in.bad ? 0 : -1;
}

enum authres_verdict
authres_dmarc(char *const *values, size_t n, const char *authserv_id)
{
	enum authres_verdict v = AUTHRES_NONE;
	struct authres ar;

	if (authserv_id == NULL || *authserv_id == '\0')
		return AUTHRES_NONE;
	for (size_t i = 0; i < n; i++) {
		if (authres_parse(values[i], &ar) != 0 ||
		    strcasecmp(ar.authserv_id, authserv_id) != 0 ||
		    ar.version != 1)
			continue;
		for (size_t k = 0; k < ar.n; k++) {
			if (strcmp(ar.res[k].method, "dmarc") != 0)
				continue;
			if (strcmp(ar.res[k].result, "fail") == 0)
				return AUTHRES_FAIL;
			if (strcmp(ar.res[k].result, "pass") == 0)
				v = AUTHRES_PASS;
			else if (v == AUTHRES_NONE)
				v = AUTHRES_OTHER;
		}
	}
	return v;
}

const char *
authres_verdict_name(enum authres_verdict v)
{
	switch (v) {
	case AUTHRES_NONE:	return "no dmarc result";
	case AUTHRES_PASS:	return "dmarc=pass";
	case AUTHRES_FAIL:	return "dmarc=fail";
	case AUTHRES_OTHER:	return "dmarc neither pass nor fail";
	default:		return "?";
	}
}
