/* cli_int.h - what the cli_*.c command files share. */
#ifndef PICFLOW_CLI_INT_H
#define PICFLOW_CLI_INT_H

#include <stdio.h>
#include "config.h"
#include "store.h"
#include "store_metrics.h"

#define NEED_DB		0x1	/* opens (and migrates) the database */
#define NEED_FROM	0x2	/* queues notices: needs [smtp] from */
#define NO_ARGS		0x4	/* takes no argument besides --help */
#define NO_DB		0x8	/* touches no database file: any user may run it */

struct cli {
	struct config	 cfg;
	struct store	*store;
	int		 verbosity;	/* -v minus -q */
};

struct command;
typedef int (*command_fn)(struct cli *, const struct command *, int,
    char **);

struct command {
	const char	*name;
	command_fn	 fn;
	unsigned	 needs;
	const char	*usage;
	const char	*summary;
};

void	cli_command_usage(const struct command *c, FILE *fp);
/* PF_OK/PF_ERR/STORE_* to a sysexits code. */
int	cli_exit_code(int rc);
/* Prints "picflow: msg" and returns the exit code for rc. */
int	cli_fail(int rc, const char *msg);

int	cmd_poll(struct cli *, const struct command *, int, char **);
struct send_stats;
/* The exit code of a send stage that ran (69 no session, 75 deferrals). */
int	send_exit_code(const struct send_stats *st);

int	cmd_ingest(struct cli *, const struct command *, int, char **);
int	cmd_tick(struct cli *, const struct command *, int, char **);
int	cmd_send(struct cli *, const struct command *, int, char **);
int	cmd_list(struct cli *, const struct command *, int, char **);
int	cmd_show(struct cli *, const struct command *, int, char **);
int	cmd_provision(struct cli *, const struct command *, int, char **);
int	cmd_reject(struct cli *, const struct command *, int, char **);
int	cmd_outbox(struct cli *, const struct command *, int, char **);
int	cmd_run(struct cli *, const struct command *, int, char **);
int	cmd_watch(struct cli *, const struct command *, int, char **);
int	cmd_check_config(struct cli *, const struct command *, int, char **);
int	cmd_backup(struct cli *, const struct command *, int, char **);
int	cmd_forget(struct cli *, const struct command *, int, char **);
int	cmd_metrics(struct cli *, const struct command *, int, char **);
/* Records that a stage run on its own succeeded (picflow metrics). */
void	cli_stage_done(struct cli *cli, enum metric_stage st);
/* What is kept of a raw mail (SPEC 10): a "Raw mail:" line of show, and
 * its JSON object. */
struct kept_info;
struct json_t;
void	cli_show_kept(const struct kept_info *k);
struct json_t *cli_json_kept(const struct kept_info *k);
int	cmd_states(struct cli *, const struct command *, int, char **);

/* cli_robots.c: recorded mail and bounces (SPEC 7). */
int	cli_mail_list(struct cli *cli, int as_json, int robots_only);
int	cli_mail_show(struct cli *cli, const char *id, int as_json);
struct confirm_row;
struct json_t;
/* The request's unreachable contacts, printed, or added to obj (JSON
 * "unreachable" and "confirmation_bounced") when obj is not NULL. */
int	cli_show_bounces(struct cli *cli, const struct request_row *r,
	    const struct confirm_row *cv, size_t cn, struct json_t *obj,
	    char *err, size_t errlen);

#endif
