/* json_out.c - the JSON contract of SPEC 5 (list, show, outbox).
 * Scripts and tests rely on these names: add keys, never rename them. */
#include "json_out.h"
#include "clock.h"

#include <stdio.h>
#include <string.h>

/* Stored text is valid UTF-8 by construction; should that ever fail,
 * show a replacement character rather than drop the key. */
static json_t *
jstr(const char *s)
{
	json_t *v;

	if (s == NULL)
		return json_null();
	v = json_string(s);
	return v ? v : json_string("\xef\xbf\xbd");
}

static json_t *
jtime(time_t t)
{
	char buf[CLOCK_ISO_LEN];

	if (t == 0)
		return json_null();
	clock_iso(t, buf);
	return json_string(buf);
}

json_t *
json_request(const struct request_row *r)
{
	json_t *o = json_object(), *edges = json_array(), *doms = json_array();
	json_t *reasons = json_array();

	for (size_t i = 0; i < r->edges.n; i++)
		json_array_append_new(edges, json_string(r->edges.v[i]));
	for (size_t i = 0; i < r->n_sip; i++)
		json_array_append_new(doms, json_pack("{s:o, s:o}", "domain",
		    jstr(r->sip[i].domain), "contact", jstr(r->sip[i].contact)));
	for (size_t i = 0; i < r->reasons.n; i++)
		json_array_append_new(reasons, json_pack("{s:o, s:o}", "code",
		    jstr(r->reasons.v[i].code), "detail",
		    jstr(r->reasons.v[i].detail)));
	json_object_set_new(o, "id", json_string(r->id));
	json_object_set_new(o, "tag", json_string(r->tag));
	json_object_set_new(o, "state", json_string(state_name(r->state)));
	json_object_set_new(o, "action", jstr(r->action));
	json_object_set_new(o, "agreement_type", jstr(r->agreement_type));
	json_object_set_new(o, "agreement_number", jstr(r->agreement_number));
	json_object_set_new(o, "deployment", jstr(r->deployment));
	json_object_set_new(o, "language", jstr(r->language));
	json_object_set_new(o, "networks", jstr(r->networks));
	json_object_set_new(o, "sender", jstr(r->sender));
	/* why no notice goes to the sender (SPEC 7), or null */
	json_object_set_new(o, "sender_problem", jstr(r->sender_problem));
	json_object_set_new(o, "edge_fqdns", edges);
	json_object_set_new(o, "sip_domains", doms);
	json_object_set_new(o, "reasons", reasons);
	json_object_set_new(o, "edge_change", json_boolean(r->edge_change));
	json_object_set_new(o, "created_at", jtime(r->created_at));
	json_object_set_new(o, "updated_at", jtime(r->updated_at));
	json_object_set_new(o, "due_at", jtime(r->due_at));
	json_object_set_new(o, "held_until", jtime(r->held_until));
	json_object_set_new(o, "overdue_at", jtime(r->overdue_at));
	return o;
}

void
json_add_events(json_t *obj, const struct event_row *ev, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:o, s:o, s:o, s:o}",
		    "at", jtime(ev[i].at), "from", jstr(ev[i].from), "to",
		    jstr(ev[i].to), "cause", jstr(ev[i].cause)));
	json_object_set_new(obj, "events", a);
}

void
json_add_confirmations(json_t *obj, const struct confirm_row *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:o, s:o}", "address",
		    jstr(v[i].address), "confirmed_at", jtime(v[i].confirmed_at)));
	json_object_set_new(obj, "confirmations", a);
}

void
json_add_dns(json_t *obj, const struct reasons *warnings,
    const struct dns_batch *answers)
{
	json_t *w = json_array(), *d = json_array(), *recs;

	for (size_t i = 0; i < warnings->n; i++)
		json_array_append_new(w, json_pack("{s:o, s:o}", "code",
		    jstr(warnings->v[i].code), "detail",
		    jstr(warnings->v[i].detail)));
	for (size_t i = 0; i < answers->n; i++) {
		const struct dns_answer *a = &answers->v[i];

		recs = json_array();
		for (size_t k = 0; k < a->records.n; k++)
			json_array_append_new(recs, jstr(a->records.v[k]));
		json_array_append_new(d, json_pack("{s:o, s:s, s:s, s:s, s:o, "
		    "s:o, s:o}", "name", jstr(a->name), "type",
		    dns_type_name(a->type), "status", dns_status_name(a->status),
		    "security", dns_security_name(a->sec), "records", recs,
		    "why", jstr(a->why), "at", jtime(a->at)));
	}
	json_object_set_new(obj, "warnings", w);
	json_object_set_new(obj, "dns", d);
}

json_t *
json_outbox(const struct outbox_row *o)
{
	json_t *j = json_object();

	json_object_set_new(j, "id", json_integer(o->id));
	json_object_set_new(j, "request_id", jstr(o->request_id));
	json_object_set_new(j, "template", jstr(o->template));
	json_object_set_new(j, "to", jstr(o->recipient));
	json_object_set_new(j, "subject", jstr(o->subject));
	json_object_set_new(j, "state", jstr(o->state));
	json_object_set_new(j, "attempts", json_integer(o->attempts));
	json_object_set_new(j, "created_at", jtime(o->created_at));
	json_object_set_new(j, "next_attempt_at", jtime(o->next_attempt_at));
	json_object_set_new(j, "sent_at", jtime(o->sent_at));
	json_object_set_new(j, "last_reply", jstr(o->last_reply));
	return j;
}

int
json_print(json_t *v)
{
	int rc = json_dumpf(v, stdout, JSON_INDENT(2));

	json_decref(v);
	if (rc == 0)
		fputc('\n', stdout);
	return rc == 0 ? 0 : -1;
}

/* json_dump_callback() sink: each line of the element one level deeper,
 * as inside an array. jansson hands over a few bytes at a time: they are
 * gathered and written once per element. */
static int
json_stream_put(const char *buf, size_t len, void *data)
{
	struct json_stream *js = data;
	const char *nl;

	while ((nl = memchr(buf, '\n', len)) != NULL) {
		sb_add(&js->buf, buf, (size_t)(nl - buf) + 1);
		sb_add(&js->buf, "  ", 2);
		len -= (size_t)(nl - buf) + 1;
		buf = nl + 1;
	}
	sb_add(&js->buf, buf, len);
	return 0;
}

void
json_stream_begin(struct json_stream *js, FILE *fp)
{
	js->fp = fp;
	js->n = 0;
	js->failed = 0;
	sb_init(&js->buf);
}

int
json_stream_add(struct json_stream *js, json_t *v)
{
	js->buf.len = 0;
	sb_adds(&js->buf, js->n++ == 0 ? "[\n  " : ",\n  ");
	if (!js->failed && (json_dump_callback(v, json_stream_put, js,
	    JSON_INDENT(2)) != 0 || fwrite(js->buf.s, 1, js->buf.len, js->fp) !=
	    js->buf.len))
		js->failed = 1;
	json_decref(v);
	return js->failed ? -1 : 0;
}

int
json_stream_end(struct json_stream *js)
{
	sb_free(&js->buf);
	if (!js->failed && fputs(js->n == 0 ? "[]\n" : "\n]\n", js->fp) ==
	    EOF)
		js->failed = 1;
	return js->failed ? -1 : 0;
}
