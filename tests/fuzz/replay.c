/* replay.c - runs a fuzz target over files and directories of inputs,
 * without libFuzzer: the targets build as plain programs with any
 * compiler, so CTest replays the seed corpus and every regression input
 * in the normal build. Exits non-zero on the first unreadable path; a
 * broken invariant aborts. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
replay_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf = NULL, *exact;
	size_t len = 0, cap = 0, n;

	if (fp == NULL) {
		perror(path);
		return -1;
	}
	do {
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			if ((buf = realloc(buf, cap)) == NULL)
				abort();
		}
		n = fread(buf + len, 1, cap - len, fp);
		len += n;
	} while (n > 0);
	fclose(fp);
	/* exactly len bytes, as libFuzzer passes them, so that a read past
	 * the end shows under ASan or valgrind here too */
	if ((exact = malloc(len ? len : 1)) == NULL)
		abort();
	memcpy(exact, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

static int
replay(const char *path, int *count)
{
	struct stat st;
	struct dirent **ents;
	int n, rc = 0;

	if (stat(path, &st) != 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return replay_file(path);
	}
	/* sorted, so that a failure names the same input every time */
	if ((n = scandir(path, &ents, NULL, alphasort)) < 0) {
		perror(path);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char *sub;

		if (ents[i]->d_name[0] != '.' && rc == 0) {
			if ((sub = malloc(strlen(path) +
			    strlen(ents[i]->d_name) + 2)) == NULL)
				abort();
			sprintf(sub, "%s/%s", path, ents[i]->d_name);
			rc = replay(sub, count);
			free(sub);
		}
		free(ents[i]);
	}
	free(ents);
	return rc;
}

int
main(int argc, char **argv)
{
	int count = 0;

	for (int i = 1; i < argc; i++)
		if (replay(argv[i], &count) != 0)
			return 1;
	printf("%s: %d inputs replayed\n", argv[0], count);
	return 0;
}
