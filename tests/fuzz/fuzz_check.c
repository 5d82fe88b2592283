/* fuzz_check.c - invariants shared by the fuzz targets (fuzz_check.h). */
#include "fuzz_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void
fuzz_fail(const char *file, int line, const char *msg, const char *text)
{
	fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, msg);
	if (text != NULL)
		fprintf(stderr, "--- text ---\n%.4000s\n--- end ---\n", text);
	abort();
}

int
fuzz_utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k;
	unsigned c;

	while (i < n) {
		c = s[i];
		if (c == 0)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 2;
		else if (c >= 0xe0 && c <= 0xef)
			k = 3;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 4;
		else
			return 0;
		if (i + k > n)
			return 0;
		for (size_t j = 1; j < k; j++)
			if ((s[i + j] & 0xc0) != 0x80)
				return 0;
		if ((c == 0xe0 && s[i + 1] < 0xa0) ||
		    (c == 0xed && s[i + 1] >= 0xa0) ||
		    (c == 0xf0 && s[i + 1] < 0x90) ||
		    (c == 0xf4 && s[i + 1] >= 0x90))
			return 0;
		i += k;
	}
	return 1;
}

int
fuzz_clean_line(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return fuzz_utf8_valid(s, strlen(s));
}

static const char *const known_headers[] = { "Date", "From", "To",
    "Subject", "Message-ID", "In-Reply-To", "References", "Auto-Submitted",
    "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
    "Content-Language", NULL };
static const char *const once_headers[] = { "Date", "From", "To",
    "Subject", "Message-ID", NULL };

/* The offending line first, then the whole message. */
static void
msg_fail(int line, const char *why, const char *msg, const char *p,
    size_t n)
{
	fprintf(stderr, "line: [%.*s]\n", (int)(n > 2000 ? 2000 : n), p);
	fuzz_fail(__FILE__, line, why, msg);
}

#define MSG_ASSERT(cond, why) \
	((cond) ? (void)0 : msg_fail(__LINE__, (why), msg, p, n))

void
fuzz_check_message(const char *msg)
{
	const char *p = msg, *eol, *colon;
	int count[16] = { 0 }, in_body = 0, cur = -1, utf8_to;
	size_t n = 0, i;
	char name[64];

	while (*p != '\0') {
		eol = strstr(p, "\r\n");
		n = eol ? (size_t)(eol - p) : strlen(p);
		MSG_ASSERT(eol != NULL, "message does not end with CRLF");
		/* An address with UTF-8 (RFC 6532) is written as it is, in
		 * To: alone; it goes only to a server offering SMTPUTF8. */
		utf8_to = !in_body && ((n > 3 && memcmp(p, "To:", 3) == 0) ||
		    ((p[0] == ' ' || p[0] == '\t') && cur == 2));
		MSG_ASSERT(!utf8_to || fuzz_utf8_valid(p, n),
		    "invalid UTF-8 in To:");
		for (i = 0; i < n; i++) {
			unsigned char c = (unsigned char)p[i];

			/* QP keeps a tab that is not at a line end */
			MSG_ASSERT((c >= 0x20 && c < 0x7f) ||
			    (in_body && c == '\t' && i + 1 < n) ||
			    (utf8_to && c >= 0x80),
			    "control or 8-bit byte in a message line");
		}
		if (in_body) {
			MSG_ASSERT(n <= FUZZ_QP_LINE_MAX,
			    "quoted-printable line too long");
		} else if (n == 0) {
			in_body = 1;
		} else if (p[0] == ' ' || p[0] == '\t') {
			MSG_ASSERT(cur >= 0, "continuation before a header");
			MSG_ASSERT(strspn(p, " \t") < n,
			    "whitespace-only header line");
			MSG_ASSERT(n <= FUZZ_HDR_LINE_MAX,
			    "header line too long");
		} else {
			colon = memchr(p, ':', n);
			MSG_ASSERT(colon != NULL && colon - p < 63,
			    "header line without a field name");
			memcpy(name, p, (size_t)(colon - p));
			name[colon - p] = '\0';
			for (cur = 0; known_headers[cur] != NULL; cur++)
				if (strcmp(known_headers[cur], name) == 0)
					break;
			MSG_ASSERT(known_headers[cur] != NULL,
			    "unexpected header field");
			count[cur]++;
			MSG_ASSERT(count[cur] == 1, "header field repeated");
			MSG_ASSERT(n <= FUZZ_HDR_LINE_MAX,
			    "header line too long");
			/* Text fields are folded to 76; only a long msg-id
			 * (kept whole) may make a line longer. */
			if (strcmp(name, "Subject") == 0 ||
			    strcmp(name, "Date") == 0)
				MSG_ASSERT(n <= FUZZ_TEXT_LINE_MAX,
				    "text header line not folded");
		}
		MSG_ASSERT(in_body || cur < 0 || n <= FUZZ_TEXT_LINE_MAX ||
		    strcmp(known_headers[cur], "Subject") != 0,
		    "Subject continuation not folded");
		p = eol + 2;
	}
	MSG_ASSERT(in_body, "message without a body separator");
	for (i = 0; once_headers[i] != NULL; i++) {
		for (cur = 0; strcmp(known_headers[cur], once_headers[i]); cur++)
			;
		MSG_ASSERT(count[cur] == 1, "required header missing");
	}
}

size_t
fuzz_split(const uint8_t *data, size_t size, char **piece, size_t max,
    char **block)
{
	size_t k = 0, start = 0;
	char *b = malloc(size + max + 1);

	if (b == NULL)
		abort();
	memcpy(b, data, size);
	b[size] = '\0';
	for (size_t i = 0; i <= size && k < max; i++) {
		if (i == size || (unsigned char)b[i] == 0xff) {
			b[i] = '\0';
			piece[k++] = b + start;
			start = i + 1;
		}
	}
	for (size_t i = k; i < max; i++)
		piece[i] = b + size;	/* the terminating "" */
	*block = b;
	return k;
}
