/* cli_watch.c - the watch command (SPEC 9): run's lock, then watch.c
 * until SIGTERM. */
#include "cli_int.h"
#include "run.h"
#include "watch.h"

#include <sysexits.h>
#include <unistd.h>

int
cmd_watch(struct cli *cli, const struct command *c, int argc, char **argv)
{
	char err[PF_ERRLEN];
	int fd, rc;

	(void)c;
	(void)argc;
	(void)argv;
	/* run's lock, held for as long as watch lives: cron's run and watch
	 * never overlap, and a run started meanwhile exits 75 at once. */
	if ((rc = run_lock(cli->cfg.db_path, &fd, err, sizeof(err))) != PF_OK)
		return cli_fail(rc, err);
	if ((rc = store_open(cli->cfg.db_path, &cli->store, err,
	    sizeof(err))) == PF_OK)
		rc = watch_run(&cli->cfg, cli->store, cli->verbosity, err,
		    sizeof(err));
	close(fd);
	return rc == PF_OK ? EX_OK : cli_fail(rc, err);
}
