/* cli_ops.c - the operator's upkeep: backup (and, below, forget and
 * metrics). */
#include "cli_int.h"
#include "backup.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

int
cmd_backup(struct cli *cli, const struct command *c, int argc, char **argv)
{
	struct backup_stats st;
	char err[PF_ERRLEN];
	int rc;

	if (argc != 2 || argv[1][0] == '-') {
		cli_command_usage(c, stderr);
		return EX_USAGE;
	}
	/* A backup of nothing would create an empty database where the
	 * operator expected theirs: say so instead. */
	if (access(cli->cfg.db_path, F_OK) != 0) {
		fprintf(stderr, "picflow: database %s: %s\n", cli->cfg.db_path,
		    strerror(errno));
		return EX_NOINPUT;
	}
	if ((rc = store_open(cli->cfg.db_path, &cli->store, err,
	    sizeof(err))) != PF_OK)
		return cli_fail(rc, err);
	if ((rc = backup_to_file(cli->store, argv[1], &st, err,
	    sizeof(err))) != PF_OK) {
		fprintf(stderr, "picflow: %s\n", err);
		return rc == STORE_IO ? EX_CANTCREAT : cli_exit_code(rc);
	}
	if (cli->verbosity >= 0)
		printf("backup: %s written, %lld bytes (%lld pages), "
		    "quick_check ok\n", argv[1], (long long)st.bytes,
		    (long long)st.pages);
	return EX_OK;
}
