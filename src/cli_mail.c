/* cli_mail.c - commands that take mail in and move time: ingest, tick. */
#include "cli_int.h"
#include "dns_stage.h"
#include "ingest.h"
#include "log.h"
#include "tick.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

/* Of a mail above max_message_bytes, which is rejected unread, only this
 * much is kept (as much as the IMAP poller fetches of one): memory stays
 * bounded however big the file or the pipe. */
#define INGEST_PREFIX	65536

/* Reads a whole mail into *out (*len bytes); *size is its true size,
 * larger than *len when it was above max bytes. */
static int
read_mail(const char *path, size_t max, char **out, size_t *len,
    size_t *size, char *err, size_t errlen)
{
	struct strbuf sb;
	FILE *fp;
	char buf[65536];
	size_t n, total = 0;

	if ((fp = path ? fopen(path, "rb") : stdin) == NULL) {
		err_set(err, errlen, "%s: %s", path, strerror(errno));
		return PF_ERR;
	}
	sb_init(&sb);
	sb_adds(&sb, "");
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0) {
		total += n;
		if (total <= max) {
			sb_add(&sb, buf, n);
			continue;
		}
		if (sb.len > INGEST_PREFIX) {
			sb.len = INGEST_PREFIX;
			sb.s[sb.len] = '\0';
		}
		if (sb.len < INGEST_PREFIX)
			sb_add(&sb, buf, n < INGEST_PREFIX - sb.len ? n :
			    INGEST_PREFIX - sb.len);
	}
	if (ferror(fp)) {
		err_set(err, errlen, "%s: %s", path ? path : "stdin",
		    strerror(errno));
		if (path)
			fclose(fp);
		sb_free(&sb);
		return PF_ERR;
	}
	if (path)
		fclose(fp);
	*len = sb.len;
	*size = total;
	*out = sb_steal(&sb);
	return PF_OK;
}

/* The exit status of a run of several files is the worst of theirs:
 * an internal error, then the database's, then a file not read, then a
 * database busy now (to try again later). */
static void
ingest_worse(int *worst, int ex)
{
	static const int order[] = { EX_OK, EX_TEMPFAIL, EX_NOINPUT,
	    EX_IOERR, EX_SOFTWARE };
	int a = 0, b = 0;

	for (int i = 0; i < (int)(sizeof(order) / sizeof(order[0])); i++) {
		if (order[i] == *worst)
			a = i;
		if (order[i] == ex)
			b = i;
	}
	if (b > a || (b == 0 && ex != EX_OK && *worst == EX_OK))
		*worst = ex;
}

static int
ingest_one(struct cli *cli, const char *path, int *worst)
{
	struct ingest_result res;
	char err[PF_ERRLEN], *raw = NULL;
	const char *name = path ? path : "stdin";
	size_t len, size;
	int rc;

	if (read_mail(path, (size_t)cli->cfg.policy.max_message_bytes, &raw,
	    &len, &size, err, sizeof(err)) != PF_OK) {
		fprintf(stderr, "picflow: %s\n", err);
		ingest_worse(worst, EX_NOINPUT);
		return PF_OK;	/* the other files can still be read */
	}
	if ((rc = store_begin(cli->store, err, sizeof(err))) != PF_OK ||
	    (rc = ingest_mail_partial(cli->store, &cli->cfg, raw, len, size,
	    "file", &res, err, sizeof(err))) != PF_OK ||
	    (rc = store_commit(cli->store, err, sizeof(err))) != PF_OK) {
		store_rollback(cli->store);
		free(raw);
		fprintf(stderr, "picflow: %s: %s\n", name, err);
		ingest_worse(worst, cli_exit_code(rc));
		/* A database that cannot be written fails every file alike:
		 * the others are left unread, and say so. */
		return rc == STORE_BUSY || rc == STORE_IO ? rc : PF_OK;
	}
	free(raw);
	if (cli->verbosity < 0)
		return PF_OK;
	if (res.outcome == IN_REQUEST)
		printf("%s: request PIC-%s %s%s%s%s\n", name, res.tag,
		    state_name(res.state), res.note[0] ? " (" : "", res.note,
		    res.note[0] ? ")" : "");
	else if (res.tag[0])
		printf("%s: %s PIC-%s\n", name, ingest_outcome_name(res.outcome),
		    res.tag);
	else
		printf("%s: %s%s%s\n", name, ingest_outcome_name(res.outcome),
		    res.note[0] ? ": " : "", res.note);
	return PF_OK;
}

int
cmd_ingest(struct cli *cli, const struct command *c, int argc, char **argv)
{
	struct dns_stage_result dr;
	char err[PF_ERRLEN];
	int worst = EX_OK, rc = PF_OK;

	if (argc > 1 && argv[1][0] == '-' && argv[1][1] != '\0') {
		cli_command_usage(c, stderr);
		return EX_USAGE;
	}
	if (argc == 1)
		rc = ingest_one(cli, NULL, &worst);
	for (int i = 1; i < argc && rc == PF_OK; i++) {
		rc = ingest_one(cli, strcmp(argv[i], "-") == 0 ? NULL : argv[i],
		    &worst);
		if (rc != PF_OK && i + 1 < argc)
			fprintf(stderr, "picflow: %d file(s) after %s not "
			    "read\n", argc - 1 - i, argv[i]);
	}
	if (rc != PF_OK)
		return worst;
	/* The requests just recorded wait for their DNS checks: all of
	 * them at once, now, so that ingest decides them as before. */
	if ((rc = dns_stage_run(cli->store, &cli->cfg, &dr, err,
	    sizeof(err))) != PF_OK)
		return cli_fail(rc, err);
	if (cli->verbosity >= 0 && dr.checked)
		printf("dns: %d request(s) checked, %d question(s), %d without "
		    "an answer, %d decided\n", dr.checked, dr.questions,
		    dr.failed, dr.decided);
	return worst;
}

int
cmd_tick(struct cli *cli, const struct command *c, int argc, char **argv)
{
	struct tick_result res;
	struct dns_stage_result dr;
	char err[PF_ERRLEN];
	int rc;

	(void)c;
	(void)argc;
	(void)argv;
	rc = tick_run(cli->store, &cli->cfg, &res, err, sizeof(err));
	if (rc == PF_OK)
		cli_stage_done(cli, MS_TICK);
	if (rc == PF_OK)
		rc = dns_stage_run(cli->store, &cli->cfg, &dr, err,
		    sizeof(err));
	if (rc != PF_OK)
		return cli_fail(rc, err);
	if (cli->verbosity >= 0)
		printf("tick: %d overdue, %d released from cooldown, %d "
		    "expired unconfirmed; retention: %lld raw mails, %lld "
		    "notice bodies deleted\n", res.overdue, res.released,
		    res.unconfirmed, (long long)res.pruned.mails,
		    (long long)res.pruned.notices);
	return EX_OK;
}
