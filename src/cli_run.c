/* cli_run.c - what cron runs (run) and what an operator runs first
 * (check-config). */
#include "cli_int.h"
#include "dns_check.h"
#include "imap_conn.h"
#include "log.h"
#include "run.h"
#include "smtp_send.h"
#include "smtp_conn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

/* The exit code of a run: the most serious stage failure wins, so cron
 * mail says "configuration" before "try later". */
static int
run_exit_code(const struct run_result *res)
{
	static const int order[] = { EX_CONFIG, EX_SOFTWARE, EX_IOERR,
	    EX_UNAVAILABLE, EX_TEMPFAIL };
	int codes[STAGE__N];

	for (int i = 0; i < STAGE__N; i++)
		codes[i] = cli_exit_code(res->rc[i]);
	if (codes[STAGE_SEND] == EX_OK && !res->skipped[STAGE_SEND])
		codes[STAGE_SEND] = send_exit_code(&res->send);
	for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++)
		for (int i = 0; i < STAGE__N; i++)
			if (codes[i] == order[k])
				return order[k];
	return EX_OK;
}

static void
run_report(const struct run_result *res, int verbosity)
{
	for (int i = 0; i < STAGE__N; i++)
		if (res->rc[i] != PF_OK)
			fprintf(stderr, "picflow: %s: %s\n",
			    run_stage_name((enum run_stage)i), res->err[i]);
	if (res->send.unavailable && res->rc[STAGE_SEND] == PF_OK)
		fprintf(stderr, "picflow: send: %s\n", res->send.reason);
	if (verbosity < 0)
		return;
	printf("run: %u mails read; requests: %d accepted, %d rejected, "
	    "%d held, %d provisioned; notices: %u sent, %u deferred, %u "
	    "failed\n", res->poll.recorded, res->events.accepted,
	    res->events.rejected, res->events.held, res->events.provisioned,
	    res->send.sent, res->send.deferred, res->send.failed);
}

int
cmd_run(struct cli *cli, const struct command *c, int argc, char **argv)
{
	struct run_result *res;
	char err[PF_ERRLEN];
	int fd, rc;

	(void)c;
	(void)argc;
	(void)argv;
	/* The lock comes first: a second run must not even migrate. */
	if ((rc = run_lock(cli->cfg.db_path, &fd, err, sizeof(err))) != PF_OK)
		return cli_fail(rc, err);
	rc = store_open(cli->cfg.db_path, &cli->store, err, sizeof(err));
	if (rc != PF_OK) {
		close(fd);
		return cli_fail(rc, err);
	}
	res = xcalloc(1, sizeof(*res));
	run_cycle(cli->store, &cli->cfg, res);
	run_report(res, cli->verbosity);
	rc = run_exit_code(res);
	free(res);
	close(fd);
	return rc;
}

static void
check_line(int *worst, int code, const char *what, const char *msg)
{
	printf("%-8s %-10s %s\n", code == EX_OK ? "ok" : "error", what, msg);
	if (code != EX_OK && *worst == EX_OK)
		*worst = code;
}

static void
check_templates(const struct config *cfg, int *worst)
{
	static const char *const names[] = { "verify", "confirmation",
	    "completion", "rejection", "held", "delay", "status", "help",
	    "alert", "claim-moved" };
	static const char *const langs[] = { "en", "fr" };
	char *path;
	int missing = 0;

	for (size_t l = 0; l < 2; l++)
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			path = xasprintf("%s/%s/%s.txt", cfg->templates_dir,
			    langs[l], names[i]);
			if (access(path, R_OK) != 0) {
				check_line(worst, EX_CONFIG, "templates",
				    path);
				missing++;
			}
			free(path);
		}
	if (!missing)
		check_line(worst, EX_OK, "templates", cfg->templates_dir);
}

/* Writable where it is, or creatable where it would be: the database
 * itself is not opened, so nothing is created or migrated. */
static void
check_database(const struct config *cfg, int *worst)
{
	char *dir = xstrdup(cfg->db_path), *slash = strrchr(dir, '/');
	const char *where = cfg->db_path;
	int ok;

	if (access(cfg->db_path, F_OK) == 0)
		ok = access(cfg->db_path, R_OK | W_OK) == 0;
	else {
		if (slash)
			*(slash == dir ? slash + 1 : slash) = '\0';
		else
			strcpy(dir, ".");
		where = dir;
		ok = access(dir, W_OK | X_OK) == 0;
	}
	if (ok)
		check_line(worst, EX_OK, "database", cfg->db_path);
	else {
		char *msg = xasprintf("%s: %s", where, strerror(errno));

		check_line(worst, EX_IOERR, "database", msg);
		free(msg);
	}
	free(dir);
}

/* The resolver answers a question within [dns] timeout (SPEC 8). */
static void
check_dns(const struct config *cfg, int *worst)
{
	char err[PF_ERRLEN], what[128], *msg;

	if (cfg->dns.check == DNS_CHECK_OFF) {
		check_line(worst, EX_OK, "dns", "check = off: no lookups");
		return;
	}
	if (dns_resolver_try(&cfg->dns, what, sizeof(what), err,
	    sizeof(err)) != PF_OK) {
		check_line(worst, EX_UNAVAILABLE, "dns", err);
		return;
	}
	msg = xasprintf("resolver %s: %s; trust anchor %s", cfg->dns.resolver ?
	    cfg->dns.resolver : "of /etc/resolv.conf", what,
	    cfg->dns.trust_anchor ? cfg->dns.trust_anchor :
	    "none (answers are not validated)");
	check_line(worst, EX_OK, "dns", msg);
	free(msg);
}

/* One mailbox the poll writes to: exists, or is created now (as the
 * poll would), under the name the server's namespace gives it. */
static void
check_mailbox(struct imap_conn *ic, const char *label, const char *key,
    const char *mailbox, int *worst)
{
	enum imap_box_state st;
	char err[PF_ERRLEN], *name, *msg;
	int rc;

	name = imap_conn_place(ic, mailbox);
	if ((rc = imap_conn_ensure_mailbox(ic, mailbox, &st, err,
	    sizeof(err))) != PF_OK) {
		msg = xasprintf("[imap] %s = %s: %s", key, mailbox, err);
		check_line(worst, cli_exit_code(rc), label, msg);
	} else {
		msg = xasprintf("%s %s%s%s%s", name, st == IMAP_BOX_CREATED ?
		    "created" : "exists", strcmp(name, mailbox) ?
		    " (configured as " : "", strcmp(name, mailbox) ?
		    mailbox : "", strcmp(name, mailbox) ? ")" : "");
		check_line(worst, EX_OK, label, msg);
	}
	free(msg);
	free(name);
}

/* Login, the mailbox read, and the two the poll moves mails to. */
static void
check_imap(const struct config *cfg, int *worst)
{
	struct imap_conn *ic = NULL;
	char err[PF_ERRLEN], *msg, *in;
	int rc;

	if (cfg->imap.host == NULL) {
		check_line(worst, EX_OK, "imap", "not configured: no poll");
		return;
	}
	if ((rc = imap_conn_open(&cfg->imap, &ic, err, sizeof(err))) !=
	    PF_OK) {
		check_line(worst, cli_exit_code(rc), "imap", err);
		return;
	}
	in = imap_conn_place(ic, cfg->imap_mailbox);
	if ((rc = imap_conn_select(ic, cfg->imap_mailbox, &(uint32_t){0},
	    err, sizeof(err))) != PF_OK) {
		check_line(worst, cli_exit_code(rc), "imap", err);
	} else {
		msg = xasprintf("login and mailbox %s ok; personal namespace "
		    "\"%s\", delimiter \"%c\"", in,
		    imap_conn_personal_prefix(ic),
		    imap_conn_delimiter(ic) ? imap_conn_delimiter(ic) : ' ');
		check_line(worst, EX_OK, "imap", msg);
		free(msg);
		check_mailbox(ic, "processed", "processed_mailbox",
		    cfg->imap_processed, worst);
		check_mailbox(ic, "failed", "failed_mailbox",
		    cfg->imap_failed, worst);
	}
	free(in);
	imap_conn_close(ic);
}

/* A server that offers AUTH while no [smtp] user is set may take mail
 * without it (from trusted networks) or refuse every notice: MAIL and
 * RCPT to the operator (else our own address), then nothing, tell. */
static void
check_smtp_auth(const struct config *cfg, struct smtp_conn *sc, int *worst)
{
	const char *mechs = smtp_conn_auth_offered(sc);
	const char *to = cfg->operator_address ? cfg->operator_address :
	    cfg->smtp_from;
	struct smtp_result res;
	char *msg;
	int code;

	if (cfg->smtp.user != NULL || mechs == NULL) {
		check_line(worst, EX_OK, "smtp", cfg->smtp.user ?
		    "session ok, authenticated" : "session ok");
		return;
	}
	smtp_conn_try_envelope(sc, strcmp(cfg->smtp_envelope_from, "<>") ?
	    cfg->smtp_envelope_from : "", to, &res);
	switch (res.outcome) {
	case SMTP_SENT:
		code = EX_OK;
		msg = xasprintf("session ok; the server offers AUTH %s but "
		    "takes mail for <%s> without it ([smtp] user is not set)",
		    mechs, to);
		break;
	case SMTP_AUTH_REQUIRED:
		code = EX_CONFIG;
		msg = xasprintf("the server requires authentication (it offers "
		    "AUTH %s) and [smtp] user is not set: %s", mechs,
		    res.reply);
		break;
	case SMTP_TEMPFAIL:
	case SMTP_BROKEN:
		code = EX_TEMPFAIL;
		msg = xasprintf("the server offers AUTH %s; whether it takes "
		    "mail without it ([smtp] user is not set) is not known "
		    "yet: %s", mechs, res.reply);
		break;
	case SMTP_PERMFAIL:
	case SMTP_SENDER_REFUSED:
		code = EX_CONFIG;
		msg = xasprintf("the server offers AUTH %s and refuses mail "
		    "for <%s> without it ([smtp] user is not set): %s", mechs,
		    to, res.reply);
		break;
	default:
		abort();
	}
	check_line(worst, code, "smtp", msg);
	free(msg);
}

int
cmd_check_config(struct cli *cli, const struct command *c, int argc,
    char **argv)
{
	const struct config *cfg = &cli->cfg;
	struct smtp_conn *sc = NULL;
	char err[PF_ERRLEN], *msg;
	int worst = EX_OK, rc;

	(void)c;
	(void)argc;
	(void)argv;
	msg = xasprintf("%s", cfg->path ? cfg->path : "(none: defaults)");
	check_line(&worst, EX_OK, "config", msg);
	free(msg);
	check_line(&worst, cfg->smtp_from ? EX_OK : EX_CONFIG, "from",
	    cfg->smtp_from ? cfg->smtp_from : "[smtp] from is not set");
	check_line(&worst, EX_OK, "operator", cfg->operator_address ?
	    cfg->operator_address : "not set: alerts are only logged");
	check_templates(cfg, &worst);
	check_database(cfg, &worst);
	check_imap(cfg, &worst);
	if (cfg->smtp.host == NULL)
		check_line(&worst, EX_OK, "smtp", "not configured: no send");
	else if ((rc = smtp_conn_check_config(cfg, err, sizeof(err))) !=
	    PF_OK || (rc = smtp_conn_open(cfg, &sc, err, sizeof(err))) !=
	    PF_OK)
		check_line(&worst, cli_exit_code(rc), "smtp", err);
	else
		check_smtp_auth(cfg, sc, &worst);
	smtp_conn_close(sc);
	check_dns(cfg, &worst);
	return worst;
}
