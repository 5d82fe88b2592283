/* fuzz_authres.c - libFuzzer target: Authentication-Results field bodies
 * (RFC 8601), as any sender may write them above our MTA's.
 *
 * The input, cut at its first NUL, is one field body; split at 0xff bytes
 * it is several. Asserted: the parser never reads past the text; what it
 * returns is 0 or -1; a parsed field has a non-empty authserv-id without a
 * NUL, at most AUTHRES_MAX_RESULTS results whose method and result are
 * lower-case keywords; parsing is deterministic; and the verdict over all
 * fields is FAIL exactly when some field of our id (version 1) that
 * parses reports dmarc=fail. */
#include "authres.h"
#include "fuzz_check.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
keyword_ok(const char *k)
{
	if (*k == '\0')
		return 0;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') ||
		    *k == '-' || *k == '_'))
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size), *p, *q;
	char *fields[16];
	size_t n = 0;
	struct authres a, b;
	int want_fail = 0;

	for (p = text; n < 16; p = q + 1) {
		fields[n++] = p;
		if ((q = strchr(p, '\xff')) == NULL)
			break;
		*q = '\0';
	}
	for (size_t i = 0; i < n; i++) {
		int rc = authres_parse(fields[i], &a);

		FUZZ_ASSERT(rc == 0 || rc == -1, "return value", fields[i]);
		FUZZ_ASSERT(authres_parse(fields[i], &b) == rc &&
		    memcmp(&a, &b, sizeof(a)) == 0, "not deterministic",
		    fields[i]);
		if (rc != 0)
			continue;
		FUZZ_ASSERT(a.authserv_id[0] != '\0', "empty id", fields[i]);
		FUZZ_ASSERT(a.n <= AUTHRES_MAX_RESULTS, "results", fields[i]);
		for (size_t k = 0; k < a.n; k++) {
			FUZZ_ASSERT(keyword_ok(a.res[k].method), "method",
			    fields[i]);
			FUZZ_ASSERT(keyword_ok(a.res[k].result), "result",
			    fields[i]);
			if (strcasecmp(a.authserv_id, "mx.example.net") == 0 &&
			    a.version == 1 && strcmp(a.res[k].method,
			    "dmarc") == 0 && strcmp(a.res[k].result,
			    "fail") == 0)
				want_fail = 1;
		}
	}
	FUZZ_ASSERT((authres_dmarc(fields, n, "mx.example.net") ==
	    AUTHRES_FAIL) == want_fail, "verdict", text);
	free(text);
	return 0;
}
