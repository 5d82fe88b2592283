#!/usr/bin/env bash
# A non-ASCII address (SPEC 7, issue 13) is written to only through an SMTP server that
# offers SMTPUTF8 (RFC 6531). Against a Postfix that does not (smtputf8_enable = no), the
# notice to josé@example.test is not sent: failed at once with a reply that says why, one
# operator alert, and `show` of its request says so; in the same session a quoted local
# part ("john smith"@example.test) is sent, quoted in RCPT TO and To:.
# (test_poll_senders sends to both through a Postfix that offers SMTPUTF8.)
# Usage: test_send_smtputf8.sh PICFLOW_BINARY
[[ -n ${MAILENV_DIR:-} ]] || export MAILENV_POSTFIX_EXTRA='smtputf8_enable = no'
# shellcheck source=send_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/send_lib.sh" "$@"
C=$WORK/p.ini
write_conf "$C"
export PICFLOW_NOW=2026-11-26T10:00:00Z
# a request from José, rejected (a bad agreement type): the rejection goes to him
printf 'From: Jos\xc3\xa9 <jos\xc3\xa9@example.test>\r\nSubject: PIC\r\nMessage-ID: <u1@x>\r\n\r\nAgreement-Type: nonsense\r\nAgreement-Number: 61234567\r\nDeployment: lync-server-2013\r\nEdge-FQDN: sip.contoso.test\r\nSIP-Domain: contoso.test\r\nContact: admin@contoso.test\r\n' > "$WORK/u1.eml"
printf 'From: "john smith"@example.test\r\nSubject: help\r\nMessage-ID: <u2@x>\r\n\r\nhelp\r\n' > "$WORK/u2.eml"
check "both mails recorded, the request rejected" bash -c \
	"'$PICFLOW' -c '$C' ingest '$WORK/u1.eml' '$WORK/u2.eml' | grep -c 'rejected\|help' | grep -qx 2"
offers=$(python3 - "$SMTP_PORT" <<'PY'
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=10)
s.ehlo()
print("yes" if s.has_extn("smtputf8") else "no")
s.quit()
PY
)
check "the Postfix of this test does not offer SMTPUTF8" test "$offers" = no
check "send: the quoted address and the alert sent, the non-ASCII one failed" bash -c \
	"'$PICFLOW' -c '$C' send | grep -qx 'send: 2 sent, 0 deferred, 1 failed'"
check "outbox says why" py "$C" <<'PY'
import sys
from sendlib import *
o = {r["to"]: r for r in outbox(sys.argv[1])}
print({k: v["state"] for k, v in o.items()})
assert o["jos\u00e9@example.test"]["state"] == "failed"
assert o['"john smith"@example.test']["state"] == "sent"
assert sum(r["template"] == "alert" for r in o.values()) == 1
PY
check "the failure's reply names SMTPUTF8" bash -c \
	"sqlite3 '${C%.ini}.sqlite' \"SELECT last_reply FROM outbox WHERE recipient = 'josé@example.test'\" | grep -q 'does not offer SMTPUTF8'"
tag=$(py "$C" <<'PY'
import sys
from sendlib import *
print(requests(sys.argv[1])[0]["tag"])
PY
)
check "show of the request says the rejection was not delivered, and why" bash -c \
	"'$PICFLOW' -c '$C' show '$tag' | grep 'not delivered' | grep -q 'SMTPUTF8'"
check "Postfix took \"john smith\"@example.test, quoted" \
	grep -q 'to=<"john smith"@example.test>' "$MAILENV_DIR/postfix.log"
finish
