-- 002_imap.sql - what the IMAP poller remembers between runs.

-- Every mail taken from an IMAP mailbox, by the key that names it there.
-- The row is written in the same transaction as the mail's inbound row and
-- everything the mail caused, and the mail is moved out of the mailbox only
-- after that commit: a key found here means "recorded, only the move is
-- left" (a crash between the two), so the mail is moved, not read again.
CREATE TABLE imap_seen (
	mailbox		TEXT NOT NULL,
	uidvalidity	INTEGER NOT NULL,
	uid		INTEGER NOT NULL,
	inbound_id	INTEGER REFERENCES inbound(id),
	seen_at		TEXT NOT NULL,
	PRIMARY KEY (mailbox, uidvalidity, uid)
) WITHOUT ROWID;

-- Mails whose processing failed with an internal error. They stay in the
-- mailbox and are retried by the next runs; failures counts the runs that
-- failed, and at the third the mail goes to the failed mailbox and the
-- operator is alerted once (alerted_at).
CREATE TABLE imap_failures (
	mailbox		TEXT NOT NULL,
	uidvalidity	INTEGER NOT NULL,
	uid		INTEGER NOT NULL,
	failures	INTEGER NOT NULL,
	last_error	TEXT,
	first_at	TEXT NOT NULL,
	last_at		TEXT NOT NULL,
	alerted_at	TEXT,
	PRIMARY KEY (mailbox, uidvalidity, uid)
) WITHOUT ROWID;
