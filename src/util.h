/* util.h - memory, growable strings and small string helpers. */
#ifndef PICFLOW_UTIL_H
#define PICFLOW_UTIL_H

#include <stddef.h>
#include <stdarg.h>

#define PF_OK   0
#define PF_ERR -1

#define PF_ERRLEN 256

/* Out of memory is fatal: a half-processed mail is safer retried next run
 * than handled by a code path nobody has ever executed. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The strings up to a NULL, joined: what xasprintf("%s%s", ...) does,
 * without glibc's printf machinery (a thousand instructions a call, a
 * tenth of the CPU time of rendering a notice). */
char *xstrcat(const char *s, ...) __attribute__((sentinel));

struct strbuf {
	char	*s;	/* always NUL-terminated once anything was added */
	size_t	 len;
	size_t	 cap;
};

void	 sb_init(struct strbuf *sb);
void	 sb_add(struct strbuf *sb, const char *s, size_t n);
/* Room for n more bytes: for a buffer whose final size is known
 * roughly, one allocation instead of a realloc at each doubling. */
void	 sb_reserve(struct strbuf *sb, size_t n);
void	 sb_adds(struct strbuf *sb, const char *s);
void	 sb_addf(struct strbuf *sb, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
char	*sb_steal(struct strbuf *sb);	/* returns "" rather than NULL */
void	 sb_free(struct strbuf *sb);

/* Inline: the encoders and the template engine add most of a notice one
 * byte at a time, and a call per byte was a tenth of rendering one. */
static inline void
sb_addc(struct strbuf *sb, char c)
{
	if (sb->len + 1 < sb->cap) {
		sb->s[sb->len++] = c;
		sb->s[sb->len] = '\0';
	} else
		sb_add(sb, &c, 1);
}

/* Growable array of owned strings. */
struct strvec {
	char	**v;
	size_t	  n;
	size_t	  cap;
};
void	 sv_push(struct strvec *sv, const char *s);	/* copies s */
void	 sv_push_owned(struct strvec *sv, char *s);
int	 sv_contains(const struct strvec *sv, const char *s);
void	 sv_free(struct strvec *sv);

void	 str_lower(char *s);			/* ASCII only */
char	*str_trim(char *s);			/* in place, returns s+k */
int	 str_ieq(const char *a, const char *b);	/* ASCII case-insensitive */
int	 str_has_ctl(const char *s);		/* any byte < 0x20 or 0x7f */
void	 err_set(char *err, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* A random (version 4) UUID, lower-case hex with dashes. */
void	 uuid_random(char out[37]);

/* Read a whole file (at most max bytes, 0 = no limit). */
int	 file_read_all(const char *path, size_t max, char **out, size_t *len,
	    char *err, size_t errlen);

/* Length of the blank at p (before e): ASCII blanks and the Unicode
 * spaces mail clients put in (no-break space, U+2000..U+200B, U+202F, a
 * stray byte-order mark); 0 if p starts no blank. */
size_t	 utf8_blank(const char *p, const char *e);
/* Length of the blank that ends at e, if any. */
size_t	 utf8_blank_end(const char *s, const char *e);
/* Moves *s forward and *e back past blanks. */
void	 utf8_trim(const char **s, const char **e);

#endif
