/* backup.h - picflow backup FILE: a consistent copy, replaced atomically. */
#ifndef PICFLOW_BACKUP_H
#define PICFLOW_BACKUP_H

#include "store.h"
#include "store_backup.h"

/* Writes a copy of the database to path, mode 0600: under a temporary
 * name beside it, fsynced, renamed over path, the directory fsynced. A
 * failure leaves path as it was. */
int	backup_to_file(struct store *s, const char *path,
	    struct backup_stats *st, char *err, size_t errlen);

#endif
