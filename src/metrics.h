/* metrics.h - picflow metrics: the Prometheus text format (SPEC 10), and
 * [metrics] textfile written after each run and watch cycle. */
#ifndef PICFLOW_METRICS_H
#define PICFLOW_METRICS_H

#include "config.h"
#include "store.h"
#include "store_metrics.h"
#include "util.h"

/* Appends the exposition text of the database's state to sb. */
int	metrics_render(struct store *s, struct strbuf *sb, char *err,
	    size_t errlen);
/* Writes it to path atomically (temporary file, rename), mode 0644: it
 * holds counts only, and node_exporter reads it as another user. */
int	metrics_write_textfile(struct store *s, const char *path, char *err,
	    size_t errlen);

#endif
