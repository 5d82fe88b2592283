/* store_mem.c - SQLite's memory: small blocks kept for reuse.
 *
 * Debian builds SQLite without its lookaside allocator (OMIT_LOOKASIDE),
 * so every value a statement binds or builds, every record and every
 * kilobyte of a sub-journal is a malloc and a free of libc's: about 150
 * of each per mail taken in, most of them one of a few sizes, and a
 * tenth of the instructions of a poll. Here the blocks SQLite frees are
 * kept on a free list per size class (64 bytes apart, up to 2 KB) and
 * handed back on its next malloc of that class, as the lookaside would.
 * Per thread, so without a lock; a block freed by another thread than
 * the one that took it simply joins that thread's lists. What a thread
 * keeps is bounded (MEM_KEPT_MAX) and given back to libc when it ends.
 *
 * Not under AddressSanitizer: it must see SQLite's own blocks. */
#include "store_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define MEM_HDR		16		/* keeps SQLite's 8-byte alignment */
#define MEM_STEP	64
#define MEM_CLASSES	32		/* blocks up to 2 KB, header included */
#define MEM_KEPT_MAX	(512 * 1024)	/* bytes kept per thread */

#if defined(__SANITIZE_ADDRESS__)
#define MEM_SANITIZED	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MEM_SANITIZED	1
#endif
#endif

/* Under AddressSanitizer none of this is used (store_mem_install). */
#ifndef MEM_SANITIZED
struct mem_free {
	struct mem_free	*next;
};

struct mem_cache {
	struct mem_free	*list[MEM_CLASSES];
	size_t		 kept;		/* bytes on the lists */
	int		 keyed;		/* the thread's destructor is set */
};

static __thread struct mem_cache mem_cache;
static pthread_key_t mem_key;
static pthread_once_t mem_once = PTHREAD_ONCE_INIT;

/* A block's size, header included, is in its first 8 bytes. */
static size_t
mem_size_of(void *p)
{
	size_t sz;

	memcpy(&sz, (char *)p - MEM_HDR, sizeof(sz));
	return sz;
}

static void
mem_drain(struct mem_cache *c)
{
	for (int i = 0; i < MEM_CLASSES; i++)
		while (c->list[i] != NULL) {
			struct mem_free *f = c->list[i];

			c->list[i] = f->next;
			free(f);
		}
	c->kept = 0;
}

static void
mem_thread_end(void *arg)
{
	(void)arg;
	mem_drain(&mem_cache);
}

static void
mem_make_key(void)
{
	if (pthread_key_create(&mem_key, mem_thread_end) != 0)
		abort();
}

/* The size a request of n bytes takes, header included. */
static size_t
mem_round(size_t n)
{
	size_t sz = n + MEM_HDR;

	if (sz <= (size_t)MEM_STEP * MEM_CLASSES)
		return (sz + MEM_STEP - 1) / MEM_STEP * MEM_STEP;
	return (sz + 15) & ~(size_t)15;
}

static void *
mem_malloc(int n)
{
	struct mem_cache *c = &mem_cache;
	size_t sz = mem_round(n > 0 ? (size_t)n : 1);
	char *p = NULL;

	if (sz <= (size_t)MEM_STEP * MEM_CLASSES) {
		struct mem_free **head = &c->list[sz / MEM_STEP - 1];

		if (*head != NULL) {
			p = (char *)*head;
			*head = (*head)->next;
			c->kept -= sz;
		}
	}
	if (p == NULL && (p = malloc(sz)) == NULL)
		return NULL;
	memcpy(p, &sz, sizeof(sz));
	return p + MEM_HDR;
}

static void
mem_free(void *q)
{
	struct mem_cache *c = &mem_cache;
	struct mem_free *f;
	size_t sz;

	if (q == NULL)
		return;
	sz = mem_size_of(q);
	f = (struct mem_free *)((char *)q - MEM_HDR);
	if (sz > (size_t)MEM_STEP * MEM_CLASSES || c->kept + sz > MEM_KEPT_MAX) {
		free(f);
		return;
	}
	if (!c->keyed) {
		/* So that what this thread keeps goes back when it ends. */
		pthread_once(&mem_once, mem_make_key);
		if (pthread_setspecific(mem_key, c) != 0) {
			free(f);
			return;
		}
		c->keyed = 1;
	}
	f->next = c->list[sz / MEM_STEP - 1];
	c->list[sz / MEM_STEP - 1] = f;
	c->kept += sz;
}

static int
mem_size(void *q)
{
	return q == NULL ? 0 : (int)(mem_size_of(q) - MEM_HDR);
}

static void *
mem_realloc(void *q, int n)
{
	void *p;

	if (q == NULL)
		return mem_malloc(n);
	if (n > 0 && mem_round((size_t)n) <= mem_size_of(q))
		return q;
	if ((p = mem_malloc(n)) == NULL)
		return NULL;
	memcpy(p, q, (size_t)mem_size(q));
	mem_free(q);
	return p;
}

static int
mem_roundup(int n)
{
	return (int)(mem_round(n > 0 ? (size_t)n : 1) - MEM_HDR);
}

static int
mem_init(void *arg)
{
	(void)arg;
	return SQLITE_OK;
}

static void
mem_shutdown(void *arg)
{
	(void)arg;
}
#endif /* !MEM_SANITIZED */

void
store_mem_install(void)
{
#ifndef MEM_SANITIZED
	static const sqlite3_mem_methods m = {
		mem_malloc, mem_free, mem_realloc, mem_size, mem_roundup,
		mem_init, mem_shutdown, NULL
	};

	(void)sqlite3_config(SQLITE_CONFIG_MALLOC, &m);
#endif
}
