#!/usr/bin/env bash
# picflow poll and a poison mail (issue 13, SPEC 7): a mail whose processing kills picflow
# (here an abort, injected by PICFLOW_FAULT=abort:TEXT as the mail is taken apart, the way
# a crashing parser would) must not block the mailbox. The signal that kills the poll records
# the mail it was taking in, so the next poll counts the crash as a failure of that mail;
# after 3, the mail goes to the failed mailbox with one operator alert, and the mails
# around it are recorded. A poll killed from outside (SIGKILL) blames no mail.
# Usage: test_poll_poison.sh PICFLOW_BINARY
source "$(dirname "${BASH_SOURCE[0]}")/lib_poll.sh" "$@"
conf BATCH=10
export PICFLOW_FAULT=abort:POISON-7f3a
for i in 1 2 3; do request_mail "$WORK/m$i.eml" "$i"; done
printf 'X-Test: POISON-7f3a\r\n' | cat - "$WORK/m2.eml" > "$WORK/p.eml" && mv "$WORK/p.eml" "$WORK/m2.eml"
"$MAILENV" deliver "$MAILENV_DIR" "$USER_ADDR" "$WORK/m1.eml" "$WORK/m2.eml" "$WORK/m3.eml"
failures() { sql "SELECT coalesce(max(failures), 0) FROM imap_failures"; }
alerts() { pf outbox --json | python3 -c 'import json, sys; print(sum(o["template"] == "alert" for o in json.load(sys.stdin)))'; }

for run in 1 2 3; do
	crashed() {
		local rc; rc=$(poll_rc); tail -3 "$WORK/poll.out"
		[[ $rc == 134 && $(count) == 3 && $(failures) == $((run - 1)) && $(alerts) == 0 ]]
	}
	check "run $run: picflow dies of SIGABRT on the mail (exit 134), $((run - 1)) crash(es) counted so far" crashed
done
given_up() {
	local rc; rc=$(poll_rc); cat "$WORK/poll.out"
	[[ $rc == 0 ]] && grep -q '^poll: 2 recorded .* 1 moved to Failed' "$WORK/poll.out" &&
		[[ $(count):$(count Processed):$(count Failed):$(failures):$(alerts) == 0:2:1:3:1 ]]
}
check "run 4: third crash counted, the mail moved to Failed, the 2 others recorded, one alert" given_up
alert_text() {
	local id
	id=$(pf outbox --json | python3 -c 'import json, sys; print([o["id"] for o in json.load(sys.stdin) if o["template"] == "alert"][0])')
	pf outbox --dump "$id" | python3 -c '
import quopri, sys
t = quopri.decodestring(sys.stdin.buffer.read()).decode("utf-8", "replace")
print(t[-400:])
assert "signal 6" in t and "Failed" in t and "3 runs" in t'
}
check "the alert says picflow died of signal 6 on it, 3 times, and where it went" alert_text
again() { local before; before=$(state); [[ $(poll_rc) == 0 && $(state) == "$before" && $(alerts) == 1 ]]; }
check "run 5: nothing left to do, still one alert" again
check "the requests of the 2 good mails exist" test "$(nrequests)" = 2

# Killed from outside (SIGKILL, at the second commit of a 200-mail backlog, while the
# reader has mails in hand): not the mails' fault, and the next poll counts nothing.
unset PICFLOW_FAULT
for i in $(seq 10 209); do request_mail "$WORK/b$i.eml" "$i"; done
"$MAILENV" deliver "$MAILENV_DIR" "$USER_ADDR" "$WORK"/b*.eml
killed() {
	local rc=0
	strace -f -o /dev/null -e trace=fdatasync -e inject=fdatasync:signal=KILL:when=2 \
		"$PICFLOW" -c "$CONF" poll >"$WORK/poll.out" 2>&1 || rc=$?
	[[ $rc == 137 ]]
}
if command -v strace >/dev/null; then
	check "a poll killed by SIGKILL mid-backlog (exit 137)" killed
	clean() {
		local rc; rc=$(poll_rc); cat "$WORK/poll.out"
		[[ $rc == 0 && $(count) == 0 && $(sql "SELECT count(*) FROM imap_failures WHERE failures < 3") == 0 ]]
	}
	check "the next poll blames no mail for it and takes them all" clean
else
	echo "skip - strace is not installed: no kill from outside"
fi
finish
