#!/usr/bin/env bash
# test_run.sh - `picflow run` as cron runs it, against the real servers:
# one full cycle, the lock, and every error an operator can meet from cron,
# each with its exit code, one clear line, and nothing lost.
source "$(dirname "${BASH_SOURCE[0]}")/lib_poll.sh" "$@"

# runconf [KEY=VALUE...]: $CONF with both servers; keys of conf() plus
# SMTPPORT, DBPATH and HOOK.
runconf() {
	local SMTPPORT=$SMTP_PORT DBPATH=$DB HOOK= PASSWORD=$PASSWORD_FILE kv
	for kv in "$@"; do local "$kv"; done
	conf "$@"
	sed -i "s|^path = .*|path = $DBPATH|; s|^\[smtp\]|[smtp]\nhost = 127.0.0.1\nport = $SMTPPORT\nsecurity = starttls\nca_file = $CA_FILE\ntimeout = 5|" "$CONF"
	[[ -z $HOOK ]] || printf '[hook]\nprovision_command = %s\ntimeout = 20\n' "$HOOK" >> "$CONF"
}
# run_rc: "picflow run", output in $WORK/run.out and run.err, prints the exit status.
run_rc() { local rc=0; pf run >"$WORK/run.out" 2>"$WORK/run.err" || rc=$?; echo "$rc"; }
lines() { wc -l < "$1"; }
mbox() { "$MAILENV" count "$MAILENV_DIR" "$1"; }
wait_mbox() { "$MAILENV" wait-delivered "$MAILENV_DIR" "$1" "$2" 20 >/dev/null; }

export PICFLOW_NOW=2026-11-26T09:00:00Z
runconf
for i in 1 2 3; do request_mail "$WORK/m$i.eml" "$i"; "$MAILENV" deliver "$MAILENV_DIR" "$USER_ADDR" "$WORK/m$i.eml"; done

# --- check-config: every check on one line, both servers tried, nothing changed
rc=0; pf check-config >"$WORK/cc.out" 2>&1 || rc=$?
check "check-config: 0" test "$rc" = 0
check "check-config: IMAP login tried" grep -q '^ok  *imap  *login and mailbox INBOX ok; personal namespace ""' "$WORK/cc.out"
check "check-config: Dovecot's mailboxes as written (empty prefix)" \
	grep -qE '^ok +processed +Processed (created|exists)$' "$WORK/cc.out"
check "check-config: ... both of them" grep -qE '^ok +failed +Failed (created|exists)$' "$WORK/cc.out"
check "check-config: SMTP session tried" grep -q '^ok  *smtp  *session ok' "$WORK/cc.out"
check "check-config: no database created" test ! -e "$DB"
check "check-config: mails untouched" test "$(count)" = 3
sed "s|^ca_file = .*|ca_file = $OTHER_CA_FILE|" "$CONF" > "$WORK/other.conf"; chmod 600 "$WORK/other.conf"
rc=0; "$PICFLOW" -c "$WORK/other.conf" check-config >"$WORK/cc.out" 2>&1 || rc=$?
check "check-config, wrong CA: 69" test "$rc" = 69
check "check-config, wrong CA: says why" grep -q '^error  *imap .*unknown authority' "$WORK/cc.out"
check "check-config, wrong CA: both servers" grep -q '^error  *smtp .*unknown authority' "$WORK/cc.out"

# --- a full cycle: poll, tick, send; one summary line
printf '[metrics]\ntextfile = %s/picflow.prom\n' "$WORK" >> "$CONF"
check "run exits 0" test "$(run_rc)" = 0
check "summary line" grep -q '^run: 3 mails read; requests: 3 accepted, 0 rejected, 0 held, 0 provisioned; notices: 3 sent, 0 deferred, 0 failed$' "$WORK/run.out"
check "one summary line only" test "$(lines "$WORK/run.out")" = 1
check "mails moved" test "$(count Processed)" = 3
check "confirmations delivered" wait_mbox admin@c1.example 1
# metrics (SPEC 10): each stage's success, the textfile written by run
now=$(date -u -d "$PICFLOW_NOW" +%s)
for st in poll tick send; do
	check "metrics: $st succeeded" grep -qx "picflow_last_success_timestamp_seconds{stage=\"$st\"} $now" "$WORK/picflow.prom"
done
check "metrics: notices sent" grep -qx 'picflow_outbox{state="sent"} 3' "$WORK/picflow.prom"
check "metrics: the textfile is what metrics prints" cmp -s "$WORK/picflow.prom" <(pf metrics)

# --- two runs at once: one works, the other exits 75 at once
runconf HOOK="sleep 4; exit 75"
check "run with a slow hook" true
( pf run >"$WORK/a.out" 2>"$WORK/a.err"; echo $? >"$WORK/a.rc" ) &
sleep 1
t0=$(date +%s%N)
rc=$(run_rc)
t1=$(date +%s%N)
wait
check "second run exits 75" test "$rc" = 75
check "second run exits at once" test $(( (t1 - t0) / 1000000 )) -lt 1000
check "one clear line" grep -q 'another picflow run is active' "$WORK/run.err"
check "one line only" test "$(lines "$WORK/run.err")" = 1
check "first run completed" test "$(cat "$WORK/a.rc")" = 0
check "database intact" test "$(sql 'PRAGMA integrity_check')" = ok
check "hook outcome recorded" test "$(sql "SELECT count(*) FROM events WHERE cause LIKE 'hook: try later%'")" = 3

# --- the hook decides: provisioned, completion notices sent
runconf HOOK='cat > /dev/null; exit 0'
check "run with a hook that provisions" test "$(run_rc)" = 0
check "three provisioned" grep -q '3 provisioned; notices: 3 sent' "$WORK/run.out"

# --- configuration errors: 78, naming file, line and key
printf '[imap]\nhost = 127.0.0.1\nsecuirty = tls\n' > "$WORK/bad.conf"
rc=0; "$PICFLOW" -c "$WORK/bad.conf" run 2>"$WORK/run.err" || rc=$?
check "bad key: 78" test "$rc" = 78
check "bad key: file, line, key" grep -q "bad.conf:3: \[imap\] secuirty" "$WORK/run.err"
rc=0; "$PICFLOW" -c "$WORK/none.conf" run 2>"$WORK/run.err" || rc=$?
check "missing configuration: 78" test "$rc" = 78
check "missing configuration: says so" grep -q "none.conf: No such file" "$WORK/run.err"

# --- unreadable password file: 78, and timers and sending go on
runconf PASSWORD="$WORK/no-such-password"
before=$(state)
check "unreadable password file: 78" test "$(run_rc)" = 78
check "unreadable password file: names it" grep -q "no-such-password" "$WORK/run.err"
check "unreadable password file: one line" test "$(lines "$WORK/run.err")" = 1

# --- wrong password: 69, nothing changed
printf 'wrong' > "$WORK/wrongpw"; chmod 600 "$WORK/wrongpw"
runconf PASSWORD="$WORK/wrongpw"
request_mail "$WORK/m4.eml" 4; "$MAILENV" deliver "$MAILENV_DIR" "$USER_ADDR" "$WORK/m4.eml"
before=$(state)
check "wrong password: 69" test "$(run_rc)" = 69
check "wrong password: login refused" grep -qi "login.*refused\|refused.*login\|authentication" "$WORK/run.err"
check "wrong password: nothing changed" test "$(state)" = "$before"

# --- IMAP down: 69; timers still fire and notices still go out
runconf
PICFLOW_NOW=2026-11-26T09:00:00Z pf ingest "$WORK/m4.eml" >/dev/null  # a notice to send
"$MAILENV" stop-dovecot "$MAILENV_DIR" >/dev/null
check "IMAP down: 69" test "$(run_rc)" = 69
check "IMAP down: poll says why" grep -q '^picflow: poll: ' "$WORK/run.err"
check "IMAP down: send still ran" grep -q '1 sent' "$WORK/run.out"
"$MAILENV" start-dovecot "$MAILENV_DIR" >/dev/null
check "IMAP back: next run completes" test "$(run_rc)" = 0
check "IMAP back: mail moved" test "$(count)" = 0

# --- database locked by another writer: 75, mail left in the mailbox
request_mail "$WORK/m5.eml" 5; "$MAILENV" deliver "$MAILENV_DIR" "$USER_ADDR" "$WORK/m5.eml"
python3 -c "import sqlite3,time; c=sqlite3.connect('$DB', isolation_level=None); c.execute('BEGIN EXCLUSIVE'); open('$WORK/locked','w').close(); time.sleep(40)" &
locker=$!
while [[ ! -e $WORK/locked ]]; do sleep 0.1; done
check "database locked: 75" test "$(run_rc)" = 75
check "database locked: says so" grep -q 'database is locked' "$WORK/run.err"
check "database locked: mail still in INBOX" test "$(count)" = 1
kill $locker; wait $locker 2>/dev/null || true
check "unlocked: next run completes" test "$(run_rc)" = 0
check "unlocked: mail processed" test "$(count)" = 0

# --- disk full: 74, mail left in the mailbox; space back: completed
mkdir -p "$WORK/tiny"
mount -t tmpfs -o size=1m tmpfs "$WORK/tiny"
trap 'umount "$WORK/tiny" 2>/dev/null || true; rm -rf "$WORK"' EXIT
runconf DBPATH="$WORK/tiny/picflow.db"
request_mail "$WORK/m6.eml" 6; "$MAILENV" deliver "$MAILENV_DIR" "$USER_ADDR" "$WORK/m6.eml"
pf list >/dev/null
dd if=/dev/zero of="$WORK/tiny/fill" bs=4k 2>/dev/null || true
check "disk full: 74" test "$(run_rc)" = 74
check "disk full: says so" grep -q 'No space left on device\|database or disk is full' "$WORK/run.err"
check "disk full: mail still in INBOX" test "$(count)" = 1
rm -f "$WORK/tiny/fill"
check "space back: next run completes" test "$(run_rc)" = 0
check "space back: mail processed" test "$(count)" = 0
check "space back: request recorded" test "$(nrequests)" = 1
umount "$WORK/tiny"
finish
