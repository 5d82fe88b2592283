/* watch.h - `picflow watch` (SPEC 9): what `run` does, as soon as there
 * is something to do. */
#ifndef PICFLOW_WATCH_H
#define PICFLOW_WATCH_H

#include "config.h"
#include "store.h"

/* Runs until SIGTERM or SIGINT (then returns PF_OK, the current
 * transaction finished). The caller holds the run lock and opened s on
 * cfg->db_path; cfg is replaced in place on SIGHUP when the new file is
 * valid (the database path stays). verbosity is -v minus -q, kept for
 * the log level of a reloaded configuration. */
int	watch_run(struct config *cfg, struct store *s, int verbosity,
	    char *err, size_t errlen);

#endif
