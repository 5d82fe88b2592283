#!/usr/bin/env bash
# picflow poll and a mailbox recreated with a new UIDVALIDITY holding the same mails
# (issue 3): the new (mailbox, UIDVALIDITY, UID) keys are unknown, but every mail is
# recognised as already recorded, moved, and nothing is processed twice.
# Usage: test_poll_uidvalidity.sh PICFLOW_BINARY
source "$(dirname "${BASH_SOURCE[0]}")/lib_poll.sh" "$@"
N=20
conf MAILBOX=Requests BATCH=7

for i in $(seq 1 $N); do request_mail "$WORK/m$i.eml" "$i"; done
"$MAILENV" deliver "$MAILENV_DIR" "$USER_ADDR" --folder Requests "$WORK"/m*.eml
uv1=$(uidvalidity Requests)
first() {
	local rc; rc=$(poll_rc); cat "$WORK/poll.out"
	[[ $rc == 0 && $(nrequests) == $N && $(count Requests) == 0 && $(count Processed) == $N ]]
}
check "$N mails of mailbox Requests (UIDVALIDITY $uv1) polled: $N requests" first
check "their keys carry that UIDVALIDITY" \
	test "$(sql "SELECT count(*) FROM imap_seen WHERE mailbox = 'Requests' AND uidvalidity = $uv1")" = $N
snapshot=$(sql "SELECT (SELECT count(*) FROM requests), (SELECT count(*) FROM inbound), (SELECT count(*) FROM outbox), (SELECT count(*) FROM events)")

# The mailbox deleted over IMAP and recreated with the same mails (UIDVALIDITY comes from
# the clock: wait a second so that it cannot repeat).
sleep 1.1
imap_py 'assert c.delete(sys.argv[1])[0] == "OK"' Requests
"$MAILENV" deliver "$MAILENV_DIR" "$USER_ADDR" --folder Requests "$WORK"/m*.eml
uv2=$(uidvalidity Requests)
check "Requests recreated with the same $N mails and a new UIDVALIDITY ($uv1 -> $uv2)" \
	test "$uv2" != "$uv1" -a "$(count Requests)" = $N
second() {
	local rc; rc=$(poll_rc); cat "$WORK/poll.out"
	[[ $rc == 0 ]] && grep -q "^poll: 0 recorded (0 requests, 0 too big), $N already recorded" "$WORK/poll.out"
}
check "the next poll records nothing: $N already recorded" second
check "no request, inbound mail, notice or event was added" \
	test "$(sql "SELECT (SELECT count(*) FROM requests), (SELECT count(*) FROM inbound), (SELECT count(*) FROM outbox), (SELECT count(*) FROM events)")" = "$snapshot"
check "the copies were moved: Requests empty, $((2 * N)) in Processed" \
	test "$(count Requests):$(count Processed)" = "0:$((2 * N))"
check "the new keys are recorded too" \
	test "$(sql "SELECT count(*) FROM imap_seen WHERE mailbox = 'Requests' AND uidvalidity = $uv2")" = $N

finish
