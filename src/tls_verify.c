/* tls_verify.c - what libetpan does not do: verify the server's
 * certificate chain and host name, and send SNI.
 *
 * libetpan's GnuTLS streams accept any certificate (see the libetpan
 * notes), so every connection that carries a credential calls
 * tls_verify_stream() right after the handshake and before the first
 * byte of authentication. The chain comes from the stream, leaf first,
 * and is checked with a GnuTLS trust list: the configured CA file, or the
 * system store. */
#include "tls_verify.h"
#include "util.h"

#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* More certificates than this in one chain is not a real server. */
#define TLS_CHAIN_MAX	16

/* IPv4 or IPv6 literal: its raw bytes in buf, returns their count, else 0. */
static unsigned
tls_ip_literal(const char *host, unsigned char buf[16])
{
	if (inet_pton(AF_INET, host, buf) == 1)
		return 4;
	if (inet_pton(AF_INET6, host, buf) == 1)
		return 16;
	return 0;
}

void
tls_sni_callback(struct mailstream_ssl_context *ctx, void *data)
{
	unsigned char ip[16];
	const char *host = data;

	/* RFC 6066: SNI carries host names only, never address literals. */
	if (host == NULL || tls_ip_literal(host, ip) != 0)
		return;
	/* The libetpan prototype takes a char * it does not modify. */
	mailstream_ssl_set_server_name(ctx, (char *)host);
}

/* The most useful reason among the status bits, as one short phrase. */
static void
tls_status_reason(unsigned status, const char *host, char *err,
    size_t errlen)
{
	if (status & GNUTLS_CERT_SIGNER_NOT_FOUND)
		err_set(err, errlen, "certificate signed by an unknown "
		    "authority");
	else if (status & GNUTLS_CERT_EXPIRED)
		err_set(err, errlen, "certificate has expired");
	else if (status & GNUTLS_CERT_NOT_ACTIVATED)
		err_set(err, errlen, "certificate is not valid yet");
	else if (status & GNUTLS_CERT_REVOKED)
		err_set(err, errlen, "certificate has been revoked");
	else if (status & GNUTLS_CERT_UNEXPECTED_OWNER)
		err_set(err, errlen, "certificate is not valid for host %s",
		    host);
	else if (status & GNUTLS_CERT_PURPOSE_MISMATCH)
		err_set(err, errlen, "certificate is not for a TLS server");
	else if (status & GNUTLS_CERT_INSECURE_ALGORITHM)
		err_set(err, errlen, "certificate uses an insecure algorithm");
	else if (status & GNUTLS_CERT_SIGNER_NOT_CA)
		err_set(err, errlen, "certificate signed by a certificate "
		    "that is not a CA");
	else if (status & GNUTLS_CERT_SIGNATURE_FAILURE)
		err_set(err, errlen, "certificate signature is invalid");
	else
		err_set(err, errlen, "certificate rejected (GnuTLS status "
		    "0x%x)", status);
}

static int
tls_trust_load(gnutls_x509_trust_list_t tl, const char *ca_file, char *err,
    size_t errlen)
{
	int n;

	if (ca_file) {
		n = gnutls_x509_trust_list_add_trust_file(tl, ca_file, NULL,
		    GNUTLS_X509_FMT_PEM, 0, 0);
		if (n <= 0) {
			err_set(err, errlen, "no CA certificate could be read "
			    "from %s%s%s", ca_file, n < 0 ? ": " : "",
			    n < 0 ? gnutls_strerror(n) : "");
			return PF_ERR;
		}
		return PF_OK;
	}
	n = gnutls_x509_trust_list_add_system_trust(tl, 0, 0);
	if (n <= 0) {
		err_set(err, errlen, "the system trust store holds no CA "
		    "certificate (set ca_file)");
		return PF_ERR;
	}
	return PF_OK;
}

/* Imports the DER chain of the stream; *n certificates in crts. */
static int
tls_chain_import(carray *chain, gnutls_x509_crt_t *crts, unsigned *n,
    char *err, size_t errlen)
{
	unsigned len = carray_count(chain);

	*n = 0;
	if (len == 0) {
		err_set(err, errlen, "server sent no certificate");
		return PF_ERR;
	}
	if (len > TLS_CHAIN_MAX)
		len = TLS_CHAIN_MAX;
	for (unsigned i = 0; i < len; i++) {
		MMAPString *der = carray_get(chain, i);
		gnutls_datum_t d;

		d.data = (unsigned char *)der->str;
		d.size = (unsigned)der->len;
		if (gnutls_x509_crt_init(&crts[i]) < 0)
			return PF_ERR;
		(*n)++;
		if (gnutls_x509_crt_import(crts[i], &d,
		    GNUTLS_X509_FMT_DER) < 0) {
			err_set(err, errlen, "server certificate %u cannot be "
			    "parsed", i);
			return PF_ERR;
		}
	}
	return PF_OK;
}

int
tls_verify_stream(mailstream *s, const char *host, const char *ca_file,
    char *err, size_t errlen)
{
	gnutls_x509_crt_t crts[TLS_CHAIN_MAX];
	gnutls_x509_trust_list_t tl = NULL;
	gnutls_typed_vdata_st vd[2];
	unsigned char ip[16];
	unsigned n = 0, status = 0, iplen;
	carray *chain;
	int rc = PF_ERR;

	if ((chain = mailstream_get_certificate_chain(s)) == NULL) {
		err_set(err, errlen, "no TLS session to verify");
		return PF_ERR;
	}
	if (tls_chain_import(chain, crts, &n, err, errlen) != PF_OK)
		goto done;
	if (gnutls_x509_trust_list_init(&tl, 0) < 0) {
		err_set(err, errlen, "cannot set up certificate verification");
		goto done;
	}
	if (tls_trust_load(tl, ca_file, err, errlen) != PF_OK)
		goto done;
	/* An address literal is matched against the IP address SANs only,
	 * a name against the DNS SANs (RFC 6125). */
	if ((iplen = tls_ip_literal(host, ip)) != 0) {
		vd[0].type = GNUTLS_DT_IP_ADDRESS;
		vd[0].data = ip;
		vd[0].size = iplen;
	} else {
		vd[0].type = GNUTLS_DT_DNS_HOSTNAME;
		vd[0].data = (unsigned char *)host;
		vd[0].size = 0;
	}
	vd[1].type = GNUTLS_DT_KEY_PURPOSE_OID;
	vd[1].data = (unsigned char *)GNUTLS_KP_TLS_WWW_SERVER;
	vd[1].size = 0;
	if (gnutls_x509_trust_list_verify_crt2(tl, crts, n, vd, 2, 0, &status,
	    NULL) < 0) {
		err_set(err, errlen, "certificate verification failed");
		goto done;
	}
	if (status != 0) {
		tls_status_reason(status, host, err, errlen);
		goto done;
	}
	rc = PF_OK;
done:
	if (tl)
		gnutls_x509_trust_list_deinit(tl, 1);
	for (unsigned i = 0; i < n; i++)
		gnutls_x509_crt_deinit(crts[i]);
	mailstream_certificate_chain_free(chain);
	return rc;
}

/* libetpan 1.9 closes a TLS stream with gnutls_deinit() alone: no
 * close_notify, and Exim logs "The TLS connection was non-properly
 * terminated" for every session. Its per-stream data is private; this is
 * the head of its struct mailstream_ssl_data (mailstream_ssl.c, GnuTLS
 * build: the socket, then the session), which only the SSL driver's
 * streams carry. */
struct tls_etpan_head {
	int			fd;
	gnutls_session_t	session;
};

#ifndef USE_SSL
/* Exported by every libetpan built with TLS; its header declares it only
 * under libetpan's own build flag. */
extern mailstream_low_driver *mailstream_ssl_driver;
#endif

#define TLS_BYE_TRIES	50	/* the socket is non-blocking: a full send
				   buffer says "again" */

void
tls_close_notify(mailstream *s)
{
	mailstream_low *low = s ? mailstream_get_low(s) : NULL;
	const struct tls_etpan_head *h;
	int r, n = 0;

	if (low == NULL || low->driver != mailstream_ssl_driver ||
	    (h = low->data) == NULL || h->session == NULL)
		return;
	/* SHUT_WR: say we are done; the server's own close_notify is not
	 * worth waiting for. */
	do
		r = gnutls_bye(h->session, GNUTLS_SHUT_WR);
	while ((r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) &&
	    ++n < TLS_BYE_TRIES);
}
