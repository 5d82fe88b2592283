/* cli.c - the picflow command line (SPEC 5): global options, then one
 * function per command. Each command returns a sysexits(3) code. */
#include "cli.h"
#include "cli_int.h"
#include "clock.h"
#include "imap_conn.h"
#include "smtp_conn.h"
#include "smtp_send.h"
#include "log.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <sys/stat.h>
#include <unistd.h>


static void
usage(FILE *fp, const struct command *commands, size_t ncommands)
{
	fprintf(fp, "usage: picflow [-c CONFIG] [--db PATH] [-v|-q] COMMAND "
	    "[ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < ncommands; i++)
		fprintf(fp, "  %-13s %s\n", commands[i].name,
		    commands[i].summary);
	fprintf(fp, "\nEach command takes --help. The clock is PICFLOW_NOW "
	    "(ISO 8601 UTC) when set.\nExit codes: 0 ok, 64 usage, 65 no such "
	    "request or a refused transition,\n69 server unavailable, 70 "
	    "internal, 74 I/O, 75 temporary (retry later),\n77 root on a "
	    "database of another user, 78 configuration.\n");
}

void
cli_command_usage(const struct command *c, FILE *fp)
{
	fprintf(fp, "usage: picflow %s %s\n  %s\n", c->name, c->usage,
	    c->summary);
}

int
cli_exit_code(int rc)
{
	switch (rc) {
	case PF_OK:
		return EX_OK;
	case STORE_BUSY:
		return EX_TEMPFAIL;
	case STORE_IO:
		return EX_IOERR;
	case IMAP_UNAVAILABLE:
	case SMTP_UNAVAILABLE:
		return EX_UNAVAILABLE;
	case IMAP_TEMPFAIL:
	case SEND_BUSY:
		return EX_TEMPFAIL;
	case IMAP_CONFIG:
	case SMTP_CONFIG:
		return EX_CONFIG;
	default:
		return EX_SOFTWARE;
	}
}

int
cli_fail(int rc, const char *msg)
{
	fprintf(stderr, "picflow: %s\n", msg);
	return cli_exit_code(rc == PF_OK ? PF_ERR : rc);
}

static int
cli_prepare(struct cli *cli, const struct command *c)
{
	char err[PF_ERRLEN];
	int rc;

	if ((c->needs & NEED_FROM) && cli->cfg.smtp_from == NULL) {
		fprintf(stderr, "picflow: %s: [smtp] from is not set (the "
		    "provisioning address notices come from)\n",
		    cli->cfg.path ? cli->cfg.path : "configuration");
		return EX_CONFIG;
	}
	if (!(c->needs & NEED_DB))
		return EX_OK;
	rc = store_open(cli->cfg.db_path, &cli->store, err, sizeof(err));
	if (rc != PF_OK)
		return cli_fail(rc, err);
	return EX_OK;
}

/*
 * Root writes anywhere: a command root runs on the database of the user
 * the service runs as (the Debian package's picflow) would leave files
 * that user cannot write - a database root created, the lock of run or
 * send - and every run of the service would fail from then on. The owner
 * is the database file's, or its directory's while there is no file.
 */
static int
cli_check_owner(const struct config *cfg, const struct command *c)
{
	struct stat st;
	struct passwd *pw;
	char *dir, *slash;
	int r;

	if (geteuid() != 0 || (c->needs & NO_DB) || cfg->db_path == NULL)
		return EX_OK;
	if ((r = stat(cfg->db_path, &st)) != 0) {
		dir = xstrdup(cfg->db_path);
		if ((slash = strrchr(dir, '/')) == NULL)
			r = stat(".", &st);
		else {
			slash[slash == dir] = '\0';	/* "/x.db": "/" */
			r = stat(dir, &st);
		}
		free(dir);
	}
	if (r != 0 || st.st_uid == 0)
		return EX_OK;	/* store_open says what is wrong */
	pw = getpwuid(st.st_uid);
	fprintf(stderr, "picflow: database %s belongs to %s: run picflow as "
	    "that user (runuser -u %s -- picflow %s ...); as root it would "
	    "leave files the service cannot write\n", cfg->db_path,
	    pw ? pw->pw_name : "another user", pw ? pw->pw_name : "USER",
	    c->name);
	return EX_NOPERM;
}

static void
warn_line(const char *msg)
{
	log_warn("%s", msg);
}

static int
cli_setup(struct cli *cli, const char *config_path, const char *db_path,
    int verbosity)
{
	char err[PF_ERRLEN];
	int level;

	if (clock_init(err, sizeof(err)) != PF_OK) {
		fprintf(stderr, "picflow: %s\n", err);
		return EX_USAGE;
	}
	if (config_load(&cli->cfg, config_path, err, sizeof(err)) != PF_OK) {
		fprintf(stderr, "picflow: %s\n", err);
		return EX_CONFIG;
	}
	if (db_path) {
		free(cli->cfg.db_path);
		cli->cfg.db_path = xstrdup(db_path);
	}
	level = cli->cfg.log_level + verbosity;
	if (level < LOG_LVL_ERR)
		level = LOG_LVL_ERR;
	if (level > LOG_LVL_DEBUG)
		level = LOG_LVL_DEBUG;
	log_setup(level, cli->cfg.log_syslog);
	config_check_permissions(&cli->cfg, warn_line);
	return EX_OK;
}

/*
 * Replaces this process with picflow-mail, same arguments. It is looked
 * for beside this binary first (a build tree, or both installed in one
 * directory), then where `cmake --install` puts it. Returns only on failure.
 */
static int
cli_exec_mail(char **argv)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], *slash;
	ssize_t n;

	n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
	if (n > 0) {
		dir[n] = '\0';
		if ((slash = strrchr(dir, '/')) != NULL)
			*slash = '\0';
		snprintf(path, sizeof(path), "%s/picflow-mail", dir);
		execv(path, argv);
		if (errno != ENOENT)
			goto fail;
	}
	snprintf(path, sizeof(path), "%s/picflow-mail", PICFLOW_LIBEXECDIR);
	execv(path, argv);
fail:
	fprintf(stderr, "picflow: cannot run %s (it runs the %s command): "
	    "%s\n", path, argv[optind], strerror(errno));
	return EX_SOFTWARE;
}

int
cli_main(int argc, char **argv, const struct command *commands,
    size_t ncommands)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'D' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *config_path = NULL, *db_path = NULL;
	const struct command *c = NULL;
	struct cli cli;
	int ch, verbosity = 0, rc;

	/* A peer closing a socket must be an error to handle, not death. */
	signal(SIGPIPE, SIG_IGN);
	memset(&cli, 0, sizeof(cli));
	while ((ch = getopt_long(argc, argv, "+c:vqhV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': config_path = optarg; break;
		case 'D': db_path = optarg; break;
		case 'v': verbosity++; break;
		case 'q': verbosity--; break;
		case 'h': usage(stdout, commands, ncommands); return EX_OK;
		case 'V': printf("picflow %s\n", PICFLOW_VERSION); return EX_OK;
		default: usage(stderr, commands, ncommands); return EX_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr, commands, ncommands);
		return EX_USAGE;
	}
	for (size_t i = 0; i < ncommands; i++)
		if (strcmp(argv[optind], commands[i].name) == 0)
			c = &commands[i];
	if (c == NULL) {
		fprintf(stderr, "picflow: unknown command '%s'\n", argv[optind]);
		usage(stderr, commands, ncommands);
		return EX_USAGE;
	}
	if (c->fn == NULL)
		return cli_exec_mail(argv);
	argc -= optind;
	argv += optind;
	optind = 0;	/* glibc: reinitialise for the command's options */
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			cli_command_usage(c, stdout);
			return EX_OK;
		}
	if ((c->needs & NO_ARGS) && argc > 1) {
		cli_command_usage(c, stderr);
		return EX_USAGE;
	}
	cli.verbosity = verbosity;
	if ((rc = cli_setup(&cli, config_path, db_path, verbosity)) == EX_OK &&
	    (rc = cli_check_owner(&cli.cfg, c)) == EX_OK &&
	    (rc = cli_prepare(&cli, c)) == EX_OK)
		rc = c->fn(&cli, c, argc, argv);
	store_close(cli.store);
	config_free(&cli.cfg);
	return rc;
}
