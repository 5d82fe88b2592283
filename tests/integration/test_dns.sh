#!/usr/bin/env bash
# test_dns.sh - the DNS preflight and proof of SPEC 8 against a real DNS server: unbound,
# authoritative for test zones on a free loopback port (tests/dnsenv/dnsenv), one of them
# DNSSEC-signed and one whose signatures are missing (bogus); under .example, since
# libunbound answers names under .test itself (RFC 6761). No mail servers: requests
# come in by `picflow ingest`, notices are read from the outbox.
set -euo pipefail
PICFLOW=$(readlink -f "${1:?usage: test_dns.sh PICFLOW_BINARY}")
SOURCE_DIR=${SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
DNSENV=$SOURCE_DIR/tests/dnsenv/dnsenv
export PICFLOW_TEMPLATES=${PICFLOW_TEMPLATES:-$SOURCE_DIR/mailtemplates}
export PICFLOW_DNS_LOOPBACK_ONLY=1
unset PICFLOW_NOW PICFLOW_CONFIG
WORK=$(mktemp -d /tmp/picflow-dns.XXXXXX)
DNSDIR=$WORK/dnsenv
trap 'bash "$DNSENV" stop "$DNSDIR" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
passed=0 failed=0
ok()   { passed=$((passed + 1)); echo "ok   - $*"; }
fail() { failed=$((failed + 1)); echo "FAIL - $*"; }
check() {
	local what=$1; shift
	if "$@" >"$WORK/check.out" 2>&1; then ok "$what"; else fail "$what"; sed 's/^/       /' "$WORK/check.out"; fi
}

# --- the test zones
mkdir -p "$WORK/zones"
zone() {	# zone NAME FILE-SUFFIX RECORD...
	local name=$1 suffix=$2; shift 2
	{
		printf '$ORIGIN %s.\n$TTL 300\n' "$name"
		printf '@ IN SOA ns.%s. hostmaster.%s. 1 3600 600 86400 300\n@ IN NS ns.%s.\n' "$name" "$name" "$name"
		printf '%s\n' "$@"
	} > "$WORK/zones/$name$suffix.zone"
}
zone good.example "" 'sip IN A 192.0.2.10' 'sip IN AAAA 2001:db8::10' \
	'_sipfederationtls._tcp IN SRV 100 1 5061 sip.good.example.' \
	'_pic IN TXT "pic-agreement=11111111"'
zone nosrv.example "" 'sip IN A 192.0.2.11'
zone mismatch.example "" 'sip IN A 192.0.2.12' 'other IN A 192.0.2.13' \
	'_sipfederationtls._tcp IN SRV 100 1 5061 other.mismatch.example.'
zone port.example "" 'sip IN A 192.0.2.14' '_sipfederationtls._tcp IN SRV 100 1 5060 sip.port.example.'
zone noaddr.example "" '_sipfederationtls._tcp IN SRV 100 1 5061 sip.noaddr.example.' 'www IN A 192.0.2.15'
zone secure.example .signed 'sip IN A 192.0.2.20' \
	'_sipfederationtls._tcp IN SRV 100 1 5061 sip.secure.example.' \
	'_pic IN TXT "pic-agreement=44444444"'
zone bogus.example .bogus 'sip IN A 192.0.2.21' \
	'_sipfederationtls._tcp IN SRV 100 1 5061 sip.bogus.example.'
bash "$DNSENV" start "$DNSDIR" "$WORK/zones" >/dev/null
source "$DNSDIR/env"
check "the test server answers" dig +short @127.0.0.1 -p "$DNS_PORT" sip.good.example A

# conf NAME [section.key=value...]: $WORK/NAME.conf with its own database.
conf() {
	local name=$1 f=$WORK/$1.conf; shift
	local check=warn ownership=claimed timeout=3 resolver=$DNS_RESOLVER kv
	for kv in "$@"; do
		case $kv in
		check=*) check=${kv#*=} ;; ownership=*) ownership=${kv#*=} ;;
		timeout=*) timeout=${kv#*=} ;; resolver=*) resolver=${kv#*=} ;;
		esac
	done
	cat > "$f" <<-EOC
	[database]
	path = $WORK/$name.db
	[smtp]
	from = provisioning@example.test
	[operator]
	address = noc@example.test
	[policy]
	confirm_contacts = no
	[dns]
	check = $check
	resolver = $resolver
	timeout = $timeout
	ownership = $ownership
	trust_anchor = $DNS_ANCHORS
	EOC
	chmod 600 "$f"
	echo "$f"
}
n=0
# mail AGREEMENT DOMAIN CONTACT [LANG]: a valid request, Edge FQDN sip.DOMAIN.
mail() {	# (called in $(...): the counter lives in a file)
	n=$(( $(cat "$WORK/n" 2>/dev/null || echo 0) + 1 )); echo "$n" > "$WORK/n"
	local f=$WORK/m$n.eml
	{
		printf 'From: Admin <%s>\r\nTo: provisioning@example.test\r\n' "$3"
		printf 'Subject: PIC request\r\nMessage-ID: <dns%d@example.test>\r\n' "$n"
		printf 'Date: Wed, 25 Nov 2026 09:00:00 +0000\r\n\r\n'
		printf 'Agreement-Type: volume-licensing\r\nAgreement-Number: %s\r\n' "$1"
		printf 'Deployment: lync-server-2013\r\nEdge-FQDN: sip.%s\r\n' "$2"
		[[ ${4:-en} == fr ]] && printf 'Language: fr\r\n'
		printf 'SIP-Domain: %s\r\nContact: %s\r\n' "$2" "$3"
	} > "$f"
	echo "$f"
}
# ingest CONF AGREEMENT DOMAIN CONTACT [LANG]: prints the tag.
ingest() {
	local c=$1; shift
	"$PICFLOW" -c "$c" ingest "$(mail "$@")" > "$WORK/ingest.out" 2>"$WORK/ingest.err"
	sed -n 's/.*request PIC-\([0-9a-f]*\).*/\1/p' "$WORK/ingest.out" | head -1
}
show() { "$PICFLOW" -c "$1" show "$2" --json; }
jq_py() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
state_is() { show "$1" "$2" | jq_py "sys.exit(d['state'] != '$3')"; }
has_warning() { show "$1" "$2" | jq_py "sys.exit(not any(w['code'] == '$3' for w in d['warnings']))"; }
no_warnings() { show "$1" "$2" | jq_py "sys.exit(len(d['warnings']) != 0)"; }
has_reason() { show "$1" "$2" | jq_py "sys.exit(not any(r['code'] == '$3' for r in d['reasons']))"; }
reason_detail() { show "$1" "$2" | jq_py "print([r['detail'] for r in d['reasons'] if r['code'] == '$3'][0])"; }
dns_field() {	# dns_field CONF TAG NAME TYPE FIELD
	show "$1" "$2" | jq_py "print([a['$5'] for a in d['dns'] if a['name'] == '$3' and a['type'] == '$4'][0])"
}
dump_of() {	# dump_of CONF TEMPLATE TO: the text of the last such notice
	local id
	id=$("$PICFLOW" -c "$1" outbox --json | jq_py "print([o['id'] for o in d if o['template'] == '$2' and o['to'] == '$3'][-1])")
	"$PICFLOW" -c "$1" outbox --dump "$id" | python3 -c '
import email, sys
from email import policy
m = email.message_from_binary_file(sys.stdin.buffer, policy=policy.default)
print(m["Subject"]); print(m.get_content())'
}

# --- warn: each code is a warning, the request is accepted
W=$(conf warn)
t=$(ingest "$W" 11111111 good.example admin@good.example)
check "warn: a domain DNS agrees with is accepted" state_is "$W" "$t" pending
check "warn: ... without a warning" no_warnings "$W" "$t"
check "show: the SRV answer is recorded" test "$(dns_field "$W" "$t" _sipfederationtls._tcp.good.example SRV records)" = "['100 1 5061 sip.good.example']"
check "show: an unsigned zone's answer is insecure" test "$(dns_field "$W" "$t" sip.good.example A security)" = insecure
check "show (text) lists the DNS answers" sh -c "'$PICFLOW' -c '$W' show $t | grep -q '_sipfederationtls._tcp.good.example SRV: answer, insecure'"
for c in nosrv:no-federation-srv mismatch:federation-srv-mismatch port:federation-srv-mismatch noaddr:edge-fqdn-unresolvable; do
	d=${c%%:*}.example code=${c#*:}
	t=$(ingest "$W" 5555000${#d} "$d" "admin@$d")
	check "warn: $d is accepted" state_is "$W" "$t" pending
	check "warn: $d has warning $code" has_warning "$W" "$t" "$code"
done
dump_of "$W" confirmation admin@nosrv.example > "$WORK/conf.txt"
check "warn: the confirmation lists the warning's sentence" grep -q 'DNS has no federation record for this SIP domain' "$WORK/conf.txt"
check "warn: ... with the exact SRV record to publish" grep -q '_sipfederationtls._tcp.nosrv.example. IN SRV 100 1 5061 sip.nosrv.example.' "$WORK/conf.txt"
check "confirmation: how to publish the TXT proof" grep -q '_pic.nosrv.example. IN TXT "pic-agreement=555500013"' "$WORK/conf.txt"

# --- require: the same codes reject
R=$(conf require check=require)
t=$(ingest "$R" 11111111 good.example admin@good.example)
check "require: a domain DNS agrees with is accepted" state_is "$R" "$t" pending
for c in nosrv:no-federation-srv mismatch:federation-srv-mismatch noaddr:edge-fqdn-unresolvable; do
	d=${c%%:*}.example code=${c#*:}
	t=$(ingest "$R" 6666000${#d} "$d" "admin@$d")
	check "require: $d is rejected" state_is "$R" "$t" rejected
	check "require: $d has reason $code" has_reason "$R" "$t" "$code"
done
check "require: the rejection says what record is missing" sh -c "'$PICFLOW' -c '$R' outbox --dump \$('$PICFLOW' -c '$R' outbox --json | python3 -c 'import json,sys; print([o[\"id\"] for o in json.load(sys.stdin) if o[\"template\"] == \"rejection\"][-1])') | grep -q 'edge-fqdn-unresolvable'"

# --- DNSSEC: a signed zone validates, a zone without its signatures is bogus = no answer
t=$(ingest "$W" 44444444 secure.example admin@secure.example)
check "dnssec: the signed zone's answers are secure" test "$(dns_field "$W" "$t" _sipfederationtls._tcp.secure.example SRV security)" = secure
check "dnssec: ... and accepted without warning" no_warnings "$W" "$t"
t=$(ingest "$W" 77777777 bogus.example admin@bogus.example)
check "dnssec: the bogus zone's answers are bogus" test "$(dns_field "$W" "$t" _sipfederationtls._tcp.bogus.example SRV security)" = bogus
check "dnssec: a bogus SRV counts as none" has_warning "$W" "$t" no-federation-srv
check "dnssec: a bogus A counts as none" has_warning "$W" "$t" edge-fqdn-unresolvable

# --- the TXT proof settles a claim
C=$(conf claim)
t1=$(ingest "$C" 99999999 good.example first@good.example)
check "claim: the first claimer is accepted" state_is "$C" "$t1" pending
t2=$(ingest "$C" 33333333 good.example third@good.example)
check "claim: a claimer the TXT does not name is rejected" has_reason "$C" "$t2" domain-claimed
t3=$(ingest "$C" 11111111 good.example owner@good.example)
check "claim: the agreement the TXT names is accepted" state_is "$C" "$t3" pending
"$PICFLOW" -c "$C" outbox --json > "$WORK/ob.json"
check "claim: the operator is alerted" jq_py "sys.exit(not any(o['template'] == 'alert' and o['to'] == 'noc@example.test' and 'claim' in o['subject'] for o in d))" < "$WORK/ob.json"
check "claim: the previous agreement's contact is told" jq_py "sys.exit(not any(o['to'] == 'first@good.example' and 'good.example' in o['subject'] and 'another agreement' in o['subject'] for o in d))" < "$WORK/ob.json"
dump_of "$C" status first@good.example > "$WORK/moved.txt"
check "claim: the previous contacts are not told the new agreement" sh -c "! grep -q 11111111 '$WORK/moved.txt'"
t4=$(ingest "$C" 11111111 good.example owner@good.example fr)
dump_of "$C" confirmation owner@good.example > /dev/null
check "claim: French request accepted too (now its own claim)" state_is "$C" "$t4" pending

# --- ownership = always: every SIP domain needs its proof
A=$(conf always ownership=always)
t=$(ingest "$A" 11111111 good.example admin@good.example)
check "always: a proven domain is accepted" state_is "$A" "$t" pending
t=$(ingest "$A" 88888888 nosrv.example admin@nosrv.example)
check "always: an unproven domain is rejected" has_reason "$A" "$t" domain-not-proven
check "always: the detail is the exact record" test "$(reason_detail "$A" "$t" domain-not-proven)" = '_pic.nosrv.example. IN TXT "pic-agreement=88888888"'
check "check-config: the resolver answers" sh -c "'$PICFLOW' -c '$W' check-config | grep -q '^ok  *dns  *resolver 127.0.0.1@$DNS_PORT'"

# --- the server down: warnings, never a rejection, and bounded time
bash "$DNSENV" stop-server "$DNSDIR"
D=$(conf down check=require timeout=2)
start=$(date +%s%N)
"$PICFLOW" -c "$D" ingest "$(mail 11111111 good.example a@good.example)" "$(mail 12121212 nosrv.example a@nosrv.example)" \
	"$(mail 13131313 mismatch.example a@mismatch.example)" "$(mail 15151515 port.example a@port.example)" \
	"$(mail 16161616 noaddr.example a@noaddr.example)" "$(mail 17171717 secure.example a@secure.example)" \
	> "$WORK/down.out" 2>&1
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
# One after the other they would take 6 x 2 s: all at once, one timeout.
check "down: 6 requests checked in one bounded wait ($elapsed ms < 2 s + 7 s slack)" test "$elapsed" -lt 9000
for t in $(sed -n 's/.*request PIC-\([0-9a-f]*\).*/\1/p' "$WORK/down.out"); do
	check "down: PIC-$t accepted under require" state_is "$D" "$t" pending
	check "down: PIC-$t has warning dns-unavailable" has_warning "$D" "$t" dns-unavailable
done
rc=0; "$PICFLOW" -c "$D" check-config > "$WORK/cc.out" 2>&1 || rc=$?
check "check-config: a resolver that does not answer is an error (69)" test "$rc" = 69
check "check-config: ... on its dns line" grep -q '^error  *dns' "$WORK/cc.out"
rc=0; "$PICFLOW" -c "$(conf outside resolver=192.0.2.53)" ingest "$(mail 14141414 good.example a@good.example)" >/dev/null 2>"$WORK/out.err" || rc=$?
check "a resolver off loopback is refused under the test guard" grep -q 'not a loopback address' "$WORK/out.err"

# --- a resolver that never answers (unbound dropping every query): 100 requests in
# one ingest wait one timeout, not 100 of them (one after the other: 200 s)
bash "$DNSENV" silence-server "$DNSDIR" > /dev/null
S=$(conf silent check=require timeout=2)
files=()
for i in $(seq 100); do files+=("$(mail "$((20000000 + i))" "d$i.good.example" "a@d$i.good.example")"); done
start=$(date +%s%N)
"$PICFLOW" -c "$S" ingest "${files[@]}" > "$WORK/silent.out" 2>&1
rc=$?
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
check "silent: ingest of 100 requests exits 0" test "$rc" = 0
check "silent: the resolver's silence was waited for ($elapsed ms >= 1.5 s)" test "$elapsed" -ge 1500
check "silent: 100 requests in one bounded wait ($elapsed ms < 2 s timeout + 10 s)" test "$elapsed" -lt 12000
"$PICFLOW" -c "$S" list --json > "$WORK/silent.json"
check "silent: all 100 accepted under require" jq_py "sys.exit(sum(r['state'] == 'pending' for r in d) != 100)" < "$WORK/silent.json"
t=$(sed -n 's/.*request PIC-\([0-9a-f]*\).*/\1/p' "$WORK/silent.out" | tail -1)
check "silent: PIC-$t has warning dns-unavailable" has_warning "$S" "$t" dns-unavailable
bash "$DNSENV" start-server "$DNSDIR" > /dev/null
echo "$passed passed, $failed failed"
(( failed == 0 ))
