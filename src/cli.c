/* cli.c - placeholder while the engine is written. */
#include "cli.h"
#include <sysexits.h>

int
cli_main(int argc, char **argv)
{
	(void)argc; (void)argv;
	return EX_SOFTWARE;
}
