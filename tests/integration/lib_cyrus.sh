# lib_cyrus.sh - sourced by the integration tests against Cyrus IMAP (not a test itself).
#
# Usage, first line of a test:  source "$(dirname "${BASH_SOURCE[0]}")/lib_cyrus.sh" "$@"
# The test runs under "cyrusenv with" (a private Cyrus IMAP 3.6, traditional namespace unless
# CYRUSENV_ALTNAMESPACE / CYRUSENV_UNIXHIERARCHYSEP are exported before sourcing), then as
# every poll test does (lib_poll.sh: mailenv, WORK, CONF, DB, check/ok/fail/finish,
# request_mail, sql). Then:
#   cyrus_conf [CONF_KEY=VALUE...]  write $CONF for the Cyrus (IMAPS, verified against its
#                                   CA; [smtp] only "from": no send), picflow_conf's pairs
#                                   to change or add keys
#   ccount [MAILBOX]                messages in a mailbox of the provisioning user, as Cyrus
#                                   names it (default INBOX)
#   cdeliver FILE...                deliver to the provisioning user's INBOX by LMTP
CYRUSENV=${CYRUSENV:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../mailenv" && pwd)/cyrusenv}
export CYRUSENV
if [[ -z ${CYRUS_DIR:-} ]]; then
	exec bash "$CYRUSENV" with bash "${BASH_SOURCE[-1]}" "$@"
fi
# shellcheck source=lib_poll.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib_poll.sh" "$@"

cyrus_conf() {
	picflow_conf "$CONF" imap,smtp,operator,policy database.path="$DB" \
		imap.port="$CYRUS_IMAPS_PORT" imap.ca_file="$CYRUS_CA_FILE" \
		imap.password_file="$PASSWORD_FILE" templates.dir= smtp.host= smtp.port= \
		smtp.security= smtp.ca_file= smtp.timeout= "$@"
}
ccount() { "$CYRUSENV" count "$CYRUS_DIR" "$USER_ADDR" "${1:-INBOX}"; }
cdeliver() { "$CYRUSENV" deliver "$CYRUS_DIR" "$USER_ADDR" "$@"; }
