#!/usr/bin/env bash
# test_watch_poll.sh - `picflow watch` against a Dovecot that does not offer IDLE: it says so
# and polls every [watch] poll_seconds; a mail delivered through Postfix is still answered
# without any run, and SIGTERM exits 0.
export MAILENV_DOVECOT_EXTRA='imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE LITERAL+ UIDPLUS MOVE NAMESPACE'
source "$(dirname "${BASH_SOURCE[0]}")/lib_poll.sh" "$@"

picflow_conf "$CONF" imap,smtp,operator database.path="$DB" watch.poll_seconds=1
within() {
	local i n=$1; shift
	for ((i = 0; i < n * 10; i++)); do "$@" && return 0; sleep 0.1; done
	return 1
}
logged() { grep -q -- "$1" "$WORK/watch.log"; }

"$PICFLOW" -c "$CONF" watch 2>"$WORK/watch.log" &
WPID=$!
check "no IDLE: says it polls every 1 s" within 30 logged 'the IMAP server has no IDLE: polling every 1 s'
request_mail "$WORK/m1.eml" 1
check "mail submitted to Postfix" "$MAILENV" send "$MAILENV_DIR" admin@c1.example "$USER_ADDR" "$WORK/m1.eml"
check "its notice reaches the contact's mailbox" "$MAILENV" wait-delivered "$MAILENV_DIR" admin@c1.example 1 30
check "the mail moved to Processed" test "$(count Processed)" = 1
check "a log line for the cycle" logged 'watch (poll): 1 mails read; requests: 1 accepted'
kill -TERM "$WPID"
rc=0; wait "$WPID" || rc=$?
check "SIGTERM: exit 0" test "$rc" = 0
finish
