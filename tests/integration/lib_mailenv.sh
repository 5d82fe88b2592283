# lib_mailenv.sh - the start every integration test shares, sourced first by lib_poll.sh
# and send_lib.sh (not a test itself: CTest's pattern is test_*.sh).
#
# $1 is the picflow binary (CTest passes it); $MAILENV the mailenv script. Unless already
# inside one, the test re-runs itself under "mailenv with", which starts a fresh Dovecot +
# Postfix and always stops them (MAILENV_DOVECOT_EXTRA / MAILENV_POSTFIX_EXTRA, exported
# before sourcing, reach that start). Then: PICFLOW, SOURCE_DIR, WORK (a temp dir removed
# at exit) and the reporting helpers:
#   ok/fail DESCRIPTION, check DESCRIPTION CMD... (CMD must succeed; its output, kept in
#   $WORK/check.out, is shown when it does not), finish (the tally; the exit status);
#   picflow_conf, the one writer of a picflow configuration for these servers (below).
set -euo pipefail

PICFLOW=$(readlink -f "${1:?usage: ${BASH_SOURCE[-1]##*/} PICFLOW_BINARY}")
export PICFLOW
MAILENV=${MAILENV:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../mailenv" && pwd)/mailenv}
export MAILENV
if [[ -z ${MAILENV_DIR:-} ]]; then
	exec bash "$MAILENV" with bash "${BASH_SOURCE[-1]}" "$PICFLOW"
fi
SOURCE_DIR=${SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
export PICFLOW_TEMPLATES=${PICFLOW_TEMPLATES:-$SOURCE_DIR/mailtemplates}
unset PICFLOW_NOW PICFLOW_CONFIG

WORK=$(mktemp -d /tmp/picflow-test.XXXXXX)
export WORK
trap 'rm -rf "$WORK"' EXIT
passed=0 failed=0

ok()   { passed=$((passed + 1)); echo "ok   - $*"; }
fail() { failed=$((failed + 1)); echo "FAIL - $*"; }
check() {
	local what=$1; shift
	if "$@" >"$WORK/check.out" 2>&1; then ok "$what"; else fail "$what"; sed 's/^/       /' "$WORK/check.out"; fi
}
finish() { echo "$passed passed, $failed failed"; (( failed == 0 )); }

# picflow_conf FILE SECTIONS [SECTION.KEY=VALUE ...]: writes a picflow configuration for
# the mailenv servers to FILE (mode 600). SECTIONS (comma-separated, from imap, smtp,
# operator, policy) are written with the defaults below, [database], [policy] (with
# confirm_contacts = no) and [templates]
# always; a pair sets or overrides a key (of any section), and an empty VALUE leaves the
# key out. Defaults: IMAPS to the mailenv Dovecot and STARTTLS to its Postfix, both
# verified against its CA, the provisioning user's password from a private copy.
picflow_conf() {
	local f=$1 sections=",database,policy,$2,templates,dns," kv k sec key; shift 2
	local -A v=(
		[database.path]=${f%.*}.db
		[imap.host]=127.0.0.1 [imap.port]=$IMAPS_PORT [imap.security]=tls
		[imap.user]=provision@example.test [imap.password_file]=$WORK/password
		[imap.ca_file]=$CA_FILE [imap.mailbox]=INBOX [imap.processed_mailbox]=Processed
		[imap.failed_mailbox]=Failed [imap.batch_size]=200 [imap.timeout]=10
		[smtp.host]=127.0.0.1 [smtp.port]=$SMTP_PORT [smtp.security]=starttls
		[smtp.ca_file]=$CA_FILE [smtp.from]=provisioning@example.test [smtp.timeout]=10
		[operator.address]=noc@example.test
		[templates.dir]=$PICFLOW_TEMPLATES
		# tests of confirmation (SPEC 6) pass policy.confirm_contacts=yes
		[policy.confirm_contacts]=no
		# no DNS lookups unless a test asks for them (SPEC 8)
		[dns.check]=off
	)
	[[ -e $WORK/password ]] || install -m 600 "$MAIL_PASSWORD_FILE" "$WORK/password"
	for kv in "$@"; do
		k=${kv%%=*}
		[[ $k == *.* ]] || { echo "picflow_conf: bad pair $kv" >&2; return 1; }
		v[$k]=${kv#*=}
		[[ $sections == *",${k%%.*},"* ]] || sections+="${k%%.*},"
	done
	{
		for sec in database imap smtp operator policy templates dns $(tr ',' '\n' <<<"$sections" |
			grep -vxE 'database|imap|smtp|operator|policy|templates|dns|'); do
			[[ $sections == *",$sec,"* ]] || continue
			printf '[%s]\n' "$sec"
			for k in "${!v[@]}"; do
				key=${k#*.}
				[[ ${k%%.*} == "$sec" && -n ${v[$k]} ]] && printf '%s = %s\n' "$key" "${v[$k]}"
			done
			printf '\n'
		done
	} > "$f"
	chmod 600 "$f"
}
