/* mail_build.h - complete RFC 5322 messages for notices: RFC 2047 encoded
 * headers, UTF-8 quoted-printable body, our own Message-IDs. */
#ifndef PICFLOW_MAIL_BUILD_H
#define PICFLOW_MAIL_BUILD_H

#include <time.h>

struct mail_spec {
	const char	*from_addr;	/* addr-spec */
	const char	*from_name;	/* display name, may be NULL, UTF-8 */
	const char	*to_addr;	/* addr-spec */
	const char	*subject;	/* UTF-8 */
	const char	*message_id;	/* without brackets; required */
	const char	*in_reply_to;	/* without brackets, may be NULL;
					   dropped if not a valid msg-id */
	const char	*references;	/* as received (may be NULL); the
					   in_reply_to id is appended. Only
					   valid <msg-id> tokens are kept: the
					   first and the newest, 10 at most */
	const char	*language;	/* Content-Language; header left out
					   when NULL or not a language tag */
	const char	*auto_submitted; /* "auto-replied" (NULL) or
					   "auto-generated" */
	const char	*body;		/* UTF-8, LF line ends */
	const char	*attach;	/* a mail attached whole as
					   message/rfc822 (never pasted into
					   the text), or NULL */
	size_t		 attach_len;
	time_t		 date;		/* 0 = now */
};

/* Returns the message with CRLF line ends, malloc'd. Any CR, LF or control
 * byte in a header input is replaced by a space; an address input with
 * such a byte, or that is not a plain addr-spec, makes it fail (NULL). */
char	*mail_build(const struct mail_spec *m, char *err, size_t errlen);

/* A fresh Message-ID "<uuid>@<domain of from_addr>" without brackets
 * (random UUID, util.c; "picflow.invalid" if from_addr has no
 * usable domain). */
char	*mail_new_message_id(const char *from_addr);

/* The whole field "Name: text", folded at 76 columns with CRLF, without
 * a final CRLF: plain words stay plain, runs of words that need it become
 * RFC 2047 encoded-words (UTF-8, Q or B, never splitting a character).
 * Control bytes become spaces. Exposed for tests. */
char	*mail_encode_header(const char *name, const char *utf8);
/* Quoted-printable of UTF-8 text, CRLF line ends, lines <= 76; a line
 * starting with "." or "From " has that first character encoded. */
char	*mail_encode_qp(const char *utf8);

#endif
