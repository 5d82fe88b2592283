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
	const char	*message_id;	/* without brackets */
	const char	*in_reply_to;	/* without brackets, may be NULL */
	const char	*references;	/* as received (may be NULL); the
					   in_reply_to id is appended */
	const char	*language;	/* Content-Language */
	const char	*auto_submitted; /* "auto-replied" or "auto-generated" */
	const char	*body;		/* UTF-8, LF line ends */
	time_t		 date;
};

/* Returns the message with CRLF line ends, malloc'd. Any CR, LF or control
 * byte in a header input is replaced by a space; an address input with
 * such a byte, or that is not a plain addr-spec, makes it fail (NULL). */
char	*mail_build(const struct mail_spec *m, char *err, size_t errlen);

/* A fresh Message-ID "<uuid>@<domain of from_addr>" without brackets. */
char	*mail_new_message_id(const char *from_addr);

/* RFC 2047 B or Q encoding of a UTF-8 header text, folded; exposed for
 * tests. */
char	*mail_encode_header(const char *name, const char *utf8);
/* Quoted-printable of UTF-8 text, CRLF line ends, lines <= 76. */
char	*mail_encode_qp(const char *utf8);

#endif
