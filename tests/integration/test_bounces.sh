#!/usr/bin/env bash
# test_bounces.sh - bounces and vacation replies from the real servers (SPEC 7): a verify
# notice to a user the harness's Dovecot does not know goes out through its Postfix, which
# accepts it, has it refused by LMTP and returns its own bounce (RFC 3464) to the envelope
# sender, with [smtp] verp = yes the VERP address provision+<notice>@example.test; poll
# fetches it from the provisioning mailbox, the notice is marked bounced, the operator
# gets one alert, show says which contact is unreachable and that the request cannot be
# confirmed. A copy of a verify notice that reaches a user with a Sieve vacation script
# (Pigeonhole) gets Dovecot's real vacation reply, which quotes the code in its subject:
# recorded as a vacation reply, never answered, never a confirmation.
source "$(dirname "${BASH_SOURCE[0]}")/send_lib.sh" "$@"

C=$WORK/picflow.ini
picflow_conf "$C" imap,smtp,operator database.path="$WORK/picflow.sqlite" \
	policy.confirm_contacts=yes smtp.from=provision@example.test smtp.verp=yes
run() { "$PICFLOW" -c "$C" run >"$WORK/run.out" 2>"$WORK/run.err"; }
wait_mbox() { "$MAILENV" wait-delivered "$MAILENV_DIR" "$1" "$2" 30 >/dev/null; }
count() { "$MAILENV" count "$MAILENV_DIR" "$1" "${2:-INBOX}"; }
export PICFLOW_NOW=2026-12-06T09:00:00Z

# --- a request whose contacts must confirm: nobody@ does not exist, away@ is away
request_mail "$WORK/req.eml" req1@contoso.test 61234567 en contoso.test \
	nobody@contoso.test fabrikam.test away@contoso.test
"$MAILENV" send "$MAILENV_DIR" admin@contoso.test provision@example.test "$WORK/req.eml"
wait_mbox provision@example.test 1
check "the first run exits 0 (the request in, two verify notices out)" run
tag=$(py "$C" <<'PY'
import sys
from sendlib import *
r = requests(sys.argv[1])
assert [x["state"] for x in r] == ["confirming"], r
print(r[0]["tag"])
PY
)
check "away@ gets its verify notice, sent with a VERP envelope sender" py "$C" <<'PY'
import sys
from sendlib import *
o = {x["to"]: x for x in outbox(sys.argv[1])}
assert o["nobody@contoso.test"]["state"] == "sent", o
m = fetch("away@contoso.test")
assert len(m) == 1, m
rp = email.message_from_bytes(m[0]["raw"])["Return-Path"]
want = "<provision+%d@example.test>" % o["away@contoso.test"]["id"]
assert rp == want, (rp, want)
PY

# --- Postfix's own bounce of the notice to nobody@ comes back to the VERP address
check "Postfix's bounce reaches the provisioning mailbox" wait_mbox provision@example.test 1
check "its envelope sender was the VERP address" \
	grep -q 'to=<provision+[0-9]*@example.test>.*status=sent' "$MAILENV_DIR/postfix.log"
check "the run after it exits 0" run
check "the notice is bounced, one alert, nothing to the mailer-daemon" py "$C" <<'PY'
import sys
from sendlib import *
o = outbox(sys.argv[1])
v = [x for x in o if x["to"] == "nobody@contoso.test"]
assert len(v) == 1 and v[0]["state"] == "bounced", v
assert "5.1.1" in v[0]["last_reply"], v
alerts = [x for x in o if x["template"] == "alert"]
assert len(alerts) == 1 and "nobody@contoso.test" in dump(sys.argv[1],
    alerts[0]["id"]).decode(), alerts
assert not [x for x in o if "daemon" in x["to"].lower()], o
PY
check "the alert reaches the operator" wait_mbox noc@example.test 1
check "list --robots: one bounce from MAILER-DAEMON" py "$C" <<'PY'
import sys
from sendlib import *
m = json.loads(run(sys.argv[1], "list", "--robots", "--json"))
assert len(m) == 1 and m[0]["robot"] == "bounce", m
assert "mailer-daemon@localhost" in m[0]["from"].lower(), m
assert "bounced" in m[0]["note"] and m[0]["request"], m
PY
"$PICFLOW" -c "$C" show "$tag" >"$WORK/show.out"
check "show names the unreachable contact" \
	grep -q '^Unreachable:    nobody@contoso.test  (verify notice #[0-9]* bounced .*5.1.1' "$WORK/show.out"
check "show says the request cannot be confirmed by that contact" \
	grep -q "^Cannot confirm: \[confirmation-bounced\] The only way for nobody@contoso.test" "$WORK/show.out"
check "show --json: unreachable and confirmation_bounced" py "$C" "$tag" <<'PY'
import sys
from sendlib import *
s = json.loads(run(sys.argv[1], "show", sys.argv[2], "--json"))
assert [u["to"] for u in s["unreachable"]] == ["nobody@contoso.test"], s["unreachable"]
assert s["unreachable"][0]["diagnostic"].find("User doesn't exist") >= 0, s["unreachable"]
assert [c["address"] for c in s["confirmation_bounced"]] == ["nobody@contoso.test"], s
assert s["state"] == "confirming", s
PY

# --- the verify notice, its Auto-Submitted dropped on the way, reaches away@ again:
# Dovecot's Sieve answers with a vacation reply whose subject quotes the code
py "$WORK/copy.eml" <<'PY'
import sys
from sendlib import *
raw = fetch("away@contoso.test")[0]["raw"].decode()
head, body = raw.split("\r\n\r\n", 1)
head = "\r\n".join(l for l in head.split("\r\n") if not l.startswith(("Auto-Submitted:",
    "Return-Path:", "Delivered-To:", "Received:", "\t", " ")))
head = head.replace("Message-ID: <", "Message-ID: <copy-")
open(sys.argv[1], "w").write(head + "\r\n\r\n" + body)
PY
"$MAILENV" send "$MAILENV_DIR" provision@example.test away@contoso.test "$WORK/copy.eml"
check "Dovecot's vacation reply reaches the provisioning mailbox" \
	wait_mbox provision@example.test 1
check "it is a real Sieve vacation reply quoting the code" py <<'PY'
from sendlib import *
m = [x for x in fetch("provision@example.test") if x["Subject"].startswith("Auto: ")]
assert len(m) == 1 and "confirm " in m[0]["Subject"], [x["Subject"] for x in m]
assert m[0]["Auto-Submitted"].startswith("auto-replied"), m[0]["Auto-Submitted"]
PY
notices=$(py "$C" <<'PY'
import sys
from sendlib import *
print(len(outbox(sys.argv[1])))
PY
)
check "the run after it exits 0" run
check "recorded as a vacation reply, no reply, no confirmation" py "$C" "$notices" "$tag" <<'PY'
import sys
from sendlib import *
m = json.loads(run(sys.argv[1], "list", "--robots", "--json"))
assert sorted(x["robot"] for x in m) == ["bounce", "vacation"], m
assert len(outbox(sys.argv[1])) == int(sys.argv[2]), outbox(sys.argv[1])
s = json.loads(run(sys.argv[1], "show", sys.argv[3], "--json"))
assert s["state"] == "confirming", s["state"]
assert not any(c["confirmed_at"] for c in s["confirmations"]), s["confirmations"]
PY
check "the provisioning inbox ends empty" test "$(count provision@example.test)" = 0
finish
