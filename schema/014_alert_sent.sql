-- 014_alert_sent.sql - the alerts of a kind sent in the last hour, through
-- an index.
--
-- Each operator alert first counts those of its kind sent in the hour
-- (notice.c, NOTICE_ALERT_BURST): `kind = ? AND sent_at >= ?`. The one
-- index of alert_digest holds only the held rows (sent_at IS NULL), so
-- that count read the whole table, which grows by a row an alert: a tick
-- firing 10,000 deadlines read 50 million rows and took 9 s instead of
-- under 2 (bench/run section 3). The sent rows, by kind and time, are
-- few: at most NOTICE_ALERT_BURST of a kind an hour, and the digests.
CREATE INDEX alert_digest_sent ON alert_digest(kind, sent_at)
	WHERE sent_at IS NOT NULL;
