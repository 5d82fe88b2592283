/* test_mime_text.c - decoded text and header facts of request mails. */
#include "testutil.h"
#include "mime_text.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Strict UTF-8 check, independent of the code under test. */
static int
valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned cp, n, i, min;

	while (*p) {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if (*p >= 0xc2 && *p <= 0xdf)
			n = 1, cp = *p & 0x1f, min = 0x80;
		else if (*p >= 0xe0 && *p <= 0xef)
			n = 2, cp = *p & 0x0f, min = 0x800;
		else if (*p >= 0xf0 && *p <= 0xf4)
			n = 3, cp = *p & 0x07, min = 0x10000;
		else
			return 0;
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		p += n + 1;
	}
	return 1;
}

/* The output rules of mime_text.h, checked on every result. */
static void
check_invariants(const struct mail_text *mt)
{
	const char *hdr[] = { mt->message_id, mt->from_addr, mt->from_name,
	    mt->reply_to, mt->return_path, mt->subject, mt->in_reply_to,
	    mt->references, mt->content_language, mt->auto_submitted,
	    mt->precedence };
	size_t i;

	for (i = 0; i < sizeof(hdr) / sizeof(hdr[0]); i++) {
		if (hdr[i] == NULL)
			continue;
		assert_false(str_has_ctl(hdr[i]));
		assert_true(valid_utf8(hdr[i]));
	}
	assert_non_null(mt->body);
	assert_true(valid_utf8(mt->body));
	assert_null(strchr(mt->body, '\r'));
	assert_true(strlen(mt->body) <= MIME_MAX_TEXT);
}

static void
extract(const char *raw, size_t len, struct mail_text *mt)
{
	char err[PF_ERRLEN];

	assert_int_equal(mime_text_extract(raw, len, mt, err, sizeof(err)),
	    PF_OK);
	check_invariants(mt);
}

static void
extract_file(const char *name, struct mail_text *mt)
{
	char path[256], *raw;
	size_t len;

	snprintf(path, sizeof(path), "mail/%s", name);
	raw = tu_read_data(path, &len);
	extract(raw, len, mt);
	free(raw);
}

static void
extract_str(const char *raw, struct mail_text *mt)
{
	extract(raw, strlen(raw), mt);
}

/* ---------------------------------------------------------------- */
/* Sample mails                                                      */

static const char plain_utf8_body[] =
	"Action : approvisionnement\n"
	"Type-Contrat : licences-en-volume\n"
	"Numéro-Contrat : 61234567\n"
	"Déploiement : lync-server-2013\n"
	"FQDN-Edge : sip.tailspin.fr\n"
	"Domaine-SIP : tailspin.fr\n"
	"Contact : marie@tailspin.fr\n"
	"\n"
	"-- \n"
	"Marie Lefèvre\n";

static void
test_plain_utf8(void **state)
{
	struct mail_text mt;

	(void)state;
	extract_file("plain-utf8.eml", &mt);
	assert_string_equal(mt.body, plain_utf8_body);
	assert_string_equal(mt.message_id, "req-1@tailspin.fr");
	assert_string_equal(mt.from_addr, "marie@tailspin.fr");
	assert_string_equal(mt.from_name, "Marie Lefèvre");
	assert_string_equal(mt.return_path, "marie@tailspin.fr");
	assert_string_equal(mt.subject, "Demande PIC");
	assert_string_equal(mt.content_language, "fr");
	assert_null(mt.reply_to);
	assert_null(mt.in_reply_to);
	assert_null(mt.references);
	assert_null(mt.auto_submitted);
	assert_null(mt.precedence);
	assert_int_equal(mt.has_list_id, 0);
	assert_int_equal(mt.body_from_html, 0);
	assert_int_equal(mt.truncated, 0);
	mime_text_free(&mt);
}

/* The same mail with CRLF line ends, as IMAP delivers it. */
static void
test_plain_utf8_crlf(void **state)
{
	struct mail_text mt;
	struct strbuf sb;
	char *raw;
	size_t len, i;

	(void)state;
	raw = tu_read_data("mail/plain-utf8.eml", &len);
	sb_init(&sb);
	for (i = 0; i < len; i++) {
		if (raw[i] == '\n')
			sb_addc(&sb, '\r');
		sb_addc(&sb, raw[i]);
	}
	extract(sb.s, sb.len, &mt);
	assert_string_equal(mt.body, plain_utf8_body);
	assert_string_equal(mt.from_name, "Marie Lefèvre");
	assert_string_equal(mt.message_id, "req-1@tailspin.fr");
	mime_text_free(&mt);
	sb_free(&sb);
	free(raw);
}

static void
test_latin1_qp(void **state)
{
	struct mail_text mt;

	(void)state;
	extract_file("latin1-qp.eml", &mt);
	assert_string_equal(mt.body,
	    "Bonjour,\n"
	    "\n"
	    "Voici notre demande d'approvisionnement, avec une ligne assez "
	    "longue pour que le logiciel de messagerie la coupe en deux.\n"
	    "\n"
	    "Numéro-Contrat : 61234567\n"
	    "Déploiement : hybride\n"
	    "Réseaux : skype\n");
	assert_string_equal(mt.subject, "Demande d'approvisionnement été");
	/* raw latin-1 in a quoted display name */
	assert_string_equal(mt.from_name, "Lefèvre, Marie");
	assert_string_equal(mt.from_addr, "marie@tailspin.fr");
	assert_int_equal(mt.truncated, 0);
	mime_text_free(&mt);
}

static void
test_cp1252_base64(void **state)
{
	struct mail_text mt;

	(void)state;
	extract_file("cp1252-base64.eml", &mt);
	assert_string_equal(mt.body,
	    "Agreement-Number: 61234567\n"
	    "Note: price 100 € – “quoted”, it’s «ok», café\n");
	mime_text_free(&mt);
}

static void
test_flowed(void **state)
{
	struct mail_text mt;

	(void)state;
	extract_file("flowed.eml", &mt);
	assert_string_equal(mt.body,
	    "This is a long paragraph that the mailer wrapped at a "
	    "reasonable width, so it has to be put back together again.\n"
	    "From the start, this line was space-stuffed.\n"
	    "Action: provision\n"
	    "Edge-FQDN: sip.contoso.com\n"
	    "\n"
	    "> A quoted paragraph that was also wrapped by the mailer.\n"
	    ">> Deeper quote that flows too.\n"
	    "> Back to one level.\n"
	    "\n"
	    "-- \n"
	    "Ted\n");
	mime_text_free(&mt);
}

static void
test_flowed_delsp(void **state)
{
	struct mail_text mt;

	(void)state;
	extract_file("flowed-delsp.eml", &mt);
	assert_string_equal(mt.body,
	    "Edge-FQDN: sip.contoso.com\n"
	    "SIP-Domain: exemple.fabrikam.com\n"
	    "A sentence with a kept space.\n");
	mime_text_free(&mt);
}

/* mixed > alternative > related > text/plain, after a text attachment
 * and a PDF; "--=_b (...)" and "--=_b2rx" are not delimiters. */
static void
test_nested_attachment(void **state)
{
	struct mail_text mt;

	(void)state;
	extract_file("nested-attachment.eml", &mt);
	assert_string_equal(mt.body,
	    "Agreement-Number: 61234567\n"
	    "Deployment: lync-server-2013\n"
	    "Edge-FQDN: sip.tailspin.fr\n"
	    "--=_b (not a delimiter: text after the boundary)\n"
	    "--=_b2rx\n"
	    "Naïve café €");
	assert_int_equal(mt.body_from_html, 0);
	assert_int_equal(mt.truncated, 0);
	mime_text_free(&mt);
}

static void
test_html_only(void **state)
{
	struct mail_text mt;

	(void)state;
	extract_file("html-only.eml", &mt);
	assert_string_equal(mt.body,
	    "Hello team,\n"
	    "Action: provision\n"
	    "Agreement-Type: volume-licensing\n"
	    "Numéro-Contrat : 61234567\n"
	    "Deployment: lync-server-2013\n"
	    "Edge-FQDN: sip.contoso.com\n"
	    "one & two\n"
	    "3 < 4\n"
	    "Thanks\n"
	    "Ted\n"
	    "keep\n"
	    "this\n");
	assert_int_equal(mt.body_from_html, 1);
	mime_text_free(&mt);
}

static void
test_rfc2047_headers(void **state)
{
	struct mail_text mt;

	(void)state;
	extract_file("rfc2047-subject.eml", &mt);
	assert_string_equal(mt.subject,
	    "Réponse : demande à traiter € [PIC-1a2b3c4d]");
	assert_string_equal(mt.from_name, "Marie Lefèvre");
	assert_string_equal(mt.from_addr, "marie@tailspin.fr");
	assert_string_equal(mt.reply_to, "pic-team@tailspin.fr");
	assert_string_equal(mt.message_id, "20140603.abc@tailspin.fr");
	assert_string_equal(mt.in_reply_to, "notice-1@provider.example");
	assert_string_equal(mt.references,
	    "<req-1@tailspin.fr> <notice-1@provider.example>");
	assert_string_equal(mt.auto_submitted, "no");
	assert_string_equal(mt.precedence, "bulk");
	assert_int_equal(mt.has_list_id, 1);
	assert_string_equal(mt.content_language, "fr-FR");
	assert_null(mt.return_path);
	assert_string_equal(mt.body, "Thanks.\n");
	mime_text_free(&mt);
}

static void
test_outlook_reply(void **state)
{
	struct mail_text mt;

	(void)state;
	extract_file("outlook-reply.eml", &mt);
	assert_string_equal(mt.body,
	    "Bonjour,\n"
	    "\n"
	    "Action : mise-a-jour\n"
	    "Numéro-Contrat : 61234567\n"
	    "FQDN-Edge : sip2.tailspin.fr\n"
	    "\n"
	    "Cordialement,\n"
	    "Marie\n"
	    "\n"
	    "-----Message d'origine-----\n"
	    "De : PIC <pic@provider.example>\n"
	    "Envoyé : mardi 3 juin 2014 09:30\n"
	    "À : Lefèvre Marie\n"
	    "Objet : [PIC-1a2b3c4d] Confirmation\n"
	    "\n"
	    "Votre demande a été reçue.\n");
	assert_int_equal(mt.body_from_html, 0);
	assert_string_equal(mt.subject, "RE: [PIC-1a2b3c4d] Confirmation");
	assert_string_equal(mt.from_name, "Lefèvre Marie");
	assert_string_equal(mt.message_id,
	    "DB4PR07MB0123ABCD@DB4PR07MB0123.eurprd07.prod.outlook.com");
	assert_string_equal(mt.in_reply_to, "notice-1@provider.example");
	assert_string_equal(mt.references, "<notice-1@provider.example>");
	assert_string_equal(mt.content_language, "fr-FR");
	mime_text_free(&mt);
}

/* Encoded CR/LF must never reach a header field. */
static void
test_crlf_injection(void **state)
{
	struct mail_text mt;

	(void)state;
	extract_file("crlf-injection-subject.eml", &mt);
	assert_string_equal(mt.subject, "a Bcc:x");
	assert_string_equal(mt.from_name, "Eve Bcc: victim@example.org");
	assert_string_equal(mt.from_addr, "eve@evil.example");
	/* structured fields are not RFC 2047 decoded at all */
	assert_string_equal(mt.message_id, "=?UTF-8?Q?x=0D=0Ay?=@evil.example");
	assert_string_equal(mt.auto_submitted, "=?UTF-8?Q?no=0A=0DX:y?=");
	assert_string_equal(mt.body, "Hello.\n");
	mime_text_free(&mt);
}

/* ---------------------------------------------------------------- */
/* Degenerate input                                                  */

static void
test_empty_input(void **state)
{
	struct mail_text mt;
	char err[PF_ERRLEN];

	(void)state;
	extract("", 0, &mt);
	assert_string_equal(mt.body, "");
	assert_null(mt.subject);
	assert_null(mt.from_addr);
	assert_null(mt.message_id);
	assert_int_equal(mt.truncated, 0);
	mime_text_free(&mt);

	assert_int_equal(mime_text_extract(NULL, 0, &mt, err, sizeof(err)),
	    PF_OK);
	assert_string_equal(mt.body, "");
	mime_text_free(&mt);
}

static void
test_no_headers(void **state)
{
	struct mail_text mt;

	(void)state;
	extract_str("Just a line of text\nAction: help\n", &mt);
	assert_string_equal(mt.body, "Just a line of text\nAction: help\n");
	assert_null(mt.subject);
	mime_text_free(&mt);

	extract_str("\nAction: help\n", &mt);	/* empty header block */
	assert_string_equal(mt.body, "Action: help\n");
	mime_text_free(&mt);

	extract_str("Subject: only headers\n", &mt);
	assert_string_equal(mt.subject, "only headers");
	assert_string_equal(mt.body, "");
	mime_text_free(&mt);
}

static void
test_mbox_postmark(void **state)
{
	struct mail_text mt;

	(void)state;
	extract_str("From marie@tailspin.fr Tue Jun  3 09:12:00 2014\n"
	    "From: marie@tailspin.fr\nSubject: s\n\nbody\n", &mt);
	assert_string_equal(mt.from_addr, "marie@tailspin.fr");
	assert_null(mt.from_name);
	assert_string_equal(mt.subject, "s");
	assert_string_equal(mt.body, "body\n");
	mime_text_free(&mt);
}

static void
test_return_path_null(void **state)
{
	struct mail_text mt;

	(void)state;
	extract_str("Return-Path: <>\nFrom: MAILER-DAEMON@mx.example\n"
	    "Auto-Submitted: auto-replied\n"
	    "Message-ID: no-brackets@x\n\nbounce\n", &mt);
	assert_string_equal(mt.return_path, "");
	assert_string_equal(mt.from_addr, "MAILER-DAEMON@mx.example");
	assert_string_equal(mt.auto_submitted, "auto-replied");
	assert_string_equal(mt.message_id, "no-brackets@x");
	mime_text_free(&mt);
}

/* A From: libetpan cannot parse still gives its address. */
static void
test_broken_from(void **state)
{
	struct mail_text mt;

	(void)state;
	/* mailimf takes this for the addr-spec
	 * "MarieLefèvre<marie@tailspin.fr" */
	extract_str("From: Marie Lefèvre <marie@tailspin.fr\n\nx\n", &mt);
	assert_null(mt.from_name);
	assert_string_equal(mt.from_addr, "marie@tailspin.fr");
	mime_text_free(&mt);

	extract_str("From: \"Marie\" <<marie@tailspin.fr>>\n\nx\n", &mt);
	assert_string_equal(mt.from_addr, "marie@tailspin.fr");
	assert_string_equal(mt.from_name, "Marie");
	mime_text_free(&mt);

	extract_str("From: (no address) marie@tailspin.fr;\n\nx\n", &mt);
	assert_string_equal(mt.from_addr, "marie@tailspin.fr");
	mime_text_free(&mt);

	extract_str("From: <>\n\nx\n", &mt);
	assert_null(mt.from_addr);
	mime_text_free(&mt);
}

static void
test_nul_bytes(void **state)
{
	static const char raw[] = "Subject: a\0b\nFrom: x@y\n"
	    "Content-Type: text/plain; charset=utf-8\n\nAct\0ion: help\0\n";
	struct mail_text mt;

	(void)state;
	extract(raw, sizeof(raw) - 1, &mt);
	assert_string_equal(mt.body, "Action: help\n");
	assert_non_null(mt.subject);
	mime_text_free(&mt);
}

static void
test_invalid_utf8(void **state)
{
	struct mail_text mt;

	(void)state;
	extract_str("Content-Type: text/plain; charset=utf-8\n\n"
	    "a\xff" "b\xc3" "c\xc0\xaf" "d\xed\xa0\x80" "e\xf4\x90\x80\x80"
	    "f\xe2\x82\n", &mt);
	assert_string_equal(mt.body, "a\xef\xbf\xbd" "b\xef\xbf\xbd"
	    "c\xef\xbf\xbd\xef\xbf\xbd"
	    "d\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	    "e\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	    "f\xef\xbf\xbd\xef\xbf\xbd\n");
	mime_text_free(&mt);

	/* an undeclared charset: UTF-8 if it decodes, else windows-1252 */
	extract_str("Subject: t\n\nNum\xc3\xa9ro\n", &mt);
	assert_string_equal(mt.body, "Numéro\n");
	mime_text_free(&mt);
	extract_str("Subject: Num\xe9ro\n\nNum\xe9ro \x80\n", &mt);
	assert_string_equal(mt.body, "Numéro €\n");
	assert_string_equal(mt.subject, "Numéro");
	mime_text_free(&mt);
}

static void
test_malformed_encoded_words(void **state)
{
	struct mail_text mt;

	(void)state;
	extract_str("Subject: Hello =?bogus?x?abc?= world\n\n", &mt);
	assert_string_equal(mt.subject, "Hello =?bogus?x?abc?= world");
	mime_text_free(&mt);

	extract_str("Subject: =?utf-8?q?unterminated\n\n", &mt);
	assert_string_equal(mt.subject, "unterminated");
	mime_text_free(&mt);

	/* unknown charset: libetpan reads the word as latin-1 */
	extract_str("Subject: =?x-unknown?q?Num=E9ro?=\n\n", &mt);
	assert_string_equal(mt.subject, "Numéro");
	mime_text_free(&mt);

	extract_str("Subject: =?utf-8?b?!!!?= =?utf-8?q?=FF=0?=\n\n", &mt);
	assert_non_null(mt.subject);
	mime_text_free(&mt);

	extract_str("Subject:\nFrom: =?utf-8?q?" "?= <a@b>\n\n", &mt);
	assert_string_equal(mt.subject, "");
	assert_null(mt.from_name);
	mime_text_free(&mt);
}

/* A quoted-printable text ending in "=" and one more character made
 * libetpan's decoder read one byte past the mail (found by fuzzing): the
 * two are kept as written. The mail is copied to a buffer of its exact
 * size, so that the sanitizer build sees any read past it. */
static void
test_qp_malformed_tail(void **state)
{
	static const char *const mails[] = {
	    "Content-Transfer-Encoding: quoted-printable\n\nAction: help=4",
	    "Content-Transfer-Encoding: quoted-printable\n\nA=3D=",
	    "Content-Transfer-Encoding: quoted-printable\n\n=4",
	    "Content-Transfer-Encoding: quoted-printable\n\nx=3=4",
	};
	static const char *const want[] = { "Action: help=4", "A==", "=4",
	    NULL };
	struct mail_text mt;
	char *raw;

	(void)state;
	for (size_t i = 0; i < sizeof(mails) / sizeof(mails[0]); i++) {
		size_t n = strlen(mails[i]);

		raw = xmalloc(n);
		memcpy(raw, mails[i], n);
		extract(raw, n, &mt);
		if (want[i] != NULL)
			assert_string_equal(mt.body, want[i]);
		mime_text_free(&mt);
		free(raw);
	}
}

static void
test_charsets(void **state)
{
	struct mail_text mt;

	(void)state;
	extract_str("Content-Type: text/plain; charset=iso-8859-15\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n"
	    "=A4 =BD\n", &mt);
	assert_string_equal(mt.body, "€ œ\n");
	mime_text_free(&mt);

	extract_str("Content-Type: text/plain; charset=x-no-such-charset\n\n"
	    "caf\xe9\n", &mt);
	assert_string_equal(mt.body, "café\n");
	mime_text_free(&mt);

	extract_str("Content-Type: text/plain; charset*=utf-8''%C3%A9\n\n"
	    "caf\xc3\xa9\n", &mt);
	assert_string_equal(mt.body, "café\n");
	mime_text_free(&mt);
}

/* RFC 2045 5.2: a broken Content-Type means text/plain; an image does
 * not count as text. */
static void
test_content_types(void **state)
{
	struct mail_text mt;

	(void)state;
	extract_str("Content-Type: garbage\n\nAction: help\n", &mt);
	assert_string_equal(mt.body, "Action: help\n");
	mime_text_free(&mt);
	extract_str("Content-Type: TEXT/PLAIN;charset=utf-8\n\ncaf\xc3\xa9\n",
	    &mt);
	assert_string_equal(mt.body, "café\n");
	mime_text_free(&mt);
	extract_str("Content-Type: image/png\n\nPNG\n", &mt);
	assert_string_equal(mt.body, "");
	mime_text_free(&mt);
	extract_str("Content-Type: multipart/mixed; boundary=\"\"\n\n--\n\nx\n",
	    &mt);
	assert_string_equal(mt.body, "");
	mime_text_free(&mt);
}

static void
test_mime_to_utf8(void **state)
{
	char *s;

	(void)state;
	s = mime_to_utf8("\x80 caf\xe9 \x81", 8, "windows-1252");
	assert_string_equal(s, "€ café \xc2\x81");
	free(s);
	s = mime_to_utf8("caf\xe9", 4, "ISO-8859-1");
	assert_string_equal(s, "café");
	free(s);
	s = mime_to_utf8("caf\xe9", 4, "no-such-charset");
	assert_string_equal(s, "café");
	free(s);
	s = mime_to_utf8("caf\xc3\xa9", 5, NULL);
	assert_string_equal(s, "café");
	free(s);
	s = mime_to_utf8("a\0b\xff", 4, "utf-8");
	assert_string_equal(s, "ab\xef\xbf\xbd");
	free(s);
	s = mime_to_utf8("\xa4", 1, "iso-8859-15");
	assert_string_equal(s, "€");
	free(s);
	s = mime_to_utf8("\xff\xfe" "a\0\xe9\0", 6, "utf-16");
	assert_string_equal(s, "aé");
	free(s);
	s = mime_to_utf8(NULL, 0, "utf-8");
	assert_string_equal(s, "");
	free(s);
}

/* text/plain attached, html inline: the HTML is the text. */
static void
test_text_attachment_html_body(void **state)
{
	struct mail_text mt;

	(void)state;
	extract_str("Content-Type: multipart/mixed; boundary=x\n\n"
	    "--x\nContent-Type: text/html\n\n<p>Action: help</p>\n"
	    "--x\nContent-Type: text/plain\nContent-Disposition: attachment\n\n"
	    "not this\n--x--\n", &mt);
	assert_string_equal(mt.body, "Action: help\n");
	assert_int_equal(mt.body_from_html, 1);
	mime_text_free(&mt);
}

static void
test_missing_close_delimiter(void **state)
{
	struct mail_text mt;

	(void)state;
	extract_str("Content-Type: multipart/alternative; boundary=\"a b\"\n\n"
	    "preamble\n--a b  \nContent-Type: text/plain\n\nfirst\n", &mt);
	assert_string_equal(mt.body, "first\n");
	mime_text_free(&mt);
}

/* Parts of a digest default to message/rfc822 (RFC 2046 5.1.5); a
 * forwarded message is entered. */
static void
test_digest_and_rfc822(void **state)
{
	struct mail_text mt;

	(void)state;
	extract_str("Subject: outer\n"
	    "Content-Type: multipart/digest; boundary=d\n\n"
	    "--d\n\nSubject: inner\n\ninner text\n--d--\n", &mt);
	assert_string_equal(mt.subject, "outer");
	assert_string_equal(mt.body, "inner text");
	mime_text_free(&mt);

	extract_str("Content-Type: multipart/mixed; boundary=m\n\n"
	    "--m\nContent-Type: image/gif\n\nGIF\n"
	    "--m\nContent-Type: message/rfc822\n\n"
	    "Subject: fwd\nContent-Type: text/plain\n\nforwarded\n--m--\n", &mt);
	assert_string_equal(mt.body, "forwarded");
	assert_null(mt.subject);
	mime_text_free(&mt);
}

/* libetpan 1.9.4's mailmime_parse crashes on this mail
 * (mailmime_extract_boundary underflows on a one-byte quoted value). */
static void
test_bad_boundary_quote(void **state)
{
	struct mail_text mt;

	(void)state;
	extract_str("Content-Type: multipart/mixed; boundary=\"\\\"\"\n\n"
	    "--\"\n\nhi\n--\"--\n", &mt);
	assert_string_equal(mt.body, "hi");
	mime_text_free(&mt);
}

/* ---------------------------------------------------------------- */
/* Size and depth                                                    */

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Seconds allowed for one hostile message: the plain build takes under
 * 0.05 s for each; sanitizers and valgrind are slower. */
static double
time_budget(void)
{
	const char *pre = getenv("LD_PRELOAD");
	double t = 1.0;

#ifdef __SANITIZE_ADDRESS__
	t *= 5;
#endif
	if (pre != NULL && strstr(pre, "vgpreload") != NULL)
		t *= 50;
	return t;
}

static void
test_50000_lines(void **state)
{
	struct mail_text mt;
	struct strbuf sb, want;
	int i;

	(void)state;
	sb_init(&sb);
	sb_init(&want);
	sb_adds(&sb, "From: a@b\r\nSubject: long\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n\r\n");
	for (i = 0; i < 50000; i++) {
		sb_addf(&sb, "Line-%05d: v\r\n", i);
		sb_addf(&want, "Line-%05d: v\n", i);
	}
	extract(sb.s, sb.len, &mt);
	assert_int_equal(mt.truncated, 0);
	assert_string_equal(mt.body, want.s);
	mime_text_free(&mt);
	sb_free(&sb);
	sb_free(&want);
}

static void
test_10mb_single_line(void **state)
{
	struct mail_text mt;
	struct strbuf sb;
	size_t n = 10 * 1024 * 1024;
	double t;

	(void)state;
	sb_init(&sb);
	sb_adds(&sb, "Subject: big\n\n");
	sb_add(&sb, "", 0);
	sb.s = xrealloc(sb.s, sb.len + n + 1);
	memset(sb.s + sb.len, 'a', n);
	sb.len += n;
	sb.s[sb.len] = '\0';
	t = now();
	extract(sb.s, sb.len, &mt);
	t = now() - t;
	assert_true(t < time_budget());
	assert_int_equal(mt.truncated, 1);
	assert_int_equal(strlen(mt.body), MIME_MAX_TEXT);
	mime_text_free(&mt);
	free(sb.s);
}

/* The cap never splits a UTF-8 sequence. */
static void
test_cap_on_char_boundary(void **state)
{
	struct mail_text mt;
	struct strbuf sb;
	int i;

	(void)state;
	sb_init(&sb);
	sb_adds(&sb, "Content-Type: text/plain; charset=utf-8\n\nx");
	for (i = 0; i < 600000; i++)
		sb_add(&sb, "\xc3\xa9", 2);
	extract(sb.s, sb.len, &mt);
	assert_int_equal(mt.truncated, 1);
	assert_int_equal(strlen(mt.body), MIME_MAX_TEXT - 1);
	mime_text_free(&mt);
	sb_free(&sb);
}

static void
nest_open(struct strbuf *sb, int depth)
{
	int i;

	for (i = 0; i < depth; i++)
		sb_addf(sb, "Content-Type: multipart/mixed; boundary=\"b%d\"\n"
		    "\n--b%d\n", i, i);
}

static void
nest_close(struct strbuf *sb, int depth)
{
	while (depth-- > 0)
		sb_addf(sb, "\n--b%d--\n", depth);
}

static void
test_deep_multipart(void **state)
{
	struct mail_text mt;
	struct strbuf sb;
	double t;

	(void)state;
	/* 1,000 levels, the text at the bottom: out of reach */
	sb_init(&sb);
	sb_adds(&sb, "Subject: deep\n");
	nest_open(&sb, 1000);
	sb_adds(&sb, "Content-Type: text/plain\n\nhidden\n");
	nest_close(&sb, 1000);
	t = now();
	extract(sb.s, sb.len, &mt);
	assert_true(now() - t < time_budget());
	assert_string_equal(mt.subject, "deep");
	assert_string_equal(mt.body, "");
	assert_int_equal(mt.truncated, 1);
	mime_text_free(&mt);
	sb_free(&sb);

	/* the same chain, then a text part at depth 1 */
	sb_init(&sb);
	sb_adds(&sb, "Content-Type: multipart/mixed; boundary=top\n\n--top\n");
	nest_open(&sb, 1000);
	sb_adds(&sb, "Content-Type: text/plain\n\nhidden\n");
	nest_close(&sb, 1000);
	sb_adds(&sb, "--top\nContent-Type: text/plain\n\nreachable\n--top--\n");
	extract(sb.s, sb.len, &mt);
	assert_string_equal(mt.body, "reachable");
	assert_int_equal(mt.truncated, 1);
	mime_text_free(&mt);
	sb_free(&sb);

	/* exactly at the limit: entered */
	sb_init(&sb);
	nest_open(&sb, MIME_MAX_DEPTH);
	sb_adds(&sb, "Content-Type: text/plain\n\nbottom\n");
	nest_close(&sb, MIME_MAX_DEPTH);
	extract(sb.s, sb.len, &mt);
	assert_string_equal(mt.body, "bottom\n");
	assert_int_equal(mt.truncated, 0);
	mime_text_free(&mt);
	sb_free(&sb);
}

/* 100,000 nested message/rfc822: libetpan's recursive parser overflows
 * the stack on this. */
static void
test_deep_rfc822(void **state)
{
	struct mail_text mt;
	struct strbuf sb;
	int i;

	(void)state;
	sb_init(&sb);
	sb_adds(&sb, "Subject: top\n");
	for (i = 0; i < 100000; i++)
		sb_adds(&sb, "Content-Type: message/rfc822\n\n");
	sb_adds(&sb, "text\n");
	extract(sb.s, sb.len, &mt);
	assert_string_equal(mt.subject, "top");
	assert_string_equal(mt.body, "");
	assert_int_equal(mt.truncated, 1);
	mime_text_free(&mt);
	sb_free(&sb);
}

static void
test_many_parts(void **state)
{
	struct mail_text mt;
	struct strbuf sb;
	double t;
	int i;

	(void)state;
	sb_init(&sb);
	sb_adds(&sb, "Content-Type: multipart/mixed; boundary=q\n\n");
	for (i = 0; i < 50000; i++)
		sb_adds(&sb, "--q\nContent-Type: image/png\n\nxx\n");
	sb_adds(&sb, "--q\nContent-Type: text/plain\n\nlate\n--q--\n");
	t = now();
	extract(sb.s, sb.len, &mt);
	assert_true(now() - t < time_budget());
	assert_int_equal(mt.truncated, 1);
	mime_text_free(&mt);
	sb_free(&sb);
}

static void
test_deep_html(void **state)
{
	struct mail_text mt;
	struct strbuf sb;
	int i;

	(void)state;
	sb_init(&sb);
	sb_adds(&sb, "Content-Type: text/html\n\n<p>top</p>");
	for (i = 0; i < 100000; i++)
		sb_adds(&sb, "<div><b>");
	extract(sb.s, sb.len, &mt);
	assert_int_equal(mt.body_from_html, 1);
	assert_int_equal(strncmp(mt.body, "top\n", 4), 0);
	mime_text_free(&mt);
	sb_free(&sb);
}

/* Random byte mutations of the samples: only the invariants are
 * checked (run under ASan/UBSan and valgrind). */
static void
test_mutations(void **state)
{
	static const char *const files[] = { "nested-attachment.eml",
	    "outlook-reply.eml", "rfc2047-subject.eml", "html-only.eml",
	    "flowed.eml", "latin1-qp.eml" };
	static const char bytes[] = "\0\r\n-=?:;\"<>\\ \x80\xc3\xff";
	struct mail_text mt;
	unsigned long seed = 12345;
	char *raw, *buf;
	size_t len, f, i, k, pos;

	(void)state;
	for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		char path[128];

		snprintf(path, sizeof(path), "mail/%s", files[f]);
		raw = tu_read_data(path, &len);
		buf = xmalloc(len + 1);
		for (i = 0; i < 300; i++) {
			memcpy(buf, raw, len);
			for (k = 0; k < 1 + i % 8; k++) {
				seed = seed * 6364136223846793005UL + 1;
				pos = (size_t)(seed >> 33) % len;
				buf[pos] = bytes[(seed >> 20) % (sizeof(bytes) - 1)];
			}
			seed = seed * 6364136223846793005UL + 1;
			extract(buf, (size_t)(seed >> 33) % (len + 1), &mt);
			mime_text_free(&mt);
		}
		free(buf);
		free(raw);
	}
}

static void
test_free_zeroes(void **state)
{
	struct mail_text mt, zero;

	(void)state;
	extract_file("rfc2047-subject.eml", &mt);
	mime_text_free(&mt);
	memset(&zero, 0, sizeof(zero));
	assert_memory_equal(&mt, &zero, sizeof(mt));
	mime_text_free(&mt);	/* twice is harmless */
	mime_text_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_utf8),
		cmocka_unit_test(test_plain_utf8_crlf),
		cmocka_unit_test(test_latin1_qp),
		cmocka_unit_test(test_cp1252_base64),
		cmocka_unit_test(test_flowed),
		cmocka_unit_test(test_flowed_delsp),
		cmocka_unit_test(test_nested_attachment),
		cmocka_unit_test(test_html_only),
		cmocka_unit_test(test_rfc2047_headers),
		cmocka_unit_test(test_outlook_reply),
		cmocka_unit_test(test_crlf_injection),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_no_headers),
		cmocka_unit_test(test_mbox_postmark),
		cmocka_unit_test(test_return_path_null),
		cmocka_unit_test(test_broken_from),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_malformed_encoded_words),
		cmocka_unit_test(test_qp_malformed_tail),
		cmocka_unit_test(test_charsets),
		cmocka_unit_test(test_content_types),
		cmocka_unit_test(test_mime_to_utf8),
		cmocka_unit_test(test_text_attachment_html_body),
		cmocka_unit_test(test_missing_close_delimiter),
		cmocka_unit_test(test_digest_and_rfc822),
		cmocka_unit_test(test_bad_boundary_quote),
		cmocka_unit_test(test_50000_lines),
		cmocka_unit_test(test_10mb_single_line),
		cmocka_unit_test(test_cap_on_char_boundary),
		cmocka_unit_test(test_deep_multipart),
		cmocka_unit_test(test_deep_rfc822),
		cmocka_unit_test(test_many_parts),
		cmocka_unit_test(test_deep_html),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_free_zeroes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
