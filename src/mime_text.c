/* mime_text.c - a raw RFC 5322 message turned into decoded UTF-8 text and
 * the few headers the workflow needs.
 *
 * libetpan's mailmime_parse() is deliberately not run on the raw message.
 * On 1.9.4 it recurses once per nesting level (a chain of 100,000
 * message/rfc822 parts overflows the stack), it rescans the whole body at
 * every level (10,000 nested multiparts: 10 s; 64 levels around 10 MB:
 * 1.2 s), and a two-line mail with boundary="\"" makes
 * mailmime_extract_boundary() underflow a length and crash.  So the part
 * structure is found here, in one linear pass over the lines with a stack
 * of open boundaries capped at MIME_MAX_DEPTH, and libetpan does all the
 * rest: header fields (mailimf), MIME fields (mailmime_fields_parse),
 * transfer decoding (mailmime_part_parse), charsets (charconv) and RFC 2047
 * (mailmime_encoded_phrase_parse).  HTML goes through libxml2, loaded
 * for the first HTML part (lazylib.h): most mails have none.
 */
#include "mime_text.h"
#include "lazylib.h"
#include "util.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libetpan/charconv.h>
#include <libetpan/mailimf.h>
#include <libetpan/mailmime.h>
#include <libetpan/mailmime_decode.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#define HDR_MAX_TOP	(1024 * 1024)	/* top header bytes given to mailimf */
#define HDR_MAX_PART	(64 * 1024)	/* part header bytes given to mailimf */
#define HDR_MAX_VALUE	(16 * 1024)	/* bytes of one header value decoded */
/* libetpan spends about 4 us per part header and 0.2 s per MB of
 * Content-Type parameters: both are bounded over the whole message. */
#define SCAN_MAX_PARTS	10000
#define SCAN_HDR_BUDGET	(1024 * 1024)	/* part header bytes, all parts */
#define CONV_MAX_IN	(4 * MIME_MAX_TEXT) /* body bytes charset-converted */
/* libxml2 builds its tree at about 0.2 s per MB of dense markup */
#define HTML_MAX_IN	MIME_MAX_TEXT
#define BOUNDARY_MAX	200		/* RFC 2046 says 70; be lenient */

/* ------------------------------------------------------------------ */
/* UTF-8 and charsets                                                  */

static const char utf8_repl[] = "\xef\xbf\xbd";	/* U+FFFD */

/* Length of the valid UTF-8 sequence at s, or 0 if it is invalid:
 * overlong, surrogate, beyond U+10FFFF or cut short. */
static size_t
utf8_seqlen(const unsigned char *s, size_t n)
{
	uint32_t cp, min;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] < 0xc2)
		return 0;
	if (s[0] < 0xe0) {
		len = 2; cp = s[0] & 0x1f; min = 0x80;
	} else if (s[0] < 0xf0) {
		len = 3; cp = s[0] & 0x0f; min = 0x800;
	} else if (s[0] < 0xf5) {
		len = 4; cp = s[0] & 0x07; min = 0x10000;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static int
utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((k = utf8_seqlen(p + i, n - i)) == 0)
			return 0;
		i += k;
	}
	return 1;
}

static void
utf8_put(struct strbuf *sb, uint32_t cp)
{
	char b[3];

	if (cp < 0x80) {
		sb_addc(sb, (char)cp);
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3f));
		sb_add(sb, b, 2);
	} else {	/* the tables below stay in the BMP */
		b[0] = (char)(0xe0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		sb_add(sb, b, 3);
	}
}

/* Appends s as valid UTF-8: each invalid byte becomes U+FFFD and NUL
 * bytes are dropped, so the result is always a usable C string. */
static void
utf8_sanitize(struct strbuf *sb, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, start = 0, k;

	while (i < n) {
		if (p[i] != 0 && p[i] < 0x80) {
			i++;
			continue;
		}
		if (p[i] != 0 && (k = utf8_seqlen(p + i, n - i)) > 0) {
			i += k;
			continue;
		}
		sb_add(sb, s + start, i - start);
		if (p[i] != 0)
			sb_add(sb, utf8_repl, 3);
		start = ++i;
	}
	sb_add(sb, s + start, n - start);
}

/* windows-1252 0x80-0x9f; the five holes keep their C1 code points, as in
 * the WHATWG encoding standard. */
static const uint16_t cp1252_c1[32] = {
	0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
	0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
};

/* windows-1252 is a superset of ISO-8859-1 in practice (mailers label
 * cp1252 text as latin-1), so both are decoded here, without iconv,
 * whose cp1252 refuses the five undefined bytes. */
static void
cp1252_decode(struct strbuf *sb, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, start = 0;

	for (i = 0; i < n; i++) {
		if (p[i] != 0 && p[i] < 0x80)
			continue;
		sb_add(sb, s + start, i - start);
		start = i + 1;
		if (p[i] >= 0x80 && p[i] < 0xa0)
			utf8_put(sb, cp1252_c1[p[i] - 0x80]);
		else if (p[i] >= 0xa0)
			utf8_put(sb, p[i]);
	}
	sb_add(sb, s + start, n - start);
}

enum cs_class { CS_UTF8, CS_AUTO, CS_CP1252, CS_OTHER };

static int
name_in(const char *name, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcasecmp(name, *list) == 0)
			return 1;
	return 0;
}

static enum cs_class
charset_class(const char *cs)
{
	static const char *const utf8[] = { "utf-8", "utf8",
	    "unicode-1-1-utf-8", NULL };
	/* Labels that say nothing: 8-bit bytes are then UTF-8 if they
	 * decode as such, else the usual windows-1252. */
	static const char *const vague[] = { "", "us-ascii", "ascii",
	    "us", "ansi_x3.4-1968", "iso646-us", "unknown", "unknown-8bit",
	    "x-unknown", "default", NULL };
	static const char *const latin[] = { "iso-8859-1", "iso8859-1",
	    "iso_8859-1", "iso_8859-1:1987", "latin1", "latin-1", "l1",
	    "cp819", "ibm819", "windows-1252", "cp1252", "x-cp1252", NULL };

	if (cs == NULL || name_in(cs, vague))
		return CS_AUTO;
	if (name_in(cs, utf8))
		return CS_UTF8;
	if (name_in(cs, latin))
		return CS_CP1252;
	return CS_OTHER;
}

/* Appends s, in charset, as valid UTF-8 without NUL bytes. */
static void
to_utf8(struct strbuf *sb, const char *s, size_t n, const char *charset)
{
	char *conv;
	size_t clen;

	switch (charset_class(charset)) {
	case CS_UTF8:
		utf8_sanitize(sb, s, n);
		return;
	case CS_AUTO:
		if (utf8_valid(s, n))
			utf8_sanitize(sb, s, n);
		else
			cp1252_decode(sb, s, n);
		return;
	case CS_CP1252:
		cp1252_decode(sb, s, n);
		return;
	case CS_OTHER:
		break;
	}
	if (n > 0 && charconv_buffer("utf-8", charset, s, n, &conv, &clen) ==
	    MAIL_CHARCONV_NO_ERROR) {
		/* iconv output is checked too: libetpan turns bad input into
		 * '?' but we do not rely on every iconv module being sane */
		utf8_sanitize(sb, conv, clen);
		charconv_buffer_free(conv);
		return;
	}
	cp1252_decode(sb, s, n);	/* unknown charset */
}

char *
mime_to_utf8(const char *s, size_t len, const char *charset)
{
	struct strbuf sb;

	sb_init(&sb);
	if (s != NULL)
		to_utf8(&sb, s, len, charset);
	return sb_steal(&sb);
}

/* ------------------------------------------------------------------ */
/* Header values                                                       */

/* A header text made safe for any later use: valid UTF-8, every control
 * character (C0, DEL, C1) turned into a space, runs of spaces collapsed,
 * trimmed.  This is what defuses "=?UTF-8?Q?a=0D=0ABcc:x?=". */
static char *
hdr_clean(const char *s, size_t n)
{
	struct strbuf u, out;
	unsigned char c;
	size_t i;
	int space = 0;

	sb_init(&u);
	sb_init(&out);
	utf8_sanitize(&u, s, n);
	for (i = 0; i < u.len; i++) {
		c = (unsigned char)u.s[i];
		if (c <= 0x20 || c == 0x7f || (c == 0xc2 && i + 1 < u.len &&
		    (unsigned char)u.s[i + 1] < 0xa0)) {
			if (c == 0xc2)
				i++;
			space = 1;
			continue;
		}
		if (space && out.len > 0)
			sb_addc(&out, ' ');
		space = 0;
		sb_addc(&out, (char)c);
	}
	sb_free(&u);
	return sb_steal(&out);
}

/* An unstructured header (Subject, a display name) decoded from RFC 2047
 * to clean UTF-8.  Raw 8-bit text is taken as UTF-8 when it is valid,
 * else as windows-1252; an encoded-word libetpan rejects stays as
 * written. */
static char *
hdr_decode(const char *raw)
{
	struct strbuf flat, sb;
	const char *from;
	char *dec = NULL, *res;
	size_t i, n = strlen(raw), idx = 0;

	if (n > HDR_MAX_VALUE)
		n = HDR_MAX_VALUE;
	sb_init(&flat);
	sb_init(&sb);
	for (i = 0; i < n; i++)		/* unfold */
		if (raw[i] != '\r' && raw[i] != '\n')
			sb_addc(&flat, raw[i]);
	if (flat.len == 0)
		return sb_steal(&flat);
	/* Plain ASCII without "=?" has nothing to decode: libetpan's decoder
	 * (an iconv session per header, a twentieth of reading a request)
	 * would give back what hdr_clean() makes of it anyway, as a
	 * comparison over two million random such headers showed. */
	for (i = 0; i < flat.len && (unsigned char)flat.s[i] < 0x80; i++)
		;
	if (i == flat.len && strstr(flat.s, "=?") == NULL) {
		res = hdr_clean(flat.s, flat.len);
		sb_free(&flat);
		return res;
	}
	from = utf8_valid(flat.s, flat.len) ? "utf-8" : "windows-1252";
	if (mailmime_encoded_phrase_parse(from, flat.s, flat.len, &idx,
	    "utf-8", &dec) == MAILIMF_NO_ERROR && dec != NULL) {
		sb_adds(&sb, dec);
		free(dec);
		if (idx < flat.len) {	/* libetpan stopped early */
			sb_addc(&sb, ' ');
			to_utf8(&sb, flat.s + idx, flat.len - idx, from);
		}
	} else
		to_utf8(&sb, flat.s, flat.len, from);
	res = hdr_clean(sb.s ? sb.s : "", sb.len);
	sb_free(&flat);
	sb_free(&sb);
	return res;
}

/* The first <...> of a header value, else its first word: Message-ID,
 * In-Reply-To and Return-Path without brackets; "<>" gives "". */
static char *
hdr_angle(const char *raw)
{
	const char *lt, *gt, *e;

	if ((lt = strchr(raw, '<')) != NULL &&
	    (gt = strchr(lt + 1, '>')) != NULL)
		return hdr_clean(lt + 1, (size_t)(gt - lt - 1));
	while (*raw == ' ' || *raw == '\t' || *raw == '\r' || *raw == '\n')
		raw++;
	for (e = raw; *e != '\0' && *e != ' ' && *e != '\t' && *e != '\r' &&
	    *e != '\n'; e++)
		;
	return hdr_clean(raw, (size_t)(e - raw));
}

/* Keeps the first value of a header: later ones are dropped, and so is an
 * empty value unless keep_empty. */
static void
fact_set(char **dst, char *v, int keep_empty)
{
	if (*dst != NULL || (*v == '\0' && !keep_empty))
		free(v);
	else
		*dst = v;
}

/* mailimf's lenient addr-spec parser reads a From: with an unclosed
 * bracket, "Marie Lefèvre <marie@tailspin.fr", as one address with the
 * spaces squeezed out: "MarieLefèvre<marie@tailspin.fr".  What follows
 * the last '<' is the address meant. */
static char *
addr_clean(const char *a)
{
	const char *lt = strrchr(a, '<');
	size_t n;

	if (lt != NULL)
		a = lt + 1;
	n = strcspn(a, ">");
	return hdr_clean(a, n);
}

static void
fact_mailbox(struct mail_text *mt, const struct mailimf_mailbox *mb)
{
	if (mt->from_addr != NULL || mb == NULL || mb->mb_addr_spec == NULL)
		return;
	fact_set(&mt->from_addr, addr_clean(mb->mb_addr_spec), 0);
	if (mb->mb_display_name != NULL)
		fact_set(&mt->from_name, hdr_decode(mb->mb_display_name), 0);
}

/* The first word of s holding an '@', else its first word. */
static char *
word_with_at(const char *s)
{
	const char *w, *e, *first = NULL, *first_e = NULL;

	for (w = s; *w != '\0'; w = e) {
		w += strspn(w, " \t\r\n,;\"()");
		e = w + strcspn(w, " \t\r\n,;\"()");
		if (e == w)
			break;
		if (memchr(w, '@', (size_t)(e - w)) != NULL)
			return hdr_clean(w, (size_t)(e - w));
		if (first == NULL) {
			first = w;
			first_e = e;
		}
	}
	return first ? hdr_clean(first, (size_t)(first_e - first)) :
	    xstrdup("");
}

/* A From: libetpan could not parse (an unclosed or doubled bracket, a
 * bare name...): the address is what the last '<' before the first '>'
 * opens, or else a word with an '@'; the name is what precedes '<'. */
static void
fact_from_raw(struct mail_text *mt, const char *raw)
{
	const char *lt, *gt, *p;
	char *name, *n;

	if (mt->from_addr != NULL)
		return;
	if ((lt = strchr(raw, '<')) == NULL) {
		fact_set(&mt->from_addr, word_with_at(raw), 0);
		return;
	}
	if ((gt = strchr(lt, '>')) == NULL)
		gt = raw + strlen(raw);
	for (p = lt; p < gt; p++)
		if (*p == '<')
			lt = p;
	fact_set(&mt->from_addr, hdr_clean(lt + 1, (size_t)(gt - lt - 1)), 0);
	name = xstrndup(raw, (size_t)(strchr(raw, '<') - raw));
	n = str_trim(name);
	if (*n == '"' && strlen(n) >= 2 && n[strlen(n) - 1] == '"') {
		n[strlen(n) - 1] = '\0';
		n++;
	}
	fact_set(&mt->from_name, hdr_decode(n), 0);
	free(name);
}

static const struct mailimf_mailbox *
first_mailbox(const struct mailimf_address_list *al)
{
	const struct mailimf_address *a;
	const struct mailimf_group *g;
	clistiter *it;

	for (it = clist_begin(al->ad_list); it != NULL; it = clist_next(it)) {
		a = clist_content(it);
		if (a->ad_type == MAILIMF_ADDRESS_MAILBOX)
			return a->ad_data.ad_mailbox;
		g = a->ad_data.ad_group;
		if (g->grp_mb_list != NULL &&
		    clist_begin(g->grp_mb_list->mb_list) != NULL)
			return clist_content(clist_begin(g->grp_mb_list->mb_list));
	}
	return NULL;
}

/* "<a> <b>" from a parsed msg-id list. */
static char *
msgid_list(clist *ids, int first_only)
{
	struct strbuf sb;
	clistiter *it;
	const char *raw;
	char *id;

	sb_init(&sb);
	for (it = clist_begin(ids); it != NULL; it = clist_next(it)) {
		if ((raw = clist_content(it)) == NULL)
			continue;
		id = hdr_clean(raw, strlen(raw));
		if (first_only) {
			sb_free(&sb);
			return id;
		}
		sb_addf(&sb, "%s<%s>", sb.len ? " " : "", id);
		free(id);
	}
	return sb_steal(&sb);
}

/* Fields libetpan leaves unparsed, either because they are not in its
 * envelope set or because their syntax was broken. */
static void
fact_optional(struct mail_text *mt, const char *name, const char *value)
{
	if (strcasecmp(name, "From") == 0)
		fact_from_raw(mt, value);
	else if (strcasecmp(name, "Reply-To") == 0)
		fact_set(&mt->reply_to, hdr_angle(value), 0);
	else if (strcasecmp(name, "Message-ID") == 0)
		fact_set(&mt->message_id, hdr_angle(value), 0);
	else if (strcasecmp(name, "In-Reply-To") == 0)
		fact_set(&mt->in_reply_to, hdr_angle(value), 0);
	else if (strcasecmp(name, "References") == 0)
		fact_set(&mt->references, hdr_clean(value, strlen(value)), 0);
	else if (strcasecmp(name, "Return-Path") == 0)
		fact_set(&mt->return_path, hdr_angle(value), 1);
	else if (strcasecmp(name, "Content-Language") == 0)
		fact_set(&mt->content_language,
		    hdr_clean(value, strlen(value)), 0);
	else if (strcasecmp(name, "Auto-Submitted") == 0)
		fact_set(&mt->auto_submitted, hdr_clean(value, strlen(value)),
		    0);
	else if (strcasecmp(name, "Precedence") == 0)
		fact_set(&mt->precedence, hdr_clean(value, strlen(value)), 0);
	else if (strcasecmp(name, "List-Id") == 0)
		mt->has_list_id = 1;
	else if (strcasecmp(name, "Authentication-Results") == 0 &&
	    mt->authres.n < MIME_MAX_AUTHRES)
		sv_push_owned(&mt->authres, hdr_clean(value, strlen(value)));
}

static void
fact_field(struct mail_text *mt, const struct mailimf_field *f)
{
	const struct mailimf_mailbox *mb;

	switch (f->fld_type) {
	case MAILIMF_FIELD_FROM:
		mb = clist_begin(f->fld_data.fld_from->frm_mb_list->mb_list) ?
		    clist_content(clist_begin(
		    f->fld_data.fld_from->frm_mb_list->mb_list)) : NULL;
		fact_mailbox(mt, mb);
		break;
	case MAILIMF_FIELD_REPLY_TO:
		mb = first_mailbox(f->fld_data.fld_reply_to->rt_addr_list);
		if (mb != NULL && mb->mb_addr_spec != NULL)
			fact_set(&mt->reply_to, addr_clean(mb->mb_addr_spec),
			    0);
		break;
	case MAILIMF_FIELD_MESSAGE_ID:
		fact_set(&mt->message_id, hdr_angle(
		    f->fld_data.fld_message_id->mid_value), 0);
		break;
	case MAILIMF_FIELD_SUBJECT:
		fact_set(&mt->subject, hdr_decode(
		    f->fld_data.fld_subject->sbj_value), 1);
		break;
	case MAILIMF_FIELD_IN_REPLY_TO:
		fact_set(&mt->in_reply_to, msgid_list(
		    f->fld_data.fld_in_reply_to->mid_list, 1), 0);
		break;
	case MAILIMF_FIELD_REFERENCES:
		fact_set(&mt->references, msgid_list(
		    f->fld_data.fld_references->mid_list, 0), 0);
		break;
	case MAILIMF_FIELD_OPTIONAL_FIELD:
		fact_optional(mt, f->fld_data.fld_optional_field->fld_name,
		    f->fld_data.fld_optional_field->fld_value);
		break;
	}
}

static void
facts_extract(struct mail_text *mt, const struct mailimf_fields *fields)
{
	clistiter *it;

	for (it = clist_begin(fields->fld_list); it != NULL;
	    it = clist_next(it))
		fact_field(mt, clist_content(it));
}

/* ------------------------------------------------------------------ */
/* The part structure                                                  */

enum ptype { P_OTHER, P_PLAIN, P_HTML, P_MULTI, P_MESSAGE };

struct part {
	enum ptype	 type;
	char		*boundary;	/* P_MULTI */
	int		 digest;	/* multipart/digest */
	char		*charset;
	int		 encoding;	/* MAILMIME_MECHANISM_* */
	int		 flowed, delsp;
	int		 attachment;
};

struct frame {				/* an open multipart */
	char	*boundary;
	size_t	 blen;
	int	 depth;			/* of the multipart entity */
	int	 digest;
};

struct leaf {				/* the byte range of a text part */
	int		 found;
	size_t		 start, end;
	struct part	 p;
};

struct scan {
	const char	*raw;
	size_t		 len;
	struct frame	 fr[MIME_MAX_DEPTH + 1];
	int		 nfr;
	struct leaf	 plain, html;
	struct leaf	*open;		/* text part whose end is sought */
	int		 nparts;
	size_t		 hdr_budget;	/* part header bytes left */
	int		 truncated;
};

static void
part_free(struct part *p)
{
	free(p->boundary);
	free(p->charset);
	memset(p, 0, sizeof(*p));
}

static const char *
ct_param(struct mailmime_content *ct, const char *name)
{
	struct mailmime_parameter *pa;
	clistiter *it;

	for (it = clist_begin(ct->ct_parameters); it != NULL;
	    it = clist_next(it)) {
		pa = clist_content(it);
		if (pa->pa_name != NULL && pa->pa_value != NULL &&
		    strcasecmp(pa->pa_name, name) == 0)
			return pa->pa_value;
	}
	return NULL;
}

/* charset, or the charset of an RFC 2231 charset*=utf-8''... that
 * mailmime_fields_parse leaves undecoded. */
static char *
ct_charset(struct mailmime_content *ct)
{
	const char *v, *q;

	if ((v = ct_param(ct, "charset")) != NULL)
		return hdr_clean(v, strlen(v));
	if ((v = ct_param(ct, "charset*")) != NULL &&
	    (q = strchr(v, '\'')) != NULL)
		return hdr_clean(v, (size_t)(q - v));
	return NULL;
}

/* The type of a part.  libetpan reads an unparsable Content-Type
 * ("garbage", "text") as subtype "unknown": RFC 2045 5.2 recommends
 * text/plain for those. */
static void
part_content_type(struct part *p, struct mailmime_content *ct)
{
	const char *v, *sub = ct->ct_subtype ? ct->ct_subtype : "";
	int discrete = ct->ct_type->tp_type == MAILMIME_TYPE_DISCRETE_TYPE;
	int dt = discrete ? ct->ct_type->tp_data.tp_discrete_type->dt_type :
	    -1;
	int comp = discrete ? -1 :
	    ct->ct_type->tp_data.tp_composite_type->ct_type;

	p->type = P_OTHER;
	if ((dt == MAILMIME_DISCRETE_TYPE_TEXT ||
	    dt == MAILMIME_DISCRETE_TYPE_EXTENSION) &&
	    strcasecmp(sub, "unknown") == 0)
		p->type = P_PLAIN;
	else if (dt == MAILMIME_DISCRETE_TYPE_TEXT) {
		if (strcasecmp(sub, "plain") == 0)
			p->type = P_PLAIN;
		else if (strcasecmp(sub, "html") == 0)
			p->type = P_HTML;
	} else if (comp == MAILMIME_COMPOSITE_TYPE_MESSAGE) {
		if (strcasecmp(sub, "rfc822") == 0 ||
		    strcasecmp(sub, "global") == 0)
			p->type = P_MESSAGE;
	} else if (comp == MAILMIME_COMPOSITE_TYPE_MULTIPART &&
	    (v = ct_param(ct, "boundary")) != NULL && *v != '\0' &&
	    strlen(v) <= BOUNDARY_MAX) {
		/* a multipart without a usable boundary stays opaque */
		p->type = P_MULTI;
		p->boundary = xstrdup(v);
		p->digest = strcasecmp(sub, "digest") == 0;
	}
	p->charset = ct_charset(ct);
	if ((v = ct_param(ct, "format")) != NULL)
		p->flowed = strcasecmp(v, "flowed") == 0;
	if ((v = ct_param(ct, "delsp")) != NULL)
		p->delsp = strcasecmp(v, "yes") == 0;
}

static void
part_mime_fields(struct part *p, struct mailmime_fields *mf)
{
	struct mailmime_field *f;
	clistiter *it;
	int have_type = 0;

	for (it = clist_begin(mf->fld_list); it != NULL; it = clist_next(it)) {
		f = clist_content(it);
		if (f->fld_type == MAILMIME_FIELD_TYPE && !have_type &&
		    f->fld_data.fld_content != NULL) {
			part_content_type(p, f->fld_data.fld_content);
			have_type = 1;
		} else if (f->fld_type == MAILMIME_FIELD_TRANSFER_ENCODING &&
		    f->fld_data.fld_encoding != NULL)
			p->encoding = f->fld_data.fld_encoding->enc_type;
		else if (f->fld_type == MAILMIME_FIELD_DISPOSITION &&
		    f->fld_data.fld_disposition != NULL &&
		    f->fld_data.fld_disposition->dsp_type != NULL &&
		    f->fld_data.fld_disposition->dsp_type->dsp_type ==
		    MAILMIME_DISPOSITION_TYPE_ATTACHMENT)
			p->attachment = 1;
	}
	/* as in libetpan: an encoded message/rfc822 is not entered */
	if (p->type == P_MESSAGE &&
	    (p->encoding == MAILMIME_MECHANISM_BASE64 ||
	    p->encoding == MAILMIME_MECHANISM_QUOTED_PRINTABLE))
		p->type = P_OTHER;
}

static int	is_header_line(const char *l, size_t n);

/* Whether facts_extract() or the MIME facts read a field of this name. */
static int
top_field_used(const char *name, size_t len)
{
	static const char *const used[] = { "From", "Reply-To",
	    "Message-ID", "Subject", "In-Reply-To", "References",
	    "Return-Path", "Auto-Submitted", "Precedence", "List-Id",
	    "MIME-Version", "Authentication-Results", NULL };

	if (len > 8 && strncasecmp(name, "Content-", 8) == 0)
		return 1;
	for (size_t i = 0; used[i] != NULL; i++)
		if (strlen(used[i]) == len && strncasecmp(name, used[i], len) ==
		    0)
			return 1;
	return 0;
}

/* The top-level header block without the fields nothing reads: libetpan
 * parses To, Cc and Date into structures, and Received, DKIM-Signature
 * and their like are most of a header's bytes; that was half the time of
 * taking a small mail apart. Lines that are not fields stay, so that
 * libetpan stops where it stopped before. */
static void
top_fields_keep(const char *h, size_t n, struct strbuf *out)
{
	size_t pos = 0, le, name;
	int keep = 1;

	while (pos < n) {
		const char *nl = memchr(h + pos, '\n', n - pos);

		le = nl ? (size_t)(nl - h) + 1 : n;
		if (h[pos] != ' ' && h[pos] != '\t') {
			if (is_header_line(h + pos, le - pos)) {
				for (name = 0; h[pos + name] > 32 &&
				    h[pos + name] != ':'; name++)
					;
				keep = top_field_used(h + pos, name);
			} else
				keep = 1;
		}
		if (keep)
			sb_add(out, h + pos, le - pos);
		pos = le;
	}
}

/* One line of a From: field, without its line end, into v: a control
 * byte left inside (a bare CR, a NUL...) is noted and becomes a space. */
static void
from_line(struct mail_text *mt, struct strbuf *v, const char *l, size_t n)
{
	if (n > 0 && l[n - 1] == '\n')
		n--;
	if (n > 0 && l[n - 1] == '\r')
		n--;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)l[i];

		if (c == '\t')
			c = ' ';
		else if (c < 0x20 || c == 0x7f) {
			mt->from_ctl = 1;
			c = ' ';
		}
		sb_addc(v, (char)c);
	}
}

/* The From: fields of the top-level header block, as written: how many
 * there are, and the first one's value unfolded (an address is read from
 * it by addr.c; libetpan's reading squeezes quoted spaces out). */
static void
from_fields(struct mail_text *mt, const char *h, size_t n)
{
	struct strbuf v, u;
	size_t pos = 0, le, name;
	int in_from = 0;

	sb_init(&v);
	while (pos < n) {
		const char *nl = memchr(h + pos, '\n', n - pos);

		le = nl ? (size_t)(nl - h) + 1 : n;
		if (h[pos] == ' ' || h[pos] == '\t') {
			if (in_from)
				from_line(mt, &v, h + pos, le - pos);
			pos = le;
			continue;
		}
		in_from = 0;
		for (name = 0; pos + name < le && h[pos + name] > 32 &&
		    h[pos + name] != ':'; name++)
			;
		if (name == 4 && strncasecmp(h + pos, "From", 4) == 0 &&
		    is_header_line(h + pos, le - pos) &&
		    ++mt->from_fields == 1) {
			in_from = 1;
			name = (size_t)((const char *)memchr(h + pos, ':',
			    le - pos) - (h + pos)) + 1;
			from_line(mt, &v, h + pos + name, le - pos - name);
		}
		pos = le;
	}
	if (mt->from_fields > 0) {
		sb_init(&u);
		utf8_sanitize(&u, v.s ? v.s : "", v.len);
		mt->from_raw = sb_steal(&u);
	}
	sb_free(&v);
}

/* The MIME facts of the entity whose header block is [hs, he); mt is set
 * for the top-level message only, whose envelope facts are taken too.
 * Without a Content-Type a part is text/plain, or message/rfc822 inside a
 * multipart/digest (RFC 2046 5.1.5). */
static void
part_parse(struct scan *sc, size_t hs, size_t he, int in_digest,
    struct mail_text *mt, struct part *p)
{
	struct mailimf_fields *fields = NULL;
	struct mailmime_fields *mf = NULL;
	size_t n = he - hs, cap = mt ? HDR_MAX_TOP : HDR_MAX_PART, idx = 0;
	int r;

	memset(p, 0, sizeof(*p));
	p->type = in_digest ? P_MESSAGE : P_PLAIN;
	p->encoding = MAILMIME_MECHANISM_8BIT;
	if (n > cap) {		/* cut at a line end, to keep fields whole */
		for (n = cap; n > 0 && sc->raw[hs + n - 1] != '\n'; n--)
			;
		sc->truncated = 1;
	}
	if (mt != NULL) {
		struct strbuf kept;

		sb_init(&kept);
		from_fields(mt, sc->raw + hs, n);
		top_fields_keep(sc->raw + hs, n, &kept);
		r = mailimf_envelope_and_optional_fields_parse(
		    kept.len ? kept.s : "", kept.len, &idx, &fields);
		sb_free(&kept);
	} else
		r = mailimf_optional_fields_parse(sc->raw + hs, n, &idx,
		    &fields);
	if (r != MAILIMF_NO_ERROR || fields == NULL)
		return;
	if (mt != NULL)
		facts_extract(mt, fields);
	if (mailmime_fields_parse(fields, &mf) == MAILIMF_NO_ERROR &&
	    mf != NULL) {
		part_mime_fields(p, mf);
		mailmime_fields_free(mf);
	}
	mailimf_fields_free(fields);
}

static size_t
line_end(const struct scan *sc, size_t pos)
{
	const char *nl = memchr(sc->raw + pos, '\n', sc->len - pos);

	return nl ? (size_t)(nl - sc->raw) + 1 : sc->len;
}

/* Is [pos, le) a delimiter line of an open multipart?  Returns the index
 * of the innermost frame it closes, or -1.  "--b" must be followed by
 * "--" (close-delimiter) or by nothing but white space: this stops a
 * boundary from matching a longer one it is a prefix of. */
static int
delim_find(const struct scan *sc, size_t pos, size_t le, int *close)
{
	const char *l = sc->raw + pos, *r;
	size_t n = le - pos, rn, i;
	const struct frame *f;
	int k;

	if (n < 3 || l[0] != '-' || l[1] != '-')
		return -1;
	for (k = sc->nfr - 1; k >= 0; k--) {
		f = &sc->fr[k];
		if (n < 2 + f->blen || memcmp(l + 2, f->boundary, f->blen) != 0)
			continue;
		r = l + 2 + f->blen;
		rn = n - 2 - f->blen;
		if (rn >= 2 && r[0] == '-' && r[1] == '-') {
			*close = 1;
			return k;
		}
		for (i = 0; i < rn; i++)
			if (r[i] != ' ' && r[i] != '\t' && r[i] != '\r' &&
			    r[i] != '\n')
				break;
		if (i == rn) {
			*close = 0;
			return k;
		}
	}
	return -1;
}

/* A header line: a field name (printable ASCII but ':'), optional white
 * space (obsolete syntax), then ':'. */
static int
is_header_line(const char *l, size_t n)
{
	size_t i = 0;

	while (i < n && l[i] > 32 && l[i] < 127 && l[i] != ':')
		i++;
	if (i == 0)
		return 0;
	while (i < n && (l[i] == ' ' || l[i] == '\t'))
		i++;
	return i < n && l[i] == ':';
}

/* The header block of the entity starting at start: it ends at the empty
 * line (the body follows it) or, as in libetpan, at the first line that
 * is not a header (the body starts on that line). */
static void
hdr_block(const struct scan *sc, size_t start, size_t *hend,
    size_t *bstart)
{
	const char *r = sc->raw;
	size_t pos = start, le;
	int close;

	while (pos < sc->len) {
		le = line_end(sc, pos);
		if (r[pos] == '\n' || (r[pos] == '\r' && le - pos == 2 &&
		    r[pos + 1] == '\n')) {
			*hend = pos;
			*bstart = le;
			return;
		}
		if (pos > start && (r[pos] == ' ' || r[pos] == '\t')) {
			pos = le;
			continue;
		}
		if (delim_find(sc, pos, le, &close) >= 0 ||
		    !is_header_line(r + pos, le - pos))
			break;
		pos = le;
	}
	*hend = *bstart = pos;
}

static void
frames_pop(struct scan *sc, int keep)
{
	while (sc->nfr > keep)
		free(sc->fr[--sc->nfr].boundary);
}

/* A text part we may want: remember where its body starts. */
static void
leaf_open(struct scan *sc, struct part *p, size_t bstart)
{
	struct leaf *lf;

	if (p->attachment || sc->plain.found)
		return;
	if (p->type == P_PLAIN)
		lf = &sc->plain;
	else if (p->type == P_HTML && !sc->html.found)
		lf = &sc->html;
	else
		return;
	lf->start = lf->end = bstart;
	lf->p = *p;
	memset(p, 0, sizeof(*p));	/* ownership moved */
	sc->open = lf;
}

/* The open text part ends before the delimiter line at pos; the line
 * break before a delimiter belongs to the delimiter (RFC 2046). */
static void
leaf_close(struct scan *sc, size_t pos, int delim)
{
	struct leaf *lf = sc->open;

	if (lf == NULL)
		return;
	if (delim && pos > lf->start && sc->raw[pos - 1] == '\n')
		pos--;
	if (delim && pos > lf->start && sc->raw[pos - 1] == '\r')
		pos--;
	lf->end = pos < lf->start ? lf->start : pos;
	lf->found = 1;
	sc->open = NULL;
}

/* Reads body lines from pos up to the next delimiter of an open multipart.
 * Returns 1 with *next at the headers of the part that follows (at *depth,
 * *digest telling its default type), 0 at the end of the input or once
 * the text/plain part is complete. */
static int
body_scan(struct scan *sc, size_t pos, size_t *next, int *depth,
    int *digest)
{
	size_t le;
	int k, close;

	while (sc->nfr > 0 && pos < sc->len) {
		le = line_end(sc, pos);
		if ((k = delim_find(sc, pos, le, &close)) < 0) {
			pos = le;
			continue;
		}
		leaf_close(sc, pos, 1);
		if (sc->plain.found)
			return 0;
		/* a delimiter of an outer multipart also ends the inner
		 * ones whose close-delimiter is missing */
		frames_pop(sc, close ? k : k + 1);
		if (!close) {
			*next = le;
			*depth = sc->fr[k].depth + 1;
			*digest = sc->fr[k].digest;
			return 1;
		}
		pos = le;	/* epilogue: not text */
	}
	leaf_close(sc, sc->len, 0);
	return 0;
}

/* One entity at pos: its headers, then what its type calls for. */
static int
scan_entity(struct scan *sc, size_t *pos, int *depth, int *digest,
    struct mail_text *top)
{
	struct part p;
	size_t hend, bstart, hn;

	hdr_block(sc, *pos, &hend, &bstart);
	if (top == NULL) {
		hn = hend - *pos < HDR_MAX_PART ? hend - *pos : HDR_MAX_PART;
		if (++sc->nparts > SCAN_MAX_PARTS || hn > sc->hdr_budget) {
			sc->truncated = 1;	/* a hostile tree: stop */
			return 0;
		}
		sc->hdr_budget -= hn;
	}
	part_parse(sc, *pos, hend, *digest, top, &p);
	if (p.type == P_MESSAGE && *depth < MIME_MAX_DEPTH) {
		/* the body of a message/rfc822 is an entity itself */
		part_free(&p);
		*pos = bstart;
		(*depth)++;
		*digest = 0;
		return 1;
	}
	if (p.type == P_MULTI && *depth < MIME_MAX_DEPTH) {
		sc->fr[sc->nfr].boundary = p.boundary;
		sc->fr[sc->nfr].blen = strlen(p.boundary);
		sc->fr[sc->nfr].depth = *depth;
		sc->fr[sc->nfr].digest = p.digest;
		sc->nfr++;
		p.boundary = NULL;
	} else if (p.type == P_MULTI || p.type == P_MESSAGE)
		sc->truncated = 1;	/* too deep: not entered */
	else
		leaf_open(sc, &p, bstart);
	part_free(&p);
	return body_scan(sc, bstart, pos, depth, digest);
}

/* Finds the first text/plain part (document order is depth-first order)
 * and the first text/html one, by byte range.  Linear in the input: each
 * line is read once, and only lines starting with "--" are compared with
 * the (at most MIME_MAX_DEPTH) open boundaries. */
static void
scan_run(struct scan *sc, size_t pos, struct mail_text *mt)
{
	int depth = 0, digest = 0;

	if (!scan_entity(sc, &pos, &depth, &digest, mt))
		return;
	while (scan_entity(sc, &pos, &depth, &digest, NULL))
		;
}

/* ------------------------------------------------------------------ */
/* Body text                                                           */

/* CRLF and lone CR become LF, in place. */
static void
nl_normalize(struct strbuf *sb)
{
	size_t i, j = 0;

	for (i = 0; i < sb->len; i++) {
		if (sb->s[i] == '\r') {
			sb->s[j++] = '\n';
			if (i + 1 < sb->len && sb->s[i + 1] == '\n')
				i++;
		} else
			sb->s[j++] = sb->s[i];
	}
	sb->len = j;
	if (sb->s != NULL)
		sb->s[j] = '\0';
}

/* RFC 3676: a line ending in a space goes on with the next line of the
 * same quote depth (with DelSp=yes that space is deleted); one leading
 * space after the quote marks is stuffing; "-- " never flows. */
static void
unflow(const char *s, size_t n, int delsp, struct strbuf *out)
{
	const char *l, *c, *nl;
	size_t pos = 0, ln, cn, q, i, prevq = 0;
	int flowed, prev = 0;

	while (pos < n) {
		l = s + pos;
		nl = memchr(l, '\n', n - pos);
		ln = nl ? (size_t)(nl - l) : n - pos;
		pos += ln + (nl != NULL);
		for (q = 0; q < ln && l[q] == '>'; q++)
			;
		c = l + q;
		cn = ln - q;
		if (cn > 0 && c[0] == ' ') {
			c++;
			cn--;
		}
		flowed = cn > 0 && c[cn - 1] == ' ' &&
		    !(cn == 3 && memcmp(c, "-- ", 3) == 0);
		if (prev && q != prevq)		/* depth changed: end it */
			sb_addc(out, '\n');
		if (!prev || q != prevq) {	/* a new line: its quote marks */
			for (i = 0; i < q; i++)
				sb_addc(out, '>');
			if (q > 0 && cn > 0)
				sb_addc(out, ' ');
		}
		if (flowed && delsp)
			cn--;
		sb_add(out, c, cn);
		if (!flowed && nl != NULL)
			sb_addc(out, '\n');
		prev = flowed;
		prevq = q;
	}
	if (prev && n > 0 && s[n - 1] == '\n')
		sb_addc(out, '\n');
}

/* HTML to text: what a reader would see, one line per block. */
struct htx {
	struct strbuf	*out;
	int		 bol;		/* at the beginning of a line */
	int		 space;		/* collapsed white space pending */
	int		 pre;		/* inside <pre> */
};

static const char *const html_skip[] = { "script", "style", "head",
	"title", "template", NULL };
static const char *const html_block[] = { "p", "div", "li", "tr", "h1",
	"h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "dt", "dd", "table",
	"blockquote", "pre", "hr", "address", "center", "section", "article",
	"header", "footer", "nav", "aside", "main", "form", "fieldset",
	"figure", "figcaption", "caption", "details", "summary", "body",
	"html", NULL };

static void
html_break(struct htx *h)
{
	if (!h->bol)
		sb_addc(h->out, '\n');
	h->bol = 1;
	h->space = 0;
}

static void
html_text(struct htx *h, const unsigned char *s)
{
	for (; *s != '\0'; s++) {
		if (h->pre) {
			if (*s != '\r')
				sb_addc(h->out, (char)*s);
			h->bol = *s == '\n';
			continue;
		}
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' ||
		    *s == '\f') {
			h->space = 1;
			continue;
		}
		if (h->space && !h->bol)
			sb_addc(h->out, ' ');
		h->space = 0;
		h->bol = 0;
		if (s[0] == 0xc2 && s[1] == 0xa0) {
			/* &nbsp; lays out like a space: Outlook writes
			 * "Numéro-Contrat&nbsp;: 61234567" */
			sb_addc(h->out, ' ');
			s++;
		} else
			sb_addc(h->out, (char)*s);
	}
}

/* Returns whether to descend into the node's children. */
static int
html_enter(struct htx *h, xmlNode *n)
{
	const char *name = (const char *)n->name;

	if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
		if (n->content != NULL)
			html_text(h, n->content);
		return 0;
	}
	if (n->type != XML_ELEMENT_NODE || name == NULL ||
	    name_in(name, html_skip))
		return 0;
	if (strcasecmp(name, "br") == 0) {
		sb_addc(h->out, '\n');
		h->bol = 1;
		h->space = 0;
		return 0;
	}
	if (strcasecmp(name, "td") == 0 || strcasecmp(name, "th") == 0)
		h->space = 1;	/* cells of a row stay on one line */
	if (name_in(name, html_block))
		html_break(h);
	if (strcasecmp(name, "pre") == 0)
		h->pre++;
	return 1;
}

static void
html_leave(struct htx *h, xmlNode *n)
{
	const char *name = (const char *)n->name;

	if (n->type != XML_ELEMENT_NODE || name == NULL ||
	    name_in(name, html_skip))
		return;
	if (strcasecmp(name, "pre") == 0 && h->pre > 0)
		h->pre--;
	if (name_in(name, html_block))
		html_break(h);
}

/* Iterative walk: the tree can be as deep as the input is long. */
static void
html_walk(struct htx *h, xmlNode *root)
{
	xmlNode *n = root;

	while (n != NULL) {
		if (html_enter(h, n) && n->children != NULL) {
			n = n->children;
			continue;
		}
		html_leave(h, n);
		while (n != root && n->next == NULL) {
			n = n->parent;
			html_leave(h, n);
		}
		n = n == root ? NULL : n->next;
	}
}

/* Lines trimmed, blank lines at the ends dropped and runs of them
 * collapsed into one. */
static void
text_tidy(const char *s, size_t n, struct strbuf *out)
{
	const char *l, *e, *nl;
	size_t pos = 0;
	int blank = 0;

	while (pos < n) {
		l = s + pos;
		nl = memchr(l, '\n', n - pos);
		e = nl ? nl : s + n;
		pos = (size_t)(e - s) + 1;
		while (l < e && *l == ' ')
			l++;
		while (e > l && e[-1] == ' ')
			e--;
		if (l == e) {
			blank = out->len > 0;
			continue;
		}
		if (blank)
			sb_addc(out, '\n');
		blank = 0;
		sb_add(out, l, (size_t)(e - l));
		sb_addc(out, '\n');
	}
}

/* libxml2's few functions, filled once for the whole process: the one
 * piece of state here that is not the caller's, and it never changes
 * after its pthread_once. */
#define XML_FUNCS(X) \
	X(xmlInitParser) \
	X(htmlReadMemory) \
	X(xmlDocGetRootElement) \
	X(xmlFreeDoc)
#define XML_SYM(fn)	LAZYLIB_SYM(xml, fn)
static struct {
	XML_FUNCS(LAZYLIB_FIELD)
} xml;
static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void
xml_load(void)
{
	const struct lazylib_sym syms[] = { XML_FUNCS(XML_SYM) };

	lazylib_load(PICFLOW_LIBXML2_SONAME, syms,
	    sizeof(syms) / sizeof(syms[0]));
	/* Before any parse, in any thread: pthread_once makes it so. */
	xml.xmlInitParser();
}

static void
html_to_text(const char *s, size_t n, struct strbuf *out)
{
	struct strbuf raw;
	struct htx h;
	htmlDocPtr doc;
	xmlNode *root;

	if (n == 0)
		return;
	pthread_once(&xml_once, xml_load);
	doc = xml.htmlReadMemory(s, (int)n, NULL, "UTF-8", HTML_PARSE_NOERROR |
	    HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_RECOVER);
	if (doc == NULL)
		return;
	sb_init(&raw);
	memset(&h, 0, sizeof(h));
	h.out = &raw;
	h.bol = 1;
	if ((root = xml.xmlDocGetRootElement(doc)) != NULL)
		html_walk(&h, root);
	xml.xmlFreeDoc(doc);
	text_tidy(raw.s ? raw.s : "", raw.len, out);
	sb_free(&raw);
}

/* Cuts sb to at most max bytes, on a character boundary; returns whether
 * anything was cut. */
static int
utf8_cut(struct strbuf *sb, size_t max)
{
	size_t n = max;

	if (sb->len <= max)
		return 0;
	while (n > 0 && ((unsigned char)sb->s[n] & 0xc0) == 0x80)
		n--;
	sb->len = n;
	sb->s[n] = '\0';
	return 1;
}

/* The decoded text of a chosen part: transfer decoding, charset, line
 * ends, format=flowed or HTML, then the MIME_MAX_TEXT cap. */
static char *
leaf_text(const struct scan *sc, const struct leaf *lf,
    struct mail_text *mt)
{
	struct strbuf u, t;
	const char *src = sc->raw + lf->start, *tail = NULL;
	char *dec = NULL;
	size_t n = lf->end - lf->start, idx = 0;
	int enc = lf->p.encoding;

	/* libetpan's quoted-printable decoder reads one byte past the end
	 * of a text that ends in "=" and one other character (found by
	 * fuzzing): it is decoded without them, and they are kept as
	 * written, which is what the decoder means to do with them. */
	if (enc == MAILMIME_MECHANISM_QUOTED_PRINTABLE && n >= 2 &&
	    src[n - 2] == '=' && src[n - 1] != '\r' && src[n - 1] != '\n') {
		tail = src + n - 2;
		n -= 2;
	}
	if (n > 0 && (enc == MAILMIME_MECHANISM_BASE64 ||
	    enc == MAILMIME_MECHANISM_QUOTED_PRINTABLE)) {
		if (mailmime_part_parse(src, n, &idx, enc, &dec, &n) !=
		    MAILIMF_NO_ERROR) {
			dec = NULL;
			n = 0;
		}
		src = dec;
	}
	if (n > CONV_MAX_IN) {
		n = CONV_MAX_IN;
		mt->truncated = 1;
	}
	sb_init(&u);
	sb_init(&t);
	if (n > 0)
		to_utf8(&u, src, n, lf->p.charset);
	if (tail != NULL && n < CONV_MAX_IN)
		to_utf8(&u, tail, 2, lf->p.charset);
	if (dec != NULL)
		mailmime_decoded_part_free(dec);
	nl_normalize(&u);
	if (lf->p.type == P_HTML) {
		mt->truncated |= utf8_cut(&u, HTML_MAX_IN);
		html_to_text(u.s, u.len, &t);
	} else if (lf->p.flowed)
		unflow(u.s, u.len, lf->p.delsp, &t);
	else {
		t = u;
		sb_init(&u);
	}
	sb_free(&u);
	mt->truncated |= utf8_cut(&t, MIME_MAX_TEXT);
	return sb_steal(&t);
}

/* ------------------------------------------------------------------ */

int
mime_text_extract(const char *raw, size_t len, struct mail_text *out,
    char *err, size_t errlen)
{
	struct scan sc;
	const struct leaf *lf = NULL;
	size_t pos = 0;

	memset(out, 0, sizeof(*out));
	if (raw == NULL && len > 0) {
		err_set(err, errlen, "mime_text_extract: no input");
		return PF_ERR;
	}
	memset(&sc, 0, sizeof(sc));
	sc.raw = raw ? raw : "";
	sc.len = raw ? len : 0;
	sc.hdr_budget = SCAN_HDR_BUDGET;
	/* an mbox "From " postmark line is not a header */
	if (sc.len >= 5 && memcmp(sc.raw, "From ", 5) == 0 &&
	    !is_header_line(sc.raw, line_end(&sc, 0)))
		pos = line_end(&sc, 0);
	scan_run(&sc, pos, out);
	if (sc.plain.found)
		lf = &sc.plain;
	else if (sc.html.found)
		lf = &sc.html;
	if (lf != NULL) {
		out->body = leaf_text(&sc, lf, out);
		out->body_from_html = lf == &sc.html;
	} else
		out->body = xstrdup("");
	out->truncated |= sc.truncated;
	frames_pop(&sc, 0);
	part_free(&sc.plain.p);
	part_free(&sc.html.p);
	return PF_OK;
}

void
mime_text_free(struct mail_text *mt)
{
	if (mt == NULL)
		return;
	free(mt->message_id);
	free(mt->from_addr);
	free(mt->from_raw);
	free(mt->from_name);
	free(mt->reply_to);
	free(mt->return_path);
	free(mt->subject);
	free(mt->in_reply_to);
	free(mt->references);
	free(mt->content_language);
	free(mt->auto_submitted);
	free(mt->precedence);
	sv_free(&mt->authres);
	free(mt->body);
	memset(mt, 0, sizeof(*mt));
}
