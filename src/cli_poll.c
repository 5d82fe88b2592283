/* cli_poll.c - the poll command: new mail of the IMAP mailbox in. */
#include "cli_int.h"
#include "imap_poll.h"

#include <stdio.h>
#include <sysexits.h>

int
cmd_poll(struct cli *cli, const struct command *c, int argc, char **argv)
{
	struct poll_result res;
	char err[PF_ERRLEN];
	int rc;

	(void)c;
	(void)argc;
	(void)argv;
	/* Failures keep what was committed before them: the summary of
	 * a failed run would only mislead, the error says what to do. */
	if ((rc = imap_poll(cli->store, &cli->cfg, &res, err,
	    sizeof(err))) != PF_OK)
		return cli_fail(rc, err);
	if (cli->verbosity >= 0)
		printf("poll: %u recorded (%u requests, %u too big), %u "
		    "already recorded, %u failed (left for the next run), %u "
		    "moved to %s\n", res.recorded, res.requests, res.too_big,
		    res.duplicates, res.failed, res.given_up,
		    cli->cfg.imap_failed);
	return EX_OK;
}
