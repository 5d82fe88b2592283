/* hook.c - the optional provisioning hook of SPEC 5.
 *
 * The hook runs outside any transaction (it may take minutes); its
 * outcome is applied afterwards in a transaction of its own, and only if
 * the request is still pending then. A hook killed halfway is simply run
 * again next time: it must be idempotent, as documented. */
#include "hook.h"
#include "decide.h"
#include "json_out.h"
#include "log.h"
#include "notice.h"
#include "clock.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#define HOOK_STDERR_MAX	4096

enum hook_outcome { HOOK_PROVISIONED, HOOK_REJECTED, HOOK_LATER, HOOK_FAILED };

struct hook_run {
	enum hook_outcome	 outcome;
	int			 status;	/* exit code, or -signal */
	int			 timed_out;
	char			 out[HOOK_STDERR_MAX + 1]; /* its stderr */
};

static void
hook_child(const char *cmd, int in, int errfd)
{
	setpgid(0, 0);
	dup2(in, 0);
	dup2(errfd, 2);
	dup2(errfd, 1);	/* stdout too: anything it says is worth keeping */
	close(in);
	close(errfd);
	signal(SIGPIPE, SIG_DFL);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

/* Feeds stdin, collects stderr, enforces the time limit. */
static void
hook_wait(pid_t pid, int in, int errfd, const char *json, int timeout,
    struct hook_run *hr)
{
	size_t off = 0, jlen = strlen(json), got = 0;
	time_t end = time(NULL) + timeout;
	struct pollfd pf[2];
	int st;

	fcntl(in, F_SETFL, O_NONBLOCK);
	while (errfd >= 0 && time(NULL) < end) {
		int n = 0;

		if (in >= 0)
			pf[n++] = (struct pollfd){ in, POLLOUT, 0 };
		pf[n++] = (struct pollfd){ errfd, POLLIN, 0 };
		if (poll(pf, (nfds_t)n, 200) < 0 && errno != EINTR)
			break;
		if (in >= 0 && (pf[0].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t w = write(in, json + off, jlen - off);

			if (w > 0)
				off += (size_t)w;
			if (w < 0 || off == jlen) {
				close(in);
				in = -1;
			}
		}
		if (pf[n - 1].revents & (POLLIN | POLLHUP | POLLERR)) {
			char buf[1024];
			ssize_t r = read(errfd, buf, sizeof(buf));

			if (r <= 0) {
				close(errfd);
				errfd = -1;
			} else if (got < HOOK_STDERR_MAX) {
				size_t k = (size_t)r < HOOK_STDERR_MAX - got ?
				    (size_t)r : HOOK_STDERR_MAX - got;

				memcpy(hr->out + got, buf, k);
				got += k;
			}
		}
	}
	hr->out[got] = '\0';
	if (in >= 0)
		close(in);
	if (errfd >= 0) {
		close(errfd);
		hr->timed_out = 1;
		kill(-pid, SIGKILL);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	hr->status = WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
}

static int
hook_exec(const char *cmd, int timeout, const char *json, struct hook_run *hr,
    char *err, size_t errlen)
{
	int pin[2], perr[2];
	pid_t pid;

	memset(hr, 0, sizeof(*hr));
	if (pipe(pin) != 0 || pipe(perr) != 0) {
		err_set(err, errlen, "hook: pipe: %s", strerror(errno));
		return PF_ERR;
	}
	if ((pid = fork()) < 0) {
		err_set(err, errlen, "hook: fork: %s", strerror(errno));
		close(pin[0]); close(pin[1]); close(perr[0]); close(perr[1]);
		return PF_ERR;
	}
	if (pid == 0) {
		close(pin[1]);
		close(perr[0]);
		hook_child(cmd, pin[0], perr[1]);
	}
	close(pin[0]);
	close(perr[1]);
	hook_wait(pid, pin[1], perr[0], json, timeout, hr);
	if (hr->timed_out)
		hr->outcome = HOOK_FAILED;
	else if (hr->status == 0)
		hr->outcome = HOOK_PROVISIONED;
	else if (hr->status == EX_DATAERR)
		hr->outcome = HOOK_REJECTED;
	else if (hr->status == EX_TEMPFAIL)
		hr->outcome = HOOK_LATER;
	else
		hr->outcome = HOOK_FAILED;
	return PF_OK;
}

/* The first line of the hook's output, for a reason or an event. */
static char *
first_line(const char *s, const char *fallback)
{
	size_t n = strcspn(s, "\r\n");
	char *line = xstrndup(s, n);

	for (char *p = line; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	if (*str_trim(line) == '\0') {
		free(line);
		return xstrdup(fallback);
	}
	return line;
}

static int
hook_failed_before(struct store *s, int64_t rid, int *yes, char *err,
    size_t errlen)
{
	struct event_row *ev;
	size_t n;
	int rc = store_events(s, rid, &ev, &n, err, errlen);

	*yes = 0;
	if (rc != PF_OK)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (strncmp(ev[i].cause, "hook failed", 11) == 0)
			*yes = 1;
	event_rows_free(ev, n);
	return PF_OK;
}

static int
hook_apply(struct store *s, const struct config *cfg, struct request_row *r,
    const struct hook_run *hr, struct hook_result *res, char *err,
    size_t errlen)
{
	char *line = first_line(hr->out, "no reason given by the hook");
	char *cause = NULL;
	int rc, before;

	switch (hr->outcome) {
	case HOOK_PROVISIONED:
		rc = decide_provision(s, cfg, r, line[0] && hr->out[0] ? line :
		    NULL, "hook", err, errlen);
		res->provisioned++;
		break;
	case HOOK_REJECTED:
		rc = decide_reject(s, cfg, r, line, "hook", err, errlen);
		res->rejected++;
		break;
	case HOOK_LATER:
		cause = xasprintf("hook: try later (%s)", line);
		rc = store_note(s, r, cause, err, errlen);
		res->later++;
		break;
	case HOOK_FAILED:
		cause = hr->timed_out ? xasprintf("hook failed: killed after "
		    "%d s", cfg->hook_timeout) : xasprintf("hook failed: exit "
		    "%d: %s", hr->status, line);
		if ((rc = hook_failed_before(s, r->rid, &before, err,
		    errlen)) == PF_OK &&
		    (rc = store_note(s, r, cause, err, errlen)) == PF_OK &&
		    !before)
			rc = notice_alert(s, cfg, r, "hook failure", cause, err,
			    errlen);
		res->failed++;
		break;
	default:
		abort();
	}
	if (cause)
		log_info("request PIC-%s: %s", r->tag, cause);
	free(line);
	free(cause);
	return rc;
}

static int
hook_one(struct store *s, const struct config *cfg, const char *id,
    struct hook_result *res, char *err, size_t errlen)
{
	struct request_row r;
	struct hook_run hr;
	char *json;
	json_t *o;
	int rc;

	if ((rc = store_request_load(s, id, &r, err, errlen)) != STORE_FOUND)
		return rc == PF_OK ? PF_OK : rc;
	o = json_request(&r);
	json = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	request_row_free(&r);
	rc = hook_exec(cfg->hook_command, cfg->hook_timeout, json, &hr, err,
	    errlen);
	free(json);
	if (rc != PF_OK)
		return rc;
	if ((rc = store_begin(s, err, errlen)) != PF_OK)
		return rc;
	memset(&r, 0, sizeof(r));
	rc = store_request_load(s, id, &r, err, errlen);
	if (rc == STORE_FOUND && r.state == ST_PENDING)
		rc = hook_apply(s, cfg, &r, &hr, res, err, errlen);
	else if (rc == STORE_FOUND)
		rc = PF_OK;	/* decided meanwhile by an operator */
	if (rc == STORE_FOUND || rc == PF_OK)
		rc = store_commit(s, err, errlen);
	else
		store_rollback(s);
	request_row_free(&r);
	return rc;
}

static int
collect(struct request_row *r, void *arg)
{
	sv_push(arg, r->id);
	return PF_OK;
}

int
hook_run(struct store *s, const struct config *cfg, struct hook_result *res,
    char *err, size_t errlen)
{
	struct strvec ids = { 0 };
	int rc;

	memset(res, 0, sizeof(*res));
	if (cfg->hook_command == NULL || *cfg->hook_command == '\0')
		return PF_OK;
	rc = store_request_each(s, ST_PENDING, collect, &ids, err, errlen);
	for (size_t i = 0; i < ids.n && rc == PF_OK; i++)
		rc = hook_one(s, cfg, ids.v[i], res, err, errlen);
	sv_free(&ids);
	return rc;
}
