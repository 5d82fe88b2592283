/* smtp_conn.c - one SMTP session on libetpan (see smtp_conn.h).
 *
 * What libetpan is trusted with, and what it is not (see the libetpan
 * notes):
 * - The socket is ours: libetpan's own connect ignores the session
 *   timeout on plain sockets, so we connect non-blocking with a deadline
 *   and hand the descriptor to mailstream_socket_open_timeout() (or
 *   mailstream_ssl_open_with_callback_timeout()), whose every read and
 *   write then waits at most the configured timeout. SO_RCVTIMEO and
 *   SO_SNDTIMEO bound the blocking calls under the select() as well.
 * - Certificates: libetpan checks none, so tls_verify_stream() runs right
 *   after each handshake, before EHLO, AUTH or any message.
 * - The dialogue is ours, on the libetpan stream, except STARTTLS (whose
 *   libetpan code carries the Debian fixes for response injection):
 *   libetpan's EHLO cannot carry a configured name, its AUTH needs Cyrus
 *   SASL plug-ins a machine may lack, mailesmtp_send() stops at the first
 *   refused recipient, its error enums lump 450 with 550, and its reply
 *   reader reads the byte before its buffer when the peer hangs up. So
 *   each step (greeting, EHLO, AUTH, RSET, MAIL, RCPT, DATA, the message
 *   through mailstream_send_data()) is one command and one reply,
 *   classified by the reply code: 2xx (354 for DATA) goes on, 4xx is
 *   temporary, 5xx permanent, anything else or nothing breaks the
 *   session. */
#include "smtp_conn.h"
#include "net.h"
#include "log.h"
#include "tls_verify.h"
#include "util.h"

#include <libetpan/libetpan.h>

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <unistd.h>

#define SMTP_PORT_TLS		465	/* submissions, RFC 8314 */
#define SMTP_PORT_STARTTLS	587	/* submission */
#define SMTP_PORT_PLAIN		25
#define SMTP_TEXT_MAX		1024	/* reply text kept while reading */
#define SMTP_LINES_MAX		100	/* lines in one reply: more is abuse */
#define SMTP_ADDR_MAX		254	/* RFC 5321 path limit, less <> */

/* The EHLO extensions that matter here. */
#define CAP_STARTTLS	0x1
#define CAP_AUTH	0x2
#define CAP_AUTH_PLAIN	0x4
#define CAP_AUTH_LOGIN	0x8
#define CAP_PIPELINING	0x10
#define CAP_SMTPUTF8	0x20

enum conn_state {
	CONN_OPENING,	/* not yet trusted: no QUIT on close */
	CONN_REFUSED,	/* trusted, in step, but it refused our AUTH: QUIT */
	CONN_READY,	/* between transactions */
	CONN_BROKEN	/* lost, timed out, or the server said 421 */
};

struct smtp_conn {
	mailsmtp	*smtp;
	enum conn_state	 state;
	const char	*host;		/* the configuration's */
	int		 port;
	int		 timeout;
	int		 tls;		/* TLS is up (tls or starttls) */
	int		 authenticated;	/* AUTH said 235 */
	unsigned	 caps;
	char		 mechs[128];	/* the AUTH mechanisms offered */
	unsigned	 n_txn;		/* transactions begun: RSET before
					   the next */
	int		 utf8;		/* this one needs SMTPUTF8 */
	MMAPString	*line;		/* buffer of our own reply reader */
	int		 code;		/* last reply, 0 when none */
	char		 text[SMTP_TEXT_MAX];	/* its lines, '\n' between */
	int		 failed_step;	/* enum txn_step of txn_failed */
	int		 body_out;	/* a message's final dot went out
					   unread (PIPELINING): its reply
					   comes with the next command */
	int		 prev_ready;	/* ... and was read into prev */
	struct smtp_result prev;
};

const char *
smtp_outcome_name(enum smtp_outcome o)
{
	switch (o) {
	case SMTP_SENT:
		return "sent";
	case SMTP_TEMPFAIL:
		return "temporary failure";
	case SMTP_PERMFAIL:
		return "permanent failure";
	case SMTP_SENDER_REFUSED:
		return "sender refused";
	case SMTP_BROKEN:
		return "connection lost";
	case SMTP_AUTH_REQUIRED:
		return "authentication required";
	case SMTP_PENDING:
		return "pending";
	default:
		abort();
	}
}

/* --- configuration ---------------------------------------------------- */

/* A mailbox we may put between <> in a command: no room for a second
 * command or a parameter to ride along. A quoted local part may hold
 * spaces ("john smith"@example.org, RFC 5321 4.1.2); *utf8 says whether
 * the path needs SMTPUTF8 (RFC 6531). */
static int
conn_addr_ok(const char *a, int *utf8)
{
	const char *at = strrchr(a, '@'), *qend = a;
	size_t len = strlen(a);

	*utf8 = 0;
	if (len < 3 || len > SMTP_ADDR_MAX || at == NULL || at == a ||
	    at[1] == '\0')
		return 0;
	if (a[0] == '"') {
		for (qend = a + 1; *qend != '\0' && *qend != '"'; qend++)
			if (*qend == '\\' && qend[1] != '\0')
				qend++;
		if (*qend != '"' || qend + 1 != at)
			return 0;
	}
	for (const unsigned char *p = (const unsigned char *)a; *p; p++) {
		if (*p == ' ' && (const char *)p < qend)
			continue;
		if (*p <= ' ' || *p == 0x7f || *p == '<' || *p == '>')
			return 0;
		*utf8 |= *p >= 0x80;
	}
	return 1;
}

/* An EHLO argument: one token of printable ASCII. */
static int
conn_token_ok(const char *s)
{
	if (*s == '\0' || strlen(s) > 255)
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= ' ' || *p >= 0x7f)
			return 0;
	return 1;
}

int
smtp_conn_check_config(const struct config *cfg, char *err, size_t errlen)
{
	const struct server_conf *sc = &cfg->smtp;
	const char *env = cfg->smtp_envelope_from;
	int utf8;

	if (sc->host == NULL || sc->host[0] == '\0') {
		err_set(err, errlen, "[smtp] host is not set");
		return SMTP_CONFIG;
	}
	if (sc->security == SEC_NONE && !sc->allow_plaintext &&
	    !net_is_loopback(sc->host)) {
		err_set(err, errlen, "[smtp] security = none is refused for %s,"
		    " which is not a loopback address: use tls or starttls, "
		    "or set allow_plaintext = yes", sc->host);
		return SMTP_CONFIG;
	}
	if ((sc->user == NULL) != (sc->password_file == NULL)) {
		err_set(err, errlen, "[smtp] user and password_file go "
		    "together: set both for AUTH, or neither");
		return SMTP_CONFIG;
	}
	if (cfg->smtp_helo && !conn_token_ok(cfg->smtp_helo)) {
		err_set(err, errlen, "[smtp] helo = %s: expected a host name",
		    cfg->smtp_helo);
		return SMTP_CONFIG;
	}
	if (cfg->smtp_from == NULL) {
		/* Alerts about failed notices come from it too. */
		err_set(err, errlen, "[smtp] from is not set (the "
		    "provisioning address notices come from)");
		return SMTP_CONFIG;
	}
	if (env == NULL || (strcmp(env, "<>") != 0 && (!conn_addr_ok(env,
	    &utf8) || utf8))) {
		err_set(err, errlen, "[smtp] envelope_from (or from) = %s: "
		    "expected an address, or <> for the null sender",
		    env ? env : "(not set)");
		return SMTP_CONFIG;
	}
	return PF_OK;
}

/* --- the TCP connection ---------------------------------------------- */

static int
conn_default_port(enum conn_security sec)
{
	switch (sec) {
	case SEC_TLS:
		return SMTP_PORT_TLS;
	case SEC_STARTTLS:
		return SMTP_PORT_STARTTLS;
	case SEC_NONE:
		return SMTP_PORT_PLAIN;
	default:
		abort();
	}
}

static int
conn_tcp(struct smtp_conn *c, int *fdp, char *err, size_t errlen)
{
	int temporary;

	if (net_connect("SMTP server", c->host, c->port, c->timeout, fdp,
	    &temporary, err, errlen) == PF_OK)
		return PF_OK;
	return SMTP_UNAVAILABLE;
}

/* --- replies --------------------------------------------------------- */

/* Server text goes to the database, logs and JSON: printable ASCII only. */
static void
conn_text_set(struct smtp_conn *c, const char *s, size_t at)
{
	size_t i = at;

	for (; *s && i + 1 < sizeof(c->text); s++, i++)
		c->text[i] = (*s == '\n' || ((unsigned char)*s >= ' ' &&
		    (unsigned char)*s < 0x7f)) ? *s : '?';
	c->text[i] = '\0';
}

/* After libetpan's STARTTLS: its reply, or none when the stream failed
 * (response_code may then be the previous reply's). */
static int
conn_take(struct smtp_conn *c, int r)
{
	size_t n;

	c->code = 0;
	c->text[0] = '\0';
	if (r == MAILSMTP_ERROR_STREAM || c->smtp->response_code <= 0)
		return 0;
	c->code = c->smtp->response_code;
	if (c->smtp->response)
		conn_text_set(c, c->smtp->response, 0);
	n = strlen(c->text);
	while (n > 0 && c->text[n - 1] == '\n')
		c->text[--n] = '\0';
	return c->code;
}

static void
conn_chomp(MMAPString *l)
{
	while (l->len > 0 && (l->str[l->len - 1] == '\n' ||
	    l->str[l->len - 1] == '\r'))
		l->str[--l->len] = '\0';
}

/* Our reader, for every reply but STARTTLS's: all lines of one reply (each
 * line unbounded, as in libetpan; at most SMTP_LINES_MAX). Returns the
 * code, 0 when the stream failed or the peer does not speak SMTP. */
static int
conn_read(struct smtp_conn *c)
{
	char *line;
	size_t at = 0;

	c->code = 0;
	c->text[0] = '\0';
	for (int n = 0; n < SMTP_LINES_MAX; n++) {
		/* Not mailstream_read_line_remove_eol(): it reads the byte
		 * before an empty line when the peer closes (valgrind). */
		if ((line = mailstream_read_line(c->smtp->stream,
		    c->line)) == NULL)
			return 0;
		conn_chomp(c->line);
		if (strlen(line) < 3 ||
		    strspn(line, "0123456789") < 3 || (line[3] != '\0' &&
		    line[3] != ' ' && line[3] != '-'))
			return 0;
		if (at > 0 && at + 1 < sizeof(c->text))
			c->text[at++] = '\n';
		conn_text_set(c, line[3] ? line + 4 : "", at);
		at = strlen(c->text);
		if (line[3] != '-') {
			c->code = (line[0] - '0') * 100 + (line[1] - '0') * 10 +
			    (line[2] - '0');
			return c->code;
		}
	}
	return 0;
}

static int
conn_command(struct smtp_conn *c, const char *line)
{
	mailstream *s = c->smtp->stream;

	c->code = 0;
	c->text[0] = '\0';
	if (mailstream_write(s, line, strlen(line)) == -1 ||
	    mailstream_write(s, "\r\n", 2) == -1 || mailstream_flush(s) == -1)
		return 0;
	return conn_read(c);
}

/* "STEP: 550 text" or "STEP: no reply ..." for results and errors. */
static void
conn_describe(const struct smtp_conn *c, const char *step, char *buf,
    size_t len)
{
	char text[SMTP_TEXT_MAX];
	const char *sep = step[0] ? ": " : "";

	snprintf(text, sizeof(text), "%s", c->text);
	for (char *p = text; *p; p++)
		if (*p == '\n')
			*p = ' ';
	if (c->code == 0)
		snprintf(buf, len, "%s%sno reply from %s port %d (connection "
		    "closed, or silent for %d s)", step, sep, c->host, c->port,
		    c->timeout);
	else	/* a cut server reply is still a clear one */
		snprintf(buf, len, "%s%s%03d %.400s", step, sep, c->code, text);
}

/* --- TLS, EHLO and AUTH ---------------------------------------------- */

static int
conn_verify(struct smtp_conn *c, const struct config *cfg, mailstream *s,
    char *err, size_t errlen)
{
	char why[PF_ERRLEN];

	c->tls = 1;
	if (!cfg->smtp.tls_verify) {
		log_warn("smtp: certificate of %s not verified ([smtp] verify "
		    "= no)", c->host);
		return PF_OK;
	}
	if (tls_verify_stream(s, c->host, cfg->smtp.ca_file, why,
	    sizeof(why)) != PF_OK) {
		err_set(err, errlen, "TLS certificate of SMTP server %s port "
		    "%d not trusted: %s (trusted CAs: %s); nothing was sent",
		    c->host, c->port, why, cfg->smtp.ca_file ?
		    cfg->smtp.ca_file : "the system store");
		return SMTP_UNAVAILABLE;
	}
	return PF_OK;
}

/* Wraps fd (always consumed) in a plain or TLS stream and reads the
 * greeting. */
static int
conn_stream(struct smtp_conn *c, const struct config *cfg, int fd,
    char *err, size_t errlen)
{
	char what[SMTP_REPLY_MAX];
	mailstream *s;
	int rc;

	if (cfg->smtp.security == SEC_TLS)
		s = mailstream_ssl_open_with_callback_timeout(fd, c->timeout,
		    tls_sni_callback, (void *)c->host);
	else
		s = mailstream_socket_open_timeout(fd, c->timeout);
	if (s == NULL) {
		close(fd);
		err_set(err, errlen, "%s with SMTP server %s port %d failed",
		    cfg->smtp.security == SEC_TLS ? "TLS handshake" :
		    "stream setup", c->host, c->port);
		return SMTP_UNAVAILABLE;
	}
	if (cfg->smtp.security == SEC_TLS &&
	    (rc = conn_verify(c, cfg, s, err, errlen)) != PF_OK) {
		mailstream_close(s);
		return rc;
	}
	/* What mailsmtp_connect() does, with our reader: the session owns
	 * the stream from here on (closed by smtp_conn_close()). */
	c->smtp->stream = s;
	if (conn_read(c) != 220) {
		conn_describe(c, "greeting", what, sizeof(what));
		err_set(err, errlen, "SMTP server %s port %d unavailable: %s",
		    c->host, c->port, what);
		return SMTP_UNAVAILABLE;
	}
	return PF_OK;
}

static void
conn_caps(struct smtp_conn *c)
{
	char *save = NULL, *l, text[SMTP_TEXT_MAX];

	c->caps = 0;
	c->mechs[0] = '\0';
	snprintf(text, sizeof(text), "%s", c->text);
	/* The first line is the server's name, not an extension. */
	if ((l = strtok_r(text, "\n", &save)) == NULL)
		return;
	while ((l = strtok_r(NULL, "\n", &save)) != NULL) {
		char *tok, *s2 = NULL;

		if (str_ieq(l, "STARTTLS"))
			c->caps |= CAP_STARTTLS;
		if (str_ieq(l, "PIPELINING"))
			c->caps |= CAP_PIPELINING;
		if (str_ieq(l, "SMTPUTF8"))
			c->caps |= CAP_SMTPUTF8;
		if (strncasecmp(l, "AUTH", 4) != 0 || (l[4] != ' ' &&
		    l[4] != '='))
			continue;
		c->caps |= CAP_AUTH;
		snprintf(c->mechs, sizeof(c->mechs), "%s", l + 5);
		for (tok = strtok_r(l + 5, " ", &s2); tok;
		    tok = strtok_r(NULL, " ", &s2)) {
			if (str_ieq(tok, "PLAIN"))
				c->caps |= CAP_AUTH_PLAIN;
			else if (str_ieq(tok, "LOGIN"))
				c->caps |= CAP_AUTH_LOGIN;
		}
	}
	/* mailesmtp_starttls() reads the flag from the session. */
	c->smtp->esmtp = MAILSMTP_ESMTP |
	    ((c->caps & CAP_STARTTLS) ? MAILSMTP_ESMTP_STARTTLS : 0);
}

/* The configured name, else our address literal (RFC 5321 4.1.3): never
 * the bare gethostname() libetpan would use. */
static void
conn_helo_name(struct smtp_conn *c, const struct config *cfg, char *buf,
    size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char addr[INET6_ADDRSTRLEN];
	int fd;

	if (cfg->smtp_helo) {
		snprintf(buf, len, "%s", cfg->smtp_helo);
		return;
	}
	fd = mailstream_low_get_fd(mailstream_get_low(c->smtp->stream));
	snprintf(buf, len, "localhost");
	if (fd < 0 || getsockname(fd, (struct sockaddr *)&ss, &sl) != 0 ||
	    getnameinfo((struct sockaddr *)&ss, sl, addr, sizeof(addr), NULL,
	    0, NI_NUMERICHOST) != 0)
		return;
	snprintf(buf, len, ss.ss_family == AF_INET6 ? "[IPv6:%s]" : "[%s]",
	    addr);
}

static int
conn_ehlo(struct smtp_conn *c, const struct config *cfg, char *err,
    size_t errlen)
{
	char name[300], cmd[320], what[SMTP_REPLY_MAX];
	int code;

	conn_helo_name(c, cfg, name, sizeof(name));
	snprintf(cmd, sizeof(cmd), "EHLO %s", name);
	code = conn_command(c, cmd);
	if (code / 100 == 5) {
		/* RFC 5321 4.1.4: an old server; no extensions then. */
		snprintf(cmd, sizeof(cmd), "HELO %s", name);
		code = conn_command(c, cmd);
		c->text[0] = '\0';
	}
	if (code / 100 != 2) {
		conn_describe(c, "EHLO", what, sizeof(what));
		err_set(err, errlen, "SMTP server %s port %d refused us: %s",
		    c->host, c->port, what);
		return SMTP_UNAVAILABLE;
	}
	conn_caps(c);
	return PF_OK;
}

static int
conn_starttls(struct smtp_conn *c, const struct config *cfg, char *err,
    size_t errlen)
{
	char what[SMTP_REPLY_MAX];
	int r, rc;

	if (!(c->caps & CAP_STARTTLS)) {
		err_set(err, errlen, "SMTP server %s port %d does not offer "
		    "STARTTLS (security = starttls); nothing was sent",
		    c->host, c->port);
		return SMTP_UNAVAILABLE;
	}
	/* The TLS stream libetpan builds takes the session's timeout. */
	mailsmtp_set_timeout(c->smtp, c->timeout);
	r = mailsmtp_socket_starttls_with_callback(c->smtp, tls_sni_callback,
	    (void *)c->host);
	if (r != MAILSMTP_NO_ERROR) {
		if (r == MAILSMTP_ERROR_SSL)
			snprintf(what, sizeof(what), "TLS handshake failed");
		else {
			conn_take(c, r);
			conn_describe(c, "STARTTLS", what, sizeof(what));
		}
		err_set(err, errlen, "STARTTLS with SMTP server %s port %d "
		    "failed: %s", c->host, c->port, what);
		return SMTP_UNAVAILABLE;
	}
	if ((rc = conn_verify(c, cfg, c->smtp->stream, err, errlen)) != PF_OK)
		return rc;
	/* RFC 3207: forget what was said in clear, ask again. */
	return conn_ehlo(c, cfg, err, errlen);
}

static char *
b64_encode(const unsigned char *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = xmalloc((n + 2) / 3 * 4 + 1), *o = out;

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 |
		    (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
		    (i + 2 < n ? p[i + 2] : 0);

		*o++ = tab[v >> 18 & 63];
		*o++ = tab[v >> 12 & 63];
		*o++ = i + 1 < n ? tab[v >> 6 & 63] : '=';
		*o++ = i + 2 < n ? tab[v & 63] : '=';
	}
	*o = '\0';
	return out;
}

/* Secrets do not outlive their use in our memory. */
static void
wipe_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

/* One command carrying base64 of buf[0..n), prefixed; the reply code. */
static int
conn_command_b64(struct smtp_conn *c, const char *prefix,
    const unsigned char *buf, size_t n)
{
	char *b = b64_encode(buf, n), *cmd = xasprintf("%s%s", prefix, b);
	int code = conn_command(c, cmd);

	wipe_free(cmd);
	wipe_free(b);
	return code;
}

static int
conn_auth_plain(struct smtp_conn *c, const char *user, const char *pass)
{
	size_t ul = strlen(user), pl = strlen(pass);
	unsigned char *raw = xmalloc(ul + pl + 2);
	int code;

	/* authzid (empty) NUL authcid NUL password, RFC 4616 */
	raw[0] = '\0';
	memcpy(raw + 1, user, ul);
	raw[ul + 1] = '\0';
	memcpy(raw + ul + 2, pass, pl);
	code = conn_command_b64(c, "AUTH PLAIN ", raw, ul + pl + 2);
	explicit_bzero(raw, ul + pl + 2);
	free(raw);
	return code;
}

static int
conn_auth_login(struct smtp_conn *c, const char *user, const char *pass)
{
	int code = conn_command(c, "AUTH LOGIN");

	if (code == 334)
		code = conn_command_b64(c, "", (const unsigned char *)user,
		    strlen(user));
	if (code == 334)
		code = conn_command_b64(c, "", (const unsigned char *)pass,
		    strlen(pass));
	return code;
}

static int
conn_auth(struct smtp_conn *c, const struct config *cfg, const char *pass,
    char *err, size_t errlen)
{
	char what[SMTP_REPLY_MAX];
	int code;

	if (cfg->smtp.user == NULL)
		return PF_OK;
	if (c->caps & CAP_AUTH_PLAIN)
		code = conn_auth_plain(c, cfg->smtp.user, pass);
	else if (c->caps & CAP_AUTH_LOGIN)
		code = conn_auth_login(c, cfg->smtp.user, pass);
	else {
		err_set(err, errlen, "SMTP server %s port %d offers %s; "
		    "[smtp] user is set, so nothing was sent", c->host,
		    c->port, (c->caps & CAP_AUTH) ? "no AUTH PLAIN or LOGIN" :
		    "no AUTH");
		return SMTP_UNAVAILABLE;
	}
	if (code == 235) {
		c->authenticated = 1;
		return PF_OK;
	}
	/* A refusal in step (not a lost session) is answered with QUIT. */
	if (code != 0)
		c->state = CONN_REFUSED;
	conn_describe(c, "AUTH", what, sizeof(what));
	err_set(err, errlen, "SMTP server %s port %d refused the login of "
	    "%s: %s", c->host, c->port, cfg->smtp.user, what);
	return SMTP_UNAVAILABLE;
}

/* --- the session ------------------------------------------------------ */

static int
conn_secret(const struct config *cfg, char **pass, char *err, size_t errlen)
{
	char why[PF_ERRLEN];

	*pass = NULL;
	if (cfg->smtp.password_file == NULL)
		return PF_OK;
	if (config_read_secret(cfg->smtp.password_file, pass, why,
	    sizeof(why)) != PF_OK) {
		err_set(err, errlen, "[smtp] password_file: %s", why);
		return SMTP_CONFIG;
	}
	return PF_OK;
}

int
smtp_conn_open(const struct config *cfg, struct smtp_conn **out, char *err,
    size_t errlen)
{
	struct smtp_conn *c = NULL;
	char *pass = NULL;
	int fd = -1, rc;

	*out = NULL;
	if ((rc = smtp_conn_check_config(cfg, err, errlen)) != PF_OK ||
	    (rc = conn_secret(cfg, &pass, err, errlen)) != PF_OK)
		goto done;
	c = xcalloc(1, sizeof(*c));
	c->state = CONN_OPENING;
	c->host = cfg->smtp.host;
	c->port = cfg->smtp.port ? cfg->smtp.port :
	    conn_default_port(cfg->smtp.security);
	c->timeout = cfg->smtp.timeout > 0 ? cfg->smtp.timeout : 60;
	if ((c->smtp = mailsmtp_new(0, NULL)) == NULL ||
	    (c->line = mmap_string_new("")) == NULL) {
		err_set(err, errlen, "out of memory for an SMTP session");
		rc = PF_ERR;
		goto done;
	}
	mailsmtp_set_timeout(c->smtp, c->timeout);
	if ((rc = conn_tcp(c, &fd, err, errlen)) != PF_OK ||
	    (rc = conn_stream(c, cfg, fd, err, errlen)) != PF_OK ||
	    (rc = conn_ehlo(c, cfg, err, errlen)) != PF_OK ||
	    (cfg->smtp.security == SEC_STARTTLS &&
	    (rc = conn_starttls(c, cfg, err, errlen)) != PF_OK) ||
	    (rc = conn_auth(c, cfg, pass, err, errlen)) != PF_OK)
		goto done;
	c->state = CONN_READY;
	log_debug("smtp: connected to %s port %d%s%s", c->host, c->port,
	    c->tls ? " with TLS" : "", cfg->smtp.user ? ", authenticated" :
	    "");
	*out = c;
	c = NULL;
done:
	smtp_conn_close(c);
	wipe_free(pass);
	return rc;
}

/* --- transactions ---------------------------------------------------- */

enum txn_step { TXN_RSET, TXN_MAIL, TXN_RCPT, TXN_DATA, TXN_BODY, TXN_DONE };

static const char *
txn_name(enum txn_step step)
{
	switch (step) {
	case TXN_RSET:
		return "RSET";
	case TXN_MAIL:
		return "MAIL FROM";
	case TXN_RCPT:
		return "RCPT TO";
	case TXN_DATA:
		return "DATA";
	case TXN_BODY:
		return "end of data";
	default:
		abort();
	}
}

/* The message, dot-stuffed, and its final dot, into the stream's
 * buffer: not flushed, so that with PIPELINING the next envelope goes
 * out in the same write. mailstream_send_data() would flush, and add an
 * empty line unless our final line end went first; line by line through
 * mailstream_send_data_crlf() (bare LF to CRLF), the bytes are the same
 * as its. */
static int
txn_body_write(struct smtp_conn *c, const char *msg, size_t len)
{
	mailstream *s = c->smtp->stream;
	const char *p, *nl, *end = msg + len;

	c->code = 0;
	c->text[0] = '\0';
	for (p = msg; p < end; p = nl) {
		nl = memchr(p, '\n', (size_t)(end - p));
		nl = nl ? nl + 1 : end;
		if ((*p == '.' && mailstream_write(s, ".", 1) == -1) ||
		    mailstream_send_data_crlf(s, p, (size_t)(nl - p), 0,
		    NULL) == -1)
			return -1;
	}
	if (len > 0 && msg[len - 1] != '\n' &&
	    mailstream_write(s, "\r\n", 2) == -1)
		return -1;
	return mailstream_write(s, ".\r\n", 3) == -1 ? -1 : 0;
}

/* Runs one step; returns the reply code, 0 when there was none. The
 * commands are ours rather than mailsmtp_mail() and friends: libetpan's
 * reply reader reads the byte before its buffer when the peer hangs up
 * (valgrind), and ours also keeps the text printable and bounded. */
static int
txn_do(struct smtp_conn *c, enum txn_step step, const char *from,
    const char *to, const char *msg, size_t len)
{
	char cmd[SMTP_ADDR_MAX + 32];

	switch (step) {
	case TXN_RSET:
		return conn_command(c, "RSET");
	case TXN_MAIL:
		snprintf(cmd, sizeof(cmd), "MAIL FROM:<%s>%s", from,
		    c->utf8 ? " SMTPUTF8" : "");
		return conn_command(c, cmd);
	case TXN_RCPT:
		snprintf(cmd, sizeof(cmd), "RCPT TO:<%s>", to);
		return conn_command(c, cmd);
	case TXN_DATA:
		return conn_command(c, "DATA");
	case TXN_BODY:
		if (txn_body_write(c, msg, len) == -1 ||
		    mailstream_flush(c->smtp->stream) == -1)
			return 0;
		return conn_read(c);
	default:
		abort();
	}
}

static enum txn_step
txn_next(enum txn_step step)
{
	switch (step) {
	case TXN_RSET:
		return TXN_MAIL;
	case TXN_MAIL:
		return TXN_RCPT;
	case TXN_RCPT:
		return TXN_DATA;
	case TXN_DATA:
		return TXN_BODY;
	case TXN_BODY:
		return TXN_DONE;
	default:
		abort();
	}
}

/* What a reply that is not the expected one means at this step. */
static enum smtp_outcome
txn_failure(enum txn_step step, int code)
{
	if (code == 0 || step == TXN_RSET)
		return SMTP_BROKEN;
	switch (code / 100) {
	case 4:
		return SMTP_TEMPFAIL;
	case 5:
		return step == TXN_MAIL ? SMTP_SENDER_REFUSED : SMTP_PERMFAIL;
	default:
		return SMTP_BROKEN;	/* 1xx, 2xx to DATA, 3xx elsewhere */
	}
}

/* Whether text (a reply's) contains word, ASCII case-insensitively. */
static int
txn_says(const char *text, const char *word)
{
	size_t n = strlen(word);

	for (; *text; text++)
		if (strncasecmp(text, word, n) == 0)
			return 1;
	return 0;
}

/* A refusal to MAIL or RCPT that means "authenticate first": the
 * configuration is at fault, not the notice, and every other notice would
 * meet it too. 530 (RFC 4954) and 5.7.0 always. 5.7.1 ("delivery not
 * authorized", RFC 3463) is what servers answer both for relaying denied
 * to a client that did not authenticate and for a recipient their policy
 * refuses; so 5.7.1, or a 5xx without an enhanced code, counts only when
 * this session did not authenticate and the server's text says relay,
 * authentication or logged in: Postfix "554 5.7.1 <x>: Relay access
 * denied", Exim "550 relay not permitted", Sendmail "550 5.7.1 Relaying
 * denied. Proceed with authentication", and a server offering AUTH that
 * says "Client host rejected" (Postfix's submission service). "5.7.1
 * Recipient address rejected: Access denied" stays a refusal of that
 * recipient. */
static int
txn_auth_required(const struct smtp_conn *c, enum txn_step step, int code)
{
	const char *t = c->text;
	int esc71, noesc;

	if ((step != TXN_MAIL && step != TXN_RCPT) || code / 100 != 5)
		return 0;
	if (code == 530 || strncmp(t, "5.7.0", 5) == 0)
		return 1;
	esc71 = strncmp(t, "5.7.1", 5) == 0;
	noesc = !(t[0] >= '2' && t[0] <= '5' && t[1] == '.');
	if (c->authenticated || !(esc71 || noesc))
		return 0;
	/* Postfix's submission service with permit_sasl_authenticated,
	 * reject says "Client host rejected": about us, not the recipient. */
	return txn_says(t, "relay") || txn_says(t, "authenticat") ||
	    txn_says(t, "logged in") || ((c->caps & CAP_AUTH) &&
	    txn_says(t, "client host rejected"));
}

/* Records the failure of step (the reply just read) in res. */
static void
txn_failed(struct smtp_conn *c, enum txn_step step, int code,
    struct smtp_result *res)
{
	res->outcome = txn_auth_required(c, step, code) ?
	    SMTP_AUTH_REQUIRED : txn_failure(step, code);
	c->failed_step = (int)step;
	/* 421: the server is closing the session. */
	if (res->outcome == SMTP_BROKEN || code == 421)
		c->state = CONN_BROKEN;
	res->code = code;
	conn_describe(c, txn_name(step), res->reply, sizeof(res->reply));
}

/* The reply to the final dot of the message before (body_out), into
 * prev: read when `read`, else that message is lost with the session (a
 * write failed: nothing more comes). */
static void
txn_settle(struct smtp_conn *c, int read)
{
	int code;

	if (!c->body_out)
		return;
	c->body_out = 0;
	c->prev_ready = 1;
	memset(&c->prev, 0, sizeof(c->prev));
	code = read ? conn_read(c) : 0;
	if (code / 100 == 2) {
		c->prev.outcome = SMTP_SENT;
		c->prev.code = code;
		conn_describe(c, "", c->prev.reply, sizeof(c->prev.reply));
	} else
		txn_failed(c, TXN_BODY, code, &c->prev);
}

/* With PIPELINING (RFC 2920), the commands up to DATA (RSET, MAIL,
 * RCPT, DATA) go out in one write and their replies are read
 * afterwards: one round trip where there were four, and round trips are
 * what a session spends its time on. After a failure the remaining
 * replies are still read, to keep the session in step, and the first
 * failure is the one reported. A server that refused the sender or the
 * recipient must refuse DATA too (RFC 2920 3.1); one that says 354
 * anyway gets an empty message, which has nobody to go to. Returns 1
 * when the message may follow (354), 0 with res filled otherwise. */
static int
txn_envelope(struct smtp_conn *c, enum txn_step first, const char *from,
    const char *to, struct smtp_result *res)
{
	mailstream *s = c->smtp->stream;
	char cmds[2 * SMTP_ADDR_MAX + 64];
	enum txn_step step;
	int code, failed = 0, n;

	n = snprintf(cmds, sizeof(cmds), "%sMAIL FROM:<%s>%s\r\n"
	    "RCPT TO:<%s>\r\nDATA\r\n", first == TXN_RSET ? "RSET\r\n" : "",
	    from, c->utf8 ? " SMTPUTF8" : "", to);
	c->code = 0;
	c->text[0] = '\0';
	if (n < 0 || (size_t)n >= sizeof(cmds) ||
	    mailstream_write(s, cmds, (size_t)n) == -1 ||
	    mailstream_flush(s) == -1) {
		txn_settle(c, 0);
		txn_failed(c, first, 0, res);
		return 0;
	}
	/* The message before first: its reply is the first to come. */
	txn_settle(c, 1);
	if (c->state != CONN_READY) {
		txn_failed(c, first, 0, res);
		return 0;
	}
	for (step = first; step != TXN_BODY; step = txn_next(step)) {
		code = conn_read(c);
		if (step == TXN_DATA ? code == 354 : code / 100 == 2) {
			if (step == TXN_DATA && failed && (mailstream_write(s,
			    ".\r\n", 3) == -1 || mailstream_flush(s) == -1 ||
			    conn_read(c) == 0))
				c->state = CONN_BROKEN;
			continue;
		}
		if (!failed)
			txn_failed(c, step, code, res);
		else if (code == 0 || code == 421)
			c->state = CONN_BROKEN;
		failed = 1;
		if (c->state != CONN_READY)
			break;
	}
	return !failed;
}

void
smtp_conn_send(struct smtp_conn *c, const char *from, const char *to,
    const char *msg, size_t len, struct smtp_result *res)
{
	enum txn_step step, first;
	int code, utf8;

	memset(res, 0, sizeof(*res));
	if (!conn_addr_ok(to, &utf8)) {
		res->outcome = SMTP_PERMFAIL;
		snprintf(res->reply, sizeof(res->reply), "recipient address "
		    "cannot be used in SMTP (refused before sending)");
		return;
	}
	if (utf8 && !(c->caps & CAP_SMTPUTF8)) {
		res->outcome = SMTP_PERMFAIL;
		snprintf(res->reply, sizeof(res->reply), "not sent: the "
		    "recipient address is not ASCII, and the SMTP server does "
		    "not offer SMTPUTF8 (RFC 6531)");
		return;
	}
	c->utf8 = utf8;
	if (c->state != CONN_READY) {
		res->outcome = SMTP_BROKEN;
		res->untouched = 1;
		snprintf(res->reply, sizeof(res->reply), "not connected");
		return;
	}
	first = step = c->n_txn++ > 0 ? TXN_RSET : TXN_MAIL;
	if (c->caps & CAP_PIPELINING) {
		if (!txn_envelope(c, step, from, to, res))
			goto failed;
		/* Its final reply comes with the next message's envelope,
		 * which may follow the message in one group (RFC 2920 3.1):
		 * one round trip a message, where there were two. */
		if (txn_body_write(c, msg, len) == -1) {
			txn_failed(c, TXN_BODY, 0, res);
			goto failed;
		}
		c->body_out = 1;
		res->outcome = SMTP_PENDING;
		return;
	}
	while (step != TXN_DONE) {
		code = txn_do(c, step, from, to, msg, len);
		if (step == TXN_DATA ? code != 354 : code / 100 != 2) {
			txn_failed(c, step, code, res);
			goto failed;
		}
		step = txn_next(step);
	}
	res->outcome = SMTP_SENT;
	res->code = c->code;
	conn_describe(c, "", res->reply, sizeof(res->reply));
	return;
failed:
	/* Nothing of the message is sent before DATA's 354, which comes
	 * after the first command's reply. */
	res->untouched = c->failed_step == (int)first && (res->code == 0 ||
	    res->code == 421);
}

int
smtp_conn_settle(struct smtp_conn *c, struct smtp_result *res)
{
	if (c == NULL)
		return 0;
	if (!c->prev_ready && c->body_out && (c->state != CONN_READY ||
	    mailstream_flush(c->smtp->stream) == -1))
		txn_settle(c, 0);
	if (!c->prev_ready)
		txn_settle(c, 1);
	if (!c->prev_ready)
		return 0;
	*res = c->prev;
	c->prev_ready = 0;
	return 1;
}

void
smtp_conn_try_envelope(struct smtp_conn *c, const char *from,
    const char *to, struct smtp_result *res)
{
	static const enum txn_step steps[] = { TXN_MAIL, TXN_RCPT };
	int code, utf8;

	memset(res, 0, sizeof(*res));
	(void)smtp_conn_settle(c, &c->prev);
	if (c->state != CONN_READY || !conn_addr_ok(to, &utf8) ||
	    (utf8 && !(c->caps & CAP_SMTPUTF8))) {
		res->outcome = SMTP_BROKEN;
		snprintf(res->reply, sizeof(res->reply), "not connected, or "
		    "an address this server cannot take");
		return;
	}
	c->utf8 = utf8;
	if (c->n_txn++ > 0 && conn_command(c, "RSET") / 100 != 2) {
		txn_failed(c, TXN_RSET, c->code, res);
		return;
	}
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		code = txn_do(c, steps[i], from, to, NULL, 0);
		if (code / 100 != 2) {
			txn_failed(c, steps[i], code, res);
			return;
		}
	}
	res->outcome = SMTP_SENT;	/* would be taken; nothing was sent */
	res->code = c->code;
	conn_describe(c, "RCPT TO", res->reply, sizeof(res->reply));
}

const char *
smtp_conn_auth_offered(const struct smtp_conn *c)
{
	return c->mechs[0] ? c->mechs : NULL;
}

int
smtp_conn_usable(const struct smtp_conn *c)
{
	return c != NULL && c->state == CONN_READY;
}

void
smtp_conn_abandon(struct smtp_conn *c)
{
	if (c != NULL)
		c->state = CONN_BROKEN;
	smtp_conn_close(c);
}

int
smtp_conn_alive(const struct smtp_conn *c)
{
	mailstream *s;

	if (!smtp_conn_usable(c) || c->body_out || c->prev_ready ||
	    (s = c->smtp->stream) == NULL || s->read_buffer_len > 0)
		return 0;
	return net_quiet(mailstream_low_get_fd(mailstream_get_low(s)));
}

void
smtp_conn_close(struct smtp_conn *c)
{
	if (c == NULL)
		return;
	if (c->smtp && c->smtp->stream) {
		/* QUIT (RFC 5321 4.1.1.10) and close_notify to a peer in step,
		 * also after it refused our AUTH; nothing more to one that is
		 * gone, silent, or whose certificate failed. */
		if (c->state == CONN_READY || c->state == CONN_REFUSED) {
			(void)smtp_conn_settle(c, &c->prev);
			(void)conn_command(c, "QUIT");
			if (c->tls)
				tls_close_notify(c->smtp->stream);
		}
		mailstream_close(c->smtp->stream);
		c->smtp->stream = NULL;
	}
	if (c->smtp)
		mailsmtp_free(c->smtp);
	if (c->line)
		mmap_string_free(c->line);
	free(c);
}
