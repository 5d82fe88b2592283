-- 001_init.sql - picflow's first schema.
-- Applied in one transaction; PRAGMA user_version records it.
--
-- CHECK constraints that allow a list of three values or more are written
-- as comparisons joined by OR, not "x IN (...)": SQLite evaluates such an
-- IN list by building a temporary index of it for every row it checks, and
-- the rows one request mail writes met five lists, a sixth of the CPU time
-- of taking the mail in.
--
-- No index is kept that no statement reads: with random UUID keys, each
-- costs a page read and a page written at a random place per row (the
-- outbox by request and the SIP domains by contact were such).

-- Every inbound mail, raw, with its dedup keys. A mail is recorded in the
-- same transaction as what it caused (request, notices), so a crash never
-- leaves a mail half-processed.
CREATE TABLE inbound (
	id		INTEGER PRIMARY KEY,
	received_at	TEXT NOT NULL,
	message_id	TEXT,			-- without brackets
	content_hash	TEXT NOT NULL,		-- SHA-256 of the raw bytes, hex
	source		TEXT NOT NULL CHECK (source IN ('file', 'imap')),
	sender		TEXT,
	subject		TEXT,
	size		INTEGER NOT NULL,
	raw		BLOB NOT NULL,
	outcome		TEXT NOT NULL CHECK (outcome = 'request' OR
			    outcome = 'status' OR outcome = 'help' OR
			    outcome = 'reply' OR outcome = 'ignored' OR
			    outcome = 'too-big'),
	note		TEXT,			-- why ignored, etc.
	request_id	TEXT REFERENCES requests(id)
);
CREATE UNIQUE INDEX inbound_hash ON inbound(content_hash);
CREATE UNIQUE INDEX inbound_msgid ON inbound(message_id)
	WHERE message_id IS NOT NULL;

-- rid, the row number, is the key of everything that belongs to a request
-- (its lists, events, timers, notices): requests arrive in rid order, so
-- the open ones have neighbouring rids and their rows and index entries
-- share pages, where the random UUIDs put each on a page of its own (a
-- page read, and for an index written, per row; in a database of a million
-- requests, most of the cost of firing a timer). The UUID is the name
-- people and mails use.
CREATE TABLE requests (
	rid		INTEGER PRIMARY KEY,
	id		TEXT NOT NULL UNIQUE,	-- UUID
	tag		TEXT NOT NULL UNIQUE,	-- first 8 hex digits
	state		TEXT NOT NULL CHECK (state = 'received' OR
			    state = 'pending' OR state = 'provisioned' OR
			    state = 'rejected' OR state = 'superseded'),
	action		TEXT NOT NULL CHECK (action IN ('provision', 'update')),
	agreement_type	TEXT,
	agreement_number TEXT,
	deployment	TEXT,
	language	TEXT NOT NULL CHECK (language IN ('en', 'fr')),
	networks	TEXT NOT NULL DEFAULT 'skype',	-- comma-separated
	online_ext	TEXT,
	sender		TEXT NOT NULL,
	message_id	TEXT,			-- the request mail's, for replies
	refs		TEXT,			-- its References header
	inbound_id	INTEGER REFERENCES inbound(id),
	edge_change	INTEGER NOT NULL DEFAULT 0,
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	due_at		TEXT,			-- provisioning deadline
	held_until	TEXT,			-- split-domain cooldown
	overdue_at	TEXT			-- when the deadline alert went out
);
CREATE INDEX requests_state ON requests(state, created_at);
CREATE INDEX requests_agreement ON requests(agreement_number, state);

-- The lists of a request, stored in their key's order (WITHOUT ROWID):
-- one b-tree each, not a table and its index.
CREATE TABLE request_edges (
	request_rid	INTEGER NOT NULL REFERENCES requests(rid),
	pos		INTEGER NOT NULL,
	fqdn		TEXT NOT NULL,
	PRIMARY KEY (request_rid, pos)
) WITHOUT ROWID;

CREATE TABLE request_domains (
	request_rid	INTEGER NOT NULL REFERENCES requests(rid),
	pos		INTEGER NOT NULL,
	domain		TEXT NOT NULL,
	contact		TEXT,
	PRIMARY KEY (request_rid, pos)
) WITHOUT ROWID;
CREATE INDEX request_domains_domain ON request_domains(domain);

CREATE TABLE request_reasons (
	request_rid	INTEGER NOT NULL REFERENCES requests(rid),
	pos		INTEGER NOT NULL,
	code		TEXT NOT NULL,
	detail		TEXT,
	PRIMARY KEY (request_rid, pos)
) WITHOUT ROWID;

-- One row per transition (from_state NULL for the first), and per note
-- about a request that changes no state (from_state = to_state).
CREATE TABLE events (
	id		INTEGER PRIMARY KEY,
	request_rid	INTEGER NOT NULL REFERENCES requests(rid),
	at		TEXT NOT NULL,
	from_state	TEXT,
	to_state	TEXT NOT NULL,
	cause		TEXT NOT NULL
);
CREATE INDEX events_request ON events(request_rid, id);

-- Timers: fired by tick, each in its own transaction.
CREATE TABLE timers (
	id		INTEGER PRIMARY KEY,
	request_rid	INTEGER NOT NULL REFERENCES requests(rid),
	kind		TEXT NOT NULL CHECK (kind IN ('deadline', 'release')),
	due_at		TEXT NOT NULL,
	fired_at	TEXT
);
CREATE INDEX timers_due ON timers(due_at) WHERE fired_at IS NULL;
CREATE UNIQUE INDEX timers_one ON timers(request_rid, kind)
	WHERE fired_at IS NULL;

-- Split-domain cooldowns started by an online-enabled-first rejection.
CREATE TABLE cooldowns (
	id		INTEGER PRIMARY KEY,
	request_id	TEXT NOT NULL REFERENCES requests(id),
	agreement_number TEXT,
	domain		TEXT,
	until		TEXT NOT NULL
);
CREATE INDEX cooldowns_agreement ON cooldowns(agreement_number, until);
CREATE INDEX cooldowns_domain ON cooldowns(domain, until);

-- Complete rendered notices. The per-sender reply count is read from here
-- (auto_reply rows of the last 24 hours), so it can never disagree with
-- what was queued.
CREATE TABLE outbox (
	id		INTEGER PRIMARY KEY,
	request_rid	INTEGER REFERENCES requests(rid),
	inbound_id	INTEGER REFERENCES inbound(id),
	template	TEXT NOT NULL CHECK (template = 'confirmation' OR
			    template = 'completion' OR
			    template = 'rejection' OR template = 'held' OR
			    template = 'delay' OR template = 'status' OR
			    template = 'help' OR template = 'alert'),
	recipient	TEXT NOT NULL,
	subject		TEXT NOT NULL,
	message_id	TEXT NOT NULL,
	message		BLOB NOT NULL,
	auto_reply	INTEGER NOT NULL DEFAULT 0,
	state		TEXT NOT NULL CHECK (state = 'queued' OR
			    state = 'sent' OR state = 'failed' OR
			    state = 'suppressed'),
	attempts	INTEGER NOT NULL DEFAULT 0,
	created_at	TEXT NOT NULL,
	next_attempt_at	TEXT,
	sent_at		TEXT,
	last_reply	TEXT
);
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE state = 'queued';
CREATE INDEX outbox_replies ON outbox(recipient, created_at)
	WHERE auto_reply = 1;
