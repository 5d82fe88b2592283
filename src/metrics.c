/* metrics.c - picflow metrics in the Prometheus text exposition format
 * (version 0.0.4), with SPEC 10's names. Every label value picflow knows
 * is printed, with 0 when nothing has it: an alert on a series that does
 * not exist yet never fires. */
#include "metrics.h"
#include "afile.h"
#include "clock.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const outbox_states[] = { "queued", "sent", "failed",
    "suppressed", "bounced", NULL };
static const char *const mail_outcomes[] = { "request", "status", "help",
    "reply", "ignored", "too-big", NULL };

/* A label value as the format wants it: \\, \" and \n escaped. */
static void
sb_label(struct strbuf *sb, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			sb_addc(sb, '\\');
		if (*v == '\n') {
			sb_adds(sb, "\\n");
			continue;
		}
		sb_addc(sb, *v);
	}
}

static void
sb_family(struct strbuf *sb, const char *name, const char *type,
    const char *help)
{
	sb_addf(sb, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
sb_sample(struct strbuf *sb, const char *name, const char *label,
    const char *value, long long n)
{
	sb_adds(sb, name);
	if (label) {
		sb_addf(sb, "{%s=\"", label);
		sb_label(sb, value);
		sb_adds(sb, "\"}");
	}
	sb_addf(sb, " %lld\n", n);
}

/* The known values first (0 when absent), then any other the database
 * holds, so that a state added later is never hidden. */
static void
sb_counts(struct strbuf *sb, const char *name, const char *label,
    const char *const *known, const struct metric_count *v, size_t n)
{
	for (size_t k = 0; known[k]; k++) {
		long long c = 0;

		for (size_t i = 0; i < n; i++)
			if (strcmp(v[i].label, known[k]) == 0)
				c = v[i].n;
		sb_sample(sb, name, label, known[k], c);
	}
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;

		while (known[k] && strcmp(v[i].label, known[k]) != 0)
			k++;
		if (known[k] == NULL)
			sb_sample(sb, name, label, v[i].label, v[i].n);
	}
}

int
metrics_render(struct store *s, struct strbuf *sb, char *err, size_t errlen)
{
	struct store_metrics m;
	time_t now = clock_now();
	int rc;

	if ((rc = store_metrics_read(s, &m, err, errlen)) != PF_OK)
		return rc;
	sb_family(sb, "picflow_requests", "gauge", "Requests by state.");
	for (int st = ST_NONE + 1; st < ST__COUNT; st++)
		sb_sample(sb, "picflow_requests", "state",
		    state_name((enum req_state)st), m.requests[st]);
	sb_family(sb, "picflow_outbox", "gauge", "Notices by state.");
	sb_counts(sb, "picflow_outbox", "state", outbox_states, m.outbox,
	    m.n_outbox);
	sb_family(sb, "picflow_oldest_pending_seconds", "gauge", "Age of the "
	    "oldest pending request in seconds, 0 when none is pending.");
	sb_sample(sb, "picflow_oldest_pending_seconds", NULL, NULL,
	    m.oldest_pending && now > m.oldest_pending ?
	    (long long)(now - m.oldest_pending) : 0);
	sb_family(sb, "picflow_mails_total", "counter", "Mails recorded, by "
	    "outcome.");
	sb_counts(sb, "picflow_mails_total", "outcome", mail_outcomes, m.mails,
	    m.n_mails);
	sb_family(sb, "picflow_last_success_timestamp_seconds", "gauge",
	    "When each stage last succeeded, in seconds since the epoch; 0: "
	    "never.");
	for (int i = 0; i < MS__N; i++)
		sb_sample(sb, "picflow_last_success_timestamp_seconds",
		    "stage", metric_stage_name((enum metric_stage)i),
		    (long long)m.last_success[i]);
	store_metrics_free(&m);
	return PF_OK;
}

int
metrics_write_textfile(struct store *s, const char *path, char *err,
    size_t errlen)
{
	struct strbuf sb;
	struct afile af;
	size_t off = 0;
	ssize_t n;
	int rc;

	sb_init(&sb);
	if ((rc = metrics_render(s, &sb, err, errlen)) != PF_OK)
		goto done;
	if (afile_open(&af, path, 0644, err, errlen) != PF_OK) {
		rc = STORE_IO;
		goto done;
	}
	while (off < sb.len) {
		if ((n = write(af.fd, sb.s + off, sb.len - off)) < 0) {
			if (errno == EINTR)
				continue;
			err_set(err, errlen, "%s: %s", af.tmp, strerror(errno));
			afile_abort(&af);
			rc = STORE_IO;
			goto done;
		}
		off += (size_t)n;
	}
	/* No fsync: a textfile lost in a crash is written again by the
	 * next run; the rename alone keeps a reader from a half file. */
	rc = afile_commit(&af, 0, err, errlen) == PF_OK ? PF_OK : STORE_IO;
done:
	sb_free(&sb);
	return rc;
}
