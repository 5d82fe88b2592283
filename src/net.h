/* net.h - TCP plumbing the IMAP and SMTP sessions share (after Redis's
 * anet.c): every function returns PF_OK/PF_ERR and fills an error. */
#ifndef PICFLOW_NET_H
#define PICFLOW_NET_H

#include <stddef.h>

/* Only what needs no resolver: a name in DNS could point anywhere. */
int	net_is_loopback(const char *host);

/* Connects to host:port (what names it in errors: "SMTP server"), each address tried with a connect bounded by
 * timeout seconds; the socket is left blocking (libetpan's streams want
 * that) with SO_RCVTIMEO/SO_SNDTIMEO of timeout, so no later read or
 * write blocks longer either. On PF_ERR, err says "cannot resolve WHAT HOST: ..." or
 * "cannot connect to WHAT HOST port PORT: <reason>" and *temporary is 1 for a resolver that
 * asked to try again. Name resolution has no timeout of ours (getaddrinfo
 * has none); the resolver's own applies. */
int	net_connect(const char *what, const char *host, int port, int timeout,
	    int *fd, int *temporary, char *err, size_t errlen);

/* 1 when the peer has sent nothing since (no data, no hang-up) on the
 * socket of a session kept between uses: a server says nothing unasked
 * but that it is leaving. */
int	net_quiet(int fd);

#endif
