/* log.c - one line per event that matters, to stderr or syslog.
 * The level and target are set once from the configuration and the
 * command line; they are the only process-wide settings besides it. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

static int log_level = LOG_LVL_WARN;
static int log_syslog;

void
log_setup(int level, int use_syslog)
{
	log_level = level;
	if (use_syslog && !log_syslog)
		openlog("picflow", LOG_PID, LOG_MAIL);
	log_syslog = use_syslog;
}

void
log_msg(enum log_level lvl, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warning", "info",
	    "debug" };
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO,
	    LOG_DEBUG };
	va_list ap;

	if ((int)lvl > log_level)
		return;
	va_start(ap, fmt);
	if (log_syslog) {
		vsyslog(prio[lvl], fmt, ap);
	} else {
		fprintf(stderr, "picflow: %s: ", names[lvl]);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}
