/* authres.h - Authentication-Results header fields (RFC 8601): what the
 * receiving MTA found out about a mail's sender. A pure function of the
 * field text, fuzzable. */
#ifndef PICFLOW_AUTHRES_H
#define PICFLOW_AUTHRES_H

#include <stddef.h>

#define AUTHRES_MAX_RESULTS	16

struct authres_result {
	char	method[32];	/* "dmarc", "dkim", ... lower case */
	char	result[32];	/* "pass", "fail", ... lower case */
};

struct authres {
	char			 authserv_id[256];	/* as written, unquoted */
	int			 version;		/* 1 when absent */
	int			 none;			/* "; none" */
	struct authres_result	 res[AUTHRES_MAX_RESULTS];
	size_t			 n;
	int			 more;		/* results beyond the array */
};

/* Parses one field body (after "Authentication-Results:", folding
 * already unfolded or not) by RFC 8601 section 2.2's grammar: comments
 * (nested, with quoted-pairs) wherever CFWS may stand, quoted strings,
 * the optional version, several results, reasons and properties.
 * Returns 0, or -1 for a field that does not follow the grammar. */
int	authres_parse(const char *value, struct authres *out);

enum authres_verdict {
	AUTHRES_NONE = 0,	/* no dmarc result from our authserv-id */
	AUTHRES_PASS,		/* dmarc=pass */
	AUTHRES_FAIL,		/* dmarc=fail */
	AUTHRES_OTHER		/* dmarc=none, temperror, permerror... */
};

/* The DMARC verdict of a mail's Authentication-Results fields: only the
 * fields whose authserv-id is ours count (case-insensitive; an MTA removes
 * forged ones bearing its id), of version 1; a fail in any beats a pass. */
enum authres_verdict authres_dmarc(char *const *values, size_t n,
	    const char *authserv_id);

const char *authres_verdict_name(enum authres_verdict v);

#endif
