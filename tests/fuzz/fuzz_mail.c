/* fuzz_mail.c - libFuzzer target: a raw mail, as anyone on the Internet
 * may send it, through everything that reads it before the database:
 * mime_text_extract -> request_parse -> request_validate (with facts drawn
 * from the input) -> reason_text -> the rejection or confirmation
 * notice (template_render, mail_build) sent back to its sender.
 *
 * Asserts what the modules promise: header facts clean one-line UTF-8, a
 * body of valid UTF-8 without CR or NUL, validation idempotent, short
 * reason details, a valid request made only of valid values, and a notice
 * with nothing of the mail in any header beyond what the grammar allows. */
#include "fuzz_check.h"
#include "mail_build.h"
#include "mime_text.h"
#include "notice.h"
#include "policy.h"
#include "request.h"
#include "request_parse.h"
#include "request_validate.h"
#include "reason_text.h"
#include "addr.h"
#include "template.h"
#include "util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *
templates_dir(void)
{
	const char *d = getenv("PICFLOW_TEMPLATES");

	return d ? d : PICFLOW_SOURCE_DIR "/mailtemplates";
}

static uint32_t
fnv1a(const uint8_t *data, size_t size)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	return h;
}

static void
check_fact(const char *s)
{
	if (s != NULL)
		FUZZ_ASSERT(fuzz_clean_line(s), "header fact not clean", s);
}

static void
check_text(const struct mail_text *mt)
{
	size_t n = strlen(mt->body);

	check_fact(mt->message_id);
	check_fact(mt->from_addr);
	check_fact(mt->from_name);
	check_fact(mt->reply_to);
	check_fact(mt->return_path);
	check_fact(mt->subject);
	check_fact(mt->in_reply_to);
	check_fact(mt->references);
	check_fact(mt->content_language);
	check_fact(mt->auto_submitted);
	check_fact(mt->precedence);
	FUZZ_ASSERT(fuzz_utf8_valid(mt->body, n), "body not UTF-8", mt->body);
	FUZZ_ASSERT(memchr(mt->body, '\r', n) == NULL, "CR in body",
	    mt->body);
	FUZZ_ASSERT(n <= MIME_MAX_TEXT + 4096, "body over its limit", NULL);
}

static void
check_reasons(const struct request_form *f)
{
	for (size_t i = 0; i < f->reasons.n; i++) {
		const struct reason *r = &f->reasons.v[i];
		char *en, *fr;

		FUZZ_ASSERT(r->code != NULL && *r->code != '\0',
		    "reason without a code", NULL);
		FUZZ_ASSERT(r->detail == NULL || strlen(r->detail) <= 123,
		    "reason detail not cut", r->detail);
		if (r->detail != NULL)
			FUZZ_ASSERT(fuzz_utf8_valid(r->detail,
			    strlen(r->detail)), "reason detail not UTF-8",
			    r->detail);
		en = reason_text(templates_dir(), r->code, r->detail, "en");
		fr = reason_text(templates_dir(), r->code, r->detail, "fr");
		FUZZ_ASSERT(fuzz_utf8_valid(en, strlen(en)), "sentence", en);
		FUZZ_ASSERT(fuzz_utf8_valid(fr, strlen(fr)), "sentence", fr);
		free(en);
		free(fr);
	}
}

/* "A request with no reasons has only valid values" (request.h). */
static void
check_valid_form(const struct request_form *f, const struct policy *p)
{
	enum req_action a = request_effective_action(f);
	char *c;

	if (f->reasons.n > 0 || (a != ACTION_PROVISION && a != ACTION_UPDATE))
		return;
	FUZZ_ASSERT(f->edge_fqdns.n >= 1 &&
	    f->edge_fqdns.n <= (size_t)p->max_edge_fqdns,
	    "valid request with a bad number of Edge FQDNs", NULL);
	FUZZ_ASSERT(f->n_sip >= 1 && f->n_sip <= (size_t)p->max_sip_domains,
	    "valid request with a bad number of SIP domains", NULL);
	for (size_t i = 0; i < f->edge_fqdns.n; i++)
		FUZZ_ASSERT(addr_hostname_valid(f->edge_fqdns.v[i]),
		    "valid request with a bad Edge FQDN", f->edge_fqdns.v[i]);
	for (size_t i = 0; i < f->n_sip; i++) {
		FUZZ_ASSERT(addr_hostname_valid(f->sip[i].domain),
		    "valid request with a bad SIP domain", f->sip[i].domain);
		FUZZ_ASSERT(f->sip[i].contact != NULL,
		    "valid request without a contact", f->sip[i].domain);
		c = addr_parse(f->sip[i].contact);
		FUZZ_ASSERT(c != NULL && strcmp(c, f->sip[i].contact) == 0,
		    "valid request with a contact not normalised",
		    f->sip[i].contact);
		free(c);
	}
}

static int
same_reasons(const struct reasons *a, const struct reasons *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++) {
		const char *da = a->v[i].detail, *db = b->v[i].detail;

		if (strcmp(a->v[i].code, b->v[i].code) != 0)
			return 0;
		if ((da == NULL) != (db == NULL) || (da && strcmp(da, db)))
			return 0;
	}
	return 1;
}

/* The notice this mail would get, built as notice.c builds it. */
static void
build_notice(const struct mail_text *mt, const struct request_form *f)
{
	struct tvars tv = { 0 };
	struct strbuf sb;
	struct mail_spec m;
	const char *tmpl = f->reasons.n > 0 ? "rejection" : "confirmation";
	char *reasons, *edges, *sips, *subject = NULL, *body = NULL, *msg;
	char err[PF_ERRLEN];

	reasons = reason_text_list(templates_dir(), &f->reasons, f->language, 1);
	sb_init(&sb);
	for (size_t i = 0; i < f->edge_fqdns.n; i++)
		sb_addf(&sb, "  - %s\n", f->edge_fqdns.v[i]);
	edges = sb_steal(&sb);
	for (size_t i = 0; i < f->n_sip; i++)
		sb_addf(&sb, "  - %s (contact: %s)\n", f->sip[i].domain,
		    f->sip[i].contact ? f->sip[i].contact : "-");
	sips = sb_steal(&sb);
	tvars_set(&tv, "tag", "PIC-0123abcd");
	tvars_set(&tv, "reasons", reasons);
	tvars_set(&tv, "edge_fqdns", edges);
	tvars_set(&tv, "sip_domains", sips);
	tvars_set(&tv, "agreement_number", f->agreement_number);
	tvars_set(&tv, "agreement_type", f->agreement_type);
	tvars_set(&tv, "deployment", f->deployment);
	tvars_set(&tv, "recipient", mt->from_addr);
	tvars_set(&tv, "service_address", "provisioning@pic.example.net");
	tvars_set(&tv, "is_update", f->action == ACTION_UPDATE ? "1" : NULL);
	if (template_render(templates_dir(), f->language, tmpl, &tv, &subject,
	    &body, err, sizeof(err)) != PF_OK)
		fuzz_fail(__FILE__, __LINE__, "template_render failed", err);
	FUZZ_ASSERT(strchr(subject, '\n') == NULL, "subject of two lines",
	    subject);
	memset(&m, 0, sizeof(m));
	m.from_addr = "provisioning@pic.example.net";
	m.from_name = mt->from_name;	/* a hostile name as a display name */
	m.to_addr = mt->from_addr ? mt->from_addr : "nobody@example.org";
	m.subject = subject;
	m.message_id = "fuzz.1@pic.example.net";
	m.in_reply_to = mt->message_id;
	m.references = mt->references;
	m.language = f->language;
	m.body = body;
	m.date = 1700000000;
	msg = mail_build(&m, err, sizeof(err));
	if (msg == NULL && mt->from_addr != NULL) {
		/* an address we refuse to write: the notice is not built */
		m.to_addr = "nobody@example.org";
		msg = mail_build(&m, err, sizeof(err));
	}
	FUZZ_ASSERT(msg != NULL, "mail_build refused a notice", err);
	fuzz_check_message(msg);
	free(msg);
	free(subject);
	free(body);
	free(reasons);
	free(edges);
	free(sips);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct policy p;
	static int init;
	struct mail_text mt;
	struct request_form f;
	struct agreement_facts facts;
	struct reasons first = { 0 };
	char err[PF_ERRLEN];
	uint32_t h = fnv1a(data, size);
	time_t now;

	if (!init) {
		policy_defaults(&p);
		init = 1;
	}
	memset(&mt, 0, sizeof(mt));
	if (mime_text_extract((const char *)data, size, &mt, err,
	    sizeof(err)) != PF_OK)
		fuzz_fail(__FILE__, __LINE__, "mime_text_extract failed", err);
	check_text(&mt);

	memset(&f, 0, sizeof(f));
	request_parse(mt.body, mt.content_language, &p, &f);
	FUZZ_ASSERT(f.language && (strcmp(f.language, "en") == 0 ||
	    strcmp(f.language, "fr") == 0), "language not resolved",
	    f.language);
	check_reasons(&f);

	/* Facts and clock drawn from the input, so that every branch of
	 * validation is reachable: before and after the network end dates,
	 * sender a contact or not, some domains claimed elsewhere. */
	memset(&facts, 0, sizeof(facts));
	facts.n_requests = (int)(h & 3);
	facts.n_provisioned = (int)((h >> 2) & 1) * facts.n_requests;
	facts.sender_is_contact = (int)((h >> 3) & 1);
	for (size_t i = 0; i < f.n_sip && i < 24; i++)
		if ((h >> (8 + i)) & 1)
			sv_push(&facts.claimed, f.sip[i].domain);
	now = (h & 16) ? 1388534400 /* 2014-01-01 */ : 1700000000;
	request_validate(&f, &p, (h & 32) ? NULL : &facts, now);
	check_reasons(&f);
	for (size_t i = 0; i < f.reasons.n; i++)
		reasons_add(&first, f.reasons.v[i].code, f.reasons.v[i].detail);
	request_validate(&f, &p, (h & 32) ? NULL : &facts, now);
	FUZZ_ASSERT(same_reasons(&first, &f.reasons),
	    "request_validate not idempotent", NULL);
	check_valid_form(&f, &p);
	build_notice(&mt, &f);

	reasons_free(&first);
	sv_free(&facts.claimed);
	request_form_free(&f);
	mime_text_free(&mt);
	return 0;
}
