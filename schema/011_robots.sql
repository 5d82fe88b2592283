-- 011_robots.sql - automatic mail and the bounces of our notices (SPEC 7).
-- (Reserved as 010, it landed after 011_poison.sql: migrations apply by
-- their place in name order, so it sorts after the last one on main.)
--
-- inbound.robot names the kind of an automatic mail (bounce, vacation,
-- feedback, ...; src/robot.c), NULL for a person's: list --mail and
-- show --mail print it.
ALTER TABLE inbound ADD COLUMN robot TEXT;

-- A delivery report matched to one of our notices: every one is kept
-- (delayed ones too: "recorded only"); a failed one also moves the notice
-- to the outbox state 'bounced'. request_rid is the notice's, so that show
-- finds a request's unreachable contacts without reading the outbox,
-- which has no index by request.
CREATE TABLE bounces (
	id		INTEGER PRIMARY KEY,
	outbox_id	INTEGER NOT NULL REFERENCES outbox(id),
	request_rid	INTEGER REFERENCES requests(rid),
	inbound_id	INTEGER NOT NULL REFERENCES inbound(id),
	at		TEXT NOT NULL,
	action		TEXT NOT NULL CHECK (action = 'failed' OR
			    action = 'delayed' OR action = 'delivered' OR
			    action = 'unknown'),
	status		TEXT,			-- RFC 3463, e.g. 5.1.1
	diagnostic	TEXT,
	matched_by	TEXT NOT NULL CHECK (matched_by = 'message-id' OR
			    matched_by = 'verp')
);
CREATE INDEX bounces_outbox ON bounces(outbox_id);
CREATE INDEX bounces_request ON bounces(request_rid)
	WHERE request_rid IS NOT NULL;

-- A report names the notice by its Message-ID: without this index, each
-- report would read the whole outbox. One index entry per notice.
CREATE INDEX outbox_message_id ON outbox(message_id);

-- Two CHECK constraints gain a value (outbox.state and outbox_events.event
-- 'bounced'), edited in place as 005 and 009 do: only widened, so every
-- stored row meets them; the table created and dropped moves the schema
-- cookie on for every other connection.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql,
    'state = ''sent'' OR',
    'state = ''sent'' OR state = ''bounced'' OR')
    WHERE type = 'table' AND name = 'outbox' AND
    instr(sql, '''bounced''') = 0;
UPDATE sqlite_schema SET sql = replace(sql,
    'event = ''sent'' OR',
    'event = ''sent'' OR event = ''bounced'' OR')
    WHERE type = 'table' AND name = 'outbox_events' AND
    instr(sql, '''bounced''') = 0;
PRAGMA writable_schema = RESET;
CREATE TABLE schema_robots_011 (x);
DROP TABLE schema_robots_011;
