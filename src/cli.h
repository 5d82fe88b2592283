/* cli.h - the picflow command line (SPEC 5). */
#ifndef PICFLOW_CLI_H
#define PICFLOW_CLI_H

#include <stddef.h>

struct command;

/* Parses global options, runs one command of the table, returns a sysexits
 * code. A command without a function is run by picflow-mail (execv). */
int	cli_main(int argc, char **argv, const struct command *commands,
	    size_t ncommands);

#endif
