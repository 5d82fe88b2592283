/* util.c - memory, growable strings and small string helpers. */
#include "util.h"

#include <sys/random.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
oom(void)
{
	fputs("picflow: out of memory\n", stderr);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		oom();
	return q;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xstrcat(const char *s, ...)
{
	struct strbuf sb;
	va_list ap;

	sb_init(&sb);
	va_start(ap, s);
	for (; s != NULL; s = va_arg(ap, const char *))
		sb_adds(&sb, s);
	va_end(ap);
	return sb_steal(&sb);
}

char *
xasprintf(const char *fmt, ...)
{
	struct strbuf sb;
	va_list ap;
	int n;

	sb_init(&sb);
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	sb.cap = (size_t)n + 1;
	sb.s = xmalloc(sb.cap);
	va_start(ap, fmt);
	vsnprintf(sb.s, sb.cap, fmt, ap);
	va_end(ap);
	return sb.s;
}

void
sb_init(struct strbuf *sb)
{
	sb->s = NULL;
	sb->len = sb->cap = 0;
}

static void
sb_grow(struct strbuf *sb, size_t more)
{
	size_t need = sb->len + more + 1;

	if (need <= sb->cap)
		return;
	if (sb->cap == 0)
		sb->cap = 64;
	while (sb->cap < need)
		sb->cap *= 2;
	sb->s = xrealloc(sb->s, sb->cap);
}

void
sb_reserve(struct strbuf *sb, size_t n)
{
	sb_grow(sb, n);
	sb->s[sb->len] = '\0';	/* a string even if nothing is added */
}

void
sb_add(struct strbuf *sb, const char *s, size_t n)
{
	sb_grow(sb, n);
	memcpy(sb->s + sb->len, s, n);
	sb->len += n;
	sb->s[sb->len] = '\0';
}

void
sb_adds(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void
sb_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	sb_grow(sb, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(sb->s + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

char *
sb_steal(struct strbuf *sb)
{
	char *s = sb->s ? sb->s : xstrdup("");

	sb_init(sb);
	return s;
}

void
sb_free(struct strbuf *sb)
{
	free(sb->s);
	sb_init(sb);
}

void
sv_push_owned(struct strvec *sv, char *s)
{
	if (sv->n == sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 8;
		sv->v = xrealloc(sv->v, sv->cap * sizeof(*sv->v));
	}
	sv->v[sv->n++] = s;
}

void
sv_push(struct strvec *sv, const char *s)
{
	sv_push_owned(sv, xstrdup(s));
}

int
sv_contains(const struct strvec *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return 1;
	return 0;
}

void
sv_free(struct strvec *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

void
str_lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

char *
str_trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

int
str_ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
	return *a == *b;
}

int
str_has_ctl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

void
err_set(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int
file_read_all(const char *path, size_t max, char **out, size_t *len,
    char *err, size_t errlen)
{
	struct strbuf sb;
	FILE *fp;
	char buf[65536];
	size_t n;

	fp = path ? fopen(path, "rb") : stdin;
	if (fp == NULL) {
		err_set(err, errlen, "%s: %s", path, strerror(errno));
		return PF_ERR;
	}
	sb_init(&sb);
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0) {
		if (max && sb.len + n > max) {
			err_set(err, errlen, "%s: larger than %zu bytes",
			    path ? path : "stdin", max);
			goto fail;
		}
		sb_add(&sb, buf, n);
	}
	if (ferror(fp)) {
		err_set(err, errlen, "%s: %s", path ? path : "stdin",
		    strerror(errno));
		goto fail;
	}
	if (path)
		fclose(fp);
	*len = sb.len;
	*out = sb_steal(&sb);
	return PF_OK;
fail:
	if (path)
		fclose(fp);
	sb_free(&sb);
	return PF_ERR;
}

/* Fills buf from the kernel's generator: getrandom(2), else /dev/urandom
 * (a system without either cannot make request UUIDs: fatal). */
static void
random_fill(unsigned char *buf, size_t n)
{
	ssize_t r;
	size_t got = 0;
	int fd;

	while (got < n && ((r = getrandom(buf + got, n - got, 0)) > 0 ||
	    errno == EINTR))
		if (r > 0)
			got += (size_t)r;
	if (got == n)
		return;
	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) != -1) {
		while (got < n && ((r = read(fd, buf + got, n - got)) > 0 ||
		    (r == -1 && errno == EINTR)))
			if (r > 0)
				got += (size_t)r;
		close(fd);
	}
	if (got < n) {
		fputs("picflow: no random source (getrandom, /dev/urandom)\n",
		    stderr);
		abort();
	}
}

void
uuid_random(char out[37])
{
	static const char hex[] = "0123456789abcdef";
	static unsigned char pool[4096];
	static size_t used = sizeof(pool);
	unsigned char *b;
	char *o = out;

	/* One system call per 256 UUIDs: libuuid made six per UUID, and a
	 * poll makes two UUIDs per mail. Nothing here is secret; a process
	 * that forks only execs (the hook), so no two share the pool. */
	if (used + 16 > sizeof(pool)) {
		random_fill(pool, sizeof(pool));
		used = 0;
	}
	b = pool + used;
	used += 16;
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);	/* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);	/* RFC 4122 variant */
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*o++ = '-';
		*o++ = hex[b[i] >> 4];
		*o++ = hex[b[i] & 15];
	}
	*o = '\0';
}

/* ---- blanks in UTF-8 text ------------------------------------------- */

/* Length of the blank at p: ASCII blanks and the Unicode spaces mail
 * clients put in, no-break space first (French writes "Langue : fr"). */
size_t
utf8_blank(const char *p, const char *e)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t n = (size_t)(e - p);

	if (n >= 1 && (*u == ' ' || *u == '\t' || *u == '\r' || *u == '\v' ||
	    *u == '\f'))
		return 1;
	if (n >= 2 && u[0] == 0xc2 && u[1] == 0xa0)
		return 2;
	if (n >= 3 && u[0] == 0xe2 && u[1] == 0x80 &&
	    (u[2] <= 0x8b || u[2] == 0xaf))
		return 3;	/* U+2000..U+200B, U+202F */
	if (n >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf)
		return 3;	/* a byte-order mark left in the text */
	return 0;
}

/* Length of the blank that ends at e, if any. */
size_t
utf8_blank_end(const char *s, const char *e)
{
	for (size_t k = 1; k <= 3 && k <= (size_t)(e - s); k++)
		if (utf8_blank(e - k, e) == k)
			return k;
	return 0;
}

void
utf8_trim(const char **s, const char **e)
{
	size_t k;

	while (*s < *e && (k = utf8_blank(*s, *e)) > 0)
		*s += k;
	while (*e > *s && (k = utf8_blank_end(*s, *e)) > 0)
		*e -= k;
}
