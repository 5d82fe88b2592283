-- 004_checks.sql - the same CHECK constraints, written as comparisons.
--
-- SQLite evaluates "x IN ('a', 'b', 'c')" (three values or more) by
-- building a temporary index of the list for every row it checks; the
-- equivalent "x = 'a' OR x = 'b' OR x = 'c'" is a few comparisons. The
-- rows one request mail writes met five such lists, and building them
-- was a sixth of the CPU time of taking the mail in.
--
-- Only the text of the constraints changes: what they allow, the columns
-- and everything stored stay as they are. So the tables are not rebuilt:
-- their definitions are replaced in place, which the SQLite documentation
-- allows for changes that leave the stored data valid ("Making Other
-- Kinds Of Table Schema Changes" in lang_altertable.html). The table
-- created and dropped at the end moves the schema cookie on, so that
-- every connection reads the new definitions; store_open() reloads its
-- own (PRAGMA writable_schema = RESET).
PRAGMA writable_schema = ON;

UPDATE sqlite_schema SET sql = 'CREATE TABLE inbound (
	id		INTEGER PRIMARY KEY,
	received_at	TEXT NOT NULL,
	message_id	TEXT,			-- without brackets
	content_hash	TEXT NOT NULL,		-- SHA-256 of the raw bytes, hex
	source		TEXT NOT NULL CHECK (source IN (''file'', ''imap'')),
	sender		TEXT,
	subject		TEXT,
	size		INTEGER NOT NULL,
	raw		BLOB NOT NULL,
	outcome		TEXT NOT NULL CHECK (outcome = ''request'' OR
			    outcome = ''status'' OR outcome = ''help'' OR
			    outcome = ''reply'' OR outcome = ''ignored'' OR
			    outcome = ''too-big''),
	note		TEXT,			-- why ignored, etc.
	request_id	TEXT REFERENCES requests(id)
)' WHERE type = 'table' AND name = 'inbound';

UPDATE sqlite_schema SET sql = 'CREATE TABLE requests (
	id		TEXT PRIMARY KEY,	-- UUID
	tag		TEXT NOT NULL UNIQUE,	-- first 8 hex digits
	state		TEXT NOT NULL CHECK (state = ''received'' OR
			    state = ''pending'' OR state = ''provisioned'' OR
			    state = ''rejected'' OR state = ''superseded''),
	action		TEXT NOT NULL CHECK (action IN (''provision'', ''update'')),
	agreement_type	TEXT,
	agreement_number TEXT,
	deployment	TEXT,
	language	TEXT NOT NULL CHECK (language IN (''en'', ''fr'')),
	networks	TEXT NOT NULL DEFAULT ''skype'',	-- comma-separated
	online_ext	TEXT,
	sender		TEXT NOT NULL,
	message_id	TEXT,			-- the request mail''s, for replies
	refs		TEXT,			-- its References header
	inbound_id	INTEGER REFERENCES inbound(id),
	edge_change	INTEGER NOT NULL DEFAULT 0,
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	due_at		TEXT,			-- provisioning deadline
	held_until	TEXT,			-- split-domain cooldown
	overdue_at	TEXT			-- when the deadline alert went out
)' WHERE type = 'table' AND name = 'requests';

UPDATE sqlite_schema SET sql = 'CREATE TABLE outbox (
	id		INTEGER PRIMARY KEY,
	request_id	TEXT REFERENCES requests(id),
	inbound_id	INTEGER REFERENCES inbound(id),
	template	TEXT NOT NULL CHECK (template = ''confirmation'' OR
			    template = ''completion'' OR
			    template = ''rejection'' OR template = ''held'' OR
			    template = ''delay'' OR template = ''status'' OR
			    template = ''help'' OR template = ''alert''),
	recipient	TEXT NOT NULL,
	subject		TEXT NOT NULL,
	message_id	TEXT NOT NULL,
	message		BLOB NOT NULL,
	auto_reply	INTEGER NOT NULL DEFAULT 0,
	state		TEXT NOT NULL CHECK (state = ''queued'' OR
			    state = ''sent'' OR state = ''failed'' OR
			    state = ''suppressed''),
	attempts	INTEGER NOT NULL DEFAULT 0,
	created_at	TEXT NOT NULL,
	next_attempt_at	TEXT,
	sent_at		TEXT,
	last_reply	TEXT
)' WHERE type = 'table' AND name = 'outbox';

UPDATE sqlite_schema SET sql = 'CREATE TABLE outbox_events (
	id		INTEGER PRIMARY KEY,
	outbox_id	INTEGER NOT NULL REFERENCES outbox(id),
	at		TEXT NOT NULL,
	event		TEXT NOT NULL CHECK (event = ''sent'' OR
			    event = ''deferred'' OR event = ''failed''),
	attempt		INTEGER NOT NULL,	-- 1 for the first attempt
	reply		TEXT			-- server reply or local error
)' WHERE type = 'table' AND name = 'outbox_events';

PRAGMA writable_schema = OFF;
CREATE TABLE schema_cookie_004 (x);
DROP TABLE schema_cookie_004;
