/* template.c - notice templates: a tiny, logic-less mustache subset.
 *
 * Templates are trusted files written by us or by the operator, but the
 * values are not: they are inserted verbatim and never re-scanned for
 * tags, so a customer writing "{{" in a field cannot change a notice. */
#include "template.h"
#include "util.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define TEMPLATE_MAX_BYTES	(256 * 1024)
#define TEMPLATE_MAX_DEPTH	32	/* section nesting; deeper is literal */
#define TEMPLATE_FALLBACK	"en"
#define TEMPLATE_CACHE_MAX	32	/* files kept; the shipped set is 16 */

enum tag_kind { TAG_VAR, TAG_OPEN, TAG_INVERT, TAG_CLOSE };

struct tag {
	enum tag_kind	 kind;
	const char	*name;	/* points into the template, not terminated */
	size_t		 namelen;
	const char	*start;	/* the first '{' */
	const char	*end;	/* just past the last '}' */
};

/* One step of a compiled template part (tpl_compile): text copied, a
 * variable's value, or a section whose steps up to skip run only when
 * its variable is set (OPEN) or unset (INVERT). */
enum tpl_op_kind { TPL_TEXT, TPL_VAR, TPL_SECTION };

struct tpl_op {
	enum tpl_op_kind kind;
	const char	*p;		/* TEXT: the text; else the name */
	size_t		 len;
	int		 want_set;	/* SECTION */
	size_t		 skip;		/* SECTION: the step after it */
};

#define TPL_VARLINES_MAX	32	/* more, and a part is not compiled */
#define TPL_VARIANTS_MAX	4

/* A part laid out (template_standalone) for one combination of its
 * {{name}}-only lines (bit k: the k-th one's value ends with a newline),
 * and compiled. */
struct tpl_variant {
	uint32_t	 mask;
	char		*text;		/* the ops point into it */
	struct tpl_op	*ops;
	size_t		 nops;
};

/* The subject or the body of a template file. Laid out and compiled
 * for every notice (as template_expand() does with any text), it was a
 * tenth of the recording of a mail; the layout depends on the values only
 * through its {{name}}-only lines, so each combination of those is laid
 * out and compiled once. */
struct tpl_part {
	const char	*text;
	const char	*varline[TPL_VARLINES_MAX];	/* names, in order */
	size_t		 varline_len[TPL_VARLINES_MAX];
	int		 n_varlines;	/* -1: too many, never compiled */
	struct tpl_variant variant[TPL_VARIANTS_MAX];
	int		 n_variants;
};

/* A template file read, checked and split. A run renders the same few
 * templates for every mail it takes in and every timer it fires, so
 * each file is read once per process, not once per notice: an operator's
 * edit takes effect from the next run on. Not locked: one thread renders
 * (in a poll, the recording one; its reader thread never does). */
struct template_file {
	char		*dir;		/* what it was asked for by */
	char		*lang;
	char		*name;
	char		*text;		/* normalised, split in place */
	struct tpl_part	 subject;	/* both point into text */
	struct tpl_part	 body;
};

static struct template_file template_cache[TEMPLATE_CACHE_MAX];
static size_t template_ncache;

void
tvars_set(struct tvars *tv, const char *name, const char *value)
{
	size_t max = sizeof(tv->name) / sizeof(tv->name[0]);
	size_t len = strlen(name);

	for (size_t i = 0; i < tv->n; i++) {
		if (tv->namelen[i] == len &&
		    memcmp(tv->name[i], name, len) == 0) {
			tv->value[i] = value;
			return;
		}
	}
	/* A notice silently missing a variable would go out wrong to a
	 * customer: running out of slots is a programming error. */
	if (tv->n >= max) {
		fprintf(stderr, "picflow: tvars_set: more than %zu variables "
		    "(adding %s)\n", max, name);
		abort();
	}
	tv->name[tv->n] = name;
	tv->value[tv->n] = value;
	tv->namelen[tv->n] = len;
	tv->n++;
}

static const char *
tvars_get(const struct tvars *tv, const char *name, size_t len)
{
	for (size_t i = 0; tv != NULL && i < tv->n; i++)
		if (tv->namelen[i] == len &&
		    memcmp(tv->name[i], name, len) == 0)
			return tv->value[i] ? tv->value[i] : "";
	return "";
}

static int
tag_namechar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

/* Parses the tag starting at p ("{{"), within [p, end). Returns 0 when
 * it is not a well-formed tag, which is then copied literally. */
static int
tag_parse(const char *p, const char *end, struct tag *t)
{
	const char *q, *close;

	if (end - p < 4 || p[0] != '{' || p[1] != '{')
		return 0;
	for (close = p + 2; close + 1 < end; close++)
		if (close[0] == '}' && close[1] == '}')
			break;
	if (close + 1 >= end)
		return 0;
	q = p + 2;
	while (q < close && *q == ' ')
		q++;
	t->kind = TAG_VAR;
	if (q < close && (*q == '#' || *q == '^' || *q == '/')) {
		t->kind = *q == '#' ? TAG_OPEN : *q == '^' ? TAG_INVERT :
		    TAG_CLOSE;
		q++;
		while (q < close && *q == ' ')
			q++;
	}
	t->name = q;
	while (q < close && tag_namechar(*q))
		q++;
	t->namelen = (size_t)(q - t->name);
	while (q < close && *q == ' ')
		q++;
	if (t->namelen == 0 || q != close)
		return 0;
	t->start = p;
	t->end = close + 2;
	return 1;
}

/* The first close tag of the given name in [p, end). Sections of one name
 * do not nest, so the first one is the match. */
static int
tag_find_close(const char *p, const char *end, const struct tag *open,
    struct tag *close)
{
	while ((p = memchr(p, '{', (size_t)(end - p))) != NULL) {
		if (tag_parse(p, end, close) && close->kind == TAG_CLOSE &&
		    close->namelen == open->namelen &&
		    memcmp(close->name, open->name, open->namelen) == 0)
			return 1;
		p++;
	}
	return 0;
}

/* A value that ends with a newline (a pre-rendered list): alone on its
 * line, it brings its own line end. */
static int
value_ends_nl(const char *v)
{
	return v[0] != '\0' && v[strlen(v) - 1] == '\n';
}

/* A line holding nothing but one tag (and blanks). */
static int
line_single_tag(const char *line, const char *eol, struct tag *t)
{
	const char *p = line, *q = eol;

	while (p < q && (*p == ' ' || *p == '\t'))
		p++;
	while (q > p && (q[-1] == ' ' || q[-1] == '\t'))
		q--;
	return q - p >= 4 && tag_parse(p, q, t) && t->end == q;
}

/* Whitespace control, so templates can be laid out readably:
 *  - a line holding only a section tag disappears entirely, newline and
 *    all (as in mustache's "standalone" tags);
 *  - a line holding only {{var}} whose value already ends with a newline
 *    (pre-rendered lists) does not add a second one.
 * With mask, bit k says that of the k-th {{var}}-only line instead of its
 * value (tpl_variant). */
static char *
template_standalone(const char *text, const struct tvars *tv,
    const uint32_t *mask)
{
	struct strbuf sb;
	struct tag t;
	const char *line = text, *eol;
	int k = 0, nl;

	sb_init(&sb);
	sb_reserve(&sb, strlen(text));
	while (*line != '\0') {
		eol = strchr(line, '\n');
		if (eol == NULL)
			eol = line + strlen(line);
		if (*eol == '\n' && line_single_tag(line, eol, &t)) {
			if (t.kind != TAG_VAR) {
				sb_add(&sb, t.start, (size_t)(t.end - t.start));
				line = eol + 1;
				continue;
			}
			nl = mask ? (int)((*mask >> k++) & 1) :
			    value_ends_nl(tvars_get(tv, t.name, t.namelen));
			if (nl) {
				sb_add(&sb, line, (size_t)(t.end - line));
				line = eol + 1;
				continue;
			}
		}
		sb_add(&sb, line, (size_t)(eol - line) + (*eol == '\n'));
		line = eol + (*eol == '\n');
	}
	return sb_steal(&sb);
}

/* Appends a step; returns its index. */
static size_t
tpl_emit(struct tpl_variant *v, size_t *cap, enum tpl_op_kind kind,
    const char *p, size_t len, int want_set)
{
	if (kind == TPL_TEXT && len == 0)
		return v->nops;
	if (v->nops == *cap) {
		*cap = *cap ? 2 * *cap : 32;
		v->ops = xrealloc(v->ops, *cap * sizeof(*v->ops));
	}
	v->ops[v->nops].kind = kind;
	v->ops[v->nops].p = p;
	v->ops[v->nops].len = len;
	v->ops[v->nops].want_set = want_set;
	v->ops[v->nops].skip = 0;
	return v->nops++;
}

/* Compiles [p, end): literal text, {{name}}, and sections, whose steps
 * follow them. A tag that is not well formed is text; a stray close tag
 * is dropped; an unbalanced open tag, or one nested deeper than
 * TEMPLATE_MAX_DEPTH, is shown as it is, so the author notices. */
static void
tpl_compile(const char *p, const char *end, int depth, struct tpl_variant *v,
    size_t *cap)
{
	struct tag t, close;
	size_t at;

	while (p < end) {
		const char *brace = memchr(p, '{', (size_t)(end - p));

		if (brace == NULL || !tag_parse(brace, end, &t)) {
			const char *stop = brace ? brace + 1 : end;

			tpl_emit(v, cap, TPL_TEXT, p, (size_t)(stop - p), 0);
			p = stop;
			continue;
		}
		tpl_emit(v, cap, TPL_TEXT, p, (size_t)(brace - p), 0);
		p = t.end;
		if (t.kind == TAG_VAR) {
			tpl_emit(v, cap, TPL_VAR, t.name, t.namelen, 0);
			continue;
		}
		if (t.kind == TAG_CLOSE)	/* stray close: drop it */
			continue;
		if (depth >= TEMPLATE_MAX_DEPTH ||
		    !tag_find_close(p, end, &t, &close)) {
			tpl_emit(v, cap, TPL_TEXT, t.start,
			    (size_t)(t.end - t.start), 0);
			continue;
		}
		at = tpl_emit(v, cap, TPL_SECTION, t.name, t.namelen,
		    t.kind == TAG_OPEN);
		tpl_compile(p, close.start, depth + 1, v, cap);
		v->ops[at].skip = v->nops;
		p = close.end;
	}
}

static void
tpl_run(const struct tpl_variant *v, const struct tvars *tv,
    struct strbuf *out)
{
	const char *value;
	size_t i = 0;

	while (i < v->nops) {
		const struct tpl_op *op = &v->ops[i];

		switch (op->kind) {
		case TPL_TEXT:
			sb_add(out, op->p, op->len);
			i++;
			break;
		case TPL_VAR:
			sb_adds(out, tvars_get(tv, op->p, op->len));
			i++;
			break;
		case TPL_SECTION:
			value = tvars_get(tv, op->p, op->len);
			/* its steps follow it, up to skip */
			i = op->want_set == (value[0] != '\0') ? i + 1 :
			    op->skip;
			break;
		default:
			abort();
		}
	}
}

/* Lays text out (template_standalone: by the values in tv, or by mask)
 * and compiles the result into v. */
static void
tpl_layout(struct tpl_variant *v, const char *text, const struct tvars *tv,
    const uint32_t *mask)
{
	size_t cap = 0;

	v->text = template_standalone(text, tv, mask);
	tpl_compile(v->text, v->text + strlen(v->text), 0, v, &cap);
}

/* Finds the {{name}}-only lines of a part, in the order
 * template_standalone() meets them. */
static void
tpl_part_init(struct tpl_part *pt, const char *text)
{
	const char *line = text, *eol;
	struct tag t;

	memset(pt, 0, sizeof(*pt));
	pt->text = text;
	while (*line != '\0') {
		if ((eol = strchr(line, '\n')) == NULL)
			break;		/* the last line is taken as it is */
		if (line_single_tag(line, eol, &t) && t.kind == TAG_VAR) {
			if (pt->n_varlines == TPL_VARLINES_MAX) {
				pt->n_varlines = -1;
				return;
			}
			pt->varline[pt->n_varlines] = t.name;
			pt->varline_len[pt->n_varlines++] = t.namelen;
		}
		line = eol + 1;
	}
}

static void
tpl_part_free(struct tpl_part *pt)
{
	for (int i = 0; i < pt->n_variants; i++) {
		free(pt->variant[i].text);
		free(pt->variant[i].ops);
	}
	pt->n_variants = 0;
}

/* The part laid out and compiled for these values, or NULL (too many
 * {{name}}-only lines, or combinations of them): then it is expanded as
 * any text. */
static const struct tpl_variant *
tpl_variant_for(struct tpl_part *pt, const struct tvars *tv)
{
	struct tpl_variant *v;
	uint32_t mask = 0;

	if (pt->n_varlines < 0)
		return NULL;
	for (int k = 0; k < pt->n_varlines; k++)
		if (value_ends_nl(tvars_get(tv, pt->varline[k],
		    pt->varline_len[k])))
			mask |= (uint32_t)1 << k;
	for (int i = 0; i < pt->n_variants; i++)
		if (pt->variant[i].mask == mask)
			return &pt->variant[i];
	if (pt->n_variants == TPL_VARIANTS_MAX)
		return NULL;
	v = &pt->variant[pt->n_variants++];
	memset(v, 0, sizeof(*v));
	v->mask = mask;
	tpl_layout(v, pt->text, NULL, &mask);
	return v;
}

/* What v says, with these values. */
static char *
tpl_render(const struct tpl_variant *v, const struct tvars *tv)
{
	struct strbuf out;

	sb_init(&out);
	/* The text and what the variables bring, usually a few lines. */
	sb_reserve(&out, strlen(v->text) + 512);
	tpl_run(v, tv, &out);
	return sb_steal(&out);
}

char *
template_expand(const char *text, const struct tvars *tv)
{
	struct tpl_variant v;
	char *out;

	memset(&v, 0, sizeof(v));
	tpl_layout(&v, text, tv, NULL);
	out = tpl_render(&v, tv);
	free(v.text);
	free(v.ops);
	return out;
}

/* template_expand() of a part of a template file. */
static char *
tpl_part_expand(struct tpl_part *pt, const struct tvars *tv)
{
	const struct tpl_variant *v = tpl_variant_for(pt, tv);

	return v ? tpl_render(v, tv) : template_expand(pt->text, tv);
}

/* Subjects are one line: any newline or tab a value brought in becomes a
 * space, runs of spaces collapse. */
static char *
template_one_line(const char *s)
{
	struct strbuf sb;
	int space = 0;

	sb_init(&sb);
	sb_reserve(&sb, strlen(s));
	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') {
			space = sb.len > 0;
			continue;
		}
		if (space)
			sb_addc(&sb, ' ');
		space = 0;
		sb_addc(&sb, *s);
	}
	return sb_steal(&sb);
}

/* A body ends with exactly one newline, carries no trailing blank lines
 * and never more than one blank line in a row (an empty optional value
 * between two paragraphs must not leave a hole). */
static char *
template_tidy_body(const char *s)
{
	struct strbuf sb;
	size_t nl = 0;

	const char *eol;

	while (*s == '\n')
		s++;
	sb_init(&sb);
	sb_reserve(&sb, strlen(s) + 1);
	/* A line at a time: a notice is a few dozen of them. */
	while (*s != '\0') {
		if (*s == '\n') {
			nl++;
			s++;
			continue;
		}
		if (nl > 0)
			sb_add(&sb, "\n\n", nl > 2 ? 2 : nl);
		nl = 0;
		if ((eol = strchr(s, '\n')) == NULL)
			eol = s + strlen(s);
		sb_add(&sb, s, (size_t)(eol - s));
		s = eol;
	}
	sb_addc(&sb, '\n');
	return sb_steal(&sb);
}

/* Strips a UTF-8 BOM and CRs from a file an operator may have edited on
 * another system. */
static void
template_normalise(char *text)
{
	char *r = text, *w = text;

	if ((unsigned char)r[0] == 0xef && (unsigned char)r[1] == 0xbb &&
	    (unsigned char)r[2] == 0xbf)
		r += 3;
	for (; *r != '\0'; r++)
		if (!(r[0] == '\r' && r[1] == '\n'))
			*w++ = *r;
	*w = '\0';
}

static int
template_safe_part(const char *s)
{
	if (s == NULL || *s == '\0' || strlen(s) > 32)
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return 0;
	return 1;
}

/* Picks dir/lang/name.txt, else dir/en/name.txt. Only a missing file
 * falls back: an unreadable one is an error the operator must see. */
static char *
template_path(const char *dir, const char *lang, const char *name,
    char *err, size_t errlen)
{
	struct stat st;
	char *path = NULL, *fallback;

	if (template_safe_part(lang)) {
		path = xasprintf("%s/%s/%s.txt", dir, lang, name);
		if (stat(path, &st) == 0 || errno != ENOENT)
			return path;
	}
	fallback = xasprintf("%s/%s/%s.txt", dir, TEMPLATE_FALLBACK, name);
	if (stat(fallback, &st) == 0 || errno != ENOENT) {
		free(path);
		return fallback;
	}
	if (path != NULL && strcmp(path, fallback) != 0)
		err_set(err, errlen, "template %s not found: neither %s nor "
		    "%s exists", name, path, fallback);
	else
		err_set(err, errlen, "template %s not found: %s does not "
		    "exist", name, fallback);
	free(path);
	free(fallback);
	return NULL;
}

/* Splits "Subject: ...\n\nbody" in place. */
static int
template_split(char *text, const char *path, char **subj, char **body,
    char *err, size_t errlen)
{
	char *eol;

	if (strncasecmp(text, "Subject:", 8) != 0) {
		err_set(err, errlen, "%s: the first line must be "
		    "\"Subject: ...\"", path);
		return PF_ERR;
	}
	eol = strchr(text, '\n');
	*subj = text + 8;
	*body = eol ? eol + 1 : text + strlen(text);
	if (eol)
		*eol = '\0';
	if (**body == '\n')		/* the one blank separator line */
		(*body)++;
	return PF_OK;
}

static void
template_cache_clear(void)
{
	for (size_t i = 0; i < template_ncache; i++) {
		free(template_cache[i].dir);
		free(template_cache[i].lang);
		free(template_cache[i].name);
		free(template_cache[i].text);
		tpl_part_free(&template_cache[i].subject);
		tpl_part_free(&template_cache[i].body);
	}
	template_ncache = 0;
}

/* The file for (dir, lang, name), read on first use. Failures are not
 * kept: each attempt reports them afresh. */
static struct template_file *
template_load(const char *dir, const char *lang, const char *name,
    char *err, size_t errlen)
{
	struct template_file *t;
	const char *key = lang ? lang : "";	/* NULL: the fallback */
	char *path = NULL, *text = NULL, *subj, *body;
	size_t len;

	for (size_t i = 0; i < template_ncache; i++) {
		t = &template_cache[i];
		if (strcmp(t->name, name) == 0 && strcmp(t->lang, key) == 0 &&
		    strcmp(t->dir, dir) == 0)
			return t;
	}
	if ((path = template_path(dir, lang, name, err, errlen)) == NULL)
		goto fail;
	if (file_read_all(path, TEMPLATE_MAX_BYTES, &text, &len, err,
	    errlen) != PF_OK)
		goto fail;
	if (memchr(text, '\0', len) != NULL) {
		err_set(err, errlen, "%s: contains a NUL byte", path);
		goto fail;
	}
	template_normalise(text);
	if (template_split(text, path, &subj, &body, err, errlen) != PF_OK)
		goto fail;
	/* More distinct files than the shipped set: start over, rather
	 * than grow without bound (no pointer into the cache outlives a
	 * render). */
	if (template_ncache == TEMPLATE_CACHE_MAX)
		template_cache_clear();
	t = &template_cache[template_ncache++];
	t->dir = xstrdup(dir);
	t->lang = xstrdup(key);
	t->name = xstrdup(name);
	t->text = text;
	tpl_part_init(&t->subject, subj);
	tpl_part_init(&t->body, body);
	free(path);
	return t;
fail:
	free(path);
	free(text);
	return NULL;
}

int
template_render(const char *dir, const char *lang, const char *name,
    const struct tvars *tv, char **subject, char **body,
    char *err, size_t errlen)
{
	struct template_file *t;
	char *tmp;

	*subject = *body = NULL;
	if (dir == NULL || !template_safe_part(name)) {
		err_set(err, errlen, "template: no directory or bad name");
		return PF_ERR;
	}
	if ((t = template_load(dir, lang, name, err, errlen)) == NULL)
		return PF_ERR;
	tmp = tpl_part_expand(&t->subject, tv);
	*subject = template_one_line(tmp);
	free(tmp);
	tmp = tpl_part_expand(&t->body, tv);
	*body = template_tidy_body(tmp);
	free(tmp);
	return PF_OK;
}
