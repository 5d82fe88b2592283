#!/usr/bin/env bash
# picflow poll and TLS (issue 3): IMAPS and STARTTLS verified against the generated CA
# succeed; another CA, or a host name the certificate does not name, fail with one clear
# line, exit 69, nothing changed, and Dovecot's log shows that no login was attempted.
# Plaintext is refused off loopback; a refused login is 69 too.
# Usage: test_poll_tls.sh PICFLOW_BINARY
source "$(dirname "${BASH_SOURCE[0]}")/lib_poll.sh" "$@"

n=0
# deliver_one: one more distinct request mail in the INBOX.
deliver_one() { n=$((n + 1)); request_mail "$WORK/m$n.eml" "$n"; "$MAILENV" deliver "$MAILENV_DIR" "$USER_ADDR" "$WORK/m$n.eml"; }

# polls_ok DESCRIPTION CONF-ARGS...: a mail is delivered, and the poll must record it.
polls_ok() {
	local what=$1; shift
	conf "$@"
	deliver_one
	local before; before=$(nrequests)
	succeeded() {
		local rc; rc=$(poll_rc); cat "$WORK/poll.out"
		[[ $rc == 0 && $(nrequests) == $((before + 1)) && $(count) == 0 ]]
	}
	check "$what" succeeded
}

# refused DESCRIPTION MESSAGE-REGEX CONF-ARGS...: the poll must exit 69 with one line
# matching MESSAGE-REGEX, change nothing, and leave no login in Dovecot's log.
refused() {
	local what=$1 msg=$2; shift 2
	conf "$@"
	local before mark; before=$(state); mark=$(log_mark)
	failed_cleanly() {
		local rc; rc=$(poll_rc); cat "$WORK/poll.out"
		[[ $rc == 69 ]] || { echo "exit status $rc, expected 69"; return 1; }
		[[ $(wc -l < "$WORK/poll.out") == 1 ]] || { echo "more than one line"; return 1; }
		grep -Eq "^picflow: .*$msg" "$WORK/poll.out" || { echo "message does not match /$msg/"; return 1; }
		[[ $(state) == "$before" ]] || { echo "state changed: $before -> $(state)"; return 1; }
	}
	check "$what: exit 69, one clear line, nothing changed" failed_cleanly
	check "$what: Dovecot logged no login attempt" no_login_since "$mark"
}

polls_ok "IMAPS (port $IMAPS_PORT) verified against the test CA, host 127.0.0.1 (IP SAN)"
polls_ok "IMAPS with host localhost (DNS SAN)" HOST=localhost
polls_ok "STARTTLS (port $IMAP_PORT) verified against the test CA" PORT="$IMAP_PORT" SECURITY=starttls
polls_ok "STARTTLS with host localhost" HOST=localhost PORT="$IMAP_PORT" SECURITY=starttls
polls_ok "security = none is allowed on loopback" PORT="$IMAP_PORT" SECURITY=none

deliver_one	# something to poll, that must stay in the INBOX from here on
refused "IMAPS, another CA" "TLS: certificate signed by an unknown authority" CA="$OTHER_CA_FILE"
refused "STARTTLS, another CA" "TLS: certificate signed by an unknown authority" \
	CA="$OTHER_CA_FILE" PORT="$IMAP_PORT" SECURITY=starttls
# "127.1" is 127.0.0.1 to the resolver, but not a name (nor an address) the certificate
# names (DNS:localhost, IP:127.0.0.1): the loopback-only way to a host-name mismatch.
refused "IMAPS, host name not in the certificate (127.1)" \
	"TLS: certificate is not valid for host 127.1" HOST=127.1
refused "STARTTLS, host name not in the certificate (127.1)" \
	"TLS: certificate is not valid for host 127.1" HOST=127.1 PORT="$IMAP_PORT" SECURITY=starttls

plaintext_off_loopback() {
	conf HOST=192.0.2.1 PORT="$IMAP_PORT" SECURITY=none TIMEOUT=2
	local rc t0=$SECONDS; rc=$(poll_rc); cat "$WORK/poll.out"
	[[ $rc == 78 ]] && grep -q 'not a loopback address' "$WORK/poll.out" && (( SECONDS - t0 < 2 ))
}
check "security = none off loopback: refused at once (exit 78), no connection" plaintext_off_loopback

wrong_password() {
	echo wrong > "$WORK/badpw"; chmod 600 "$WORK/badpw"
	conf PASSWORD="$WORK/badpw"
	local before; before=$(state)
	local rc; rc=$(poll_rc); cat "$WORK/poll.out"
	[[ $rc == 69 ]] && grep -q "login as $USER_ADDR refused" "$WORK/poll.out" && [[ $(state) == "$before" ]]
}
check "a wrong password: exit 69, 'login refused', nothing changed" wrong_password

# The log check itself must see a login when there is one.
login_seen() {
	deliver_one; conf
	local mark; mark=$(log_mark)
	[[ $(poll_rc) == 0 ]] && sleep 0.3 && ! no_login_since "$mark" >/dev/null
}
check "(control) the same log check does see the login of a successful poll" login_seen

polls_after() { conf; local rc; rc=$(poll_rc); cat "$WORK/poll.out"; [[ $rc == 0 && $(count) == 0 ]]; }
check "with the right settings again, the waiting mail is polled" polls_after

finish
