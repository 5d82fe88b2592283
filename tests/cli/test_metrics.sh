# tests/cli/test_metrics.sh - picflow metrics in the Prometheus text format
# (checked by promtool), its values, and [metrics] textfile written
# atomically by run.
. "$(dirname "$0")/lib.sh"
DB=$T/picflow.db
PROM=$T/prom
mkdir "$PROM"
printf '[metrics]\ntextfile = %s/picflow.prom\n' "$PROM" >> "$CONF"
command -v promtool > /dev/null || ko "promtool is not installed (Debian package prometheus)"
# value NAME{LABELS} : the sample's value in $T/out.
# (metrics copies its output to $T/m, which promtool then reads.)
value() { awk -v k="$1" '$1 == k { print $2 }' "$T/m"; }
request() {
	printf 'Agreement-Type: volume-licensing\nAgreement-Number: %s\nDeployment: lync-server-2013\nEdge-FQDN: sip.%s\nSIP-Domain: %s <admin@%s>\n' "$1" "$2" "$2" "$2"
}

# An empty database: every series is there, at 0.
expect_exit 0 "$PICFLOW" -c "$CONF" metrics
cp "$T/out" "$T/m"
expect_exit 0 promtool check metrics < "$T/m"
expect_eq "$(value 'picflow_requests{state="pending"}')" 0 "no request"
expect_eq "$(value 'picflow_outbox{state="queued"}')" 0 "no notice"
expect_eq "$(value 'picflow_oldest_pending_seconds')" 0 "nothing pending"
expect_eq "$(value 'picflow_mails_total{outcome="request"}')" 0 "no mail"
expect_eq "$(value 'picflow_last_success_timestamp_seconds{stage="tick"}')" 0 "tick never ran"
expect_in "$T/m" "# TYPE picflow_mails_total counter"

mail "$T/a.eml" admin@contoso.com a@contoso.com "$(request 61000001 contoso.com)"
mail "$T/b.eml" admin@northwind.com b@northwind.com "$(request 61000002 northwind.com)"
mail "$T/h.eml" someone@example.org h@example.org 'How do I ask for PIC?'
expect_exit 0 "$PICFLOW" -c "$CONF" ingest "$T/a.eml" "$T/b.eml" "$T/h.eml" "$T/h.eml"
A=$(sqlite3 "$DB" "SELECT tag FROM requests WHERE sender = 'admin@contoso.com'")
expect_exit 0 "$PICFLOW" -c "$CONF" provision "$A"
# 90 minutes later, a tick
expect_exit 0 env PICFLOW_NOW=2026-11-26T10:30:00Z "$PICFLOW" -c "$CONF" tick
expect_exit 0 env PICFLOW_NOW=2026-11-26T10:30:00Z "$PICFLOW" -c "$CONF" metrics
cp "$T/out" "$T/m"
expect_exit 0 promtool check metrics < "$T/m"
expect_eq "$(value 'picflow_requests{state="pending"}')" 1 "pending"
expect_eq "$(value 'picflow_requests{state="provisioned"}')" 1 "provisioned"
expect_eq "$(value 'picflow_requests{state="rejected"}')" 0 "rejected"
expect_eq "$(value 'picflow_outbox{state="queued"}')" \
    "$(sqlite3 "$DB" "SELECT count(*) FROM outbox WHERE state = 'queued'")" "queued"
expect_eq "$(value 'picflow_oldest_pending_seconds')" 5400 "oldest pending"
expect_eq "$(value 'picflow_mails_total{outcome="request"}')" 2 "request mails"
expect_eq "$(value 'picflow_mails_total{outcome="help"}')" 1 "help mail (its copy a duplicate)"
expect_eq "$(value 'picflow_last_success_timestamp_seconds{stage="tick"}')" \
    "$(date -u -d 2026-11-26T10:30:00Z +%s)" "tick's success"
expect_eq "$(value 'picflow_last_success_timestamp_seconds{stage="poll"}')" 0 "poll never ran"

# run writes the textfile: the same text, whole, no temporary left.
expect_exit 0 env PICFLOW_NOW=2026-11-26T11:00:00Z "$PICFLOW" -c "$CONF" run
expect_exit 0 promtool check metrics < "$PROM/picflow.prom"
cp "$PROM/picflow.prom" "$T/m"
expect_eq "$(value 'picflow_requests{state="pending"}')" 1 "textfile: pending"
expect_eq "$(value 'picflow_oldest_pending_seconds')" 7200 "textfile: oldest pending"
expect_eq "$(value 'picflow_last_success_timestamp_seconds{stage="tick"}')" \
    "$(date -u -d 2026-11-26T11:00:00Z +%s)" "textfile: run's tick"
expect_eq "$(ls -A "$PROM")" picflow.prom "only the textfile in its directory"
expect_eq "$(stat -c %a "$PROM/picflow.prom")" 644 "textfile mode"
expect_exit 0 env PICFLOW_NOW=2026-11-26T11:00:00Z "$PICFLOW" -c "$CONF" metrics
if cmp -s "$T/out" "$PROM/picflow.prom"; then ok; else ko "metrics and the textfile differ"; fi
# A textfile that cannot be written does not fail the run: a warning.
printf '[metrics]\ntextfile = %s/no/such/dir/picflow.prom\n' "$T" >> "$CONF"
expect_exit 0 "$PICFLOW" -c "$CONF" run
expect_in "$T/err" "metrics: [metrics] textfile"
expect_exit 64 "$PICFLOW" -c "$CONF" metrics extra
finish
