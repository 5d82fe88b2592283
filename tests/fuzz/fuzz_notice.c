/* fuzz_notice.c - libFuzzer target: notice rendering with hostile values.
 *
 * The input is cut at 0xff bytes into the notice's parts: display name,
 * recipient, subject, In-Reply-To, References, language, a template text
 * and the values of every template variable. They go through
 * template_expand, template_render (the shipped templates, every notice,
 * both languages) and mail_build. Asserted: values are inserted verbatim
 * and never read as tags; a rendered subject is one line and a body ends
 * with one newline and never has two blank lines in a row; a built
 * message has no CR, LF or control byte in any header beyond CRLF line
 * ends and folding, lines within their lengths, one From/To/Subject/
 * Message-ID/Date; and reading it back (mime_text_extract) gives the
 * subject and the body that were written. */
#include "fuzz_check.h"
#include "mail_build.h"
#include "mime_text.h"
#include "template.h"
#include "util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { P_CTL, P_NAME, P_TO, P_SUBJECT, P_IRT, P_REFS, P_LANG, P_TEXT,
    P_VARS };

static const char *const var_names[] = { "tag", "request_id",
    "agreement_number", "agreement_type", "deployment", "edge_fqdns",
    "sip_domains", "due_date", "created_at", "provisioning_days",
    "recipient", "service_address", "language", "reasons", "warnings",
    "status_lines", "alert_kind", "alert_text", "held_until",
    "cooldown_hours", "edge_change_days", "note", "operator_reason",
    "refused", "is_update", "edge_change", "yahoo_licence", "hybrid",
    "superseded", "after_pending", "intro_no_fields", "token",
    "confirm_until", "confirm_days", "sender", "you_sent",
    "sip_domain_list", "action", "confirm", NULL };
#define N_VARS	(sizeof(var_names) / sizeof(var_names[0]) - 1)

static const char *const templates[] = { "verify", "confirmation",
    "completion", "rejection", "held", "delay", "status", "help", "alert" };
static const char *const langs[] = { "en", "fr", "de", "" };

static const char *
templates_dir(void)
{
	const char *d = getenv("PICFLOW_TEMPLATES");

	return d ? d : PICFLOW_SOURCE_DIR "/mailtemplates";
}

/* What a header's text becomes once written and read back: every
 * control or line-breaking character and every run of spaces one space,
 * trimmed. Only called on valid UTF-8. */
static char *
norm_text(const char *in)
{
	const unsigned char *s = (const unsigned char *)in;
	struct strbuf sb;
	int space = 0;

	sb_init(&sb);
	sb_adds(&sb, "");
	while (*s != '\0') {
		size_t k = 1;
		int blank = *s <= 0x20 || *s == 0x7f;

		if (*s >= 0xc0)
			k = *s >= 0xf0 ? 4 : *s >= 0xe0 ? 3 : 2;
		if (k == 2 && s[0] == 0xc2 && s[1] < 0xa0)
			blank = 1;
		if (k == 3 && s[0] == 0xe2 && s[1] == 0x80 &&
		    (s[2] == 0xa8 || s[2] == 0xa9))
			blank = 1;
		if (blank)
			space = sb.len > 0;
		else {
			if (space)
				sb_addc(&sb, ' ');
			space = 0;
			sb_add(&sb, (const char *)s, k);
		}
		s += k;
	}
	return sb_steal(&sb);
}

static int
body_plain(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
			return 0;
	return fuzz_utf8_valid(s, strlen(s));
}

static void
check_verbatim(const char *value, const struct tvars *all)
{
	struct tvars tv = { 0 };
	char *out, *want;

	/* a value is never scanned for tags, however it looks */
	tvars_set(&tv, "v", value);
	out = template_expand("<{{v}}>", &tv);
	want = xasprintf("<%s>", value);
	FUZZ_ASSERT(strcmp(out, want) == 0, "value not inserted verbatim",
	    out);
	free(out);
	free(want);
	out = template_expand("{{#v}}[{{v}}]{{/v}}{{^v}}none{{/v}}", &tv);
	want = *value ? xasprintf("[%s]", value) : xstrdup("none");
	FUZZ_ASSERT(strcmp(out, want) == 0, "section on a value", out);
	free(out);
	free(want);
	(void)all;
}

static void
check_rendered(const char *subject, const char *body)
{
	size_t n = strlen(body);

	FUZZ_ASSERT(strchr(subject, '\n') == NULL, "subject of two lines",
	    subject);
	FUZZ_ASSERT(n > 0 && body[n - 1] == '\n' &&
	    (n < 2 || body[n - 2] != '\n'),
	    "body does not end with exactly one newline", body);
	FUZZ_ASSERT(strstr(body, "\n\n\n") == NULL,
	    "two blank lines in a row", body);
}

static void
check_roundtrip(const char *msg, const struct mail_spec *m)
{
	struct mail_text mt;
	char err[PF_ERRLEN], *want, *got;

	memset(&mt, 0, sizeof(mt));
	if (mime_text_extract(msg, strlen(msg), &mt, err, sizeof(err)) != PF_OK)
		fuzz_fail(__FILE__, __LINE__, "cannot read back", err);
	FUZZ_ASSERT(mt.from_addr != NULL &&
	    str_ieq(mt.from_addr, m->from_addr), "From not read back", msg);
	FUZZ_ASSERT(mt.message_id && strcmp(mt.message_id, m->message_id) == 0,
	    "Message-ID not read back", msg);
	FUZZ_ASSERT(mt.auto_submitted != NULL, "Auto-Submitted lost", msg);
	if (fuzz_utf8_valid(m->subject, strlen(m->subject))) {
		want = norm_text(m->subject);
		got = norm_text(mt.subject ? mt.subject : "");
		if (strcmp(want, got) != 0) {
			fprintf(stderr, "want [%s]\ngot  [%s]\n", want, got);
			fuzz_fail(__FILE__, __LINE__, "Subject not read back",
			    msg);
		}
		free(want);
		free(got);
	}
	if (body_plain(m->body)) {
		size_t n = strlen(m->body);

		/* the message always ends its body with a line end */
		want = xasprintf("%s%s", m->body, n == 0 ||
		    m->body[n - 1] == '\n' ? "" : "\n");
		if (strcmp(want, mt.body) != 0 && !mt.truncated)
			fuzz_fail(__FILE__, __LINE__, "body not read back",
			    msg);
		free(want);
	}
	mime_text_free(&mt);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *piece[P_VARS + N_VARS], *block, *out, *subject = NULL;
	char *body = NULL, *msg, err[PF_ERRLEN];
	struct tvars tv = { 0 };
	struct mail_spec m;
	unsigned ctl;
	int rc;

	if (size > 256 * 1024)
		return 0;
	fuzz_split(data, size, piece, P_VARS + N_VARS, &block);
	ctl = (unsigned char)piece[P_CTL][0] |
	    (unsigned)(unsigned char)(piece[P_CTL][0] ? piece[P_CTL][1] : 0) << 8;
	for (size_t i = 0; i < N_VARS; i++)
		/* bit i of the control word leaves a variable unset */
		tvars_set(&tv, var_names[i], (i < 16 && (ctl >> i) & 1) ? NULL :
		    piece[P_VARS + i]);

	for (size_t i = 0; i < P_VARS + N_VARS; i++)
		check_verbatim(piece[i], &tv);
	out = template_expand(piece[P_TEXT], &tv);
	FUZZ_ASSERT(out != NULL, "template_expand returned NULL", NULL);
	free(out);

	rc = template_render(templates_dir(), langs[(ctl >> 3) & 3],
	    templates[ctl & 7], &tv, &subject, &body, err, sizeof(err));
	FUZZ_ASSERT(rc == PF_OK, "template_render failed", err);
	check_rendered(subject, body);

	memset(&m, 0, sizeof(m));
	m.from_addr = "provisioning@pic.example.net";
	m.from_name = piece[P_NAME];
	m.to_addr = piece[P_TO];
	m.subject = (ctl & 0x20) ? piece[P_SUBJECT] : subject;
	m.message_id = "fuzz.2@pic.example.net";
	m.in_reply_to = piece[P_IRT];
	m.references = piece[P_REFS];
	m.language = piece[P_LANG];
	m.body = (ctl & 0x40) ? piece[P_TEXT] : body;
	m.date = (time_t)(ctl * 7919u);
	msg = mail_build(&m, err, sizeof(err));
	if (msg == NULL) {
		/* only the recipient may make it fail: then a plain one */
		m.to_addr = "admin@contoso.com";
		msg = mail_build(&m, err, sizeof(err));
		FUZZ_ASSERT(msg != NULL, "mail_build refused good input", err);
	}
	fuzz_check_message(msg);
	check_roundtrip(msg, &m);
	free(msg);

	/* the header encoder alone, on the raw subject piece */
	out = mail_encode_header("Subject", piece[P_SUBJECT]);
	msg = xasprintf("From: a@b.example\r\nTo: c@d.example\r\n%s\r\n"
	    "Date: Mon, 1 Jan 2024 00:00:00 +0000\r\n"
	    "Message-ID: <x@y.example>\r\n\r\n", out);
	fuzz_check_message(msg);
	free(msg);
	free(out);
	free(subject);
	free(body);
	free(block);
	return 0;
}
