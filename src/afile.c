/* afile.c - a file replaced whole or not at all.
 *
 * The temporary name starts with a dot and has no suffix of its own, so
 * a reader that lists a directory by suffix (node_exporter reads *.prom)
 * never sees a half-written file. */
#include "afile.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *
afile_dir(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

int
afile_open(struct afile *af, const char *path, mode_t mode, char *err,
    size_t errlen)
{
	const char *slash = strrchr(path, '/');
	char *dir = afile_dir(path);

	memset(af, 0, sizeof(*af));
	af->fd = -1;
	af->path = xstrdup(path);
	af->tmp = xasprintf("%s/.%s.XXXXXX", dir, slash ? slash + 1 : path);
	free(dir);
	if ((af->fd = mkstemp(af->tmp)) < 0) {
		err_set(err, errlen, "%s: %s", af->tmp, strerror(errno));
		goto fail;
	}
	if (fchmod(af->fd, mode) != 0) {
		err_set(err, errlen, "%s: %s", af->tmp, strerror(errno));
		goto fail;
	}
	return PF_OK;
fail:
	afile_abort(af);
	return PF_ERR;
}

static int
afile_sync_dir(const char *path, char *err, size_t errlen)
{
	char *dir = afile_dir(path);
	int fd, rc = PF_OK;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    fsync(fd) != 0) {
		err_set(err, errlen, "%s: %s", dir, strerror(errno));
		rc = PF_ERR;
	}
	if (fd >= 0)
		close(fd);
	free(dir);
	return rc;
}

int
afile_commit(struct afile *af, int durable, char *err, size_t errlen)
{
	int rc = PF_ERR;

	if (durable && fsync(af->fd) != 0) {
		err_set(err, errlen, "%s: %s", af->tmp, strerror(errno));
		goto done;
	}
	if (close(af->fd) != 0) {
		af->fd = -1;
		err_set(err, errlen, "%s: %s", af->tmp, strerror(errno));
		goto done;
	}
	af->fd = -1;
	if (rename(af->tmp, af->path) != 0) {
		err_set(err, errlen, "%s: %s", af->path, strerror(errno));
		goto done;
	}
	free(af->tmp);
	af->tmp = NULL;
	rc = durable ? afile_sync_dir(af->path, err, errlen) : PF_OK;
done:
	afile_abort(af);
	return rc;
}

void
afile_abort(struct afile *af)
{
	if (af->fd >= 0)
		close(af->fd);
	if (af->tmp)
		(void)unlink(af->tmp);
	free(af->tmp);
	free(af->path);
	memset(af, 0, sizeof(*af));
	af->fd = -1;
}
