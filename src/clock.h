/* clock.h - the one clock: PICFLOW_NOW (ISO 8601, UTC) or the system's. */
#ifndef PICFLOW_CLOCK_H
#define PICFLOW_CLOCK_H

#include <time.h>

/* Reads PICFLOW_NOW_FILE (a file holding the time, which wins) or
 * PICFLOW_NOW. Returns PF_ERR (err filled, the clock unchanged) when the
 * time is not a valid ISO 8601 UTC time or the file cannot be read. May
 * be called again (watch does, at every wake). */
int	clock_init(char *err, size_t errlen);
time_t	clock_now(void);

/* "2026-11-26T05:08:19Z" <-> time_t. Accepts YYYY-MM-DD, YYYY-MM-DDTHH:MM,
 * YYYY-MM-DDTHH:MM:SS with optional Z or +00:00. */
int	clock_parse(const char *s, time_t *t);
#define CLOCK_ISO_LEN 21
void	clock_iso(time_t t, char buf[CLOCK_ISO_LEN]);
/* "2026-11-26 05:08 UTC", for people. */
void	clock_human(time_t t, char buf[32]);
/* "2026-11-26". */
void	clock_date(time_t t, char buf[16]);
/* "Thu, 26 Nov 2026 05:08:19 +0000", a mail's Date (RFC 5322), with
 * English names whatever the locale. */
#define CLOCK_MAIL_LEN 48
void	clock_mail(time_t t, char buf[CLOCK_MAIL_LEN]);

#endif
