/* backup.c - picflow backup FILE.
 *
 * The copy holds every address and mail picflow keeps, so it is created
 * 0600 whatever the umask, and it replaces FILE only once it is complete
 * and on disk: an interrupted backup never leaves a truncated FILE where
 * the last good one was. */
#include "backup.h"
#include "afile.h"

#include <string.h>

int
backup_to_file(struct store *s, const char *path, struct backup_stats *st,
    char *err, size_t errlen)
{
	struct afile af;
	int rc;

	memset(st, 0, sizeof(*st));
	if (afile_open(&af, path, 0600, err, errlen) != PF_OK)
		return STORE_IO;
	if ((rc = store_backup(s, af.tmp, st, err, errlen)) != PF_OK) {
		afile_abort(&af);
		return rc;
	}
	if (afile_commit(&af, 1, err, errlen) != PF_OK)
		return STORE_IO;
	return PF_OK;
}
