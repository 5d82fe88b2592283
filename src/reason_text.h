/* reason_text.h - the sentences of reason codes and warnings, from
 * mailtemplates/<lang>/reasons.txt. */
#ifndef PICFLOW_REASON_TEXT_H
#define PICFLOW_REASON_TEXT_H

#include "request.h"

/* One sentence, in lang (a tag such as "fr" or "fr-CA"; NULL: en), that
 * tells how to fix reason code with detail (may be NULL), from
 * dir/<lang>/reasons.txt, else dir/<primary subtag>/, else dir/en/; a
 * code no file knows gets the "default" sentence. Never NULL; malloc'd. */
char	*reason_text(const char *dir, const char *code, const char *detail,
	    const char *lang);

/* Each reason on a line "  - [code] sentence\n" (with_code) or
 * "  - sentence\n"; "" for none. malloc'd. */
char	*reason_text_list(const char *dir, const struct reasons *r,
	    const char *lang, int with_code);

/* True if dir/lang/reasons.txt itself has a sentence for code (no
 * fallback): what a test of a translation asks. */
int	 reason_text_has(const char *dir, const char *lang, const char *code);

#endif
