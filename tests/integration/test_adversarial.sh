#!/usr/bin/env bash
# test_adversarial.sh - a 100 MB mail (issue 7), through `picflow ingest` (a file and a
# pipe, as an MTA delivers) and through `picflow poll`: rejected unread with a notice that
# names its size, recorded once, moved out of the INBOX, and picflow's memory stays
# bounded (peak RSS measured) whatever the size. The other hostile shapes are unit tests
# (tests/unit/test_adversarial.c, test_ingest.c, test_mime_text.c) and fuzz targets.
# Usage: test_adversarial.sh PICFLOW_BINARY
source "$(dirname "${BASH_SOURCE[0]}")/lib_poll.sh" "$@"
export PICFLOW_NOW=2026-11-26T09:00:00Z
RSS_MAX_KB=$((64 * 1024))
conf

# big FILE N MSGID: a request mail followed by N MB of text (lines of 100 bytes).
big() {
	{
		printf 'From: Big Sender <big@contoso.example>\r\nTo: %s\r\nSubject: huge\r\n' "$USER_ADDR"
		printf 'Message-ID: <%s>\r\nContent-Type: text/plain\r\n\r\n' "$3"
		printf 'Action: help\r\n'
		python3 -c "
import sys
line = b'x' * 98 + b'\r\n'
block = line * 10486
for _ in range($2):
    sys.stdout.buffer.write(block)"
	} > "$1"
}
# peak_rss CMD...: run CMD (stdin from $IN if set), print its exit status and peak RSS (KB).
peak_rss() {
	python3 - "$@" <<-'PY'
	import os, resource, subprocess, sys
	stdin = open(os.environ["IN"], "rb") if os.environ.get("IN") else subprocess.DEVNULL
	rc = subprocess.call(sys.argv[1:], stdin=stdin, stdout=subprocess.DEVNULL)
	print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
	PY
}
too_big_once() {  # MSGID: one inbound row, too-big, and one rejection naming the size
	local mid=$1
	[[ $(sql "SELECT count(*) FROM inbound WHERE message_id = '$mid' AND outcome = 'too-big'") == 1 ]] &&
		[[ $(sql "SELECT length(raw) <= 65536 FROM inbound WHERE message_id = '$mid'") == 1 ]] &&
		pf outbox --json | python3 -c '
import json, subprocess, sys
rows = [r for r in json.load(sys.stdin) if r["template"] == "rejection" and r["to"] == "big@contoso.example"]
assert rows, "no rejection"
print(rows[-1]["subject"])'
}

big "$WORK/big1.eml" 100 big1@contoso.example
read -r rc rss < <(peak_rss "$PICFLOW" -c "$CONF" ingest "$WORK/big1.eml")
echo "     ingest of a $(( $(stat -c %s "$WORK/big1.eml") / 1048576 )) MB file: exit $rc, peak RSS $((rss / 1024)) MB"
check "ingest FILE, 100 MB: exit 0, memory bounded (< $((RSS_MAX_KB / 1024)) MB)" \
	bash -c "[[ $rc == 0 ]] && (( $rss < $RSS_MAX_KB ))"
check "...recorded once as too big, 64 KB of it kept, the sender told" too_big_once big1@contoso.example
check "...the rejection names the size" bash -c "
	id=\$('$PICFLOW' -c '$CONF' outbox --json | python3 -c 'import json,sys; print([r[\"id\"] for r in json.load(sys.stdin) if r[\"template\"] == \"rejection\"][-1])')
	'$PICFLOW' -c '$CONF' outbox --dump \$id | grep -q 'message-too-big'"

big "$WORK/big2.eml" 100 big2@contoso.example
read -r rc rss < <(IN="$WORK/big2.eml" peak_rss "$PICFLOW" -c "$CONF" ingest)
echo "     ingest of 100 MB from a pipe: exit $rc, peak RSS $((rss / 1024)) MB"
check "ingest from stdin (an MTA pipe), 100 MB: exit 0, memory bounded" \
	bash -c "[[ $rc == 0 ]] && (( $rss < $RSS_MAX_KB ))"
check "...recorded once as too big" too_big_once big2@contoso.example

big "$WORK/big3.eml" 100 big3@contoso.example
"$MAILENV" deliver "$MAILENV_DIR" "$USER_ADDR" "$WORK/big3.eml"
rm -f "$WORK/big1.eml" "$WORK/big2.eml"
read -r rc rss < <(peak_rss "$PICFLOW" -c "$CONF" poll)
echo "     poll of a 100 MB mail: exit $rc, peak RSS $((rss / 1024)) MB"
check "poll, 100 MB: exit 0, memory bounded" bash -c "[[ $rc == 0 ]] && (( $rss < $RSS_MAX_KB ))"
check "...recorded once as too big" too_big_once big3@contoso.example
check "...moved out of the INBOX" test "$(count):$(count Processed)" = "0:1"
check "...and a second poll does nothing" bash -c "[[ \$('$PICFLOW' -c '$CONF' poll 2>&1) == *'0 recorded'* || \$? == 0 ]] && [[ \$(sqlite3 '$DB' 'SELECT count(*) FROM inbound') == 3 ]]"
finish
