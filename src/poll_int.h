/* poll_int.h - what the two sides of a poll share: imap_poll.c records
 * (the calling thread, which alone touches the database), poll_reader.c
 * talks to the server (a thread of its own, which alone touches the IMAP
 * session). They meet in a struct poll_pipe, under its mutex.
 *
 * Why two threads: recording a mail is picflow's CPU and the database's
 * fsyncs, reading and moving mails is the server's time; one after the
 * other, a backlog took the sum of both. Now the reader fetches the next
 * window and moves the committed ones while the recorder works (in a
 * backlog a third thread, poll_mover.c, moves them over a session of its
 * own). The rule is unchanged: a mail is moved only after the recorder
 * said its window was committed. */
#ifndef PICFLOW_POLL_INT_H
#define PICFLOW_POLL_INT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "imap_conn.h"
#include "ingest.h"
#include "util.h"

/* Body bytes of one window (at least one mail, whatever its size). */
#define POLL_WINDOW_BYTES	(4u << 20)
/* Body bytes of the windows read ahead and not taken yet (at least one
 * window, of imap.batch_size mails: 200 request mails are 400 KB): work
 * for the recorder while the reader fetches the next, and no more: with
 * their decoded text they count about twice in the poll's memory. 1 MB
 * (and a 4 MB page cache) made a 10,000-mail poll take 26.6 MB, past its
 * bound of twice mbsync's 12; 512 KB (and 2 MB) 22.8, for about 5% more
 * time in the median of five interleaved runs (bench/RESULTS.md, issue
 * 14's fourth round). */
#define POLL_AHEAD_BYTES	(512u << 10)
#define POLL_PREFIX		65536		/* read of a too-big mail */
/* Recorded mails per MOVE. The last MOVE waits for the last commit, so
 * its size is the poll's tail: 500 rather than 2,000 took 2.5% off the
 * median 10,000-mail poll (bench/RESULTS.md, issue 14's fifth round). */
#define POLL_MOVE_BATCH		500
/* A backlog's checkpoints get a thread (store_ckpt_start): a mail writes
 * about 8 KB of WAL, so from some 8,000 mails on the WAL passes the
 * deferred limit in mid-poll; the thread costs one more connection. */
#define POLL_CKPT_MAILS		2000
/* A backlog's moves get a second IMAP session (poll_mover.c): on one
 * session the server's moving and its fetching took turns, and that one
 * chain was as long as the recorder's. A few mails are not worth a
 * second login. */
#define POLL_MOVER_MAILS	2000

/* Who moves the committed mails (struct poll_pipe's mover). */
enum poll_mover_state {
	MOVER_NONE,	/* no mover, or it could not log in: the reader moves */
	MOVER_OPENING,	/* its session is being opened: moves wait */
	MOVER_ON,	/* the mover moves */
	MOVER_FAILED	/* a move failed (move_rc): nobody moves any more */
};

enum poll_fate {
	FATE_NEW,	/* to read and record */
	FATE_DONE,	/* recorded, now or before: to the processed mailbox */
	FATE_STAY,	/* failed this run: stays for the next */
	FATE_GIVE_UP,	/* failed POLL_MAX_FAILURES runs: to the failed one */
	FATE_GONE	/* expunged by someone else meanwhile */
};

struct poll_item {
	struct imap_msgref	 ref;
	enum poll_fate		 fate;
	int			 recorded;	/* ingest took it this run */
	int			 failures;	/* runs that failed on it */
	char			*why;		/* FATE_STAY: the error */
};

/* Consecutive messages of the mailbox, read ahead with their bodies,
 * already taken apart (ingest_prepare): the reader has time for that
 * while the recorder works, and it was a fifth of the recorder's time. */
struct poll_window {
	struct poll_item	*items;
	size_t			 n;
	struct imap_fetched	*fetched[2];	/* whole mails, prefixes */
	struct imap_body	*bodies;	/* by UID, into fetched */
	struct ingest_prep	*preps;		/* one per body */
	size_t			 nbodies;
	size_t			 bytes;		/* of the bodies */
	struct poll_window	*next;
};

struct poll_pipe {
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;		/* any change below */
	/* reader -> recorder */
	struct poll_window	*head, *tail;	/* ready windows */
	size_t			 ready_bytes;
	int			 read_done;	/* no window will follow */
	int			 read_rc;	/* why reading stopped */
	char			 read_err[PF_ERRLEN];
	/* recorder -> reader: committed mails to move */
	uint32_t		*to_move, *to_fail;
	size_t			 n_move, n_fail;
	int			 finished;	/* no window will be taken */
	int			 record_rc;	/* how recording ended */
	int			 mover;		/* enum poll_mover_state */
	/* whoever moves; read after the joins */
	int			 move_rc;	/* the moves, if they failed */
	char			 move_err[PF_ERRLEN];
};

struct poll_reader {
	struct imap_conn	*conn;
	const struct config	*cfg;
	struct poll_pipe	*pipe;
	uint32_t		 uidnext;	/* at SELECT: newer ones wait */
	uint32_t		 max_uid;	/* highest UID read so far */
	uint32_t		 pos;		/* messages before the next window */
	int			 failed_box_ready;
	uint32_t		 uidvalidity;
	const uint32_t		*skip;		/* given up: not taken apart (a
						   poison mail would kill the
						   reader again), sorted */
	size_t			 n_skip;
};

int	poll_too_big(const struct config *cfg, const struct imap_msgref *ref);
/* The prepared mail of uid in w, or NULL. */
struct ingest_prep *poll_window_mail(const struct poll_window *w,
	    uint32_t uid);
void	poll_window_free(struct poll_window *w);

/* The reader thread's start routine (arg: struct poll_reader). */
void	*poll_reader_run(void *arg);

/* The second session, for a backlog's moves (poll_mover.c). */
struct poll_mover {
	const struct config	*cfg;
	struct poll_pipe	*pipe;
	uint32_t		 uidvalidity;	/* the reader's SELECT's */
	pthread_t		 th;
};

/* Starts the mover (pp->mover MOVER_OPENING until its session is open);
 * 0 if no thread could be started (pp->mover stays MOVER_NONE). */
int	poll_mover_start(struct poll_mover *m);
void	poll_mover_join(struct poll_mover *m);
/* Takes the committed mails waiting (those for the processed mailbox
 * once there are POLL_MOVE_BATCH of them, or all when `all`) and moves
 * them over c; *failed_box_ready says the failed mailbox exists. */
int	poll_move_pending(struct imap_conn *c, const struct config *cfg,
	    struct poll_pipe *pp, int all, int *failed_box_ready, char *err,
	    size_t errlen);

#endif
