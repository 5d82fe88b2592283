-- 006_dns.sql - the DNS preflight and proof of a SIP domain (SPEC 8).
--
-- A request whose DNS check is due waits in dns_checks (done_at NULL):
-- lookups run outside any transaction, all the queued requests' at once,
-- then each request is decided in a transaction that records its answers
-- and marks its check done. A crash between the two asks again.
CREATE TABLE dns_checks (
	request_rid	INTEGER PRIMARY KEY REFERENCES requests(rid),
	queued_at	TEXT NOT NULL,
	done_at		TEXT
);
CREATE INDEX dns_checks_queued ON dns_checks(request_rid)
	WHERE done_at IS NULL;

-- What was asked and what came back, so that `show` explains a decision
-- long after: one row per question, its records one per line.
CREATE TABLE dns_answers (
	request_rid	INTEGER NOT NULL REFERENCES requests(rid),
	pos		INTEGER NOT NULL,
	name		TEXT NOT NULL,
	type		TEXT NOT NULL CHECK (type = 'A' OR type = 'AAAA' OR
			    type = 'SRV' OR type = 'TXT'),
	status		TEXT NOT NULL CHECK (status = 'answer' OR
			    status = 'nodata' OR status = 'nxdomain' OR
			    status = 'fail' OR status = 'pending'),
	security	TEXT NOT NULL CHECK (security = 'secure' OR
			    security = 'insecure' OR security = 'bogus'),
	records		TEXT NOT NULL DEFAULT '',
	why		TEXT,
	answered_at	TEXT NOT NULL,
	PRIMARY KEY (request_rid, pos)
) WITHOUT ROWID;

-- Warnings about an accepted request (SPEC 8: DNS findings under
-- check = warn, dns-unavailable), as `show --json` lists them.
CREATE TABLE request_warnings (
	request_rid	INTEGER NOT NULL REFERENCES requests(rid),
	pos		INTEGER NOT NULL,
	code		TEXT NOT NULL,
	detail		TEXT,
	PRIMARY KEY (request_rid, pos)
) WITHOUT ROWID;
