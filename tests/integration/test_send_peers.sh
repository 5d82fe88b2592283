#!/usr/bin/env bash
# Integration test of `picflow send` against scripted SMTP peers (a small Python server on
# 127.0.0.1, using the mailenv certificates), for what a well-behaved Postfix never does:
#  - a silent server (accepts, never answers) and one that stalls after EHLO: send gives
#    up within the configured timeout instead of the 300 s libetpan would wait;
#  - per-recipient 451 / 550 / connection drop / 421 in one run: deferred, failed (with an
#    alert), deferred, deferred and reconnected; the others delivered byte for byte;
#  - 421 in reply to the whole message: deferred, reconnected, sent by the next run;
#  - after a send killed before recording what the server accepted: recorded, not resent;
#  - the configured EHLO name, RSET between transactions, no AUTH when none is configured;
#  - the peer offers PIPELINING and, as RFC 2920 requires, refuses DATA after a refused
#    sender or recipient: picflow sends RSET, MAIL, RCPT and DATA in one write, after
#    the end of the message before (whose reply it reads after writing them);
#  - the envelope sender refused: nothing fails, everything stays queued (exit 69);
#  - implicit TLS (security = tls), verified; with the wrong CA no command at all is sent;
#  - AUTH LOGIN after STARTTLS; with the wrong CA the peer sees STARTTLS and nothing after;
#  - security = none to a non-loopback host refused by configuration (exit 78).
# Usage: test_send_peers.sh PICFLOW_BINARY (CTest passes it; MAILENV is set by CTest).
# shellcheck source=send_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/send_lib.sh" "$@"

cat > "$WORK/peer.py" <<'PY'
"""A scripted SMTP peer. Logs every event to LOG, one line each; keeps each message
received (dot-unstuffed, CRLF) in DIR/msg-N.eml. Behaviour by recipient local part:
temp-* 451, perm-* 550, drop-* connection closed at RCPT, c421-* 421 at RCPT then closed,
d421-* 421 after the whole message (once per recipient, then accepted); by sender: bad-* 553. Modes: smtp (default), silent (never a byte), stall (greeting and
EHLO, then silence)."""
import base64, os, socket, ssl, sys, threading, time

mode, tls_mode, auth, cert, key, portfile, log, outdir = sys.argv[1:9]
lock = threading.Lock()
count = [0]
refused_once = set()

def note(s):
    with lock, open(log, "a") as f:
        f.write(s + "\n")

def waiting(conn, rf):
    """Whether the client's next bytes are already here (read without blocking)."""
    conn.setblocking(False)
    try:
        return len(rf.peek(1)) > 0
    except OSError:
        return False
    finally:
        conn.setblocking(True)

def ctx():
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    c.load_cert_chain(cert, key)
    return c

def serve(conn):
    note("connect")
    try:
        if mode == "silent":
            time.sleep(60)
            return
        if tls_mode == "tls":
            conn = ctx().wrap_socket(conn, server_side=True)
            note("tls")
        rf = conn.makefile("rb")
        out = lambda s: conn.sendall(s.encode() + b"\r\n")
        out("220 peer.test ESMTP scripted")
        tls = tls_mode == "tls"
        rcpt = ""
        # RFC 2920 3.1: DATA is refused unless the transaction has a sender
        # and a recipient (a pipelining client sends it right behind them).
        mail_ok = rcpt_ok = False
        while True:
            line = rf.readline()
            if not line:
                note("closed")
                return
            cmd = line.decode(errors="replace").rstrip("\r\n")
            note("C: " + (cmd if not cmd.upper().startswith("AUTH") else cmd.split()[0] + " " + cmd.split()[1]))
            verb = cmd.split(" ")[0].upper()
            if mode == "stall" and verb not in ("EHLO", "HELO"):
                time.sleep(60)
                return
            if verb == "EHLO":
                ext = ["250-peer.test", "250-PIPELINING"]
                if tls_mode == "starttls" and not tls:
                    ext.append("250-STARTTLS")
                if auth == "login" and tls:
                    ext.append("250-AUTH LOGIN")
                ext.append("250 8BITMIME")
                conn.sendall(("\r\n".join(ext) + "\r\n").encode())
            elif verb == "STARTTLS":
                out("220 go ahead")
                conn = ctx().wrap_socket(conn, server_side=True)
                rf = conn.makefile("rb")
                tls = True
                note("tls")
            elif verb == "AUTH":
                out("334 VXNlcm5hbWU6")
                user = base64.b64decode(rf.readline().strip()).decode()
                out("334 UGFzc3dvcmQ6")
                pw = base64.b64decode(rf.readline().strip()).decode()
                good = pw == os.environ["PASS"]
                note(f"AUTH LOGIN user={user} {'ok' if good else 'bad'}")
                out("235 2.7.0 ok" if good else "535 5.7.8 bad credentials")
            elif verb == "MAIL":
                mail_ok = "<bad-" not in cmd
                rcpt_ok = False
                out("250 2.1.0 ok" if mail_ok else "553 5.7.1 sender not allowed")
            elif verb == "RCPT":
                lp = cmd.split("<", 1)[1]
                rcpt = lp
                if lp.startswith("temp-"):
                    out("451 4.3.0 try again later")
                elif lp.startswith("perm-"):
                    out("550 5.1.1 no such user here")
                elif lp.startswith("drop-"):
                    note("drop")
                    conn.close()
                    return
                elif lp.startswith("c421-"):
                    out("421 4.3.2 shutting down")
                    conn.close()
                    return
                else:
                    rcpt_ok = mail_ok
                    out("250 2.1.5 ok")
            elif verb == "DATA" and not (mail_ok and rcpt_ok):
                out("554 5.5.1 no valid recipients")
            elif verb == "DATA":
                mail_ok = rcpt_ok = False
                out("354 go on")
                body = b""
                while True:
                    l = rf.readline()
                    if l in (b".\r\n", b""):
                        break
                    body += l[1:] if l.startswith(b".") else l
                # Before our reply: a client pipelining across messages has
                # sent the next envelope with the end of this one.
                note("end of data" + (", next command with it" if waiting(conn, rf) else ""))
                if rcpt.startswith("d421-") and rcpt not in refused_once:
                    refused_once.add(rcpt)
                    note("421 after data")
                    out("421 4.3.2 shutting down")
                    conn.close()
                    return
                with lock:
                    count[0] += 1
                    n = count[0]
                with open(os.path.join(outdir, f"msg-{n}.eml"), "wb") as f:
                    f.write(body)
                out(f"250 2.0.0 queued as MSG{n}")
            elif verb == "RSET":
                mail_ok = rcpt_ok = False
                out("250 2.0.0 reset")
            elif verb == "QUIT":
                out("221 2.0.0 bye")
                note("quit")
                return
            else:
                out("502 5.5.2 what")
    except (OSError, ssl.SSLError, ValueError) as e:
        note(f"error {type(e).__name__}")
    finally:
        try:
            conn.close()
        except OSError:
            pass

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(16)
with open(portfile + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename(portfile + ".tmp", portfile)
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY

PEER_PID=
# peer MODE TLS_MODE AUTH: (re)start the scripted peer; sets PEER_PORT, empties its log.
peer() {
	peer_stop
	rm -rf "$WORK/peer" && mkdir -p "$WORK/peer"
	: > "$WORK/peer.log"
	python3 "$WORK/peer.py" "$1" "$2" "$3" "$SERVER_CERT_FILE" "$SERVER_KEY_FILE" \
		"$WORK/peer/port" "$WORK/peer.log" "$WORK/peer" &
	PEER_PID=$!
	for _ in $(seq 100); do [[ -s $WORK/peer/port ]] && break; sleep 0.05; done
	PEER_PORT=$(<"$WORK/peer/port")
}
peer_stop() { if [[ -n $PEER_PID ]]; then kill "$PEER_PID" 2>/dev/null || true; wait "$PEER_PID" 2>/dev/null || true; PEER_PID=; fi; }
trap 'peer_stop; [[ -n ${KEEP_WORK:-} ]] || rm -rf "$WORK"' EXIT

# fresh NAME [KEY=VALUE...]: a new database and configuration $WORK/NAME.ini, pointing to
# the peer; echo its path.
fresh() {
	local c=$WORK/$1.ini; shift
	rm -f "${c%.ini}.sqlite"*
	write_conf "$c" smtp.port="$PEER_PORT" "$@"
	echo "$c"
}
# timed CONF: run send, recording its exit code in RC and its duration (s) in SECS.
timed() {
	local t0=$SECONDS
	RC=0; pf "$1" send > "$WORK/send.out" || RC=$?
	SECS=$((SECONDS - t0))
}

export PICFLOW_NOW=2026-11-26T10:00:00Z
request_mail "$WORK/two.eml" req-two@contoso.test 61234567 en \
	contoso.test admin@contoso.test fabrikam.test it@fabrikam.test

# --- a silent server: every step is bounded by [smtp] timeout
peer silent none none
C=$(fresh silent smtp.security=none smtp.timeout=2)
pf "$C" ingest "$WORK/two.eml" >/dev/null
timed "$C"
check "silent server: send gives up after the 2 s timeout (took ${SECS}s), exit 69" \
	bash -c "[[ $RC == 69 && $SECS -le 6 ]]"
check "...says the server stayed silent" grep -q "greeting: no reply from 127.0.0.1 port $PEER_PORT (connection closed, or silent for 2 s)" "$WORK/pf.err"
check "...both notices deferred, not lost" bash -c \
	"[[ \$(sqlite3 '${C%.ini}.sqlite' \"select count(*) from outbox where state='queued' and attempts=1\") == 2 ]]"
# Two sends at once would deliver the same rows twice: the second one waits for next time.
export PICFLOW_NOW=2026-11-26T11:00:00Z
"$PICFLOW" -c "$C" send >/dev/null 2>&1 &
first=$!
sleep 0.5
timed "$C"
wait "$first" || true
check "a send while another is running: exit 75 at once (took ${SECS}s)" bash -c \
	"[[ $RC == 75 && $SECS -le 1 ]] && grep -q 'another picflow send is delivering' '$WORK/pf.err'"
export PICFLOW_NOW=2026-11-26T10:00:00Z

# --- a server that stalls after EHLO: each session times out, send reconnects once per
# notice, and stops after the configured timeout each time (75: a session did work)
peer stall none none
C=$(fresh stall smtp.security=none smtp.timeout=2)
pf "$C" ingest "$WORK/two.eml" >/dev/null
timed "$C"
check "stall after EHLO: both deferred within 2 x 2 s (took ${SECS}s), exit 75" \
	bash -c "[[ $RC == 75 && $SECS -le 8 ]] && grep -qx 'send: 0 sent, 2 deferred, 0 failed' '$WORK/send.out'"
check "...one session per notice (reconnected after the first was lost)" \
	test "$(grep -c '^connect' "$WORK/peer.log")" = 2

# --- per-recipient outcomes in one run
peer smtp none none
C=$(fresh mixed smtp.security=none smtp.helo=picflow.example.test)
request_mail "$WORK/five.eml" req-five@contoso.test 70000001 en \
	contoso.test ok-a@contoso.test fabrikam.test temp-b@fabrikam.test \
	northwind.test perm-c@northwind.test tailspin.test drop-d@tailspin.test \
	wingtip.test ok-e@wingtip.test
pf "$C" ingest "$WORK/five.eml" >/dev/null
timed "$C"
check "451, 550 and a dropped connection: exit 75 (some deferred)" test "$RC" = 75
check "...3 sent (2 notices and the alert), 2 deferred, 1 failed" \
	grep -qx "send: 3 sent, 2 deferred, 1 failed" "$WORK/send.out"
check "...each outcome recorded with its reply" py "$C" <<'PY'
import sys
from sendlib import *
rows = {r["to"]: r for r in outbox(sys.argv[1])}
def st(u): return (rows[u]["state"], rows[u]["attempts"], rows[u]["next_attempt_at"])
assert st("ok-a@contoso.test") == ("sent", 1, None), rows["ok-a@contoso.test"]
assert st("ok-e@wingtip.test") == ("sent", 1, None)
assert st("temp-b@fabrikam.test") == ("queued", 1, "2026-11-26T10:05:00Z")
assert rows["temp-b@fabrikam.test"]["last_reply"] == "RCPT TO: 451 4.3.0 try again later"
assert st("perm-c@northwind.test") == ("failed", 1, None)
assert rows["perm-c@northwind.test"]["last_reply"] == "RCPT TO: 550 5.1.1 no such user here"
assert st("drop-d@tailspin.test") == ("queued", 1, "2026-11-26T10:05:00Z")
assert rows["drop-d@tailspin.test"]["last_reply"].startswith("RCPT TO: no reply from 127.0.0.1")
assert rows["noc@example.test"]["template"] == "alert" and st("noc@example.test") == ("sent", 1, None)
assert rows["ok-a@contoso.test"]["last_reply"] == "250 2.0.0 queued as MSG1"
PY
check "...two sessions (reconnected after the drop), our EHLO name, no AUTH" bash -c "
	[[ \$(grep -c '^connect' '$WORK/peer.log') == 2 ]] &&
	[[ \$(grep -c '^C: EHLO picflow.example.test\$' '$WORK/peer.log') == 2 ]] &&
	! grep -q '^C: AUTH' '$WORK/peer.log'"
check "...RSET before every transaction but each session's first (6 - 2 = 4)" bash -c "
	awk '/^connect/ { first = 1 } /^C: MAIL/ { if (!first && prev != \"C: RSET\") bad = 1; first = 0 }
	     /^C: / { prev = \$0 } END { exit bad }' '$WORK/peer.log' &&
	[[ \$(grep -c '^C: RSET' '$WORK/peer.log') == 4 ]]"
check "...the end of ok-a's message and the next envelope in one write, not waiting for its reply (RFC 2920 3.1); ok-e's and the alert's, each the last of its page, alone" bash -c "
	[[ \$(grep -c '^end of data' '$WORK/peer.log') == 3 ]] &&
	grep -A1 '^end of data, next command with it\$' '$WORK/peer.log' | grep -qx 'C: RSET' &&
	[[ \$(grep -c '^end of data, next command with it\$' '$WORK/peer.log') == 1 ]]"
check "...the delivered messages are the outbox's, byte for byte (dot-stuffing undone)" py "$C" "$WORK/peer" <<'PY'
import os, sys
from sendlib import *
conf, d = sys.argv[1], sys.argv[2]
rows = {r["to"]: r for r in outbox(conf)}
got = [open(os.path.join(d, f), "rb").read() for f in sorted(os.listdir(d)) if f.endswith(".eml")]
want = [dump(conf, rows[u]["id"]) for u in ("ok-a@contoso.test", "ok-e@wingtip.test", "noc@example.test")]
assert got == want, [len(g) for g in got] + [len(w) for w in want]
PY
check "...the session that worked ended with QUIT" bash -c "[[ \$(tail -n 1 '$WORK/peer.log') == quit ]]"

# a 421 at RCPT: the server is leaving; deferred, and the next notice gets a new session
C=$(fresh c421 smtp.security=none)
request_mail "$WORK/c421.eml" req-c421@contoso.test 70000002 en \
	contoso.test c421-a@contoso.test fabrikam.test ok-b@fabrikam.test
: > "$WORK/peer.log"
pf "$C" ingest "$WORK/c421.eml" >/dev/null
timed "$C"
check "421 at RCPT: that notice deferred, the next sent over a new session (exit 75)" bash -c "
	[[ $RC == 75 ]] && grep -qx 'send: 1 sent, 1 deferred, 0 failed' '$WORK/send.out' &&
	[[ \$(grep -c '^connect' '$WORK/peer.log') == 2 ]]"

# a 421 in reply to the whole message: deferred (the server may or may not keep it), the
# next notice over a new session; the next run sends it again and it is recorded sent
C=$(fresh d421 smtp.security=none)
request_mail "$WORK/d421.eml" req-d421@contoso.test 70000003 en \
	contoso.test d421-a@contoso.test fabrikam.test ok-b@fabrikam.test
: > "$WORK/peer.log"
pf "$C" ingest "$WORK/d421.eml" >/dev/null
timed "$C"
check "421 after DATA: that notice deferred, the next sent over a new session (exit 75)" bash -c "
	[[ $RC == 75 ]] && grep -qx 'send: 1 sent, 1 deferred, 0 failed' '$WORK/send.out' &&
	grep -qx '421 after data' '$WORK/peer.log' && [[ \$(grep -c '^connect' '$WORK/peer.log') == 2 ]]"
PICFLOW_NOW=2026-11-26T10:06:00Z timed "$C"
check "...the next run sends it again: sent at the second attempt, nothing left (exit 0)" py "$C" "$RC" <<'PY'
import sys
from sendlib import *
assert sys.argv[2] == "0", sys.argv[2]
rows = {r["to"]: r for r in outbox(sys.argv[1])}
assert rows["d421-a@contoso.test"]["state"] == "sent" and rows["d421-a@contoso.test"]["attempts"] == 2, rows
assert rows["ok-b@fabrikam.test"]["state"] == "sent" and rows["ok-b@fabrikam.test"]["attempts"] == 1, rows
PY

# a send killed after the server accepted notices it had not recorded yet: the next send
# records them from the acceptance journal (the send lock file) instead of sending again
C=$(fresh journal smtp.security=none)
pf "$C" ingest "$WORK/two.eml" >/dev/null
ids=$(sqlite3 "${C%.ini}.sqlite" "select id from outbox order by id")
printf '%s\n' $ids > "${C%.ini}.sqlite-send.lock"
: > "$WORK/peer.log"
RC=0; "$PICFLOW" -v -c "$C" send > "$WORK/send.out" 2> "$WORK/pf.err" || RC=$?
check "send after a killed one: the journal's notices recorded as sent, not sent again" bash -c "
	[[ $RC == 0 ]] && grep -q '2 notice(s) accepted by the server before the last send ended' '$WORK/pf.err' &&
	! grep -q '^connect' '$WORK/peer.log' &&
	[[ \$(sqlite3 '${C%.ini}.sqlite' \"select count(*) from outbox where state = 'sent' and attempts = 1\") == 2 ]] &&
	[[ \$(sqlite3 '${C%.ini}.sqlite' \"select count(*) from outbox_events where event = 'sent' and reply like 'accepted by the server in a send that ended%'\") == 2 ]]"
check "...and the journal is empty again" test ! -s "${C%.ini}.sqlite-send.lock"

# --- the envelope sender refused: a configuration problem, not the notices'
C=$(fresh badfrom smtp.security=none smtp.envelope_from=bad-sender@example.test)
pf "$C" ingest "$WORK/two.eml" >/dev/null
timed "$C"
check "sender refused (553): exit 69, nothing failed, everything deferred" bash -c "
	[[ $RC == 69 ]] && grep -qx 'send: 0 sent, 2 deferred, 0 failed' '$WORK/send.out' &&
	grep -q 'refuses our envelope sender <bad-sender@example.test>' '$WORK/pf.err'"
check "...and no alert queued" bash -c \
	"[[ \$(sqlite3 '${C%.ini}.sqlite' \"select count(*) from outbox where template='alert'\") == 0 ]]"

# --- implicit TLS (security = tls), verified against the CA; with the wrong CA, nothing
peer smtp tls none
C=$(fresh tls smtp.security=tls)
pf "$C" ingest "$WORK/two.eml" >/dev/null
timed "$C"
check "security = tls, right CA: both sent (exit 0)" bash -c \
	"[[ $RC == 0 ]] && grep -qx 'send: 2 sent, 0 deferred, 0 failed' '$WORK/send.out'"
C=$(fresh tlsbad smtp.security=tls smtp.ca_file="$OTHER_CA_FILE")
pf "$C" ingest "$WORK/two.eml" >/dev/null
: > "$WORK/peer.log"
timed "$C"
check "security = tls, wrong CA: exit 69, 'not trusted'" bash -c \
	"[[ $RC == 69 ]] && grep -q 'not trusted: certificate signed by an unknown authority' '$WORK/pf.err'"
check "...the peer received no command at all (not even EHLO)" bash -c \
	"cat '$WORK/peer.log'; grep -q '^tls' '$WORK/peer.log' && ! grep -q '^C: ' '$WORK/peer.log'"

# --- AUTH LOGIN after STARTTLS; wrong CA: STARTTLS and then nothing
peer smtp starttls login
cp "$MAIL_PASSWORD_FILE" "$WORK/password"; chmod 600 "$WORK/password"
C=$(fresh login smtp.user=provision@example.test smtp.password_file="$WORK/password")
pf "$C" ingest "$WORK/two.eml" >/dev/null
timed "$C"
check "STARTTLS + AUTH LOGIN (the only mechanism offered): both sent" bash -c "
	[[ $RC == 0 ]] && grep -qx 'send: 2 sent, 0 deferred, 0 failed' '$WORK/send.out' &&
	grep -qx 'AUTH LOGIN user=provision@example.test ok' '$WORK/peer.log'"
check "...EHLO again after STARTTLS, AUTH only after it" bash -c "
	grep '^C: \\|^tls' '$WORK/peer.log' | head -5 | tr '\n' '|' |
	grep -q '^C: EHLO \\[127.0.0.1\\]|C: STARTTLS|tls|C: EHLO \\[127.0.0.1\\]|C: AUTH LOGIN|'"
C=$(fresh loginbad smtp.user=provision@example.test smtp.password_file="$WORK/password" \
	smtp.ca_file="$OTHER_CA_FILE")
pf "$C" ingest "$WORK/two.eml" >/dev/null
: > "$WORK/peer.log"
timed "$C"
check "STARTTLS with the wrong CA: exit 69; the peer saw STARTTLS, then nothing (no AUTH)" bash -c "
	cat '$WORK/peer.log'; [[ $RC == 69 ]] &&
	[[ \$(grep '^C: ' '$WORK/peer.log' | tr '\n' '|') == 'C: EHLO [127.0.0.1]|C: STARTTLS|' ]]"
peer_stop

# --- the plaintext rule of SPEC 5
C=$(fresh plain smtp.security=none smtp.host=192.0.2.1 smtp.port=25)
pf "$C" ingest "$WORK/two.eml" >/dev/null
timed "$C"
check "security = none to a non-loopback host: exit 78, nothing tried" bash -c "
	[[ $RC == 78 ]] && grep -q 'security = none is refused for 192.0.2.1' '$WORK/pf.err' &&
	[[ \$(sqlite3 '${C%.ini}.sqlite' \"select count(*) from outbox where attempts=0\") == 2 ]]"
C=$(fresh plainok smtp.security=none smtp.host=192.0.2.1 smtp.port=25 smtp.allow_plaintext=yes smtp.timeout=1)
pf "$C" ingest "$WORK/two.eml" >/dev/null
timed "$C"
check "...allowed with allow_plaintext = yes (then unreachable: exit 69 within ${SECS}s)" bash -c \
	"[[ $RC == 69 && $SECS -le 4 ]] && grep -q 'cannot connect to SMTP server 192.0.2.1 port 25' '$WORK/pf.err'"

finish
