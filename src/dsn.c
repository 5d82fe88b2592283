/* dsn.c - a delivery report taken apart.
 *
 * A report is read as lines, not as a MIME tree: RFC 3464's fields (Action,
 * Status, Diagnostic-Code, Final-Recipient) start lines of the message/
 * delivery-status part, and the returned message, whether a message/rfc822
 * part, text/rfc822-headers or the text copy of qmail ("--- Below this line
 * is a copy of the message."), Exim, Gmail or Exchange ("Original message
 * headers:"), has its Message-ID on a line of its own. What the MTAs that
 * send no RFC 3464 report write is recognised by the sentences they have
 * written for decades (Sisimai's catalogue of them was the reference).
 *
 * Nothing after the start of the returned message is read as report
 * fields: the returned message is ours, and might say anything. */
#include "dsn.h"
#include "mail_hdr.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DSN_SCAN_MAX	(4 * 1024 * 1024)	/* body bytes read */
#define DSN_DIAG_MAX	600			/* bytes of diagnostic kept */

struct scan {
	struct dsn_report	*r;
	int			 copy;		/* in the returned message */
	int			 text_failed;	/* a sentence of a bounce */
	int			 text_delayed;	/* a sentence of a delay */
	char			 text_status[16];
	char			*text_diag;
	int			 in_diag;	/* Diagnostic-Code goes on */
};

/* Each <id> of value into v (at most DSN_MAX_IDS). */
static void
ids_add(struct strvec *v, const char *value)
{
	const char *p = value, *e;

	while (v->n < DSN_MAX_IDS && (p = strchr(p, '<')) != NULL) {
		if ((e = strchr(p + 1, '>')) == NULL)
			return;
		for (const char *q = p + 1; q < e; q++)
			if (*q == '<')		/* "<<a@b>": the innermost */
				p = q;
		if (e - p - 1 > 0 && e - p - 1 < 250 &&
		    memchr(p + 1, '@', (size_t)(e - p - 1)) != NULL &&
		    memchr(p + 1, ' ', (size_t)(e - p - 1)) == NULL &&
		    memchr(p + 1, '\t', (size_t)(e - p - 1)) == NULL) {
			char *id = xstrndup(p + 1, (size_t)(e - p - 1));

			if (sv_contains(v, id))
				free(id);
			else
				sv_push_owned(v, id);
		}
		p = e + 1;
	}
}

/* Each word of value with an '@' (brackets and quotes dropped) into v. */
static void
addrs_add(struct strvec *v, const char *value)
{
	const char *p = value;
	size_t n;

	while (*p && v->n < DSN_MAX_IDS) {
		p += strspn(p, " ,;<>\"'()");
		n = strcspn(p, " ,;<>\"'()");
		if (n > 0 && n < 250 && memchr(p, '@', n) != NULL) {
			char *a = xstrndup(p, n);

			str_lower(a);
			sv_push_owned(v, a);
		}
		p += n;
	}
}

static int
top_field(const char *name, size_t nlen, const char *value, void *arg)
{
	struct dsn_report *r = arg;
	struct strvec tmp = { 0 };

	if (mail_hdr_is(name, nlen, "In-Reply-To") ||
	    mail_hdr_is(name, nlen, "References"))
		ids_add(&r->msgids, value);
	else if (mail_hdr_is(name, nlen, "To") ||
	    mail_hdr_is(name, nlen, "Delivered-To") ||
	    mail_hdr_is(name, nlen, "X-Original-To") ||
	    mail_hdr_is(name, nlen, "Envelope-To") ||
	    mail_hdr_is(name, nlen, "X-Envelope-To"))
		addrs_add(&r->rcpts, value);
	else if (mail_hdr_is(name, nlen, "X-Failed-Recipients")) {
		addrs_add(&tmp, value);
		if (tmp.n > 0 && r->recipient == NULL)
			r->recipient = xstrdup(tmp.v[0]);
		if (r->action < DSN_FAILED)
			r->action = DSN_FAILED;
		sv_free(&tmp);
	}
	return 0;
}

/* Whether line l starts with field name (any case) and a colon; *v then
 * points at its value. */
static int
field_is(const char *l, const char *name, const char **v)
{
	size_t n = strlen(name);

	if (strncasecmp(l, name, n) != 0)
		return 0;
	l += n;
	while (*l == ' ' || *l == '\t')
		l++;
	if (*l != ':')
		return 0;
	for (l++; *l == ' ' || *l == '\t'; l++)
		;
	*v = l;
	return 1;
}

/* An RFC 3463 status code at s ("5.1.1"), its length or 0. */
static size_t
status_at(const char *s)
{
	size_t i = 1, d;

	if (s[0] != '2' && s[0] != '4' && s[0] != '5')
		return 0;
	for (int part = 0; part < 2; part++) {
		if (s[i] != '.')
			return 0;
		for (d = 0, i++; isdigit((unsigned char)s[i]) && d < 3; d++)
			i++;
		if (d == 0)
			return 0;
	}
	return isdigit((unsigned char)s[i]) || s[i] == '.' ? 0 : i;
}

/* The first status code in text (not inside a longer number). */
static size_t
status_find(const char *text, const char **at)
{
	size_t n;

	for (const char *p = text; *p; p++) {
		if (p > text && (isdigit((unsigned char)p[-1]) || p[-1] == '.'))
			continue;
		if ((n = status_at(p)) > 0) {
			*at = p;
			return n;
		}
	}
	return 0;
}

static enum dsn_action
action_word(const char *v)
{
	if (strncasecmp(v, "failed", 6) == 0)
		return DSN_FAILED;
	if (strncasecmp(v, "delayed", 7) == 0)
		return DSN_DELAYED;
	if (strncasecmp(v, "delivered", 9) == 0 ||
	    strncasecmp(v, "relayed", 7) == 0 ||
	    strncasecmp(v, "expanded", 8) == 0)
		return DSN_DELIVERED;
	return DSN_UNKNOWN;
}

static char *
diag_clean(const char *v)
{
	const char *semi = strchr(v, ';');
	size_t word = strcspn(v, " ");

	/* "smtp; 550 5.1.1 ...": the type is not the diagnostic */
	if (semi != NULL && semi - v <= 12 && (size_t)(semi - v) < word)
		v = semi + 1;
	while (*v == ' ')
		v++;
	return xstrndup(v, strnlen(v, DSN_DIAG_MAX));
}

static void
diag_more(char **d, const char *l)
{
	char *n;

	while (*l == ' ' || *l == '\t')
		l++;
	if (strlen(*d) + strlen(l) + 1 >= DSN_DIAG_MAX)
		return;
	n = xstrcat(*d, " ", l, NULL);
	free(*d);
	*d = n;
}

/* The fields of the message/delivery-status part. */
static int
report_field(struct scan *sc, const char *l)
{
	struct dsn_report *r = sc->r;
	enum dsn_action a;
	const char *v;
	size_t n;

	if (field_is(l, "Action", &v)) {
		if ((a = action_word(v)) != DSN_UNKNOWN) {
			r->standard = 1;
			if (a > r->action)
				r->action = a;
		}
	} else if (field_is(l, "Status", &v)) {
		if (r->status[0] == '\0' && (n = status_at(v)) > 0)
			memcpy(r->status, v, n);
	} else if (field_is(l, "Diagnostic-Code", &v)) {
		if (r->diagnostic == NULL) {
			r->diagnostic = diag_clean(v);
			sc->in_diag = 1;
		}
	} else if (field_is(l, "Final-Recipient", &v)) {
		if (r->recipient == NULL) {
			struct strvec tmp = { 0 };

			addrs_add(&tmp, strchr(v, ';') ? strchr(v, ';') + 1 : v);
			if (tmp.n > 0)
				r->recipient = xstrdup(tmp.v[0]);
			sv_free(&tmp);
		}
	} else
		return 0;
	return 1;
}

static int
ci_has(const char *s, const char *w)
{
	size_t n = strlen(w);

	for (; *s; s++)
		if (strncasecmp(s, w, n) == 0)
			return 1;
	return 0;
}

static int
contains(const char *l, const char *const *list)
{
	for (size_t i = 0; list[i] != NULL; i++)
		if (ci_has(l, list[i]))
			return 1;
	return 0;
}

/* Sentences of the bounces that are no RFC 3464 report. */
static const char *const failed_text[] = {
	"This is a permanent error",			/* qmail, Exim */
	"I'm afraid I wasn't able to deliver",		/* qmail */
	"Sorry, we were unable to deliver your message", /* Yahoo */
	"failed permanently",				/* Gmail */
	"Delivery has failed to these recipients",	/* Exchange */
	"couldn't be delivered",			/* Office 365 */
	"wasn't delivered",				/* Office 365 */
	"could not be delivered to one or more",	/* Postfix, Exim */
	"was not delivered to:",			/* Domino */
	"The following address(es) failed",		/* Exim */
	"had permanent fatal errors",			/* Sendmail */
	"An error occurred while trying to deliver",	/* Amazon SES */
	"Unable to deliver message to",
	NULL };
static const char *const delayed_text[] = {
	"THIS IS A WARNING ONLY", "THIS IS A WARNING MESSAGE ONLY",
	"has been delayed", "still being retried", "will be retried",
	"Delivery attempts will continue", "could not send message for past",
	"Delay reason:", "delivery is delayed", NULL };
/* Lines that open the returned message in a text bounce. */
static const char *const copy_starts[] = {
	"--- Below this line is a copy of the message",	/* qmail, Yahoo */
	"------ This is a copy of ",			/* Exim */
	"----- Original message -----",			/* Gmail */
	"----- Message header follows -----",
	"Original message headers:",			/* Exchange */
	"Content-Type: message/rfc822", "Content-Type: message/global",
	"Content-Type: text/rfc822-headers",
	"Content-Type: message/global-headers", NULL };

/* Lines that open the report itself. */
static const char *const report_starts[] = {
	"Content-Type: message/delivery-status",
	"Content-Type: message/global-delivery-status", NULL };

static int
starts_with_any(const char *l, const char *const *list)
{
	for (size_t i = 0; list[i] != NULL; i++)
		if (strncasecmp(l, list[i], strlen(list[i])) == 0)
			return 1;
	return 0;
}

/* The sentences before the returned message. */
static void
text_line(struct scan *sc, const char *l)
{
	const char *at;
	size_t n;

	if (contains(l, delayed_text))
		sc->text_delayed = 1;
	if (contains(l, failed_text))
		sc->text_failed = 1;
	if (sc->text_status[0] == '\0' && (n = status_find(l, &at)) > 0) {
		memcpy(sc->text_status, at, n);
		free(sc->text_diag);
		sc->text_diag = diag_clean(l);
	}
	if (sc->r->recipient == NULL && l[0] == '<' && strchr(l, '@') &&
	    strstr(l, ">:") != NULL)		/* qmail: "<a@b.example>:" */
		sc->r->recipient = xstrndup(l + 1, (size_t)(strstr(l, ">:") -
		    l - 1));
}

static void
body_line(struct scan *sc, const char *l)
{
	const char *v;

	if (sc->in_diag && (l[0] == ' ' || l[0] == '\t')) {
		diag_more(&sc->r->diagnostic, l);
		return;
	}
	sc->in_diag = 0;
	if (field_is(l, "Message-ID", &v)) {
		ids_add(&sc->r->msgids, v);
		return;
	}
	if (starts_with_any(l, report_starts)) {
		sc->copy = 0;	/* Exchange copies headers before it */
		return;
	}
	if (sc->copy)
		return;
	if (starts_with_any(l, copy_starts)) {
		sc->copy = 1;
		return;
	}
	if (!report_field(sc, l))
		text_line(sc, l);
}

static void
scan_body(struct scan *sc, const char *raw, size_t len, size_t pos)
{
	char line[1024];
	size_t le, n;

	if (len > DSN_SCAN_MAX)
		len = DSN_SCAN_MAX;
	while (pos < len) {
		const char *nl = memchr(raw + pos, '\n', len - pos);

		le = nl ? (size_t)(nl - raw) + 1 : len;
		n = le - pos;
		while (n > 0 && (raw[pos + n - 1] == '\n' ||
		    raw[pos + n - 1] == '\r'))
			n--;
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, raw + pos, n);
		line[n] = '\0';
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)line[i] < 32 && line[i] != '\t')
				line[i] = ' ';
		body_line(sc, line);
		pos = le;
	}
}

void
dsn_parse(const char *raw, size_t len, struct dsn_report *r)
{
	struct scan sc;
	size_t body;

	memset(r, 0, sizeof(*r));
	if (raw == NULL)
		return;
	memset(&sc, 0, sizeof(sc));
	sc.r = r;
	body = mail_hdr_each(raw, len, 0, top_field, r);
	scan_body(&sc, raw, len, body);
	if (!r->standard) {
		if (sc.text_delayed && r->action < DSN_DELAYED)
			r->action = DSN_DELAYED;
		if (sc.text_failed && !sc.text_delayed)
			r->action = DSN_FAILED;
	}
	if (r->status[0] == '\0')
		memcpy(r->status, sc.text_status, sizeof(r->status));
	if (r->diagnostic == NULL) {
		r->diagnostic = sc.text_diag;
		sc.text_diag = NULL;
	}
	free(sc.text_diag);
}

void
dsn_report_free(struct dsn_report *r)
{
	free(r->diagnostic);
	free(r->recipient);
	sv_free(&r->msgids);
	sv_free(&r->rcpts);
	memset(r, 0, sizeof(*r));
}

const char *
dsn_action_name(enum dsn_action a)
{
	switch (a) {
	case DSN_UNKNOWN:	return "unknown";
	case DSN_DELIVERED:	return "delivered";
	case DSN_DELAYED:	return "delayed";
	case DSN_FAILED:	return "failed";
	default:		abort();
	}
}
