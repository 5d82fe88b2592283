#!/usr/bin/env bash
# picflow send against Exim 4.96 (issue 16), delivering into the mailenv Dovecot by LMTP:
# STARTTLS and implicit TLS with AUTH PLAIN, AUTH LOGIN where only LOGIN is offered; a
# refused AUTH is answered with QUIT and a TLS close_notify (Exim logs no "non-properly
# terminated"). A server that requires AUTH while no [smtp] user is set (530 5.7.0 to RCPT,
# then 550 5.7.1 "Relaying denied" to MAIL) is a configuration fault: check-config says so
# (78), send exits 78 with every notice still queued and no attempt counted, the operator
# is alerted once over several runs; a recipient refused by policy (550 5.7.1 Recipient
# address rejected) still fails alone. With a user set, everything queued goes out.
# Usage: test_exim.sh PICFLOW_BINARY
# shellcheck source=send_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/send_lib.sh" "$@"
EXIMENV=${EXIMENV:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../mailenv" && pwd)/eximenv}
export PICFLOW_NOW=2026-11-26T10:00:00Z

USER=provision@example.test
cp "$MAIL_PASSWORD_FILE" "$WORK/password"; chmod 600 "$WORK/password"
printf 'wrong\n' > "$WORK/bad-password"; chmod 600 "$WORK/bad-password"
EXIMS=()
trap 'for d in "${EXIMS[@]}"; do "$EXIMENV" stop "$d" >/dev/null 2>&1; done; rm -rf "$WORK"' EXIT

# exim VAR=VALUE...: start an Exim with these EXIMENV_* settings; sets EX (its dir) and
# its ports; stops at exit.
exim() {
	EX=$(env "$@" "$EXIMENV" start 2>"$WORK/exim.err") || { cat "$WORK/exim.err"; return 1; }
	EXIMS+=("$EX")
	# shellcheck disable=SC1091
	source "$EX/env"
}
# econf CONF SECURITY PORT [PAIRS...]: a configuration sending through the current Exim.
econf() {
	local c=$1 sec=$2 port=$3; shift 3
	write_conf "$c" smtp.security="$sec" smtp.port="$port" smtp.ca_file="$EXIM_CA_FILE" "$@"
}
queue() {	# queue CONF N: ingest request N: a confirmation to each of its 2 contacts
	request_mail "$WORK/r$2.eml" "req-$2@c$2.test" "6123456$2" en \
		"c$2.test" "admin@c$2.test" "f$2.test" "${3:-it}@f$2.test"
	pf "$1" ingest "$WORK/r$2.eml" >/dev/null
}
mainlog() { cat "$EX/log/mainlog"; }
delivered() { "$MAILENV" wait-delivered "$MAILENV_DIR" "$1" "$2" 10; }
outbox_states() {
	py "$1" <<-'PY'
	import sys
	from sendlib import *
	print(" ".join(sorted("%s:%s:%d" % (r["template"], r["state"], r["attempts"]) for r in outbox(sys.argv[1]))))
	PY
}

# --- PLAIN and LOGIN offered under TLS
exim EXIMENV_AUTH_MECHS="PLAIN LOGIN"
C=$WORK/a.ini
econf "$C" starttls "$EXIM_SMTP_PORT" smtp.user=$USER smtp.password_file="$WORK/password"
queue "$C" 1
check "STARTTLS + AUTH PLAIN: send delivers both notices, exit 0" \
	bash -c "'$PICFLOW' -c '$C' send | grep -qx 'send: 2 sent, 0 deferred, 0 failed'"
check "...Exim took them over TLS, authenticated with PLAIN" \
	bash -c "grep -c 'P=esmtpsa X=TLS.* A=plain:$USER' '$EX/log/mainlog' | grep -qx 2"
check "...into Dovecot" bash -c "'$MAILENV' wait-delivered '$MAILENV_DIR' admin@c1.test 1 10 && '$MAILENV' wait-delivered '$MAILENV_DIR' it@f1.test 1 10"

C2=$WORK/b.ini
econf "$C2" tls "$EXIM_SMTPS_PORT" smtp.user=$USER smtp.password_file="$WORK/password"
queue "$C2" 2
check "implicit TLS (submissions) + AUTH PLAIN: delivered, exit 0" \
	bash -c "'$PICFLOW' -c '$C2' send | grep -qx 'send: 2 sent, 0 deferred, 0 failed'"
check "...Exim logged them on its TLS-on-connect port" \
	bash -c "grep 'A=plain:$USER' '$EX/log/mainlog' | grep -c '<= ' | grep -qx 4"

check_clean_close() {
	local rc=0
	econf "$C2" tls "$EXIM_SMTPS_PORT" smtp.user=$USER smtp.password_file="$WORK/bad-password"
	queue "$C2" 3
	pf "$C2" send >/dev/null || rc=$?
	cat "$WORK/pf.err"
	mainlog | tail -n 6
	[[ $rc == 69 ]] && grep -q 'refused the login' "$WORK/pf.err" &&
		mainlog | grep -q 'authenticator failed for .*535 Incorrect authentication data' &&
		mainlog | tail -n 3 | grep -q 'closed by QUIT' &&
		! mainlog | grep -q 'non-properly terminated'
}
check "refused AUTH: exit 69, then QUIT and a TLS close_notify (no 'non-properly terminated')" check_clean_close
stay_queued() { outbox_states "$C2" | tee /dev/stderr | grep -q 'confirmation:queued:1 confirmation:queued:1'; }
check "...the notices stay queued (deferred: a refused login may be passing)" stay_queued

exim EXIMENV_AUTH_MECHS=LOGIN
C3=$WORK/c.ini
econf "$C3" starttls "$EXIM_SMTP_PORT" smtp.user=$USER smtp.password_file="$WORK/password"
queue "$C3" 4
check "only LOGIN offered: AUTH LOGIN, delivered" bash -c \
	"'$PICFLOW' -c '$C3' send | grep -qx 'send: 2 sent, 0 deferred, 0 failed' && grep -c 'A=login:$USER' '$EX/log/mainlog' | grep -qx 2"

# --- a server that requires AUTH, and no [smtp] user
exim EXIMENV_REQUIRE_AUTH="530 5.7.0 Authentication required"
N=$WORK/n.ini
econf "$N" starttls "$EXIM_SMTP_PORT"
cc_out() { local rc=0; pf "$N" check-config >"$WORK/cc.out" || rc=$?; cat "$WORK/cc.out"; echo "exit $rc"; }
cc_says() {
	local out; out=$(cc_out); echo "$out"
	grep -q '^exit 78$' <<<"$out" && grep -qE \
		'^error +smtp +the server requires authentication \(it offers AUTH PLAIN LOGIN\) and \[smtp\] user is not set: RCPT TO: 530 5.7.0 Authentication required' <<<"$out"
}
check "check-config: AUTH offered, required, no user: error on the smtp line, exit 78" cc_says
check "...and no message reached Exim" bash -c "! grep -q '<= ' <(grep -v 'A=' '$EX/log/mainlog')"
queue "$N" 5
send_78() {
	local rc=0; pf "$N" send > "$WORK/out" || rc=$?; cat "$WORK/out" "$WORK/pf.err"
	[[ $rc == 78 ]] && grep -q 'requires authentication and \[smtp\] user is not set (RCPT TO: 530 5.7.0 Authentication required); the notices stay queued' "$WORK/pf.err"
}
check "send: exit 78 naming the fault" send_78
check "...every notice still queued, no attempt counted, one alert queued" \
	test "$(outbox_states "$N")" = "alert:queued:0 confirmation:queued:0 confirmation:queued:0"
export PICFLOW_NOW=2026-11-26T12:00:00Z
queue "$N" 6
check "a second send two hours later: 78 again" send_78
rc=0; pf "$N" run >/dev/null || rc=$?
check "...and a run: 78" test "$rc" = 78
check "...still one alert, 5 notices queued, none attempted" \
	test "$(outbox_states "$N")" = "alert:queued:0 confirmation:queued:0 confirmation:queued:0 confirmation:queued:0 confirmation:queued:0"
alert_text() {
	py "$N" <<-'PY'
	import sys
	from sendlib import *
	a = [r for r in outbox(sys.argv[1]) if r["template"] == "alert"]
	m = parse(dump(sys.argv[1], a[0]["id"]))
	print(m["Subject"]); print(" ".join(m["body"].split()))
	PY
}
alert_says() {
	alert_text > "$WORK/alert"; cat "$WORK/alert"
	grep -q 'operator alert: smtp authentication required' "$WORK/alert" &&
		grep -q 'No notice can be sent: the SMTP server 127.0.0.1 requires authentication and \[smtp\] user is not set' "$WORK/alert" &&
		grep -q 'Set \[smtp\] user and password_file' "$WORK/alert"
}
check "...the alert names the fault and what to set" alert_says

# 5.7.1 "relaying denied" to MAIL is the same fault; a 5.7.1 recipient policy refusal is not
exim EXIMENV_REQUIRE_AUTH="550 5.7.1 Relaying denied. Proceed with authentication" EXIMENV_REQUIRE_AUTH_AT=mail
econf "$N" starttls "$EXIM_SMTP_PORT"
rc=0; pf "$N" send >/dev/null || rc=$?
check "550 5.7.1 Relaying denied to MAIL FROM: exit 78, nothing attempted, still one alert" bash -c \
	"[[ $rc == 78 ]] && grep -q 'MAIL FROM: 550 5.7.1 Relaying denied' '$WORK/pf.err' && [[ '$(outbox_states "$N")' == 'alert:queued:0 confirmation:queued:0 confirmation:queued:0 confirmation:queued:0 confirmation:queued:0' ]]"

exim EXIMENV_AUTH_MECHS=""
P=$WORK/p.ini
econf "$P" starttls "$EXIM_SMTP_PORT"
queue "$P" 7 refuse-it
policy() {
	local rc=0; pf "$P" send > "$WORK/out" || rc=$?; cat "$WORK/out" "$WORK/pf.err"
	[[ $rc == 0 ]] && grep -qx 'send: 2 sent, 0 deferred, 1 failed' "$WORK/out" &&
		grep -q 'refuse-it@f7.test failed: RCPT TO: 550 5.7.1 Recipient address rejected' "$WORK/pf.err"
}
check "550 5.7.1 Recipient address rejected (no AUTH involved): that notice fails alone (and its alert goes out), exit 0" policy

# --- fixed: the user is set, the whole queue goes out, the alert with it
exim EXIMENV_REQUIRE_AUTH="530 5.7.0 Authentication required"
econf "$N" starttls "$EXIM_SMTP_PORT" smtp.user=$USER smtp.password_file="$WORK/password"
fixed() {
	local rc=0; pf "$N" send > "$WORK/out" || rc=$?; cat "$WORK/out" "$WORK/pf.err"
	[[ $rc == 0 ]] && grep -qx 'send: 5 sent, 0 deferred, 0 failed' "$WORK/out" && delivered noc@example.test 2
}
check "with [smtp] user set: the 4 notices and the alert are sent, exit 0" fixed

finish
