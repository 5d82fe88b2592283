#!/usr/bin/env bash
# picflow poll against a server without MOVE (issue 3): mails leave the mailbox by UID COPY,
# STORE \Deleted and UID EXPUNGE (UIDPLUS), or plain EXPUNGE without UIDPLUS; the processed
# mailbox is created when absent. Dovecot is told to advertise fewer capabilities.
# Usage: test_poll_nomove.sh PICFLOW_BINARY
CAPS_UIDPLUS="IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE UIDPLUS"
CAPS_BARE="IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE"
export MAILENV_DOVECOT_EXTRA="imap_capability = $CAPS_UIDPLUS"
source "$(dirname "${BASH_SOURCE[0]}")/lib_poll.sh" "$@"
conf BATCH=4

caps() { imap_py 'print(c.capability()[1][0].decode())'; }
n=0
deliver() {
	local i files=()
	for i in $(seq 1 "$1"); do
		n=$((n + 1)); request_mail "$WORK/m$n.eml" "$n"; files+=("$WORK/m$n.eml")
	done
	"$MAILENV" deliver "$MAILENV_DIR" "$USER_ADDR" "${files[@]}"
}
# caps_are [+CAP|-CAP]...: the capabilities after login have (+) or lack (-) each CAP.
caps_are() {
	local caps a; caps=" $(caps) "; echo "capabilities:$caps"
	for a in "$@"; do
		case $a in
		+*) [[ $caps == *" ${a#+} "* ]] || return 1 ;;
		-*) [[ $caps != *" ${a#-} "* ]] || return 1 ;;
		esac
	done
}
# polled N: a poll records the N waiting mails and moves them; nothing is left flagged.
polled() {
	local want=$1 total rc
	total=$(( $(nrequests) + want ))
	rc=$(poll_rc); cat "$WORK/poll.out"
	[[ $rc == 0 && $(nrequests) == "$total" && $(count) == 0 && $(count Processed) == "$total" ]] &&
		! ls "$MAILENV_DIR/mail/example.test/provision/cur" | grep -q ',[^,]*T[^,]*$'
}

check "Dovecot advertises UIDPLUS but not MOVE" caps_are +UIDPLUS -MOVE
check "no Processed mailbox yet" test ! -d "$MAILENV_DIR/mail/example.test/provision/.Processed"
deliver 10
check "COPY + STORE + UID EXPUNGE: 10 mails recorded and moved to the created Processed" polled 10

# Without UIDPLUS: plain EXPUNGE.
"$MAILENV" stop-dovecot "$MAILENV_DIR"
sed -i "s/^imap_capability = .*/imap_capability = $CAPS_BARE/" "$MAILENV_DIR/dovecot.conf"
"$MAILENV" start-dovecot "$MAILENV_DIR"
check "Dovecot restarted with neither MOVE nor UIDPLUS" caps_are -UIDPLUS -MOVE
deliver 10
check "COPY + STORE + EXPUNGE: 10 more mails recorded and moved" polled 10

finish
