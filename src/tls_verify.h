/* tls_verify.h - what libetpan does not do: verify the server's
 * certificate chain and host name, and send SNI (see the libetpan notes). */
#ifndef PICFLOW_TLS_VERIFY_H
#define PICFLOW_TLS_VERIFY_H

#include <stddef.h>
#include <libetpan/libetpan.h>

/* For the *_with_callback connect functions: data is the host name
 * (const char *); sets SNI on the TLS context. */
void	tls_sni_callback(struct mailstream_ssl_context *ctx, void *data);

/* Right after the handshake, before any credential: verifies the peer's
 * chain against ca_file (NULL: the system trust store) and host (DNS name
 * or IP address). PF_OK, or PF_ERR with one clear line in err naming the
 * reason (e.g. "certificate signed by an unknown authority",
 * "certificate is not valid for host x"). */
int	tls_verify_stream(mailstream *s, const char *host, const char *ca_file,
	    char *err, size_t errlen);

/* Before closing a TLS stream: sends TLS close_notify (gnutls_bye), which
 * libetpan never does, so that the server sees a session closed rather
 * than cut. Does nothing on a plain stream. */
void	tls_close_notify(mailstream *s);

#endif
