/* poll_journal.h - the attempt journal of a poll (SPEC 7, poison mail):
 * which mail each side of the poll is taking in, written by the fatal
 * signal that kills picflow, so that the mail is known at the next start. */
#ifndef PICFLOW_POLL_JOURNAL_H
#define PICFLOW_POLL_JOURNAL_H

#include <stdint.h>

/* The two sides of a poll (poll_int.h), one slot each. */
enum pj_slot { PJ_READER, PJ_RECORDER, PJ_SLOTS };

/* A mail the last poll was taking in when it died of a fatal signal. */
struct pj_crash {
	uint32_t	 uidvalidity;
	uint32_t	 uid;
	int		 signo;
};

/* Opens DB.poll next to the database, and reads what a poll that died
 * left there: the mails of mailbox that crashed it (*n of them, at most
 * PJ_SLOTS). Then it is cleared, and until pj_close() a fatal signal
 * (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT) in a side taking a mail in
 * marks that mail before picflow dies as it would have. A journal that
 * cannot be opened (another poll holds it) only turns this off. */
void	pj_open(const char *db_path, const char *mailbox,
	    struct pj_crash out[PJ_SLOTS], int *n);
void	pj_close(void);

/* The calling thread is side slot, and takes in mail uid now; clear
 * when it is done with it. No system call: only a fatal signal in
 * between writes the line (no fsync: the file outlives the process). */
void	pj_begin(enum pj_slot slot, uint32_t uidvalidity, uint32_t uid);
void	pj_end(void);

#endif
