/* request_parse.h - decoded mail text to a request form (SPEC 1). */
#ifndef PICFLOW_REQUEST_PARSE_H
#define PICFLOW_REQUEST_PARSE_H

#include "request.h"
#include "policy.h"

/* Reads Field: value lines from text (UTF-8, LF line ends) up to the
 * signature or the quoted reply, English and French names, and fills f
 * (zeroed first; free it with request_form_free). Syntax problems become
 * reasons in f->reasons (all of them, not the first); request_validate
 * recomputes them with the others, in form order. content_language is the
 * mail's Content-Language (may be NULL). Language is resolved here:
 * Language field, else field-name language (a French Action value such as
 * "aide" counts as a French name), else content_language, else
 * p->default_language. Warnings (duplicates collapsed, ignored lines) are
 * written in that language. Time linear in the text; lists are kept to a
 * few times the policy's maxima. p may be NULL (defaults). Pure function. */
void	request_parse(const char *text, const char *content_language,
	    const struct policy *p, struct request_form *f);

#endif
