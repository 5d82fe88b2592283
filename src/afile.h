/* afile.h - a file replaced whole or not at all: written under a
 * temporary name in the same directory, then renamed over the target. */
#ifndef PICFLOW_AFILE_H
#define PICFLOW_AFILE_H

#include <stddef.h>
#include <sys/types.h>

struct afile {
	char	*path;		/* the target */
	char	*tmp;		/* .NAME.XXXXXX beside it */
	int	 fd;
};

/* Creates the temporary file with mode (umask not applied). */
int	afile_open(struct afile *af, const char *path, mode_t mode,
	    char *err, size_t errlen);
/* Renames it over the target; with durable, fsyncs the file first and
 * the directory after, so a crash leaves the old file or the new one. */
int	afile_commit(struct afile *af, int durable, char *err, size_t errlen);
/* Removes the temporary file (after a failure; harmless after commit). */
void	afile_abort(struct afile *af);

#endif
