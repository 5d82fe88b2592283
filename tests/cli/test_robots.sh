# test_robots.sh - automatic mail and bounces as the operator sees them
# (SPEC 7): every sample of tests/data/robots is recorded, listed with its
# kind by list --mail / --robots, explained by show --mail, answered by
# nobody; a bounce of a verify notice makes show tell which contact is
# unreachable and that the request cannot be confirmed; one alert.
. "$(dirname "$0")/lib.sh"
ROBOTS=$TEST_DATA_DIR/robots
sed -i 's/^confirm_contacts = no$/confirm_contacts = yes/' "$CONF"
P() { "$PICFLOW" -c "$CONF" "$@"; }
q() { sqlite3 "$T/picflow.db" "$1"; }

# a request whose contact must confirm, its verify notice sent
mail "$T/req.eml" admin@contoso.com req1@contoso.com "Agreement-Type: volume-licensing
Agreement-Number: 61234567
Deployment: lync-server-2013
Edge-FQDN: sip.contoso.com
SIP-Domain: contoso.com
Contact: admin@contoso.com"
expect_exit 0 P ingest "$T/req.eml"
expect_exit 0 P list --json
tag=$(json 'j[0]["tag"]')
expect_eq "$(json 'j[0]["state"]')" confirming "the request waits for its contact"
mid=$(q "SELECT message_id FROM outbox WHERE template = 'verify'")
q "UPDATE outbox SET state = 'sent', attempts = 1 WHERE template = 'verify'"
notices=$(q "SELECT count(*) FROM outbox")

# the whole corpus, quoting nothing of ours: recorded, never answered
n=0
for f in "$ROBOTS"/*.eml; do
	sed -e "s/@@TAG@@/$tag/g" -e 's/@@TOKEN@@/AAAAAAAAAAAAAAAAAAAAAAAAAA/g' \
	    -e 's/@@MSGID@@/none@example.org/g' "$f" > "$T/r$n.eml"
	n=$((n + 1))
done
expect_exit 0 P ingest "$T"/r*.eml
expect_eq "$(q "SELECT count(*) FROM outbox")" "$notices" "no reply to any robot"
expect_exit 0 P list --robots --json
expect_eq "$(json 'len(j)')" "$n" "every robot listed"
expect_eq "$(json 'sorted(set(m["robot"] for m in j))')" \
    "['bounce', 'bulk', 'feedback', 'list', 'no-reply', 'notification', 'read-receipt', 'vacation']" \
    "the kinds"
expect_eq "$(json 'all(m["outcome"] == "ignored" and m["robot_text"] for m in j)')" \
    True "each ignored, each with its sentence"
expect_exit 0 P list --mail
expect_in "$T/out" "KIND"
expect_in "$T/out" "vacation"
expect_in "$T/out" "admin@contoso.com"
expect_eq "$(P list --mail --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" \
    "$((n + 1))" "list --mail: the request too"

# one vacation reply, explained
vid=$(q "SELECT id FROM inbound WHERE robot = 'vacation' ORDER BY id LIMIT 1")
expect_exit 0 P show --mail "$vid"
expect_in "$T/out" "Automatic:      vacation"
expect_in "$T/out" "never taken as a confirmation"
expect_exit 0 P show "$tag" --json
expect_eq "$(json 'j["state"]')" confirming "no robot confirmed"

# Exim's bounce of the verify notice
sed -e "s/@@TAG@@/$tag/g" -e 's/@@TOKEN@@/AAAA/g' -e "s/@@MSGID@@/$mid/g" \
    -e 's/admin@fabrikam.example/admin@contoso.com/g' \
    -e 's/E1tAbCd-000123-Xy@/E1tAbCd-000999-Xy@/' \
    "$ROBOTS/bounce--exim.eml" > "$T/bounce.eml"
expect_exit 0 P ingest "$T/bounce.eml"
expect_eq "$(q "SELECT state FROM outbox WHERE template = 'verify'")" bounced \
    "the verify notice bounced"
expect_eq "$(q "SELECT count(*) FROM outbox WHERE template = 'alert'")" 1 \
    "one alert"
expect_in "$T/err" "notice bounced"
bid=$(q "SELECT max(id) FROM inbound")
expect_exit 0 P show --mail "$bid"
expect_in "$T/out" "Report:         failed 5.1.1 for the verify notice"
expect_exit 0 P show "$tag"
expect_in "$T/out" "Unreachable:    admin@contoso.com  (verify notice"
expect_in "$T/out" "came back undeliverable"
expect_in "$T/out" "Cannot confirm: [confirmation-bounced]"
expect_in "$T/out" "contact admin@contoso.com unreachable"
expect_exit 0 P show "$tag" --json
expect_eq "$(json 'j["unreachable"][0]["to"]')" admin@contoso.com "json: who"
expect_eq "$(json 'j["unreachable"][0]["status"]')" 5.1.1 "json: status"
expect_eq "$(json 'j["confirmation_bounced"][0]["address"]')" \
    admin@contoso.com "json: cannot confirm"
expect_exit 0 P outbox
expect_in "$T/out" "bounced"
# the same report again (another copy): nothing more
sed -i 's/E1tAbCd-000999-Xy@/E1tAbCd-000998-Xy@/' "$T/bounce.eml"
expect_exit 0 P ingest "$T/bounce.eml"
expect_eq "$(q "SELECT count(*) FROM outbox WHERE template = 'alert'")" 1 \
    "still one alert"

# in French
sed -i 's/^\[policy\]$/[policy]\ndefault_language = fr/' "$CONF"
expect_exit 0 P show --mail "$vid"
expect_in "$T/out" "jamais prise pour une confirmation"

# every kind robot.c names, and the bounce sentences, in every language
kinds=$(sed -n 's/^\t\[ROBOT_[A-Z]*\] = "\([a-z-]*\)",$/robot-\1/p' "$SOURCE_DIR/src/robot.c")
expect_eq "$(echo "$kinds" | wc -l)" 9 "robot.c's kinds"
for f in "$SOURCE_DIR"/mailtemplates/*/reasons.txt; do
	for code in $kinds contact-unreachable confirmation-bounced; do
		grep -q "^$code:" "$f" && ok || ko "$f: no sentence for $code"
	done
done

# bad ids
expect_exit 65 P show --mail 99999
expect_exit 64 P show --mail abc
expect_exit 64 P list --mail --state pending
finish
