#!/usr/bin/env bash
# picflow poll killed with SIGKILL at several moments of a 500-mail backlog, then run to
# the end (issue 3): exactly one request per mail, none lost, none doubled, and every mail
# in the processed mailbox.
#
# Kills land at chosen points when strace is installed (it can send SIGKILL to a process
# as it enters a chosen system call): while an IMAP command is being sent (mid-batch before
# the commit, or the MOVE right after it), as SQLite syncs a commit, while SQLite writes
# one. Then, and always, at several times after the start.
# Usage: test_poll_crash.sh PICFLOW_BINARY
source "$(dirname "${BASH_SOURCE[0]}")/lib_poll.sh" "$@"
N=500
conf BATCH=25

for i in $(seq 1 $N); do request_mail "$WORK/m$i.eml" "$i"; done
"$MAILENV" deliver "$MAILENV_DIR" "$USER_ADDR" "$WORK"/m*.eml
check "$N mails seeded in the INBOX" test "$(count)" = $N

killed=0 kill_runs=0 pending_moves=0
# note_run RC: count the runs that were really killed, and how many mails a kill left
# recorded but not yet moved (requests + mails still in the INBOX - N).
note_run() {
	local left reqs
	kill_runs=$((kill_runs + 1))
	[[ $1 != 137 ]] || killed=$((killed + 1))
	left=$(count) reqs=$(nrequests)
	(( reqs + left - N <= pending_moves )) || pending_moves=$((reqs + left - N))
	echo "     $2: exit $1; $left left in the INBOX, $reqs requests"
}

if command -v strace >/dev/null; then
	# SYSCALL:N = killed on entering the Nth such call of the run. sendmsg carries the
	# TLS records of IMAP commands (about 3 per batch); fdatasync is a commit's sync.
	# -f: the IMAP commands are sent by the reader thread (poll_reader.c), the commits by the other.
	for point in sendmsg:12 fdatasync:2 sendmsg:17 pwrite64:40 sendmsg:25 fdatasync:5 sendmsg:33; do
		sc=${point%%:*} nth=${point#*:}
		rc=0
		strace -f -o /dev/null -e trace="$sc" -e inject="$sc":signal=KILL:when="$nth" \
			"$PICFLOW" -c "$CONF" poll >"$WORK/poll.out" 2>&1 || rc=$?
		note_run "$rc" "killed at $sc #$nth"
	done
else
	echo "skip - strace is not installed: no kill at chosen system calls"
fi
for delay in 0.05 0.15 0.3 0.5 0.8; do
	(( $(count) > 0 )) || break
	rc=0
	"$PICFLOW" -c "$CONF" poll >"$WORK/poll.out" 2>&1 &
	pid=$!
	sleep "$delay"
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" || rc=$?
	note_run "$rc" "SIGKILL after ${delay}s"
done
check "at least 3 runs were really killed ($killed of $kill_runs)" test "$killed" -ge 3
if command -v strace >/dev/null; then
	check "a kill hit between a commit and its move ($pending_moves mails recorded, still in the INBOX)" \
		test "$pending_moves" -gt 0
fi

to_the_end() {
	local rc; rc=$(poll_rc); cat "$WORK/poll.out"
	[[ $rc == 0 ]]
}
check "a last poll runs to the end" to_the_end
exactly_once() {
	pf list --json > "$WORK/list.json"
	python3 - "$WORK/list.json" "$N" <<-'PY'
	import collections, json, sys
	reqs, n = json.load(open(sys.argv[1])), int(sys.argv[2])
	got = collections.Counter(r["agreement_number"] for r in reqs)
	want = {"6%07d" % i for i in range(1, n + 1)}
	lost = sorted(want - set(got))
	doubled = sorted(a for a, k in got.items() if k > 1)
	print("requests: %d, lost: %s, doubled: %s" % (len(reqs), lost[:10], doubled[:10]))
	assert not lost and not doubled and set(got) == want
	PY
}
check "exactly one request per mail: none lost, none doubled" exactly_once
check "one inbound row and one key per mail" \
	test "$(sql 'SELECT count(*), count(DISTINCT message_id) FROM inbound'):$(sql 'SELECT count(*) FROM imap_seen')" = "$N|$N:$N"
check "one confirmation per request" \
	test "$(sql "SELECT count(*), count(DISTINCT request_rid) FROM outbox WHERE template = 'confirmation'")" = "$N|$N"
check "INBOX empty, all $N mails in Processed" test "$(count):$(count Processed)" = "0:$N"
again() { local before; before=$(state); [[ $(poll_rc) == 0 && $(state) == "$before" ]]; }
check "one more poll changes nothing" again

finish
