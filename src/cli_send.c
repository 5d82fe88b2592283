/* cli_send.c - `picflow send`: deliver queued notices over SMTP.
 *
 * Exit codes (sysexits(3), SPEC 5):
 *   0   every due notice was handled: sent, or failed for good (5xx, or too
 *       old) with an operator alert queued; also when nothing was due
 *   69  no usable SMTP session: server unreachable or silent, TLS failed
 *       or not verified, AUTH refused, envelope sender refused; the due
 *       notices stay queued with their next attempt
 *   75  a session worked but some notices were deferred (4xx, session
 *       lost), or another send holds the lock: cron simply runs again
 *   78  the [smtp] configuration is incomplete or forbids the connection, or
 *       the server requires AUTH and none is configured: every notice stays
 *       queued, the operator is alerted once
 *   70, 74  database errors, as for every command */
#include "cli_int.h"
#include "smtp_send.h"

#include <stdio.h>
#include <sysexits.h>

int
cmd_send(struct cli *cli, const struct command *c, int argc, char **argv)
{
	struct send_stats st;
	char err[PF_ERRLEN];
	int rc;

	(void)c;
	(void)argc;
	(void)argv;
	/* SMTP_CONFIG, SEND_BUSY and STORE_* map through cli_exit_code(). */
	if ((rc = send_run(cli->store, &cli->cfg, &st, err, sizeof(err))) !=
	    PF_OK)
		return cli_fail(rc, err);
	if (!st.unavailable)
		cli_stage_done(cli, MS_SEND);
	if (cli->verbosity >= 0)
		printf("send: %u sent, %u deferred, %u failed\n", st.sent,
		    st.deferred, st.failed);
	if (st.unavailable)
		fprintf(stderr, "picflow: %s\n", st.reason);
	return send_exit_code(&st);
}

int
send_exit_code(const struct send_stats *st)
{
	if (st->unavailable)
		return EX_UNAVAILABLE;
	return st->deferred ? EX_TEMPFAIL : EX_OK;
}
