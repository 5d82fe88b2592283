-- 005_unused_indexes.sql - two indexes no statement uses.
--
-- No query reads the outbox by request (outbox_request) nor SIP domains by
-- contact (request_domains_contact), yet SQLite updated both for every
-- notice queued and every request recorded, each time at a random place
-- (request ids are random UUIDs): in a database of a million requests, a
-- page read and a page written per row, a third of the pages a firing of
-- overdue timers wrote. Requests are never deleted nor their ids changed,
-- so the foreign keys do not need them either.
DROP INDEX IF EXISTS outbox_request;
DROP INDEX IF EXISTS request_domains_contact;
