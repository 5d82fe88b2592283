/* testutil.h - helpers shared by the cmocka unit tests. */
#ifndef PICFLOW_TESTUTIL_H
#define PICFLOW_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* Contents of TEST_DATA_DIR/relpath, NUL-terminated; fails the test if
 * missing. */
char	*tu_read_data(const char *relpath, size_t *len);
/* A fresh empty temporary directory (removed by tu_rmtree). */
char	*tu_tmpdir(void);
void	 tu_rmtree(const char *dir);
/* The templates directory the tests use (PICFLOW_TEMPLATES, else the
 * source tree's mailtemplates). */
const char *tu_templates(void);

#endif

#include "config.h"
#include "ingest.h"
#include "mime_text.h"
#include "store.h"

/* A database and configuration in a fresh temporary directory. */
struct tu_env {
	char		*dir;
	struct config	 cfg;
	struct store	*s;
};

/* extra_ini is appended to a minimal configuration (may be NULL). */
void	tu_env_open(struct tu_env *e, const char *extra_ini);
void	tu_env_close(struct tu_env *e);
/* Sets PICFLOW_NOW (ISO 8601) and re-reads the clock. */
void	tu_set_now(const char *iso);
/* Ingests raw in its own transaction; fails the test on error. */
void	tu_ingest(struct tu_env *e, const char *raw, struct ingest_result *r);
/* A request mail: headers From/Subject/Message-ID (+extra_headers) and
 * body. Returned malloc'd. */
char	*tu_mail(const char *from, const char *msgid, const char *extra_headers,
	    const char *body);
/* The integer result of a one-value SQL query with one optional text
 * parameter. */
long	tu_sql_int(struct tu_env *e, const char *sql, const char *param);
/* The n-th (0-based, by id) outbox message to `to` with template tmpl,
 * decoded by the MIME reader (NULL-safe lookups fail the test). */
void	tu_notice(struct tu_env *e, const char *to, const char *tmpl, int n,
	    struct mail_text *mt, char **raw);
/*
 * The engine tests share one environment, tu_e, opened afresh for each test
 * by tu_setup (clock at 2026-11-26T09:00:00Z) and closed by tu_teardown
 * (cmocka fixtures). The helpers below without an env argument work on it.
 */
extern struct tu_env tu_e;
int	tu_setup(void **state);
int	tu_teardown(void **state);
/* tu_sql_int on tu_e. */
long	tu_count(const char *sql, const char *param);
/* tu_mail, then tu_ingest into tu_e. */
void	tu_ingest_body(const char *from, const char *msgid, const char *hdrs,
	    const char *body, struct ingest_result *r);
/* The operator provisions the request tag (one transaction). */
void	tu_provision(const char *tag);
/* The state of request tag in tu_e, by name (a static buffer). */
const char *tu_state_of(const char *tag);

/* The sentence of warning i of f, as a notice shows it (a static buffer,
 * good until the next call). */
struct request_form;
const char *tu_warning(const struct request_form *f, size_t i);

/* The header line "Name: value" of a raw message (unfolded), or NULL. */
char	*tu_header(const char *raw, const char *name);
