/* imap_conn.c - one verified, authenticated IMAP session on libetpan.
 *
 * libetpan verifies no certificate and its connect helpers give no
 * control over the connect timeout or the error that stopped them, so
 * the socket is opened here (non-blocking connect bounded by the
 * configured timeout), wrapped in a libetpan stream that carries the same
 * timeout for every read and write, and the certificate is verified
 * (tls_verify.c) before the first credential is written. Errors are
 * sorted into the classes of imap_conn.h so that cron gets the right
 * exit code: refusals are 69, what may pass by itself is 75. */
#include "imap_conn.h"
#include "imap_names.h"
#include "net.h"
#include "log.h"
#include "tls_verify.h"
#include "util.h"

#include <libetpan/libetpan.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

struct imap_conn {
	mailimap			*imap;
	const struct server_conf	*sc;
	char				*where;		/* "host:port" */
	uint32_t			*track;		/* imap_conn_track() */
	struct imap_names		 names;		/* where mailboxes go */
};

/* A UID FETCH result, handed over whole: its bodies point into it. */
struct imap_fetched {
	clist				*list;
};

/* How messages leave the selected mailbox, from the capabilities. */
enum imap_move_way {
	MOVE_UID_MOVE,		/* RFC 6851 */
	MOVE_COPY_UIDEXPUNGE,	/* UIDPLUS: expunge exactly ours */
	MOVE_COPY_EXPUNGE	/* neither: EXPUNGE everything \Deleted */
};

static int
imap_port(const struct server_conf *sc)
{
	if (sc->port)
		return sc->port;
	return sc->security == SEC_TLS ? 993 : 143;
}

/* The server's text of the last tagged response, for messages. */
static const char *
imap_said(const struct imap_conn *c)
{
	const char *t = c->imap ? c->imap->imap_response : NULL;

	return t && *t ? t : "no reason given";
}

/* Sorts a libetpan error of command `what` into the classes of
 * imap_conn.h, with one line in err. */
static int
imap_fail(struct imap_conn *c, int r, const char *what, char *err,
    size_t errlen)
{
	switch (r) {
	case MAILIMAP_ERROR_STREAM:
	case MAILIMAP_ERROR_PARSE:
		err_set(err, errlen, "IMAP %s: connection lost or no answer "
		    "within %d s during %s", c->where, c->sc->timeout, what);
		return IMAP_TEMPFAIL;
	case MAILIMAP_ERROR_FATAL:
		err_set(err, errlen, "IMAP %s: server closed the session "
		    "during %s: %s", c->where, what, imap_said(c));
		return IMAP_TEMPFAIL;
	case MAILIMAP_ERROR_MEMORY:
		err_set(err, errlen, "IMAP %s: out of memory during %s",
		    c->where, what);
		return PF_ERR;
	default:
		err_set(err, errlen, "IMAP %s: server refused %s: %s",
		    c->where, what, imap_said(c));
		return IMAP_UNAVAILABLE;
	}
}

/* Called with the result of every command sent while a mailbox is
 * selected: the EXPUNGE responses it carried (libetpan keeps those of the
 * last response only) move the tracked position. Each number is in the
 * view left by the ones before it, so they are taken in order. */
static int
imap_done(struct imap_conn *c, int r)
{
	struct mailimap_response_info *ri = c->imap->imap_response_info;

	if (c->track == NULL || ri == NULL || ri->rsp_expunged == NULL)
		return r;
	for (clistiter *it = clist_begin(ri->rsp_expunged); it;
	    it = clist_next(it))
		if (*(uint32_t *)clist_content(it) <= *c->track)
			(*c->track)--;
	return r;
}

void
imap_conn_track(struct imap_conn *c, uint32_t *pos)
{
	c->track = pos;
}

static int
imap_tcp_connect(struct imap_conn *c, int *fdp, char *err, size_t errlen)
{
	int temporary;

	if (net_connect("IMAP server", c->sc->host, imap_port(c->sc),
	    c->sc->timeout, fdp, &temporary, err, errlen) == PF_OK)
		return PF_OK;
	return temporary ? IMAP_TEMPFAIL : IMAP_UNAVAILABLE;
}

/* Reads the greeting on stream (now owned by the session). */
static int
imap_greeting(struct imap_conn *c, mailstream *stream, char *err,
    size_t errlen)
{
	int r = mailimap_connect(c->imap, stream);

	switch (r) {
	case MAILIMAP_NO_ERROR_NON_AUTHENTICATED:
		return PF_OK;
	case MAILIMAP_NO_ERROR_AUTHENTICATED:
		/* PREAUTH before STARTTLS would skip TLS altogether. */
		if (c->sc->security == SEC_STARTTLS) {
			err_set(err, errlen, "IMAP %s: server sent PREAUTH, "
			    "so STARTTLS is impossible", c->where);
			return IMAP_UNAVAILABLE;
		}
		return PF_OK;
	case MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION:
		err_set(err, errlen, "IMAP %s: server refuses connections "
		    "for now: %s", c->where, imap_said(c));
		return IMAP_TEMPFAIL;
	default:
		err_set(err, errlen, "IMAP %s: no valid IMAP greeting within "
		    "%d s", c->where, c->sc->timeout);
		return IMAP_UNAVAILABLE;
	}
}

/* Asks for the capabilities again (they change after STARTTLS and
 * after login); the session keeps them. */
static int
imap_capabilities(struct imap_conn *c, char *err, size_t errlen)
{
	struct mailimap_capability_data *cap = NULL;
	int r;

	if ((r = mailimap_capability(c->imap, &cap)) != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, "CAPABILITY", err, errlen);
	mailimap_capability_data_free(cap);
	return PF_OK;
}

static int
imap_verify(struct imap_conn *c, char *err, size_t errlen)
{
	char why[PF_ERRLEN];

	if (!c->sc->tls_verify) {
		log_warn("IMAP %s: certificate not verified (verify = no)",
		    c->where);
		return PF_OK;
	}
	if (tls_verify_stream(c->imap->imap_stream, c->sc->host,
	    c->sc->ca_file, why, sizeof(why)) != PF_OK) {
		err_set(err, errlen, "IMAP %s: TLS: %s", c->where, why);
		return IMAP_UNAVAILABLE;
	}
	return PF_OK;
}

static int
imap_starttls(struct imap_conn *c, char *err, size_t errlen)
{
	mailstream_low *low, *tls;
	int r, fd;

	if (!mailimap_has_extension(c->imap, "STARTTLS")) {
		err_set(err, errlen, "IMAP %s: server does not offer STARTTLS "
		    "(security = starttls)", c->where);
		return IMAP_UNAVAILABLE;
	}
	/* mailimap_starttls refuses data sent ahead of the handshake
	 * (CVE-2020-15953); the handshake itself gets our timeout. */
	if ((r = mailimap_starttls(c->imap)) != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, "STARTTLS", err, errlen);
	low = mailstream_get_low(c->imap->imap_stream);
	if ((fd = mailstream_low_get_fd(low)) == -1 ||
	    (tls = mailstream_low_tls_open_with_callback_timeout(fd,
	    c->sc->timeout, tls_sni_callback, c->sc->host)) == NULL) {
		err_set(err, errlen, "IMAP %s: TLS handshake failed after "
		    "STARTTLS", c->where);
		return IMAP_UNAVAILABLE;
	}
	mailstream_low_free(low);	/* frees, does not close the socket */
	mailstream_set_low(c->imap->imap_stream, tls);
	return PF_OK;
}

/* TCP, then TLS as configured, verified; the greeting is read. */
static int
imap_establish(struct imap_conn *c, char *err, size_t errlen)
{
	mailstream *stream;
	int fd, rc;

	if ((rc = imap_tcp_connect(c, &fd, err, errlen)) != PF_OK)
		return rc;
	switch (c->sc->security) {
	case SEC_TLS:
		stream = mailstream_ssl_open_with_callback_timeout(fd,
		    c->sc->timeout, tls_sni_callback, c->sc->host);
		break;
	case SEC_STARTTLS:
	case SEC_NONE:
		stream = mailstream_socket_open_timeout(fd, c->sc->timeout);
		break;
	default:
		abort();
	}
	if (stream == NULL) {
		close(fd);
		err_set(err, errlen, "IMAP %s: %s", c->where,
		    c->sc->security == SEC_TLS ? "TLS handshake failed" :
		    "cannot set up the connection");
		return IMAP_UNAVAILABLE;
	}
	if ((rc = imap_greeting(c, stream, err, errlen)) != PF_OK)
		return rc;
	switch (c->sc->security) {
	case SEC_TLS:
		return imap_verify(c, err, errlen);
	case SEC_STARTTLS:
		if ((rc = imap_capabilities(c, err, errlen)) != PF_OK ||
		    (rc = imap_starttls(c, err, errlen)) != PF_OK)
			return rc;
		return imap_verify(c, err, errlen);
	case SEC_NONE:
		return PF_OK;
	default:
		abort();
	}
}

/* RFC 5530: these codes say "not now" rather than "never". */
static int
imap_code_is_temporary(const struct imap_conn *c)
{
	const char *code = c->imap->imap_response_info ?
	    c->imap->imap_response_info->rsp_atom : NULL;

	return code && (strcasecmp(code, "UNAVAILABLE") == 0 ||
	    strcasecmp(code, "INUSE") == 0 || strcasecmp(code, "LIMIT") == 0);
}

/* LOGIN, unless the server forbids it; the password lives only here. */
static int
imap_login(struct imap_conn *c, char *err, size_t errlen)
{
	char *pw = NULL;
	int r, rc;

	if (c->imap->imap_state == MAILIMAP_STATE_AUTHENTICATED)
		return PF_OK;	/* PREAUTH */
	if ((rc = imap_capabilities(c, err, errlen)) != PF_OK)
		return rc;
	if (mailimap_has_extension(c->imap, "LOGINDISABLED")) {
		err_set(err, errlen, "IMAP %s: server does not allow LOGIN "
		    "on this connection (LOGINDISABLED)%s", c->where,
		    c->sc->security == SEC_NONE ? ": use security = tls or "
		    "starttls" : "");
		return IMAP_UNAVAILABLE;
	}
	if (config_read_secret(c->sc->password_file, &pw, err, errlen) !=
	    PF_OK)
		return IMAP_CONFIG;
	r = mailimap_login(c->imap, c->sc->user, pw);
	explicit_bzero(pw, strlen(pw));
	free(pw);
	if (r == MAILIMAP_NO_ERROR)
		return PF_OK;
	if (r != MAILIMAP_ERROR_LOGIN)
		return imap_fail(c, r, "LOGIN", err, errlen);
	err_set(err, errlen, "IMAP %s: login as %s refused: %s", c->where,
	    c->sc->user, imap_said(c));
	return imap_code_is_temporary(c) ? IMAP_TEMPFAIL : IMAP_UNAVAILABLE;
}

/* security = none sends the password in clear: loopback only, unless
 * the operator says otherwise. */
static int
imap_plaintext_allowed(const struct server_conf *sc)
{
	return sc->security != SEC_NONE || sc->allow_plaintext ||
	    net_is_loopback(sc->host);
}

static int
imap_check_conf(const struct server_conf *sc, char *err, size_t errlen)
{
	if (sc->host == NULL || *sc->host == '\0') {
		err_set(err, errlen, "[imap] host is not set");
		return IMAP_CONFIG;
	}
	if (sc->user == NULL || sc->password_file == NULL) {
		err_set(err, errlen, "[imap] user and password_file are "
		    "required");
		return IMAP_CONFIG;
	}
	if (!imap_plaintext_allowed(sc)) {
		err_set(err, errlen, "[imap] security = none would send the "
		    "password in clear to %s, which is not a loopback address "
		    "(use tls or starttls, or set allow_plaintext = yes)",
		    sc->host);
		return IMAP_CONFIG;
	}
	return PF_OK;
}

/* The non-empty prefixes of one NAMESPACE list, as "others". */
static void
imap_add_others(struct imap_conn *c, struct mailimap_namespace_item *item)
{
	if (item == NULL)
		return;
	for (clistiter *it = clist_begin(item->ns_data_list); it;
	    it = clist_next(it))
		imap_names_add_other(&c->names, ((struct
		    mailimap_namespace_info *)clist_content(it))->ns_prefix);
}

/* NAMESPACE (RFC 2342) and the hierarchy delimiter (LIST "" ""): where
 * the configured mailboxes go (imap_names.h). A server without
 * NAMESPACE, or whose answer is refused, gets every name as written. */
static int
imap_learn_names(struct imap_conn *c, char *err, size_t errlen)
{
	struct mailimap_namespace_data *ns = NULL;
	const char *personal = "";
	clist *list = NULL;
	char delim = '\0';
	int r;

	r = mailimap_list(c->imap, "", "", &list);
	if (r != MAILIMAP_NO_ERROR && r != MAILIMAP_ERROR_LIST)
		return imap_fail(c, r, "LIST \"\" \"\"", err, errlen);
	if (r == MAILIMAP_ERROR_LIST)	/* refused: the delimiter unknown */
		list = NULL;
	else if (clist_begin(list) != NULL)
		delim = ((struct mailimap_mailbox_list *)
		    clist_content(clist_begin(list)))->mb_delimiter;
	if (list != NULL)
		mailimap_list_result_free(list);
	if (mailimap_has_namespace(c->imap) &&
	    (r = mailimap_namespace(c->imap, &ns)) != MAILIMAP_NO_ERROR) {
		/* ERROR_EXTENSION is a NO or BAD: a lost session is not. */
		if (r != MAILIMAP_ERROR_EXTENSION)
			return imap_fail(c, r, "NAMESPACE", err, errlen);
		log_warn("IMAP %s: NAMESPACE refused: mailbox names are "
		    "used as written", c->where);
		ns = NULL;
	}
	if (ns != NULL && ns->ns_personal != NULL &&
	    clist_begin(ns->ns_personal->ns_data_list) != NULL) {
		struct mailimap_namespace_info *p = clist_content(
		    clist_begin(ns->ns_personal->ns_data_list));

		personal = p->ns_prefix;
		if (delim == '\0')
			delim = p->ns_delimiter;
	}
	imap_names_set(&c->names, personal, delim);
	if (ns != NULL) {
		imap_add_others(c, ns->ns_other);
		imap_add_others(c, ns->ns_shared);
		mailimap_namespace_data_free(ns);
	}
	log_debug("IMAP %s: personal namespace \"%s\", delimiter \"%c\"",
	    c->where, c->names.personal, delim ? delim : ' ');
	return PF_OK;
}

char *
imap_conn_place(const struct imap_conn *c, const char *mailbox)
{
	return imap_names_place(&c->names, mailbox);
}

const char *
imap_conn_personal_prefix(const struct imap_conn *c)
{
	return c->names.personal;
}

char
imap_conn_delimiter(const struct imap_conn *c)
{
	return c->names.delim;
}

int
imap_conn_open(const struct server_conf *sc, struct imap_conn **out,
    char *err, size_t errlen)
{
	struct imap_conn *c;
	int rc;

	*out = NULL;
	if ((rc = imap_check_conf(sc, err, errlen)) != PF_OK)
		return rc;
	/* A peer that closes the socket must be an error, not death
	 * (libetpan writes after a failed STARTTLS). */
	signal(SIGPIPE, SIG_IGN);
	/* The fallback of every libetpan stream without its own timeout. */
	mailstream_network_delay.tv_sec = sc->timeout;
	mailstream_network_delay.tv_usec = 0;
	c = xcalloc(1, sizeof(*c));
	c->sc = sc;
	c->where = xasprintf("%s:%d", sc->host, imap_port(sc));
	if ((c->imap = mailimap_new(0, NULL)) == NULL)
		abort();
	mailimap_set_timeout(c->imap, sc->timeout);
	imap_names_init(&c->names);
	if ((rc = imap_establish(c, err, errlen)) != PF_OK ||
	    (rc = imap_login(c, err, errlen)) != PF_OK ||
	    (rc = imap_capabilities(c, err, errlen)) != PF_OK ||
	    (rc = imap_learn_names(c, err, errlen)) != PF_OK) {
		imap_conn_close(c);
		return rc;
	}
	*out = c;
	return PF_OK;
}

static void
imap_conn_end(struct imap_conn *c, int logout)
{
	if (c == NULL)
		return;
	if (c->imap) {
		if (logout && (c->imap->imap_state ==
		    MAILIMAP_STATE_AUTHENTICATED ||
		    c->imap->imap_state == MAILIMAP_STATE_SELECTED)) {
			mailimap_logout(c->imap);
		} else if (c->imap->imap_stream) {
			/* Not logged in (refused, or a certificate we do
			 * not trust), or abandoned: hang up without another
			 * word, where mailimap_free would send LOGOUT. */
			mailstream_close(c->imap->imap_stream);
			c->imap->imap_stream = NULL;
			c->imap->imap_state = MAILIMAP_STATE_DISCONNECTED;
		}
		mailimap_free(c->imap);
	}
	imap_names_free(&c->names);
	free(c->where);
	free(c);
}

void
imap_conn_close(struct imap_conn *c)
{
	imap_conn_end(c, 1);
}

void
imap_conn_abandon(struct imap_conn *c)
{
	imap_conn_end(c, 0);
}

int
imap_conn_alive(const struct imap_conn *c)
{
	mailstream *s;

	if (c == NULL || (c->imap->imap_state != MAILIMAP_STATE_AUTHENTICATED &&
	    c->imap->imap_state != MAILIMAP_STATE_SELECTED) ||
	    (s = c->imap->imap_stream) == NULL || s->read_buffer_len > 0)
		return 0;
	return net_quiet(mailstream_low_get_fd(mailstream_get_low(s)));
}

/* Whether the LIST answer names a mailbox that can hold mail. */
static int
imap_listed(clist *list, int *noselect)
{
	struct mailimap_mailbox_list *mb;

	*noselect = 0;
	if (clist_begin(list) == NULL)
		return 0;
	mb = clist_content(clist_begin(list));
	*noselect = mb->mb_flag != NULL &&
	    mb->mb_flag->mbf_type == MAILIMAP_MBX_LIST_FLAGS_SFLAG &&
	    mb->mb_flag->mbf_sflag == MAILIMAP_MBX_LIST_SFLAG_NOSELECT;
	return 1;
}

int
imap_conn_ensure_mailbox(struct imap_conn *c, const char *mailbox,
    enum imap_box_state *state, char *err, size_t errlen)
{
	clist *list = NULL;
	char *name = imap_conn_place(c, mailbox);
	int r, rc = PF_OK, found, noselect;

	if ((r = imap_done(c, mailimap_list(c->imap, "", name, &list))) !=
	    MAILIMAP_NO_ERROR) {
		rc = imap_fail(c, r, "LIST", err, errlen);
		goto done;
	}
	found = imap_listed(list, &noselect);
	mailimap_list_result_free(list);
	if (found && noselect) {
		err_set(err, errlen, "IMAP %s: mailbox %s exists but cannot "
		    "hold mail (\\Noselect)", c->where, name);
		rc = IMAP_CONFIG;
	} else if (found) {
		if (state)
			*state = IMAP_BOX_EXISTS;
	} else if ((r = imap_done(c, mailimap_create(c->imap, name))) ==
	    MAILIMAP_NO_ERROR) {
		log_info("IMAP %s: created mailbox %s", c->where, name);
		if (state)
			*state = IMAP_BOX_CREATED;
	} else if (r == MAILIMAP_ERROR_CREATE && !imap_code_is_temporary(c)) {
		/* A refusal is for the operator to fix: another name, or
		 * the rights to create it. */
		err_set(err, errlen, "IMAP %s: cannot create mailbox %s%s%s: "
		    "%s (personal namespace \"%s\")", c->where, name,
		    strcmp(name, mailbox) ? ", placed from " : "",
		    strcmp(name, mailbox) ? mailbox : "", imap_said(c),
		    c->names.personal);
		rc = IMAP_CONFIG;
	} else
		rc = imap_fail(c, r, "CREATE", err, errlen);
done:
	free(name);
	return rc;
}

int
imap_conn_select(struct imap_conn *c, const char *mailbox,
    uint32_t *uidvalidity, char *err, size_t errlen)
{
	char *name = imap_conn_place(c, mailbox);
	int r;

	r = mailimap_select(c->imap, name);
	free(name);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, "SELECT", err, errlen);
	*uidvalidity = c->imap->imap_selection_info->sel_uidvalidity;
	if (*uidvalidity == 0) {
		/* Without it, UIDs identify nothing across sessions. */
		err_set(err, errlen, "IMAP %s: mailbox %s has no UIDVALIDITY",
		    c->where, mailbox);
		return IMAP_UNAVAILABLE;
	}
	return PF_OK;
}

uint32_t
imap_conn_exists(const struct imap_conn *c)
{
	const struct mailimap_selection_info *sel =
	    c->imap->imap_selection_info;

	return sel ? sel->sel_exists : 0;
}

uint32_t
imap_conn_uidnext(const struct imap_conn *c)
{
	const struct mailimap_selection_info *sel =
	    c->imap->imap_selection_info;

	return sel ? sel->sel_uidnext : 0;
}

/* The static attribute of kind `type` of one FETCH response, or NULL. */
static struct mailimap_msg_att_static *
imap_att(struct mailimap_msg_att *ma, int type)
{
	for (clistiter *it = clist_begin(ma->att_list); it;
	    it = clist_next(it)) {
		struct mailimap_msg_att_item *item = clist_content(it);

		if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC &&
		    item->att_data.att_static->att_type == type)
			return item->att_data.att_static;
	}
	return NULL;
}

int
imap_conn_fetch_refs(struct imap_conn *c, uint32_t seq_lo, uint32_t seq_hi,
    struct imap_msgref **out, size_t *n, char *err, size_t errlen)
{
	struct mailimap_fetch_type *ft;
	struct mailimap_set *set;
	clist *res = NULL;
	int r;

	*out = NULL;
	*n = 0;
	ft = mailimap_fetch_type_new_fetch_att_list_empty();
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_rfc822_size());
	set = mailimap_set_new_interval(seq_lo, seq_hi);
	r = imap_done(c, mailimap_fetch(c->imap, set, ft, &res));
	mailimap_set_free(set);
	mailimap_fetch_type_free(ft);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, "FETCH", err, errlen);
	*out = xcalloc(clist_count(res), sizeof(**out));
	for (clistiter *it = clist_begin(res); it; it = clist_next(it)) {
		struct mailimap_msg_att *ma = clist_content(it);
		struct mailimap_msg_att_static *uid, *size;

		/* Unsolicited FETCH (flag changes) carry no UID: skip. */
		if ((uid = imap_att(ma, MAILIMAP_MSG_ATT_UID)) == NULL ||
		    (size = imap_att(ma, MAILIMAP_MSG_ATT_RFC822_SIZE)) ==
		    NULL || ma->att_number < seq_lo || ma->att_number > seq_hi)
			continue;
		(*out)[*n].seq = ma->att_number;
		(*out)[*n].uid = uid->att_data.att_uid;
		(*out)[*n].size = size->att_data.att_rfc822_size;
		(*n)++;
	}
	mailimap_fetch_list_free(res);
	return PF_OK;
}

static struct mailimap_set *
imap_uid_set(const uint32_t *uids, size_t n)
{
	struct mailimap_set *set = mailimap_set_new_empty();
	size_t i, j;

	/* Runs of consecutive UIDs as ranges: a move of thousands of mails
	 * is then "1201:3200", not a command line of 14 KB. */
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && uids[j] == uids[j - 1] + 1; j++)
			;
		if (mailimap_set_add_interval(set, uids[i], uids[j - 1]) !=
		    MAILIMAP_NO_ERROR)
			abort();
	}
	return set;
}

int
imap_conn_fetch_bodies(struct imap_conn *c, const uint32_t *uids, size_t n,
    size_t partial, struct imap_fetched **out, char *err, size_t errlen)
{
	struct mailimap_fetch_type *ft;
	struct mailimap_fetch_att *fa;
	struct mailimap_set *set;
	clist *list = NULL;
	int r;

	*out = NULL;
	if (partial)
		fa = mailimap_fetch_att_new_body_peek_section_partial(
		    mailimap_section_new(NULL), 0, (uint32_t)partial);
	else
		fa = mailimap_fetch_att_new_body_peek_section(
		    mailimap_section_new(NULL));
	ft = mailimap_fetch_type_new_fetch_att_list_empty();
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(ft, fa);
	set = imap_uid_set(uids, n);
	r = imap_done(c, mailimap_uid_fetch(c->imap, set, ft, &list));
	mailimap_set_free(set);
	mailimap_fetch_type_free(ft);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, "UID FETCH", err, errlen);
	*out = xcalloc(1, sizeof(**out));
	(*out)->list = list;
	return PF_OK;
}

size_t
imap_fetched_bodies(const struct imap_fetched *f, struct imap_body *out)
{
	size_t n = 0;

	for (clistiter *it = clist_begin(f->list); it; it = clist_next(it)) {
		struct mailimap_msg_att_static *uid, *body;

		if ((uid = imap_att(clist_content(it), MAILIMAP_MSG_ATT_UID)) ==
		    NULL || (body = imap_att(clist_content(it),
		    MAILIMAP_MSG_ATT_BODY_SECTION)) == NULL ||
		    body->att_data.att_body_section->sec_body_part == NULL)
			continue;	/* no UID, or NIL: nothing to read */
		if (out != NULL) {
			out[n].uid = uid->att_data.att_uid;
			out[n].data =
			    body->att_data.att_body_section->sec_body_part;
			out[n].len = body->att_data.att_body_section->sec_length;
		}
		n++;
	}
	return n;
}

void
imap_fetched_free(struct imap_fetched *f)
{
	if (f == NULL)
		return;
	mailimap_fetch_list_free(f->list);
	free(f);
}

static enum imap_move_way
imap_move_way(struct imap_conn *c)
{
	if (mailimap_has_extension(c->imap, "MOVE"))
		return MOVE_UID_MOVE;
	if (mailimap_has_uidplus(c->imap))
		return MOVE_COPY_UIDEXPUNGE;
	return MOVE_COPY_EXPUNGE;
}

/* COPY, then mark and expunge the originals. */
static int
imap_copy_delete(struct imap_conn *c, struct mailimap_set *set,
    const char *dest, int uid_expunge, char *err, size_t errlen)
{
	struct mailimap_store_att_flags *sf;
	struct mailimap_flag_list *fl;
	int r;

	if ((r = imap_done(c, mailimap_uid_copy(c->imap, set, dest))) !=
	    MAILIMAP_NO_ERROR)
		return imap_fail(c, r, "UID COPY", err, errlen);
	fl = mailimap_flag_list_new_empty();
	mailimap_flag_list_add(fl, mailimap_flag_new_deleted());
	sf = mailimap_store_att_flags_new_add_flags_silent(fl);
	r = imap_done(c, mailimap_uid_store(c->imap, set, sf));
	mailimap_store_att_flags_free(sf);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, "UID STORE", err, errlen);
	r = imap_done(c, uid_expunge ? mailimap_uid_expunge(c->imap, set) :
	    mailimap_expunge(c->imap));
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, "EXPUNGE", err, errlen);
	return PF_OK;
}

int
imap_conn_move(struct imap_conn *c, const uint32_t *uids, size_t n,
    const char *dest, char *err, size_t errlen)
{
	struct mailimap_set *set;
	char *to;
	int r, rc = PF_OK;

	if (n == 0)
		return PF_OK;
	to = imap_conn_place(c, dest);
	dest = to;
	set = imap_uid_set(uids, n);
	switch (imap_move_way(c)) {
	case MOVE_UID_MOVE:
		if ((r = imap_done(c, mailimap_uid_move(c->imap, set,
		    dest))) != MAILIMAP_NO_ERROR)
			rc = imap_fail(c, r, "UID MOVE", err, errlen);
		break;
	case MOVE_COPY_UIDEXPUNGE:
		rc = imap_copy_delete(c, set, dest, 1, err, errlen);
		break;
	case MOVE_COPY_EXPUNGE:
		rc = imap_copy_delete(c, set, dest, 0, err, errlen);
		break;
	default:
		abort();
	}
	mailimap_set_free(set);
	free(to);
	return rc;
}

int
imap_conn_examine(struct imap_conn *c, const char *mailbox, char *err,
    size_t errlen)
{
	char *name = imap_conn_place(c, mailbox);
	int r;

	r = mailimap_examine(c->imap, name);
	free(name);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, "EXAMINE", err, errlen);
	return PF_OK;
}

int
imap_conn_has_idle(const struct imap_conn *c)
{
	return mailimap_has_idle(c->imap);
}

int
imap_conn_idle_start(struct imap_conn *c, int *fd, char *err, size_t errlen)
{
	int r;

	if ((r = mailimap_idle(c->imap)) != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, "IDLE", err, errlen);
	*fd = mailimap_idle_get_fd(c->imap);
	return PF_OK;
}

/* libetpan reads the socket in blocks: what the server sent right after
 * its "+ idling" may already sit in the stream's buffer, where poll(2)
 * on the socket would never see it. */
int
imap_conn_idle_buffered(const struct imap_conn *c)
{
	return c->imap->imap_stream != NULL &&
	    c->imap->imap_stream->read_buffer_len > 0;
}

int
imap_conn_idle_done(struct imap_conn *c, char *err, size_t errlen)
{
	int r;

	if ((r = mailimap_idle_done(c->imap)) != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, "IDLE DONE", err, errlen);
	return PF_OK;
}

int
imap_conn_noop(struct imap_conn *c, int *arrived, char *err, size_t errlen)
{
	struct mailimap_selection_info *sel = c->imap->imap_selection_info;
	int r;

	*arrived = 0;
	if (sel != NULL)
		sel->sel_has_exists = 0;
	if ((r = mailimap_noop(c->imap)) != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, "NOOP", err, errlen);
	/* libetpan sets sel_has_exists on an EXISTS response only; an
	 * EXPUNGE (of our own moves) just counts sel_exists down. */
	sel = c->imap->imap_selection_info;
	*arrived = sel != NULL && sel->sel_has_exists && sel->sel_exists > 0;
	return PF_OK;
}
