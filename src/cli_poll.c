/* cli_poll.c - the poll command: new mail of the IMAP mailbox in. */
#include "cli_int.h"
#include "dns_stage.h"
#include "imap_poll.h"

#include <stdio.h>
#include <sysexits.h>

int
cmd_poll(struct cli *cli, const struct command *c, int argc, char **argv)
{
	struct poll_result res;
	struct dns_stage_result dr;
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
	cli_stage_done(cli, MS_POLL);
	/* The new requests' DNS checks, so that they are decided now. */
	if ((rc = dns_stage_run(cli->store, &cli->cfg, &dr, err,
	    sizeof(err))) != PF_OK)
		return cli_fail(rc, err);
	if (cli->verbosity >= 0 && dr.checked)
		printf("dns: %d request(s) checked, %d question(s), %d without "
		    "an answer\n", dr.checked, dr.questions, dr.failed);
	if (cli->verbosity >= 0)
		printf("poll: %u recorded (%u requests, %u too big), %u "
		    "already recorded, %u failed (left for the next run), %u "
		    "moved to %s\n", res.recorded, res.requests, res.too_big,
		    res.duplicates, res.failed, res.given_up,
		    cli->cfg.imap_failed);
	return EX_OK;
}
