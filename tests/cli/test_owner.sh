# tests/cli/test_owner.sh - root on a database that belongs to the service's
# user (the Debian package's picflow, here nobody): every command but
# states refuses with 77 and leaves no file behind, so the service can go
# on writing; that user itself runs them. Needs root (CI runs as root).
. "$(dirname "$0")/lib.sh"
if [ "$(id -u)" -ne 0 ]; then
	echo "skipped: needs root"
	exit 0
fi
chmod 755 "$T"
D=$T/lib
mkdir "$D"
chown nobody:nogroup "$D"
# The service's own configuration: nobody's, 0600.
sed "s|^path = .*|path = $D/picflow.db|" "$CONF" > "$T/own.conf"
chown nobody:nogroup "$T/own.conf"
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
mail "$T/req.eml" "Ann Admin <admin@contoso.com>" "owner-1@contoso.com" \
    "$(printf 'Agreement-Type: volume-licensing\nAgreement-Number: 61234567\nDeployment: lync-server-2013\nEdge-FQDN: sip.contoso.com\nSIP-Domain: contoso.com <admin@contoso.com>')"
chmod 644 "$T/req.eml"

# No database yet: the directory's owner counts.
for cmd in list run ingest check-config; do
	expect_exit 77 "$PICFLOW" -c "$T/own.conf" $cmd
	expect_in "$T/err" "database $D/picflow.db belongs to nobody"
	expect_in "$T/err" "runuser -u nobody -- picflow $cmd"
done
expect_eq "$(ls -A "$D")" "" "root left no file in the directory"
expect_exit 0 "$PICFLOW" -c "$T/own.conf" states

# The service's user creates it and works on it.
expect_exit 0 as_nobody "$PICFLOW" -c "$T/own.conf" ingest "$T/req.eml"
expect_exit 0 as_nobody "$PICFLOW" -c "$T/own.conf" list
expect_in "$T/out" "pending"

# The file's owner counts once it exists, whatever its directory's.
before=$(ls -A "$D" | tr '\n' ' ')
for cmd in list send tick outbox; do
	expect_exit 77 "$PICFLOW" -c "$T/own.conf" $cmd
done
expect_exit 77 "$PICFLOW" -c "$T/own.conf" backup "$T/copy.db"
expect_eq "$(ls -A "$D" | tr '\n' ' ')" "$before" "root added no file (no lock, no journal)"
[ ! -e "$T/copy.db" ] && ok || ko "backup wrote a copy as root"
mv "$D/picflow.db" "$T/moved.db"
expect_exit 77 "$PICFLOW" -c "$CONF" --db "$T/moved.db" list
expect_in "$T/err" "database $T/moved.db belongs to nobody"

# Root's own database (every other test): no change.
expect_exit 0 "$PICFLOW" -c "$CONF" list
finish
