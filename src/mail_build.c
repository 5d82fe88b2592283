/* mail_build.c - complete RFC 5322 notices: RFC 2047 encoded headers,
 * UTF-8 quoted-printable body (RFC 2045), our own Message-IDs.
 *
 * Everything that reaches a header goes through one of two doors: text
 * (subject, display name) is cleaned of every control byte, so no input
 * can ever start a new header line; structured values (addresses,
 * msg-ids, language tags) are checked against a strict grammar and
 * refused or dropped when they do not match. The encoders are written
 * here rather than taken from libetpan, which has no RFC 2047 encoder. */
#include "mail_build.h"
#include "clock.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HDR_WIDTH	76	/* RFC 2047 2: lines with encoded-words */
#define EW_OVERHEAD	12	/* "=?UTF-8?Q?" and "?=" */
#define EW_MIN_ROOM	16	/* fold rather than start a tiny word */
#define PLAIN_MAX	(HDR_WIDTH - 1) /* longer words cannot be folded */
#define QP_WIDTH	76	/* RFC 2045 6.7 rule 5 */
#define MSGID_MAX	250
#define REFS_KEEP	10	/* References: root + last ones */
#define MSGID_FALLBACK_DOMAIN "picflow.invalid"

static const char hexdig[] = "0123456789ABCDEF";
static const char b64dig[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* ---- UTF-8 and header text cleaning ---- */

/* Length of the valid UTF-8 sequence at s, 0 if it is not one (overlong
 * forms, surrogates, beyond U+10FFFF, truncated). */
static size_t
utf8_seqlen(const unsigned char *s)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0))
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80 || (c == 0xf0 && s[1] < 0x90) ||
		    (c == 0xf4 && s[1] >= 0x90))
			return 0;
		return 4;
	}
	return 0;
}

/* Characters that end up as a line break or a blank somewhere: C0, DEL,
 * C1 (NEL among them), U+2028 and U+2029. */
static int
utf8_is_blank(const unsigned char *s, size_t n)
{
	if (n == 1)
		return s[0] <= 0x20 || s[0] == 0x7f;
	if (n == 2)
		return s[0] == 0xc2 && s[1] < 0xa0;
	return n == 3 && s[0] == 0xe2 && s[1] == 0x80 &&
	    (s[2] == 0xa8 || s[2] == 0xa9);
}

/* Header text as we write it: valid UTF-8 (bad bytes become U+FFFD),
 * every control or line-breaking character a space, runs of spaces one
 * space, no leading or trailing space. */
static char *
hdr_clean(const char *in)
{
	const unsigned char *p = (const unsigned char *)in;
	struct strbuf sb;
	int space = 0, plain;
	size_t n;

	sb_init(&sb);
	sb_reserve(&sb, strlen(in) + 4);
	for (; *p != '\0'; p += n) {
		/* Printable ASCII, most of any header, needs no checks. */
		plain = *p > ' ' && *p < 0x7f;
		n = plain ? 1 : utf8_seqlen(p);
		if (!plain && n != 0 && utf8_is_blank(p, n)) {
			space = sb.len > 0;
			continue;
		}
		if (space)
			sb_addc(&sb, ' ');
		space = 0;
		if (n == 0) {
			sb_adds(&sb, "\xef\xbf\xbd");
			n = 1;
		} else
			sb_add(&sb, (const char *)p, n);
	}
	return sb_steal(&sb);
}

/* ---- folded header writer ---- */

struct hdr {
	struct strbuf	*sb;
	size_t		 col;	/* length of the current physical line */
};

static void
hdr_begin(struct hdr *h, struct strbuf *sb, const char *name)
{
	h->sb = sb;
	sb_adds(sb, name);
	sb_addc(sb, ':');
	h->col = strlen(name) + 1;
}

static void
hdr_fold(struct hdr *h)
{
	if (h->col == 0)	/* never a whitespace-only line */
		return;
	sb_adds(h->sb, "\r\n");
	h->col = 0;
}

/* Writes " tok", folding first when it would pass HDR_WIDTH. */
static void
hdr_token(struct hdr *h, const char *tok, size_t len)
{
	if (h->col + 1 + len > HDR_WIDTH)
		hdr_fold(h);
	sb_addc(h->sb, ' ');
	sb_add(h->sb, tok, len);
	h->col += 1 + len;
}

/* ---- RFC 2047 encoded-words ---- */

/* Characters allowed literally in a Q encoded-word even in a phrase
 * (RFC 2047 5 rule 3); everything else is =XX, space is "_". */
static int
q_literal(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '!' || c == '*' || c == '+' ||
	    c == '-' || c == '/';
}

static size_t
q_cost(const unsigned char *s, size_t n)
{
	size_t cost = 0;

	for (size_t i = 0; i < n; i++)
		cost += (q_literal(s[i]) || s[i] == ' ') ? 1 : 3;
	return cost;
}

static size_t
b_cost(size_t n)
{
	return (n + 2) / 3 * 4;
}

/* How many bytes of s (whole UTF-8 characters only, so no encoded-word
 * ever carries half a character) fit in room encoded characters. */
static size_t
ew_fit(const unsigned char *s, size_t n, size_t room, int b64)
{
	size_t used = 0, ch;

	while (used < n) {
		ch = utf8_seqlen(s + used);
		if (ch == 0 || ch > n - used)
			ch = 1;
		if ((b64 ? b_cost(used + ch) : q_cost(s, used + ch)) > room)
			break;
		used += ch;
	}
	return used;
}

static void
ew_append(struct strbuf *w, const unsigned char *s, size_t n, int b64)
{
	sb_adds(w, b64 ? "=?UTF-8?B?" : "=?UTF-8?Q?");
	for (size_t i = 0; !b64 && i < n; i++) {
		if (q_literal(s[i]))
			sb_addc(w, (char)s[i]);
		else if (s[i] == ' ')
			sb_addc(w, '_');
		else {
			sb_addc(w, '=');
			sb_addc(w, hexdig[s[i] >> 4]);
			sb_addc(w, hexdig[s[i] & 15]);
		}
	}
	for (size_t i = 0; b64 && i < n; i += 3) {
		unsigned long v = (unsigned long)s[i] << 16;

		v |= i + 1 < n ? (unsigned long)s[i + 1] << 8 : 0;
		v |= i + 2 < n ? s[i + 2] : 0;
		sb_addc(w, b64dig[(v >> 18) & 63]);
		sb_addc(w, b64dig[(v >> 12) & 63]);
		sb_addc(w, i + 1 < n ? b64dig[(v >> 6) & 63] : '=');
		sb_addc(w, i + 2 < n ? b64dig[v & 63] : '=');
	}
	sb_adds(w, "?=");
}

/* Writes s as a sequence of encoded-words; a decoder joins adjacent
 * words and drops the folding between them, so s comes back exactly. */
static void
hdr_encoded(struct hdr *h, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	/* Q keeps mostly-Latin text legible in the raw message; B only
	 * when Q would be over twice as long (CJK and the like). */
	int b64 = q_cost(s, n) > 2 * b_cost(n);
	struct strbuf w;
	size_t i = 0, room, take;

	sb_init(&w);
	while (i < n) {
		room = h->col + 1 + EW_OVERHEAD < HDR_WIDTH ?
		    HDR_WIDTH - h->col - 1 - EW_OVERHEAD : 0;
		take = ew_fit(s + i, n - i, room, b64);
		if (take == 0 && h->col == 0)	/* cannot happen: room 63 */
			take = 1;
		if (h->col > 0 && (take == 0 ||
		    (take < n - i && room < EW_MIN_ROOM))) {
			hdr_fold(h);
			continue;
		}
		w.len = 0;
		ew_append(&w, s + i, take, b64);
		hdr_token(h, w.s, w.len);
		i += take;
	}
	sb_free(&w);
}

/* A word must be encoded when it is not ASCII, when a decoder could take
 * it for an encoded-word, or when it is too long to fold. */
static int
word_needs_ew(const char *w, size_t n)
{
	if (n > PLAIN_MAX)
		return 1;
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)w[i] >= 0x80)
			return 1;
		if (w[i] == '=' && i + 1 < n && w[i + 1] == '?')
			return 1;
	}
	return 0;
}

/* Unstructured text (cleaned): plain words stay readable, each run of
 * words that need it becomes encoded-words (spaces inside the run are
 * encoded too, the spaces around it stay plain). */
static void
hdr_unstructured(struct hdr *h, const char *s)
{
	const char *w, *end;
	size_t n;

	while (*s != '\0') {
		w = s;
		n = strcspn(w, " ");
		end = w + n;
		if (!word_needs_ew(w, n))
			hdr_token(h, w, n);
		else {
			while (*end == ' ' && (n = strcspn(end + 1, " ")) > 0 &&
			    word_needs_ew(end + 1, n))
				end += 1 + n;
			hdr_encoded(h, w, (size_t)(end - w));
		}
		s = *end == ' ' ? end + 1 : end;
	}
}

/* ---- structured values ---- */

static int
addr_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') ||
	    (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* Dot-atom (RFC 5322 3.2.3); a domain's atoms are host-name labels.
 * With utf8, non-ASCII bytes are letters too (RFC 6532: an address only
 * a server offering SMTPUTF8 takes, which smtp_conn.c checks). */
static int
dot_atom_ok(const char *s, size_t n, int domain, int utf8)
{
	unsigned char c;

	if (n == 0 || s[0] == '.' || s[n - 1] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '.') {
			if (s[i - 1] == '.')
				return 0;
		} else if (c >= 0x80 && utf8)
			continue;
		else if (domain ? !((c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-') : !addr_atext(c))
			return 0;
	}
	return 1;
}

/* A quoted-string local part, "john smith" (RFC 5321 4.1.2): printable
 * characters and quoted pairs, nothing that could end the field. */
static int
quoted_ok(const char *s, size_t n)
{
	if (n < 3 || s[0] != '"' || s[n - 1] != '"')
		return 0;
	for (size_t i = 1; i < n - 1; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\\') {
			if (++i == n - 1 || (unsigned char)s[i] < 0x20)
				return 0;
		} else if (c == '"')
			return 0;
	}
	return 1;
}

static int
utf8_valid_str(const char *s)
{
	size_t n;

	for (const unsigned char *p = (const unsigned char *)s; *p; p += n)
		if ((n = utf8_seqlen(p)) == 0)
			return 0;
	return 1;
}

/* NULL when addr is an addr-spec we can write as is, else why not. */
static const char *
addr_problem(const char *addr)
{
	const char *at;
	int utf8 = 0;

	if (addr == NULL || *addr == '\0')
		return "is empty";
	if (str_has_ctl(addr))
		return "contains a control character";
	if ((at = strrchr(addr, '@')) == NULL)
		return "has no @";
	for (const char *p = addr; *p; p++)
		utf8 |= (unsigned char)*p >= 0x80;
	if (utf8 && !utf8_valid_str(addr))
		return "is not valid UTF-8";
	if (strlen(addr) > 254 || at - addr > 64)
		return "is too long";
	if (strchr(at, ' ') != NULL || (strchr(addr, ' ') != NULL &&
	    addr[0] != '"'))
		return "contains a space";
	if (!(dot_atom_ok(addr, (size_t)(at - addr), 0, utf8) ||
	    quoted_ok(addr, (size_t)(at - addr))) ||
	    !dot_atom_ok(at + 1, strlen(at + 1), 1, utf8))
		return "is not a plain address (header special)";
	return NULL;
}

/* id-left "@" id-right of a msg-id, without the brackets. Deliberately
 * simple: printable ASCII without specials that could end the field. */
static int
msgid_valid(const char *s, size_t n)
{
	size_t at = 0;

	if (n < 3 || n > MSGID_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c >= 0x7f || strchr("<>()\\,;:\"", c))
			return 0;
		if (c == '@') {
			if (at != 0 || i == 0)
				return 0;
			at = i;
		}
	}
	return at != 0 && at < n - 1;
}

static int
token_valid(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '-'))
			return 0;
	return 1;
}

/* ---- References ---- */

struct span {
	const char	*p;
	size_t		 n;
};

/* The valid msg-ids of a received References field, in order: the first
 * one (the thread root) and the last REFS_KEEP - 1. Anything else in the
 * field, however long, is skipped. Returns how many were stored. */
static size_t
refs_scan(const char *refs, struct span *out)
{
	struct span ring[REFS_KEEP - 1];
	size_t nring = 0, k = 0;
	const char *p, *q;

	for (p = refs; p != NULL && (p = strchr(p, '<')) != NULL; ) {
		for (q = p + 1; *q != '\0' && *q != '>' && *q != '<' &&
		    q - p <= MSGID_MAX; q++)
			;
		if (*q != '>' || !msgid_valid(p + 1, (size_t)(q - p - 1))) {
			p = *q == '<' ? q : p + 1;
			continue;
		}
		if (k == 0)
			out[k++] = (struct span){ p + 1, (size_t)(q - p - 1) };
		else
			ring[nring++ % (REFS_KEEP - 1)] =
			    (struct span){ p + 1, (size_t)(q - p - 1) };
		p = q + 1;
	}
	for (size_t i = nring > REFS_KEEP - 1 ? nring - (REFS_KEEP - 1) : 0;
	    i < nring; i++)
		out[k++] = ring[i % (REFS_KEEP - 1)];
	return k;
}

static int
span_eq(struct span a, struct span b)
{
	return a.n == b.n && memcmp(a.p, b.p, a.n) == 0;
}

static void
hdr_msgid(struct hdr *h, const char *id, size_t n)
{
	char *tok = xmalloc(n + 3);

	tok[0] = '<';
	memcpy(tok + 1, id, n);
	tok[n + 1] = '>';
	tok[n + 2] = '\0';
	hdr_token(h, tok, n + 2);
	free(tok);
}

/* Received References plus in_reply_to, duplicates dropped (the last
 * occurrence wins, so the parent stays last), at most REFS_KEEP: the
 * root and the newest ones, as RFC 5537 3.4.4 trims them. */
static void
mb_references(struct strbuf *sb, const char *refs, const char *irt)
{
	struct span all[REFS_KEEP + 1], keep[REFS_KEEP + 1];
	size_t n, nk = 0, i, j;
	struct hdr h;

	n = refs_scan(refs, all);
	if (irt != NULL)
		all[n++] = (struct span){ irt, strlen(irt) };
	for (i = n; i-- > 0; ) {
		for (j = 0; j < nk && !span_eq(all[i], keep[j]); j++)
			;
		if (j == nk)
			keep[nk++] = all[i];	/* newest first */
	}
	if (nk == 0)
		return;
	hdr_begin(&h, sb, "References");
	if (nk > REFS_KEEP) {
		hdr_msgid(&h, keep[nk - 1].p, keep[nk - 1].n);
		nk = REFS_KEEP - 1;
	}
	for (i = nk; i-- > 0; )
		hdr_msgid(&h, keep[i].p, keep[i].n);
	sb_adds(sb, "\r\n");
}

/* In-Reply-To and References. A parent id we cannot write safely is
 * dropped rather than failing: the customer still gets the notice, only
 * without threading. */
static void
mb_thread(struct strbuf *sb, const char *irt, const char *refs)
{
	struct hdr h;

	if (irt != NULL && !msgid_valid(irt, strlen(irt)))
		irt = NULL;
	if (irt != NULL) {
		hdr_begin(&h, sb, "In-Reply-To");
		hdr_msgid(&h, irt, strlen(irt));
		sb_adds(sb, "\r\n");
	}
	mb_references(sb, refs, irt);
}

/* ---- the other headers ---- */

static void
mb_date(struct strbuf *sb, time_t t)
{
	char buf[CLOCK_MAIL_LEN];
	struct tm tm;

	if (t == 0)
		t = time(NULL);
	if (gmtime_r(&t, &tm) == NULL)
		t = 0;
	/* Names from a table, not strftime: the locale must not leak in. */
	clock_mail(t, buf);
	sb_adds(sb, "Date: ");
	sb_adds(sb, buf);
	sb_add(sb, "\r\n", 2);
}

static char *
phrase_quote(const char *s)
{
	struct strbuf sb;

	sb_init(&sb);
	sb_addc(&sb, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			sb_addc(&sb, '\\');
		sb_addc(&sb, *s);
	}
	sb_addc(&sb, '"');
	return sb_steal(&sb);
}

/* ASCII text that no decoder would take for an encoded-word. */
static int
text_plain_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80 || (s[0] == '=' && s[1] == '?'))
			return 0;
	return 1;
}

/* A display name: atoms as they are, a quoted-string when it has
 * specials, encoded-words when it is not ASCII (or too long to quote on
 * one line). Returns 0 when the name was empty and nothing written. */
static int
hdr_phrase(struct hdr *h, const char *name)
{
	char *clean = hdr_clean(name), *quoted = NULL;
	int ascii = text_plain_ascii(clean);

	if (*clean == '\0') {
		free(clean);
		return 0;
	}
	if (ascii && strpbrk(clean, "()<>[]:;@\\,.\"") == NULL)
		hdr_unstructured(h, clean);
	else if (ascii && strlen(quoted = phrase_quote(clean)) <= PLAIN_MAX)
		hdr_token(h, quoted, strlen(quoted));
	else
		hdr_encoded(h, clean, strlen(clean));
	free(quoted);
	free(clean);
	return 1;
}

static void
mb_mailbox(struct strbuf *sb, const char *field, const char *name,
    const char *addr)
{
	struct hdr h;
	char *tok;

	hdr_begin(&h, sb, field);
	if (name != NULL && hdr_phrase(&h, name))
		tok = xstrcat("<", addr, ">", NULL);
	else
		tok = xstrdup(addr);
	hdr_token(&h, tok, strlen(tok));
	free(tok);
	sb_adds(sb, "\r\n");
}

char *
mail_encode_header(const char *name, const char *utf8)
{
	struct strbuf sb;
	struct hdr h;
	char *clean = hdr_clean(utf8 ? utf8 : "");

	sb_init(&sb);
	hdr_begin(&h, &sb, name);
	hdr_unstructured(&h, clean);
	free(clean);
	return sb_steal(&sb);
}

/* ---- quoted-printable ---- */

/* A byte taken as it is inside a line: printable ASCII but "=", and the
 * space (see qp_line for the one at the end). */
static inline int
qp_plain(unsigned char c)
{
	/* c - ' ' wraps below the space: one comparison for the range. */
	return (unsigned char)(c - ' ') <= '~' - ' ' && c != '=';
}

/* The encoding of byte i of a line of n bytes, at column col. */
static size_t
qp_token(const unsigned char *s, size_t i, size_t n, size_t col,
    char out[3])
{
	unsigned char c = s[i];
	int lit;

	if (c == ' ' || c == '\t')	/* trailing blanks get stripped */
		lit = i + 1 < n;
	else
		lit = c >= 33 && c <= 126 && c != '=';
	/* A line starting with "." may meet a broken dot-stuffer, one
	 * starting with "From " an mbox writer adding ">". */
	if (col == 0 && (c == '.' ||
	    (c == 'F' && n - i >= 5 && memcmp(s + i, "From ", 5) == 0)))
		lit = 0;
	if (lit) {
		out[0] = (char)c;
		return 1;
	}
	out[0] = '=';
	out[1] = hexdig[c >> 4];
	out[2] = hexdig[c & 15];
	return 3;
}

/* One hard line; soft breaks keep every physical line <= QP_WIDTH with
 * its "=", and never split an =XX. Each physical line is assembled in
 * line[] and appended whole: a notice is mostly this loop. */
static void
qp_line(struct strbuf *sb, const unsigned char *s, size_t n)
{
	char line[QP_WIDTH], tok[3];
	size_t col = 0, len;

	for (size_t i = 0; i < n; i++) {
		/* Most bytes are printable ASCII inside a line, taken as they
		 * are, a run at a time: what qp_token() and the width test
		 * below would say, without asking them. A space is not
		 * plain at the very end (trailing blanks get stripped). */
		if (col > 0 && col < QP_WIDTH - 1 && qp_plain(s[i])) {
			size_t k = 1, lim = QP_WIDTH - 1 - col;

			if (lim > n - i)
				lim = n - i;
			while (k < lim && qp_plain(s[i + k]))
				k++;
			if (i + k == n && s[i + k - 1] == ' ')
				k--;
			if (k > 0) {
				memcpy(line + col, s + i, k);
				col += k;
				i += k - 1;
				continue;
			}
		}
		len = qp_token(s, i, n, col, tok);
		if (col + len > (i + 1 == n ? QP_WIDTH : QP_WIDTH - 1)) {
			sb_add(sb, line, col);
			sb_add(sb, "=\r\n", 3);
			col = 0;
			len = qp_token(s, i, n, col, tok);
		}
		line[col] = tok[0];
		if (len == 3) {
			line[col + 1] = tok[1];
			line[col + 2] = tok[2];
		}
		col += len;
	}
	sb_add(sb, line, col);
}

char *
mail_encode_qp(const char *utf8)
{
	struct strbuf sb;
	const char *p = utf8, *eol;
	size_t n;

	sb_init(&sb);
	/* Mostly plain text: CRLFs, soft breaks and a few escapes more. */
	sb_reserve(&sb, strlen(utf8) + strlen(utf8) / 8 + 64);
	while (*p != '\0') {
		eol = strchr(p, '\n');
		n = eol ? (size_t)(eol - p) : strlen(p);
		if (eol != NULL && n > 0 && p[n - 1] == '\r')
			n--;		/* a CRLF line end is one break */
		qp_line(&sb, (const unsigned char *)p, n);
		if (eol == NULL)
			break;
		sb_add(&sb, "\r\n", 2);
		p = eol + 1;
	}
	return sb_steal(&sb);
}

/* ---- the message ---- */

static int
mb_check(const struct mail_spec *m, char *err, size_t errlen)
{
	const char *why;

	if ((why = addr_problem(m->from_addr)) != NULL) {
		err_set(err, errlen, "mail_build: From address %s", why);
		return PF_ERR;
	}
	if ((why = addr_problem(m->to_addr)) != NULL) {
		err_set(err, errlen, "mail_build: To address %s", why);
		return PF_ERR;
	}
	if (m->message_id == NULL ||
	    !msgid_valid(m->message_id, strlen(m->message_id))) {
		err_set(err, errlen, "mail_build: missing or invalid "
		    "Message-ID");
		return PF_ERR;
	}
	if (m->auto_submitted != NULL && !token_valid(m->auto_submitted, 32)) {
		err_set(err, errlen, "mail_build: invalid Auto-Submitted "
		    "value");
		return PF_ERR;
	}
	return PF_OK;
}

static void
mb_mime(struct strbuf *sb, const char *language)
{
	sb_adds(sb, "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n");
	/* An odd language tag only loses its header, not the notice. */
	if (language != NULL && token_valid(language, 35)) {
		sb_adds(sb, "Content-Language: ");
		sb_adds(sb, language);
		sb_adds(sb, "\r\n");
	}
}

/* The attached mail as it came, but for its line ends (CRLF, as SMTP
 * wants them) and NUL bytes (dropped: a notice is a C string). 8bit is
 * the encoding RFC 2046 allows a message/rfc822 part; the boundary is a
 * fresh UUID, which no line of the mail can know in advance. */
static void
mb_attach(struct strbuf *sb, const char *raw, size_t len,
    const char *boundary)
{
	sb_addf(sb, "\r\n--=_picflow_%s\r\nContent-Type: message/rfc822\r\n"
	    "Content-Disposition: attachment; filename=\"reply.eml\"\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n\r\n", boundary);
	sb_reserve(sb, len + len / 32 + 64);
	for (size_t i = 0; i < len; i++) {
		if (raw[i] == '\0')
			continue;
		if (raw[i] == '\r' || raw[i] == '\n') {
			sb_add(sb, "\r\n", 2);
			if (raw[i] == '\r' && i + 1 < len && raw[i + 1] == '\n')
				i++;
			continue;
		}
		sb_addc(sb, raw[i]);
	}
	if (len == 0 || (raw[len - 1] != '\n' && raw[len - 1] != '\r'))
		sb_add(sb, "\r\n", 2);
	sb_addf(sb, "--=_picflow_%s--\r\n", boundary);
}

char *
mail_build(const struct mail_spec *m, char *err, size_t errlen)
{
	struct strbuf sb;
	struct hdr h;
	char *text, boundary[37];
	size_t n;

	if (mb_check(m, err, errlen) != PF_OK)
		return NULL;
	sb_init(&sb);
	/* The header fields, then the encoded body (see mail_encode_qp). */
	sb_reserve(&sb, 1024 + (m->body ? strlen(m->body) * 9 / 8 : 0));
	mb_date(&sb, m->date);
	mb_mailbox(&sb, "From", m->from_name, m->from_addr);
	mb_mailbox(&sb, "To", NULL, m->to_addr);
	text = mail_encode_header("Subject", m->subject);
	sb_adds(&sb, text);
	sb_adds(&sb, "\r\n");
	free(text);
	hdr_begin(&h, &sb, "Message-ID");
	hdr_msgid(&h, m->message_id, strlen(m->message_id));
	sb_adds(&sb, "\r\n");
	mb_thread(&sb, m->in_reply_to, m->references);
	sb_adds(&sb, "Auto-Submitted: ");
	sb_adds(&sb, m->auto_submitted ? m->auto_submitted : "auto-replied");
	sb_adds(&sb, "\r\n");
	sb_adds(&sb, "MIME-Version: 1.0\r\n");
	if (m->attach) {
		uuid_random(boundary);
		sb_addf(&sb, "Content-Type: multipart/mixed; boundary=\""
		    "=_picflow_%s\"\r\n\r\n--=_picflow_%s\r\n", boundary,
		    boundary);
	}
	mb_mime(&sb, m->language);
	sb_adds(&sb, "\r\n");
	text = mail_encode_qp(m->body ? m->body : "");
	sb_adds(&sb, text);
	n = strlen(text);
	if (n > 0 && (n < 2 || strcmp(text + n - 2, "\r\n") != 0))
		sb_adds(&sb, "\r\n");
	free(text);
	if (m->attach)
		mb_attach(&sb, m->attach, m->attach_len, boundary);
	return sb_steal(&sb);
}

char *
mail_new_message_id(const char *from_addr)
{
	const char *at = from_addr ? strrchr(from_addr, '@') : NULL;
	const char *domain = MSGID_FALLBACK_DOMAIN;
	char uuid[37];

	if (at != NULL && dot_atom_ok(at + 1, strlen(at + 1), 1, 0))
		domain = at + 1;
	/* getrandom()-backed, unlike libetpan's unseeded random(). */
	uuid_random(uuid);
	return xstrcat(uuid, "@", domain, NULL);
}
