-- 005_trust.sql - confirmation by reply (SPEC 6) and the operator's alert
-- digests.
--
-- Three CHECK constraints gain a value: requests.state 'confirming',
-- outbox.template 'verify', timers.kind 'confirm'. Each only widens what
-- the rows may hold, so the constraint's text is edited in the schema
-- (SQLite's documented writable_schema route for such changes) instead of
-- rebuilding the table: a rebuild would have to copy every raw notice of
-- the outbox, and would drop any column another migration added to it.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql,
    'state = ''received'' OR',
    'state = ''received'' OR state = ''confirming'' OR')
    WHERE type = 'table' AND name = 'requests' AND
    instr(sql, 'confirming') = 0;
UPDATE sqlite_schema SET sql = replace(sql,
    'template = ''confirmation'' OR',
    'template = ''confirmation'' OR template = ''verify'' OR')
    WHERE type = 'table' AND name = 'outbox' AND
    instr(sql, '''verify''') = 0;
UPDATE sqlite_schema SET sql = replace(sql,
    'kind IN (''deadline'', ''release'')',
    'kind IN (''deadline'', ''release'', ''confirm'')')
    WHERE type = 'table' AND name = 'timers' AND
    instr(sql, '''confirm''') = 0;
PRAGMA writable_schema = RESET;

-- One row per address that must confirm a request. Only the SHA-256 of
-- the token is kept: a copy of the database gives no valid token away.
-- A token is used once: confirmed_at set, it matches nothing any more
-- (the request has moved on, or the address is confirmed).
CREATE TABLE confirmations (
	id		INTEGER PRIMARY KEY,
	request_rid	INTEGER NOT NULL REFERENCES requests(rid),
	address		TEXT NOT NULL,
	token_hash	TEXT NOT NULL UNIQUE,	-- SHA-256, hex
	created_at	TEXT NOT NULL,
	expires_at	TEXT NOT NULL,
	confirmed_at	TEXT,
	inbound_id	INTEGER REFERENCES inbound(id)	-- the confirming mail
);
CREATE UNIQUE INDEX confirmations_one ON confirmations(request_rid, address);
CREATE INDEX confirmations_address ON confirmations(address)
	WHERE confirmed_at IS NOT NULL;

-- Operator alerts held back by the hourly limit: the first alert of a
-- kind in an hour goes out at once, the next ones wait here and go out
-- together as one digest when the hour is over (tick).
CREATE TABLE alert_digest (
	id		INTEGER PRIMARY KEY,
	kind		TEXT NOT NULL,
	at		TEXT NOT NULL,
	request_rid	INTEGER REFERENCES requests(rid),
	text		TEXT NOT NULL,
	sent_at		TEXT
);
CREATE INDEX alert_digest_open ON alert_digest(kind, at) WHERE sent_at IS NULL;

-- The verify notices of one address in the last 24 hours (the limit of
-- verify_per_address_per_day) are counted through this.
CREATE INDEX outbox_verify ON outbox(recipient, created_at)
	WHERE template = 'verify';
