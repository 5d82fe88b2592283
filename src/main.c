/* main.c - the entry points of both binaries (built twice, see
 * CMakeLists.txt). picflow runs the commands that only read the database
 * itself and hands the mail commands to picflow-mail, built with
 * PICFLOW_MAIL_BINARY, which runs every command (cli_commands.h says which
 * are which, and why). Everything else is in cli.c. */
#include "cli.h"
#include "cli_int.h"

static const struct command commands[] = {
#define CLI_LOCAL(name, fn, needs, usage, summary) \
	{ name, fn, needs, usage, summary },
#ifdef PICFLOW_MAIL_BINARY
#define CLI_MAIL CLI_LOCAL
#else
#define CLI_MAIL(name, fn, needs, usage, summary) \
	{ name, NULL, needs, usage, summary },
#endif
#include "cli_commands.h"
#undef CLI_LOCAL
#undef CLI_MAIL
};

int
main(int argc, char **argv)
{
	return cli_main(argc, argv, commands,
	    sizeof(commands) / sizeof(commands[0]));
}
