#!/usr/bin/env bash
# test_confirm.sh - confirmation by reply (SPEC 6) on the real servers: a contact reads
# the verify notice in his own mailbox over IMAP and replies to it through Postfix; his
# reply confirms, the request goes on. A forged update (From: the contact of record, the
# Edge FQDN moved to the attacker's host) is asked of the contact, who never confirms; a
# vacation reply quoting the code confirms nothing; the update expires and nothing
# changes.
source "$(dirname "${BASH_SOURCE[0]}")/send_lib.sh" "$@"

C=$WORK/picflow.ini
picflow_conf "$C" imap,smtp,operator database.path="$WORK/picflow.sqlite" \
	policy.confirm_contacts=yes
ADMIN=admin@contoso.test
run() { "$PICFLOW" -c "$C" run >"$WORK/run.out" 2>"$WORK/run.err"; }
mbox() { "$MAILENV" count "$MAILENV_DIR" "$1"; }
wait_mbox() { "$MAILENV" wait-delivered "$MAILENV_DIR" "$1" "$2" 30 >/dev/null; }
jq_py() { py "$C" "$@"; }
export PICFLOW_NOW=2026-11-26T09:00:00Z

# --- the request, through Postfix; one run: confirming, a verify notice to the contact
request_mail "$WORK/req.eml" req1@contoso.test 61234567 en contoso.test "$ADMIN"
"$MAILENV" send "$MAILENV_DIR" "$ADMIN" provision@example.test "$WORK/req.eml"
wait_mbox provision@example.test 1
check "run exits 0" run
check "the request is confirming" jq_py <<'PY'
import sys
from sendlib import *
r = requests(sys.argv[1])
assert [x["state"] for x in r] == ["confirming"], r
PY
check "the verify notice reaches the contact's mailbox" wait_mbox "$ADMIN" 1

# --- the contact reads it over IMAP and replies to it through Postfix
check "the verify notice: subject with the code, only validated values" py "$ADMIN" \
	"$WORK/reply.eml" <<'PY'
import re, sys
from sendlib import *
m = fetch(sys.argv[1])[0]
s = m["Subject"]
g = re.search(r"\[PIC-([0-9a-f]{8})\] confirm ([A-Z2-7]{32})\b", s)
assert g, s
assert g.group(2) in m["body"], m["body"]
assert m["Auto-Submitted"] == "auto-replied"
for bad in ("Admin <", "PIC request", "Contact:"):
    assert bad not in m["body"], bad
assert "sip.contoso.test" in m["body"] and "61234567" in m["body"]
quoted = "".join("> " + l + "\n" for l in m["body"].splitlines())
reply = ("From: Admin <%s>\r\nTo: provisioning@example.test\r\nSubject: Re: %s\r\n"
         "Message-ID: <reply1@contoso.test>\r\nIn-Reply-To: %s\r\n"
         "Content-Type: text/plain; charset=UTF-8\r\n\r\nYes, that is our request.\r\n\r\n"
         "On Thu, provisioning wrote:\r\n%s" % (sys.argv[1], s, m["Message-ID"],
         quoted.replace("\n", "\r\n")))
open(sys.argv[2], "w").write(reply)
open(sys.argv[2] + ".token", "w").write(g.group(2))
PY
"$MAILENV" send "$MAILENV_DIR" "$ADMIN" provision@example.test "$WORK/reply.eml"
wait_mbox provision@example.test 1
check "run after the reply exits 0" run
check "...and says the request was accepted" grep -q 'requests: 1 accepted, 0 rejected' "$WORK/run.out"
check "confirmed: pending, the confirmation notice sent, nothing forwarded" jq_py "$ADMIN" <<'PY'
import sys
from sendlib import *
r = requests(sys.argv[1])
assert [x["state"] for x in r] == ["pending"], r
show = json.loads(run(sys.argv[1], "show", r[0]["id"], "--json"))
c = show["confirmations"]
assert len(c) == 1 and c[0]["address"] == sys.argv[2] and c[0]["confirmed_at"], c
o = outbox(sys.argv[1])
assert sorted(x["template"] for x in o) == ["confirmation", "verify"], o
PY
check "the confirmation notice reaches the contact" wait_mbox "$ADMIN" 2
check "the sent verify notice keeps no usable code" py "$WORK/picflow.sqlite" \
	"$(cat "$WORK/reply.eml.token")" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
n = db.execute("SELECT count(*) FROM outbox WHERE instr(message, ?) > 0 OR "
               "instr(subject, ?) > 0", (sys.argv[2], sys.argv[2])).fetchone()[0]
assert n == 0, n
n = db.execute("SELECT count(*) FROM confirmations WHERE instr(token_hash, ?) > 0",
               (sys.argv[2],)).fetchone()[0]
assert n == 0
PY
tag=$(py "$C" <<'PY'
import sys
from sendlib import *
print(requests(sys.argv[1])[0]["tag"])
PY
)
check "provisioned by the operator" "$PICFLOW" -c "$C" provision "$tag"
check "run sends the completion" run
check "the completion notice reaches the contact" wait_mbox "$ADMIN" 3

# --- a forged update: envelope from the attacker, From: the contact of record
{
	printf 'From: Admin <%s>\r\nTo: provisioning@example.test\r\n' "$ADMIN"
	printf 'Subject: update\r\nMessage-ID: <forged1@evil.test>\r\n\r\n'
	printf 'Action: update\r\nAgreement-Type: volume-licensing\r\nAgreement-Number: 61234567\r\n'
	printf 'Deployment: lync-server-2013\r\nEdge-FQDN: sip.attacker.test\r\n'
	printf 'SIP-Domain: contoso.test\r\nContact: %s\r\n' "$ADMIN"
} > "$WORK/forged.eml"
"$MAILENV" send "$MAILENV_DIR" eve@evil.test provision@example.test "$WORK/forged.eml"
wait_mbox provision@example.test 1
check "run after the forged update exits 0" run
check "the forged update is confirming; the agreement stays provisioned" jq_py <<'PY'
import sys
from sendlib import *
st = sorted(x["state"] for x in requests(sys.argv[1]))
assert st == ["confirming", "provisioned"], st
PY
check "the contact of record is asked" wait_mbox "$ADMIN" 4

# --- his vacation responder quotes the code: automatic, it confirms nothing
check "a vacation reply quoting the code" py "$ADMIN" "$WORK/vacation.eml" <<'PY'
import sys
from sendlib import *
m = [x for x in fetch(sys.argv[1]) if " confirm " in (x["Subject"] or "")][-1]
open(sys.argv[2], "w").write(
    "From: %s\r\nTo: provisioning@example.test\r\nSubject: Auto: %s\r\n"
    "Message-ID: <vac1@contoso.test>\r\nAuto-Submitted: auto-replied\r\n\r\n"
    "I am away until Monday.\r\n\r\n> %s\r\n" % (sys.argv[1], m["Subject"],
    m["body"].replace("\n", "\r\n> ")))
PY
"$MAILENV" send "$MAILENV_DIR" "$ADMIN" provision@example.test "$WORK/vacation.eml"
wait_mbox provision@example.test 1
check "run after the vacation reply exits 0" run
check "still confirming, nothing sent to the responder" jq_py "$ADMIN" <<'PY'
import sys
from sendlib import *
st = sorted(x["state"] for x in requests(sys.argv[1]))
assert st == ["confirming", "provisioned"], st
o = [x for x in outbox(sys.argv[1]) if x["to"] == sys.argv[2]]
assert sorted(x["template"] for x in o) == ["completion", "confirmation", "verify",
                                            "verify"], o
PY

# --- eight days later: expired, rejected not-confirmed, nothing else changed
export PICFLOW_NOW=2026-12-04T09:00:00Z
check "run a week later exits 0" run
check "the forged update is rejected not-confirmed; the Edge FQDN unchanged" jq_py "$ADMIN" <<'PY'
import sys
from sendlib import *
r = {x["state"]: x for x in requests(sys.argv[1])}
assert sorted(r) == ["provisioned", "rejected"], r
assert r["rejected"]["reasons"] == [{"code": "not-confirmed", "detail": sys.argv[2]}], r
assert r["provisioned"]["edge_fqdns"] == ["sip.contoso.test"], r["provisioned"]
PY
check "the contact of record is told" wait_mbox "$ADMIN" 5
check "...of the rejection, naming who did not confirm" py "$ADMIN" <<'PY'
import sys
from sendlib import *
m = fetch(sys.argv[1])[-1]
assert "not-confirmed" in m["body"] and sys.argv[1] in m["body"], m["body"]
PY
check "the attacker's envelope address got nothing" test "$(mbox eve@evil.test)" = 0
finish
