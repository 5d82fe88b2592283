/* fuzz_robot.c - libFuzzer target: a raw mail, as any machine may send it,
 * through what decides it is automatic and what takes a delivery report
 * apart (SPEC 7): mime_text_extract -> robot_classify, and dsn_parse.
 *
 * Asserted: a known kind, named, with a one-line clean signal (none for a
 * person's mail); a report's status empty or an RFC 3463 code; a bounded
 * one-line diagnostic; at most DSN_MAX_IDS Message-IDs and addresses,
 * each with an '@' and no blank or bracket; both deterministic; and a
 * VERP address built for a notice names that notice again. */
#include "bounce.h"
#include "dsn.h"
#include "fuzz_check.h"
#include "mime_text.h"
#include "robot.h"
#include "util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
status_ok(const char *s)
{
	int dots = 0;

	if (*s == '\0')
		return 1;
	if (s[0] != '2' && s[0] != '4' && s[0] != '5')
		return 0;
	for (s++; *s; s++) {
		if (*s == '.')
			dots++;
		else if (*s < '0' || *s > '9')
			return 0;
	}
	return dots == 2;
}

static void
check_words(const struct strvec *v, const char *what)
{
	FUZZ_ASSERT(v->n <= DSN_MAX_IDS, "too many", what);
	for (size_t i = 0; i < v->n; i++) {
		FUZZ_ASSERT(strchr(v->v[i], '@') != NULL, "no @", v->v[i]);
		FUZZ_ASSERT(strpbrk(v->v[i], " <>\t") == NULL, "blank or bracket",
		    v->v[i]);
		FUZZ_ASSERT(strlen(v->v[i]) < 250, "too long", v->v[i]);
	}
}

static void
check_report(const char *raw, size_t len)
{
	struct dsn_report a, b;

	dsn_parse(raw, len, &a);
	dsn_parse(raw, len, &b);
	FUZZ_ASSERT(a.action >= DSN_UNKNOWN && a.action <= DSN_FAILED,
	    "action", dsn_action_name(a.action));
	FUZZ_ASSERT(status_ok(a.status), "status", a.status);
	if (a.diagnostic) {
		FUZZ_ASSERT(strlen(a.diagnostic) < 1200, "diagnostic length",
		    a.diagnostic);
		FUZZ_ASSERT(strpbrk(a.diagnostic, "\r\n") == NULL,
		    "diagnostic line", a.diagnostic);
	}
	check_words(&a.msgids, "msgids");
	check_words(&a.rcpts, "rcpts");
	FUZZ_ASSERT(a.action == b.action && strcmp(a.status, b.status) == 0 &&
	    a.msgids.n == b.msgids.n && a.rcpts.n == b.rcpts.n &&
	    (a.diagnostic == NULL) == (b.diagnostic == NULL),
	    "not deterministic", a.status);
	dsn_report_free(&a);
	dsn_report_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct robot_verdict v, w;
	struct mail_text mt;
	char err[PF_ERRLEN], *addr;
	const char *raw = (const char *)data;

	if (mime_text_extract(raw, size, &mt, err, sizeof(err)) != PF_OK)
		fuzz_fail(__FILE__, __LINE__, "mime_text_extract", err);
	robot_classify(raw, size, &mt, "provisioning@pic.example.net", &v);
	robot_classify(raw, size, &mt, "provisioning@pic.example.net", &w);
	FUZZ_ASSERT(v.kind == w.kind && strcmp(v.signal, w.signal) == 0,
	    "not deterministic", v.signal);
	FUZZ_ASSERT(v.kind == ROBOT_NONE ? v.signal[0] == '\0' &&
	    robot_kind_name(v.kind) == NULL : robot_kind_name(v.kind) != NULL &&
	    robot_kind_parse(robot_kind_name(v.kind)) == v.kind &&
	    v.signal[0] != '\0', "kind", v.signal);
	FUZZ_ASSERT(fuzz_clean_line(v.signal), "signal", v.signal);
	check_report(raw, size);
	if (mt.from_addr && strchr(mt.from_addr, '@')) {
		int64_t id = (int64_t)(size % 100000) + 1;

		addr = bounce_verp_address(mt.from_addr, id);
		FUZZ_ASSERT(addr != NULL && bounce_verp_id(mt.from_addr, addr) ==
		    id, "verp", mt.from_addr);
		free(addr);
	}
	mime_text_free(&mt);
	return 0;
}
