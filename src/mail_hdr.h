/* mail_hdr.h - the fields of one header block, read without a MIME parser:
 * what robot.c and dsn.c look at (a few fields of the top-level header, the
 * per-recipient blocks of a delivery report), bounded and never failing. */
#ifndef PICFLOW_MAIL_HDR_H
#define PICFLOW_MAIL_HDR_H

#include <stddef.h>

#define MAIL_HDR_MAX_VALUE	2048	/* bytes of one unfolded value kept */
#define MAIL_HDR_MAX_FIELDS	512	/* fields read from one block */

/* One field: name as written (not NUL-terminated), value unfolded, every
 * control byte a space, trimmed, NUL-terminated, cut at MAIL_HDR_MAX_VALUE
 * bytes. Return non-zero to stop the walk. */
typedef int (*mail_hdr_fn)(const char *name, size_t nlen, const char *value,
    void *arg);

/* Walks the header block that starts at raw + pos: it ends at an empty
 * line or at the first line that is not a field. Returns the offset of
 * what follows the block (the body). An mbox "From " line at pos is
 * skipped. */
size_t	mail_hdr_each(const char *raw, size_t len, size_t pos, mail_hdr_fn fn,
	    void *arg);

/* Whether name (nlen bytes) is want, ASCII case-insensitively. */
int	mail_hdr_is(const char *name, size_t nlen, const char *want);

/* The value of parameter param of a structured field (Content-Type:
 * "multipart/report; report-type=delivery-status"), unquoted, into out;
 * 1 if found. */
int	mail_hdr_param(const char *value, const char *param, char *out,
	    size_t outlen);

/* Whether the media type at the start of value is type ("text/plain"),
 * ASCII case-insensitively. */
int	mail_hdr_type_is(const char *value, const char *type);

#endif
