# tests/cli/test_forget.sh - picflow forget ADDRESS: refused while an open
# request holds the address; then no byte of the database files holds it
# (grep of the file and its WAL, any case), the rest stays, picflow goes on.
. "$(dirname "$0")/lib.sh"
DB=$T/picflow.db
ADDR=admin@contoso.com

# holds FILE : how many lines of FILE hold the address, any case.
holds() { if [ -e "$1" ]; then grep -aci "$ADDR" "$1"; else echo 0; fi; }

# Another process keeps the database open all along (as watch would): the
# WAL is never removed by a last close, so every page written holding the
# address is still in it when forget runs, and forget must empty it.
expect_exit 0 "$PICFLOW" -c "$CONF" list
mkfifo "$T/fifo"
sqlite3 "$DB" < "$T/fifo" > /dev/null &
READER=$!
exec 3> "$T/fifo"
echo 'SELECT count(*) FROM requests;' >&3

mail "$T/a.eml" Admin@Contoso.com a-1@mail.contoso.com 'Agreement-Type: volume-licensing
Agreement-Number: 61234567
Deployment: lync-server-2013
Edge-FQDN: sip.contoso.com
SIP-Domain: contoso.com
Contact: ADMIN@contoso.com
SIP-Domain: fabrikam.com <it@fabrikam.com>

--
'"$(for i in $(seq 1 400); do echo "> On day $i, Admin <admin@contoso.com> wrote: the usual"; done)"
expect_exit 0 "$PICFLOW" -c "$CONF" ingest "$T/a.eml"
expect_in "$T/out" "pending"
TAG=$(sqlite3 "$DB" 'SELECT tag FROM requests')
# a help mail of the same sender (no request), and someone else's request
mail "$T/h.eml" admin@contoso.com h-1@mail.contoso.com 'Hello, how do I ask for PIC?'
expect_exit 0 "$PICFLOW" -c "$CONF" ingest "$T/h.eml"
expect_in "$T/out" "help"
mail "$T/b.eml" bob@northwind.com b-1@northwind.com 'Agreement-Type: volume-licensing
Agreement-Number: 70000001
Deployment: lync-server-2013
Edge-FQDN: sip.northwind.com
SIP-Domain: northwind.com <bob@northwind.com>'
expect_exit 0 "$PICFLOW" -c "$CONF" ingest "$T/b.eml"
BTAG=$(sqlite3 "$DB" "SELECT tag FROM requests WHERE sender = 'bob@northwind.com'")

[ "$(wc -c < "$T/a.eml")" -gt 20000 ] && ok || ko "a.eml should fill overflow pages"

# Refused while its request is open: the workflow still needs it.
expect_exit 65 "$PICFLOW" -c "$CONF" forget "$ADDR"
expect_in "$T/err" "PIC-$TAG (pending)"
expect_in "$T/err" "provision or reject it first"
expect_exit 64 "$PICFLOW" -c "$CONF" forget not-an-address
expect_exit 64 "$PICFLOW" -c "$CONF" forget
expect_exit 0 "$PICFLOW" -c "$CONF" provision "$TAG" --note "federated for $ADDR"
[ "$(holds "$DB-wal")" -gt 0 ] && ok || ko "the address is not in the WAL before"

expect_exit 0 "$PICFLOW" -c "$CONF" forget "<ADMIN@contoso.COM>"
expect_in "$T/out" "forget $ADDR: 1 finished requests held it"
expect_in "$T/out" "2 raw mails deleted"
expect_in "$T/out" "queued notices cancelled"
expect_eq "$(holds "$DB")" 0 "lines of the database holding it"
expect_eq "$(holds "$DB-wal")" 0 "lines of the WAL holding it"
[ -e "$DB-wal" ] && ok || ko "the WAL should still exist (a reader holds it)"
exec 3>&-
wait $READER
expect_eq "$(sqlite3 "$DB" 'PRAGMA integrity_check')" ok "integrity"

# What stays: the request, its other contact, its history; the address
# is marked forgotten; the raw mail and the notice bodies are gone.
expect_exit 0 "$PICFLOW" -c "$CONF" show "$TAG" --json
expect_eq "$(json 'j["state"]')" provisioned "state kept"
expect_eq "$(json '[d["contact"] for d in j["sip_domains"]]')" \
    "['[forgotten]', 'it@fabrikam.com']" "contacts"
expect_eq "$(json '(j["mail"]["raw"], j["mail"]["why"], j["mail"]["kept"])')" \
    "('deleted', 'forgotten', 0)" "raw mail"
expect_eq "$(json 'j["events"][-1]["cause"]')" \
    "forget: an address was erased at the operator's request" "event"
expect_exit 0 "$PICFLOW" -c "$CONF" show "$TAG"
expect_in "$T/out" "Sender:         [forgotten]"
expect_in "$T/out" "deleted by picflow forget"
expect_in "$T/out" "federated for [forgotten]"
expect_exit 0 "$PICFLOW" -c "$CONF" outbox --json
expect_eq "$(json 'sorted(set((o["to"], o["state"]) for o in j if o["to"] != "bob@northwind.com"))')" \
    "[('[forgotten]', 'suppressed'), ('it@fabrikam.com', 'suppressed')]" "notices cancelled"
NID=$(json '[o["id"] for o in j if o["to"] == "it@fabrikam.com"][0]')
expect_exit 65 "$PICFLOW" -c "$CONF" outbox --dump "$NID"
expect_in "$T/err" "deleted by picflow forget"
# The other request is untouched, and picflow goes on.
expect_exit 0 "$PICFLOW" -c "$CONF" show "$BTAG" --json
expect_eq "$(json '(j["state"], j["sip_domains"][0]["contact"], j["mail"]["raw"])')" \
    "('pending', 'bob@northwind.com', 'whole')" "other request"
mail "$T/c.eml" carol@wingtip.com c-1@wingtip.com 'Agreement-Type: volume-licensing
Agreement-Number: 70000002
Deployment: lync-server-2013
Edge-FQDN: sip.wingtip.com
SIP-Domain: wingtip.com <carol@wingtip.com>'
expect_exit 0 "$PICFLOW" -c "$CONF" ingest "$T/c.eml"
expect_in "$T/out" "pending"
# Forgetting again finds nothing and succeeds.
expect_exit 0 "$PICFLOW" -c "$CONF" forget "$ADDR"
expect_in "$T/out" "0 finished requests held it"

# The address's edges: forgetting ol@wingtip.com leaves carol@wingtip.com.
CTAG=$(sqlite3 "$DB" "SELECT tag FROM requests WHERE sender = 'carol@wingtip.com'")
expect_exit 0 "$PICFLOW" -c "$CONF" reject "$CTAG" --reason "test"
expect_exit 0 "$PICFLOW" -c "$CONF" forget ol@wingtip.com
expect_in "$T/out" "0 finished requests held it"
expect_exit 0 "$PICFLOW" -c "$CONF" show "$CTAG" --json
expect_eq "$(json '(j["sip_domains"][0]["contact"], j["mail"]["raw"])')" \
    "('carol@wingtip.com', 'whole')" "a longer address is another address"
finish
