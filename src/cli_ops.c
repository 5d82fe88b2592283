/* cli_ops.c - the operator's upkeep: backup, forget, metrics. */
#include "cli_int.h"
#include "backup.h"
#include "clock.h"
#include "log.h"
#include "metrics.h"
#include "retention.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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

static void
forget_report(const char *addr, const struct forget_stats *st)
{
	printf("forget %s: %lld finished requests held it\n", addr,
	    (long long)st->requests);
	printf("  %-10s %lld raw mails deleted\n", "mails:",
	    (long long)st->raw_deleted);
	printf("  %-10s %lld bodies deleted (%lld queued notices cancelled)\n",
	    "notices:", (long long)st->bodies_deleted,
	    (long long)st->cancelled);
	for (int k = 0; k < FK__N; k++)
		printf("  %-10s %lld rows where it was replaced by %s\n",
		    forget_kind_name((enum forget_kind)k), (long long)
		    st->rows[k], FORGET_MARK);
	printf("database rewritten (VACUUM) and its WAL emptied\n");
}

static int
forget_refused(const char *addr, const struct forget_block *b, size_t n)
{
	fprintf(stderr, "picflow: %s is held by %zu request%s not in a final "
	    "state:", addr, n, n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "%s PIC-%s (%s)", i ? "," : "", b[i].tag,
		    state_name(b[i].state));
	fprintf(stderr, "\npicflow: provision or reject %s first: forget "
	    "erases an address from finished requests only\n", n == 1 ?
	    "it" : "them");
	return EX_DATAERR;
}

int
cmd_forget(struct cli *cli, const struct command *c, int argc, char **argv)
{
	struct forget_stats st;
	struct forget_block *blockers = NULL;
	char err[PF_ERRLEN], *addr;
	size_t n = 0, len;
	int rc, code;

	if (argc != 2 || argv[1][0] == '-') {
		cli_command_usage(c, stderr);
		return EX_USAGE;
	}
	len = strlen(argv[1]);
	/* "<someone@example.com>" as a mail client copies it */
	if (len > 2 && argv[1][0] == '<' && argv[1][len - 1] == '>')
		addr = xstrndup(argv[1] + 1, len - 2);
	else
		addr = xstrdup(argv[1]);
	str_lower(addr);
	if (forget_check_address(addr, err, sizeof(err)) != PF_OK) {
		fprintf(stderr, "picflow: %s\n", err);
		free(addr);
		return EX_USAGE;
	}
	rc = forget_address(cli->store, addr, &st, &blockers, &n, err,
	    sizeof(err));
	if (rc == FORGET_REFUSED)
		code = forget_refused(addr, blockers, n);
	else if (rc != PF_OK)
		code = cli_fail(rc, err);
	else {
		if (cli->verbosity >= 0)
			forget_report(addr, &st);
		code = EX_OK;
	}
	free(blockers);
	free(addr);
	return code;
}

void
cli_stage_done(struct cli *cli, enum metric_stage st)
{
	char err[PF_ERRLEN];

	if (store_stage_success(cli->store, 1u << st, clock_now(), err,
	    sizeof(err)) != PF_OK)
		log_warn("metrics: %s", err);
}

int
cmd_metrics(struct cli *cli, const struct command *c, int argc, char **argv)
{
	struct strbuf sb;
	char err[PF_ERRLEN];
	int rc;

	(void)c;
	(void)argc;
	(void)argv;
	sb_init(&sb);
	if ((rc = metrics_render(cli->store, &sb, err, sizeof(err))) != PF_OK) {
		sb_free(&sb);
		return cli_fail(rc, err);
	}
	rc = fwrite(sb.s, 1, sb.len, stdout) == sb.len && fflush(stdout) == 0;
	sb_free(&sb);
	return rc ? EX_OK : cli_fail(STORE_IO, "cannot write the output");
}
