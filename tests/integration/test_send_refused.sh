#!/usr/bin/env bash
# Integration test of `picflow send` with a recipient refused with 5xx (Postfix refuses any
# local part starting with "refuse-"): that notice fails at once, the others of the same
# session are delivered, the operator gets exactly one alert (delivered in the same run);
# an alert that is itself refused fails without raising an alert about it.
# Usage: test_send_refused.sh PICFLOW_BINARY (CTest passes it; MAILENV is set by CTest).
# shellcheck source=send_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/send_lib.sh" "$@"

export PICFLOW_NOW=2026-11-26T10:00:00Z
C=$WORK/p.ini
write_conf "$C"
# Three contacts; the refused one in the middle, so the session must go on after it.
request_mail "$WORK/a.eml" req-a@contoso.test 61234567 en \
	contoso.test admin@contoso.test fabrikam.test refuse-x@fabrikam.test \
	northwind.test ops@northwind.test
pf "$C" ingest "$WORK/a.eml" >/dev/null

rc=0; pf "$C" send >"$WORK/out1" || rc=$?
check "send exits 0: every notice handled (one failed, alerted)" test "$rc" = 0
check "...2 confirmations and the alert sent, 1 failed" grep -qx "send: 3 sent, 0 deferred, 1 failed" "$WORK/out1"
check "the refused notice failed at once, with Postfix's 550" py "$C" <<'PY'
import sys
from sendlib import *
rows = outbox(sys.argv[1])
bad = [r for r in rows if r["to"] == "refuse-x@fabrikam.test"]
assert len(bad) == 1, rows
r = bad[0]
assert r["state"] == "failed" and r["attempts"] == 1 and r["next_attempt_at"] is None, r
assert r["last_reply"].startswith("RCPT TO: 550 5.1.1"), r["last_reply"]
assert "Recipient refused by the mailenv test policy" in r["last_reply"], r["last_reply"]
ok = [r for r in rows if r["template"] == "confirmation" and r["to"] != "refuse-x@fabrikam.test"]
assert sorted(o["to"] for o in ok) == ["admin@contoso.test", "ops@northwind.test"], ok
assert all(o["state"] == "sent" for o in ok), ok
alerts = [r for r in rows if r["template"] == "alert"]
assert len(alerts) == 1 and alerts[0]["state"] == "sent", alerts
assert alerts[0]["to"] == "noc@example.test" and alerts[0]["request_id"] == r["request_id"]
ev = [e for e in events(sys.argv[1]) if e[0] == r["id"]]
assert [(e[2], e[3]) for e in ev] == [("failed", 1)], ev
PY
for u in admin@contoso.test ops@northwind.test noc@example.test; do
	"$MAILENV" wait-delivered "$MAILENV_DIR" "$u" 1 20 >/dev/null 2>&1 || true
done
check "the other contacts got their confirmation, once each" py <<'PY'
from sendlib import *
for u in ("admin@contoso.test", "ops@northwind.test"):
    msgs = fetch(u)
    assert len(msgs) == 1 and "[PIC-" in msgs[0]["Subject"], (u, len(msgs))
PY
check "the refused address received nothing" \
	bash -c "[[ \$('$MAILENV' count '$MAILENV_DIR' refuse-x@fabrikam.test) == 0 ]]"
check "the operator's mailbox holds one alert naming the address and the reply" py "$C" <<'PY'
import sys
from sendlib import *
tag = requests(sys.argv[1])[0]["tag"]
msgs = fetch("noc@example.test")
assert len(msgs) == 1, len(msgs)
m = msgs[0]
assert f"[PIC-{tag}]" in m["Subject"] and "delivery failure" in m["Subject"], m["Subject"]
assert "refuse-x@fabrikam.test" in m["body"] and "550 5.1.1" in m["body"], m["body"]
assert m["Auto-Submitted"] == "auto-replied"
PY
check "a second send raises no second alert and sends nothing" \
	bash -c "'$PICFLOW' -c '$C' send | grep -qx 'send: 0 sent, 0 deferred, 0 failed'"

# --- an alert that is refused too: it fails, and no alert about it is queued
C2=$WORK/q.ini
write_conf "$C2" operator.address=refuse-noc@example.test
request_mail "$WORK/b.eml" req-b@tailspin.test 79876543 en \
	tailspin.test refuse-y@tailspin.test
pf "$C2" ingest "$WORK/b.eml" >/dev/null
rc=0; pf "$C2" send >"$WORK/out2" || rc=$?
check "refused notice, refused alert: exit 0, both failed, nothing sent" \
	bash -c "[[ $rc == 0 ]] && grep -qx 'send: 0 sent, 0 deferred, 2 failed' '$WORK/out2'"
check "exactly one alert exists, failed; no alert about the alert" py "$C2" <<'PY'
import sys
from sendlib import *
rows = outbox(sys.argv[1])
assert [r["template"] for r in rows] == ["confirmation", "alert"], rows
assert all(r["state"] == "failed" for r in rows), rows
assert rows[1]["to"] == "refuse-noc@example.test"
PY
check "...and the log says so" grep -q "operator alert #2 to refuse-noc@example.test could not be delivered" "$WORK/pf.err"

finish
