# lib_poll.sh - sourced by the test_poll*.sh integration tests (not a test itself).
#
# Usage, first lines of a test:  source "$(dirname "${BASH_SOURCE[0]}")/lib_poll.sh" "$@"
# Starts as every integration test does (lib_mailenv.sh: the binary, a fresh mailenv, WORK,
# ok/fail/check/finish). Then: CONF and DB, the helpers below.
# shellcheck source=lib_mailenv.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib_mailenv.sh" "$@"

USER_ADDR=provision@example.test
CONF=$WORK/picflow.conf
DB=$WORK/picflow.db
# A private copy: picflow warns (rightly) about a world-readable password file.
PASSWORD_FILE=$WORK/password
install -m 600 "$MAIL_PASSWORD_FILE" "$PASSWORD_FILE"

# conf [KEY=VALUE...]: write $CONF. Keys: HOST PORT SECURITY CA MAILBOX BATCH TIMEOUT
# MAXBYTES PASSWORD; defaults: IMAPS on 127.0.0.1 with the test CA (picflow_conf's), the
# provisioning address alone in [smtp].
conf() {
	local HOST=127.0.0.1 PORT=$IMAPS_PORT SECURITY=tls CA=$CA_FILE MAILBOX=INBOX BATCH=200
	local TIMEOUT=10 MAXBYTES=10485760 PASSWORD=$PASSWORD_FILE kv
	for kv in "$@"; do local "$kv"; done
	picflow_conf "$CONF" imap,smtp,operator,policy database.path="$DB" \
		imap.host="$HOST" imap.port="$PORT" imap.security="$SECURITY" \
		imap.password_file="$PASSWORD" imap.ca_file="$CA" imap.mailbox="$MAILBOX" \
		imap.batch_size="$BATCH" imap.timeout="$TIMEOUT" \
		smtp.host= smtp.port= smtp.security= smtp.ca_file= smtp.timeout= \
		policy.max_message_bytes="$MAXBYTES" templates.dir=
}

pf() { "$PICFLOW" -c "$CONF" "$@"; }

# poll_rc [ARGS]: run "picflow poll", output in $WORK/poll.out, print the exit status.
poll_rc() { local rc=0; pf poll "$@" >"$WORK/poll.out" 2>&1 || rc=$?; echo "$rc"; }

# count [FOLDER]: messages in the provisioning user's folder (default INBOX), from the Maildir.
count() { "$MAILENV" count "$MAILENV_DIR" "$USER_ADDR" "${1:-INBOX}"; }

sql() { sqlite3 -batch "$DB" "$@"; }

# state: one line summing up everything poll may change: database rows and mailbox counts.
state() {
	echo "$(sql "SELECT (SELECT count(*) FROM requests), (SELECT count(*) FROM inbound),
		(SELECT count(*) FROM outbox), (SELECT count(*) FROM events),
		(SELECT count(*) FROM imap_seen), (SELECT count(*) FROM imap_failures)" 2>/dev/null || echo nodb)" \
		"inbox=$(count) processed=$(count Processed) failed=$(count Failed)"
}

nrequests() { pf list --json | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))'; }

# request_mail FILE N [FROM]: a valid provisioning request (SPEC 1) whose agreement number,
# domains and Message-ID derive from N, so that every mail makes a distinct request.
request_mail() {
	local n=$2 from=${3:-admin@c$2.example}
	printf 'From: %s\r\nTo: %s\r\nSubject: PIC request %s\r\nMessage-ID: <req-%s-%s@test.example>\r\nDate: Thu, 26 Nov 2026 05:00:00 +0000\r\n\r\nAgreement-Type: volume-licensing\r\nAgreement-Number: 6%07d\r\nDeployment: lync-server-2013\r\nEdge-FQDN: sip.c%s.example\r\nSIP-Domain: c%s.example\r\nContact: admin@c%s.example\r\n' \
		"$from" "$USER_ADDR" "$n" "$n" "$$" "$n" "$n" "$n" "$n" > "$1"
}

# Dovecot's log, to show that a failed TLS verification sent no credential.
log_mark() { stat -c %s "$MAILENV_DIR/dovecot.log"; }
# no_login_since MARK: after MARK, Dovecot logged a connection without any authentication
# attempt (waits for its log process), and no login or authentication at all.
no_login_since() {
	local mark=$1 i text
	for i in $(seq 1 40); do
		text=$(tail -c +"$((mark + 1))" "$MAILENV_DIR/dovecot.log")
		grep -q 'no auth attempts' <<<"$text" && break
		sleep 0.05
	done
	echo "$text"
	grep -q 'no auth attempts' <<<"$text" || { echo "no connection logged"; return 1; }
	! grep -qE 'Login: |auth: |auth failed|Password mismatch|user=<[^>]' <<<"$text"
}

# imap_py SCRIPT [ARGS]: run Python with an authenticated imaplib connection "c" (IMAPS,
# verified against the test CA) and sys.argv[1:] = ARGS.
imap_py() {
	local script=$1; shift
	python3 - "$CA_FILE" "$IMAPS_PORT" "$USER_ADDR" "$(<"$PASSWORD_FILE")" "$@" <<-PY
	import imaplib, ssl, sys
	ca, port, user, pw = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
	sys.argv = sys.argv[4:]
	c = imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=ssl.create_default_context(cafile=ca))
	c.login(user, pw)
	$script
	c.logout()
	PY
}

# uidvalidity MAILBOX
uidvalidity() {
	imap_py 'typ, d = c.status(sys.argv[1], "(UIDVALIDITY)"); print(d[0].decode().split("UIDVALIDITY ")[1].rstrip(")"))' "$1"
}
