#!/usr/bin/env bash
# test_watch.sh - `picflow watch` (SPEC 9) on the real servers: a mail delivered through
# Postfix is answered without any run; run meanwhile exits 75; timers fire as PICFLOW_NOW_FILE
# moves; SIGHUP with a broken configuration keeps the old one; Dovecot stopped and restarted
# loses nothing and alerts the operator once; the sessions kept between cycles save a login,
# and one that Postfix's restart closed holds up no notice; SIGTERM in mid-batch exits 0 within 5 s and a
# run completes the rest; sd_notify READY/WATCHDOG/STOPPING reach NOTIFY_SOCKET; idle, no CPU.
source "$(dirname "${BASH_SOURCE[0]}")/lib_poll.sh" "$@"

# wconf: $CONF with both servers and a [watch] section that makes outages short.
wconf() {
	picflow_conf "$CONF" imap,smtp,operator database.path="$DB" smtp.timeout=5 \
		watch.poll_seconds=60 watch.backoff_max_seconds=1 watch.outage_alert_seconds=3 \
		metrics.textfile="$WORK/picflow.prom" watch.eager_seconds=2
}
mbox() { "$MAILENV" count "$MAILENV_DIR" "$1"; }
wait_mbox() { "$MAILENV" wait-delivered "$MAILENV_DIR" "$1" "$2" "${3:-30}" >/dev/null; }
# wait_log PATTERN [SECONDS]: until the watch log has a line matching PATTERN.
wait_log() {
	local i
	for ((i = 0; i < ${2:-30} * 10; i++)); do
		grep -q -- "$1" "$WORK/watch.log" && return 0
		sleep 0.1
	done
	return 1
}
# idles N: the watch log says at least N times that it watches with IDLE.
idles() { (( $(grep -c 'watching INBOX with IDLE' "$WORK/watch.log") >= $1 )); }
# within SECONDS CMD...: until CMD succeeds.
within() {
	local i n=$1; shift
	for ((i = 0; i < n * 10; i++)); do "$@" && return 0; sleep 0.1; done
	return 1
}
# cpu_ticks PID: user + system time of PID, in clock ticks.
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
# start_watch: picflow watch in the background, its log in $WORK/watch.log; sets WPID.
start_watch() {
	: > "$WORK/watch.log"
	"$PICFLOW" -c "$CONF" watch 2>>"$WORK/watch.log" &
	WPID=$!
}
# stop_watch: SIGTERM, then the exit status in WRC and the time it took in WMS.
stop_watch() {
	local t0=$EPOCHREALTIME
	kill -TERM "$WPID"
	WRC=0; wait "$WPID" || WRC=$?
	WMS=$(python3 -c "print(int(($EPOCHREALTIME - $t0) * 1000))")
}
alerts() { sql "SELECT count(*) FROM outbox WHERE template = 'alert' AND subject LIKE '%$1%'"; }

export PICFLOW_NOW_FILE=$WORK/now
echo 2026-11-26T09:00:00Z > "$PICFLOW_NOW_FILE"
wconf

# sd_notify's socket: a listener that keeps every datagram, one a line, for 120 s at most.
python3 - "$WORK/notify.sock" "$WORK/notify.log" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); s.settimeout(0.5)
end = time.time() + 120
with open(sys.argv[2], "a", buffering=1) as log:
    while time.time() < end:
        try:
            log.write(s.recv(4096).decode().replace("\n", " ") + "\n")
        except socket.timeout:
            pass
PY
LISTENER=$!
while [[ ! -S $WORK/notify.sock ]]; do sleep 0.05; done
NOTIFY_SOCKET=$WORK/notify.sock WATCHDOG_USEC=1000000 start_watch
check "watch starts and watches INBOX with IDLE" wait_log 'watching INBOX with IDLE'
for ((i = 0; i < 50; i++)); do grep -q 'READY=1' "$WORK/notify.log" 2>/dev/null && break; sleep 0.1; done
check "sd_notify: READY=1 sent" grep -q 'READY=1' "$WORK/notify.log"

# --- run while watch holds the lock: 75 at once
t0=$EPOCHREALTIME; rc=0; pf run >"$WORK/run.out" 2>"$WORK/run.err" || rc=$?
ms=$(python3 -c "print(int(($EPOCHREALTIME - $t0) * 1000))")
check "run while watching: 75" test "$rc" = 75
check "run while watching: at once ($ms ms)" test "$ms" -lt 1000
check "run while watching: says why" grep -q 'another picflow run is active' "$WORK/run.err"

# --- a mail through Postfix and LMTP is answered, without any run
request_mail "$WORK/m1.eml" 1
check "mail 1 submitted to Postfix" "$MAILENV" send "$MAILENV_DIR" admin@c1.example "$USER_ADDR" "$WORK/m1.eml"
check "mail 1: its notice reaches the contact's mailbox" wait_mbox admin@c1.example 1
check "mail 1: moved to Processed" test "$(count Processed)" = 1
check "mail 1: one request" test "$(nrequests)" = 1
check "mail 1: a log line for the event" grep -q 'watch (new mail): 1 mails read; requests: 1 accepted' "$WORK/watch.log"
# each cycle rewrites [metrics] textfile (SPEC 10)
check "metrics: the cycle's request in the textfile" \
	within 10 grep -qx 'picflow_requests{state="pending"} 1' "$WORK/picflow.prom"
check "metrics: the poll's success in the textfile" \
	grep -qx "picflow_last_success_timestamp_seconds{stage=\"poll\"} $(date -u -d 2026-11-26T09:00:00Z +%s)" "$WORK/picflow.prom"
check "sd_notify: WATCHDOG=1 sent (every half interval)" test "$(grep -c 'WATCHDOG=1' "$WORK/notify.log")" -ge 2

# --- idle: no CPU worth measuring (5 s here, once the 2 s of eager NOOPs after mail 1 are
# over; the watchdog wakes it every 0.5 s)
sleep 3
c0=$(cpu_ticks "$WPID"); sleep 5; c1=$(cpu_ticks "$WPID")
check "idle for 5 s: $((c1 - c0)) clock ticks of CPU (at most 2)" test $((c1 - c0)) -le 2

# --- timers fire when PICFLOW_NOW_FILE moves past the deadline (SIGUSR1 wakes watch)
before=$(mbox admin@c1.example)
echo 2026-12-28T09:00:00Z > "$PICFLOW_NOW_FILE"
kill -USR1 "$WPID"
check "timer: the deadline fires under watch" wait_log 'timers: 1 fired'
check "timer: a notice to the contact" wait_mbox admin@c1.example $((before + 1))
check "timer: the operator alerted" test "$(sql "SELECT count(*) FROM outbox WHERE template = 'alert'")" -ge 1

# --- mail after mail: in the eager window after a cycle that read mail, watch asks NOOP
# and Dovecot answers at once, where IDLE reports new mail only after half a second
for i in 11 12 13 14 15; do request_mail "$WORK/m$i.eml" "$i"; done
python3 - "$MAILENV" "$MAILENV_DIR" "$USER_ADDR" "$DB" "$WORK" > "$WORK/eager.out" <<'PY'
import sqlite3, subprocess, sys, time
mailenv, d, to, db, work = sys.argv[1:]
def inbound():
    c = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return c.execute("SELECT count(*) FROM inbound").fetchone()[0]
    finally:
        c.close()
ms = []
for i in range(11, 16):
    n0 = inbound()
    t0 = time.monotonic()
    subprocess.run([mailenv, "deliver", d, to, f"{work}/m{i}.eml"], check=True,
                   stdout=subprocess.DEVNULL)
    while inbound() == n0 and time.monotonic() - t0 < 10:
        time.sleep(0.005)
    ms.append(int((time.monotonic() - t0) * 1000))
print(" ".join(map(str, ms)), sorted(ms)[2])
PY
read -r e1 e2 e3 e4 e5 emed < "$WORK/eager.out"
check "mail after mail: recorded in $e1 $e2 $e3 $e4 $e5 ms, median $emed (under 400)" test "$emed" -lt 400
check "mail after mail: every one answered" wait_mbox admin@c15.example 1

# --- SIGHUP with a broken configuration: refused, the old one kept
cp "$CONF" "$WORK/good.conf"
printf '[imap]\nhost = 127.0.0.1\nsecuirty = tls\n' > "$CONF"
kill -HUP "$WPID"
check "SIGHUP, broken file: refused with a log line" wait_log 'configuration reload refused, the old one stays: .*secuirty'
request_mail "$WORK/m2.eml" 2
"$MAILENV" send "$MAILENV_DIR" admin@c2.example "$USER_ADDR" "$WORK/m2.eml"
check "SIGHUP, broken file: watch still answers" wait_mbox admin@c2.example 1
cp "$WORK/good.conf" "$CONF"
kill -HUP "$WPID"
check "SIGHUP, good file: reloaded" wait_log 'configuration reloaded from'
check "SIGHUP, good file: watching again" within 30 idles 2

# --- Dovecot stopped and restarted under watch: nothing lost, one operator alert
"$MAILENV" stop-dovecot "$MAILENV_DIR" >/dev/null
check "Dovecot down: seen" wait_log 'IMAP unavailable, retrying with backoff'
for i in 3 4; do request_mail "$WORK/m$i.eml" "$i"; done
"$MAILENV" deliver "$MAILENV_DIR" "$USER_ADDR" "$WORK/m3.eml" "$WORK/m4.eml"
check "Dovecot down 3 s: the operator alerted" wait_log 'operator alerted'
sleep 2
"$MAILENV" start-dovecot "$MAILENV_DIR" >/dev/null
check "Dovecot back: seen" wait_log 'IMAP back after'
check "Dovecot back: mail 3 answered" wait_mbox admin@c3.example 1
check "Dovecot back: mail 4 answered" wait_mbox admin@c4.example 1
check "Dovecot back: INBOX empty" test "$(count)" = 0
check "Dovecot back: 9 requests" test "$(nrequests)" = 9
check "one outage, one alert" test "$(alerts 'IMAP outage')" = 1

# --- the poll's IMAP session and the send's SMTP session are kept between cycles; one the
# server closed meanwhile is replaced, and its mail is not held up
logins() { grep -c "imap-login: Info: Login: user=<$USER_ADDR>" "$MAILENV_DIR/dovecot.log"; }
request_mail "$WORK/m5.eml" 5
"$MAILENV" send "$MAILENV_DIR" admin@c5.example "$USER_ADDR" "$WORK/m5.eml"
check "kept sessions: mail 5 answered" wait_mbox admin@c5.example 1
n0=$(logins)
request_mail "$WORK/m6.eml" 6
"$MAILENV" send "$MAILENV_DIR" admin@c6.example "$USER_ADDR" "$WORK/m6.eml"
check "kept sessions: mail 6 answered" wait_mbox admin@c6.example 1
check "kept sessions: mail 6 without a new IMAP login ($n0 before, $(logins) after)" test "$(logins)" = "$n0"
"$MAILENV" stop-postfix "$MAILENV_DIR" >/dev/null
"$MAILENV" start-postfix "$MAILENV_DIR" >/dev/null
request_mail "$WORK/m7.eml" 7
"$MAILENV" send "$MAILENV_DIR" admin@c7.example "$USER_ADDR" "$WORK/m7.eml"
check "Postfix restarted: mail 7 answered at once, not deferred" wait_mbox admin@c7.example 1 10
check "Postfix restarted: no notice left to retry" test "$(sql "SELECT count(*) FROM outbox WHERE state = 'queued'")" = 0

stop_watch
check "SIGTERM: exit 0" test "$WRC" = 0
check "SIGTERM: within 5 s ($WMS ms)" test "$WMS" -lt 5000
check "sd_notify: STOPPING=1" grep -q 'STOPPING=1' "$WORK/notify.log"
kill "$LISTENER" 2>/dev/null || true; wait "$LISTENER" 2>/dev/null || true

# --- SIGTERM in mid-batch: exit 0 after the current transaction; run completes the rest
N=3000
mkdir "$WORK/many"
python3 - "$WORK/many" "$N" "$USER_ADDR" <<'PY'
import sys
d, n, to = sys.argv[1], int(sys.argv[2]), sys.argv[3]
for i in range(n):
    k = 1000 + i
    with open(f"{d}/{k}.eml", "w", newline="") as f:
        f.write(f"From: admin@c{k}.example\r\nTo: {to}\r\nSubject: PIC request\r\n"
                f"Message-ID: <bulk-{k}@test.example>\r\nDate: Thu, 26 Nov 2026 05:00:00 +0000\r\n\r\n"
                f"Agreement-Type: volume-licensing\r\nAgreement-Number: 7{k:07d}\r\n"
                f"Deployment: lync-server-2013\r\nEdge-FQDN: sip.c{k}.example\r\n"
                f"SIP-Domain: c{k}.example\r\nContact: admin@c{k}.example\r\n")
PY
"$MAILENV" deliver "$MAILENV_DIR" "$USER_ADDR" "$WORK"/many/*.eml
seen0=$(sql 'SELECT count(*) FROM imap_seen')
start_watch
# Frozen at its first commit, so the signal surely lands in the middle of the batch.
for ((i = 0; i < 600; i++)); do
	(( $(sql 'SELECT count(*) FROM imap_seen' 2>/dev/null || echo 0) > seen0 )) && break
	sleep 0.05
done
kill -STOP "$WPID"
t0=$EPOCHREALTIME
kill -TERM "$WPID"; kill -CONT "$WPID"
WRC=0; wait "$WPID" || WRC=$?
WMS=$(python3 -c "print(int(($EPOCHREALTIME - $t0) * 1000))")
check "SIGTERM mid-batch: exit 0" test "$WRC" = 0
check "SIGTERM mid-batch: within 5 s ($WMS ms)" test "$WMS" -lt 5000
check "SIGTERM mid-batch: stopped after a commit" grep -q 'poll: stopped after a commit' "$WORK/watch.log"
left=$(count); recorded=$(( $(sql 'SELECT count(*) FROM imap_seen') - seen0 ))
check "SIGTERM mid-batch: some mails left ($left)" test "$left" -gt 0
check "SIGTERM mid-batch: every committed mail moved, none lost ($recorded + $left = $N)" test $((recorded + left)) = "$N"
conf	# the notices of 3,000 requests stay queued: no [smtp] host
rc=0; pf run >"$WORK/run.out" 2>"$WORK/run.err" || rc=$?
check "then run: exit 0" test "$rc" = 0
check "then run: INBOX empty" test "$(count)" = 0
check "then run: every request recorded once" test "$(nrequests)" = $((N + 12))
check "database intact" test "$(sql 'PRAGMA integrity_check')" = ok
finish
