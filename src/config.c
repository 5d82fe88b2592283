/* config.c - the INI configuration of SPEC 5, read with inih.
 *
 * Every key is one row of a table (section, key, type, where it goes), so
 * the parser, the "unknown key" check and the defaults cannot drift apart.
 * Networks live in sections of their own: [network.NAME] rule=, ends=. */
#include "config.h"
#include "clock.h"
#include "log.h"
#include "util.h"

#include <ini.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum key_type { K_STR, K_INT, K_BOOL, K_SECURITY, K_LEVEL, K_TARGET,
    K_DNSCHECK, K_OWNERSHIP };

struct key_def {
	const char	*section;
	const char	*key;
	enum key_type	 type;
	size_t		 off;
	long		 min, max;
};

#define DNS_ROOT_KEY	"/usr/share/dns/root.key"

#define C(f)	offsetof(struct config, f)
#define P(f)	(offsetof(struct config, policy) + offsetof(struct policy, f))
#define IM(f)	(offsetof(struct config, imap) + offsetof(struct server_conf, f))
#define SM(f)	(offsetof(struct config, smtp) + offsetof(struct server_conf, f))

static const struct key_def keys[] = {
	{ "database", "path", K_STR, C(db_path), 0, 0 },
	{ "imap", "host", K_STR, IM(host), 0, 0 },
	{ "imap", "port", K_INT, IM(port), 1, 65535 },
	{ "imap", "security", K_SECURITY, IM(security), 0, 0 },
	{ "imap", "user", K_STR, IM(user), 0, 0 },
	{ "imap", "password_file", K_STR, IM(password_file), 0, 0 },
	{ "imap", "ca_file", K_STR, IM(ca_file), 0, 0 },
	{ "imap", "verify", K_BOOL, IM(tls_verify), 0, 0 },
	{ "imap", "allow_plaintext", K_BOOL, IM(allow_plaintext), 0, 0 },
	{ "imap", "timeout", K_INT, IM(timeout), 1, 3600 },
	{ "imap", "mailbox", K_STR, C(imap_mailbox), 0, 0 },
	{ "imap", "processed_mailbox", K_STR, C(imap_processed), 0, 0 },
	{ "imap", "failed_mailbox", K_STR, C(imap_failed), 0, 0 },
	{ "imap", "batch_size", K_INT, C(imap_batch), 1, 10000 },
	{ "smtp", "host", K_STR, SM(host), 0, 0 },
	{ "smtp", "port", K_INT, SM(port), 1, 65535 },
	{ "smtp", "security", K_SECURITY, SM(security), 0, 0 },
	{ "smtp", "user", K_STR, SM(user), 0, 0 },
	{ "smtp", "password_file", K_STR, SM(password_file), 0, 0 },
	{ "smtp", "ca_file", K_STR, SM(ca_file), 0, 0 },
	{ "smtp", "verify", K_BOOL, SM(tls_verify), 0, 0 },
	{ "smtp", "allow_plaintext", K_BOOL, SM(allow_plaintext), 0, 0 },
	{ "smtp", "timeout", K_INT, SM(timeout), 1, 3600 },
	{ "smtp", "from", K_STR, C(smtp_from), 0, 0 },
	{ "smtp", "from_name", K_STR, C(smtp_from_name), 0, 0 },
	{ "smtp", "envelope_from", K_STR, C(smtp_envelope_from), 0, 0 },
	{ "smtp", "helo", K_STR, C(smtp_helo), 0, 0 },
	{ "smtp", "verp", K_BOOL, C(smtp_verp), 0, 0 },
	{ "smtp", "max_age_days", K_INT, C(smtp_max_age_days), 1, 60 },
	{ "operator", "address", K_STR, C(operator_address), 0, 0 },
	{ "policy", "provisioning_days", K_INT, P(provisioning_days), 1, 365 },
	{ "policy", "edge_change_days", K_INT, P(edge_change_days), 1, 365 },
	{ "policy", "cooldown_hours", K_INT, P(cooldown_hours), 0, 24 * 365 },
	{ "policy", "max_edge_fqdns", K_INT, P(max_edge_fqdns), 1, 1000 },
	{ "policy", "max_sip_domains", K_INT, P(max_sip_domains), 1, 100000 },
	{ "policy", "replies_per_sender_per_day", K_INT,
	    P(replies_per_sender_per_day), 0, 100000 },
	{ "policy", "max_message_bytes", K_INT, P(max_message_bytes),
	    1024, 1024L * 1024 * 1024 },
	{ "policy", "default_language", K_STR, P(default_language), 0, 0 },
	{ "policy", "confirm_contacts", K_BOOL, P(confirm_contacts), 0, 0 },
	{ "policy", "confirm_days", K_INT, P(confirm_days), 1, 365 },
	{ "policy", "verify_per_address_per_day", K_INT,
	    P(verify_per_address_per_day), 0, 100000 },
	{ "policy", "authserv_id", K_STR, P(authserv_id), 0, 0 },
	{ "policy", "require_authentication", K_BOOL,
	    P(require_authentication), 0, 0 },
	{ "templates", "dir", K_STR, C(templates_dir), 0, 0 },
	{ "hook", "provision_command", K_STR, C(hook_command), 0, 0 },
	{ "hook", "timeout", K_INT, C(hook_timeout), 1, 86400 },
	{ "watch", "poll_seconds", K_INT, C(watch_poll_seconds), 1, 86400 },
	{ "watch", "backoff_max_seconds", K_INT, C(watch_backoff_max), 1,
	    86400 },
	{ "watch", "outage_alert_seconds", K_INT, C(watch_outage_alert), 1,
	    7 * 86400 },
	{ "watch", "eager_seconds", K_INT, C(watch_eager), 0, 3600 },
	{ "dns", "check", K_DNSCHECK, C(dns.check), 0, 0 },
	{ "dns", "resolver", K_STR, C(dns.resolver), 0, 0 },
	{ "dns", "timeout", K_INT, C(dns.timeout), 1, 300 },
	{ "dns", "ownership", K_OWNERSHIP, C(dns.ownership), 0, 0 },
	{ "dns", "trust_anchor", K_STR, C(dns.trust_anchor), 0, 0 },
	{ "retention", "mail_days", K_INT, C(retention_mail_days), 0, 36500 },
	{ "retention", "sender_bytes_per_day", K_INT,
	    C(retention_sender_bytes), 0, INT_MAX },
	{ "metrics", "textfile", K_STR, C(metrics_textfile), 0, 0 },
	{ "log", "level", K_LEVEL, C(log_level), 0, 0 },
	{ "log", "target", K_TARGET, C(log_syslog), 0, 0 },
};

struct load_ctx {
	struct config	*c;
	char		 err[PF_ERRLEN];
};

static int
set_int(int *dst, const char *v, long min, long max)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end != '\0' || n < min || n > max)
		return PF_ERR;
	*dst = (int)n;
	return PF_OK;
}

static int
set_choice(int *dst, const char *v, const char *const *names)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(v, names[i]) == 0) {
			*dst = i;
			return PF_OK;
		}
	return PF_ERR;
}

static int
set_value(struct config *c, const struct key_def *k, const char *v,
    char *why, size_t whylen)
{
	static const char *const sec[] = { "tls", "starttls", "none", NULL };
	static const char *const lvl[] = { "error", "warning", "info",
	    "debug", NULL };
	static const char *const tgt[] = { "stderr", "syslog", NULL };
	static const char *const bools[] = { "no", "yes", NULL };
	static const char *const checks[] = { "off", "warn", "require",
	    NULL };
	static const char *const owns[] = { "claimed", "always", NULL };
	char *base = (char *)c + k->off;
	long *lp;
	int n;

	switch (k->type) {
	case K_STR:
		free(*(char **)base);
		*(char **)base = xstrdup(v);
		return PF_OK;
	case K_INT:
		if (k->off == P(max_message_bytes)) {
			lp = (long *)base;
			if (set_int(&n, v, k->min, k->max) != PF_OK)
				break;
			*lp = n;
			return PF_OK;
		}
		if (set_int((int *)base, v, k->min, k->max) == PF_OK)
			return PF_OK;
		err_set(why, whylen, "expected a number from %ld to %ld",
		    k->min, k->max);
		return PF_ERR;
	case K_BOOL:
		if (set_choice((int *)base, v, bools) == PF_OK)
			return PF_OK;
		err_set(why, whylen, "expected yes or no");
		return PF_ERR;
	case K_SECURITY:
		if (set_choice((int *)base, v, sec) == PF_OK)
			return PF_OK;
		err_set(why, whylen, "expected tls, starttls or none");
		return PF_ERR;
	case K_LEVEL:
		if (set_choice((int *)base, v, lvl) == PF_OK)
			return PF_OK;
		err_set(why, whylen, "expected error, warning, info or debug");
		return PF_ERR;
	case K_TARGET:
		if (set_choice((int *)base, v, tgt) == PF_OK)
			return PF_OK;
		err_set(why, whylen, "expected stderr or syslog");
		return PF_ERR;
	case K_DNSCHECK:
		if (set_choice((int *)base, v, checks) == PF_OK)
			return PF_OK;
		err_set(why, whylen, "expected off, warn or require");
		return PF_ERR;
	case K_OWNERSHIP:
		if (set_choice((int *)base, v, owns) == PF_OK)
			return PF_OK;
		err_set(why, whylen, "expected claimed or always");
		return PF_ERR;
	default:
		abort();
	}
	err_set(why, whylen, "expected a number from %ld to %ld", k->min,
	    k->max);
	return PF_ERR;
}

static struct network *
network_get(struct policy *p, const char *name)
{
	for (size_t i = 0; i < p->n_networks; i++)
		if (strcmp(p->networks[i].name, name) == 0)
			return &p->networks[i];
	p->networks = xrealloc(p->networks,
	    (p->n_networks + 1) * sizeof(*p->networks));
	memset(&p->networks[p->n_networks], 0, sizeof(*p->networks));
	p->networks[p->n_networks].name = xstrdup(name);
	return &p->networks[p->n_networks++];
}

static int
set_network(struct config *c, const char *name, const char *key,
    const char *v, char *why, size_t whylen)
{
	static const char *const rules[] = { "open", "no-new-activation",
	    "no-additional-domains", "licence-required", NULL };
	struct network *n = network_get(&c->policy, name);
	int r;

	if (strcmp(key, "rule") == 0) {
		if (set_choice(&r, v, rules) == PF_OK) {
			n->rule = (enum net_rule)r;
			return PF_OK;
		}
		err_set(why, whylen, "expected open, no-new-activation, "
		    "no-additional-domains or licence-required");
		return PF_ERR;
	}
	if (strcmp(key, "ends") == 0) {
		if (strcmp(v, "never") == 0) {
			n->ends = 0;
			return PF_OK;
		}
		if (clock_parse(v, &n->ends) == PF_OK)
			return PF_OK;
		err_set(why, whylen, "expected a date (YYYY-MM-DD) or never");
		return PF_ERR;
	}
	err_set(why, whylen, "unknown key (known: rule, ends)");
	return PF_ERR;
}

static int
on_key(void *user, const char *section, const char *key, const char *value)
{
	struct load_ctx *ctx = user;
	char why[128] = "unknown key";
	int known_section = 0;

	if (strncmp(section, "network.", 8) == 0 && section[8] != '\0') {
		if (set_network(ctx->c, section + 8, key, value, why,
		    sizeof(why)) == PF_OK)
			return 1;
		goto bad;
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(keys[i].section, section) != 0)
			continue;
		known_section = 1;
		if (strcmp(keys[i].key, key) == 0) {
			if (set_value(ctx->c, &keys[i], value, why,
			    sizeof(why)) == PF_OK)
				return 1;
			goto bad;
		}
	}
	if (!known_section)
		snprintf(why, sizeof(why), "unknown section [%s]", section);
bad:
	if (ctx->err[0] == '\0')
		snprintf(ctx->err, sizeof(ctx->err), "[%s] %s = %s: %s",
		    section, key, value, why);
	return 0;
}

static void
config_defaults(struct config *c)
{
	const char *t = getenv("PICFLOW_TEMPLATES");

	memset(c, 0, sizeof(*c));
	c->db_path = xstrdup("/var/lib/picflow/picflow.db");
	c->imap.security = c->smtp.security = SEC_TLS;
	c->imap.timeout = c->smtp.timeout = 60;
	c->imap.tls_verify = c->smtp.tls_verify = 1;
	c->imap_mailbox = xstrdup("INBOX");
	c->imap_processed = xstrdup("Processed");
	c->imap_failed = xstrdup("Failed");
	c->imap_batch = 200;
	c->smtp_max_age_days = 5;
	c->hook_timeout = 300;
	c->watch_poll_seconds = 60;
	c->watch_backoff_max = 60;
	c->watch_outage_alert = 600;
	c->watch_eager = 10;
	c->log_level = LOG_LVL_WARN;
	c->dns.check = DNS_CHECK_WARN;
	c->dns.timeout = 5;
	c->retention_mail_days = 365;
	/* Two mails of the largest size max_message_bytes lets in. */
	c->retention_sender_bytes = 20 * 1024 * 1024;
	/* Debian's dns-root-data: the root's DNSSEC key, when installed. */
	if (access(DNS_ROOT_KEY, R_OK) == 0)
		c->dns.trust_anchor = xstrdup(DNS_ROOT_KEY);
	/* Installed templates first; a binary run from its build tree (not
	 * installed yet) falls back to the source tree it was built from. */
	if (t && *t)
		c->templates_dir = xstrdup(t);
	else if (access(PICFLOW_DATADIR "/mailtemplates", R_OK) == 0 ||
	    access(PICFLOW_SOURCE_DIR "/mailtemplates", R_OK) != 0)
		c->templates_dir = xstrdup(PICFLOW_DATADIR "/mailtemplates");
	else
		c->templates_dir = xstrdup(PICFLOW_SOURCE_DIR "/mailtemplates");
	policy_defaults(&c->policy);
}

/* A language directory's name: a language tag in lower case ("de",
 * "pt-br"), so that a name picflow writes into headers stays a token. */
static int
config_language_name(const char *n)
{
	size_t len = strlen(n);

	if (len < 2 || len > 12 || n[0] == '-' || n[len - 1] == '-')
		return 0;
	for (const char *p = n; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-'))
			return 0;
	return 1;
}

/* The languages the templates directory adds to en and fr: each
 * directory holding a reasons.txt. A translator adds a language by
 * adding a directory; nothing in the code lists them. */
static void
config_languages(struct config *c)
{
	struct policy *p = &c->policy;
	struct dirent *de;
	DIR *d;
	char *path;

	if ((d = opendir(c->templates_dir)) == NULL)
		return;		/* check-config and the first notice say it */
	while ((de = readdir(d)) != NULL) {
		if (!config_language_name(de->d_name) ||
		    policy_language(p, de->d_name) != NULL)
			continue;
		path = xasprintf("%s/%s/reasons.txt", c->templates_dir,
		    de->d_name);
		if (access(path, R_OK) == 0) {
			p->languages = xrealloc(p->languages,
			    (p->n_languages + 1) * sizeof(*p->languages));
			p->languages[p->n_languages++] = xstrdup(de->d_name);
		}
		free(path);
	}
	closedir(d);
}

/* Checks that need several keys at once. */
static int
config_validate(struct config *c, char *err, size_t errlen)
{
	const char *lang = c->policy.default_language;

	config_languages(c);
	if (policy_language(&c->policy, lang) == NULL) {
		err_set(err, errlen, "[policy] default_language = %s: "
		    "expected en, fr or a language of %s", lang,
		    c->templates_dir);
		return PF_ERR;
	}
	if (c->smtp_from && (strchr(c->smtp_from, '@') == NULL ||
	    str_has_ctl(c->smtp_from) || strchr(c->smtp_from, ' '))) {
		err_set(err, errlen, "[smtp] from = %s: expected an address "
		    "like provisioning@example.net", c->smtp_from);
		return PF_ERR;
	}
	if (c->dns.resolver && *c->dns.resolver == '\0') {
		free(c->dns.resolver);	/* "resolver =": the system's */
		c->dns.resolver = NULL;
	}
	if (c->dns.trust_anchor && *c->dns.trust_anchor == '\0') {
		free(c->dns.trust_anchor);	/* "trust_anchor =": none */
		c->dns.trust_anchor = NULL;
	}
	/* The proof is a DNS record: without lookups nothing is proven. */
	if (c->dns.ownership == DNS_OWN_ALWAYS &&
	    c->dns.check == DNS_CHECK_OFF) {
		err_set(err, errlen, "[dns] ownership = always needs the "
		    "DNS check: set check = warn or require");
		return PF_ERR;
	}
	if (c->metrics_textfile && *c->metrics_textfile == '\0') {
		free(c->metrics_textfile);	/* "textfile =": none */
		c->metrics_textfile = NULL;
	}
	if (c->smtp_envelope_from == NULL && c->smtp_from)
		c->smtp_envelope_from = xstrdup(c->smtp_from);
	/* VERP adds the notice's id to the envelope sender's local part */
	if (c->smtp_verp && (c->smtp_envelope_from == NULL ||
	    strchr(c->smtp_envelope_from, '@') == NULL)) {
		err_set(err, errlen, "[smtp] verp = yes needs an envelope "
		    "sender address (envelope_from or from), not <>");
		return PF_ERR;
	}
	return PF_OK;
}

int
config_load(struct config *c, const char *path, char *err, size_t errlen)
{
	struct load_ctx ctx;
	struct stat st;
	int line;

	config_defaults(c);
	if (path == NULL)
		path = getenv("PICFLOW_CONFIG");
	if (path == NULL || *path == '\0') {
		path = PICFLOW_SYSCONFDIR "/picflow/picflow.conf";
		if (stat(path, &st) != 0)
			return config_validate(c, err, errlen);
	}
	c->path = xstrdup(path);
	memset(&ctx, 0, sizeof(ctx));
	ctx.c = c;
	line = ini_parse(path, on_key, &ctx);
	if (line == -1) {
		err_set(err, errlen, "%s: %s", path, strerror(errno ? errno :
		    ENOENT));
		return PF_ERR;
	}
	if (line == -2) {
		err_set(err, errlen, "%s: out of memory", path);
		return PF_ERR;
	}
	if (line > 0) {
		err_set(err, errlen, "%s:%d: %s", path, line,
		    ctx.err[0] ? ctx.err : "syntax error (expected "
		    "[section] or key = value)");
		return PF_ERR;
	}
	if (config_validate(c, err, errlen) != PF_OK) {
		char tmp[PF_ERRLEN];

		snprintf(tmp, sizeof(tmp), "%s: %s", path, err);
		err_set(err, errlen, "%s", tmp);
		return PF_ERR;
	}
	return PF_OK;
}

void
config_free(struct config *c)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		/* the policy frees its own strings */
		if (keys[i].type == K_STR && keys[i].off != P(default_language)
		    && keys[i].off != P(authserv_id)) {
			char **p = (char **)((char *)c + keys[i].off);

			free(*p);
		}
	free(c->path);
	policy_free(&c->policy);
	memset(c, 0, sizeof(*c));
}

int
config_read_secret(const char *path, char **secret, char *err,
    size_t errlen)
{
	char *buf;
	size_t len;

	if (file_read_all(path, 4096, &buf, &len, err, errlen) != PF_OK)
		return PF_ERR;
	buf[strcspn(buf, "\r\n")] = '\0';
	*secret = buf;
	return PF_OK;
}

static void
check_mode(const char *what, const char *path, void (*warn)(const char *))
{
	struct stat st;
	char *msg;

	if (path == NULL || stat(path, &st) != 0 || !(st.st_mode & S_IROTH))
		return;
	msg = xasprintf("%s %s is readable by every user of this machine "
	    "(chmod o-r %s)", what, path, path);
	warn(msg);
	free(msg);
}

void
config_check_permissions(const struct config *c,
    void (*warn)(const char *msg))
{
	check_mode("configuration file", c->path, warn);
	check_mode("IMAP password file", c->imap.password_file, warn);
	check_mode("SMTP password file", c->smtp.password_file, warn);
}
