#!/usr/bin/env bash
# test_poll_backlog.sh - a poll of a backlog (issue 14): 2,500 mails, enough for the poll to
# run its checkpoint thread beside the recorder (store_ckpt.c, from 2,000 mails on; the
# checkpoints it makes are test_store's) and move the mails over a second IMAP session
# (poll_mover.c, from 2,000 mails on): every mail becomes its request and is moved, once,
# with no warning (the threads started and stopped); a second poll finds nothing to do, on
# one session.
# Usage: test_poll_backlog.sh PICFLOW_BINARY
source "$(dirname "${BASH_SOURCE[0]}")/lib_poll.sh" "$@"
N=2500
conf

# backlog DIR START: N request mails from START, delivered into the INBOX.
backlog() {
	python3 "$SOURCE_DIR/bench/genmail.py" "$1" "$N" "$2" >/dev/null &&
		find "$1" -name '*.eml' -print0 | sort -z |
		xargs -0 "$MAILENV" deliver "$MAILENV_DIR" "$USER_ADDR"
}
# all_taken WANT: WANT requests, none twice, all moved.
all_taken() {
	[[ $(count) == 0 && $(count Processed) == "$1" &&
		$(sql "SELECT count(*), count(DISTINCT inbound_id) FROM requests") == "$1|$1" &&
		$(sql "SELECT count(*) FROM inbound WHERE outcome = 'request'") == "$1" ]]
}

# sessions_after FROM WANT: the provisioning user's IMAP sessions that Dovecot logged as
# ended since FROM lines of its log, once there are WANT of them (Dovecot writes the line
# as the session closes, maybe after picflow exited; at most 5 s).
log_lines() { wc -l < "$MAILENV_DIR/dovecot.log"; }
sessions_after() {
	local n i
	for ((i = 0; i < 50; i++)); do
		n=$(tail -n +"$(($1 + 1))" "$MAILENV_DIR/dovecot.log" |
			grep -c "imap($USER_ADDR).*Disconnected: Logged out") || true
		((n >= $2)) && break
		sleep 0.1
	done
	echo "$n"
}

# --- a backlog: one poll takes it all
l0=$(log_lines)
backlog "$WORK/b1" 7000001
check "$N mails in the INBOX" test "$(count)" = "$N"
rc=$(poll_rc)
check "poll exits 0" test "$rc" = 0
check "poll: $N recorded, all requests" grep -q "^poll: $N recorded ($N requests" "$WORK/poll.out"
check "every mail a request, once, and moved" all_taken "$N"
check "no warning" test "$(grep -c 'warning' "$WORK/poll.out")" = 0
check "two IMAP sessions: the reader's and the mover's" test "$(sessions_after "$l0" 2)" = 2
l1=$(log_lines)
check "a second poll finds nothing" test "$(poll_rc)" = 0
check "... on one IMAP session: nothing to move" test "$(sessions_after "$l1" 1)" = 1
check "... and changes nothing" all_taken "$N"
finish
