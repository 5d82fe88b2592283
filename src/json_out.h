/* json_out.h - the JSON contract of SPEC 5 (list, show, outbox). */
#ifndef PICFLOW_JSON_OUT_H
#define PICFLOW_JSON_OUT_H

#include <jansson.h>
#include "store.h"

json_t	*json_request(const struct request_row *r);
/* Adds "events" to a request object. */
void	 json_add_events(json_t *obj, const struct event_row *ev, size_t n);
json_t	*json_outbox(const struct outbox_row *o);
/* Prints v (pretty, newline-terminated) to stdout and releases it. */
int	 json_print(json_t *v);

#endif
