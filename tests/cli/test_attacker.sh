# tests/cli/test_attacker.sh - issue 12's "done when", played by an attacker
# on one database, without servers (SPEC 6): the real owner provisions an
# agreement by confirming; then a forged update, a forged contact change and
# domain squats change nothing; a victim gets at most the configured number
# of verify notices and no one else's data; rejections to a forged From
# quote short excerpts; Authentication-Results from our MTA only; replies by
# tag reach the operator only from a contact of record, attached; alerts are
# limited; confirm_contacts = no restores the old behaviour.
. "$(dirname "$0")/lib.sh"

sed -i 's/^confirm_contacts = no$/confirm_contacts = yes/' "$CONF"
grep -q '^confirm_contacts = yes$' "$CONF" || { echo "lib.sh changed"; exit 1; }
# the same database, read by our MTA's verdict, then with confirmation off
CONF_AUTH=$T/auth.conf
sed 's/^\[policy\]$/[policy]\nauthserv_id = mx.pic.example.net/' "$CONF" \
    > "$CONF_AUTH"
CONF_REQ=$T/req.conf
sed 's/^\[policy\]$/[policy]\nrequire_authentication = yes/' "$CONF_AUTH" \
    > "$CONF_REQ"
CONF_NO=$T/no.conf
sed 's/^confirm_contacts = yes$/confirm_contacts = no/' "$CONF" > "$CONF_NO"
chmod 600 "$CONF_AUTH" "$CONF_REQ" "$CONF_NO"

OWNER=admin@contoso.com
EVIL=mallory@evil.example
n=0

# msg FILE FROM SUBJECT BODY [HEADER...] : a mail with its own Message-ID.
msg() {
	f=$1 from=$2 subj=$3 body=$4
	shift 4
	n=$((n + 1))
	{
		printf 'From: %s\r\nTo: provisioning@pic.example.net\r\n' "$from"
		printf 'Subject: %s\r\nMessage-ID: <m%d@attacker.test>\r\n' \
		    "$subj" "$n"
		printf 'Date: Thu, 26 Nov 2026 09:00:00 +0000\r\n'
		for h in "$@"; do printf '%s\r\n' "$h"; done
		printf 'MIME-Version: 1.0\r\n'
		printf 'Content-Type: text/plain; charset=UTF-8\r\n\r\n%s\n' \
		    "$body"
	} > "$f"
}

# send CONF FROM SUBJECT BODY [HEADER...] : ingests one mail; $T/out says
# what became of it.
send() {
	c=$1
	shift
	msg "$T/mail.eml" "$@"
	expect_exit 0 "$PICFLOW" -c "$c" ingest "$T/mail.eml"
}

# tag_of : the tag ingest printed.
tag_of() { grep -o 'PIC-[0-9a-f]\{8\}' "$T/out" | head -1 | cut -c5-; }

# field TAG EXPR : a Python expression over show TAG --json (as j).
field() {
	"$PICFLOW" -c "$CONF" show "$1" --json > "$T/show"
	python3 -S -c "import json; j=json.load(open('$T/show')); print($2)"
}

# rows EXPR : a Python expression over outbox --json (as j).
rows() {
	"$PICFLOW" -c "$CONF" outbox --json > "$T/ob"
	python3 -S -c "import json; j=json.load(open('$T/ob')); print($1)"
}

# text ID : outbox row ID as its reader sees it: the headers, then each
# text part decoded, then "PART type" lines for the MIME structure.
text() {
	"$PICFLOW" -c "$CONF" outbox --dump "$1" | python3 -S -c '
import email, email.policy, sys
m = email.message_from_binary_file(sys.stdin.buffer, policy=email.policy.default)
for k, v in m.items():
    print("%s: %s" % (k, v))
print()
for p in m.walk():
    print("PART", p.get_content_type())
    if p.get_content_type() == "text/plain":
        print(p.get_content())
'
}

# verify TAG ADDR : the newest verify notice of TAG to ADDR as its reader
# sees it: its Subject in $T/vs, its code in $T/vt, and its text quoted as
# a reply quotes it in $T/vq.
verify() {
	python3 -S - "$PICFLOW" "$CONF" "$1" "$2" "$T" <<'PY'
import email, email.policy, json, re, subprocess, sys
pf, conf, tag, to, t = sys.argv[1:]
ob = json.loads(subprocess.check_output([pf, "-c", conf, "outbox", "--json"]))
i = max(o["id"] for o in ob if o["template"] == "verify" and o["to"] == to
        and o["subject"].startswith("[PIC-%s]" % tag))
raw = subprocess.check_output([pf, "-c", conf, "outbox", "--dump", str(i)])
m = email.message_from_bytes(raw, policy=email.policy.default)
s = str(m["Subject"])
open(t + "/vs", "w").write(s)
open(t + "/vt", "w").write(re.search(r" confirm ([A-Z2-7]{32}) ", s).group(1))
open(t + "/vq", "w").write("".join("> " + l + "\n"
                                   for l in m.get_content().splitlines()))
PY
}
vs() { cat "$T/vs"; }
vt() { cat "$T/vt"; }
vq() { cat "$T/vq"; }

request() { # AGREEMENT EDGE [SIP-DOMAIN CONTACT]... : the fields
	printf 'Agreement-Type: volume-licensing\nAgreement-Number: %s\n' "$1"
	printf 'Deployment: lync-server-2013\nEdge-FQDN: %s\n' "$2"
	shift 2
	while [ $# -ge 2 ]; do
		printf 'SIP-Domain: %s\nContact: %s\n' "$1" "$2"
		shift 2
	done
}

at() { export PICFLOW_NOW=$1; }

# --- the real owner provisions agreement 61234567 -----------------------
at 2026-11-26T09:00:00Z
send "$CONF" "Admin <$OWNER>" "PIC request" \
    "$(request 61234567 sip.contoso.com contoso.com $OWNER)"
expect_in "$T/out" confirming
OWN=$(tag_of)
expect_eq "$(rows "[(o['template'], o['to']) for o in j]")" \
    "[('verify', '$OWNER')]" "owner: one verify notice, to the owner"
at 2026-11-26T09:10:00Z
verify $OWN $OWNER
send "$CONF" "Admin <$OWNER>" "Re: $(vs)" \
    "Yes, that is us.

On Thu, PIC Provisioning wrote:
$(vq)"
expect_in "$T/out" "confirm PIC-$OWN"
expect_eq "$(field $OWN 'j["state"]')" pending "owner confirmed by reply"
expect_eq "$(field $OWN '[c["address"] for c in j["confirmations"] if c["confirmed_at"]]')" \
    "['$OWNER']" "owner's confirmation recorded"
at 2026-11-26T09:20:00Z
expect_exit 0 "$PICFLOW" -c "$CONF" provision "$OWN" --note "checked"
expect_eq "$(field $OWN 'j["state"]')" provisioned "owner provisioned"

# provisioned PROPERTY : the agreement's provisioned configuration.
provisioned() {
	"$PICFLOW" -c "$CONF" list --state provisioned --json > "$T/prov"
	python3 -S -c "import json; j=[r for r in json.load(open('$T/prov'))
	    if r['agreement_number'] == '61234567']; print($1)"
}
CONFIG_BEFORE="[('$OWN', ['sip.contoso.com'], [('contoso.com', '$OWNER')])]"
prov_config() {
	provisioned "[(r['tag'], r['edge_fqdns'], [(d['domain'], d['contact'])
	    for d in r['sip_domains']]) for r in j]"
}
expect_eq "$(prov_config)" "$CONFIG_BEFORE" "the provisioned configuration"

# --- (a) a forged update From the contact of record moves the Edge ------
at 2026-11-27T10:00:00Z
OB0=$(rows "max(o['id'] for o in j)")
send "$CONF" "Admin <$OWNER>" "urgent change" "Action: update
$(request 61234567 sip.evil.example contoso.com $OWNER)"
expect_in "$T/out" confirming
FA=$(tag_of)
expect_eq "$(rows "[(o['template'], o['to'], o['state']) for o in j if o['id'] > $OB0]")" \
    "[('verify', '$OWNER', 'queued')]" "(a) one verify notice, to the real contact"
expect_in "$T/ob" "[PIC-$FA] confirm"
text "$(rows "max(o['id'] for o in j)")" > "$T/va"
expect_in "$T/va" "update"
expect_in "$T/va" "sip.evil.example"
# the attacker replies from his own address: he has no code
send "$CONF" "$EVIL" "Re: [PIC-$FA] confirm" "I confirm. Yes.
CONFIRMED AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
expect_eq "$(field $FA 'j["state"]')" confirming "(a) the attacker's reply confirms nothing"
# the real contact's vacation reply quotes the code
verify $FA $OWNER
send "$CONF" "Admin <$OWNER>" "Auto: $(vs)" \
    "I am out of the office until January.

$(vq)" "Auto-Submitted: auto-replied"
expect_in "$T/out" ignored
expect_eq "$(field $FA 'j["state"]')" confirming "(a) a vacation reply confirms nothing"
expect_eq "$(field $FA '[c["confirmed_at"] for c in j["confirmations"]]')" \
    "[None]" "(a) no confirmation recorded"
# the same as a provision (no Action line), From the owner or from the
# attacker naming the owner: asked of the owner all the same
at 2026-11-27T11:00:00Z
OB0=$(rows "max(o['id'] for o in j)")
send "$CONF" "Admin <$OWNER>" "new edge" "$(request 61234567 sip.evil.example contoso.com $OWNER)"
expect_in "$T/out" confirming
FP1=$(tag_of)
send "$CONF" "$EVIL" "new edge" "$(request 61234567 sip.evil.example contoso.com $OWNER)"
expect_in "$T/out" confirming
FP2=$(tag_of)
expect_eq "$(rows "[(o['template'], o['to'], o['state']) for o in j if o['id'] > $OB0]")" \
    "[('verify', '$OWNER', 'queued'), ('verify', '$OWNER', 'queued')]" \
    "(a) a forged provision is asked of the contact"
at 2026-12-04T11:00:00Z
expect_exit 0 "$PICFLOW" -c "$CONF" tick
for t in $FP1 $FP2; do
	expect_eq "$(field $t '[j["state"]] + [r["code"] for r in j["reasons"]]')" \
	    "['rejected', 'not-confirmed']" "(a) a forged provision expires"
done
expect_eq "$(field $FA 'j["state"]')" rejected "(a) expired after confirm_days"
expect_eq "$(field $FA '[r["code"] for r in j["reasons"]]')" \
    "['not-confirmed']" "(a) not-confirmed"
expect_eq "$(prov_config)" "$CONFIG_BEFORE" "(a) the provisioned configuration unchanged"
expect_eq "$(field $OWN 'j["state"]')" provisioned "(a) the owner's request in service"

# --- (b) a forged contact change: the attacker's address replaces the owner's
at 2026-12-05T10:00:00Z
OB0=$(rows "max(o['id'] for o in j)")
send "$CONF" "Admin <$OWNER>" "new contact" "Action: update
$(request 61234567 sip.contoso.com contoso.com $EVIL)"
expect_in "$T/out" confirming
FB=$(tag_of)
expect_eq "$(rows "sorted((o['template'], o['to']) for o in j if o['id'] > $OB0)")" \
    "[('verify', '$OWNER'), ('verify', '$EVIL')]" \
    "(b) the new contact and the update's sender must confirm"
# the attacker confirms his own address: not enough
at 2026-12-05T10:05:00Z
verify $FB $EVIL
send "$CONF" "$EVIL" "Re: $(vs)" "yes $(vt)"
expect_in "$T/out" "confirm PIC-$FB"
expect_eq "$(field $FB 'j["state"]')" confirming "(b) the attacker's own confirmation is not enough"
expect_eq "$(field $FB 'sorted((c["address"], bool(c["confirmed_at"])) for c in j["confirmations"])')" \
    "[('$OWNER', False), ('$EVIL', True)]" "(b) who confirmed"
# the same code again, and the code once more after the owner's: used once
send "$CONF" "$EVIL" "again" "yes $(vt)"
expect_eq "$(field $FB 'j["state"]')" confirming "(b) a code is used once"
at 2026-12-12T10:00:00Z
expect_exit 0 "$PICFLOW" -c "$CONF" tick
expect_eq "$(field $FB 'j["state"]')" rejected "(b) expired"
expect_eq "$(field $FB 'j["reasons"]')" \
    "[{'code': 'not-confirmed', 'detail': '$OWNER'}]" "(b) not-confirmed by the owner"
expect_eq "$(prov_config)" "$CONFIG_BEFORE" "(b) the provisioned contact unchanged"
# the real contact is not locked out: his status and his update are accepted
OB0=$(rows "max(o['id'] for o in j)")
send "$CONF" "Admin <$OWNER>" "status?" "Action: status
Agreement-Number: 61234567"
expect_in "$T/out" status
expect_eq "$(rows "[(o['template'], o['to']) for o in j if o['id'] > $OB0]")" \
    "[('status', '$OWNER')]" "(b) the owner gets his status"
send "$CONF" "Admin <$OWNER>" "second edge" "Action: update
$(request 61234567 sip.contoso.com contoso.com $OWNER)
Edge-FQDN: sip2.contoso.com"
expect_in "$T/out" confirming
GB=$(tag_of)
verify $GB $OWNER
send "$CONF" "Admin <$OWNER>" "Re: $(vs)" \
    "$(vq)"
expect_eq "$(field $GB 'j["state"]')" pending "(b) the owner's own update goes on"
expect_exit 0 "$PICFLOW" -c "$CONF" provision "$GB"
expect_eq "$(field $OWN 'j["state"]')" superseded "(b) the owner's update replaced the first"
OWN=$GB
CONFIG_BEFORE="[('$OWN', ['sip.contoso.com', 'sip2.contoso.com'], [('contoso.com', '$OWNER')])]"
expect_eq "$(prov_config)" "$CONFIG_BEFORE" "(b) the owner's configuration"

# --- (c) domain squats ----------------------------------------------------
at 2026-12-13T10:00:00Z
SQ=squatter@evil.example
# the owner's domain, under another agreement: claimed
send "$CONF" "$SQ" "PIC request" "$(request 99990001 sip.evil.example contoso.com $SQ)"
expect_in "$T/out" rejected
expect_eq "$(field $(tag_of) '[r["code"] for r in j["reasons"]]')" \
    "['domain-claimed']" "(c) the owner's domain is claimed"
# an unclaimed domain with a contact outside it: confirming claims nothing
send "$CONF" "$SQ" "PIC request" "$(request 99990002 sip.evil.example fabrikam.com $SQ)"
expect_in "$T/out" confirming
SQF=$(tag_of)
send "$CONF" "IT <it@fabrikam.com>" "PIC request" \
    "$(request 88880001 sip.fabrikam.com fabrikam.com it@fabrikam.com)"
expect_in "$T/out" confirming
FAB=$(tag_of)
# the squatter confirms his own mailbox: his pending request with a
# contact outside the domain locks nothing either
verify $SQF $SQ
send "$CONF" "$SQ" "Re: $(vs)" "$(vt)"
expect_eq "$(field $SQF 'j["state"]')" pending "(c) the squatter confirmed himself"
verify $FAB it@fabrikam.com
send "$CONF" "IT <it@fabrikam.com>" "Re: $(vs)" \
    "$(vq)"
expect_eq "$(field $FAB 'j["state"]')" pending "(c) the real owner is not domain-claimed"
expect_exit 0 "$PICFLOW" -c "$CONF" reject "$SQF" --reason "not the domain's owner"
# a pending claim that holds (its contact is in the domain) lapses when
# its request is rejected, and when its deadline passes
send "$CONF" "Ops <ops@northwind.com>" "PIC request" \
    "$(request 77770001 sip.northwind.com northwind.com ops@northwind.com)"
NW=$(tag_of)
verify $NW ops@northwind.com
send "$CONF" "Ops <ops@northwind.com>" "Re: $(vs)" \
    "$(vq)"
expect_eq "$(field $NW 'j["state"]')" pending "(c) a pending claim"
send "$CONF" "$SQ" "PIC request" "$(request 99990003 sip.evil.example northwind.com $SQ)"
expect_eq "$(field $(tag_of) '[r["code"] for r in j["reasons"]]')" \
    "['domain-claimed']" "(c) a pending claim holds"
expect_exit 0 "$PICFLOW" -c "$CONF" reject "$NW" --reason "withdrawn"
send "$CONF" "$SQ" "PIC request" "$(request 99990004 sip.evil.example northwind.com $SQ)"
expect_in "$T/out" confirming
expect_eq "$(field $(tag_of) 'j["reasons"]')" "[]" "(c) the rejected request's claim lapsed"
send "$CONF" "Ops <ops@woodgrove.com>" "PIC request" \
    "$(request 77770002 sip.woodgrove.com woodgrove.com ops@woodgrove.com)"
WG=$(tag_of)
verify $WG ops@woodgrove.com
send "$CONF" "Ops <ops@woodgrove.com>" "Re: $(vs)" \
    "$(vq)"
expect_eq "$(field $WG 'j["state"]')" pending "(c) another pending claim"
at 2027-01-13T10:00:00Z
expect_exit 0 "$PICFLOW" -c "$CONF" tick
send "$CONF" "$SQ" "PIC request" "$(request 99990005 sip.evil.example woodgrove.com $SQ)"
expect_in "$T/out" confirming
expect_eq "$(field $(tag_of) 'j["reasons"]')" "[]" "(c) the overdue request's claim lapsed"
# public suffixes are no SIP domain
for d in co.uk github.io; do
	send "$CONF" "$SQ" "PIC request" "$(request 99990006 sip.evil.example $d $SQ)"
	expect_in "$T/out" rejected
	expect_eq "$(field $(tag_of) '[(r["code"], r["detail"]) for r in j["reasons"]]')" \
	    "[('bad-sip-domain', '$d')]" "(c) $d is a public suffix"
done

# --- (d) a victim named by strangers ----------------------------------------
at 2027-01-14T10:00:00Z
VIC=victim@victim.example
OB0=$(rows "max(o['id'] for o in j)")
i=0
while [ $i -lt 10 ]; do
	send "$CONF" "$EVIL" "PIC request" "$(request 99990010 sip.evil.example victim.example $VIC)"
	expect_in "$T/out" confirming
	i=$((i + 1))
done
expect_eq "$(rows "sorted(o['state'] for o in j if o['id'] > $OB0)")" \
    "['queued', 'queued', 'queued', 'suppressed', 'suppressed', 'suppressed', 'suppressed', 'suppressed', 'suppressed', 'suppressed']" \
    "(d) 3 verify notices to the victim, the rest suppressed"
expect_eq "$(rows "set((o['template'], o['to']) for o in j if o['id'] > $OB0)")" \
    "{('verify', '$VIC')}" "(d) verify notices only, to the victim only"
at 2027-01-15T09:59:00Z
send "$CONF" "$EVIL" "PIC request" "$(request 99990010 sip.evil.example victim.example $VIC)"
expect_eq "$(rows "j[-1]['state']")" suppressed "(d) still within 24 hours"
at 2027-01-15T10:01:00Z
send "$CONF" "$EVIL" "PIC request" "$(request 99990010 sip.evil.example victim.example $VIC)"
expect_eq "$(rows "j[-1]['state']")" queued "(d) a new day"
# subaddresses reach the same mailbox: they share its limit
OB0=$(rows "max(o['id'] for o in j)")
send "$CONF" "$EVIL" "PIC request" "$(request 99990010 sip.evil.example \
    a.victim.example victim+1@victim.example b.victim.example victim+2@victim.example \
    c.victim.example victim+3@victim.example d.victim.example VICTIM+4@victim.example)"
expect_eq "$(rows "[(o['to'], o['state']) for o in j if o['id'] > $OB0]")" \
    "[('victim+1@victim.example', 'queued'), ('victim+2@victim.example', 'queued'), ('victim+3@victim.example', 'suppressed'), ('victim+4@victim.example', 'suppressed')]" \
    "(d) victim+N@ counts as the victim's mailbox"
# one request naming 20 third parties
OB0=$(rows "max(o['id'] for o in j)")
BODY="Dear QQ9FREETEXT friends, visit http://qq9freetext.example now.
$(request 99990011 sip.evil.example)"
i=10
while [ $i -lt 30 ]; do
	BODY="$BODY
SIP-Domain: d$i.example
Contact: p$i@d$i.example
Note: QQ9FREETEXT line $i"
	i=$((i + 1))
done
send "$CONF" "\"QQ9DISPLAY Offer\" <spam@evil.example>" "QQ9SUBJECT cheap federation" "$BODY"
expect_in "$T/out" confirming
expect_eq "$(rows "sorted(o['to'] for o in j if o['id'] > $OB0) == sorted('p%d@d%d.example' % (i, i) for i in range(10, 30))")" \
    True "(d) one verify notice per third party"
# every one as its reader sees it (headers and decoded text): his own
# address and the checked values only
python3 -S - "$PICFLOW" "$CONF" "$OB0" <<'PY' > "$T/check"
import email, email.policy, json, re, subprocess, sys
pf, conf, ob0 = sys.argv[1], sys.argv[2], int(sys.argv[3])
ob = json.loads(subprocess.check_output([pf, "-c", conf, "outbox", "--json"]))
for o in ob:
    if o["id"] <= ob0:
        continue
    raw = subprocess.check_output([pf, "-c", conf, "outbox", "--dump", str(o["id"])])
    m = email.message_from_bytes(raw, policy=email.policy.default)
    t = "".join("%s: %s\n" % kv for kv in m.items()) + m.get_content()
    seen = set(re.findall(r"p\d+@d\d+\.example|qq9[a-z]*", t, re.I))
    bad = sorted(seen - {o["to"]})
    ok = "spam@evil.example" in t and all("d%d.example" % i in t for i in range(10, 30))
    print(o["to"], bad, ok)
PY
expect_eq "$(grep -vc "^p\([0-9]*\)@d\1.example \[\] True$" "$T/check")" 0 \
    "(d) each verify notice: no one else's address, text, Subject or name"
expect_eq "$(wc -l < "$T/check")" 20 "(d) 20 verify notices read"

# --- (e) a rejection to a forged From quotes a short, sanitised excerpt ---
LONG=$(python3 -S -c 'print("QQ9LONG" + "-visit-qq9long.example-now" * 40 + "\r" + "Bcc: x@y")')
OB0=$(rows "max(o['id'] for o in j)")
send "$CONF" "Target <target@contoso.com>" "PIC request" "Agreement-Type: volume-licensing
Agreement-Number: $LONG
Deployment: lync-server-2013
Edge-FQDN: $LONG
SIP-Domain: contoso.com
Contact: $VIC"
expect_in "$T/out" rejected
expect_eq "$(rows "[(o['template'], o['to']) for o in j if o['id'] > $OB0]")" \
    "[('rejection', 'target@contoso.com')]" "(e) one rejection, to the From"
id=$(rows "max(o['id'] for o in j)")
"$PICFLOW" -c "$CONF" outbox --dump "$id" > "$T/raw"
text "$id" > "$T/rej"
expect_in "$T/rej" "bad-agreement-number"
python3 -S - "$T/rej" "$T/raw" <<'PY' > "$T/check"
import re, sys
t = open(sys.argv[1], newline="").read()
raw = open(sys.argv[2], "rb").read()
runs = [m.group(0) for m in re.finditer(r"QQ9LONG[^\n\"]*", t, re.I)]
print(len(runs), max(len(r.encode()) for r in runs) <= 63,
      "\r" in t.replace("\r\n", "\n"), b"Bcc" in raw, b"victim" in raw,
      len(raw) < 3500)
PY
expect_eq "$(cat "$T/check")" "2 True False False False True" \
    "(e) two short excerpts, no CR, no other value echoed, short"

# --- (f) the MTA's verdict, from our authserv-id only ----------------------
CEO=ceo@litware.example
LIT=$(request 66660001 sip.litware.example litware.example $CEO)
to_ceo() { rows "len([o for o in j if o['to'] == '$CEO'])"; }
AR="Authentication-Results: mx.pic.example.net; spf=fail smtp.mailfrom=litware.example; dmarc=fail (p=reject) header.from=litware.example"
send "$CONF_AUTH" "CEO <$CEO>" "PIC request" "$LIT" "$AR"
expect_in "$T/out" rejected
expect_eq "$(field $(tag_of) '[r["code"] for r in j["reasons"]]')" \
    "['unauthenticated-sender']" "(f) dmarc=fail from our MTA"
expect_eq "$(to_ceo)" 0 "(f) nothing sent to that From"
expect_exit 0 "$PICFLOW" -c "$CONF" list --state rejected
expect_in "$T/out" 66660001
# a forged pass above our MTA's fail changes nothing
send "$CONF_AUTH" "CEO <$CEO>" "PIC request" "$LIT" \
    "Authentication-Results: mx.pic.example.net.evil; dmarc=pass header.from=litware.example" \
    "Authentication-Results: mx.evil.example; dmarc=pass header.from=litware.example" "$AR"
expect_eq "$(field $(tag_of) '[r["code"] for r in j["reasons"]]')" \
    "['unauthenticated-sender']" "(f) a forged pass of another authserv-id is ignored"
# a forged fail of another authserv-id is ignored too
send "$CONF_AUTH" "CEO <$CEO>" "PIC request" "$LIT" \
    "Authentication-Results: mx.evil.example; dmarc=fail header.from=litware.example"
expect_in "$T/out" confirming
expect_eq "$(to_ceo)" 1 "(f) another authserv-id's verdict: confirmation as usual"
# require_authentication: anything but our pass is the same as a fail
for ar in "Authentication-Results: mx.evil.example; dmarc=pass" \
    "Authentication-Results: mx.pic.example.net; dmarc=none header.from=litware.example" \
    "Authentication-Results: mx.pic.example.net; dkim=pass header.d=litware.example" \
    "X-No-Verdict: none"; do
	send "$CONF_REQ" "CEO <$CEO>" "PIC request" "$LIT" "$ar"
	expect_in "$T/out" rejected
	expect_eq "$(field $(tag_of) '[r["code"] for r in j["reasons"]]')" \
	    "['unauthenticated-sender']" "(f) required, no pass: $ar"
done
expect_eq "$(to_ceo)" 1 "(f) nothing more sent to that From"
send "$CONF_REQ" "CEO <$CEO>" "PIC request" "$LIT" \
    "Authentication-Results: mx.pic.example.net (a comment); spf=pass smtp.mailfrom=litware.example; dmarc=pass (p=reject) header.from=litware.example"
expect_in "$T/out" confirming

# --- (g) replies by tag ------------------------------------------------------
at 2027-01-16T10:00:00Z
FORGED="From: PIC Provisioning <provisioning@pic.example.net>
Subject: QQ9FORGED approved, nothing more to do

Please wire the fee."
OB0=$(rows "max(o['id'] for o in j)")
send "$CONF" "$EVIL" "Re: [PIC-$OWN] question" "$FORGED"
expect_in "$T/out" "reply PIC-$OWN"
expect_eq "$(rows "[o['to'] for o in j if o['id'] > $OB0]")" "[]" \
    "(g) a stranger's reply reaches no one"
expect_eq "$(field $OWN '[e["cause"] for e in j["events"]][-1]')" \
    "reply from $EVIL recorded, not forwarded: not a confirmed contact of record" \
    "(g) ... and is recorded"
send "$CONF" "Admin <$OWNER>" "Re: [PIC-$OWN] question" "$FORGED"
expect_eq "$(rows "[(o['template'], o['to']) for o in j if o['id'] > $OB0]")" \
    "[('alert', 'noc@pic.example.net')]" "(g) the contact's reply reaches the operator"
"$PICFLOW" -c "$CONF" outbox --dump "$(rows "max(o['id'] for o in j)")" > "$T/fw"
python3 -S - "$T/fw" <<'PY' > "$T/check"
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
parts = [p.get_content_type() for p in m.iter_parts()]
att = list(m.iter_parts())[-1].get_content()
print(m.get_content_type(), parts, "QQ9FORGED" in list(m.iter_parts())[0].get_content(),
      att["From"], att["Subject"], "QQ9FORGED" in att.get_body().get_content(),
      "QQ9FORGED" in m["Subject"])
PY
expect_eq "$(cat "$T/check")" \
    "multipart/mixed ['text/plain', 'message/rfc822'] False Admin <$OWNER> Re: [PIC-$OWN] question True False" \
    "(g) attached as message/rfc822, never pasted"
text "$(rows "max(o['id'] for o in j)")" > "$T/fwt"
expect_in "$T/fwt" "A contact of record, $OWNER, replied about request PIC-$OWN (Message-ID <m$n@attacker.test>). It is attached, as received."

# --- (i) confirm_contacts = no: straight to pending, as before -------------
at 2027-01-17T10:00:00Z
OB0=$(rows "max(o['id'] for o in j)")
i=0
while [ $i -lt 10 ]; do
	send "$CONF_NO" "Ops <ops@o$i.example>" "PIC request" \
	    "$(request 4444000$i sip.o$i.example o$i.example ops@o$i.example)"
	expect_in "$T/out" pending
	i=$((i + 1))
done
expect_eq "$(rows "sorted(set((o['template'], o['state']) for o in j if o['id'] > $OB0))")" \
    "[('confirmation', 'queued')]" "(i) confirmation notices, no verify notice"
expect_eq "$(rows "len([o for o in j if o['id'] > $OB0])")" 10 "(i) one per contact"

# --- (h) a flood of alerts of one kind: at most 3 an hour, then one digest --
OB0=$(rows "max(o['id'] for o in j)")
i=0
while [ $i -lt 10 ]; do
	at "2027-01-17T10:0$i:00Z"
	send "$CONF" "Admin <$OWNER>" "Re: [PIC-$OWN] question $i" "Please call me ($i)."
	i=$((i + 1))
done
expect_eq "$(rows "len([o for o in j if o['id'] > $OB0 and o['template'] == 'alert'])")" 3 \
    "(h) 10 forwarded replies in an hour: 3 alerts"
at 2027-01-17T11:10:00Z
expect_exit 0 "$PICFLOW" -c "$CONF" tick
expect_eq "$(rows "[o['subject'] for o in j if o['id'] > $OB0 and o['template'] == 'alert'][3:]")" \
    "['[PIC-$(rows "j[-1]['subject'][5:13]")] picflow operator alert: forwarded reply (digest of 7 held alerts)']" \
    "(h) ... and one digest of the other 7"
text "$(rows "j[-1]['id']")" > "$T/dg"
expect_eq "$(grep -c "replied about request PIC-$OWN (Message-ID <m[0-9]*@attacker.test>). Not attached" "$T/dg")" 7 \
    "(h) the digest names each held reply"
expect_eq "$(grep -c '^PART' "$T/dg")" 1 "(h) the digest attaches nothing"
OB0=$(rows "max(o['id'] for o in j)")
at 2027-02-17T10:00:00Z
expect_exit 0 "$PICFLOW" -c "$CONF" tick
expect_eq "$(rows "len([o for o in j if o['id'] > $OB0 and o['template'] == 'alert'])")" 3 \
    "(h) 10 overdue requests at once: 3 alerts"
expect_eq "$(rows "len([o for o in j if o['id'] > $OB0 and o['template'] == 'delay'])")" 10 \
    "(h) ... while each contact gets its delay notice"
# meanwhile the 20 third parties' request expired: its sender, who
# confirmed nothing, learns no one's address
SPAM="o['id'] > $OB0 and o['template'] == 'rejection' and o['to'] == 'spam@evil.example'"
expect_eq "$(rows "len([o for o in j if $SPAM])")" 1 "(d) the third parties' request expired"
text "$(rows "[o['id'] for o in j if $SPAM][0]")" > "$T/rj"
expect_in "$T/rj" "[not-confirmed]"
expect_eq "$(grep -c '@d[0-9]*\.example' "$T/rj")" 0 "(d) ... naming no one to its sender"
at 2027-02-17T10:59:00Z
expect_exit 0 "$PICFLOW" -c "$CONF" tick
expect_eq "$(rows "len([o for o in j if o['id'] > $OB0 and o['template'] == 'alert'])")" 3 \
    "(h) no digest within the hour"
at 2027-02-17T11:00:01Z
expect_exit 0 "$PICFLOW" -c "$CONF" tick
expect_eq "$(rows "[o['subject'][15:] for o in j if o['id'] > $OB0 and o['template'] == 'alert']")" \
    "$(python3 -S -c "print(['picflow operator alert: overdue'] * 3 + ['picflow operator alert: overdue (digest of 7 held alerts)'])")" \
    "(h) ... then one digest"

finish
