/* addr.c - the syntax of host names and mail addresses as a request
 * writes them (SPEC 1 and 2). A room of its own, below the parser and the
 * validator, which both need it: pure functions of a string. */
#include "addr.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

int
addr_hostname_valid(const char *s)
{
	size_t len, lab = 0, labels = 0;
	const char *last = s;
	int digits = 1;

	if (s == NULL || (len = strlen(s)) == 0 || len > 253)
		return 0;
	for (const char *p = s;; p++) {
		if (*p == '.' || *p == '\0') {
			if (lab == 0 || lab > 63 || p[-1] == '-')
				return 0;
			labels++;
			if (*p == '\0')
				break;
			lab = 0;
			last = p + 1;
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-') ||
		    (lab == 0 && *p == '-'))
			return 0;
		lab++;
	}
	for (const char *p = last; *p; p++)
		if (*p < '0' || *p > '9')
			digits = 0;
	return labels >= 2 && !digits;
}

/* RFC 5321 dot-atom local part @ host name; no quoted local parts, no
 * SMTPUTF8: a notice must be deliverable by any relay. */
static int
addr_spec_ok(const char *a)
{
	static const char atext[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~.";
	const char *at = strchr(a, '@');
	size_t local;

	if (at == NULL || strchr(at + 1, '@') || strlen(a) > 254)
		return 0;
	local = (size_t)(at - a);
	if (local == 0 || local > 64 || a[0] == '.' || at[-1] == '.' ||
	    strspn(a, atext) != local)
		return 0;
	for (const char *p = a; p < at - 1; p++)
		if (p[0] == '.' && p[1] == '.')
			return 0;
	return addr_hostname_valid(at + 1);
}

/* Drops Outlook's "<mailto:a>" after an address it made a link of; if
 * nothing else is left, its target is the address. */
static void
addr_drop_mailto(const char *s, struct strbuf *out)
{
	const char *p, *gt, *target = NULL, *tend = NULL;

	for (p = s; *p;) {
		if (*p == '<' && strncasecmp(p + 1, "mailto:", 7) == 0 &&
		    (gt = strchr(p, '>')) != NULL) {
			if (target == NULL) {
				target = p + 8;
				tend = gt;
			}
			p = gt + 1;
			continue;
		}
		sb_addc(out, *p++);
	}
	if (target && (out->len == 0 || strspn(out->s, " \t") == out->len)) {
		sb_free(out);
		sb_add(out, target, (size_t)(tend - target));
	}
}

char *
addr_parse(const char *s)
{
	struct strbuf sb;
	const char *b, *e, *lt;
	char *addr = NULL;

	if (s == NULL || strnlen(s, ADDR_MAX_WRITTEN + 1) > ADDR_MAX_WRITTEN)
		return NULL;
	for (const char *p = s; *p; p++)
		if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
			return NULL;
	sb_init(&sb);
	addr_drop_mailto(s, &sb);
	b = sb.s ? sb.s : "";
	e = b + sb.len;
	utf8_trim(&b, &e);
	if (e > b && e[-1] == '>') {
		/* "Name <a>" or "<a>": the address is in the last brackets,
		 * and the name before them has no bracket of its own. */
		for (lt = e - 1; lt > b && *lt != '<'; lt--)
			;
		if (*lt != '<' || memchr(b, '<', (size_t)(lt - b)) ||
		    memchr(b, '>', (size_t)(lt - b)))
			goto done;
		b = lt + 1;
		e--;
		utf8_trim(&b, &e);
	}
	if (e - b > 7 && strncasecmp(b, "mailto:", 7) == 0)
		b += 7;
	addr = xstrndup(b, (size_t)(e - b));
	if (!addr_spec_ok(addr)) {
		free(addr);
		addr = NULL;
		goto done;
	}
	str_lower(addr);
done:
	sb_free(&sb);
	return addr;
}
