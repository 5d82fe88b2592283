-- 003_smtp.sql - the delivery log of the SMTP sender (`picflow send`).
--
-- The outbox row keeps only the latest outcome (state, attempts,
-- next_attempt_at, sent_at, last_reply); this table keeps every attempt,
-- so an operator can see why a notice was retried or failed, and when the
-- server took it. Rows are written in the same transaction as the outbox
-- update they explain.
CREATE TABLE outbox_events (
	id		INTEGER PRIMARY KEY,
	outbox_id	INTEGER NOT NULL REFERENCES outbox(id),
	at		TEXT NOT NULL,
	event		TEXT NOT NULL CHECK (event = 'sent' OR
			    event = 'deferred' OR event = 'failed'),	-- see 001
	attempt		INTEGER NOT NULL,	-- 1 for the first attempt
	reply		TEXT			-- server reply or local error
);
CREATE INDEX outbox_events_outbox ON outbox_events(outbox_id, id);
