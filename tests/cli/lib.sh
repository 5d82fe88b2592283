# tests/cli/lib.sh - helpers for the CLI tests (sourced; POSIX sh).
# Each test gets $PICFLOW (the binary), a temp dir $T with a config $CONF.
set -u
PICFLOW=$1
T=$(mktemp -d /tmp/picflow-cli.XXXXXX)
trap 'rm -rf "$T"' EXIT
CONF=$T/picflow.conf
cat > "$CONF" <<EOC
[database]
path = $T/picflow.db
[smtp]
from = provisioning@pic.example.net
from_name = PIC Provisioning
[operator]
address = noc@pic.example.net
[policy]
confirm_contacts = no
[dns]
check = off
EOC
chmod 600 "$CONF"
export PICFLOW_NOW=2026-11-26T09:00:00Z
pass=0
fail=0

ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

# expect_exit CODE CMD... : runs CMD, checks its exit code.
expect_exit() {
	want=$1; shift
	"$@" > "$T/out" 2> "$T/err"
	got=$?
	if [ "$got" = "$want" ]; then ok; else
		ko "exit $got (want $want): $* -- $(head -c 300 "$T/err")"
	fi
}

# expect_in FILE TEXT : FILE contains TEXT.
expect_in() {
	if grep -qF -- "$2" "$1"; then ok; else
		ko "'$2' not in $1: $(head -c 300 "$1")"; fi
}

# json EXPR : evaluates a Python expression over the JSON in $T/out (as j).
json() {
	python3 -c "import json,sys; j=json.load(open('$T/out')); print($1)"
}

expect_eq() {
	if [ "$1" = "$2" ]; then ok; else ko "got '$1', want '$2' ($3)"; fi
}

# mail FILE FROM MSGID BODY : writes a request mail.
mail() {
	printf 'From: %s\r\nTo: provisioning@pic.example.net\r\nSubject: PIC request\r\nMessage-ID: <%s>\r\nDate: Thu, 26 Nov 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n%s\n' "$2" "$3" "$4" > "$1"
}

finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ]
}
