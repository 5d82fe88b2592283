-- 012_ops.sql - retention, erasure, the per-sender bound and the metrics
-- (SPEC 10).
--
-- A raw mail or a notice body that is deleted keeps its row: the dedup
-- keys, the outcome, the state and the delivery log stay, so history and
-- `show` still explain what happened. Only the bytes go (raw = X'',
-- message = X''), and these columns say why.

-- NULL: the raw mail as received (of a too-big mail, its first 64 KB);
-- 'sender-limit': only its first 64 KB, its sender being past [retention]
-- sender_bytes_per_day; 'retention', 'forgotten': deleted, at pruned_at.
ALTER TABLE inbound ADD COLUMN raw_note TEXT;
ALTER TABLE inbound ADD COLUMN pruned_at TEXT;
-- 'retention' or 'forgotten': the body was deleted at pruned_at.
ALTER TABLE outbox ADD COLUMN prune_note TEXT;
ALTER TABLE outbox ADD COLUMN pruned_at TEXT;

-- What retention has still to look at: in received order, so a tick
-- reads only the rows older than mail_days that still hold their bytes
-- (none, once it has run), never the whole table.
CREATE INDEX inbound_unpruned ON inbound(received_at) WHERE pruned_at IS NULL;
CREATE INDEX outbox_unpruned ON outbox(created_at) WHERE pruned_at IS NULL;

-- The bytes a sender made picflow store in the last 24 hours. Only mails
-- above 64 KB are ever cut, so only they are counted, and only they are
-- in this index: taking in a small mail costs nothing more.
CREATE INDEX inbound_big_sender ON inbound(sender COLLATE NOCASE, received_at)
	WHERE size > 65536;

-- picflow_mails_total and picflow_outbox count through these instead of
-- reading every row (an inbound row holds a raw mail).
CREATE INDEX inbound_outcome ON inbound(outcome);
CREATE INDEX outbox_state ON outbox(state);

-- When each stage last succeeded (picflow_last_success_timestamp_seconds).
CREATE TABLE stage_success (
	stage		TEXT PRIMARY KEY CHECK (stage = 'poll' OR
			    stage = 'tick' OR stage = 'send'),
	at		TEXT NOT NULL
) WITHOUT ROWID;
