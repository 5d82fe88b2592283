# tests/cli/test_retention.sh - [retention] mail_days: tick deletes the raw
# mails and notice bodies of requests final for longer, and of mails of no
# request, once, with an event; open and recent requests keep theirs. And
# sender_bytes_per_day: 30 mails of 10 MB from one sender do not store
# 300 MB.
. "$(dirname "$0")/lib.sh"
DB=$T/picflow.db
# Notices need not reach anyone here, only stop being queued: a server
# that refuses connections makes send fail them after max_age_days.
cat >> "$CONF" <<EOC
[smtp]
host = 127.0.0.1
port = 1
security = none
[retention]
mail_days = 30
EOC
request() {
	printf 'Agreement-Type: volume-licensing\nAgreement-Number: %s\nDeployment: lync-server-2013\nEdge-FQDN: sip.%s\nSIP-Domain: %s <admin@%s>\n' "$1" "$2" "$2" "$2"
}
tag_of() { sqlite3 "$DB" "SELECT tag FROM requests WHERE sender = '$1'"; }
raw_of() { sqlite3 "$DB" "SELECT length(raw) || ' ' || coalesce(raw_note, '-') FROM inbound WHERE sender = '$1'"; }

mail "$T/a.eml" admin@contoso.com a@contoso.com "$(request 61000001 contoso.com)"
mail "$T/b.eml" admin@northwind.com b@northwind.com "$(request 61000002 northwind.com)"
mail "$T/c.eml" admin@wingtip.com c@wingtip.com "$(request 61000003 wingtip.com)"
mail "$T/h.eml" someone@example.org h@example.org 'How do I ask for PIC?'
expect_exit 0 "$PICFLOW" -c "$CONF" ingest "$T/a.eml" "$T/b.eml" "$T/c.eml" "$T/h.eml"
A=$(tag_of admin@contoso.com); B=$(tag_of admin@northwind.com); C=$(tag_of admin@wingtip.com)
expect_exit 0 "$PICFLOW" -c "$CONF" provision "$A"
expect_exit 69 env PICFLOW_NOW=2026-12-06T09:00:00Z "$PICFLOW" -c "$CONF" send
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM outbox WHERE state = 'queued' AND template <> 'alert'")" 0 "every notice to a contact failed"
expect_exit 0 env PICFLOW_NOW=2026-12-16T09:00:00Z "$PICFLOW" -c "$CONF" provision "$C"
# Not yet: nothing is older than 30 days.
expect_exit 0 env PICFLOW_NOW=2026-12-20T09:00:00Z "$PICFLOW" -c "$CONF" tick
expect_in "$T/out" "retention: 0 raw mails, 0 notice bodies deleted"

# Day 31: A (final since day 0) and the help mail lose their bytes; B is
# pending, C final only since day 20: theirs stay.
expect_exit 0 env PICFLOW_NOW=2026-12-27T09:00:00Z "$PICFLOW" -c "$CONF" tick
expect_in "$T/out" "retention: 2 raw mails"
expect_eq "$(raw_of admin@contoso.com)" "0 retention" "A's mail"
expect_eq "$(raw_of someone@example.org)" "0 retention" "the help mail"
expect_eq "$(raw_of admin@northwind.com | cut -d' ' -f2)" "-" "B's mail kept"
expect_eq "$(raw_of admin@wingtip.com | cut -d' ' -f2)" "-" "C's mail kept"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM outbox o JOIN requests r ON r.rid = o.request_rid WHERE r.tag = '$A' AND o.state <> 'queued' AND (length(message) > 0 OR prune_note IS NOT 'retention')")" 0 "A's notice bodies"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM outbox o JOIN requests r ON r.rid = o.request_rid WHERE r.tag = '$A' AND o.state <> 'queued'")" 2 "A's notices sent or failed"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM outbox WHERE request_rid IS NULL AND template = 'help' AND length(message) = 0")" 1 "the help reply's body"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM outbox o JOIN requests r ON r.rid = o.request_rid WHERE r.tag = '$B' AND length(message) = 0")" 0 "B's notices kept"
expect_exit 0 "$PICFLOW" -c "$CONF" show "$A" --json
expect_eq "$(json '(j["state"], j["agreement_number"], j["sip_domains"][0]["domain"])')" \
    "('provisioned', '61000001', 'contoso.com')" "structured data stays"
expect_eq "$(json '(j["mail"]["raw"], j["mail"]["why"], j["mail"]["deleted_at"])')" \
    "('deleted', 'retention', '2026-12-27T09:00:00Z')" "show says so"
expect_eq "$(json '[e["cause"] for e in j["events"] if e["cause"].startswith("retention")]')" \
    "['retention: raw mails and notice bodies older than [retention] mail_days = 30 deleted']" "one event"
expect_exit 0 "$PICFLOW" -c "$CONF" show "$A"
expect_in "$T/out" "deleted by retention ([retention] mail_days)"
NID=$(sqlite3 "$DB" "SELECT o.id FROM outbox o JOIN requests r ON r.rid = o.request_rid WHERE r.tag = '$A' AND template = 'completion'")
expect_exit 65 "$PICFLOW" -c "$CONF" outbox --dump "$NID"
expect_in "$T/err" "deleted by retention"
# A mail of no request says so too (show --mail).
HID=$(sqlite3 "$DB" "SELECT id FROM inbound WHERE sender = 'someone@example.org'")
expect_exit 0 "$PICFLOW" -c "$CONF" show --mail "$HID"
expect_in "$T/out" "0 kept: deleted by retention ([retention] mail_days) on 2026-12-27 09:00 UTC"
expect_exit 0 "$PICFLOW" -c "$CONF" show --mail "$HID" --json
expect_eq "$(json '(j["raw"]["raw"], j["raw"]["why"])')" "('deleted', 'retention')" "show --mail --json"
# Once only: the next tick finds nothing, writes no event.
expect_exit 0 env PICFLOW_NOW=2026-12-27T10:00:00Z "$PICFLOW" -c "$CONF" tick
expect_in "$T/out" "retention: 0 raw mails, 0 notice bodies deleted"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM events e JOIN requests r ON r.rid = e.request_rid WHERE r.tag = '$A' AND cause LIKE 'retention:%'")" 1 "still one event"
# Day 52: C, final since day 20, now too; its queued notice keeps its body.
expect_exit 0 env PICFLOW_NOW=2027-01-17T09:00:00Z "$PICFLOW" -c "$CONF" tick
expect_eq "$(raw_of admin@wingtip.com)" "0 retention" "C's mail"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM outbox o JOIN requests r ON r.rid = o.request_rid WHERE r.tag = '$C' AND o.state = 'queued' AND template = 'completion' AND length(message) > 0")" 1 "C's queued completion kept"
expect_eq "$(raw_of admin@northwind.com | cut -d' ' -f2)" "-" "B's mail still kept"
expect_eq "$(sqlite3 "$DB" 'PRAGMA integrity_check')" ok "integrity"
# mail_days = 0 keeps everything.
printf '[database]\npath = %s/keep.db\n[smtp]\nfrom = p@pic.example.net\n[retention]\nmail_days = 0\n[dns]\ncheck = off\n' "$T" > "$T/keep.conf"
expect_exit 0 "$PICFLOW" -c "$T/keep.conf" ingest "$T/h.eml"
expect_exit 0 env PICFLOW_NOW=2030-01-01T00:00:00Z "$PICFLOW" -c "$T/keep.conf" tick
expect_in "$T/out" "retention: 0 raw mails"

# sender_bytes_per_day (default 20 MB): 30 request mails of 9.9 MB each
# from one sender. The first two are kept whole, the others only their
# first 64 KB (still processed whole): about 22 MB, not 300.
BIG=$T/big.db
head -c 7300000 /dev/urandom | base64 -w 76 > "$T/att.b64"
big() {
	printf 'From: big@contoso.com\r\nTo: provisioning@pic.example.net\r\nSubject: PIC request\r\nMessage-ID: <big-%s@contoso.com>\r\nDate: Thu, 26 Nov 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n' "$1"
	request $((62000000 + $1)) "c$1.com" | sed 's/$/\r/'
	printf '\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n'
	cat "$T/att.b64"
	printf '\r\n--b--\r\n'
}
i=0
while [ $i -lt 30 ]; do
	i=$((i + 1))
	big $i | "$PICFLOW" -c "$CONF" --db "$BIG" -q ingest || ko "big mail $i: exit $?"
done
ok
expect_eq "$(sqlite3 "$BIG" "SELECT count(*) FROM requests WHERE state = 'pending'")" 30 "30 requests, all processed"
expect_eq "$(sqlite3 "$BIG" "SELECT count(*) FROM inbound WHERE raw_note IS NULL AND length(raw) = size")" 2 "kept whole"
expect_eq "$(sqlite3 "$BIG" "SELECT count(*) FROM inbound WHERE raw_note = 'sender-limit' AND length(raw) = 65536")" 28 "cut to 64 KB"
SIZE=$(stat -c %s "$BIG")
[ "$SIZE" -lt 40000000 ] && ok || ko "30 mails of 10 MB wrote $SIZE bytes"
THIRD=$(sqlite3 "$BIG" "SELECT tag FROM requests ORDER BY rid LIMIT 1 OFFSET 2")
expect_exit 0 "$PICFLOW" -c "$CONF" --db "$BIG" show "$THIRD"
expect_in "$T/out" "Raw mail:       98619"
expect_in "$T/out" " bytes, 65536 kept: only its start: its sender was past [retention] sender_bytes_per_day"
expect_exit 0 "$PICFLOW" -c "$CONF" --db "$BIG" show "$THIRD" --json
expect_eq "$(json '(j["mail"]["raw"], j["mail"]["why"])')" "('truncated', 'sender-limit')" "show --json"
# Another sender is not bound by this one.
big 31 | sed 's/^From: big@contoso.com/From: other@contoso.com/' | "$PICFLOW" -c "$CONF" --db "$BIG" -q ingest
expect_eq "$(sqlite3 "$BIG" "SELECT raw_note IS NULL AND length(raw) = size FROM inbound WHERE sender = 'other@contoso.com'")" 1 "another sender kept whole"
finish
