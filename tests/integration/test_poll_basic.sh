#!/usr/bin/env bash
# picflow poll against a real Dovecot, mail submitted through a real Postfix (issue 3):
# requests sent with swaks become requests, the mails go to the processed mailbox, a second
# poll changes nothing; a mail delivered twice makes one request; a mail above
# max_message_bytes is rejected without ever being held whole in memory; no leak (valgrind).
# Usage: test_poll_basic.sh PICFLOW_BINARY
source "$(dirname "${BASH_SOURCE[0]}")/lib_poll.sh" "$@"
conf

# --- three mails through Postfix: a valid request, an invalid one, a help request
request_mail "$WORK/valid.eml" 1 admin@c1.example
printf 'From: bob@fabrikam.example\r\nTo: %s\r\nSubject: PIC\r\nMessage-ID: <bad-%s@test.example>\r\n\r\nAgreement-Type: volume-licensing\r\nDeployment: lync-server-2013\r\nSIP-Domain: fabrikam.example\r\nContact: bob@fabrikam.example\r\n' \
	"$USER_ADDR" "$$" > "$WORK/invalid.eml"
printf 'From: carol@tailspin.example\r\nTo: %s\r\nSubject: help\r\nMessage-ID: <help-%s@test.example>\r\n\r\nAction: help\r\n' \
	"$USER_ADDR" "$$" > "$WORK/help.eml"
sent() {
	local f
	for f in valid invalid help; do
		"$MAILENV" send "$MAILENV_DIR" sender@example.test "$USER_ADDR" "$WORK/$f.eml" || return 1
	done
	"$MAILENV" wait-delivered "$MAILENV_DIR" "$USER_ADDR" 3 30
}
check "3 mails submitted with swaks through Postfix reach the INBOX" sent

first_poll() {
	local rc; rc=$(poll_rc); cat "$WORK/poll.out"
	[[ $rc == 0 ]] && grep -q '^poll: 3 recorded (2 requests' "$WORK/poll.out"
}
check "poll exits 0 and records 3 mails, 2 of them requests" first_poll

requests_as_expected() {
	pf list --json > "$WORK/list.json"
	python3 - "$WORK/list.json" <<-'PY'
	import json, sys
	reqs = json.load(open(sys.argv[1]))
	by = {r["agreement_number"]: r for r in reqs}
	assert len(reqs) == 2, reqs
	assert by["60000001"]["state"] == "pending", by["60000001"]
	bad = [r for r in reqs if r["agreement_number"] != "60000001"][0]
	assert bad["state"] == "rejected", bad
	assert any(x["code"] == "missing-field" for x in bad["reasons"]), bad["reasons"]
	PY
}
check "the valid request is pending, the invalid one rejected (missing-field)" requests_as_expected
notices() {
	pf outbox --json | python3 -c '
import json, sys
t = sorted(o["template"] for o in json.load(sys.stdin))
print(t); assert t == ["confirmation", "help", "rejection"], t'
}
check "notices queued: confirmation, rejection, help" notices
check "INBOX is empty, the 3 mails are in Processed" test "$(count):$(count Processed)" = "0:3"
check "each mail is recorded with its (mailbox, UIDVALIDITY, UID) key" \
	test "$(sql "SELECT count(*) FROM imap_seen s JOIN inbound i ON i.id = s.inbound_id WHERE s.mailbox = 'INBOX' AND i.source = 'imap'")" = 3

before=$(state)
second_poll() {
	local rc; rc=$(poll_rc); cat "$WORK/poll.out"
	[[ $rc == 0 ]] && grep -q '^poll: 0 recorded' "$WORK/poll.out" && [[ $(state) == "$before" ]]
}
check "a second poll changes nothing ($before)" second_poll

# --- the same mail delivered twice (same Message-ID): one request, both copies moved
request_mail "$WORK/twice.eml" 2
"$MAILENV" deliver "$MAILENV_DIR" "$USER_ADDR" "$WORK/twice.eml" "$WORK/twice.eml"
twice() {
	local rc; rc=$(poll_rc); cat "$WORK/poll.out"
	[[ $rc == 0 ]] && grep -q '^poll: 1 recorded (1 requests.*1 already recorded' "$WORK/poll.out" &&
		[[ $(nrequests) == 3 && $(count) == 0 && $(count Processed) == 5 ]]
}
check "a mail delivered twice makes one request; both copies go to Processed" twice

# --- a 40 MB mail with max_message_bytes = 10 MB: a prefix is fetched, never the mail
python3 - "$WORK/big.eml" "$USER_ADDR" <<-'PY'
import base64, os, sys
head = ("From: big@woodgrove.example\r\nTo: %s\r\nSubject: huge request\r\n"
        "Message-ID: <huge-%d@test.example>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\n"
        "Agreement-Type: volume-licensing\r\nAgreement-Number: 88888888\r\n\r\n--B\r\n"
        "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        % (sys.argv[2], os.getpid()))
body = base64.encodebytes(os.urandom(30 * 1024 * 1024)).replace(b"\n", b"\r\n")
with open(sys.argv[1], "wb") as f:
    f.write(head.encode() + body + b"\r\n--B--\r\n")
PY
BIG_SIZE=$(stat -c %s "$WORK/big.eml")
"$MAILENV" deliver "$MAILENV_DIR" "$USER_ADDR" "$WORK/big.eml"
# Peak RSS of the poll process, in kB, from the kernel's accounting of the finished child.
big_poll() {
	python3 - "$PICFLOW" "$CONF" <<-'PY' > "$WORK/rss"
	import resource, subprocess, sys
	r = subprocess.run([sys.argv[1], "-c", sys.argv[2], "poll"], stdout=subprocess.DEVNULL)
	print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)
	PY
	read -r rss rc < "$WORK/rss"
	echo "poll exit $rc, peak RSS ${rss} kB for a ${BIG_SIZE}-byte mail"
	[[ $rc == 0 ]] && (( rss < 30 * 1024 && rss * 1024 < BIG_SIZE ))
}
check "the 40 MB mail is polled with a peak RSS under 30 MB" big_poll
check "it is recorded as too-big, only its first 64 KB kept" \
	test "$(sql "SELECT outcome, length(raw) <= 65536 FROM inbound WHERE sender = 'big@woodgrove.example'")" = "too-big|1"
big_rejection() {
	local id
	id=$(pf outbox --json | python3 -c '
import json, sys
print([o["id"] for o in json.load(sys.stdin) if o["template"] == "rejection" and o["to"] == "big@woodgrove.example"][0])')
	pf outbox --dump "$id" | python3 -c '
import quopri, sys
text = quopri.decodestring(sys.stdin.buffer.read()).decode("utf-8", "replace")
assert "message-too-big" in text and sys.argv[1] in text, text' "$BIG_SIZE"
}
check "its sender gets a rejection naming the true size ($BIG_SIZE bytes)" big_rejection
check "and it is in Processed" test "$(count):$(count Processed)" = "0:6"

# --- windows are cut at 4 MB of bodies: 7 requests of 1.5 MB (text after the signature),
# two to a window; each is recorded and moved, none skipped
for i in $(seq 11 17); do
	request_mail "$WORK/w$i.eml" "$i"
	python3 -c 'import sys; sys.stdout.write("-- \r\n" + ("x" * 76 + "\r\n") * 19500)' >> "$WORK/w$i.eml"
done
"$MAILENV" deliver "$MAILENV_DIR" "$USER_ADDR" "$WORK"/w1?.eml
windows() {
	local rc n; n=$(nrequests); rc=$(poll_rc); cat "$WORK/poll.out"
	[[ $rc == 0 ]] && grep -q '^poll: 7 recorded (7 requests' "$WORK/poll.out" &&
		[[ $(nrequests) == $((n + 7)) && $(count) == 0 && $(count Processed) == 13 ]]
}
check "7 mails of 1.5 MB, in windows of at most 4 MB: all recorded and moved" windows

# --- no leak and no memory error on a poll that records mail (valgrind)
request_mail "$WORK/v1.eml" 3; request_mail "$WORK/v2.eml" 4
"$MAILENV" deliver "$MAILENV_DIR" "$USER_ADDR" "$WORK/v1.eml" "$WORK/v2.eml"
valgrind_poll() {
	local n; n=$(nrequests)
	valgrind -q --trace-children=yes --leak-check=full --show-leak-kinds=definite,indirect,possible \
		--errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
		"$PICFLOW" -c "$CONF" poll && [[ $(nrequests) == $((n + 2)) ]]
}
if grep -q __asan_init "$PICFLOW"; then
	echo "skip - valgrind: $PICFLOW is built with AddressSanitizer, which checks leaks itself"
elif command -v valgrind >/dev/null; then
	check "valgrind: a poll recording 2 requests has no leak and no error" valgrind_poll
else
	echo "skip - valgrind is not installed"
fi

finish
