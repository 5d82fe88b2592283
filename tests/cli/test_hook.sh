# tests/cli/test_hook.sh - the provisioning hook through `picflow run`
# (no server configured: poll and send are skipped, hook and tick run).
. "$(dirname "$0")/lib.sh"

req() {	# req N : a valid request mail from admin@cN.example
	mail "$T/r$1.eml" "admin@c$1.example" "hook-$1@c$1.example" "Agreement-Type: spla
Agreement-Number: 5550000$1
Deployment: lync-server-2013
Edge-FQDN: sip.c$1.example
SIP-Domain: c$1.example <admin@c$1.example>"
}
hook() {	# hook SCRIPT : sets the provisioning hook
	printf '#!/bin/sh\n%s\n' "$1" > "$T/hook"; chmod +x "$T/hook"
	grep -q '^\[hook\]' "$CONF" || printf '[hook]\nprovision_command = %s/hook\ntimeout = 3\n' "$T" >> "$CONF"
}
state() { "$PICFLOW" -c "$CONF" show "$1" --json > "$T/out" && json 'j["state"]'; }
tag_of() { "$PICFLOW" -c "$CONF" list --json > "$T/out" && json "[r['tag'] for r in j if r['agreement_number']=='5550000$1'][0]"; }

req 1
expect_exit 0 "$PICFLOW" -c "$CONF" ingest "$T/r1.eml"
T1=$(tag_of 1)

# exit 75: try later, recorded, nothing else
hook 'cat > /dev/null; echo "provisioning system busy" >&2; exit 75'
expect_exit 0 "$PICFLOW" -c "$CONF" run
expect_eq "$(state "$T1")" pending "75 leaves it pending"
expect_in "$T/out" "hook: try later (provisioning system busy)"

# another exit: an error, the operator alerted once, retried next run
hook 'cat > /dev/null; echo "cannot reach the federation API" >&2; exit 3'
expect_exit 0 "$PICFLOW" -c "$CONF" run
expect_exit 0 "$PICFLOW" -c "$CONF" run
expect_eq "$(state "$T1")" pending "error leaves it pending"
expect_eq "$(json 'sum(e["cause"].startswith("hook failed: exit 3: cannot reach") for e in j["events"])')" 2 "each failure recorded"
expect_exit 0 "$PICFLOW" -c "$CONF" outbox --json
expect_eq "$(json 'sum(o["template"] == "alert" for o in j)')" 1 "operator alerted once"

# a hook that hangs is killed at its time limit
hook 'sleep 30'
expect_exit 0 "$PICFLOW" -c "$CONF" run
expect_exit 0 "$PICFLOW" -c "$CONF" show "$T1" --json
expect_in "$T/out" "hook failed: killed after 3 s"

# exit 65: rejected, the first line of stderr is the reason
hook 'cat > /dev/null; printf "domain already federated elsewhere\nsecond line\n" >&2; exit 65'
expect_exit 0 "$PICFLOW" -c "$CONF" run
expect_eq "$(state "$T1")" rejected "65 rejects"
expect_eq "$(json 'j["reasons"][-1]["detail"]')" "domain already federated elsewhere" "reason"
expect_exit 0 "$PICFLOW" -c "$CONF" outbox --json
expect_eq "$(json 'sorted(o["to"] for o in j if o["template"] == "rejection")')" "['admin@c1.example']" "rejection to the contact"

# exit 0: provisioned; the hook reads the request as JSON on stdin
req 2
expect_exit 0 "$PICFLOW" -c "$CONF" ingest "$T/r2.eml"
T2=$(tag_of 2)
hook "python3 -c 'import json,sys; r=json.load(sys.stdin); open(\"$T/seen\",\"w\").write(r[\"agreement_number\"]+\" \"+r[\"sip_domains\"][0][\"domain\"])'"
expect_exit 0 "$PICFLOW" -c "$CONF" run
expect_in "$T/out" "1 provisioned"
expect_eq "$(state "$T2")" provisioned "0 provisions"
expect_eq "$(cat "$T/seen")" "55500002 c2.example" "request JSON on stdin"

# the example configuration of contrib/ is valid
expect_exit 0 "$PICFLOW" -c "$SOURCE_DIR/contrib/picflow.conf" states
finish
