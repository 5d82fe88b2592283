/* config.h - the INI configuration of SPEC 5. */
#ifndef PICFLOW_CONFIG_H
#define PICFLOW_CONFIG_H

#include "policy.h"

enum conn_security { SEC_TLS = 0, SEC_STARTTLS, SEC_NONE };

/* [dns] (SPEC 8): what the DNS preflight does with its findings, and
 * whether every SIP domain needs its TXT proof. */
enum dns_check_mode { DNS_CHECK_OFF = 0, DNS_CHECK_WARN, DNS_CHECK_REQUIRE };
enum dns_ownership { DNS_OWN_CLAIMED = 0, DNS_OWN_ALWAYS };

struct dns_conf {
	int		 check;		/* enum dns_check_mode, default warn */
	char		*resolver;	/* NULL: resolv.conf; "IP[@port],..." */
	int		 timeout;	/* seconds for a whole batch: 5 */
	int		 ownership;	/* enum dns_ownership */
	char		*trust_anchor;	/* DNSSEC anchor file; NULL: none */
};

struct server_conf {
	char			*host;
	int			 port;		/* 0: the protocol's default */
	enum conn_security	 security;
	char			*user;
	char			*password_file;
	char			*ca_file;	/* NULL: the system trust store */
	int			 timeout;	/* seconds, every network step */
	int			 allow_plaintext;
	int			 tls_verify;	/* 1 unless "verify = no" */
};

struct config {
	char			*path;		/* file read, NULL if none */
	char			*db_path;
	struct server_conf	 imap;
	char			*imap_mailbox;
	char			*imap_processed;
	char			*imap_failed;
	int			 imap_batch;
	struct server_conf	 smtp;
	char			*smtp_from;		/* provisioning address */
	char			*smtp_from_name;
	char			*smtp_envelope_from;	/* default: smtp_from */
	char			*smtp_helo;
	int			 smtp_verp;	/* envelope local+<id>@domain */
	int			 smtp_max_age_days;	/* 5 */
	char			*operator_address;
	struct policy		 policy;
	char			*templates_dir;
	char			*hook_command;
	int			 hook_timeout;
	int			 watch_poll_seconds;	/* 60: without IDLE */
	int			 watch_backoff_max;	/* 60: reconnect cap */
	int			 watch_outage_alert;	/* 600: s down, alert */
	int			 watch_eager;		/* 10: s of NOOPs after mail */
	struct dns_conf		 dns;
	int			 retention_mail_days;	/* 365; 0: keep */
	int			 retention_sender_bytes; /* per day; 0: no bound */
	char			*metrics_textfile;	/* NULL: none */
	int			 log_level;		/* enum log_level */
	int			 log_syslog;
};

/* Loads path (NULL: PICFLOW_CONFIG, else the system file when it exists,
 * else defaults only). Unknown sections or keys and bad values are errors
 * naming the file, the line and the key. */
int	config_load(struct config *c, const char *path, char *err,
	    size_t errlen);
void	config_free(struct config *c);

/* Reads a secret file (first line, no newline). */
int	config_read_secret(const char *path, char **secret, char *err,
	    size_t errlen);

/* Warnings an operator should see (world-readable files); each line is
 * passed to the callback. */
void	config_check_permissions(const struct config *c,
	    void (*warn)(const char *msg));

#endif
