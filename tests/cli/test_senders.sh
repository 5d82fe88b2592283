# tests/cli/test_senders.sh - issue 13: every From a mail may carry, in
# one `ingest` of many files: never exit 70, every mail recorded, the
# requests handled, nothing written to a sender no reply can go to, the
# reason in `show` (text and --json); a file that fails does not stop the
# files after it, and the exit code is the worst of theirs.
. "$(dirname "$0")/lib.sh"

BODY='Agreement-Type: volume-licensing
Agreement-Number: 61234567
Deployment: lync-server-2013
Edge-FQDN: sip.contoso.com
SIP-Domain: contoso.com
Contact: admin@contoso.com'
i=0
files=
for from in '"john smith"@example.org' '"john"@example.org' \
    'José <josé@exemple.fr>' 'admin@[192.0.2.1]' 'undisclosed-recipients:;' \
    '<@relay.example:a@example.org>' 'a..b@example.org' \
    'a(comment)@example.org' 'foo' 'a@example.org, b@example.org'; do
	i=$((i + 1))
	mail "$T/m$i.eml" "$from" "form-$i@example.org" "$BODY"
	files="$files $T/m$i.eml"
done
# no From at all, two From fields, a bare CR, a NUL
printf 'Message-ID: <nofrom@x>\r\nSubject: r\r\n\r\n%s\n' "$BODY" > "$T/n1.eml"
printf 'From: a@example.org\r\nFrom: b@example.org\r\nMessage-ID: <two@x>\r\n\r\n%s\n' \
    "$BODY" > "$T/n2.eml"
printf 'From: a@example.org\rBcc: v@example.org\r\nMessage-ID: <cr@x>\r\n\r\n%s\n' \
    "$BODY" > "$T/n3.eml"
printf 'From: a@exa\000mple.org\r\nMessage-ID: <nul@x>\r\n\r\n%s\n' "$BODY" > "$T/n4.eml"
# the last file of the list is a good request: it is read, whatever came before
mail "$T/good.eml" admin@contoso.com good@contoso.com "$BODY"
# shellcheck disable=SC2086
expect_exit 66 "$PICFLOW" -c "$CONF" ingest $files "$T/missing.eml" "$T"/n?.eml \
    "$T/good.eml"
expect_in "$T/err" "missing.eml"
expect_eq "$(grep -c ': request PIC-' "$T/out")" 15 "requests recorded"
expect_eq "$(grep -c 'no reply to the sender' "$T/out")" 9 "unanswerable senders"
expect_exit 0 "$PICFLOW" -c "$CONF" list --json
expect_eq "$(json 'sorted(set(r["state"] for r in j))')" "['pending']" "every request pending"
expect_eq "$(json 'len(j)')" 15 "one request per mail"
expect_eq "$(json 'sorted(r["sender_problem"] for r in j if r["sender_problem"])')" \
    "['sender-address-literal', 'sender-control', 'sender-control', 'sender-group', 'sender-invalid', 'sender-missing', 'sender-no-at', 'sender-several', 'sender-several']" \
    "why each is not answered"
expect_eq "$(json 'sorted(r["sender"] for r in j if not r["sender_problem"])')" \
    "['\"john smith\"@example.org', 'a@example.org', 'a@example.org', 'admin@contoso.com', 'john@example.org', 'josé@exemple.fr']" \
    "the senders that can be answered, as a reply writes them"
TAG=$(json '[r["tag"] for r in j if r["sender"] == "foo"][0]')
expect_exit 0 "$PICFLOW" -c "$CONF" show "$TAG"
expect_in "$T/out" "Sender:         foo (no reply: [sender-no-at]"
expect_exit 0 "$PICFLOW" -c "$CONF" show --json "$TAG"
expect_eq "$(json 'j["sender_problem"]')" sender-no-at "show --json"
# the contact of each request heard of it; no one else did
expect_exit 0 "$PICFLOW" -c "$CONF" outbox --json
expect_eq "$(json 'sorted(set(n["to"] for n in j))')" "['admin@contoso.com']" \
    "notices' recipients"
expect_eq "$(json 'len(j)')" 15 "one confirmation per request"

# help mails: answered when they can be, correctly quoted; else recorded only
for n in 1 2 4 9; do
	sed 's/^Message-ID: <\(.*\)>/Message-ID: <help-\1>/' "$T/m$n.eml" |
	    sed '/^\r\{0,1\}$/,$d' > "$T/h$n.eml"
	printf '\r\nhelp\r\n' >> "$T/h$n.eml"
done
expect_exit 0 "$PICFLOW" -c "$CONF" ingest "$T/h1.eml" "$T/h2.eml" "$T/h4.eml" "$T/h9.eml"
expect_eq "$(grep -c 'help: not answered' "$T/out")" 2 "help from unanswerable senders"
expect_exit 0 "$PICFLOW" -c "$CONF" outbox --json
expect_eq "$(json 'sorted(n["to"] for n in j if n["template"] == "help")')" \
    "['\"john smith\"@example.org', 'john@example.org']" "help answered"
ID=$(json '[n["id"] for n in j if n["to"].startswith("\"")][0]')
expect_exit 0 "$PICFLOW" -c "$CONF" outbox --dump "$ID"
expect_in "$T/out" 'To: "john smith"@example.org'
finish
