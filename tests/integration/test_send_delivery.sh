#!/usr/bin/env bash
# Integration test of `picflow send` against the real Postfix -> LMTP -> Dovecot of
# tests/mailenv: confirmations in English and in French reach each SIP domain contact's
# mailbox exactly once with the headers of SPEC 4 and the right decoded text; after
# `provision`, one completion each; all of it over one STARTTLS session per run, recorded
# as sent with the server's reply. Also runs one send under valgrind when it is installed.
# Usage: test_send_delivery.sh PICFLOW_BINARY (CTest passes it; MAILENV is set by CTest).
# shellcheck source=send_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/send_lib.sh" "$@"

export PICFLOW_NOW=2026-11-26T10:00:00Z
C=$WORK/p.ini
write_conf "$C" smtp.helo=picflow.example.test
request_mail "$WORK/en.eml" req-en@contoso.test 61234567 en \
	contoso.test admin@contoso.test fabrikam.test it@fabrikam.test
request_mail "$WORK/fr.eml" req-fr@tailspin.test 79876543 fr \
	tailspin.test marie@tailspin.test wingtip.test jean@wingtip.test

check "ingest an English and a French two-domain request" \
	bash -c "'$PICFLOW' -c '$C' ingest '$WORK/en.eml' '$WORK/fr.eml' | grep -c pending | grep -qx 2"
mark=$(postfix_log_lines)
check "send delivers the four confirmations (exit 0)" \
	bash -c "'$PICFLOW' -c '$C' send | grep -qx 'send: 4 sent, 0 deferred, 0 failed'"
for u in admin@contoso.test it@fabrikam.test marie@tailspin.test jean@wingtip.test; do
	"$MAILENV" wait-delivered "$MAILENV_DIR" "$u" 1 20 >/dev/null 2>&1 || true
done
postfix_sessions_since "$mark" > "$WORK/sessions"
check "one SMTP session for the four, STARTTLS, RSET between messages" bash -c "
	[[ \$(wc -l < '$WORK/sessions') == 1 ]] &&
	grep -q 'ehlo=2 starttls=1 mail=4 rcpt=4 data=4 rset=3 quit=1' '$WORK/sessions'"

# notice_checks LANG TEMPLATE N_EXPECTED USERS...: each mailbox holds N messages, exactly
# one of TEMPLATE's, identical to the outbox's text and with every SPEC 4 header.
notice_checks() {
	py "$C" "$@" <<'PY'
import re, sys, email.utils
from sendlib import *
conf, lang, template, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
reqs = {r["id"]: r for r in requests(conf)}
box = outbox(conf)
for user in sys.argv[5:]:
    msgs = fetch(user)
    assert len(msgs) == n, f"{user}: {len(msgs)} messages, expected {n}"
    rows = [o for o in box if o["to"] == user and o["template"] == template]
    assert len(rows) == 1, f"{user}: {len(rows)} {template} rows"
    row = rows[0]
    assert row["state"] == "sent" and row["attempts"] == 1, row
    assert row["last_reply"].startswith("250 "), row
    req = reqs[row["request_id"]]
    want = parse(dump(conf, row["id"]))
    got = [m for m in msgs if m["Message-ID"] == want["Message-ID"]]
    assert len(got) == 1, f"{user}: {template} {want['Message-ID']} found {len(got)} times"
    m = got[0]
    assert m["From"] == "provisioning@example.test", m["From"]
    assert m["To"] == user, m["To"]
    assert f"[PIC-{req['tag']}]" in m["Subject"], m["Subject"]
    assert m["Subject"] == row["subject"], (m["Subject"], row["subject"])
    assert re.fullmatch(r"<[^<>@\s]+@example\.test>", m["Message-ID"]), m["Message-ID"]
    assert email.utils.parsedate_to_datetime(m["Date"]) is not None
    mid = "<req-en@contoso.test>" if lang == "en" else "<req-fr@tailspin.test>"
    assert m["In-Reply-To"] == mid, m["In-Reply-To"]
    assert mid in m["References"].split(), m["References"]
    assert m["Auto-Submitted"] == "auto-replied", m["Auto-Submitted"]
    assert m["Content-Type"].startswith("text/plain") and m["charset"].lower() == "utf-8", m["Content-Type"]
    assert m["Content-Transfer-Encoding"] == "quoted-printable"
    assert m["Content-Language"] == lang, m["Content-Language"]
    # The decoded text is the one queued, byte for byte, and in the right language.
    # (Maildir stores LF line ends, the outbox CRLF.)
    assert m["body"].replace("\r\n", "\n") == want["body"].replace("\r\n", "\n"), \
        f"{user}: body differs from the outbox"
    # Not one byte more: the message ends where the outbox's ends.
    assert m["raw"].replace(b"\r\n", b"\n").endswith(
        dump(conf, row["id"]).replace(b"\r\n", b"\n").split(b"\n\n", 1)[1]), \
        f"{user}: the delivered text does not end as queued"
    assert req["agreement_number"] in m["body"] and f"PIC-{req['tag']}" in m["body"]
    if lang == "en":
        assert m["body"].lstrip().startswith("Hello"), m["body"][:80]
    else:
        assert m["body"].lstrip().startswith("Bonjour"), m["body"][:80]
        assert any(ch in m["body"] for ch in "éèàç’"), "French text without accents"
        assert "=C3" not in m["body"], "quoted-printable left undecoded"
PY
}
check "English confirmations: one each, headers and text right" \
	notice_checks en confirmation 1 admin@contoso.test it@fabrikam.test
check "French confirmations: one each, headers and text right" \
	notice_checks fr confirmation 1 marie@tailspin.test jean@wingtip.test
check "each acceptance recorded as a 'sent' event with the queue id" py "$C" <<'PY'
import sys
from sendlib import *
ev = events(sys.argv[1])
assert len(ev) == 4, ev
for oid, at, event, attempt, reply in ev:
    assert event == "sent" and attempt == 1 and at == "2026-11-26T10:00:00Z", ev
    assert reply.startswith("250 2.0.0 Ok: queued as "), reply
PY
check "a second send has nothing to do and sends nothing" bash -c "
	'$PICFLOW' -c '$C' send | grep -qx 'send: 0 sent, 0 deferred, 0 failed' &&
	[[ \$(tail -n +$((mark + 1)) '$MAILENV_DIR/postfix.log' | grep -c 'disconnect from') == 1 ]]"

# --- provision both: one completion each
export PICFLOW_NOW=2026-11-27T10:00:00Z
tags=$(py "$C" <<'PY'
import sys
from sendlib import *
print(" ".join(r["tag"] for r in requests(sys.argv[1])))
PY
)
for t in $tags; do pf "$C" provision "$t" >/dev/null; done
# (Valgrind cannot run a sanitizer build: -DPICFLOW_SANITIZE=ON checks that one itself.)
if command -v valgrind >/dev/null 2>&1 && ! ldd "$PICFLOW" | grep -q libasan; then
	check "send under valgrind: four completions, no leak, no error" bash -c "
		valgrind -q --trace-children=yes --leak-check=full --show-leak-kinds=definite,indirect \
			--errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
			'$PICFLOW' -c '$C' send > '$WORK/vg.out' 2> '$WORK/vg.err' || { cat '$WORK/vg.err'; exit 1; }
		grep -qx 'send: 4 sent, 0 deferred, 0 failed' '$WORK/vg.out'"
else
	check "send delivers the four completions" bash -c \
		"'$PICFLOW' -c '$C' send | grep -qx 'send: 4 sent, 0 deferred, 0 failed'"
fi
for u in admin@contoso.test it@fabrikam.test marie@tailspin.test jean@wingtip.test; do
	"$MAILENV" wait-delivered "$MAILENV_DIR" "$u" 2 20 >/dev/null 2>&1 || true
done
check "English completions: one each, headers and text right" \
	notice_checks en completion 2 admin@contoso.test it@fabrikam.test
check "French completions: one each, headers and text right" \
	notice_checks fr completion 2 marie@tailspin.test jean@wingtip.test
check "the confirmations are still there, once" \
	notice_checks en confirmation 2 admin@contoso.test it@fabrikam.test
check "nothing reached anyone else (no alert to the operator)" \
	bash -c "[[ \$('$MAILENV' count '$MAILENV_DIR' noc@example.test) == 0 ]]"

finish
