# tests/cli/test_language.sh - the sentences are templates: every reason
# code has a sentence in every language directory, and a language added
# as a directory (no C change) is written in when a request asks for it.
. "$(dirname "$0")/lib.sh"
TPL=${PICFLOW_TEMPLATES:-$(dirname "$0")/../../mailtemplates}

# The codes each reasons.txt gives a sentence ("code:" or "code/bare:").
codes() { sed -n 's/^\([a-z0-9-]*\)\(\/bare\)\{0,1\}:.*/\1/p' "$1" | sort -u; }
codes "$TPL/en/reasons.txt" > "$T/en.codes"
[ "$(wc -l < "$T/en.codes")" -ge 30 ] && ok || ko "en/reasons.txt: too few codes"
for f in "$TPL"/*/reasons.txt; do
	codes "$f" > "$T/lang.codes"
	missing=$(comm -23 "$T/en.codes" "$T/lang.codes" | tr '\n' ' ')
	extra=$(comm -13 "$T/en.codes" "$T/lang.codes" | tr '\n' ' ')
	expect_eq "$missing$extra" "" "codes of $f against en (missing, extra)"
done
# Every code the C sources give a reason or a warning has its sentence.
SRC=$(dirname "$0")/../../src
grep -ho 'reasons_add([^,]*, "[a-z-]*"\|rv_[a-z_]*(c, "[a-z-]*"\|"warning-[a-z-]*"' "$SRC"/*.c |
    sed 's/.*"\([a-z-]*\)"/\1/' | sort -u > "$T/src.codes"
[ "$(wc -l < "$T/src.codes")" -ge 20 ] && ok || ko "found too few codes in src"
expect_eq "$(comm -23 "$T/src.codes" "$T/en.codes" | tr '\n' ' ')" "" \
    "codes in src without a sentence"

# A new language by a directory alone: "xx" translates one sentence and
# one notice; the rest falls back to English.
cp -r "$TPL" "$T/tpl"
mkdir "$T/tpl/xx"
{ echo "bad-edge-fqdn: XX-SENTENCE {d} XX."; echo "default: XX-DEFAULT {c}."; } \
    > "$T/tpl/xx/reasons.txt"
sed 's/^Hello,$/XX-HELLO,/' "$TPL/en/rejection.txt" > "$T/tpl/xx/rejection.txt"
cat >> "$CONF" <<EOC
[templates]
dir = $T/tpl
EOC
BAD='Language: xx
Agreement-Type: volume-licensing
Agreement-Number: 61234567
Deployment: lync-server-2013
Edge-FQDN: sip.contoso.com:5061
SIP-Domain: contoso.com <admin@contoso.com>'
mail "$T/bad.eml" admin@contoso.com lang-1@contoso.com "$BAD"
expect_exit 0 "$PICFLOW" -c "$CONF" ingest "$T/bad.eml"
expect_in "$T/out" rejected
expect_exit 0 "$PICFLOW" -c "$CONF" list --json
expect_eq "$(json 'j[0]["language"]')" xx "the request's language"
expect_exit 0 "$PICFLOW" -c "$CONF" outbox --json
NID=$(json 'j[0]["id"]')
expect_exit 0 "$PICFLOW" -c "$CONF" outbox --dump "$NID"
python3 - "$T/out" > "$T/notice" <<'EOP'
import email, sys
m = email.message_from_binary_file(open(sys.argv[1], 'rb'))
print('Content-Language:', m['Content-Language'])
print(m.get_payload(decode=True).decode('utf-8'))
EOP
expect_in "$T/notice" "Content-Language: xx"
expect_in "$T/notice" "XX-HELLO,"
expect_in "$T/notice" "[bad-edge-fqdn] XX-SENTENCE sip.contoso.com:5061 XX."
# a language without that file: en's notice, fr's not involved
sed -i 's/^Language: xx$/Language: yy/' "$T/bad.eml"
sed -i 's/lang-1@/lang-2@/' "$T/bad.eml"
expect_exit 0 "$PICFLOW" -c "$CONF" ingest "$T/bad.eml"
expect_exit 0 "$PICFLOW" -c "$CONF" list --json
expect_eq "$(json '[r["language"] for r in j]')" "['xx', 'en']" \
    "an unknown language is not taken"
# default_language may name the new directory, and a missing one is refused
sed -i '/^\[templates\]/i [policy]\ndefault_language = xx' "$CONF"
expect_exit 0 "$PICFLOW" -c "$CONF" list
sed -i 's/^default_language = xx$/default_language = zz/' "$CONF"
expect_exit 78 "$PICFLOW" -c "$CONF" list
expect_in "$T/err" "default_language = zz"
finish
