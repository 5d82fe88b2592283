#!/usr/bin/env bash
# test_crash_run.sh - `picflow run` killed with SIGKILL at 50+ random moments of its poll,
# hook, tick and send stages over a live backlog (issue 7), rerun each time, then checked
# against the mailboxes themselves:
#   - every mail delivered to the provisioning mailbox recorded exactly once (one inbound
#     row, one request per request mail), and moved to Processed;
#   - every notice the outbox says was sent is in its recipient's Dovecot mailbox at least
#     once and at most twice (counted by Message-ID), nothing else from us is there, and
#     nothing suppressed went out;
#   - no notice done twice (one confirmation/completion/delay/rejection per request and
#     recipient);
#   - each request's events form a path of the transition table (`picflow states`) ending
#     in its current state;
#   - PRAGMA integrity_check is ok.
# Mails arrive in waves while the clock (PICFLOW_NOW) moves 16 hours a run, so that the
# hook provisions, rejects or postpones requests, provisioning deadlines fire (alerts and
# delay notices), split-domain cooldowns hold and release requests, updates supersede
# provisioned requests, and status, help and replies are answered.
# A kill lands: after a random delay; as the run logs its k-th mail, hook outcome or sent
# notice (picflow -v); or, with strace, as tick renders its k-th delay notice, or as the
# run enters its k-th fdatasync (a commit).
# CRASH_SEED=N reproduces a run's choices.
# Usage: test_crash_run.sh PICFLOW_BINARY
source "$(dirname "${BASH_SOURCE[0]}")/lib_poll.sh" "$@"

SEED=${CRASH_SEED:-$(( $(date +%s) % 32768 ))}
RANDOM=$SEED
echo "# seed $SEED (CRASH_SEED=$SEED reproduces the kill choices)"
ITER=64          # steps of the clock, each with a run killed (a second try if the first ended)
WAVES=10         # a wave of mail every other run, from the first
STEP=$((16 * 3600))
T0=$(date -u -d 2026-11-26T09:00:00Z +%s)

# The hook: by the last digit of the agreement number, 0-3 provisioned, 4-5 rejected,
# 6-9 "try later" (those stay pending until their deadline fires).
cat > "$WORK/hook.sh" <<'EOF'
j=$(cat)
n=$(printf '%s' "$j" | sed -n 's/.*"agreement_number":"\([^"]*\)".*/\1/p')
case $n in
*[0-3]) exit 0 ;;
*[45]) echo "refused by the test hook" >&2; exit 65 ;;
*) exit 75 ;;
esac
EOF
conf BATCH=10
sed -i "s|^\[smtp\]|[smtp]\nhost = 127.0.0.1\nport = $SMTP_PORT\nsecurity = starttls\nca_file = $CA_FILE\ntimeout = 10|" "$CONF"
printf '[hook]\nprovision_command = sh %s\ntimeout = 20\n' "$WORK/hook.sh" >> "$CONF"

base_inbox=$(count)
mkdir -p "$WORK/mails"
: > "$WORK/msgids"        # Message-IDs of every mail we deliver
: > "$WORK/request_msgids"  # ... of those that make a request

# mail NAME FROM SUBJECT BODY [KIND]: write and deliver one mail; KIND "request" records it
# as one that must make exactly one request.
mail_to_pic() {
	local name=$1 from=$2 subject=$3 body=$4 kind=${5:-other} mid
	mid="$name.$$@crash.test"
	printf 'From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s>\r\nDate: Thu, 26 Nov 2026 05:00:00 +0000\r\n\r\n%s' \
		"$from" "$USER_ADDR" "$subject" "$mid" "$body" > "$WORK/mails/$name.eml"
	echo "$mid" >> "$WORK/msgids"
	[[ $kind != request ]] || echo "$mid" >> "$WORK/request_msgids"
	echo "$WORK/mails/$name.eml"
}

req_body() {  # agreement domain contact [deployment] [online-ext] [action] [edge]
	local a=$1 d=$2 c=$3 dep=${4:-lync-server-2013} ext=${5:-} act=${6:-provision} e=${7:-sip.$2}
	printf 'Action: %s\r\nAgreement-Type: volume-licensing\r\nAgreement-Number: %s\r\nDeployment: %s\r\nEdge-FQDN: %s\r\nSIP-Domain: %s\r\nContact: %s\r\n' \
		"$act" "$a" "$dep" "$e" "$d" "$c"
	[[ -z $ext ]] || printf 'Online-External-Communications: %s\r\n' "$ext"
}

wave() {
	local w=$1 i n files=() tag
	for i in $(seq 0 9); do
		n=$(printf '7%02d00%d' "$w" "$i")
		files+=("$(mail_to_pic "w$w-r$i" "admin@a$n.example" "PIC request" \
			"$(req_body "$n" "a$n.example" "admin@a$n.example")" request)")
	done
	files+=("$(mail_to_pic "w$w-bad" "it@bad$w.example" "PIC request" \
		"$(req_body "7${w}99990" "bad$w.example" "it@bad$w.example" lync-server-2013 "" provision "not_a_host")" request)")
	files+=("$(mail_to_pic "w$w-help" "who@curious$w.example" "hello" "What is this service?\r\n")")
	# split domain: rejected (external communications on), then held for the cooldown
	files+=("$(mail_to_pic "w$w-hyb1" "admin@h$w.example" "PIC request" \
		"$(req_body "79${w}0001" "h$w.example" "admin@h$w.example" hybrid enabled)" request)")
	files+=("$(mail_to_pic "w$w-hyb2" "admin@h$w.example" "PIC request again" \
		"$(req_body "79${w}0001" "h$w.example" "admin@h$w.example" hybrid disabled)" request)")
	files+=("$(mail_to_pic "w$w-stranger" "nosy@other$w.example" "status" \
		"Action: status\r\nAgreement-Number: 7000000\r\n")")
	if (( w >= 1 )); then
		n=$(printf '7%02d000' $((w - 1)))
		files+=("$(mail_to_pic "w$w-status" "admin@a$n.example" "status" \
			"Action: status\r\nAgreement-Number: $n\r\n")")
		tag=$(sql "SELECT tag FROM requests ORDER BY created_at, id LIMIT 1 OFFSET $((w * 3))" 2>/dev/null || true)
		[[ -z $tag ]] || files+=("$(mail_to_pic "w$w-reply" "admin@a$n.example" \
			"Re: [PIC-$tag] Your request" "Thanks, when will it be done?\r\n")")
	fi
	if (( w >= 2 )); then
		n=$(printf '7%02d001' $((w - 2)))
		files+=("$(mail_to_pic "w$w-update" "admin@a$n.example" "PIC update" \
			"$(req_body "$n" "a$n.example" "admin@a$n.example" lync-server-2013 "" update "edge2.a$n.example")" request)")
	fi
	"$MAILENV" deliver "$MAILENV_DIR" "$USER_ADDR" "${files[@]}"
}

declare -A kills=([poll]=0 [hook]=0 [tick]=0 [send]=0 [start]=0)
killed=0 attempts=0 last_ms=1500

# stage_of LOG: the stage a killed run was in, from its last log line (for strace kills).
stage_of() {
	local last
	last=$(grep -v '^ *$' "$1" | tail -n 1)
	case $last in
	*"smtp: "*) echo send ;;
	*"alert (overdue"*|*"request "*" held by"*|*"split-domain cooldown over"*) echo tick ;;
	*"hook: "*|*"alert (hook"*) echo hook ;;
	*"mail <"*|*"request "*" accepted"*|*"IMAP "*|*"alert (forwarded"*) echo poll ;;
	*) echo start ;;
	esac
}

# stage_now PID LOG: the stage a running picflow is in: a child is the hook; a connection
# to Dovecot is poll, to Postfix send; otherwise its last log line tells.
stage_now() {
	local pid=$1 fd ino port
	if [[ -n $(ps -o pid= --ppid "$pid" 2>/dev/null) ]]; then echo hook; return; fi
	for fd in /proc/"$pid"/fd/*; do
		ino=$(readlink "$fd" 2>/dev/null) || continue
		[[ $ino == socket:* ]] || continue
		ino=${ino#socket:[}; ino=${ino%]}
		port=$(awk -v i="$ino" '$10 == i { split($3, a, ":"); print a[2] }' /proc/net/tcp 2>/dev/null | head -n 1)
		[[ -n $port ]] || continue
		case $((16#$port)) in
		"$IMAPS_PORT") echo poll; return ;;
		"$SMTP_PORT") echo send; return ;;
		esac
	done
	stage_of "$2"
}

# wait_lines PID LOG PATTERN K: until LOG has K lines matching PATTERN (or PID ended).
wait_lines() {
	local pid=$1 log=$2 pat=$3 k=$4
	while kill -0 "$pid" 2>/dev/null; do
		(( $(grep -c -- "$pat" "$log" 2>/dev/null || true) >= k )) && return 0
		sleep 0.003
	done
	return 1
}

# one_run [HOW]: one `picflow -v run`, killed at a moment chosen at random. HOW 0: after a
# random delay; 1, 2, 4: as it logs its k-th mail, hook outcome or notice sent (stopped at
# once with SIGSTOP, its stage read, then killed); with strace, 3: as it opens the delay
# notice's template for the k-th time (inside tick, which fires deadlines in batches,
# before their commit), 5: as it enters its k-th fdatasync (a commit).
one_run() {
	local how=${1:-$((RANDOM % 6))} pid rc=0 log=$WORK/run.log t0 k st=start
	: > "$log"
	t0=$(date +%s%N)
	if (( how == 3 || how == 5 )) && command -v strace >/dev/null; then
		if (( how == 3 )); then
			# Until one has landed, at the first delay notice: any run that fires a
			# deadline renders one, so the kill cannot miss for want of a third.
			k=1; (( kills[tick] > 0 )) && k=$((1 + RANDOM % 3))
			strace -o /dev/null -P "$PICFLOW_TEMPLATES/en/delay.txt" -e trace=openat \
				-e inject=openat:signal=KILL:when="$k" \
				"$PICFLOW" -v -c "$CONF" run >/dev/null 2>"$log" || rc=$?
			how="delay notice #$k" st=tick
		else
			k=$((1 + RANDOM % 14))
			strace -o /dev/null -e trace=fdatasync -e inject=fdatasync:signal=KILL:when="$k" \
				"$PICFLOW" -v -c "$CONF" run >/dev/null 2>"$log" || rc=$?
			how="fdatasync #$k" st=$(stage_of "$log")
		fi
	else
		"$PICFLOW" -v -c "$CONF" run >/dev/null 2>"$log" &
		pid=$!
		case $how in
		1) k=$((1 + RANDOM % 12)); wait_lines "$pid" "$log" "mail <" "$k" || true; how="mail #$k" ;;
		2) k=$((1 + RANDOM % 3)); wait_lines "$pid" "$log" "hook: " "$k" || true; how="hook #$k" ;;
		4) k=$((1 + RANDOM % 12)); wait_lines "$pid" "$log" "smtp: " "$k" || true; how="notice #$k" ;;
		*) sleep "$(printf '0.%03d' $((RANDOM % (last_ms < 999 ? last_ms : 999))))"; how="after a delay" ;;
		esac
		if kill -STOP "$pid" 2>/dev/null; then
			st=$(stage_now "$pid" "$log")
			kill -KILL "$pid" 2>/dev/null || true
		fi
		wait "$pid" || rc=$?
	fi
	attempts=$((attempts + 1))
	if [[ $rc == 137 ]]; then
		killed=$((killed + 1))
		kills[$st]=$(( ${kills[$st]} + 1 ))
		echo "     run $attempts at $PICFLOW_NOW: killed ($how) in $st"
		return 0
	fi
	last_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	echo "     run $attempts at $PICFLOW_NOW: not killed ($how), exit $rc, ${last_ms} ms"
	return 1
}

for it in $(seq 0 $((ITER - 1))); do
	export PICFLOW_NOW=$(date -u -d "@$((T0 + it * STEP))" +%Y-%m-%dT%H:%M:%SZ)
	(( it % 2 == 0 && it / 2 < WAVES )) && wave $((it / 2))
	# Deadlines fire from run 45 on: then aim at tick at every run until a kill has landed
	# there (a coin toss per run, and k up to 3, made "tick 0" possible: a run that fired
	# its deadlines unkilled left none for later ones), then every other run.
	how=; (( it >= 44 && (kills[tick] == 0 || RANDOM % 2) )) && how=3
	one_run $how || one_run 0 || true   # a run that ended first: once more, killed sooner
done
nmails=$(wc -l < "$WORK/msgids")
echo "     $nmails mails in $WAVES waves; $killed of $attempts runs killed: poll ${kills[poll]}," \
	"hook ${kills[hook]}, tick ${kills[tick]}, send ${kills[send]}, before any work ${kills[start]}"
check "50 or more runs really killed ($killed)" test "$killed" -ge 50
check "kills landed in poll, hook, tick and send" \
	test "${kills[poll]}" -gt 0 -a "${kills[hook]}" -gt 0 -a "${kills[tick]}" -gt 0 -a "${kills[send]}" -gt 0

# Then runs to the end: the clock past every deadline and cooldown, until nothing is left.
export PICFLOW_NOW=$(date -u -d "@$((T0 + ITER * STEP + 2 * 86400))" +%Y-%m-%dT%H:%M:%SZ)
finish_runs() {
	local i rc
	for i in 1 2 3 4 5; do
		rc=0; pf run >"$WORK/run.out" 2>"$WORK/run.err" || rc=$?
		[[ $rc == 0 || $rc == 75 ]] || { cat "$WORK/run.err"; return 1; }
		[[ $(count) == 0 && $(sql "SELECT count(*) FROM outbox WHERE state = 'queued'") == 0 ]] && return 0
	done
	cat "$WORK/run.out" "$WORK/run.err"
	return 1
}
check "unkilled runs complete the work: INBOX empty, no notice left queued" finish_runs
check "PRAGMA integrity_check: ok" test "$(sql 'PRAGMA integrity_check')" = ok
check "every mail moved to Processed" test "$(count):$(count Processed)" = "0:$((nmails + base_inbox))"

exactly_once() {
	python3 - "$DB" "$WORK/msgids" "$WORK/request_msgids" <<-'PY'
	import sqlite3, sys
	db = sqlite3.connect(sys.argv[1])
	mids = open(sys.argv[2]).read().split()
	reqs = set(open(sys.argv[3]).read().split())
	rows = dict(db.execute("SELECT message_id, count(*) FROM inbound GROUP BY message_id"))
	lost = [m for m in mids if m not in rows]
	doubled = [m for m in mids if rows.get(m, 0) > 1]
	made = dict(db.execute("SELECT i.message_id, count(r.id) FROM inbound i "
	                       "LEFT JOIN requests r ON r.inbound_id = i.id GROUP BY i.id"))
	bad = [m for m in reqs if made.get(m) != 1]
	seen = db.execute("SELECT count(*), count(DISTINCT inbound_id) FROM imap_seen").fetchone()
	print("mails %d, lost %s, doubled %s, requests not made once %s, imap keys %s"
	      % (len(mids), lost[:5], doubled[:5], bad[:5], seen))
	assert not lost and not doubled and not bad
	assert seen[0] == seen[1] and seen[0] >= len(mids)
	PY
}
check "every mail recorded exactly once, one request per request mail" exactly_once

once_per_request() {
	local dup
	dup=$(sql "SELECT request_rid, template, recipient, count(*) FROM outbox
		WHERE template IN ('confirmation', 'completion', 'delay', 'rejection', 'held')
		GROUP BY 1, 2, 3 HAVING count(*) > 1 LIMIT 5")
	echo "$dup"
	[[ -z $dup ]]
}
check "no notice queued twice for one request and recipient" once_per_request

# Postfix delivers asynchronously: wait (up to 60 s) until every sent notice is somewhere.
delivered() {
	python3 - "$DB" "$MAILENV_DIR/mail" "$1" <<-'PY'
	import collections, email, os, sqlite3, sys, time
	from email import policy
	db = sqlite3.connect(sys.argv[1])
	rows = db.execute("SELECT message_id, state, recipient, template FROM outbox").fetchall()
	final = sys.argv[3] == "final"
	def scan():
	    got = collections.Counter()
	    for root, dirs, files in os.walk(sys.argv[2]):
	        if os.path.basename(root) not in ("new", "cur"):
	            continue
	        for f in files:
	            with open(os.path.join(root, f), "rb") as fp:
	                m = email.message_from_binary_file(fp, policy=policy.compat32)
	            if "provisioning@example.test" not in str(m.get("From", "")):
	                continue
	            mid = str(m.get("Message-ID", "")).strip().strip("<>")
	            got[mid] += 1
	    return got
	sent = [r for r in rows if r[1] == "sent"]
	for _ in range(120):
	    got = scan()
	    if all(got[r[0]] >= 1 for r in sent) or not final:
	        break
	    time.sleep(0.5)
	known = {r[0] for r in rows}
	states = collections.Counter(r[1] for r in rows)
	missing = [r for r in sent if got[r[0]] < 1]
	twice = [r for r in sent if got[r[0]] == 2]
	many = [r for r in sent if got[r[0]] > 2]
	leaked = [r for r in rows if r[1] != "sent" and got[r[0]] > 0]
	unknown = [m for m in got if m not in known]
	print("outbox %s; delivered once %d, twice %d, more %d, missing %d; not-sent yet delivered %d, unknown %d"
	      % (dict(states), len(sent) - len(missing) - len(twice) - len(many), len(twice), len(many),
	         len(missing), len(leaked), len(unknown)))
	print("templates:", dict(collections.Counter(r[3] for r in sent)))
	for r in (missing + many + leaked)[:5]:
	    print("  ", r, got[r[0]])
	assert not missing and not many and not leaked and not unknown
	assert states.get("queued", 0) == 0 and states.get("failed", 0) == 0
	PY
}
check "every sent notice delivered at least once and at most twice, nothing else" delivered final
sed -n '1,2p' "$WORK/check.out" | sed 's/^/     /'

chain() {
	"$PICFLOW" -c "$CONF" states > "$WORK/states.txt"
	python3 - "$DB" "$WORK/states.txt" <<-'PY'
	import collections, sqlite3, sys
	db = sqlite3.connect(sys.argv[1])
	table = set()
	for line in open(sys.argv[2]).read().splitlines()[1:]:
	    f = line.split()
	    table.add((None if f[0] == "none" else f[0], f[1]))
	bad = []
	final = collections.Counter()
	for rid, state in db.execute("SELECT rid, state FROM requests"):
	    cur = None
	    for frm, to, cause in db.execute("SELECT from_state, to_state, cause FROM events "
	                                     "WHERE request_rid = ? ORDER BY id", (rid,)):
	        if frm is not None and frm == to and cur == frm:
	            continue          # a note: no change of state
	        if frm != cur or (frm, to) not in table:
	            bad.append((rid, cur, frm, to, cause))
	            break
	        cur = to
	    if cur != state:
	        bad.append((rid, "ends in", cur, "but is", state))
	    final[state] += 1
	print("requests by state: %s; transitions in the table: %d" % (dict(final), len(table)))
	for b in bad[:5]:
	    print("  ", b)
	assert not bad
	assert {"provisioned", "rejected", "superseded", "pending"} <= set(final), final
	PY
}
check "every request's events are a path of the transition table ending in its state" chain
sed -n '1p' "$WORK/check.out" | sed 's/^/     /'
workflow_seen() {
	local o h s
	o=$(sql "SELECT count(*) FROM requests WHERE overdue_at IS NOT NULL")
	h=$(sql "SELECT count(*) FROM events WHERE cause LIKE 'held by%'")
	s=$(sql "SELECT count(*) FROM requests WHERE state = 'superseded'")
	echo "overdue $o, held $h, superseded $s"
	(( o > 0 && h > 0 && s > 0 ))
}
check "the backlog exercised deadlines, cooldowns and updates" workflow_seen

finish
