/* clock.c - the one clock: PICFLOW_NOW (ISO 8601, UTC) or the system's.
 * Tests and the demo move time by setting PICFLOW_NOW (or, for a running
 * watch, rewriting the file PICFLOW_NOW_FILE names); nothing else in
 * picflow calls time() for the workflow's clock. */
#include "clock.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static time_t fixed_now = (time_t)-1;

/* n decimal digits at s, or -1. */
static int
clock_digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
clock_parse(const char *s, time_t *t)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	const char *rest;

	memset(&tm, 0, sizeof(tm));
	/* The form picflow writes, "2026-11-26T09:00:00Z" (every time it
	 * stores): read without sscanf, which a listing of 20,000 requests
	 * called 300,000 times. Anything else takes the general path. */
	if (strlen(s) == 20 && s[4] == '-' && s[7] == '-' && s[10] == 'T' &&
	    s[13] == ':' && s[16] == ':' && s[19] == 'Z' &&
	    (y = clock_digits(s, 4)) >= 0 &&
	    (mo = clock_digits(s + 5, 2)) >= 0 &&
	    (d = clock_digits(s + 8, 2)) >= 0 &&
	    (h = clock_digits(s + 11, 2)) >= 0 &&
	    (mi = clock_digits(s + 14, 2)) >= 0 &&
	    (sec = clock_digits(s + 17, 2)) >= 0)
		goto check;
	h = mi = sec = 0;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
		return PF_ERR;
	rest = s + n;
	if (*rest == 'T' || *rest == ' ') {
		n = 0;
		if (sscanf(rest + 1, "%2d:%2d%n", &h, &mi, &n) != 2 || n != 5)
			return PF_ERR;
		rest += 1 + n;
		if (*rest == ':') {
			n = 0;
			if (sscanf(rest + 1, "%2d%n", &sec, &n) != 1 || n != 2)
				return PF_ERR;
			rest += 1 + n;
		}
	}
	if (strcmp(rest, "Z") != 0 && strcmp(rest, "+00:00") != 0 &&
	    *rest != '\0')
		return PF_ERR;
check:
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60 || y < 1970)
		return PF_ERR;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*t = timegm(&tm);
	return *t == (time_t)-1 ? PF_ERR : PF_OK;
}

/* The time PICFLOW_NOW_FILE holds (its first line), into buf. */
static int
clock_read_file(const char *path, char *buf, size_t len, char *err,
    size_t errlen)
{
	FILE *fp = fopen(path, "r");
	int ok;

	if (fp == NULL) {
		err_set(err, errlen, "PICFLOW_NOW_FILE=%s: cannot read it",
		    path);
		return PF_ERR;
	}
	ok = fgets(buf, (int)len, fp) != NULL;
	fclose(fp);
	if (!ok)
		buf[0] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	return PF_OK;
}

/* A long-running `watch` calls this again at every wake: with
 * PICFLOW_NOW_FILE, a test moves its clock by rewriting the file (and
 * SIGUSR1 wakes it). A time that does not parse keeps the clock as it
 * was. */
int
clock_init(char *err, size_t errlen)
{
	const char *file = getenv("PICFLOW_NOW_FILE");
	const char *s = getenv("PICFLOW_NOW"), *name = "PICFLOW_NOW";
	char buf[64];
	time_t t;

	if (file != NULL && *file != '\0') {
		if (clock_read_file(file, buf, sizeof(buf), err, errlen) !=
		    PF_OK)
			return PF_ERR;
		s = buf;
		name = "PICFLOW_NOW_FILE's time";
	}
	if (s == NULL || *s == '\0') {
		fixed_now = (time_t)-1;
		return PF_OK;
	}
	if (clock_parse(s, &t) != PF_OK) {
		err_set(err, errlen, "%s %s is not an ISO 8601 UTC time (e.g. "
		    "2026-11-26T09:00:00Z)", name, s);
		return PF_ERR;
	}
	fixed_now = t;
	return PF_OK;
}

time_t
clock_now(void)
{
	return fixed_now != (time_t)-1 ? fixed_now : time(NULL);
}

/* Writes n decimal digits of v at p. */
static char *
put_digits(char *p, int v, int n)
{
	for (int i = n - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
	return p + n;
}

/* The formats below are written digit by digit: strftime() looks up the
 * locale for each call, and a tick stamps a dozen times per timer fired
 * (a twentieth of its CPU time). Years outside 1000-9999, which
 * strftime() writes with another number of digits, still go through it. */
static int
four_digit_year(const struct tm *tm)
{
	return tm->tm_year >= 1000 - 1900 && tm->tm_year <= 9999 - 1900;
}

static char *
put_ymd(char *p, const struct tm *tm)
{
	p = put_digits(p, tm->tm_year + 1900, 4);
	*p++ = '-';
	p = put_digits(p, tm->tm_mon + 1, 2);
	*p++ = '-';
	return put_digits(p, tm->tm_mday, 2);
}

void
clock_iso(time_t t, char buf[CLOCK_ISO_LEN])
{
	/* A mail taken in stamps a dozen rows within the same second: the
	 * last second written, per thread (a pure function's memo). */
	static _Thread_local time_t last_t = (time_t)-1;
	static _Thread_local char last[CLOCK_ISO_LEN];
	struct tm tm;
	char *p;

	if (t == last_t && t != (time_t)-1) {
		memcpy(buf, last, CLOCK_ISO_LEN);
		return;
	}
	gmtime_r(&t, &tm);
	if (!four_digit_year(&tm)) {
		strftime(buf, CLOCK_ISO_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
		return;
	}
	p = put_ymd(buf, &tm);
	*p++ = 'T';
	p = put_digits(p, tm.tm_hour, 2);
	*p++ = ':';
	p = put_digits(p, tm.tm_min, 2);
	*p++ = ':';
	p = put_digits(p, tm.tm_sec, 2);
	*p++ = 'Z';
	*p = '\0';
	memcpy(last, buf, CLOCK_ISO_LEN);
	last_t = t;
}

void
clock_human(time_t t, char buf[32])
{
	struct tm tm;
	char *p;

	gmtime_r(&t, &tm);
	if (!four_digit_year(&tm)) {
		strftime(buf, 32, "%Y-%m-%d %H:%M UTC", &tm);
		return;
	}
	p = put_ymd(buf, &tm);
	*p++ = ' ';
	p = put_digits(p, tm.tm_hour, 2);
	*p++ = ':';
	p = put_digits(p, tm.tm_min, 2);
	memcpy(p, " UTC", 5);
}

void
clock_date(time_t t, char buf[16])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	if (!four_digit_year(&tm)) {
		strftime(buf, 16, "%Y-%m-%d", &tm);
		return;
	}
	*put_ymd(buf, &tm) = '\0';
}

void
clock_mail(time_t t, char buf[CLOCK_MAIL_LEN])
{
	static const char *const wday[] = { "Sun", "Mon", "Tue", "Wed",
	    "Thu", "Fri", "Sat" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	char *p = buf;

	gmtime_r(&t, &tm);
	if (!four_digit_year(&tm)) {
		snprintf(buf, CLOCK_MAIL_LEN, "%s, %d %s %d %02d:%02d:%02d "
		    "+0000", wday[tm.tm_wday], tm.tm_mday, mon[tm.tm_mon],
		    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
		return;
	}
	memcpy(p, wday[tm.tm_wday], 3);
	p += 3;
	*p++ = ',';
	*p++ = ' ';
	p = put_digits(p, tm.tm_mday, tm.tm_mday >= 10 ? 2 : 1);
	*p++ = ' ';
	memcpy(p, mon[tm.tm_mon], 3);
	p += 3;
	*p++ = ' ';
	p = put_digits(p, tm.tm_year + 1900, 4);
	*p++ = ' ';
	p = put_digits(p, tm.tm_hour, 2);
	*p++ = ':';
	p = put_digits(p, tm.tm_min, 2);
	*p++ = ':';
	p = put_digits(p, tm.tm_sec, 2);
	memcpy(p, " +0000", 7);
}
