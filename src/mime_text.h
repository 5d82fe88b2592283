/* mime_text.h - a raw RFC 5322 message turned into decoded UTF-8 text and
 * the few headers the workflow needs (libetpan MIME parser). */
#ifndef PICFLOW_MIME_TEXT_H
#define PICFLOW_MIME_TEXT_H

#include <stddef.h>
#include "util.h"

struct mail_text {
	/* Header facts. Every string is UTF-8, NUL-terminated, and carries no
	 * CR, LF or other control byte (they are replaced by a space), so
	 * none of them can ever inject a header. NULL when absent. */
	char	*message_id;	/* without angle brackets */
	char	*from_addr;	/* addr-spec of the first From: mailbox */
	char	*from_name;	/* its display name, RFC 2047 decoded */
	char	*from_raw;	/* the first From: as written, unfolded
				   (valid UTF-8, control bytes as spaces) */
	int	 from_fields;	/* From: fields in the header */
	int	 from_ctl;	/* a CR, LF, NUL... inside one */
	char	*reply_to;	/* addr-spec of Reply-To:, if any */
	char	*return_path;	/* addr-spec of Return-Path:; "" for <> */
	char	*subject;	/* RFC 2047 decoded */
	char	*in_reply_to;	/* first msg-id, without brackets */
	char	*references;	/* as written, control bytes removed */
	char	*content_language; /* of the top-level entity, e.g. "fr" */
	char	*auto_submitted;
	char	*precedence;
	int	 has_list_id;
	struct strvec authres;	/* Authentication-Results bodies, in order
				   (at most MIME_MAX_AUTHRES) */

	/* The request text: the first text/plain part found depth-first
	 * (any charset/transfer encoding, format=flowed unflowed), else the
	 * text of the first text/html part. LF line ends, valid UTF-8
	 * (invalid sequences replaced by U+FFFD), no NUL bytes. "" when the
	 * mail has no text at all. */
	char	*body;
	int	 body_from_html;
	int	 truncated;	/* a limit below cut the text or the tree */
};

#define MIME_MAX_AUTHRES	32
#define MIME_MAX_DEPTH		64	/* deeper multiparts are not entered */
#define MIME_MAX_TEXT		(1024 * 1024) /* bytes of decoded body kept */

/* Never fails on bad input: whatever cannot be parsed yields empty fields.
 * Returns PF_ERR only for an internal failure (err filled). */
int	mime_text_extract(const char *raw, size_t len, struct mail_text *out,
	    char *err, size_t errlen);
void	mime_text_free(struct mail_text *mt);

/* Used by the notice builder as well: convert bytes in charset to UTF-8;
 * unknown charsets are read as windows-1252. Result malloc'd. */
char	*mime_to_utf8(const char *s, size_t len, const char *charset);

#endif
