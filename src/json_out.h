/* json_out.h - the JSON contract of SPEC 5 (list, show, outbox). */
#ifndef PICFLOW_JSON_OUT_H
#define PICFLOW_JSON_OUT_H

#include <jansson.h>
#include <stdio.h>
#include "dns_result.h"
#include "store.h"
#include "store_confirm.h"
#include "util.h"

json_t	*json_request(const struct request_row *r);
/* Adds "events" to a request object. */
void	 json_add_events(json_t *obj, const struct event_row *ev, size_t n);
/* Adds "confirmations": [{address, confirmed_at}] (SPEC 6). */
void	 json_add_confirmations(json_t *obj, const struct confirm_row *v,
	    size_t n);
/* Adds "warnings" ([{code, detail}]) and "dns" (each question with its
 * answer: name, type, status, security, records, why, at). */
void	 json_add_dns(json_t *obj, const struct reasons *warnings,
	    const struct dns_batch *answers);
json_t	*json_outbox(const struct outbox_row *o);
/* Prints v (pretty, newline-terminated) to stdout and releases it. */
int	 json_print(json_t *v);

/* An array printed element by element, as json_print() would print it
 * whole, so that a long listing never holds all of its JSON at once. */
struct json_stream {
	FILE		*fp;
	size_t		 n;		/* elements so far */
	int		 failed;	/* a write failed: the rest is dropped */
	struct strbuf	 buf;		/* the element being written */
};
void	 json_stream_begin(struct json_stream *js, FILE *fp);
/* Adds v and releases it; -1 once a write failed. */
int	 json_stream_add(struct json_stream *js, json_t *v);
int	 json_stream_end(struct json_stream *js);

#endif
