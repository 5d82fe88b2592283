/* cli_decide.c - the operator's decisions: provision, reject. */
#include "cli_int.h"
#include "decide.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

enum decision { DECIDE_PROVISION, DECIDE_REJECT };

static int
decide(struct cli *cli, const char *id, enum decision d, const char *text)
{
	struct request_row r;
	char err[PF_ERRLEN];
	int rc;

	if ((rc = store_begin(cli->store, err, sizeof(err))) != PF_OK)
		return cli_fail(rc, err);
	rc = store_request_load(cli->store, id, &r, err, sizeof(err));
	if (rc == PF_OK) {
		store_rollback(cli->store);
		fprintf(stderr, "picflow: no request %s\n", id);
		return EX_DATAERR;
	}
	if (rc != STORE_FOUND) {
		store_rollback(cli->store);
		return cli_fail(rc, err);
	}
	if (d == DECIDE_PROVISION)
		rc = decide_provision(cli->store, &cli->cfg, &r, text,
		    "operator", err, sizeof(err));
	else
		rc = decide_reject(cli->store, &cli->cfg, &r, text, "operator",
		    err, sizeof(err));
	if (rc == PF_OK)
		rc = store_commit(cli->store, err, sizeof(err));
	else
		store_rollback(cli->store);
	if (rc == PF_OK && cli->verbosity >= 0)
		printf("request PIC-%s is now %s\n", r.tag,
		    state_name(r.state));
	request_row_free(&r);
	if (rc == PF_ERR) {
		/* A refused transition is the operator's mistake, not ours. */
		fprintf(stderr, "picflow: %s\n", err);
		return EX_DATAERR;
	}
	return rc == PF_OK ? EX_OK : cli_fail(rc, err);
}

static int
decide_cmd(struct cli *cli, const struct command *c, int argc, char **argv,
    enum decision d)
{
	static const struct option opts[] = {
		{ "note", required_argument, NULL, 'n' },
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	const char *text = NULL;
	int ch;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if ((ch == 'n' && d == DECIDE_PROVISION) ||
		    (ch == 'r' && d == DECIDE_REJECT))
			text = optarg;
		else {
			cli_command_usage(c, stderr);
			return EX_USAGE;
		}
	}
	if (optind != argc - 1 || (d == DECIDE_REJECT && (text == NULL ||
	    *text == '\0'))) {
		cli_command_usage(c, stderr);
		return EX_USAGE;
	}
	return decide(cli, argv[optind], d, text);
}

int
cmd_provision(struct cli *cli, const struct command *c, int argc,
    char **argv)
{
	return decide_cmd(cli, c, argc, argv, DECIDE_PROVISION);
}

int
cmd_reject(struct cli *cli, const struct command *c, int argc, char **argv)
{
	return decide_cmd(cli, c, argc, argv, DECIDE_REJECT);
}
