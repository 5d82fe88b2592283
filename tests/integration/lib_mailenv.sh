# lib_mailenv.sh - the start every integration test shares, sourced first by lib_poll.sh
# and send_lib.sh (not a test itself: CTest's pattern is test_*.sh).
#
# $1 is the picflow binary (CTest passes it); $MAILENV the mailenv script. Unless already
# inside one, the test re-runs itself under "mailenv with", which starts a fresh Dovecot +
# Postfix and always stops them (MAILENV_DOVECOT_EXTRA / MAILENV_POSTFIX_EXTRA, exported
# before sourcing, reach that start). Then: PICFLOW, SOURCE_DIR, WORK (a temp dir removed
# at exit) and the reporting helpers:
#   ok/fail DESCRIPTION, check DESCRIPTION CMD... (CMD must succeed; its output, kept in
#   $WORK/check.out, is shown when it does not), finish (the tally; the exit status).
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
