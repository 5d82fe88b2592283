/* request_parse.h - decoded mail text to a request form (SPEC 1). */
#ifndef PICFLOW_REQUEST_PARSE_H
#define PICFLOW_REQUEST_PARSE_H

#include "request.h"
#include "policy.h"

/* Reads Field: value lines from text (UTF-8, LF line ends) up to the
 * signature or the quoted reply, English and French names, and fills f.
 * Syntax problems become reasons in f->reasons (all of them, not the
 * first). content_language is the mail's Content-Language (may be NULL).
 * Language is resolved here: Language field, else field-name language,
 * else content_language, else p->default_language. Pure function. */
void	request_parse(const char *text, const char *content_language,
	    const struct policy *p, struct request_form *f);

/* Normalise an address as written (bare, <a>, Name <a>, a<mailto:a>) to
 * its lower-cased addr-spec; NULL if it is not a valid address. */
char	*request_parse_address(const char *s);

#endif
