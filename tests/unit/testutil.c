/* testutil.c - helpers shared by the cmocka unit tests. */
#include "testutil.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *
tu_read_data(const char *relpath, size_t *len)
{
	char path[4096], err[PF_ERRLEN], *buf;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", TEST_DATA_DIR, relpath);
	if (file_read_all(path, 0, &buf, &n, err, sizeof(err)) != PF_OK)
		fail_msg("%s", err);
	if (len)
		*len = n;
	return buf;
}

char *
tu_tmpdir(void)
{
	char tmpl[] = "/tmp/picflow-test-XXXXXX";

	if (mkdtemp(tmpl) == NULL)
		fail_msg("mkdtemp failed");
	return xstrdup(tmpl);
}

void
tu_rmtree(const char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	if (system(cmd) != 0)
		fprintf(stderr, "warning: could not remove %s\n", dir);
	free(cmd);
}
