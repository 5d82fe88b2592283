#!/usr/bin/env bash
# test_faults.sh - faults in the middle of a run (issue 7), each showing that nothing is
# lost and that the next run completes the work:
#   - Dovecot stopped while `run` polls a backlog;
#   - the IMAP connection cut in the middle of a FETCH, again and again (a TCP proxy that
#     drops the connection after N bytes from the server);
#   - Postfix stopped while `send` delivers a queue (every notice then delivered at least
#     once and at most twice, by Message-ID in the recipients' mailboxes);
#   - the database locked by another writer: briefly and often (picflow waits, no error),
#     and for longer than the busy timeout while a poll is under way;
#   - the disk filling up in the middle of a poll.
# Faults before a run starts (server down, database locked, disk full) are in test_run.sh;
# SMTP replies 421, 451, 550 and dropped connections in test_send_peers.sh.
# Usage: test_faults.sh PICFLOW_BINARY
source "$(dirname "${BASH_SOURCE[0]}")/lib_poll.sh" "$@"

export PICFLOW_NOW=2026-11-26T09:00:00Z
# fconf [KEY=VALUE...]: conf() plus SMTP to the mailenv Postfix (SMTPPORT) and DBPATH.
fconf() {
	local SMTPPORT=$SMTP_PORT DBPATH=$DB kv
	for kv in "$@"; do local "$kv"; done
	conf "$@"
	sed -i "s|^path = .*|path = $DBPATH|; s|^\[smtp\]|[smtp]\nhost = 127.0.0.1\nport = $SMTPPORT\nsecurity = starttls\nca_file = $CA_FILE\ntimeout = 5|" "$CONF"
}
# seed FIRST LAST: request mails FIRST..LAST into the INBOX.
seed() {
	local i files=()
	for i in $(seq "$1" "$2"); do request_mail "$WORK/m$i.eml" "$i"; files+=("$WORK/m$i.eml"); done
	"$MAILENV" deliver "$MAILENV_DIR" "$USER_ADDR" "${files[@]}"
}
# exactly_once FIRST LAST: one request per mail FIRST..LAST, none lost, none doubled, the
# INBOX empty and the database sound.
exactly_once() {
	pf list --json > "$WORK/list.json"
	python3 - "$WORK/list.json" "$1" "$2" <<-'PY' || return 1
	import collections, json, sys
	reqs, a, b = json.load(open(sys.argv[1])), int(sys.argv[2]), int(sys.argv[3])
	got = collections.Counter(r["agreement_number"] for r in reqs)
	want = {"6%07d" % i for i in range(a, b + 1)}
	lost = sorted(want - set(got))
	doubled = sorted(k for k, v in got.items() if v > 1)
	print("requests %d, lost %s, doubled %s" % (len(reqs), lost[:5], doubled[:5]))
	assert not lost and not doubled
	PY
	[[ $(count) == 0 && $(sql 'PRAGMA integrity_check') == ok ]]
}
# run_bg ARGS: picflow -v ARGS in the background (log in $WORK/bg.log), sets BG.
run_bg() { : > "$WORK/bg.log"; "$PICFLOW" -v -c "$CONF" "$@" >"$WORK/bg.out" 2>"$WORK/bg.log" & BG=$!; }
# wait_log PATTERN K: until $WORK/bg.log has K lines matching PATTERN (fails if BG ended).
wait_log() {
	while kill -0 "$BG" 2>/dev/null; do
		(( $(grep -c -- "$1" "$WORK/bg.log" || true) >= $2 )) && return 0
		sleep 0.005
	done
	return 1
}
# bg_wait: wait for BG; its exit status in rc.
bg_wait() { rc=0; wait "$BG" || rc=$?; }
# delivered: every sent notice in its recipient's mailbox once or twice (waits up to 30 s
# for Postfix), nothing queued or failed; prints how many went twice.
delivered() {
	python3 - "$DB" "$MAILENV_DIR/mail" <<-'PY'
	import collections, email, os, sqlite3, sys, time
	db = sqlite3.connect(sys.argv[1])
	rows = db.execute("SELECT message_id, state FROM outbox").fetchall()
	def scan():
	    got = collections.Counter()
	    for root, dirs, files in os.walk(sys.argv[2]):
	        if os.path.basename(root) in ("new", "cur"):
	            for f in files:
	                with open(os.path.join(root, f), "rb") as fp:
	                    m = email.message_from_binary_file(fp)
	                got[str(m.get("Message-ID", "")).strip().strip("<>")] += 1
	    return got
	for _ in range(60):
	    got = scan()
	    if all(got[m] >= 1 for m, st in rows):
	        break
	    time.sleep(0.5)
	states = collections.Counter(st for m, st in rows)
	bad = [(m, st, got[m]) for m, st in rows if st != "sent" or not 1 <= got[m] <= 2]
	print("outbox %s; delivered twice: %d; wrong: %s"
	      % (dict(states), sum(1 for m, st in rows if got[m] == 2), bad[:5]))
	assert rows and not bad
	PY
}

# --- Dovecot stopped while a run polls a backlog of 600 mails
fconf BATCH=20
seed 1 600
run_bg run
wait_log "mail <" 20 || true
# picflow is frozen while Dovecot goes (a poll of 600 mails takes a fraction of a second:
# Dovecot must be gone while it runs, whatever the speed of either). Every Dovecot process
# told to stop at the same instant: frozen first, so that none finishes its work before the
# others hear of it.
kill -STOP "$BG" 2>/dev/null || true
tree() { local p; echo "$1"; for p in $(ps -o pid= --ppid "$1"); do tree "$p"; done; }
dpids=$(tree "$(. "$MAILENV_DIR/env"; echo "$DOVECOT_PID")")
kill -STOP $dpids 2>/dev/null || true
kill -TERM $dpids 2>/dev/null || true
kill -CONT $dpids 2>/dev/null || true
"$MAILENV" stop-dovecot "$MAILENV_DIR" >/dev/null   # waits until they are all gone
kill -CONT "$BG" 2>/dev/null || true
bg_wait
n=$(nrequests) left=$(count)
echo "     run with Dovecot stopped under it: exit $rc, $n requests recorded, $left mails in the INBOX"
# The reader may have read all 600 ahead before Dovecot went: then only moves were cut.
check "Dovecot stopped mid-poll: the run fails with 69 or 75, some mails recorded, not all moved" \
	bash -c "[[ $rc == 69 || $rc == 75 ]] && (( $n > 0 && $left > 0 ))"
check "...it says so on one line" grep -q '^picflow: poll: ' "$WORK/bg.log"
check "...and still sent the notices of what it recorded" \
	test "$(sql "SELECT count(*) FROM outbox WHERE state = 'sent'")" -gt 0
"$MAILENV" start-dovecot "$MAILENV_DIR" >/dev/null
"$MAILENV" flush "$MAILENV_DIR"   # Postfix retries its deliveries to Dovecot now
back() { local rc=0; pf run >"$WORK/run.out" 2>&1 || rc=$?; cat "$WORK/run.out"; [[ $rc == 0 ]]; }
check "Dovecot back: the next run completes" back
check "...every mail recorded exactly once, the INBOX empty" exactly_once 1 600
check "...every notice delivered, none more than twice" delivered

# --- the IMAP connection cut in the middle of a FETCH, 8 times at growing offsets
cat > "$WORK/proxy.py" <<'PY'
"""TCP proxy to 127.0.0.1:PORT that closes each connection once CUT bytes went from the
server to the client (CUT 0: never). Prints its own port. One connection at a time."""
import socket, sys, threading
port, cut = int(sys.argv[1]), int(sys.argv[2])
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", 0))
ls.listen(4)
print(ls.getsockname()[1], flush=True)
while True:
    c, _ = ls.accept()
    s = socket.create_connection(("127.0.0.1", port))
    def up(c=c, s=s):
        try:
            while (b := c.recv(65536)):
                s.sendall(b)
        except OSError:
            pass
    threading.Thread(target=up, daemon=True).start()
    sent = 0
    try:
        while (b := s.recv(16384)):
            if cut and sent + len(b) >= cut:
                c.sendall(b[:cut - sent])
                break
            c.sendall(b)
            sent += len(b)
    except OSError:
        pass
    for x in (c, s):
        try:
            x.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        x.close()
PY
rm -f "$DB"*
# 40 mails of about 60 KB: a FETCH batch is several hundred KB on the wire.
big_files=()
for i in $(seq 1001 1040); do
	request_mail "$WORK/b$i.eml" "$i"
	{ printf '\r\n'; for j in $(seq 1 800); do printf 'filler line %04d of a long mail, to make the fetch long.\r\n' "$j"; done; } >> "$WORK/b$i.eml"
	big_files+=("$WORK/b$i.eml")
done
"$MAILENV" deliver "$MAILENV_DIR" "$USER_ADDR" "${big_files[@]}"
cuts=0 cut_ok=1
for cut in 9000 60000 150000 300000 450000 700000 900000 1200000; do
	python3 "$WORK/proxy.py" "$IMAPS_PORT" "$cut" > "$WORK/proxy.port" &
	proxy=$!
	for _ in $(seq 100); do [[ -s $WORK/proxy.port ]] && break; sleep 0.02; done
	fconf PORT="$(<"$WORK/proxy.port")" BATCH=10 TIMEOUT=5
	rc=$(poll_rc)
	kill "$proxy" 2>/dev/null || true; wait "$proxy" 2>/dev/null || true
	rm -f "$WORK/proxy.port"
	echo "     connection cut after $cut bytes: poll exit $rc, $(nrequests) requests, $(count) mails left"
	[[ $rc == 0 ]] || cuts=$((cuts + 1))
	[[ $rc == 0 || $rc == 69 || $rc == 75 ]] || { cut_ok=0; cat "$WORK/poll.out"; }
	(( $(count) > 0 )) || break
done
check "connection cuts mid-fetch: $cuts polls cut, each exits 69 or 75" \
	bash -c "(( $cuts >= 3 && $cut_ok ))"
fconf BATCH=10
check "direct connection: the next poll completes" test "$(poll_rc)" = 0
check "...every mail recorded exactly once, the INBOX empty" exactly_once 1001 1040
check "...and in Processed" test "$(count Processed)" = 640

# --- Postfix stopped while send delivers 200 notices
rm -f "$DB"*
fconf
for i in $(seq 2001 2200); do request_mail "$WORK/p$i.eml" "$i"; done
pf ingest "$WORK"/p2*.eml >/dev/null
master=$(. "$MAILENV_DIR/env"; echo "$POSTFIX_PID")
run_bg send
wait_log "smtp: .* sent" 20 || true
kill -STOP "$master"        # then its children, the smtpd of this session among them
ppids=$(tree "$master")
kill -STOP $ppids 2>/dev/null || true
kill -TERM $ppids 2>/dev/null || true
kill -CONT $ppids 2>/dev/null || true
bg_wait
"$MAILENV" stop-postfix "$MAILENV_DIR" >/dev/null   # waits until they are all gone
sent=$(sql "SELECT count(*) FROM outbox WHERE state = 'sent'")
echo "     send with Postfix stopped under it: exit $rc, $sent of 200 sent"
check "Postfix stopped mid-send: exit 69 or 75, the rest deferred, none failed" bash -c "
	[[ $rc == 69 || $rc == 75 ]] && (( $sent >= 20 && $sent < 200 )) &&
	[[ \$(sqlite3 '$DB' \"SELECT count(*) FROM outbox WHERE state = 'failed'\") == 0 ]]"
"$MAILENV" start-postfix "$MAILENV_DIR" >/dev/null
"$MAILENV" flush "$MAILENV_DIR"
export PICFLOW_NOW=2026-11-26T09:10:00Z
check "Postfix back: the next send completes" bash -c "'$PICFLOW' -c '$CONF' send >/dev/null"
check "...every notice delivered at least once and at most twice" delivered
export PICFLOW_NOW=2026-11-26T09:00:00Z

# --- another writer holds the database briefly and often: picflow waits, no error
rm -f "$DB"*
fconf BATCH=10
seed 3001 3100
pf list >/dev/null
python3 - "$DB" "$WORK/stop-writer" <<'PY' &
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
while not os.path.exists(sys.argv[2]):
    db.execute("BEGIN IMMEDIATE")
    db.execute("CREATE TABLE IF NOT EXISTS other_writer (x)")
    db.execute("INSERT INTO other_writer VALUES (1)")
    time.sleep(0.2)
    db.execute("COMMIT")
    time.sleep(0.1)
PY
writer=$!
rc=0; pf run >"$WORK/run.out" 2>&1 || rc=$?
touch "$WORK/stop-writer"; wait "$writer" || true
check "a writer taking the lock every 0.3 s: the run waits for it and completes (exit $rc)" test "$rc" = 0
check "...every mail recorded exactly once" exactly_once 3001 3100

# --- another writer holds the database longer than the busy timeout, mid-run
seed 3101 3400
python3 - "$DB" "$WORK/lock-now" <<'PY' &
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
while not os.path.exists(sys.argv[2]):
    time.sleep(0.001)
db.execute("BEGIN EXCLUSIVE")
time.sleep(13)
db.execute("COMMIT")
PY
locker=$!
run_bg run
wait_log "mail <" 15 || true
touch "$WORK/lock-now"
bg_wait
wait "$locker" || true
n=$(nrequests)
echo "     run under a 13 s lock: exit $rc, $((n - 100)) of 300 recorded; $(grep -m 1 '^picflow: \(poll\|hook\|tick\|send\): ' "$WORK/bg.log")"
check "database locked mid-run for longer than the busy timeout: exit 75, says so" \
	bash -c "[[ $rc == 75 ]] && grep -q 'database is locked' '$WORK/bg.log'"
check "...the next run completes" bash -c "'$PICFLOW' -c '$CONF' run >/dev/null 2>&1"
check "...every mail recorded exactly once" exactly_once 3001 3400

# --- the disk fills up in the middle of a poll: 74
mkdir -p "$WORK/tiny"
mount -t tmpfs -o size=3m tmpfs "$WORK/tiny"
trap 'umount "$WORK/tiny" 2>/dev/null || true; rm -rf "$WORK"' EXIT
fconf DBPATH="$WORK/tiny/picflow.db" BATCH=5
DB=$WORK/tiny/picflow.db
files=()
for i in $(seq 4001 4060); do
	request_mail "$WORK/m$i.eml" "$i"
	{ printf '\r\n'; for j in $(seq 1 1000); do printf 'padding line %04d so that the disk fills up in mid-poll.\r\n' "$j"; done; } >> "$WORK/m$i.eml"
	files+=("$WORK/m$i.eml")
done
"$MAILENV" deliver "$MAILENV_DIR" "$USER_ADDR" "${files[@]}"
n_in=$(count)
rc=0; pf run >"$WORK/run.out" 2>"$WORK/run.err" || rc=$?
n=$(nrequests)
echo "     run on a 3 MB disk with $n_in mails of 60 KB: exit $rc, $n recorded"
check "disk full mid-poll: exit 74, some mails recorded, the rest left in the INBOX" \
	bash -c "[[ $rc == 74 ]] && (( $n > 0 && $n < $n_in )) && (( \$('$MAILENV' count '$MAILENV_DIR' '$USER_ADDR') == $n_in - $n ))"
check "...says why" grep -q 'No space left on device\|database or disk is full' "$WORK/run.err"
check "...the database is sound" test "$(sql 'PRAGMA integrity_check')" = ok
mount -o remount,size=64m "$WORK/tiny"
check "space back: the next run completes" bash -c "'$PICFLOW' -c '$CONF' run >/dev/null 2>&1"
check "...every mail recorded exactly once" exactly_once 4001 4060
umount "$WORK/tiny"

finish
