#!/usr/bin/env bash
# test_poll_backlog.sh - a poll of a backlog (issue 14): 2,500 mails, enough for the poll to
# run its checkpoint thread beside the recorder (store_ckpt.c, from 2,000 mails on; the
# checkpoints it makes are test_store's): every mail becomes its request and is moved, once,
# with no warning (the thread started and stopped); a second poll finds nothing to do.
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

# --- a backlog: one poll takes it all
backlog "$WORK/b1" 7000001
check "$N mails in the INBOX" test "$(count)" = "$N"
rc=$(poll_rc)
check "poll exits 0" test "$rc" = 0
check "poll: $N recorded, all requests" grep -q "^poll: $N recorded ($N requests" "$WORK/poll.out"
check "every mail a request, once, and moved" all_taken "$N"
check "no warning" test "$(grep -c 'warning' "$WORK/poll.out")" = 0
check "a second poll finds nothing" test "$(poll_rc)" = 0
check "... and changes nothing" all_taken "$N"
finish
