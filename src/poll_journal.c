/* poll_journal.c - the attempt journal of a poll (poll_journal.h).
 *
 * A mail whose processing kills picflow (a crash in a parser, an abort)
 * must not block the mailbox (SPEC 7): the next poll must know which mail
 * it was, and count it as a failure of that mail, so that after
 * POLL_MAX_FAILURES it goes to the failed mailbox. A commit per mail would
 * be an fsync per mail, the better part of a poll's time; so the attempt
 * is a line in a file: each side's line is kept ready in memory while it
 * takes a mail in, and a fatal signal writes it, marked, with one pwrite()
 * before the process dies. The system's cache outlives the process, which
 * is all a mail can kill. Writing the line before each mail and blanking
 * it after, as this file did first, was 40,000 system calls for 10,000
 * mails and bought nothing: an unmarked line blames no mail, and a
 * SIGKILL from outside (an operator, the OOM killer, the crash tests)
 * still leaves none. (Their time was within the noise of a poll.) */
#include "poll_journal.h"
#include "util.h"

#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#define PJ_LINE		256	/* bytes of a slot: "S UIDVALIDITY UID MAILBOX" */

static int pj_fd = -1;
static char pj_mailbox[PJ_LINE - 32];
static _Thread_local volatile sig_atomic_t pj_cur = -1; /* this side's slot */
static _Thread_local char pj_line[PJ_LINE];	/* its line, unmarked */
static const int pj_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE,
    SIGABRT };
static struct sigaction pj_old[sizeof(pj_signals) / sizeof(pj_signals[0])];

/* Async-signal-safe: the line pj_begin() made, marked, in one pwrite;
 * then the default action, so that the process dies of the signal it got.
 * The signals are the faulting thread's own, so pj_cur and pj_line are
 * those of the side that was taking the mail in. */
static void
pj_fatal(int signo)
{
	if (pj_fd >= 0 && pj_cur >= 0) {
		pj_line[0] = '!';
		pj_line[1] = (char)('A' + signo / 26);
		pj_line[2] = (char)('A' + signo % 26);
		(void)!pwrite(pj_fd, pj_line, sizeof(pj_line),
		    (off_t)pj_cur * PJ_LINE);
	}
	signal(signo, SIG_DFL);
	raise(signo);
}

static void
pj_blank(int slot)
{
	char line[PJ_LINE];

	memset(line, ' ', sizeof(line));
	line[PJ_LINE - 1] = '\n';
	(void)!pwrite(pj_fd, line, sizeof(line), (off_t)slot * PJ_LINE);
}

/* The crashes recorded in the slots, for mailbox. */
static void
pj_read(const char *mailbox, struct pj_crash out[PJ_SLOTS], int *n)
{
	char buf[PJ_LINE * PJ_SLOTS + 1], box[PJ_LINE];
	unsigned long v, u;
	char a, b;

	memset(buf, 0, sizeof(buf));
	if (pread(pj_fd, buf, sizeof(buf) - 1, 0) <= 0)
		return;
	for (int i = 0; i < PJ_SLOTS; i++) {
		char *l = buf + i * PJ_LINE;

		l[PJ_LINE - 1] = '\0';
		if (l[0] != '!' || sscanf(l + 1, "%c%c %lu %lu %255s", &a, &b,
		    &v, &u, box) != 5 || strcmp(box, mailbox) != 0)
			continue;
		out[*n].uidvalidity = (uint32_t)v;
		out[*n].uid = (uint32_t)u;
		out[*n].signo = (a - 'A') * 26 + (b - 'A');
		(*n)++;
	}
}

void
pj_open(const char *db_path, const char *mailbox,
    struct pj_crash out[PJ_SLOTS], int *n)
{
	char *path = xasprintf("%s.poll", db_path);
	struct sigaction sa;

	*n = 0;
	pj_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	free(path);
	/* Two polls at once would take each other's lines: the second one
	 * goes without. A mailbox name with a blank cannot be written. */
	if (pj_fd >= 0 && (flock(pj_fd, LOCK_EX | LOCK_NB) != 0 ||
	    strlen(mailbox) >= sizeof(pj_mailbox) ||
	    strpbrk(mailbox, " \t\r\n") != NULL)) {
		close(pj_fd);
		pj_fd = -1;
	}
	if (pj_fd < 0)
		return;
	snprintf(pj_mailbox, sizeof(pj_mailbox), "%s", mailbox);
	pj_read(mailbox, out, n);
	for (int i = 0; i < PJ_SLOTS; i++)
		pj_blank(i);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = pj_fatal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < sizeof(pj_signals) / sizeof(pj_signals[0]); i++)
		sigaction(pj_signals[i], &sa, &pj_old[i]);
}

void
pj_close(void)
{
	if (pj_fd < 0)
		return;
	for (size_t i = 0; i < sizeof(pj_signals) / sizeof(pj_signals[0]); i++)
		sigaction(pj_signals[i], &pj_old[i], NULL);
	close(pj_fd);
	pj_fd = -1;
}

void
pj_begin(enum pj_slot slot, uint32_t uidvalidity, uint32_t uid)
{
	int k;

	if (pj_fd < 0)
		return;
	memset(pj_line, ' ', sizeof(pj_line));
	k = snprintf(pj_line, sizeof(pj_line), "p   %u %u %s", uidvalidity,
	    uid, pj_mailbox);
	if (k > 0 && k < PJ_LINE)
		pj_line[k] = ' ';
	pj_line[PJ_LINE - 1] = '\n';
	/* The line is whole before a signal can see the slot. */
	atomic_signal_fence(memory_order_seq_cst);
	pj_cur = (sig_atomic_t)slot;
}

void
pj_end(void)
{
	pj_cur = -1;
}
