/* test_mail_build.c - RFC 5322 notices: exact headers, RFC 2047 round
 * trips, header injection, References trimming, quoted-printable. */
#include "testutil.h"
#include "mail_build.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define T_DATE	1795701900	/* Thu, 26 Nov 2026 14:05:00 +0000 */

static struct mail_spec
base_spec(void)
{
	struct mail_spec m = {
		.from_addr = "pic@provider.example",
		.from_name = "PIC Provisioning",
		.to_addr = "admin@contoso.com",
		.subject = "[PIC-1a2b3c4d] Request accepted",
		.message_id = "11111111-2222-4333-8444-555555555555@"
		    "provider.example",
		.in_reply_to = "abc@mail.contoso.com",
		.references = "<root@x.example>",
		.language = "fr",
		.auto_submitted = "auto-replied",
		.body = "Bonjour,\n",
		.date = T_DATE,
	};
	return m;
}

static char *
build_ok(const struct mail_spec *m)
{
	char err[PF_ERRLEN] = "";
	char *msg = mail_build(m, err, sizeof(err));

	if (msg == NULL)
		fail_msg("mail_build: %s", err);
	return msg;
}

/* Every line ends in CRLF (no bare CR or LF) and is <= max long. */
static void
check_lines(const char *msg, size_t max)
{
	const char *p, *e;

	for (p = msg; *p != '\0'; p = e + 2) {
		e = strstr(p, "\r\n");
		if (e == NULL)
			fail_msg("unterminated last line: %s", p);
		for (const char *q = p; q < e; q++)
			if (*q == '\r' || *q == '\n')
				fail_msg("bare CR or LF in: %.*s", (int)(e - p),
				    p);
		if ((size_t)(e - p) > max)
			fail_msg("line of %d > %zu: %.*s", (int)(e - p), max,
			    (int)(e - p), p);
	}
}

/* Names of the header fields, in order, comma-separated. */
static char *
header_names(const char *msg)
{
	struct strbuf sb;
	const char *p, *e;

	sb_init(&sb);
	for (p = msg; (e = strstr(p, "\r\n")) != NULL && e != p; p = e + 2) {
		if (*p == ' ' || *p == '\t')
			continue;
		if (sb.len)
			sb_addc(&sb, ',');
		sb_add(&sb, p, strcspn(p, ":"));
	}
	return sb_steal(&sb);
}

/* Unfolded value of header name (leading blank removed), or NULL. */
static char *
header_value(const char *msg, const char *name)
{
	const char *end = strstr(msg, "\r\n\r\n"), *p, *e;
	size_t n = strlen(name);
	struct strbuf sb;

	for (p = msg; p < end; p = e + 2) {
		e = strstr(p, "\r\n");
		if (strncasecmp(p, name, n) != 0 || p[n] != ':')
			continue;
		sb_init(&sb);
		sb_add(&sb, p + n + 1, (size_t)(e - p - n - 1));
		while (e < end && (e[2] == ' ' || e[2] == '\t')) {
			p = e + 2;
			e = strstr(p, "\r\n");
			sb_add(&sb, p, (size_t)(e - p));
		}
		if (sb.len > 0 && sb.s[0] == ' ')
			memmove(sb.s, sb.s + 1, sb.len--);
		return sb_steal(&sb);
	}
	return NULL;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	fail_msg("bad hex digit %c", c);
	return 0;
}

static int
b64val(char c)
{
	const char *d = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789+/", *p = strchr(d, c);

	if (c == '\0' || p == NULL)
		fail_msg("bad base64 char %c", c);
	return (int)(p - d);
}

static int
utf8_valid(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; ) {
		size_t k = s[i] < 0x80 ? 1 : (s[i] & 0xe0) == 0xc0 ? 2 :
		    (s[i] & 0xf0) == 0xe0 ? 3 : (s[i] & 0xf8) == 0xf0 ? 4 : 0;

		if (k == 0 || i + k > n)
			return 0;
		for (size_t j = 1; j < k; j++)
			if ((s[i + j] & 0xc0) != 0x80)
				return 0;
		i += k;
	}
	return 1;
}

/* One encoded-word; its own text must be whole UTF-8 characters. */
static void
ew_decode_one(struct strbuf *out, const char *w, size_t n)
{
	struct strbuf dec;
	const char *t, *end = w + n - 2;
	char enc;

	assert_true(n <= 75);
	assert_int_equal(strncmp(w, "=?UTF-8?", 8), 0);
	enc = w[8];
	assert_true((enc == 'Q' || enc == 'B') && w[9] == '?');
	sb_init(&dec);
	for (t = w + 10; enc == 'Q' && t < end; t++) {
		if (*t == '=') {
			sb_addc(&dec, (char)(hexval(t[1]) * 16 + hexval(t[2])));
			t += 2;
		} else
			sb_addc(&dec, *t == '_' ? ' ' : *t);
	}
	for (t = w + 10; enc == 'B' && t < end; t += 4) {
		unsigned long v = 0;
		int pad = 0;

		for (int k = 0; k < 4; k++) {
			v <<= 6;
			if (t[k] == '=')
				pad++;
			else
				v |= (unsigned long)b64val(t[k]);
		}
		sb_addc(&dec, (char)(v >> 16));
		if (pad < 2)
			sb_addc(&dec, (char)(v >> 8 & 0xff));
		if (pad < 1)
			sb_addc(&dec, (char)(v & 0xff));
	}
	if (!utf8_valid((unsigned char *)dec.s, dec.len))
		fail_msg("encoded-word splits a UTF-8 character: %.*s",
		    (int)n, w);
	sb_add(out, dec.s ? dec.s : "", dec.len);
	sb_free(&dec);
}

/* RFC 2047 decoding of an unfolded unstructured value: blanks between
 * two adjacent encoded-words vanish, all others stay. */
static char *
ew_decode(const char *v)
{
	struct strbuf out;
	size_t ws, tn;
	int prev_ew = 0, is_ew;

	sb_init(&out);
	while (*v != '\0') {
		ws = strspn(v, " \t");
		tn = strcspn(v + ws, " \t");
		if (tn == 0)
			break;
		is_ew = tn > 12 && strncmp(v + ws, "=?", 2) == 0 &&
		    strncmp(v + ws + tn - 2, "?=", 2) == 0;
		if (!(is_ew && prev_ew))
			sb_add(&out, v, ws);
		if (is_ew)
			ew_decode_one(&out, v + ws, tn);
		else
			sb_add(&out, v + ws, tn);
		prev_ew = is_ew;
		v += ws + tn;
	}
	return sb_steal(&out);
}

static char *
qp_decode(const char *s)
{
	struct strbuf out;

	sb_init(&out);
	while (*s != '\0') {
		if (s[0] == '=' && s[1] == '\r' && s[2] == '\n')
			s += 3;
		else if (s[0] == '=') {
			sb_addc(&out, (char)(hexval(s[1]) * 16 +
			    hexval(s[2])));
			s += 3;
		} else if (s[0] == '\r' && s[1] == '\n') {
			sb_addc(&out, '\n');
			s += 2;
		} else
			sb_addc(&out, *s++);
	}
	return sb_steal(&out);
}

/* ---- tests ---- */

static void
test_exact_headers(void **state)
{
	struct mail_spec m = base_spec();
	char *msg;

	(void)state;
	msg = build_ok(&m);
	assert_string_equal(msg,
	    "Date: Thu, 26 Nov 2026 14:05:00 +0000\r\n"
	    "From: PIC Provisioning <pic@provider.example>\r\n"
	    "To: admin@contoso.com\r\n"
	    "Subject: [PIC-1a2b3c4d] Request accepted\r\n"
	    "Message-ID: <11111111-2222-4333-8444-555555555555@"
	    "provider.example>\r\n"
	    "In-Reply-To: <abc@mail.contoso.com>\r\n"
	    "References: <root@x.example> <abc@mail.contoso.com>\r\n"
	    "Auto-Submitted: auto-replied\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"
	    "Content-Language: fr\r\n"
	    "\r\n"
	    "Bonjour,\r\n");
	free(msg);
	/* optional parts left out */
	m.from_name = NULL;
	m.in_reply_to = NULL;
	m.references = NULL;
	m.language = NULL;
	m.auto_submitted = "auto-generated";
	m.body = "no newline";
	msg = build_ok(&m);
	assert_non_null(strstr(msg, "\r\nFrom: pic@provider.example\r\n"));
	assert_null(strstr(msg, "In-Reply-To"));
	assert_null(strstr(msg, "References"));
	assert_null(strstr(msg, "Content-Language"));
	assert_non_null(strstr(msg, "\r\nAuto-Submitted: auto-generated\r\n"));
	assert_non_null(strstr(msg, "\r\n\r\nno newline\r\n"));
	free(msg);
}

static void
check_subject_roundtrip(const char *subject)
{
	struct mail_spec m = base_spec();
	char *msg, *v, *dec;

	m.subject = subject;
	msg = build_ok(&m);
	check_lines(msg, 76);
	v = header_value(msg, "Subject");
	assert_non_null(v);
	dec = ew_decode(v);
	assert_string_equal(dec, subject);
	free(dec);
	free(v);
	free(msg);
}

static void
test_subject_encoding(void **state)
{
	const char *fr = "Confirmation de votre demande — été";
	char *h, *v, *dec;

	(void)state;
	h = mail_encode_header("Subject", fr);
	assert_non_null(strstr(h, "=?UTF-8?"));
	v = xasprintf("%s\r\n", h);
	check_lines(v, 76);
	free(v);
	/* plain words stay plain; only the run that needs it is encoded */
	assert_int_equal(strncmp(h, "Subject: Confirmation de votre demande "
	    "=?UTF-8?", 47), 0);
	v = xstrdup(h + 9);
	dec = ew_decode(v);
	assert_string_equal(dec, fr);
	free(dec);
	free(v);
	free(h);
	check_subject_roundtrip(fr);
	check_subject_roundtrip("[PIC-1a2b3c4d] Confirmation de votre demande "
	    "de mise à jour PIC – contrat 61234567");
	check_subject_roundtrip("Éèêëàâäôöûüç ÉÈÊËÀÂÄÔÖÛÜÇ — œuvre « été » "
	    "日本語のテキストとか😀😀😀 çà et là, encore été, déjà vu");
	check_subject_roundtrip("∑∑∑∑∑∑∑∑∑∑∑∑∑∑∑∑∑∑∑∑∑∑∑∑∑∑∑∑∑∑∑∑∑∑∑∑∑∑∑∑∑∑∑∑∑∑");
	check_subject_roundtrip("a =?UTF-8?Q?looks_encoded?= b");
	check_subject_roundtrip("");
}

static void
test_subject_long_ascii(void **state)
{
	const char *s = "[PIC-1a2b3c4d] Your PIC update request for agreement "
	    "61234567 has been accepted and will be provisioned within thirty "
	    "days, as our service description explains at some length";
	const char *word = "Supercalifragilisticexpialidocious-"
	    "Supercalifragilisticexpialidocious-Supercalifragilistic";
	struct mail_spec m = base_spec();
	char *msg, *v, *raw;

	(void)state;
	m.subject = s;
	msg = build_ok(&m);
	check_lines(msg, 76);
	v = header_value(msg, "Subject");
	assert_string_equal(v, s);	/* plain, only folded */
	free(v);
	raw = strstr(msg, "Subject:");
	assert_non_null(strstr(raw, "\r\n "));
	assert_null(strstr(raw, "=?"));
	free(msg);
	check_subject_roundtrip(word);	/* unfoldable word: encoded */
}

/* Nothing from any text input may start a header line of its own. */
static void
check_single_line(const struct mail_spec *m, const char *field,
    const char *want_decoded)
{
	char *msg = build_ok(m), *names, *v, *dec;

	check_lines(msg, 78);
	names = header_names(msg);
	assert_string_equal(names, "Date,From,To,Subject,Message-ID,"
	    "In-Reply-To,References,Auto-Submitted,MIME-Version,"
	    "Content-Type,Content-Transfer-Encoding,Content-Language");
	assert_null(strstr(msg, "\nBcc:"));
	v = header_value(msg, field);
	if (strcmp(field, "From") == 0)
		*strrchr(v, '<') = '\0';
	dec = ew_decode(v);
	if (want_decoded)
		assert_string_equal(dec, want_decoded);
	assert_null(strpbrk(dec, "\r\n"));
	free(dec);
	free(v);
	free(names);
	free(msg);
}

static void
test_header_injection(void **state)
{
	struct mail_spec m = base_spec();

	(void)state;
	m.subject = "Hello\r\nBcc: victim@evil.example";
	check_single_line(&m, "Subject", "Hello Bcc: victim@evil.example");
	m.subject = "Hello\nBcc: victim@evil.example\r";
	check_single_line(&m, "Subject", "Hello Bcc: victim@evil.example");
	m.subject = "Bad\rone\x01\x7f\tand \xc2\x85nel\xe2\x80\xa8 here";
	check_single_line(&m, "Subject", "Bad one and nel here");
	m.subject = "=?UTF-8?Q?x=0D=0ABcc:_victim@evil.example?=";
	check_single_line(&m, "Subject", m.subject);
	m.subject = "été\r\nBcc: victim@evil.example";
	check_single_line(&m, "Subject", "été Bcc: victim@evil.example");
	m.subject = "invalid \xff\xfe utf-8 \xc3";
	check_single_line(&m, "Subject", "invalid \xef\xbf\xbd\xef\xbf\xbd "
	    "utf-8 \xef\xbf\xbd");
	m = base_spec();
	m.from_name = "Evil\r\nBcc: victim@evil.example";
	check_single_line(&m, "From", NULL);
	m.from_name = "Équipe\nBcc: x@y.example";
	check_single_line(&m, "From", "Équipe Bcc: x@y.example");
	m.from_name = "=?UTF-8?Q?a=0ABcc:_x@y.example?=";
	check_single_line(&m, "From", NULL);
	m = base_spec();
	m.in_reply_to = "abc@x.example>\r\nBcc: victim@evil.example";
	m.references = "<a@x.example>\r\nBcc: victim@evil.example <b@x.example>";
	{
		char *msg = build_ok(&m), *v;

		assert_null(strstr(msg, "\nBcc:"));
		assert_null(strstr(msg, "In-Reply-To"));
		v = header_value(msg, "References");
		assert_string_equal(v, "<a@x.example> <b@x.example>");
		free(v);
		free(msg);
	}
	m = base_spec();
	m.language = "fr\r\nBcc: victim@evil.example";
	{
		char *msg = build_ok(&m);

		assert_null(strstr(msg, "\nBcc:"));
		assert_null(strstr(msg, "Content-Language"));
		free(msg);
	}
}

static void
test_display_names(void **state)
{
	struct mail_spec m = base_spec();
	char *msg, *v, *dec;

	(void)state;
	m.from_name = "Provisioning, PIC";
	msg = build_ok(&m);
	assert_non_null(strstr(msg, "\r\nFrom: \"Provisioning, PIC\" "
	    "<pic@provider.example>\r\n"));
	free(msg);
	m.from_name = "Say \"hi\" \\ o/";
	msg = build_ok(&m);
	assert_non_null(strstr(msg, "\r\nFrom: \"Say \\\"hi\\\" \\\\ o/\" "
	    "<pic@provider.example>\r\n"));
	free(msg);
	m.from_name = "Équipe d’approvisionnement PIC (Contoso, Fabrikam)";
	msg = build_ok(&m);
	check_lines(msg, 76);
	v = header_value(msg, "From");
	assert_non_null(strstr(v, "=?UTF-8?"));
	*strrchr(v, '<') = '\0';
	dec = ew_decode(v);
	assert_string_equal(dec, "Équipe d’approvisionnement PIC (Contoso, "
	    "Fabrikam)");
	free(dec);
	free(v);
	free(msg);
	m.from_name = " \r\n ";		/* nothing left: bare address */
	msg = build_ok(&m);
	assert_non_null(strstr(msg, "\r\nFrom: pic@provider.example\r\n"));
	free(msg);
}

static void
test_bad_addresses(void **state)
{
	static const char *const bad[] = { "", "admin", "admin@",
	    "@contoso.com", "ad min@contoso.com", "admin@contoso.com\r\n"
	    "Bcc: x@y.example", "admin@contoso.com\n", "a\tb@contoso.com",
	    "<admin@contoso.com>", "Admin <admin@contoso.com>",
	    "a,b@contoso.com", "a@b@contoso.com", "a;b@contoso.com",
	    "a(b)@contoso.com", "a..b@contoso.com",
	    ".a@contoso.com", "a@contoso..com", "a@contoso.com.",
	    "a@[127.0.0.1]", "a@cont_oso.com", "\"a\"b\"@contoso.com",
	    "\"a b\" @contoso.com", "\"a\r\nBcc: x\"@contoso.com",
	    "\"\"@x.example",
	    "a:b@contoso.com", "a\\b@contoso.com", "\xe9@contoso.com" };
	/* a quoted local part is an address (RFC 5321 4.1.2), and so is a
	 * UTF-8 one (RFC 6532; smtp_conn.c sends it only with SMTPUTF8) */
	static const char *const good[] = { "first.last+tag@sub.contoso.com",
	    "o'brien@contoso.com", "x@localhost", "a=b?c@x-y.example",
	    "\"a b\"@contoso.com", "\"a\\\"b\"@contoso.com",
	    "\xc3\xa9@contoso.com", "jos\xc3\xa9@exemple.fr" };
	struct mail_spec m = base_spec();
	char err[PF_ERRLEN], *msg;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		m = base_spec();
		m.to_addr = bad[i];
		err[0] = '\0';
		if ((msg = mail_build(&m, err, sizeof(err))) != NULL)
			fail_msg("To %s accepted", bad[i]);
		assert_non_null(strstr(err, "To address"));
		m = base_spec();
		m.from_addr = bad[i];
		assert_null(mail_build(&m, err, sizeof(err)));
		assert_non_null(strstr(err, "From address"));
	}
	m = base_spec();
	m.to_addr = NULL;
	assert_null(mail_build(&m, err, sizeof(err)));
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
		m = base_spec();
		m.to_addr = good[i];
		msg = build_ok(&m);
		free(msg);
	}
	m = base_spec();
	m.message_id = "no brackets <x@y>";
	assert_null(mail_build(&m, err, sizeof(err)));
	m.message_id = NULL;
	assert_null(mail_build(&m, err, sizeof(err)));
	m = base_spec();
	m.auto_submitted = "auto-replied\r\nBcc: x@y.example";
	assert_null(mail_build(&m, err, sizeof(err)));
}

static void
test_references(void **state)
{
	struct mail_spec m = base_spec();
	struct strbuf refs, want;
	char *msg, *v;

	(void)state;
	/* duplicates: the parent stays last */
	m.references = "<a@x.example> <abc@mail.contoso.com> <a@x.example>";
	msg = build_ok(&m);
	v = header_value(msg, "References");
	assert_string_equal(v, "<a@x.example> <abc@mail.contoso.com>");
	free(v);
	free(msg);
	/* junk only */
	m.references = "garbage <no-at> <a b@c.example> (comment) <@x> <x@> "
	    "<<<<< >>>>>";
	msg = build_ok(&m);
	v = header_value(msg, "References");
	assert_string_equal(v, "<abc@mail.contoso.com>");
	free(v);
	free(msg);
	/* absurdly long: root + the newest ones, 10 in all */
	sb_init(&refs);
	for (int i = 0; i < 5000; i++)
		sb_addf(&refs, "<id%d@x.example> junk\t<bad %d>", i, i);
	m.references = refs.s;
	m.in_reply_to = "parent@x.example";
	msg = build_ok(&m);
	check_lines(msg, 78);
	v = header_value(msg, "References");
	sb_init(&want);
	sb_adds(&want, "<id0@x.example>");
	for (int i = 4992; i < 5000; i++)
		sb_addf(&want, " <id%d@x.example>", i);
	sb_adds(&want, " <parent@x.example>");
	assert_string_equal(v, want.s);
	free(v);
	free(msg);
	sb_free(&want);
	sb_free(&refs);
	/* a long References folds */
	m.references = "<aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@x.example> "
	    "<bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb@x.example> "
	    "<ccccccccccccccccccccccccccccccccccccccccccc@x.example>";
	msg = build_ok(&m);
	check_lines(msg, 78);
	free(msg);
}

/* QP output: lines <= 76, printable ASCII, no trailing blank, no line
 * starting with "." or "From ", and it decodes back to the input. */
static void
check_qp(const char *in)
{
	char *qp = mail_encode_qp(in), *dec;
	const char *p, *e;

	for (p = qp; *p != '\0'; p = e + 2) {
		e = strstr(p, "\r\n");
		if (e == NULL)
			e = p + strlen(p) - 2;
		if (e - p > 76)
			fail_msg("qp line of %d", (int)(e - p));
		if (e > p && (e[-1] == ' ' || e[-1] == '\t'))
			fail_msg("qp trailing blank: %.*s", (int)(e - p), p);
		if (*p == '.' || strncmp(p, "From ", 5) == 0)
			fail_msg("qp line starts badly: %.*s", (int)(e - p), p);
		for (const char *q = p; q < e; q++)
			if (!((*q >= 33 && *q <= 126) || *q == ' ' || *q == '\t'))
				fail_msg("qp raw byte 0x%02x", (unsigned char)*q);
		if (*e == '\0')
			break;
	}
	dec = qp_decode(qp);
	assert_string_equal(dec, in);
	free(dec);
	free(qp);
}

static void
test_qp_roundtrip(void **state)
{
	struct strbuf sb;

	(void)state;
	check_qp("");
	check_qp("Hello\n");
	check_qp("no final newline");
	check_qp("trailing space ");
	check_qp("x=y == z =\n=\n");
	check_qp("trailing spaces   \nand a tab\t\n \n\t\n\n\n");
	check_qp("été à Noël — « guillemets » “quotes” 😀 日本語\n");
	check_qp(".\n.hidden\n..\nFrom here\nFrom\nFromage\n");
	check_qp("ctl \x01\x7f\x1b[0m bare\rcr\n");
	sb_init(&sb);
	for (int n = 70; n <= 80; n++) {	/* around the limit */
		for (int i = 0; i < n; i++)
			sb_addc(&sb, 'a');
		sb_adds(&sb, "\n");
		for (int i = 0; i < n; i++)
			sb_addc(&sb, i % 2 ? ' ' : 'b');
		sb_adds(&sb, "\n");
		for (int i = 0; i < n; i++)
			sb_adds(&sb, "é");
		sb_adds(&sb, " \n");
		for (int i = 0; i < n; i++)
			sb_addc(&sb, 'c');
		sb_adds(&sb, ".dot after a soft break\n");
		for (int i = 0; i < n; i++)
			sb_addc(&sb, 'd');
		sb_adds(&sb, "From after a soft break\n");
		for (int i = 0; i < n; i++)
			sb_addc(&sb, '=');
		sb_adds(&sb, "  \n");
	}
	for (int i = 0; i < 2000; i++)
		sb_adds(&sb, "word ");
	check_qp(sb.s);
	sb_free(&sb);
}

static void
test_qp_exact(void **state)
{
	char *qp;

	(void)state;
	qp = mail_encode_qp("a=b été \nFrom x\n.\r\nend\t");
	assert_string_equal(qp, "a=3Db =C3=A9t=C3=A9=20\r\n=46rom x\r\n"
	    "=2E\r\nend=09");
	free(qp);
}

static void
test_full_message_lines(void **state)
{
	struct mail_spec m = base_spec();
	struct strbuf body;
	char *msg, *v, *dec;

	(void)state;
	sb_init(&body);
	for (int i = 0; i < 30; i++)
		sb_adds(&body, "Ceci est une très longue ligne de texte, "
		    "avec des accents à foison — et des = signes. ");
	sb_adds(&body, "\n.\nFrom me\n");
	m.body = body.s;
	m.from_name = "Équipe d’approvisionnement PIC — Public IM "
	    "Connectivity provisioning team of the provider";
	m.subject = "[PIC-1a2b3c4d] Votre demande de mise à jour PIC n’a pas "
	    "pu être approvisionnée pour le contrat 61234567 — désolé";
	msg = build_ok(&m);
	check_lines(msg, 78);
	v = qp_decode(strstr(msg, "\r\n\r\n") + 4);
	assert_string_equal(v, body.s);
	free(v);
	v = header_value(msg, "Subject");
	dec = ew_decode(v);
	assert_string_equal(dec, m.subject);
	free(dec);
	free(v);
	free(msg);
	sb_free(&body);
}

static void
test_message_id(void **state)
{
	char *a, *b;

	(void)state;
	a = mail_new_message_id("pic@Provider.Example");
	b = mail_new_message_id("pic@Provider.Example");
	assert_int_equal(strlen(a), 36 + 1 + strlen("Provider.Example"));
	assert_int_equal(a[36], '@');
	assert_string_equal(a + 37, "Provider.Example");
	assert_int_equal(a[14], '4');		/* version 4 */
	assert_non_null(strchr("89ab", a[19]));	/* RFC 4122 variant */
	for (int i = 0; i < 36; i++)
		assert_non_null(strchr(i == 8 || i == 13 || i == 18 ||
		    i == 23 ? "-" : "0123456789abcdef", a[i]));
	assert_string_not_equal(a, b);
	free(a);
	free(b);
	a = mail_new_message_id("no-domain");
	assert_non_null(strstr(a, "@picflow.invalid"));
	free(a);
	a = mail_new_message_id("x@bad\r\nBcc: y");
	assert_non_null(strstr(a, "@picflow.invalid"));
	free(a);
	a = mail_new_message_id(NULL);
	assert_non_null(strstr(a, "@picflow.invalid"));
	free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_headers),
		cmocka_unit_test(test_subject_encoding),
		cmocka_unit_test(test_subject_long_ascii),
		cmocka_unit_test(test_header_injection),
		cmocka_unit_test(test_display_names),
		cmocka_unit_test(test_bad_addresses),
		cmocka_unit_test(test_references),
		cmocka_unit_test(test_qp_roundtrip),
		cmocka_unit_test(test_qp_exact),
		cmocka_unit_test(test_full_message_lines),
		cmocka_unit_test(test_message_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
