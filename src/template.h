/* template.h - notice templates: mailtemplates/<lang>/<name>.txt.
 *
 * A template's first line is "Subject: ..." and the rest, after one blank
 * line, the body. Both may use:
 *   {{name}}            the value of variable name ("" when unset)
 *   {{#name}}..{{/name}} the text inside only when name is set and not ""
 *   {{^name}}..{{/name}} the text inside only when name is unset or ""
 * Sections do not nest within the same name. Unknown variables render as
 * "". Values are inserted verbatim (they are plain text) and never
 * scanned for tags.
 *
 * Layout: a line holding only a section tag disappears, newline included;
 * a line holding only {{name}} whose value ends with a newline (a
 * pre-rendered list) does not add another one. template_render() also
 * makes the subject one line, and the body end with exactly one newline
 * with never two blank lines in a row. */
#ifndef PICFLOW_TEMPLATE_H
#define PICFLOW_TEMPLATE_H

#include <stddef.h>

struct tvars {
	const char	*name[48];
	const char	*value[48];
	size_t		 namelen[48];	/* strlen(name[i]), for the lookups */
	size_t		 n;
};

/* Sets or replaces name (pointers are kept, not copied; NULL = unset). */
void	tvars_set(struct tvars *tv, const char *name, const char *value);

/* Loads dir/lang/name.txt (falling back to dir/en/name.txt when that
 * file does not exist) and renders it. *subject and *body are malloc'd.
 * PF_ERR, with the path(s) in err, when no template exists or its first
 * line is not "Subject: ...". */
int	template_render(const char *dir, const char *lang, const char *name,
	    const struct tvars *tv, char **subject, char **body,
	    char *err, size_t errlen);

/* Renders an in-memory template text (no Subject handling). */
char	*template_expand(const char *text, const struct tvars *tv);

#endif
