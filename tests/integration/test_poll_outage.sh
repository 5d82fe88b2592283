#!/usr/bin/env bash
# picflow poll when the server is not there (issue 3): Dovecot stopped means exit 69 and
# nothing changed, and once it is started again the next poll completes the work; a server
# that accepts but stays silent, before or after the greeting, is cut off by the timeout.
# Usage: test_poll_outage.sh PICFLOW_BINARY
source "$(dirname "${BASH_SOURCE[0]}")/lib_poll.sh" "$@"
conf TIMEOUT=3

for i in $(seq 1 20); do request_mail "$WORK/m$i.eml" "$i"; done
"$MAILENV" deliver "$MAILENV_DIR" "$USER_ADDR" "$WORK"/m{1..10}.eml
first() { [[ $(poll_rc) == 0 && $(nrequests) == 10 && $(count) == 0 ]]; }
check "10 mails polled while Dovecot runs" first

# Mail waits in the Maildir while Dovecot is down.
"$MAILENV" deliver "$MAILENV_DIR" "$USER_ADDR" "$WORK"/m{11..20}.eml
check "Dovecot stopped" "$MAILENV" stop-dovecot "$MAILENV_DIR"
# "At once": a refused connection is no wait for the timeout, made long here (30 s) so
# that a busy machine cannot blur the two; only the poll itself is timed.
down() {
	local before rc t0 ms
	conf TIMEOUT=30
	before=$(state)
	t0=$(date +%s%N)
	rc=$(poll_rc); cat "$WORK/poll.out"
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	echo "exit $rc after $ms ms"
	[[ $rc == 69 ]] || { echo "exit status $rc, expected 69"; return 1; }
	grep -q "^picflow: cannot connect to IMAP server 127.0.0.1 port $IMAPS_PORT: Connection refused" "$WORK/poll.out" &&
		[[ $(state) == "$before" ]] && (( ms < 10000 ))
}
check "poll with Dovecot stopped: exit 69 at once, database and mailbox unchanged" down
check "Dovecot started again" "$MAILENV" start-dovecot "$MAILENV_DIR"
back() {
	local rc; rc=$(poll_rc); cat "$WORK/poll.out"
	[[ $rc == 0 ]] && grep -q '^poll: 10 recorded (10 requests' "$WORK/poll.out" &&
		[[ $(nrequests) == 20 && $(count) == 0 && $(count Processed) == 20 ]]
}
check "the next poll completes the work: 20 requests, INBOX empty, 20 in Processed" back

# A fake server on a free port (printed first): "mute" never greets; "stall" greets,
# answers CAPABILITY, then never answers LOGIN.
cat > "$WORK/fake.py" <<-'PY'
import socket, sys, time
mode = sys.argv[1]
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(5)
print(s.getsockname()[1], flush=True)
c, _ = s.accept()
if mode == "stall":
    c.sendall(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] fake ready\r\n")
    for line in c.makefile("rb"):
        tag = line.split(b" ")[0]
        if b"CAPABILITY" in line.upper():
            c.sendall(b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n" + tag + b" OK done\r\n")
time.sleep(30)
PY
silent() {
	local mode=$1 want=$2 port="" pid rc t0 ms i
	python3 "$WORK/fake.py" "$mode" > "$WORK/fake.port" &
	pid=$!
	for i in $(seq 1 100); do read -r port < "$WORK/fake.port" || true; [[ -n $port ]] && break; sleep 0.05; done
	conf PORT="$port" SECURITY=none TIMEOUT=2
	t0=$(date +%s%N)
	rc=$(poll_rc); cat "$WORK/poll.out"
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	echo "exit $rc after $ms ms"
	# Bounded by the 2 s timeout, not by the peer's 30 s of silence (slack for a busy
	# machine: the bound, not the speed, is what is tested).
	[[ $rc == "$want" ]] && (( ms >= 1900 && ms < 15000 ))
}
check "a server that never greets: exit 69 after the 2 s timeout" silent mute 69
check "a server that stops answering at LOGIN: exit 75 after the 2 s timeout" silent stall 75

finish
