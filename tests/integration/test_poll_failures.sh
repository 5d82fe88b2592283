#!/usr/bin/env bash
# picflow poll and mails whose processing fails with an internal error (issue 3): such a
# mail stays in the mailbox and is retried by the next runs while the others go through;
# after 3 failed runs it goes to the failed mailbox and the operator is alerted, once. A
# batch whose every mail fails is still the mails' fault (issue 13: hostile mail could keep
# "all failed" true for ever); only when picflow's own probe mail fails too is the fault
# taken to be picflow's: nothing is counted, the run exits 70, and the mails go through once
# the fault is gone.
#
# The failure is injected with a SQLite trigger that refuses to record a mail whose
# subject starts with "poison" (ingest then fails and rolls that mail back).
# Usage: test_poll_failures.sh PICFLOW_BINARY
source "$(dirname "${BASH_SOURCE[0]}")/lib_poll.sh" "$@"
conf
pf list >/dev/null	# creates the database
sql "CREATE TRIGGER poison BEFORE INSERT ON inbound WHEN NEW.subject LIKE 'poison%'
	BEGIN SELECT RAISE(ABORT, 'injected failure'); END"

n=0
# deliver SUBJECT-PREFIX...: one distinct request mail per argument.
deliver() {
	local p
	for p in "$@"; do
		n=$((n + 1))
		request_mail "$WORK/m$n.eml" "$n"
		sed -i "s/^Subject: .*/Subject: $p $n\r/" "$WORK/m$n.eml"
		"$MAILENV" deliver "$MAILENV_DIR" "$USER_ADDR" "$WORK/m$n.eml"
	done
}
failures() { sql "SELECT coalesce(max(failures), 0) FROM imap_failures"; }
alerts() { pf outbox --json | python3 -c 'import json, sys; print(sum(o["template"] == "alert" for o in json.load(sys.stdin)))'; }

deliver good poison good
run1() {
	local rc; rc=$(poll_rc); cat "$WORK/poll.out"
	[[ $rc == 0 ]] && grep -q '^poll: 2 recorded .* 1 failed' "$WORK/poll.out" &&
		[[ $(count):$(count Processed):$(failures) == 1:2:1 ]]
}
check "run 1: the 2 good mails go through, the poisoned one stays (1 failure)" run1
deliver good
run2() {
	local rc; rc=$(poll_rc); cat "$WORK/poll.out"
	[[ $rc == 0 && $(count):$(count Processed):$(failures):$(alerts) == 1:3:2:0 ]]
}
check "run 2: the new good mail goes through, the poisoned one stays (2 failures)" run2
run3() {
	local rc; rc=$(poll_rc); cat "$WORK/poll.out"
	[[ $rc == 0 ]] && grep -q '1 moved to Failed' "$WORK/poll.out" &&
		[[ $(count):$(count Failed):$(failures):$(alerts) == 0:1:3:1 ]]
}
check "run 3: third failure, the mail is moved to Failed and one alert is queued" run3
alert_text() {
	local id
	id=$(pf outbox --json | python3 -c 'import json, sys; print([o["id"] for o in json.load(sys.stdin) if o["template"] == "alert"][0])')
	pf outbox --dump "$id" | python3 -c '
import quopri, sys
t = quopri.decodestring(sys.stdin.buffer.read()).decode("utf-8", "replace")
print(t[-600:])
assert "noc@example.test" in t and "injected failure" in t and "Failed" in t' 
}
check "the alert goes to the operator and names the error and the mailbox" alert_text
run4() { local before; before=$(state); [[ $(poll_rc) == 0 && $(state) == "$before" && $(alerts) == 1 ]]; }
check "run 4: nothing left to do, still one alert" run4
check "the requests of the 3 good mails exist, none of the poisoned one" test "$(nrequests)" = 3

# Every mail of a batch fails, each by its own fault (a flood of hostile mail): picflow's
# own probe mail still goes through, so each failure is counted against its mail.
deliver poison poison
hostile() {
	local rc; rc=$(poll_rc); cat "$WORK/poll.out"
	[[ $rc == 0 ]] && grep -q '^poll: 0 recorded .* 2 failed' "$WORK/poll.out" &&
		[[ $(count) == 2 && $(sql "SELECT group_concat(failures) FROM imap_failures WHERE alerted_at IS NULL") == 1,1 ]]
}
check "every mail of a batch fails by its own fault: each failure counted, exit 0" hostile

# Every mail fails, and so does the probe: the fault is picflow's, not the mails'.
sql "CREATE TRIGGER broken BEFORE INSERT ON inbound
	BEGIN SELECT RAISE(ABORT, 'injected systemic failure'); END"
deliver good
systemic() {
	local rc before; before=$(sql "SELECT sum(failures) FROM imap_failures")
	rc=$(poll_rc); cat "$WORK/poll.out"
	[[ $rc == 70 ]] && grep -q 'failed, and so did a probe mail (left in the mailbox): .*injected systemic failure' "$WORK/poll.out" &&
		[[ $(count) == 3 && $(sql "SELECT sum(failures) FROM imap_failures") == "$before" ]]
}
check "a mail and the probe fail: exit 70, all stay, no failure counted" systemic
check "... and again on the next run, still nothing counted" systemic
sql "DROP TRIGGER broken; DROP TRIGGER poison"
healed() {
	local rc; rc=$(poll_rc); cat "$WORK/poll.out"
	[[ $rc == 0 && $(count) == 0 && $(nrequests) == 6 && $(count Failed) == 1 ]]
}
check "once the fault is gone, all go through" healed

finish
