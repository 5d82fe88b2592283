/* store_int.h - what the store*.c files share; not for other modules. */
#ifndef PICFLOW_STORE_INT_H
#define PICFLOW_STORE_INT_H

#include "store.h"
#include "clock.h"

#define STORE_CACHE_MAX	160
/* While checkpoints are deferred: 64 MB, a tick of 10,000 timers and
 * more, yet a bound on the WAL of a tick working off a larger backlog. */
#define STORE_DEFERRED_CKPT_PAGES 16384

struct store {
	sqlite3		*db;
	char		*path;
	struct {
		const char	*sql;
		sqlite3_stmt	*st;
	}		 cache[STORE_CACHE_MAX];
	size_t		 n_cache;
	int		 forget_fns;	/* pf_holds, pf_forget registered */
};

/* Fills err from the connection's last error, returns its class. */
int	store_fail(struct store *s, char *err, size_t errlen);
/* STORE_BUSY, STORE_IO or PF_ERR for an SQLite result code (of any
 * connection: the backup's destination has its own). */
int	store_code_class(int code);
void	store_bind_str(sqlite3_stmt *st, int idx, const char *s);
/* Gives SQLite its allocator (store_mem.c); before SQLite's first use. */
void	store_mem_install(void);

#endif
