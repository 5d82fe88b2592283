#!/usr/bin/env bash
# Integration test of `picflow send` when the SMTP server is down: the notices stay queued
# with a growing next attempt (5 min, 30 min, ...), nothing is lost and nothing is sent
# twice once Postfix is back; a notice older than [smtp] max_age_days fails and the
# operator gets one alert per failed notice, itself delivered when the server is back.
# Usage: test_send_outage.sh PICFLOW_BINARY (CTest passes it; MAILENV is set by CTest).
# shellcheck source=send_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/send_lib.sh" "$@"

C=$WORK/p.ini
write_conf "$C" smtp.timeout=5
request_mail "$WORK/a.eml" req-a@contoso.test 61234567 en \
	contoso.test admin@contoso.test fabrikam.test it@fabrikam.test
request_mail "$WORK/b.eml" req-b@tailspin.test 79876543 en \
	tailspin.test marie@tailspin.test wingtip.test jean@wingtip.test
export PICFLOW_NOW=2026-11-26T10:00:00Z
pf "$C" ingest "$WORK/a.eml" >/dev/null

# rows_state STATE ATTEMPTS NEXT [REPLY_RE]: every outbox row has this state, attempt
# count and next attempt (NEXT "-" for none), and a last reply matching REPLY_RE.
rows_state() {
	py "$C" "$@" <<'PY'
import re, sys
from sendlib import *
conf, state, attempts, nxt = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
reply_re = sys.argv[5] if len(sys.argv) > 5 else None
rows = outbox(conf)
assert rows, "empty outbox"
for r in rows:
    assert r["state"] == state, r
    assert r["attempts"] == attempts, r
    assert r["next_attempt_at"] == (None if nxt == "-" else nxt), r
    if reply_re:
        assert re.search(reply_re, r["last_reply"] or ""), r["last_reply"]
PY
}

"$MAILENV" stop-postfix "$MAILENV_DIR"
rc=0; pf "$C" send >"$WORK/out1" || rc=$?
check "Postfix stopped: send exits 69 (server unavailable)" test "$rc" = 69
check "...says why on stderr" grep -q "cannot connect to SMTP server 127.0.0.1 port $SMTP_PORT: Connection refused" "$WORK/pf.err"
check "...and counts both notices deferred" grep -qx "send: 0 sent, 2 deferred, 0 failed" "$WORK/out1"
check "both notices still queued, attempt 1, next attempt in 5 minutes" \
	rows_state queued 1 2026-11-26T10:05:00Z "Connection refused"

export PICFLOW_NOW=2026-11-26T10:03:00Z
check "before the next attempt: nothing due, no connection tried (exit 0)" \
	bash -c "'$PICFLOW' -c '$C' send 2>&1 | grep -qx 'send: 0 sent, 0 deferred, 0 failed'"
export PICFLOW_NOW=2026-11-26T10:06:00Z
rc=0; pf "$C" send >/dev/null || rc=$?
check "second failed attempt: exit 69 again" test "$rc" = 69
check "...next attempt 30 minutes later" rows_state queued 2 2026-11-26T10:36:00Z
check "each attempt is in the delivery log (2 per notice, deferred)" py "$C" <<'PY'
import sys
from sendlib import *
ev = events(sys.argv[1])
assert [(e[2], e[3]) for e in ev] == [("deferred", 1)] * 2 + [("deferred", 2)] * 2, ev
PY

"$MAILENV" start-postfix "$MAILENV_DIR"
export PICFLOW_NOW=2026-11-26T10:40:00Z
mark=$(postfix_log_lines)
check "Postfix back, clock past the next attempt: both sent (exit 0)" \
	bash -c "'$PICFLOW' -c '$C' send | grep -qx 'send: 2 sent, 0 deferred, 0 failed'"
check "outbox: sent at the third attempt, no next attempt" rows_state sent 3 - "^250 "
check "a further send sends nothing again" \
	bash -c "'$PICFLOW' -c '$C' send | grep -qx 'send: 0 sent, 0 deferred, 0 failed'"
for u in admin@contoso.test it@fabrikam.test; do
	"$MAILENV" wait-delivered "$MAILENV_DIR" "$u" 1 20 >/dev/null 2>&1 || true
done
sleep 1	# anything delivered twice would be there by now
check "each contact's mailbox holds exactly one confirmation" py <<'PY'
from sendlib import *
for u in ("admin@contoso.test", "it@fabrikam.test"):
    n = len(fetch(u))
    assert n == 1, f"{u}: {n} messages"
PY
check "Postfix accepted exactly two messages" \
	bash -c "[[ \$(tail -n +$((mark + 1)) '$MAILENV_DIR/postfix.log' | grep -c 'status=sent') == 2 ]]"

# --- maximum age: a notice still undeliverable after max_age_days fails, with one alert each
PICFLOW_NOW=2026-11-26T11:00:00Z pf "$C" ingest "$WORK/b.eml" >/dev/null
"$MAILENV" stop-postfix "$MAILENV_DIR"
export PICFLOW_NOW=2026-12-01T10:58:00Z	# 2 minutes short of 5 days
rc=0; pf "$C" send >"$WORK/out2" || rc=$?
check "almost 5 days old: deferred, the next attempt is the maximum age itself" py "$C" "$rc" <<'PY'
import sys
from sendlib import *
assert sys.argv[2] == "69", sys.argv[2]
rows = [r for r in outbox(sys.argv[1]) if r["to"] in ("marie@tailspin.test", "jean@wingtip.test")]
assert len(rows) == 2
for r in rows:
    assert r["state"] == "queued" and r["attempts"] == 1, r
    assert r["next_attempt_at"] == "2026-12-01T11:00:00Z", r
PY
export PICFLOW_NOW=2026-12-01T11:00:00Z
rc=0; pf "$C" send >"$WORK/out3" || rc=$?
check "5 days old: failed for good; one alert queued per failed notice" py "$C" "$rc" <<'PY'
import sys
from sendlib import *
assert sys.argv[2] == "69", sys.argv[2]
rows = outbox(sys.argv[1])
failed = [r for r in rows if r["state"] == "failed"]
assert sorted(r["to"] for r in failed) == ["jean@wingtip.test", "marie@tailspin.test"], rows
for r in failed:
    assert r["attempts"] == 2 and r["next_attempt_at"] is None, r
    assert r["last_reply"].startswith("gave up after 2 attempts in 5 days; last: cannot connect"), r["last_reply"]
alerts = [r for r in rows if r["template"] == "alert"]
assert len(alerts) == 2, alerts
for a in alerts:
    # Due at once, so tried in the same run: deferred like everything else.
    assert a["to"] == "noc@example.test" and a["state"] == "queued", a
    assert a["request_id"] == failed[0]["request_id"] and a["attempts"] == 1, a
PY
check "...reported by send: 2 failed, the 2 alerts deferred" grep -qx "send: 0 sent, 2 deferred, 2 failed" "$WORK/out3"

"$MAILENV" start-postfix "$MAILENV_DIR"
export PICFLOW_NOW=2026-12-01T11:06:00Z
check "Postfix back: the two alerts go out, nothing else" \
	bash -c "'$PICFLOW' -c '$C' send | grep -qx 'send: 2 sent, 0 deferred, 0 failed'"
"$MAILENV" wait-delivered "$MAILENV_DIR" noc@example.test 2 20 >/dev/null 2>&1 || true
check "the operator's mailbox holds the two delivery-failure alerts" py <<'PY'
from sendlib import *
msgs = fetch("noc@example.test")
assert len(msgs) == 2, len(msgs)
tos = set()
for m in msgs:
    assert "delivery failure" in m["Subject"], m["Subject"]
    assert "gave up after 2 attempts" in m["body"], m["body"]
    tos.update(u for u in ("marie@tailspin.test", "jean@wingtip.test") if u in m["body"])
assert tos == {"marie@tailspin.test", "jean@wingtip.test"}, tos
PY
check "the failed notices were never delivered" \
	bash -c "[[ \$('$MAILENV' count '$MAILENV_DIR' marie@tailspin.test) == 0 && \$('$MAILENV' count '$MAILENV_DIR' jean@wingtip.test) == 0 ]]"

finish
