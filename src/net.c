/* net.c - TCP plumbing the IMAP and SMTP sessions share. */
#include "net.h"
#include "util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int
net_is_loopback(const char *host)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (str_ieq(host, "localhost") || str_ieq(host, "localhost."))
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6) ||
		    (IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127);
	return 0;
}

/* One address: a non-blocking connect waited for at most timeout
 * seconds. Returns the (blocking again) descriptor, or -1 with *error. */
static int
net_try(const struct addrinfo *ai, int timeout, int *error)
{
	struct timeval tv = { .tv_sec = timeout, .tv_usec = 0 };
	struct pollfd pfd;
	socklen_t len = sizeof(int);
	int fd, flags = 0, soerr = 0, r;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
	    ai->ai_protocol);
	if (fd == -1 || (flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)
		goto fail;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
		if (errno != EINPROGRESS)
			goto fail;
		pfd.fd = fd;
		pfd.events = POLLOUT;
		do
			r = poll(&pfd, 1, timeout * 1000);
		while (r == -1 && errno == EINTR);
		if (r == 0)
			errno = ETIMEDOUT;
		if (r <= 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr,
		    &len) == -1)
			goto fail;
		if (soerr != 0) {
			errno = soerr;
			goto fail;
		}
	}
	if (fcntl(fd, F_SETFL, flags) == -1)
		goto fail;
	/* Kernel-level bounds for the blocking send()/recv() libetpan
	 * issues: a peer that stops reading or answering cannot hold us. */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	/* Commands are small writes, often two in a row (the end of a TLS
	 * handshake, then EHLO; a message, then its final dot): with Nagle,
	 * the second waited for the server's delayed ACK, 40 ms each time,
	 * 90 ms of the 110 ms a one-mail watch cycle took. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 },
	    sizeof(int));
	return fd;
fail:
	*error = errno;
	if (fd != -1)
		close(fd);
	return -1;
}

int
net_connect(const char *what, const char *host, int port, int timeout,
    int *fdp, int *temporary, char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL;
	char service[16];
	int fd = -1, error = ECONNREFUSED, r;

	*temporary = 0;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(service, sizeof(service), "%d", port);
	if ((r = getaddrinfo(host, service, &hints, &res)) != 0) {
		err_set(err, errlen, "cannot resolve %s %s: %s", what, host,
		    gai_strerror(r));
		*temporary = r == EAI_AGAIN;
		return PF_ERR;
	}
	for (struct addrinfo *ai = res; ai && fd == -1; ai = ai->ai_next)
		fd = net_try(ai, timeout, &error);
	freeaddrinfo(res);
	if (fd == -1) {
		err_set(err, errlen, "cannot connect to %s %s port %d: %s",
		    what, host, port, strerror(error));
		return PF_ERR;
	}
	*fdp = fd;
	return PF_OK;
}

int
net_quiet(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return fd >= 0 && poll(&pfd, 1, 0) == 0;
}
