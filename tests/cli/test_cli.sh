# tests/cli/test_cli.sh - the operator's command line, end to end without
# servers: ingest, list, show, provision, reject, outbox, exit codes.
. "$(dirname "$0")/lib.sh"

VALID='Agreement-Type: volume-licensing
Agreement-Number: 61234567
Deployment: lync-server-2013
Edge-FQDN: sip.contoso.com
SIP-Domain: contoso.com
Contact: admin@contoso.com
SIP-Domain: fabrikam.com <it@fabrikam.com>'

mail "$T/valid.eml" admin@contoso.com valid-1@contoso.com "$VALID"
expect_exit 0 "$PICFLOW" -c "$CONF" ingest "$T/valid.eml"
expect_in "$T/out" "pending"
# the same mail again: recorded once
expect_exit 0 "$PICFLOW" -c "$CONF" ingest "$T/valid.eml"
expect_in "$T/out" "duplicate"

expect_exit 0 "$PICFLOW" -c "$CONF" list --json
expect_eq "$(json 'len(j)')" 1 "one request after two ingests"
expect_eq "$(json 'j[0]["state"]')" pending "state"
expect_eq "$(json 'j[0]["agreement_number"]')" 61234567 "agreement"
expect_eq "$(json 'j[0]["edge_fqdns"]')" "['sip.contoso.com']" "edges"
expect_eq "$(json '[d["contact"] for d in j[0]["sip_domains"]]')" \
    "['admin@contoso.com', 'it@fabrikam.com']" "contacts"
expect_eq "$(json 'j[0]["due_at"]')" 2026-12-26T09:00:00Z "30-day deadline"
expect_eq "$(json 'set(j[0].keys()) >= set(["id","tag","state","action","agreement_type","agreement_number","deployment","language","edge_fqdns","sip_domains","reasons","created_at","due_at"])')" True "contract keys"
TAG=$(json 'j[0]["tag"]')
ID=$(json 'j[0]["id"]')

expect_exit 0 "$PICFLOW" -c "$CONF" show "$TAG" --json
expect_eq "$(json 'j["id"]')" "$ID" "show by tag"
expect_eq "$(json '[(e["from"], e["to"]) for e in j["events"]]')" \
    "[(None, 'received'), ('received', 'pending')]" "events"
expect_exit 0 "$PICFLOW" -c "$CONF" show "$ID"
expect_in "$T/out" "PIC-$TAG"
expect_in "$T/out" "received    -> pending"

expect_exit 0 "$PICFLOW" -c "$CONF" outbox --json
expect_eq "$(json 'sorted((o["template"], o["to"], o["state"]) for o in j)')" \
    "[('confirmation', 'admin@contoso.com', 'queued'), ('confirmation', 'it@fabrikam.com', 'queued')]" \
    "one confirmation per contact"
expect_eq "$(json 'all("[PIC-'$TAG']" in o["subject"] for o in j)')" True "tag in subject"
NID=$(json 'j[0]["id"]')
expect_exit 0 "$PICFLOW" -c "$CONF" outbox --dump "$NID"
expect_in "$T/out" "Auto-Submitted: auto-replied"
expect_in "$T/out" "In-Reply-To: <valid-1@contoso.com>"
expect_in "$T/out" "Content-Type: text/plain; charset=UTF-8"

# operator decisions and refused transitions
expect_exit 0 "$PICFLOW" -c "$CONF" provision "$TAG" --note "done by ops"
expect_in "$T/out" "provisioned"
expect_exit 65 "$PICFLOW" -c "$CONF" provision "$TAG"
expect_in "$T/err" "provisioned"
expect_exit 65 "$PICFLOW" -c "$CONF" reject "$TAG" --reason "too late"
expect_exit 0 "$PICFLOW" -c "$CONF" outbox --json
expect_eq "$(json 'sum(o["template"] == "completion" for o in j)')" 2 "completion per contact"
expect_exit 65 "$PICFLOW" -c "$CONF" show deadbeef
expect_in "$T/err" "no request deadbeef"

# a second request, rejected by the operator while pending
mail "$T/v2.eml" ops@tailspin.fr valid-2@tailspin.fr 'Type-Contrat : licences-en-volume
Numéro-Contrat : 77770001
Déploiement : lync-server-2010
FQDN-Edge : sip.tailspin.fr
Domaine-SIP : tailspin.fr <marie@tailspin.fr>'
expect_exit 0 "$PICFLOW" -c "$CONF" ingest "$T/v2.eml"
expect_exit 0 "$PICFLOW" -c "$CONF" list --state pending --json
expect_eq "$(json '[r["language"] for r in j]')" "['fr']" "French request"
TAG2=$(json 'j[0]["tag"]')
expect_exit 64 "$PICFLOW" -c "$CONF" reject "$TAG2"
expect_exit 0 "$PICFLOW" -c "$CONF" reject "$TAG2" --reason "agreement unknown to us"
expect_exit 0 "$PICFLOW" -c "$CONF" show "$TAG2" --json
expect_eq "$(json 'j["state"]')" rejected "operator reject"
expect_eq "$(json 'j["reasons"][-1]["detail"]')" "agreement unknown to us" "reason kept"

# usage, help and configuration errors
for c in run poll ingest tick send list show provision reject outbox check-config states backup forget metrics; do
	expect_exit 0 "$PICFLOW" "$c" --help
	expect_in "$T/out" "usage: picflow $c"
done
expect_exit 0 "$PICFLOW" --help
expect_exit 64 "$PICFLOW"
expect_exit 64 "$PICFLOW" frobnicate
expect_exit 64 "$PICFLOW" -c "$CONF" list --state lost
expect_exit 64 "$PICFLOW" -c "$CONF" show
printf '[database]\npath = %s/x.db\n[policy]\ncooldown = 3\n' "$T" > "$T/bad.conf"
expect_exit 78 "$PICFLOW" -c "$T/bad.conf" list
expect_in "$T/err" "bad.conf:4"
expect_in "$T/err" "cooldown"
expect_exit 78 "$PICFLOW" -c "$T/missing.conf" list
expect_exit 64 env PICFLOW_NOW=yesterday "$PICFLOW" -c "$CONF" list
expect_exit 74 "$PICFLOW" -c "$CONF" --db /nonexistent/dir/x.db list

# states: the table, and Graphviz
expect_exit 0 "$PICFLOW" states --dot
expect_in "$T/out" "pending -> provisioned"
expect_in "$T/out" "received -> confirming"
expect_in "$T/out" "confirming -> pending"
# The inspecting commands run without the mail stack (cli_commands.h): the
# picflow binary does not load libetpan or GnuTLS; picflow-mail does.
if ldd "$PICFLOW" | grep -Eq 'libetpan|libgnutls|libxml2'; then
	ko "picflow loads the mail libraries: $(ldd "$PICFLOW" | grep -Eo 'lib(etpan|gnutls|xml2)[^ ]*' | tr '\n' ' ')"
else
	ok
fi
if ldd "$(dirname "$PICFLOW")/picflow-mail" | grep -q libetpan; then ok; else ko "picflow-mail without libetpan"; fi
finish
