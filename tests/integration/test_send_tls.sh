#!/usr/bin/env bash
# Integration test of `picflow send` TLS and AUTH against a Postfix that offers AUTH
# (Dovecot SASL, after STARTTLS only): with the right CA, picflow authenticates and
# delivers; with the wrong CA (OTHER_CA_FILE) it stops right after the handshake with a
# clear error, exit 69, every notice still queued, and no AUTH ever reaches the server;
# a wrong password is refused and keeps the notices; fixed, they go out.
# Usage: test_send_tls.sh PICFLOW_BINARY (CTest passes it; MAILENV is set by CTest).
if [[ -z ${MAILENV_DIR:-} ]]; then
	# Postfix's SASL through Dovecot's auth socket, placed in Postfix's private/ folder
	# (Dovecot's base_dir is DIR/dovecot-run; Postfix's queue is DIR/postfix-queue).
	export MAILENV_DOVECOT_EXTRA='service auth {
  unix_listener ../postfix-queue/private/auth {
    mode = 0660
    user = postfix
    group = postfix
  }
}'
	export MAILENV_POSTFIX_EXTRA='smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = private/auth
smtpd_tls_auth_only = yes'
fi
# shellcheck source=send_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/send_lib.sh" "$@"

USER=provision@example.test
cp "$MAIL_PASSWORD_FILE" "$WORK/password"; chmod 600 "$WORK/password"
printf 'wrong\n' > "$WORK/bad-password"; chmod 600 "$WORK/bad-password"
C=$WORK/p.ini
write_conf "$C" smtp.user=$USER smtp.password_file=$WORK/password
request_mail "$WORK/a.eml" req-a@contoso.test 61234567 en \
	contoso.test admin@contoso.test fabrikam.test it@fabrikam.test
export PICFLOW_NOW=2026-11-26T10:00:00Z
pf "$C" ingest "$WORK/a.eml" >/dev/null

# The summary line Postfix writes for each session ("disconnect from ... ehlo=2 ...").
sessions_since() { postfix_sessions_since "$1"; }
# Dovecot's auth log lines for our user (auth_verbose=yes logs every attempt).
auth_lines() { grep -c "$USER" "$MAILENV_DIR/dovecot.log" || true; }

# --- right CA: STARTTLS, verified, AUTH PLAIN, delivered
mark=$(postfix_log_lines)
check "right CA and password: both confirmations sent" \
	bash -c "'$PICFLOW' -c '$C' send | grep -qx 'send: 2 sent, 0 deferred, 0 failed'"
sessions_since "$mark" > "$WORK/sessions"
check "...in one session that authenticated after STARTTLS" bash -c \
	"[[ \$(wc -l < '$WORK/sessions') == 1 ]] && grep -q 'ehlo=2 starttls=1 auth=1 mail=2 rcpt=2 data=2' '$WORK/sessions'"
postfix_log_since "$mark" > "$WORK/log"
check "...as $USER with AUTH PLAIN (Postfix's log)" \
	grep -q "sasl_method=PLAIN, sasl_username=$USER" "$WORK/log"

# --- wrong CA: refused after the handshake, before any credential
tag=$(py "$C" <<'PY'
import sys
from sendlib import *
print(requests(sys.argv[1])[0]["tag"])
PY
)
export PICFLOW_NOW=2026-11-27T10:00:00Z
pf "$C" provision "$tag" >/dev/null
write_conf "$C" smtp.user=$USER smtp.password_file=$WORK/password smtp.ca_file=$OTHER_CA_FILE
mark=$(postfix_log_lines)
auth_before=$(auth_lines)
rc=0; pf "$C" send >"$WORK/out" || rc=$?
check "wrong CA: send exits 69" test "$rc" = 69
check "...with a clear error naming the server, the reason and the CA file" grep -q \
	"TLS certificate of SMTP server 127.0.0.1 port $SMTP_PORT not trusted: certificate signed by an unknown authority (trusted CAs: $OTHER_CA_FILE); nothing was sent" \
	"$WORK/pf.err"
sessions_since "$mark" > "$WORK/sessions"
postfix_log_since "$mark" > "$WORK/log"
check "...no AUTH reached Postfix: its one session ended after STARTTLS" bash -c \
	"cat '$WORK/sessions'; [[ \$(wc -l < '$WORK/sessions') == 1 ]] && grep -q 'ehlo=1 starttls=1 commands=2\$' '$WORK/sessions'"
check "...no SASL exchange at all in Postfix's log" bash -c "! grep -qi sasl '$WORK/log'"
check "...and no authentication attempt in Dovecot's log" test "$(auth_lines)" = "$auth_before"
check "...both completions still queued, with a next attempt" py "$C" <<'PY'
import sys
from sendlib import *
rows = [r for r in outbox(sys.argv[1]) if r["template"] == "completion"]
assert len(rows) == 2, rows
for r in rows:
    assert r["state"] == "queued" and r["attempts"] == 1, r
    assert r["next_attempt_at"] == "2026-11-27T10:05:00Z", r
    assert "not trusted" in r["last_reply"], r
PY

# --- right CA, wrong password: refused, still queued
write_conf "$C" smtp.user=$USER smtp.password_file=$WORK/bad-password
export PICFLOW_NOW=2026-11-27T10:10:00Z
rc=0; pf "$C" send >"$WORK/out" || rc=$?
check "wrong password: exit 69, 'refused the login' with Postfix's 535" \
	bash -c "[[ $rc == 69 ]] && grep -q 'refused the login of $USER: AUTH: 535' '$WORK/pf.err'"
check "...an attempt Dovecot's log does show (so its silence above means something)" \
	test "$(auth_lines)" -gt "$auth_before"
check "...the completions are still queued (attempt 2)" py "$C" <<'PY'
import sys
from sendlib import *
rows = [r for r in outbox(sys.argv[1]) if r["template"] == "completion"]
assert all(r["state"] == "queued" and r["attempts"] == 2 for r in rows), rows
PY

# --- fixed: delivered at the next attempt, exactly once
write_conf "$C" smtp.user=$USER smtp.password_file=$WORK/password
export PICFLOW_NOW=2026-11-27T11:00:00Z
check "configuration fixed: both completions sent" \
	bash -c "'$PICFLOW' -c '$C' send | grep -qx 'send: 2 sent, 0 deferred, 0 failed'"
for u in admin@contoso.test it@fabrikam.test; do
	"$MAILENV" wait-delivered "$MAILENV_DIR" "$u" 2 20 >/dev/null 2>&1 || true
done
check "each contact holds one confirmation and one completion" py "$C" <<'PY'
import sys
from sendlib import *
box = outbox(sys.argv[1])
for u in ("admin@contoso.test", "it@fabrikam.test"):
    subjects = sorted(m["Subject"] for m in fetch(u))
    want = sorted(r["subject"] for r in box if r["to"] == u)
    assert subjects == want and len(want) == 2, (u, subjects, want)
PY

finish
