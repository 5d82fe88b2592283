#!/usr/bin/env bash
# Issue 13 through the real Dovecot and Postfix: every From form a mail may carry, then a
# flood of 210 such mails followed by one good request, delivered to the provisioning
# mailbox. Each poll exits 0 and empties the INBOX; every mail is recorded, the good
# request too; nothing is written to a sender no reply can go to; the senders that can be
# answered are answered as SMTP wants them: a quoted local part quoted in RCPT TO and To:,
# a non-ASCII one only through a server offering SMTPUTF8 (else `outbox` says why).
# Usage: test_poll_senders.sh PICFLOW_BINARY
source "$(dirname "${BASH_SOURCE[0]}")/lib_poll.sh" "$@"
picflow_conf "$CONF" imap,smtp,operator,policy database.path="$DB" \
	imap.password_file="$PASSWORD_FILE" imap.user="$USER_ADDR"

# The forms: the From field as written (NONE: no From at all; TWO: two From fields;
# CR, NUL: a control byte inside), then whether a reply can go to it.
FORMS=('"john smith"@example.test' '"john"@example.test' 'José <josé@example.test>'
	'admin@[192.0.2.1]' 'undisclosed-recipients:;' '<@relay.example:a@example.test>'
	'a..b@example.test' 'a(comment)@example.test' 'foo' 'a@example.test, b@example.test'
	NONE TWO CR NUL)
# sender_mail FILE N FORM KIND: a request (KIND request) or a help mail from FORM.
sender_mail() {
	local f=$1 n=$2 form=$3 kind=$4 body
	case $form in
	NONE) printf '' ;;
	TWO) printf 'From: a@example.test\r\nFrom: b@example.test\r\n' ;;
	CR) printf 'From: a@example.test\rBcc: victim@example.test\r\n' ;;
	NUL) printf 'From: a@exa\000mple.test\r\n' ;;
	*) printf 'From: %s\r\n' "$form" ;;
	esac > "$f"
	if [[ $kind == request ]]; then
		body=$(printf 'Agreement-Type: volume-licensing\r\nAgreement-Number: 7%07d\r\nDeployment: lync-server-2013\r\nEdge-FQDN: sip.d%s.example\r\nSIP-Domain: d%s.example\r\nContact: admin@d%s.example\r\n' "$n" "$n" "$n" "$n")
	else
		body=$(printf 'help\r\n')
	fi
	printf 'To: %s\r\nSubject: PIC %s %s\r\nMessage-ID: <s-%s-%s@test.example>\r\n\r\n%s\r\n' \
		"$USER_ADDR" "$kind" "$n" "$n" "$$" "$body" >> "$f"
}

# 1. Every form once as a request and once asking for help.
mkdir "$WORK/forms" "$WORK/flood"
n=0
for form in "${FORMS[@]}"; do
	for kind in request help; do
		n=$((n + 1))
		sender_mail "$WORK/forms/$(printf %03d $n).eml" "$n" "$form" "$kind"
	done
done
"$MAILENV" deliver "$MAILENV_DIR" "$USER_ADDR" "$WORK"/forms/*.eml
forms() {
	local rc; rc=$(poll_rc); cat "$WORK/poll.out"
	[[ $rc == 0 && $(count) == 0 && $(count Processed) == $n && $(count Failed) == 0 &&
		$(sql "SELECT count(*) FROM inbound") == $n && $(nrequests) == ${#FORMS[@]} ]]
}
check "every form, as a request and as help: poll exits 0, all $n recorded and moved" forms
reasons() {
	pf list --json | python3 -c '
import json, sys
j = json.load(sys.stdin)
got = sorted(r["sender_problem"] or "-" for r in j)
print(got)
# Dovecot serves a NUL as U+FFFD: that From is not an address (sender-invalid); the
# bare CR it keeps (sender-control)
assert got == sorted(["-"] * 5 + ["sender-address-literal", "sender-group",
    "sender-invalid", "sender-no-at", "sender-several", "sender-missing", "sender-several",
    "sender-control", "sender-invalid"]), got
assert all(r["state"] == "pending" for r in j)'
}
check "every request pending, each unanswerable sender with its reason" reasons
TAG=$(pf list --json | python3 -c 'import json, sys; print([r["tag"] for r in json.load(sys.stdin) if r["sender"] == "foo"][0])')
check "show says why the sender is not answered" \
	grep -q 'Sender:         foo (no reply: \[sender-no-at\]' <(pf show "$TAG")

# 2. The flood: 210 such mails (requests and help, every form in turn), then one good
# request, in one poll of 200-mail windows.
for i in $(seq 1 210); do
	form=${FORMS[$((i % ${#FORMS[@]}))]}
	kind=request; (( i % 2 )) && kind=help
	sender_mail "$WORK/flood/$(printf %03d "$i").eml" "$((1000 + i))" "$form" "$kind"
done
request_mail "$WORK/flood/999-good.eml" 4242
"$MAILENV" deliver "$MAILENV_DIR" "$USER_ADDR" "$WORK"/flood/*.eml
flood() {
	local rc; rc=$(poll_rc); cat "$WORK/poll.out"
	[[ $rc == 0 && $(count) == 0 && $(count Failed) == 0 && $(count Processed) == $((n + 211)) &&
		$(sql "SELECT count(*) FROM inbound") == $((n + 211)) ]]
}
check "the flood and the good request: poll exits 0, the INBOX ends empty, nothing failed" flood
good() {
	pf list --json | python3 -c '
import json, sys
g = [r for r in json.load(sys.stdin) if r["agreement_number"] == "60004242"]
print(g and (g[0]["tag"], g[0]["state"], g[0]["sender"]))
assert len(g) == 1 and g[0]["state"] == "pending" and g[0]["sender"] == "admin@c4242.example"'
}
check "the good request after the flood is recorded, pending" good
again() { local before; before=$(state); [[ $(poll_rc) == 0 && $(state) == "$before" ]]; }
check "one more poll: exit 0, nothing changes" again

# 3. Who was written to: the contacts, and the answerable senders of help mails; never an
# unanswerable one.
recipients() {
	pf outbox --json | python3 -c '
import json, sys
to = [o["to"] for o in json.load(sys.stdin)]
others = sorted(set(t for t in to if not t.startswith("admin@")))
print(others)
assert others == sorted(["\"john smith\"@example.test", "john@example.test",
    "jos\u00e9@example.test", "a@example.test"]), others
assert not any("[" in t or "," in t or ".." in t or "victim" in t or "@" not in t for t in to)'
}
check "notices went only to contacts and to the senders that can be answered" recipients

# 4. Sending through Postfix: the quoted address is taken as such; the non-ASCII one only
# when the server offers SMTPUTF8.
utf8=$(python3 - "$SMTP_PORT" <<'PY'
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=10)
s.ehlo()
print("yes" if s.has_extn("smtputf8") else "no")
s.quit()
PY
)
echo "# the mailenv Postfix offers SMTPUTF8: $utf8"
sent() {
	local rc=0; pf send >"$WORK/send.out" 2>&1 || rc=$?; tail -2 "$WORK/send.out"
	pf outbox --json | python3 -c '
import json, sys
o = {}
for n in json.load(sys.stdin):
    if n["template"] == "help":
        o.setdefault(n["to"], set()).add(n["state"])
print(o)
# (the flood'"'"'s help mails pass the per-sender daily limit: those are suppressed)
assert "sent" in o["\"john smith\"@example.test"] and "sent" in o["john@example.test"]
want = "sent" if sys.argv[1] == "yes" else "failed"
assert want in o["jos\u00e9@example.test"], o' "$utf8"
}
check "send: the quoted address accepted by Postfix; the non-ASCII one as SMTPUTF8 allows" sent
if [[ $utf8 == no ]]; then
	check "outbox says why the non-ASCII address got nothing" \
		sql "SELECT 1 FROM outbox WHERE recipient = 'josé@example.test' AND last_reply LIKE '%SMTPUTF8%'"
fi
finish
