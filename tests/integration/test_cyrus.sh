#!/usr/bin/env bash
# picflow against Cyrus IMAP 3.6 with its traditional namespace (issue 16): a user's
# mailboxes are INBOX.Name there and a top-level CREATE is refused, so the configured
# "Processed" and "Failed" are placed by the server's NAMESPACE (RFC 2342) and delimiter:
# check-config reports the namespace and both mailboxes (created as INBOX.Processed and
# INBOX.Failed), a mailbox that cannot be created is an error naming the key and the
# server's reason (exit 78); poll moves requests to INBOX.Processed and a mail that failed
# 3 runs to INBOX.Failed; a name written with the prefix is kept as written. Then a Cyrus
# with altnamespace (Processed at the top) and one with unixhierarchysep (INBOX/Processed).
# Usage: test_cyrus.sh PICFLOW_BINARY
source "$(dirname "${BASH_SOURCE[0]}")/lib_cyrus.sh" "$@"

cc_rc() { local rc=0; pf check-config >"$WORK/cc.out" 2>&1 || rc=$?; cat "$WORK/cc.out"; echo "exit $rc"; }

# --- a mailbox the user may not create: check-config says which and why, exit 78
cyrus_conf imap.failed_mailbox=user.somebody.Failed
refused() {
	local out; out=$(cc_rc); echo "$out"
	grep -q '^exit 78$' <<<"$out" &&
	grep -qE '^error +failed +\[imap\] failed_mailbox = user.somebody.Failed: .*cannot create mailbox user.somebody.Failed: .*Permission denied' <<<"$out" &&
	grep -qE '^ok +processed +INBOX.Processed created \(configured as Processed\)' <<<"$out"
}
check "check-config: a failed_mailbox Cyrus refuses is an error with its reason, exit 78" refused

# --- the defaults
cyrus_conf
defaults_ok() {
	local out; out=$(cc_rc); echo "$out"
	grep -q '^exit 0$' <<<"$out" &&
	grep -qE '^ok +imap +login and mailbox INBOX ok; personal namespace "INBOX\.", delimiter "\."' <<<"$out" &&
	grep -qE '^ok +processed +INBOX.Processed exists \(configured as Processed\)' <<<"$out" &&
	grep -qE '^ok +failed +INBOX.Failed created \(configured as Failed\)' <<<"$out"
}
check "check-config: namespace INBOX. and '.', both mailboxes placed under INBOX., exit 0" defaults_ok

pf list >/dev/null	# creates the database
sql "CREATE TRIGGER poison BEFORE INSERT ON inbound WHEN NEW.subject LIKE 'poison%'
	BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
request_mail "$WORK/r1.eml" 1
request_mail "$WORK/r2.eml" 2
request_mail "$WORK/p3.eml" 3
sed -i 's/^Subject: .*/Subject: poison 3\r/' "$WORK/p3.eml"
cdeliver "$WORK/r1.eml" "$WORK/r2.eml" "$WORK/p3.eml"

poll1() {
	local rc; rc=$(poll_rc); cat "$WORK/poll.out"
	[[ $rc == 0 ]] && grep -q '^poll: 2 recorded (2 requests' "$WORK/poll.out" &&
		[[ $(ccount):$(ccount INBOX.Processed) == 1:2 ]]
}
check "poll exits 0: 2 requests moved to INBOX.Processed, the failing mail stays" poll1
check "both requests are pending" test "$(sql "SELECT group_concat(state) FROM requests")" = pending,pending

poll_more() {
	local rc; rc=$(poll_rc); cat "$WORK/poll.out"; [[ $rc == 0 ]]
}
failed_box() {
	poll_more && poll_more && [[ $(ccount):$(ccount INBOX.Failed) == 0:1 ]]
}
check "after 3 failed runs the mail is in INBOX.Failed" failed_box

# --- a name written with the personal prefix is kept as written
cyrus_conf imap.processed_mailbox=INBOX.Processed
request_mail "$WORK/r4.eml" 4
cdeliver "$WORK/r4.eml"
kept() {
	local rc; rc=$(poll_rc); cat "$WORK/poll.out"
	"$CYRUSENV" list "$CYRUS_DIR" "$USER_ADDR" > "$WORK/boxes"; cat "$WORK/boxes"
	[[ $rc == 0 && $(ccount INBOX.Processed) == 3 ]] && ! grep -q 'INBOX.INBOX' "$WORK/boxes"
}
check "processed_mailbox = INBOX.Processed is kept (no INBOX.INBOX.Processed)" kept

# --- other layouts: altnamespace (personal mailboxes at the top), unixhierarchysep ("/")
other_cyrus() {
	local alt=$1 sep=$2 box=$3 dir
	dir=$(CYRUSENV_ALTNAMESPACE=$alt CYRUSENV_UNIXHIERARCHYSEP=$sep "$CYRUSENV" start) || return 1
	(
		source "$dir/env"
		cyrus_conf database.path="$WORK/$alt-$sep.db"
		out=$(cc_rc); echo "$out"
		request_mail "$WORK/o.eml" 9
		"$CYRUSENV" deliver "$dir" "$USER_ADDR" "$WORK/o.eml"
		rc=$(poll_rc); cat "$WORK/poll.out"
		grep -q '^exit 0$' <<<"$out" && grep -qE "^ok +processed +$box (created|exists)" <<<"$out" &&
			[[ $rc == 0 && $("$CYRUSENV" count "$dir" "$USER_ADDR" "$box") == 1 ]]
	)
	local rc=$?
	"$CYRUSENV" stop "$dir" >/dev/null 2>&1 || true
	return $rc
}
check "altnamespace = yes: Processed at the top level" other_cyrus yes no Processed
check "unixhierarchysep = yes: INBOX/Processed" other_cyrus no yes INBOX/Processed

finish
