/* reason_text.c - the sentence of a reason code or a warning, read from
 * mailtemplates/<lang>/reasons.txt (format: the header of
 * mailtemplates/en/reasons.txt).
 *
 * The sentences are templates like every other text an administrator
 * reads, so a translator adds a language by adding a directory. A run
 * renders the same few sentences for every mail it rejects, so each file
 * is read once per process (as template.c does with the notices) and kept
 * as one sorted table. Not locked: one thread renders. */
#include "reason_text.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define RT_FALLBACK	"en"
#define RT_FILE		"reasons.txt"
#define RT_MAX_BYTES	(256 * 1024)
#define RT_CACHE_MAX	8	/* languages kept; more start the cache over */

struct rt_entry {
	char		*key;		/* "code" or "code/bare" */
	char		*text;
};

struct rt_book {
	char		*dir;
	char		*lang;
	int		 missing;	/* no such file: look in the fallback */
	struct rt_entry	*v;
	size_t		 n;
};

static struct rt_book rt_cache[RT_CACHE_MAX];
static size_t rt_ncache;

static int
rt_cmp(const void *a, const void *b)
{
	return strcmp(((const struct rt_entry *)a)->key,
	    ((const struct rt_entry *)b)->key);
}

static void
rt_add(struct rt_book *b, size_t *cap, const char *key, size_t klen,
    struct strbuf *text)
{
	if (b->n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		b->v = xrealloc(b->v, *cap * sizeof(*b->v));
	}
	b->v[b->n].key = xstrndup(key, klen);
	b->v[b->n].text = sb_steal(text);
	b->n++;
}

static int
rt_keychar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
	    c == '/';
}

/* "key: text" lines, continued by lines that start with a blank; '#'
 * lines and blank lines end an entry. */
static void
rt_parse(struct rt_book *b, const char *text)
{
	struct strbuf cur;
	const char *p = text, *eol, *key = NULL, *v, *ve;
	size_t klen = 0, cap = 0;

	sb_init(&cur);
	for (; *p; p = *eol ? eol + 1 : eol) {
		eol = strchr(p, '\n');
		eol = eol ? eol : p + strlen(p);
		v = p;
		ve = eol;
		utf8_trim(&v, &ve);
		if (key != NULL && (*p == ' ' || *p == '\t') && v < ve) {
			sb_addc(&cur, ' ');
			sb_add(&cur, v, (size_t)(ve - v));
			continue;
		}
		if (key != NULL)
			rt_add(b, &cap, key, klen, &cur);
		key = NULL;
		if (*p == '#' || v == ve)
			continue;
		for (klen = 0; rt_keychar(p[klen]); klen++)
			;
		if (klen == 0 || p[klen] != ':')
			continue;	/* not an entry: ignored */
		key = p;
		v = p + klen + 1;
		utf8_trim(&v, &ve);
		sb_init(&cur);
		sb_add(&cur, v, (size_t)(ve - v));
	}
	if (key != NULL)
		rt_add(b, &cap, key, klen, &cur);
	sb_free(&cur);
	qsort(b->v, b->n, sizeof(*b->v), rt_cmp);
}

static void
rt_cache_clear(void)
{
	for (size_t i = 0; i < rt_ncache; i++) {
		for (size_t k = 0; k < rt_cache[i].n; k++) {
			free(rt_cache[i].v[k].key);
			free(rt_cache[i].v[k].text);
		}
		free(rt_cache[i].v);
		free(rt_cache[i].dir);
		free(rt_cache[i].lang);
	}
	rt_ncache = 0;
}

/* A language tag as a directory name: letters, digits and '-' only. */
static int
rt_safe_lang(const char *lang)
{
	if (lang == NULL || *lang == '\0' || strlen(lang) > 35)
		return 0;
	for (const char *p = lang; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-'))
			return 0;
	return 1;
}

/* The book of dir/lang, read on first use. An unreadable file is kept as
 * missing too: a sentence must still come out, from the fallback. */
static const struct rt_book *
rt_book(const char *dir, const char *lang)
{
	struct rt_book *b;
	char *path, *text = NULL, err[PF_ERRLEN];
	size_t len;

	for (size_t i = 0; i < rt_ncache; i++)
		if (strcmp(rt_cache[i].lang, lang) == 0 &&
		    strcmp(rt_cache[i].dir, dir) == 0)
			return &rt_cache[i];
	if (rt_ncache == RT_CACHE_MAX)
		rt_cache_clear();
	b = &rt_cache[rt_ncache++];
	memset(b, 0, sizeof(*b));
	b->dir = xstrdup(dir);
	b->lang = xstrdup(lang);
	path = xasprintf("%s/%s/%s", dir, lang, RT_FILE);
	if (file_read_all(path, RT_MAX_BYTES, &text, &len, err,
	    sizeof(err)) != PF_OK || memchr(text, '\0', len) != NULL)
		b->missing = 1;
	else
		rt_parse(b, text);
	free(text);
	free(path);
	return b;
}

static const char *
rt_find(const struct rt_book *b, const char *key)
{
	struct rt_entry k = { (char *)key, NULL }, *e;

	if (b->n == 0)
		return NULL;
	e = bsearch(&k, b->v, b->n, sizeof(*b->v), rt_cmp);
	return e ? e->text : NULL;
}

/* key in lang, in its primary subtag ("fr" of "fr-CA"), then in en. */
static const char *
rt_lookup(const char *dir, const char *lang, const char *key)
{
	char primary[8];
	const char *t = NULL;
	size_t n;

	if (rt_safe_lang(lang)) {
		t = rt_find(rt_book(dir, lang), key);
		n = strcspn(lang, "-");
		if (t == NULL && lang[n] == '-' && n < sizeof(primary)) {
			memcpy(primary, lang, n);
			primary[n] = '\0';
			t = rt_find(rt_book(dir, primary), key);
		}
	}
	if (t == NULL)
		t = rt_find(rt_book(dir, RT_FALLBACK), key);
	return t;
}

/* The domain of "user1@contoso.com" or "sip:user1@contoso.com". */
static const char *
rt_domain_of(const char *detail)
{
	const char *at = strrchr(detail, '@');

	return at ? at + 1 : "";
}

static char *
rt_expand(const char *tmpl, const char *code, const char *detail,
    const char *lang)
{
	struct strbuf sb;
	const char *p;

	sb_init(&sb);
	for (p = tmpl; *p; p++) {
		if (p[0] == '{' && p[1] != '\0' && p[2] == '}') {
			if (p[1] == 'd')
				sb_adds(&sb, detail);
			else if (p[1] == 'f')
				sb_adds(&sb, request_field_label(detail, lang));
			else if (p[1] == 'D')
				sb_adds(&sb, rt_domain_of(detail));
			else if (p[1] == 'c')
				sb_adds(&sb, code);
			else
				sb_add(&sb, p, 3);
			p += 2;
			continue;
		}
		sb_addc(&sb, *p);
	}
	return sb_steal(&sb);
}

char *
reason_text(const char *dir, const char *code, const char *detail,
    const char *lang)
{
	const char *d = detail ? detail : "", *c = code ? code : "?";
	const char *tmpl, *bare;
	char *key;

	key = xstrcat(c, "/bare", NULL);
	tmpl = rt_lookup(dir, lang, c);
	bare = rt_lookup(dir, lang, key);
	free(key);
	if (tmpl == NULL) {
		c = code ? code : "?";
		tmpl = rt_lookup(dir, lang, "default");
		bare = rt_lookup(dir, lang, "default/bare");
		if (tmpl == NULL)	/* no reasons.txt at all */
			return *d ? xstrcat(c, ": ", d, NULL) : xstrdup(c);
		if (bare && *d == '\0')
			tmpl = bare;
		return rt_expand(tmpl, c, d, lang);
	}
	/* a detail that gives no domain cannot fill "{D}" */
	if (bare && (*d == '\0' ||
	    (strstr(tmpl, "{D}") && *rt_domain_of(d) == '\0')))
		tmpl = bare;
	return rt_expand(tmpl, c, d, lang);
}

char *
reason_text_list(const char *dir, const struct reasons *r, const char *lang,
    int with_code)
{
	struct strbuf sb;

	sb_init(&sb);
	for (size_t i = 0; i < r->n; i++) {
		char *s = reason_text(dir, r->v[i].code, r->v[i].detail, lang);

		if (with_code)
			sb_addf(&sb, "  - [%s] %s\n", r->v[i].code, s);
		else
			sb_addf(&sb, "  - %s\n", s);
		free(s);
	}
	return sb_steal(&sb);
}

int
reason_text_has(const char *dir, const char *lang, const char *code)
{
	return rt_safe_lang(lang) && rt_find(rt_book(dir, lang), code) != NULL;
}
