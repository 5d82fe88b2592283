/* cli_poll.c - the poll command: new mail of the IMAP mailbox in. */
#include "cli_int.h"
#include "imap_conn.h"
#include "imap_poll.h"

#include <stdio.h>
#include <sysexits.h>

/* IMAP classes first; the store's classes as every command maps them. */
static int
poll_exit_code(int rc)
{
	switch (rc) {
	case IMAP_UNAVAILABLE:
		return EX_UNAVAILABLE;
	case IMAP_TEMPFAIL:
		return EX_TEMPFAIL;
	case IMAP_CONFIG:
		return EX_CONFIG;
	default:
		return cli_exit_code(rc);
	}
}

int
cmd_poll(struct cli *cli, const struct command *c, int argc, char **argv)
{
	struct poll_result res;
	char err[PF_ERRLEN];
	int rc;

	(void)argv;
	if (argc > 1) {
		cli_command_usage(c, stderr);
		return EX_USAGE;
	}
	rc = imap_poll(cli->store, &cli->cfg, &res, err, sizeof(err));
	if (rc != PF_OK) {
		fprintf(stderr, "picflow: %s\n", err);
		return poll_exit_code(rc);
	}
	if (cli->verbosity >= 0)
		printf("poll: %u recorded (%u requests, %u too big), %u already "
		    "recorded, %u failed (left for the next run), %u moved to "
		    "%s\n", res.recorded, res.requests, res.too_big,
		    res.duplicates, res.failed, res.given_up,
		    cli->cfg.imap_failed);
	return EX_OK;
}
