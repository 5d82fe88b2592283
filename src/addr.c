/* addr.c - the syntax of host names and mail addresses as a request
 * writes them (SPEC 1 and 2). A room of its own, below the parser and the
 * validator, which both need it: pure functions of a string. */
#include "addr.h"
#include "util.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The number of labels of s, 0 when s is not a name of labels of 1 to
 * 63 letters, digits or hyphens (bytes >= 0x80 too with utf8), with no
 * hyphen at either end, 253 bytes at most; *last: the last label. */
static size_t
host_labels(const char *s, int utf8, const char **last)
{
	size_t lab = 0, labels = 0;

	*last = s;
	if (s == NULL || *s == '\0' || strlen(s) > 253)
		return 0;
	for (const char *p = s;; p++) {
		if (*p == '.' || *p == '\0') {
			if (lab == 0 || lab > 63 || p[-1] == '-')
				return 0;
			labels++;
			if (*p == '\0')
				break;
			lab = 0;
			*last = p + 1;
			continue;
		}
		if (!((utf8 && (unsigned char)*p >= 0x80) ||
		    (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-') ||
		    (lab == 0 && *p == '-'))
			return 0;
		lab++;
	}
	return labels;
}

int
addr_hostname_valid(const char *s)
{
	const char *last;

	if (host_labels(s, 0, &last) < 2)
		return 0;
	/* An all-digit last label is an address, not a host name. */
	return last[strspn(last, "0123456789")] != '\0';
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

/* ---- the sender of a mail (RFC 5322 3.4) ---- */

#define AS_MAX_TOKENS	512	/* a From: longer than that is no address */

enum as_type { AS_ATOM, AS_QUOTED, AS_LITERAL, AS_SPECIAL };

struct as_tok {
	enum as_type	 type;
	char		 c;		/* AS_SPECIAL */
	char		*val;		/* decoded text, else NULL */
};

struct as_parse {
	struct as_tok	 t[AS_MAX_TOKENS];
	size_t		 n, i;
	int		 bad;		/* not the syntax of an address list */
	int		 group, literal, noat, mailboxes;
	char		*first;		/* the first mailbox, canonical */
	int		 first_utf8;
};

static int
as_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c >= 0x80 ||
	    (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* Skips a comment (nested, with quoted pairs); 0 if it never ends. */
static int
as_comment(const char **pp)
{
	const char *p = *pp + 1;
	int depth = 1;

	for (; *p != '\0' && depth > 0; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		else if (*p == '(')
			depth++;
		else if (*p == ')')
			depth--;
	}
	*pp = p;
	return depth == 0;
}

/* A quoted string or a domain literal, decoded; NULL if it never ends. */
static char *
as_delimited(const char **pp, char close)
{
	struct strbuf sb;
	const char *p = *pp + 1;

	sb_init(&sb);
	sb_adds(&sb, "");
	for (; *p != '\0' && *p != close; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		sb_addc(&sb, *p);
	}
	if (*p != close) {
		sb_free(&sb);
		return NULL;
	}
	*pp = p + 1;
	return sb_steal(&sb);
}

static void
as_push(struct as_parse *ps, enum as_type type, char c, char *val)
{
	if (ps->n == AS_MAX_TOKENS) {
		ps->bad = 1;
		free(val);
		return;
	}
	ps->t[ps->n].type = type;
	ps->t[ps->n].c = c;
	ps->t[ps->n].val = val;
	ps->n++;
}

static void
as_tokenize(struct as_parse *ps, const char *p)
{
	const char *b;
	char *v;

	while (*p != '\0' && !ps->bad) {
		if (*p == ' ' || *p == '\t')
			p++;
		else if (*p == '(') {
			if (!as_comment(&p))
				ps->bad = 1;
		} else if (*p == '"' || *p == '[') {
			enum as_type type = *p == '"' ? AS_QUOTED : AS_LITERAL;

			if ((v = as_delimited(&p, *p == '"' ? '"' : ']')) == NULL)
				ps->bad = 1;
			else
				as_push(ps, type, 0, v);
		} else if (strchr("<>@,;:.", *p) != NULL) {
			as_push(ps, AS_SPECIAL, *p, NULL);
			p++;
		} else if (as_atext((unsigned char)*p)) {
			for (b = p; as_atext((unsigned char)*p); p++)
				;
			as_push(ps, AS_ATOM, 0, xstrndup(b, (size_t)(p - b)));
		} else
			ps->bad = 1;	/* ')', ']', '\\' or a control byte */
	}
}

static int
as_is(const struct as_parse *ps, size_t i, char c)
{
	return i < ps->n && ps->t[i].type == AS_SPECIAL && ps->t[i].c == c;
}

static int
as_word(const struct as_parse *ps, size_t i)
{
	return i < ps->n && (ps->t[i].type == AS_ATOM ||
	    ps->t[i].type == AS_QUOTED);
}

/* A dot-atom (RFC 5322 3.2.3), UTF-8 allowed (RFC 6532). */
static int
as_dot_atom(const char *s)
{
	if (*s == '\0' || *s == '.' || s[strlen(s) - 1] == '.' ||
	    strstr(s, "..") != NULL)
		return 0;
	for (; *s; s++)
		if (*s != '.' && !as_atext((unsigned char)*s))
			return 0;
	return 1;
}

static int
as_has_utf8(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

/* A domain of RFC 1123 labels, or of labels with UTF-8 (an IDN written
 * as such: SMTPUTF8). */
static int
as_domain_ok(const char *d)
{
	const char *last;

	if (!as_has_utf8(d))
		return addr_hostname_valid(d);
	return host_labels(d, 1, &last) >= 2;
}

/* The local part as a reply writes it: a dot-atom when one can say it
 * ("john"@ is john@), else one quoted string with the quoted pairs it
 * needs. NULL when no reply can be written to it. */
static char *
as_local(const char *text, int quoted)
{
	struct strbuf sb;

	if (!quoted || as_dot_atom(text))
		return as_dot_atom(text) ? xstrdup(text) : NULL;
	if (*text == '\0')
		return NULL;
	sb_init(&sb);
	sb_addc(&sb, '"');
	for (const char *p = text; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			sb_free(&sb);
			return NULL;
		}
		if (*p == '"' || *p == '\\')
			sb_addc(&sb, '\\');
		sb_addc(&sb, *p);
	}
	sb_addc(&sb, '"');
	return sb_steal(&sb);
}

/* local-part "@" domain at ps->i. */
static void
as_addr_spec(struct as_parse *ps)
{
	struct strbuf local, dom;
	char *l = NULL, *a;
	int quoted = 0;

	sb_init(&local);
	sb_init(&dom);
	sb_adds(&local, "");
	sb_adds(&dom, "");
	for (;;) {
		if (!as_word(ps, ps->i)) {
			ps->bad = 1;	/* "a..b", ".a", "a." or nothing */
			goto done;
		}
		quoted |= ps->t[ps->i].type == AS_QUOTED;
		sb_adds(&local, ps->t[ps->i++].val);
		if (!as_is(ps, ps->i, '.'))
			break;
		sb_addc(&local, '.');
		ps->i++;
	}
	ps->mailboxes++;
	if (!as_is(ps, ps->i, '@')) {
		ps->noat = 1;
		goto done;
	}
	ps->i++;
	if (ps->i < ps->n && ps->t[ps->i].type == AS_LITERAL) {
		ps->literal = 1;
		ps->i++;
		goto done;
	}
	for (;;) {
		if (ps->i >= ps->n || ps->t[ps->i].type != AS_ATOM) {
			ps->bad = 1;
			goto done;
		}
		sb_adds(&dom, ps->t[ps->i++].val);
		if (!as_is(ps, ps->i, '.'))
			break;
		sb_addc(&dom, '.');
		ps->i++;
	}
	/* U+FFFD stands for a byte that was not UTF-8 (or a NUL a server
	 * replaced): no one's address */
	if ((l = as_local(local.s, quoted)) == NULL || strlen(l) > 64 ||
	    !as_domain_ok(dom.s) || strstr(local.s, "\xef\xbf\xbd") != NULL ||
	    strstr(dom.s, "\xef\xbf\xbd") != NULL) {
		ps->bad = 1;
		goto done;
	}
	a = xstrcat(l, "@", dom.s, NULL);
	if (strlen(a) > 254 || ps->first != NULL) {
		ps->bad |= strlen(a) > 254;
		free(a);
		goto done;
	}
	str_lower(a);
	ps->first = a;
	ps->first_utf8 = as_has_utf8(a);
done:
	free(l);
	sb_free(&local);
	sb_free(&dom);
}

/* What the list element at i is: ':' a group (a ':' before any '<',
 * and a ';' to close it), '<' a name-addr (a display name may hold '@'
 * or ':' unquoted, as broken encoded-words do), else '@' an addr-spec. */
static char
as_lookahead(const struct as_parse *ps, size_t i)
{
	size_t lt = 0, colon = 0;	/* positions + 1 */
	int depth = 0;

	for (size_t j = i; j < ps->n; j++) {
		char c = ps->t[j].type == AS_SPECIAL ? ps->t[j].c : 0;

		if (c == '<') {
			if (lt == 0 && depth == 0)
				lt = j + 1;
			depth++;
		} else if (c == '>' && depth > 0)
			depth--;
		else if (depth == 0 && c == ':' && colon == 0 && lt == 0)
			colon = j + 1;
		else if (depth == 0 && (c == ',' || c == ';'))
			break;
	}
	for (size_t j = colon; colon > 0 && j < ps->n; j++)
		if (as_is(ps, j, ';'))
			return ':';
	return lt > 0 ? '<' : '@';
}

static void	as_list(struct as_parse *ps, int in_group);

/* One mailbox or group at ps->i. */
static void
as_address(struct as_parse *ps, int in_group)
{
	switch (as_lookahead(ps, ps->i)) {
	case ':':
		if (in_group) {
			ps->bad = 1;
			return;
		}
		while (!as_is(ps, ps->i, ':'))
			ps->i++;
		ps->i++;
		ps->group = 1;
		as_list(ps, 1);
		if (as_is(ps, ps->i, ';'))
			ps->i++;
		return;
	case '<':
		while (!as_is(ps, ps->i, '<'))
			ps->i++;
		ps->i++;
		if (as_is(ps, ps->i, '@')) {
			/* an obsolete route, "<@relay:a@b>": ignored, as
			 * RFC 5322 4.4 says */
			while (ps->i < ps->n && !as_is(ps, ps->i, ':') &&
			    !as_is(ps, ps->i, '>'))
				ps->i++;
			if (!as_is(ps, ps->i, ':')) {
				ps->bad = 1;
				return;
			}
			ps->i++;
		}
		as_addr_spec(ps);
		/* an unclosed bracket at the very end is forgiven */
		if (as_is(ps, ps->i, '>'))
			ps->i++;
		else if (ps->i < ps->n)
			ps->bad = 1;
		return;
	default:
		as_addr_spec(ps);
		return;
	}
}

/* Whether the element at i is words only, and the next one a name-addr:
 * "Smith, John <j@example.org>", a display name with a bare comma. */
static int
as_split_name(const struct as_parse *ps, size_t i)
{
	size_t j = i;

	while (as_word(ps, j) || as_is(ps, j, '.'))
		j++;
	return j > i && as_is(ps, j, ',') && as_lookahead(ps, j + 1) == '<';
}

static void
as_list(struct as_parse *ps, int in_group)
{
	while (ps->i < ps->n && !ps->bad) {
		if (in_group && as_is(ps, ps->i, ';'))
			return;
		if (as_is(ps, ps->i, ',')) {
			ps->i++;	/* an empty element (obs-mbox-list) */
			continue;
		}
		if (as_split_name(ps, ps->i)) {
			while (!as_is(ps, ps->i, ','))
				ps->i++;
			ps->i++;
		}
		as_address(ps, in_group);
		if (ps->i < ps->n && !as_is(ps, ps->i, ',') &&
		    !(in_group && as_is(ps, ps->i, ';')))
			ps->bad = 1;
	}
}

static const char *
as_problem(const struct as_parse *ps, const char *from, int fields, int ctl)
{
	if (ctl)
		return "sender-control";
	if (fields > 1)
		return "sender-several";
	if (from == NULL)
		return "sender-missing";
	if (ps->bad)
		return strchr(from, '@') ? "sender-invalid" : "sender-no-at";
	if (ps->n == 0)
		return "sender-missing";
	if (ps->group)
		return "sender-group";
	if (ps->mailboxes > 1)
		return "sender-several";
	if (ps->mailboxes == 0)
		return "sender-missing";
	if (ps->noat)
		return "sender-no-at";
	if (ps->literal)
		return "sender-address-literal";
	if (ps->first == NULL)
		return "sender-invalid";
	return NULL;
}

/* The From as written, for a person to read: no control byte, no
 * surrounding blanks, bounded. */
static char *
as_shown(const char *from)
{
	char *s, *t;

	if (from == NULL)
		return xstrdup("");
	s = xstrndup(from, strnlen(from, ADDR_MAX_WRITTEN));
	for (char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	t = xstrdup(str_trim(s));
	free(s);
	return t;
}

void
addr_sender_parse(const char *from, int fields, int ctl,
    struct addr_sender *out)
{
	/* Only what follows the tokens is zeroed: a token is read only
	 * below ps->n, and zeroing all AS_MAX_TOKENS of them was most of
	 * the cost of reading a From. */
	struct as_parse *ps = xmalloc(sizeof(*ps));

	memset(&ps->n, 0, sizeof(*ps) - offsetof(struct as_parse, n));
	memset(out, 0, sizeof(*out));
	if (from != NULL && strlen(from) <= ADDR_MAX_WRITTEN) {
		as_tokenize(ps, from);
		if (!ps->bad)
			as_list(ps, 0);
	} else if (from != NULL)
		ps->bad = 1;
	out->problem = as_problem(ps, from, fields, ctl);
	if (out->problem == NULL) {
		out->addr = ps->first;
		ps->first = NULL;
		out->utf8 = ps->first_utf8;
		out->shown = xstrdup(out->addr);
	} else
		out->shown = as_shown(from);
	for (size_t i = 0; i < ps->n; i++)
		free(ps->t[i].val);
	free(ps->first);
	free(ps);
}

void
addr_sender_free(struct addr_sender *as)
{
	free(as->addr);
	free(as->shown);
	memset(as, 0, sizeof(*as));
}

int
addr_reply_ok(const char *a, int *utf8)
{
	struct addr_sender as;
	int ok;

	*utf8 = 0;
	if (a == NULL || str_has_ctl(a))
		return 0;
	addr_sender_parse(a, 1, 0, &as);
	ok = as.problem == NULL && str_ieq(as.addr, a);
	*utf8 = ok && as.utf8;
	addr_sender_free(&as);
	return ok;
}
