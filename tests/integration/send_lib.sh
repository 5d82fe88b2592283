# send_lib.sh - shared by the test_send*.sh integration tests of `picflow send`
# (sourced, not run; not picked up by CTest, whose pattern is test_*.sh).
#
# Usage, first lines of a test:  source "$(dirname "${BASH_SOURCE[0]}")/send_lib.sh" "$@"
# Starts as every integration test does (lib_mailenv.sh: the binary, a fresh mailenv, WORK,
# ok/fail/check/finish). Provides besides:
#   write_conf FILE [KEY=VALUE...]     a picflow configuration (smtp.KEY / operator.KEY)
#   request_mail FILE MSGID AGREEMENT LANG DOMAIN CONTACT [DOMAIN CONTACT...]
#   pf CONF ARGS...                    picflow -c CONF ARGS (stdout, stderr to $WORK/pf.err)
#   py SCRIPT-ARGS... <<'PY'           python3 with sendlib (IMAP fetch, outbox, sqlite)
#   postfix_log_since MARK             Postfix log lines written after MARK (= line count)
#   postfix_sessions_since MARK [N]    its session lines, once N are there (10 s at most)

# shellcheck source=lib_mailenv.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib_mailenv.sh" "$@"
PASS=$(<"$MAIL_PASSWORD_FILE")
export PASS

# write_conf FILE [smtp.KEY=VALUE | operator.KEY=VALUE ...]: the defaults are STARTTLS to
# the mailenv Postfix, verified against its CA (picflow_conf's); later pairs override
# earlier ones.
write_conf() {
	local f=$1; shift
	local kv
	for kv in "$@"; do
		case ${kv%%=*} in
		smtp.*|operator.*) ;;
		*) echo "write_conf: bad pair $kv" >&2; return 1 ;;
		esac
	done
	picflow_conf "$f" smtp,operator database.path="${f%.ini}.sqlite" "$@"
}

# request_mail FILE MSGID AGREEMENT LANG DOMAIN CONTACT [DOMAIN CONTACT...]: a valid
# provisioning request (SPEC 1) from the first contact; the second and later domains use
# the "SIP-Domain: d <contact>" form.
request_mail() {
	local f=$1 msgid=$2 agreement=$3 lang=$4; shift 4
	{
		printf 'From: Admin <%s>\r\nTo: provisioning@example.test\r\n' "$2"
		printf 'Subject: PIC request\r\nMessage-ID: <%s>\r\n' "$msgid"
		printf 'Date: Wed, 25 Nov 2026 09:00:00 +0000\r\n\r\n'
		printf 'Agreement-Type: volume-licensing\r\nAgreement-Number: %s\r\n' "$agreement"
		printf 'Deployment: lync-server-2013\r\nEdge-FQDN: sip.%s\r\n' "$1"
		[[ $lang == fr ]] && printf 'Language: fr\r\n'
		printf 'SIP-Domain: %s\r\nContact: %s\r\n' "$1" "$2"
		shift 2
		while (($# >= 2)); do
			printf 'SIP-Domain: %s <%s>\r\n' "$1" "$2"
			shift 2
		done
	} > "$f"
}

# pf CONF ARGS...: the picflow under test; stderr kept in $WORK/pf.err for checks.
pf() { local conf=$1; shift; "$PICFLOW" -c "$conf" "$@" 2>"$WORK/pf.err"; }

postfix_log_lines() { wc -l < "$MAILENV_DIR/postfix.log"; }
postfix_log_since() { tail -n +"$(( $1 + 1 ))" "$MAILENV_DIR/postfix.log"; }
# postfix_sessions_since MARK [N]: the "disconnect from" lines (one per SMTP session)
# Postfix logged after MARK, once there are N of them (default 1) or 10 s went by. Postfix
# logs through postlogd (a datagram to another process), after the client has gone: the
# line of a session picflow just ended may not be in the file yet when picflow exits (what
# made test_send_tls fail now and then).
postfix_sessions_since() {
	local mark=$1 n=${2:-1} i
	for i in $(seq 1 200); do
		(( $(postfix_log_since "$mark" | grep -c "disconnect from") >= n )) && break
		sleep 0.05
	done
	postfix_log_since "$mark" | grep "disconnect from" || true
}

# A Python module for the checks: sendlib.fetch(user) reads a mailbox over IMAPS (CA
# verified) into dicts of decoded headers and text; outbox(conf) and dump(conf, id) run
# picflow; events(conf) reads outbox_events.
cat > "$WORK/sendlib.py" <<'PY'
import email, imaplib, json, os, sqlite3, ssl, subprocess
from email import policy

HEADERS = ["From", "To", "Subject", "Message-ID", "Date", "In-Reply-To", "References",
           "Auto-Submitted", "Content-Type", "Content-Language", "Content-Transfer-Encoding"]

def parse(raw):
    m = email.message_from_bytes(raw, policy=policy.default)
    d = {h: (str(m[h]) if m[h] is not None else None) for h in HEADERS}
    d["charset"] = m.get_content_charset()
    d["body"] = m.get_content()
    d["raw"] = raw
    return d

def fetch(user):
    ctx = ssl.create_default_context(cafile=os.environ["CA_FILE"])
    c = imaplib.IMAP4_SSL("127.0.0.1", int(os.environ["IMAPS_PORT"]), ssl_context=ctx)
    c.login(user, os.environ["PASS"])
    c.select("INBOX", readonly=True)
    out = []
    for num in c.search(None, "ALL")[1][0].split():
        out.append(parse(c.fetch(num, "(BODY.PEEK[])")[1][0][1]))
    c.logout()
    return out

def run(conf, *args):
    return subprocess.run([os.environ["PICFLOW"], "-c", conf, *args], check=True,
                          capture_output=True).stdout

def outbox(conf):
    return json.loads(run(conf, "outbox", "--json"))

def dump(conf, oid):
    return run(conf, "outbox", "--dump", str(oid))

def requests(conf):
    return json.loads(run(conf, "list", "--json"))

def events(conf):
    db = sqlite3.connect(conf[:-len(".ini")] + ".sqlite")
    rows = db.execute("SELECT outbox_id, at, event, attempt, reply FROM outbox_events "
                      "ORDER BY id").fetchall()
    db.close()
    return rows
PY

# py ARGS... <<'PY' ... PY: run a check script (stdin) with sendlib importable.
py() { PYTHONPATH=$WORK python3 - "$@"; }
