-- 010_poison.sql - mail no reply can go to (SPEC 7, issue 13).
--
-- A request whose From cannot be answered (no address, a group, several
-- addresses, no @, an address literal, bad syntax, a control byte) is
-- handled as far as it can be without its sender: sender_problem says why
-- (a code: sender-missing, sender-group, ...), and every notice to the
-- sender is left unwritten. NULL for a sender that can be answered.
ALTER TABLE requests ADD COLUMN sender_problem TEXT;
