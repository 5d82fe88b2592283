/* testutil.c - helpers shared by the cmocka unit tests. */
#include "testutil.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

char *
tu_read_data(const char *relpath, size_t *len)
{
	char path[4096], err[PF_ERRLEN], *buf;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", TEST_DATA_DIR, relpath);
	if (file_read_all(path, 0, &buf, &n, err, sizeof(err)) != PF_OK)
		fail_msg("%s", err);
	if (len)
		*len = n;
	return buf;
}

char *
tu_tmpdir(void)
{
	char tmpl[] = "/tmp/picflow-test-XXXXXX";

	if (mkdtemp(tmpl) == NULL)
		fail_msg("mkdtemp failed");
	return xstrdup(tmpl);
}

void
tu_rmtree(const char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	if (system(cmd) != 0)
		fprintf(stderr, "warning: could not remove %s\n", dir);
	free(cmd);
}

const char *
tu_templates(void)
{
	const char *d = getenv("PICFLOW_TEMPLATES");

	return d && *d ? d : PICFLOW_SOURCE_DIR "/mailtemplates";
}

#include "clock.h"
#include "decide.h"
#include "reason_text.h"
#include "store_int.h"

void
tu_env_open(struct tu_env *e, const char *extra_ini)
{
	char err[PF_ERRLEN], *path;
	FILE *fp;

	memset(e, 0, sizeof(*e));
	e->dir = tu_tmpdir();
	path = xasprintf("%s/picflow.conf", e->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "[database]\npath = %s/picflow.db\n"
	    "[smtp]\nfrom = provisioning@pic.example.net\n"
	    "from_name = PIC Provisioning\n"
	    "[operator]\naddress = noc@pic.example.net\n"
	    /* tests of confirmation (SPEC 6) turn it on in extra_ini */
	    "[policy]\nconfirm_contacts = no\n"
	    /* no DNS lookups unless a test asks for them (SPEC 8) */
	    "[dns]\ncheck = off\n%s\n", e->dir,
	    extra_ini ? extra_ini : "");
	fclose(fp);
	if (config_load(&e->cfg, path, err, sizeof(err)) != PF_OK)
		fail_msg("config: %s", err);
	free(path);
	if (store_open(e->cfg.db_path, &e->s, err, sizeof(err)) != PF_OK)
		fail_msg("store: %s", err);
}

void
tu_env_close(struct tu_env *e)
{
	store_close(e->s);
	config_free(&e->cfg);
	tu_rmtree(e->dir);
	free(e->dir);
	memset(e, 0, sizeof(*e));
}

void
tu_set_now(const char *iso)
{
	char err[PF_ERRLEN];

	setenv("PICFLOW_NOW", iso, 1);
	if (clock_init(err, sizeof(err)) != PF_OK)
		fail_msg("%s", err);
}

void
tu_ingest(struct tu_env *e, const char *raw, struct ingest_result *r)
{
	char err[PF_ERRLEN];

	if (store_begin(e->s, err, sizeof(err)) != PF_OK ||
	    ingest_mail(e->s, &e->cfg, raw, strlen(raw), "file", r, err,
	    sizeof(err)) != PF_OK ||
	    store_commit(e->s, err, sizeof(err)) != PF_OK)
		fail_msg("ingest: %s", err);
}

char *
tu_mail(const char *from, const char *msgid, const char *extra_headers,
    const char *body)
{
	return xasprintf("From: %s\r\nTo: provisioning@pic.example.net\r\n"
	    "Subject: PIC request\r\nMessage-ID: <%s>\r\n"
	    "Date: Thu, 26 Nov 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n%s\r\n%s", from, msgid,
	    extra_headers ? extra_headers : "", body);
}

long
tu_sql_int(struct tu_env *e, const char *sql, const char *param)
{
	sqlite3_stmt *st;
	long v;

	if (sqlite3_prepare_v2(e->s->db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("sql %s: %s", sql, sqlite3_errmsg(e->s->db));
	if (param)
		sqlite3_bind_text(st, 1, param, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_ROW)
		fail_msg("sql %s: no row", sql);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

void
tu_notice(struct tu_env *e, const char *to, const char *tmpl, int n,
    struct mail_text *mt, char **raw)
{
	sqlite3_stmt *st;
	char err[PF_ERRLEN];
	int i = 0;

	if (sqlite3_prepare_v2(e->s->db, "SELECT message FROM outbox WHERE "
	    "recipient = ? AND template = ? ORDER BY id", -1, &st,
	    NULL) != SQLITE_OK)
		fail_msg("%s", sqlite3_errmsg(e->s->db));
	sqlite3_bind_text(st, 1, to, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, tmpl, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (i++ < n)
			continue;
		*raw = xstrndup(sqlite3_column_blob(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0));
		sqlite3_finalize(st);
		memset(mt, 0, sizeof(*mt));
		if (mime_text_extract(*raw, strlen(*raw), mt, err,
		    sizeof(err)) != PF_OK)
			fail_msg("%s", err);
		return;
	}
	sqlite3_finalize(st);
	fail_msg("no %s notice #%d to %s", tmpl, n, to);
}

char *
tu_header(const char *raw, const char *name)
{
	size_t nl = strlen(name);
	const char *p = raw;
	struct strbuf sb;

	while (*p && !(p[0] == '\r' && p[1] == '\n') && *p != '\n') {
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			sb_init(&sb);
			for (;;) {
				const char *eol = strstr(p, "\r\n");

				sb_add(&sb, p, (size_t)(eol - p));
				p = eol + 2;
				if (*p != ' ' && *p != '\t')
					break;
			}
			return sb_steal(&sb);
		}
		p = strstr(p, "\r\n");
		if (p == NULL)
			return NULL;
		p += 2;
	}
	return NULL;
}

struct tu_env tu_e;

int
tu_setup(void **state)
{
	(void)state;
	tu_set_now("2026-11-26T09:00:00Z");
	tu_env_open(&tu_e, NULL);
	return 0;
}

int
tu_teardown(void **state)
{
	(void)state;
	tu_env_close(&tu_e);
	return 0;
}

long
tu_count(const char *sql, const char *param)
{
	return tu_sql_int(&tu_e, sql, param);
}

void
tu_ingest_body(const char *from, const char *msgid, const char *hdrs,
    const char *body, struct ingest_result *r)
{
	char *raw = tu_mail(from, msgid, hdrs, body);

	tu_ingest(&tu_e, raw, r);
	free(raw);
}

void
tu_provision(const char *tag)
{
	struct request_row row;
	char err[PF_ERRLEN];

	assert_int_equal(store_request_load(tu_e.s, tag, &row, err,
	    sizeof(err)), STORE_FOUND);
	assert_int_equal(store_begin(tu_e.s, err, sizeof(err)), PF_OK);
	assert_int_equal(decide_provision(tu_e.s, &tu_e.cfg, &row, NULL,
	    "operator", err, sizeof(err)), PF_OK);
	assert_int_equal(store_commit(tu_e.s, err, sizeof(err)), PF_OK);
	request_row_free(&row);
}

const char *
tu_warning(const struct request_form *f, size_t i)
{
	static char buf[2048];
	char *s;

	if (i >= f->warnings.n)
		fail_msg("no warning %zu (of %zu)", i, f->warnings.n);
	s = reason_text(tu_templates(), f->warnings.v[i].code,
	    f->warnings.v[i].detail, f->language);
	snprintf(buf, sizeof(buf), "%s", s);
	free(s);
	return buf;
}

const char *
tu_state_of(const char *tag)
{
	static char buf[32];
	struct request_row r;
	char err[PF_ERRLEN];

	assert_int_equal(store_request_load(tu_e.s, tag, &r, err, sizeof(err)),
	    STORE_FOUND);
	snprintf(buf, sizeof(buf), "%s", state_name(r.state));
	request_row_free(&r);
	return buf;
}
