/* store_backup.h - a consistent copy of the database while others write. */
#ifndef PICFLOW_STORE_BACKUP_H
#define PICFLOW_STORE_BACKUP_H

#include <stdint.h>
#include "store.h"

struct backup_stats {
	int64_t	pages;
	int64_t	bytes;
};

/* Copies the whole database into dest (an existing empty file or a new
 * one) as one snapshot, leaves it a self-contained file (no -wal) and
 * checks it (quick_check). The caller makes the file durable. */
int	store_backup(struct store *s, const char *dest,
	    struct backup_stats *st, char *err, size_t errlen);

#endif
