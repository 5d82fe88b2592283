/* robot.c - automatic mail (SPEC 7): never answered, never a confirmation,
 * never a request.
 *
 * The signals are those of the RFCs (3834 Auto-Submitted, 6522 multipart/
 * report, 2369/2919 list fields) and those the big systems put on what
 * they send: Exchange and Office 365 (X-MS-Exchange-Message-Is-Ndr on
 * NDRs; X-MS-Exchange-Inbox-Rules-Loop with X-Auto-Response-Suppress on
 * out-of-office replies), Exim and Gmail (X-Failed-Recipients), Amazon SNS
 * (x-amz-sns-message-id), X-Autoreply / X-Autorespond (Yahoo, cPanel,
 * many autoresponders), Precedence/X-Precedence auto_reply, the senders
 * MAILER-DAEMON and postmaster (Postfix, qmail, Sendmail, Exim, Domino,
 * Exchange), and the subjects of bounces and out-of-office replies that
 * carry no header at all (Outlook's old OOF, qmail, Domino).
 *
 * X-Auto-Response-Suppress alone is not a signal: Exchange and Outlook put
 * it on mails people write (it asks others not to auto-reply), and taking
 * it for one loses real requests. X-SES-Outgoing alone is not either:
 * Amazon WorkMail sends people's mail through SES.
 *
 * Order matters: a report is a report whatever else it carries; our own
 * address next; a vacation reply before the null sender it comes from. */
#include "robot.h"
#include "mail_hdr.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

struct robot_facts {
	char	ctype[256];
	char	auto_submitted[128];
	char	precedence[64];
	int	list;			/* List-Id, List-Unsubscribe */
	int	autoreply;		/* X-Autoreply, X-Autorespond */
	int	suppress;		/* X-Auto-Response-Suppress */
	int	rules_loop;		/* X-MS-Exchange-Inbox-Rules-Loop */
	int	ms_ndr;			/* X-MS-Exchange-Message-Is-Ndr */
	int	failed_rcpts;		/* X-Failed-Recipients */
	int	sns;			/* x-amz-sns-message-id */
};

static void
copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src);
}

static int
fact(const char *name, size_t nlen, const char *value, void *arg)
{
	struct robot_facts *f = arg;

	if (mail_hdr_is(name, nlen, "Content-Type") && f->ctype[0] == '\0')
		copy(f->ctype, sizeof(f->ctype), value);
	else if (mail_hdr_is(name, nlen, "Auto-Submitted"))
		copy(f->auto_submitted, sizeof(f->auto_submitted), value);
	else if (mail_hdr_is(name, nlen, "Precedence") ||
	    mail_hdr_is(name, nlen, "X-Precedence"))
		copy(f->precedence, sizeof(f->precedence), value);
	else if (mail_hdr_is(name, nlen, "List-Id") ||
	    mail_hdr_is(name, nlen, "List-Unsubscribe"))
		f->list = 1;
	else if ((mail_hdr_is(name, nlen, "X-Autoreply") ||
	    mail_hdr_is(name, nlen, "X-Autorespond") ||
	    mail_hdr_is(name, nlen, "X-Autoresponder")) &&
	    strcasecmp(value, "no") != 0)
		f->autoreply = 1;
	else if (mail_hdr_is(name, nlen, "X-Auto-Response-Suppress"))
		f->suppress = 1;
	else if (mail_hdr_is(name, nlen, "X-MS-Exchange-Inbox-Rules-Loop"))
		f->rules_loop = 1;
	else if (mail_hdr_is(name, nlen, "X-MS-Exchange-Message-Is-Ndr"))
		f->ms_ndr = 1;
	else if (mail_hdr_is(name, nlen, "X-Failed-Recipients"))
		f->failed_rcpts = 1;
	else if (mail_hdr_is(name, nlen, "x-amz-sns-message-id"))
		f->sns = 1;
	return 0;
}

/* The length of the valid UTF-8 sequence at s (at most n bytes), 0 if
 * none: a header may hold any bytes, the signal is shown and stored. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t len = s[0] < 0x80 ? 1 : s[0] >= 0xc2 && s[0] < 0xe0 ? 2 :
	    s[0] >= 0xe0 && s[0] < 0xf0 ? 3 : s[0] >= 0xf0 && s[0] < 0xf5 ? 4 :
	    0;

	if (len == 0 || len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((len == 3 && s[0] == 0xe0 && s[1] < 0xa0) ||
	    (len == 3 && s[0] == 0xed && s[1] >= 0xa0) ||
	    (len == 4 && s[0] == 0xf0 && s[1] < 0x90) ||
	    (len == 4 && s[0] == 0xf4 && s[1] >= 0x90))
		return 0;			/* overlong, surrogate, > U+10FFFF */
	return len;
}

/* The signal as one clean UTF-8 line: control bytes and invalid
 * sequences become '?', cut on a character boundary. */
static int
set(struct robot_verdict *v, enum robot_kind k, const char *signal)
{
	const unsigned char *p = (const unsigned char *)signal;
	size_t n = strlen(signal), o = 0, l;

	v->kind = k;
	for (size_t i = 0; i < n; i += l) {
		l = utf8_len(p + i, n - i);
		if (o + (l ? l : 1) >= sizeof(v->signal))
			break;
		if (l == 0 || (l == 1 && (p[i] < 0x20 || p[i] == 0x7f))) {
			v->signal[o++] = '?';
			l = l ? l : 1;
		} else {
			memcpy(v->signal + o, p + i, l);
			o += l;
		}
	}
	v->signal[o] = '\0';
	return 1;
}

static int
word_is(const char *v, const char *w)
{
	size_t n = strlen(w);

	return strncasecmp(v, w, n) == 0 && (v[n] == '\0' || v[n] == ';' ||
	    v[n] == ' ' || v[n] == '(');
}

/* multipart/report of any report type (RFC 6522). */
static int
by_report(const struct robot_facts *f, struct robot_verdict *v)
{
	char type[64] = "", sig[160];

	if (!mail_hdr_type_is(f->ctype, "multipart/report"))
		return 0;
	(void)mail_hdr_param(f->ctype, "report-type", type, sizeof(type));
	snprintf(sig, sizeof(sig), "multipart/report; report-type=%s",
	    type[0] ? type : "(none)");
	if (strcasecmp(type, "delivery-status") == 0 ||
	    strcasecmp(type, "global-delivery-status") == 0)
		return set(v, ROBOT_BOUNCE, sig);
	if (strcasecmp(type, "feedback-report") == 0)
		return set(v, ROBOT_FEEDBACK, sig);
	if (strcasecmp(type, "disposition-notification") == 0 ||
	    strcasecmp(type, "global-disposition-notification") == 0)
		return set(v, ROBOT_RECEIPT, sig);
	return set(v, ROBOT_NOTIFICATION, sig);
}

static int
prefix_in(const char *s, const char *const *list)
{
	for (size_t i = 0; list[i] != NULL; i++)
		if (strncasecmp(s, list[i], strlen(list[i])) == 0)
			return 1;
	return 0;
}

/* Subjects that automatic replies carry even without any header. */
static const char *const vacation_subjects[] = { "Automatic reply:",
	"Auto reply:", "Autoreply:", "Auto-reply:", "Out of Office",
	"Out of the office", "Réponse automatique", "Reponse automatique",
	"Absence du bureau", "Abwesenheitsnotiz", "Automatische Antwort",
	"Respuesta automática", "Risposta automatica", "Resposta automática",
	NULL };
/* Subjects of the bounces of Postfix, Sendmail, Exim, qmail, Exchange,
 * Gmail, Domino, Yahoo, Amazon SES and their like. */
static const char *const bounce_subjects[] = {
	"Undelivered Mail Returned to Sender", "Undeliverable:",
	"Undeliverable mail", "Mail delivery failed", "Mail Delivery Failure",
	"Delivery Status Notification", "failure notice", "Returned mail:",
	"DELIVERY FAILURE:", "DELIVERY_FAILURE:", "Delivery has failed",
	"Delayed Mail", "Warning: could not send message",
	"Non remis", "Non distribuable", "Unzustellbar", NULL };

static int
by_vacation(const struct robot_facts *f, const char *subject,
    struct robot_verdict *v)
{
	char sig[160];

	if (f->auto_submitted[0] && word_is(f->auto_submitted, "auto-replied")) {
		snprintf(sig, sizeof(sig), "Auto-Submitted: %s",
		    f->auto_submitted);
		return set(v, ROBOT_VACATION, sig);
	}
	if (f->autoreply)
		return set(v, ROBOT_VACATION, "X-Autoreply");
	if (word_is(f->precedence, "auto_reply"))
		return set(v, ROBOT_VACATION, "Precedence: auto_reply");
	if (f->suppress && f->rules_loop)
		return set(v, ROBOT_VACATION, "X-Auto-Response-Suppress with "
		    "X-MS-Exchange-Inbox-Rules-Loop");
	if (subject && prefix_in(subject, vacation_subjects)) {
		snprintf(sig, sizeof(sig), "subject \"%.100s\"", subject);
		return set(v, ROBOT_VACATION, sig);
	}
	return 0;
}

/* The local part of addr is one of names (ASCII, any case). */
static int
local_is(const char *addr, const char *name)
{
	const char *at = addr ? strrchr(addr, '@') : NULL;
	size_t n = strlen(name);

	if (addr == NULL)
		return 0;
	if (at == NULL)
		return strcasecmp(addr, name) == 0;
	return (size_t)(at - addr) == n && strncasecmp(addr, name, n) == 0;
}

/* Bounces that are no report: a null envelope sender, the MTA's own
 * sender, a bounce subject. */
static int
by_bounce(const struct robot_facts *f, const struct mail_text *mt,
    struct robot_verdict *v)
{
	char sig[160];

	if (f->ms_ndr)
		return set(v, ROBOT_BOUNCE, "X-MS-Exchange-Message-Is-Ndr");
	if (f->failed_rcpts)
		return set(v, ROBOT_BOUNCE, "X-Failed-Recipients");
	if (mt->return_path && mt->return_path[0] == '\0')
		return set(v, ROBOT_BOUNCE, "null sender (Return-Path: <>)");
	if (local_is(mt->from_addr, "mailer-daemon") ||
	    local_is(mt->from_addr, "postmaster")) {
		snprintf(sig, sizeof(sig), "sender %.120s", mt->from_addr);
		return set(v, ROBOT_BOUNCE, sig);
	}
	if (mt->subject && prefix_in(mt->subject, bounce_subjects)) {
		snprintf(sig, sizeof(sig), "subject \"%.100s\"", mt->subject);
		return set(v, ROBOT_BOUNCE, sig);
	}
	return 0;
}

/* no-reply, noreply, no_reply, do-not-reply, donotreply, noreply-xyz...:
 * the local part without '.', '-' and '_' starts with noreply or
 * donotreply. */
static int
noreply(const char *addr)
{
	char lp[64];
	size_t k = 0;

	if (addr == NULL)
		return 0;
	for (const char *p = addr; *p && *p != '@' && k + 1 < sizeof(lp); p++)
		if (*p != '.' && *p != '-' && *p != '_')
			lp[k++] = *p;
	lp[k] = '\0';
	return strncasecmp(lp, "noreply", 7) == 0 ||
	    strncasecmp(lp, "donotreply", 10) == 0;
}

static int
by_sender(const struct robot_facts *f, const struct mail_text *mt,
    struct robot_verdict *v)
{
	char sig[160];

	if (f->list)
		return set(v, ROBOT_LIST, "List-Id or List-Unsubscribe");
	if (word_is(f->precedence, "list"))
		return set(v, ROBOT_LIST, "Precedence: list");
	if (word_is(f->precedence, "bulk") || word_is(f->precedence, "junk")) {
		snprintf(sig, sizeof(sig), "Precedence: %s", f->precedence);
		return set(v, ROBOT_BULK, sig);
	}
	if (f->auto_submitted[0] && !word_is(f->auto_submitted, "no")) {
		snprintf(sig, sizeof(sig), "Auto-Submitted: %s",
		    f->auto_submitted);
		return set(v, ROBOT_NOTIFICATION, sig);
	}
	if (f->sns)
		return set(v, ROBOT_NOTIFICATION, "x-amz-sns-message-id "
		    "(Amazon SNS)");
	if (noreply(mt->from_addr)) {
		snprintf(sig, sizeof(sig), "sender %.120s", mt->from_addr);
		return set(v, ROBOT_NOREPLY, sig);
	}
	return 0;
}

void
robot_classify(const char *raw, size_t len, const struct mail_text *mt,
    const char *self, struct robot_verdict *v)
{
	struct robot_facts f;

	memset(v, 0, sizeof(*v));
	memset(&f, 0, sizeof(f));
	if (raw != NULL)
		(void)mail_hdr_each(raw, len, 0, fact, &f);
	if (by_report(&f, v))
		return;
	if (f.ms_ndr || f.failed_rcpts) {
		(void)by_bounce(&f, mt, v);
		return;
	}
	if (self && mt->from_addr && strcasecmp(mt->from_addr, self) == 0) {
		set(v, ROBOT_SELF, "our own address");
		return;
	}
	/* A mail without a usable sender is not automatic for that: it is
	 * read, and answered by nobody (ingest.c, addr_sender_parse). */
	(void)(by_vacation(&f, mt->subject, v) || by_bounce(&f, mt, v) ||
	    by_sender(&f, mt, v));
}

static const char *const kind_names[] = {
	[ROBOT_NONE] = NULL,
	[ROBOT_BOUNCE] = "bounce",
	[ROBOT_FEEDBACK] = "feedback",
	[ROBOT_RECEIPT] = "read-receipt",
	[ROBOT_VACATION] = "vacation",
	[ROBOT_LIST] = "list",
	[ROBOT_BULK] = "bulk",
	[ROBOT_NOTIFICATION] = "notification",
	[ROBOT_NOREPLY] = "no-reply",
	[ROBOT_SELF] = "own-address",
};

const char *
robot_kind_name(enum robot_kind k)
{
	if ((size_t)k >= sizeof(kind_names) / sizeof(kind_names[0]))
		return NULL;
	return kind_names[k];
}

enum robot_kind
robot_kind_parse(const char *name)
{
	for (size_t i = 1; name && i < sizeof(kind_names) /
	    sizeof(kind_names[0]); i++)
		if (strcmp(kind_names[i], name) == 0)
			return (enum robot_kind)i;
	return ROBOT_NONE;
}
