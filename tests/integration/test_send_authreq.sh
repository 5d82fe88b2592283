#!/usr/bin/env bash
# picflow send against a Postfix that requires AUTH as Debian's submission service does
# (smtpd_client_restrictions = permit_sasl_authenticated, reject: "554 5.7.1 <...>: Client
# host rejected: Access denied" to RCPT, Dovecot SASL offered after STARTTLS) while no
# [smtp] user is set (issue 16): check-config reports it (78), send and run exit 78 with
# every notice still queued and no attempt counted, one operator alert over the runs; with
# the user set, the queue and the alert go out.
# Usage: test_send_authreq.sh PICFLOW_BINARY
if [[ -z ${MAILENV_DIR:-} ]]; then
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
smtpd_tls_auth_only = yes
smtpd_client_restrictions = permit_sasl_authenticated, reject'
fi
# shellcheck source=send_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/send_lib.sh" "$@"

export PICFLOW_NOW=2026-11-26T10:00:00Z
USER=provision@example.test
cp "$MAIL_PASSWORD_FILE" "$WORK/password"; chmod 600 "$WORK/password"
C=$WORK/p.ini
write_conf "$C"
request_mail "$WORK/a.eml" req-a@contoso.test 61234567 en \
	contoso.test admin@contoso.test fabrikam.test it@fabrikam.test
pf "$C" ingest "$WORK/a.eml" >/dev/null
states() {
	py "$C" <<-'PY'
	import sys
	from sendlib import *
	print(" ".join(sorted("%s:%s:%d" % (r["template"], r["state"], r["attempts"]) for r in outbox(sys.argv[1]))))
	PY
}

cc() {
	local rc=0; pf "$C" check-config > "$WORK/cc.out" || rc=$?; cat "$WORK/cc.out"
	[[ $rc == 78 ]] && grep -qE '^error +smtp +the server requires authentication \(it offers AUTH PLAIN LOGIN\) and \[smtp\] user is not set: RCPT TO: 554 5.7.1 .*Client host rejected' "$WORK/cc.out"
}
check "check-config: Postfix requires AUTH, no user: error on the smtp line, exit 78" cc
send78() {
	local rc=0; pf "$C" "$1" > "$WORK/out" || rc=$?; cat "$WORK/out" "$WORK/pf.err"
	[[ $rc == 78 ]] && grep -q 'requires authentication and \[smtp\] user is not set' "$WORK/pf.err"
}
check "send: exit 78" send78 send
check "...both notices queued, no attempt counted, one alert queued" \
	test "$(states)" = "alert:queued:0 confirmation:queued:0 confirmation:queued:0"
export PICFLOW_NOW=2026-11-26T13:00:00Z
check "run three hours later: 78" send78 run
check "...still one alert" test "$(states)" = "alert:queued:0 confirmation:queued:0 confirmation:queued:0"

write_conf "$C" smtp.user=$USER smtp.password_file="$WORK/password"
check "with [smtp] user set: both notices and the alert sent" \
	bash -c "'$PICFLOW' -c '$C' send | grep -qx 'send: 3 sent, 0 deferred, 0 failed'"
check "...check-config: ok" bash -c "'$PICFLOW' -c '$C' check-config | grep -qE '^ok +smtp +session ok, authenticated'"
finish
