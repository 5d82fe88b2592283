# tests/cli/test_valgrind.sh - no leak and no memory error under valgrind
# for ingest, tick, show, list, outbox, provision, backup,
# forget and metrics.
. "$(dirname "$0")/lib.sh"

if ldd "$PICFLOW" | grep -q libasan; then
	# ASan and valgrind exclude each other; the ASan build has its own
	# leak checker, which the other tests exercise.
	echo "sanitizer build: valgrind not applicable"
	finish
	exit $?
fi
# --trace-children: picflow execs picflow-mail for ingest, tick and provision.
VG="valgrind -q --trace-children=yes --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99"
mail "$T/m.eml" admin@contoso.com vg-1@contoso.com 'Agreement-Type: volume-licensing
Agreement-Number: 61234567
Deployment: hybrid
Online-External-Communications: disabled
Edge-FQDN: sip.contoso.com
SIP-Domain: contoso.com <admin@contoso.com>
SIP-Domain: fabrikam.com <it@fabrikam.com>'
mail "$T/bad.eml" eve@example.org vg-2@example.org 'Agreement-Number: x
Edge-FQDN: -x-
SIP-Domain: user@contoso.com'
expect_exit 0 $VG "$PICFLOW" -c "$CONF" ingest "$T/m.eml" "$T/bad.eml"
expect_exit 0 "$PICFLOW" -c "$CONF" list --json
TAG=$(json 'j[0]["tag"]')
expect_exit 0 env PICFLOW_NOW=2027-01-01T00:00:00Z $VG "$PICFLOW" -c "$CONF" tick
expect_in "$T/out" "1 overdue"
expect_exit 0 $VG "$PICFLOW" -c "$CONF" show "$TAG"
expect_exit 0 $VG "$PICFLOW" -c "$CONF" show "$TAG" --json
expect_exit 0 $VG "$PICFLOW" -c "$CONF" list --json
expect_exit 0 $VG "$PICFLOW" -c "$CONF" outbox
expect_exit 0 $VG "$PICFLOW" -c "$CONF" outbox --json
expect_exit 0 $VG "$PICFLOW" -c "$CONF" outbox --dump 1
expect_exit 0 $VG "$PICFLOW" -c "$CONF" provision "$TAG" --note ok
expect_exit 65 $VG "$PICFLOW" -c "$CONF" provision "$TAG"
expect_exit 0 $VG "$PICFLOW" -c "$CONF" backup "$T/b.db"
expect_exit 0 $VG "$PICFLOW" -c "$CONF" metrics
expect_exit 0 $VG "$PICFLOW" -c "$CONF" forget it@fabrikam.com
expect_exit 0 $VG "$PICFLOW" -c "$CONF" show "$TAG"
expect_exit 65 $VG "$PICFLOW" -c "$CONF" outbox --dump 1
expect_exit 0 env PICFLOW_NOW=2028-01-01T00:00:00Z $VG "$PICFLOW" -c "$CONF" tick
finish
