/* cli.h - the picflow command line (SPEC 5). */
#ifndef PICFLOW_CLI_H
#define PICFLOW_CLI_H

/* Parses global options, runs one command, returns a sysexits code. */
int	cli_main(int argc, char **argv);

#endif
