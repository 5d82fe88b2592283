#!/usr/bin/env bash
# Integration test of the mail test environment itself (tests/mailenv/mailenv): the servers
# every other integration test relies on. Usage: test_mailenv.sh [PICFLOW_BINARY] (ignored).
# $MAILENV points to the mailenv script (CTest sets it); the test runs itself under
# "mailenv with", which starts a fresh environment and always stops it.
set -euo pipefail

MAILENV=${MAILENV:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../mailenv" && pwd)/mailenv}
export MAILENV
if [[ -z ${MAILENV_DIR:-} ]]; then
	exec bash "$MAILENV" with bash "${BASH_SOURCE[0]}" "$@"
fi

# ------------------------------------------------------------------ inside the environment
D=$MAILENV_DIR
PASS=$(<"$MAIL_PASSWORD_FILE")
WORK=$(mktemp -d /tmp/test_mailenv.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
passed=0 failed=0

ok()   { passed=$((passed + 1)); echo "ok   - $*"; }
fail() { failed=$((failed + 1)); echo "FAIL - $*"; }
# check DESCRIPTION CMD...: CMD must succeed.
check() { local what=$1; shift; if "$@" >"$WORK/out" 2>&1; then ok "$what"; else fail "$what"; sed 's/^/       /' "$WORK/out"; fi; }
# check_fails DESCRIPTION CMD...: CMD must fail.
check_fails() { local what=$1; shift; if "$@" >"$WORK/out" 2>&1; then fail "$what (unexpectedly succeeded)"; sed 's/^/       /' "$WORK/out"; else ok "$what"; fi; }

curl_() { curl -sS --noproxy '*' --max-time 20 "$@"; }

# is_listening PORT: LISTEN state in /proc/net/tcp (no probing connections).
is_listening() { local h; printf -v h '%04X' "$1"; awk -v h=":$h" '$4 == "0A" && substr($2, length($2) - 4) == h { f = 1 } END { exit !f }' /proc/net/tcp; }

# message FILE SUBJECT: write a small test message.
message() {
	printf 'From: sender@example.test\r\nTo: someone@example.test\r\nSubject: %s\r\nMessage-ID: <%s@mailenv.test>\r\n\r\nHello from test_mailenv.\r\n' "$2" "$2" > "$1"
}

# --- the environment as advertised
env_complete() {
	local v
	for v in MAILENV_DIR MAILENV_HOST IMAP_PORT IMAPS_PORT SMTP_PORT LMTP_PORT CA_FILE OTHER_CA_FILE MAIL_PASSWORD_FILE DOVECOT_PID POSTFIX_PID; do
		[[ -n ${!v:-} ]] || { echo "$v is empty"; return 1; }
	done
	[[ $MAILENV_HOST == 127.0.0.1 && -s $CA_FILE && -s $OTHER_CA_FILE && $PASS == secret ]]
}
check "env file exports every variable" env_complete
check "all four ports listen" bash -c "$(declare -f is_listening); for p in $IMAP_PORT $IMAPS_PORT $SMTP_PORT $LMTP_PORT; do is_listening \$p; done"
check "server certificate verifies against CA_FILE for localhost and 127.0.0.1" \
	bash -c "openssl verify -CAfile '$CA_FILE' '$D/tls/server.pem' && openssl x509 -in '$D/tls/server.pem' -noout -ext subjectAltName | grep -q 'DNS:localhost, IP Address:127.0.0.1'"

# --- SMTP -> Postfix -> LMTP -> Dovecot
message "$WORK/m1.eml" "mailenv-check-$$"
check "send through Postfix to someone@example.test" "$MAILENV" send "$D" sender@example.test someone@example.test "$WORK/m1.eml"
check "message delivered into the INBOX" "$MAILENV" wait-delivered "$D" someone@example.test 1 20
check "count reports 1" test "$("$MAILENV" count "$D" someone@example.test)" = 1

# --- IMAP over TLS, verified against the test CA
fetch_imaps() { curl_ --cacert "$CA_FILE" -u "someone@example.test:$PASS" "imaps://$1:$IMAPS_PORT/INBOX;UID=1" | grep -q "mailenv-check-$$"; }
check "IMAPS fetch with curl, CA verified (127.0.0.1)" fetch_imaps 127.0.0.1
check "IMAPS fetch with curl, CA verified (localhost)" fetch_imaps localhost
check "IMAPS with python imaplib, CA and host name verified" python3 - "$CA_FILE" "$IMAPS_PORT" "$PASS" <<'PY'
import imaplib, ssl, sys
ca, port, pw = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ctx = ssl.create_default_context(cafile=ca)
c = imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=ctx)
c.login("someone@example.test", pw)
typ, data = c.select("INBOX", readonly=True)
assert typ == "OK" and data[0] == b"1", data
c.logout()
PY

# --- STARTTLS on the plain IMAP port
check "IMAP port offers STARTTLS and upgrades with CA verification (imaplib)" python3 - "$CA_FILE" "$IMAP_PORT" "$PASS" <<'PY'
import imaplib, ssl, sys
ca, port, pw = sys.argv[1], int(sys.argv[2]), sys.argv[3]
c = imaplib.IMAP4("127.0.0.1", port)
assert "STARTTLS" in c.capabilities, c.capabilities
c.starttls(ssl_context=ssl.create_default_context(cafile=ca))
c.login("someone@example.test", pw)
c.logout()
PY
check "IMAP STARTTLS fetch with curl --ssl-reqd" bash -c \
	"curl -sS --noproxy '*' --max-time 20 --ssl-reqd --cacert '$CA_FILE' -u 'someone@example.test:$PASS' 'imap://127.0.0.1:$IMAP_PORT/INBOX;UID=1' | grep -q 'mailenv-check-$$'"

# --- negative TLS: a different CA must not verify the servers
check_fails "IMAPS verification against OTHER_CA_FILE fails" \
	curl_ --cacert "$OTHER_CA_FILE" -u "someone@example.test:$PASS" "imaps://127.0.0.1:$IMAPS_PORT/INBOX"
check_fails "IMAP STARTTLS verification against OTHER_CA_FILE fails" \
	curl_ --ssl-reqd --cacert "$OTHER_CA_FILE" -u "someone@example.test:$PASS" "imap://127.0.0.1:$IMAP_PORT/INBOX"
check "SMTP STARTTLS verifies against CA_FILE" swaks --server 127.0.0.1 --port "$SMTP_PORT" --helo localhost \
	--from sender@example.test --to tls@example.test --tls --tls-verify --tls-ca-path "$CA_FILE" --quit-after RCPT
check_fails "SMTP STARTTLS verification against OTHER_CA_FILE fails" swaks --server 127.0.0.1 --port "$SMTP_PORT" \
	--helo localhost --from sender@example.test --to tls@example.test --tls --tls-verify --tls-ca-path "$OTHER_CA_FILE" --quit-after RCPT

# --- logins: wrong passwords fail fast (no auth penalty) and show up in dovecot.log
bad_logins_fast() {
	local i t0=$SECONDS
	for i in 1 2 3; do
		if curl_ --cacert "$CA_FILE" -u "intruder@example.test:wrong" "imaps://127.0.0.1:$IMAPS_PORT/INBOX" -o /dev/null; then
			echo "login with a wrong password succeeded"; return 1
		fi
	done
	(( SECONDS - t0 <= 2 )) || { echo "3 failed logins took $((SECONDS - t0)) s"; return 1; }
}
check "wrong password refused, 3 failures within 2 s" bad_logins_fast
check "dovecot.log records the attempted login" grep -q 'intruder@example.test.*Password mismatch' "$D/dovecot.log"

# --- Postfix recipient policy: refuse-* gets 550, others in the same message are delivered
refuse_550() {
	local rc=0
	swaks --server 127.0.0.1 --port "$SMTP_PORT" --helo localhost --from sender@example.test \
		--to refuse-x@example.test > "$WORK/swaks.out" 2>&1 || rc=$?
	cat "$WORK/swaks.out"
	(( rc != 0 )) && grep -q '^<\*\* *550 ' "$WORK/swaks.out"
}
check "refuse-x@example.test gets 550" refuse_550
message "$WORK/m2.eml" "partial-$$"
check "partial delivery: refused recipient plus accepted one" \
	"$MAILENV" send "$D" sender@example.test refuse-y@example.test,partial@example.test "$WORK/m2.eml"
check "accepted recipient of the partial delivery got it" "$MAILENV" wait-delivered "$D" partial@example.test 1 20

# --- outages: stop and restart each server on the same ports
message "$WORK/m3.eml" "outage-$$"
check "stop-dovecot: IMAP, IMAPS and LMTP ports closed" bash -c \
	"'$MAILENV' stop-dovecot '$D' && $(declare -f is_listening); ! is_listening $IMAP_PORT && ! is_listening $IMAPS_PORT && ! is_listening $LMTP_PORT"
check "mail accepted by Postfix while Dovecot is down" "$MAILENV" send "$D" sender@example.test outage@example.test "$WORK/m3.eml"
check_fails "...and not delivered while Dovecot is down" "$MAILENV" wait-delivered "$D" outage@example.test 1 2
check "start-dovecot: same ports listen again" bash -c \
	"'$MAILENV' start-dovecot '$D' && $(declare -f is_listening); is_listening $IMAP_PORT && is_listening $IMAPS_PORT && is_listening $LMTP_PORT"
check "deferred mail delivered after Dovecot is back (flush)" bash -c \
	"'$MAILENV' flush '$D' && '$MAILENV' wait-delivered '$D' outage@example.test 1 20"
check "stop-postfix: SMTP port closed" bash -c "'$MAILENV' stop-postfix '$D' && $(declare -f is_listening); ! is_listening $SMTP_PORT"
check_fails "sending fails while Postfix is down" "$MAILENV" send "$D" sender@example.test outage@example.test "$WORK/m3.eml"
check "start-postfix: SMTP works again" bash -c \
	"'$MAILENV' start-postfix '$D' && '$MAILENV' send '$D' sender@example.test outage@example.test '$WORK/m3.eml' && '$MAILENV' wait-delivered '$D' outage@example.test 2 20"
check "env file records the new PIDs" bash -c "source '$D/env' && [[ \$DOVECOT_PID != '$DOVECOT_PID' && \$POSTFIX_PID != '$POSTFIX_PID' ]] && kill -0 \$DOVECOT_PID \$POSTFIX_PID"

# --- direct Maildir seeding into a folder, seen by Dovecot
for i in $(seq 1 50); do message "$WORK/bulk$i.eml" "bulk-$i-$$"; done
check "deliver 50 messages into folder Processed" "$MAILENV" deliver "$D" provision@example.test --folder Processed "$WORK"/bulk*.eml
check "count Processed = 50, INBOX = 0" bash -c \
	"[[ \$('$MAILENV' count '$D' provision@example.test Processed) == 50 && \$('$MAILENV' count '$D' provision@example.test) == 0 ]]"
check "wait-delivered --folder sees them" "$MAILENV" wait-delivered "$D" provision@example.test 50 5 --folder Processed
check "Dovecot lists Processed with 50 messages" python3 - "$CA_FILE" "$IMAPS_PORT" "$PASS" <<'PY'
import imaplib, ssl, sys
ca, port, pw = sys.argv[1], int(sys.argv[2]), sys.argv[3]
c = imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=ssl.create_default_context(cafile=ca))
c.login("provision@example.test", pw)
typ, data = c.status("Processed", "(MESSAGES)")
assert typ == "OK" and b"MESSAGES 50" in data[0], data
c.logout()
PY

# --- a second environment runs beside this one, and its stop leaves nothing behind
second_env() {
	local d2 ports pids p
	d2=$("$MAILENV" start) || return 1
	# shellcheck disable=SC1091
	ports=$(source "$d2/env"; echo "$IMAP_PORT $IMAPS_PORT $SMTP_PORT $LMTP_PORT")
	for p in $ports; do
		[[ " $IMAP_PORT $IMAPS_PORT $SMTP_PORT $LMTP_PORT " != *" $p "* ]] || { echo "port $p shared"; "$MAILENV" stop "$d2"; return 1; }
	done
	# every process of the second environment: both masters and their children
	pids=$(source "$d2/env"; echo "$DOVECOT_PID $POSTFIX_PID"; for p in $DOVECOT_PID $POSTFIX_PID; do
		grep -l "^[0-9]* ([^)]*) [A-Z] $p " /proc/[0-9]*/stat 2>/dev/null | cut -d/ -f3; done)
	"$MAILENV" stop "$d2" || return 1
	[[ ! -e $d2 ]] || { echo "$d2 still exists"; return 1; }
	local line
	for p in $pids; do
		{ read -r line < "/proc/$p/stat"; } 2>/dev/null || continue   # gone
		line=${line##*) }
		[[ ${line%% *} == Z ]] && continue                               # zombie: exited
		echo "process $p still running: ${line}"; return 1
	done
	is_listening "${ports%% *}" && { echo "port ${ports%% *} still listening"; return 1; }
	return 0
}
check "a second environment starts on other ports and stops cleanly" second_env

echo "$passed passed, $failed failed"
(( failed == 0 ))
