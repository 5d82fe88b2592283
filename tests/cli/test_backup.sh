# tests/cli/test_backup.sh - picflow backup while another process writes,
# then the restore an operator does (stop, copy into place) and a later
# ingest on the restored database.
. "$(dirname "$0")/lib.sh"
DB=$T/picflow.db

# request N : the text of a valid request of its own agreement and domain.
request() {
	printf 'Agreement-Type: volume-licensing\nAgreement-Number: %s\nDeployment: lync-server-2013\nEdge-FQDN: sip.c%s.com\nSIP-Domain: c%s.com <admin@c%s.com>\n' \
	    $((61000000 + $1)) "$1" "$1" "$1"
}
count() { sqlite3 "$1" 'SELECT count(*) FROM requests'; }
# wait_until CMD... : CMD succeeds within 60 s.
wait_until() {
	n=0
	until "$@"; do
		n=$((n + 1))
		[ $n -gt 1200 ] && return 1
		sleep 0.05
	done
}
at_least() { [ "$(count "$DB")" -ge "$1" ]; }

expect_exit 66 "$PICFLOW" -c "$CONF" backup "$T/none.db"
expect_in "$T/err" "No such file"
expect_exit 0 "$PICFLOW" -c "$CONF" list
expect_exit 64 "$PICFLOW" -c "$CONF" backup
expect_exit 64 "$PICFLOW" -c "$CONF" backup a b
expect_exit 73 "$PICFLOW" -c "$CONF" backup "$T/no/such/dir/b.db"

# The writer: one ingest process after another until told to stop.
(
	i=0
	while [ ! -e "$T/stop" ]; do
		i=$((i + 1))
		mail "$T/w.eml" "admin@c$i.com" "w$i@c$i.com" "$(request $i)"
		"$PICFLOW" -c "$CONF" -q ingest "$T/w.eml" 2>> "$T/werr" ||
		    echo "ingest $i: exit $?" >> "$T/werr"
	done
) &
WRITER=$!
if wait_until at_least 5; then ok; else ko "the writer wrote nothing"; fi

# An old backup of another mode is replaced, and the copy is 0600.
echo old > "$T/backup.db"
chmod 644 "$T/backup.db"
expect_exit 0 "$PICFLOW" -c "$CONF" backup "$T/backup.db"
expect_in "$T/out" "quick_check ok"
K=$(count "$T/backup.db")
# The writer goes on after the backup: the copy was made while it wrote.
if wait_until at_least $((K + 5)); then ok; else ko "the writer stopped"; fi
touch "$T/stop"
wait $WRITER
if [ -s "$T/werr" ]; then ko "writer: $(head -c 300 "$T/werr")"; else ok; fi
expect_eq "$(stat -c %a "$T/backup.db")" 600 "backup mode"
expect_eq "$(ls -a "$T" | grep -c '^\.backup')" 0 "no temporary file left"
expect_eq "$(sqlite3 "$T/backup.db" 'PRAGMA integrity_check')" ok "backup integrity"
expect_eq "$(sqlite3 "$T/backup.db" 'PRAGMA journal_mode')" delete "one self-contained file"
[ "$K" -ge 5 ] && ok || ko "backup holds $K requests"
TOTAL=$(count "$DB")
[ "$TOTAL" -gt "$K" ] && ok || ko "backup holds $K of $TOTAL requests"
# The copy is a snapshot: its requests are the first K, in the states
# the live database has them.
Q='SELECT tag, state FROM requests ORDER BY rid'
sqlite3 "$T/backup.db" "$Q" > "$T/b.states"
sqlite3 "$DB" "$Q LIMIT $K" > "$T/l.states"
if cmp -s "$T/b.states" "$T/l.states"; then ok; else ko "states differ"; fi
expect_eq "$(sqlite3 "$T/backup.db" 'SELECT count(*) FROM requests r JOIN events e ON e.request_rid = r.rid')" \
    "$(sqlite3 "$DB" "SELECT count(*) FROM (SELECT rid FROM requests ORDER BY rid LIMIT $K) r JOIN events e ON e.request_rid = r.rid")" \
    "events of the backed-up requests"

# Restore as the README says: nothing runs, the old files (with the
# -wal and -shm) go aside, the copy goes into place.
mkdir "$T/old"
mv "$DB" "$DB-wal" "$DB-shm" "$T/old/" 2>/dev/null
install -m 600 "$T/backup.db" "$DB"
expect_exit 0 "$PICFLOW" -c "$CONF" list --json
expect_eq "$(json 'len(j)')" "$K" "restored requests"
expect_eq "$(json 'set(r["state"] for r in j)')" "{'pending'}" "restored states"
# A mail taken in after the backup is new to the restored database.
expect_exit 0 "$PICFLOW" -c "$CONF" ingest "$T/w.eml"
expect_in "$T/out" "pending"
mail "$T/n.eml" admin@c9999.com n@c9999.com "$(request 9999)"
expect_exit 0 "$PICFLOW" -c "$CONF" ingest "$T/n.eml"
expect_in "$T/out" "pending"
expect_eq "$(count "$DB")" $((K + 2)) "requests after the restore"
expect_exit 0 "$PICFLOW" -c "$CONF" show "$(sqlite3 "$DB" 'SELECT tag FROM requests ORDER BY rid LIMIT 1')"
expect_in "$T/out" "received    -> pending"
expect_eq "$(sqlite3 "$DB" 'PRAGMA integrity_check')" ok "restored integrity"
finish
