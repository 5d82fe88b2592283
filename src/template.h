/* template.h - notice templates: mailtemplates/<lang>/<name>.txt.
 *
 * A template's first line is "Subject: ..." and the rest, after one blank
 * line, the body. Both may use:
 *   {{name}}            the value of variable name ("" when unset)
 *   {{#name}}..{{/name}} the text inside only when name is set and not ""
 *   {{^name}}..{{/name}} the text inside only when name is unset or ""
 * Sections do not nest within the same name. Unknown variables render as
 * "". Values are inserted verbatim (they are plain text). */
#ifndef PICFLOW_TEMPLATE_H
#define PICFLOW_TEMPLATE_H

#include <stddef.h>

struct tvars {
	const char	*name[48];
	const char	*value[48];
	size_t		 n;
};

void	tvars_set(struct tvars *tv, const char *name, const char *value);

/* Loads dir/lang/name.txt (falling back to "en" if lang has none) and
 * renders it. *subject and *body are malloc'd. */
int	template_render(const char *dir, const char *lang, const char *name,
	    const struct tvars *tv, char **subject, char **body,
	    char *err, size_t errlen);

/* Renders an in-memory template text (no Subject handling). */
char	*template_expand(const char *text, const struct tvars *tv);

#endif
