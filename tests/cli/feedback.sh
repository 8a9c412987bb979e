#!/bin/sh
# Rating answers (Terms IV): the notice, the store, export, and delivery through the outbox
# to a fake collector (tests/server/collector.py) that dedups by Idempotency-Key.
. "$TOP_SRCDIR/tests/cli/lib.sh"

start_server
accept_terms

# ---- helpers ------------------------------------------------------------------

COLLECTOR_PID=
# start_collector: run the fake collector; sets COL (its base URL) and CLOG (its log).
start_collector() {
	rm -f "$T/cport"
	CLOG="$T/collector.log"
	python3 "$TOP_SRCDIR/tests/server/collector.py" --port-file "$T/cport" --log "$CLOG" \
		--max-seconds 300 2>"$T/collector.err" &
	COLLECTOR_PID=$!
	_i=0
	while [ ! -s "$T/cport" ] && [ $_i -lt 200 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	COL="http://127.0.0.1:$(cat "$T/cport")"
}
trap '[ -n "$COLLECTOR_PID" ] && kill "$COLLECTOR_PID" 2>/dev/null; cleanup' EXIT

# answer PROMPT: ask the fake API once; prints the answer's message id.
answer() {
	"$CONFAB" --base-url "$BASE/v1" --json "$1" </dev/null 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["message_id"])'
}
# rating ID: the stored rating of an answer ("" when none).
rating() { sql "SELECT rating FROM feedback WHERE message_id = $1"; }
# posts EXPR: count the collector's log lines e for which the Python expression is true.
posts() {
	[ -f "$CLOG" ] || { echo 0; return; }
	python3 -c "
import json, sys
n = 0
for l in open(sys.argv[1], encoding='utf-8'):
    e = json.loads(l)
    n += bool($1)
print(n)" "$CLOG"
}
# key_of ID: the idempotency key of the answer's newest outbox item.
key_of() {
	sql "SELECT o.idempotency_key FROM outbox o JOIN feedback f ON f.id = o.feedback_id
		WHERE f.message_id = $1 ORDER BY o.id DESC LIMIT 1"
}
# exactly_once: every key the collector accepted was accepted once, with no duplicate
# deliveries at all, and every item the store marks delivered was accepted.
exactly_once() {
	python3 - "$CLOG" "$DB" <<'EOF'
import json, sqlite3, sys
acc = {}
dups = 0
for l in open(sys.argv[1], encoding="utf-8"):
    e = json.loads(l)
    if e["outcome"] == "accepted":
        acc[e["key"]] = acc.get(e["key"], 0) + 1
    dups += e["outcome"] == "duplicate"
db = sqlite3.connect(sys.argv[2])
delivered = [r[0] for r in db.execute("SELECT idempotency_key FROM outbox WHERE delivered IS NOT NULL")]
ok = dups == 0 and all(v == 1 for v in acc.values()) and all(acc.get(k) == 1 for k in delivered)
if not ok:
    print("accepted:", acc, "duplicates:", dups, "delivered:", delivered, file=sys.stderr)
sys.exit(0 if ok else 1)
EOF
}
pending() { sql "SELECT count(*) FROM outbox WHERE delivered IS NULL"; }

# ---- help and usage -------------------------------------------------------------

run --help
check "--help names the feedback commands" out_has "confab feedback up|down"
check "--help says feedback stays local without feedback_url" out_has "feedback_url"
check "the man page has a FEEDBACK section" grep -q '^\.SH FEEDBACK' "$TOP_SRCDIR/man/confab.1"
run feedback
expect_rc 2 "'feedback' without a command"
run feedback frobnicate
expect_rc 2 "an unknown feedback command"
check "the message lists the commands" err_has "up, down, clear, list, export and sync"

# ---- before any answer -------------------------------------------------------------

run feedback up
expect_rc 2 "rating before any answer exists"
check "the message says there is no answer yet" err_has "no answer to rate yet"
run feedback list
expect_rc 0 "listing without ratings"
check "the list says there are none" out_has "No ratings yet"

A1=$(answer "first question")
A2=$(answer "second question")
A3=$(answer "third question")
check "answers to rate exist" [ -n "$A1" ] && [ -n "$A2" ] && [ -n "$A3" ]

# ---- the notice (Terms IV), in a script ------------------------------------------

run feedback up
expect_rc 3 "the first rating in a script without --yes"
check "the notice explains that feedback is not confidential" err_has "not confidential"
# flat: stderr with its lines joined (the notice is word-wrapped).
flat() { printf '%s' "$ERR" | tr '\n' ' ' | tr -s ' '; }
check "the notice says the provider may keep, use and disclose it" \
	has "$(flat)" "The provider may keep it, use it and disclose it in any way it chooses"
check "the notice cites section IV" err_has "IV(b)"
check "the notice says how to confirm" err_has "--yes"
check "the notice says where ratings go (nowhere without feedback_url)" \
	err_has "nothing is sent anywhere"
check "nothing was stored" [ "$(sql 'SELECT count(*) FROM feedback')" = 0 ]
check "nothing was recorded without an answer" \
	[ "$(sql "SELECT count(*) FROM consent_events WHERE kind = 'feedback-notice'")" = 0 ]

# ---- the notice on a terminal (tmux) ----------------------------------------------

# on_tty NAME ARGS: confab feedback ARGS on a tmux terminal, with stdin the terminal.
on_tty() {
	_name=$1
	shift
	tmux_start "$_name" "env XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_DATA_HOME=$XDG_DATA_HOME" \
		"XDG_STATE_HOME=$XDG_STATE_HOME CONFAB_DATADIR=$CONFAB_DATADIR HOME=$HOME" \
		"LC_ALL=C.UTF-8 TERM=xterm-256color $CONFAB feedback $*"
}
on_tty fbno up "$A1"
check "on a terminal the notice is shown and asks for yes" wait_for fbno "Type yes to confirm"
tmux_keys fbno "no" Enter
check "declining says nothing was stored" wait_for fbno "Nothing was stored"
check "declining exits 3" wait_for fbno "[exit 3]"
check "the decline is recorded in the ledger" \
	[ "$(sql "SELECT detail || '|' || method FROM consent_events WHERE kind = 'feedback-notice' ORDER BY id DESC LIMIT 1")" = "declined|typed 'no' (terminal)" ]
check "declining stored no rating" [ "$(sql 'SELECT count(*) FROM feedback')" = 0 ]

on_tty fbyes up "$A1"
check "after a decline the notice is asked again" wait_for fbyes "Type yes to confirm"
tmux_keys fbyes "yes" Enter
check "typing yes stores the rating" wait_for fbyes "Rated answer $A1 thumbs up"
check "confirming exits 0" wait_for fbyes "[exit 0]"
check "the confirmation is recorded in the ledger" \
	[ "$(sql "SELECT detail FROM consent_events WHERE kind = 'feedback-notice' ORDER BY id DESC LIMIT 1")" = confirmed ]
check "the rating is stored" [ "$(rating "$A1")" = 1 ]
run terms verify
expect_rc 0 "the ledger with notice events still verifies"
run terms status
expect_rc 0 "notice events do not change the consent state"

# ---- --yes in a script, in a second store ---------------------------------------

saved_data=$XDG_DATA_HOME
XDG_DATA_HOME="$T/data-yes"
DB="$XDG_DATA_HOME/confab/confab.db"
export XDG_DATA_HOME
{
	accept_terms
	B1=$(answer "a question for the second store")
	run feedback down "$B1" --yes
	expect_rc 0 "--yes confirms the notice in a script"
	check "--yes says what was confirmed" err_has "not confidential"
	check "--yes is recorded as the method" \
		[ "$(sql "SELECT method || '|' || detail FROM consent_events WHERE kind = 'feedback-notice'")" = "flag --yes|confirmed" ]
	check "the rating is stored after --yes" [ "$(rating "$B1")" = -1 ]
}
XDG_DATA_HOME=$saved_data
DB="$XDG_DATA_HOME/confab/confab.db"
export XDG_DATA_HOME

# ---- rating, changing, clearing ----------------------------------------------------

run feedback up "$A2"
expect_rc 0 "the notice is asked only once"
check "rating says so" out_has "Rated answer $A2 thumbs up"
check "without feedback_url the rating stays local" out_has "Kept on this machine only"
check "without feedback_url nothing enters the outbox" [ "$(sql 'SELECT count(*) FROM outbox')" = 0 ]
created=$(sql "SELECT created FROM feedback WHERE message_id = $A2")
sleep 0.01
run feedback down "$A2" --reason "Inaccurate, unhelpful,inaccurate" --comment "wrong year"
expect_rc 0 "changing a rating"
check "the change is reported" out_has "Changed answer $A2 from thumbs up to thumbs down"
check "the new rating replaces the old" [ "$(rating "$A2")" = -1 ]
check "reasons are normalised (lower case, no duplicates)" \
	[ "$(sql "SELECT reasons FROM feedback WHERE message_id = $A2")" = "inaccurate,unhelpful" ]
check "the comment is stored" [ "$(sql "SELECT comment FROM feedback WHERE message_id = $A2")" = "wrong year" ]
check "created is kept, updated moves on" \
	[ "$(sql "SELECT created = '$created' AND updated > created FROM feedback WHERE message_id = $A2")" = 1 ]
check "one row per answer" [ "$(sql "SELECT count(*) FROM feedback WHERE message_id = $A2")" = 1 ]
check "the row records the model and the conversation" \
	[ "$(sql "SELECT f.model = m.model AND f.conversation_id = m.conversation_id FROM feedback f JOIN messages m ON m.id = f.message_id WHERE f.message_id = $A2")" = 1 ]
run feedback up last
expect_rc 0 "'last' names the newest answer"
check "'last' rated the newest answer" [ "$(rating "$A3")" = 1 ]
run feedback clear "$A3"
expect_rc 0 "clearing a rating"
check "clearing says so" out_has "Cleared the rating of answer $A3"
check "a cleared rating is 0" [ "$(rating "$A3")" = 0 ]
run feedback clear "$A3"
expect_rc 0 "clearing again"
check "clearing again says there is nothing to clear" out_has "nothing to clear"
run feedback up "$A3" --json
check "--json reports the rating" \
	[ "$(printf '%s' "$OUT" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["rating"], j["previous"], j["delivery"])')" = "up cleared local" ]
check "the store uses WAL, so a committed rating survives a crash" \
	[ "$(sql 'PRAGMA journal_mode')" = wal ]

# ---- bad input ------------------------------------------------------------------

n=$(sql "SELECT count(*) || '/' || max(updated) FROM feedback")
run feedback up 999999
expect_rc 2 "an answer id that does not exist"
check "the message names the id" err_has "no answer 999999"
run feedback up abc
expect_rc 2 "an id that is not a number"
check "the message says what an id is" err_has "'abc' is not an answer id"
P1=$(sql "SELECT id FROM messages WHERE role = 'user' ORDER BY id LIMIT 1")
run feedback up "$P1"
expect_rc 2 "rating a prompt"
check "the message says it is not an answer" err_has "not an answer"
run feedback down "$A1" --reason bogus
expect_rc 2 "an unknown reason"
check "the message lists the reasons" err_has "inaccurate, unhelpful, harmful or other"
run feedback up "$A1" --reason inaccurate
expect_rc 2 "a reason that belongs to the other rating"
run feedback clear "$A1" --comment "why"
expect_rc 2 "clearing with a comment"
run feedback up "$A1" "$A2"
expect_rc 2 "two ids"
big=$(head -c 102401 /dev/zero | tr '\0' 'x')
run feedback up "$A1" --comment "$big"
expect_rc 2 "a comment over 100 KiB"
check "the limit is named" err_has "the limit is 102400 bytes (100 KiB)"
check "refused input changed nothing" [ "$(sql "SELECT count(*) || '/' || max(updated) FROM feedback")" = "$n" ]
run feedback up "$A1" --comment "$(head -c 102400 /dev/zero | tr '\0' 'y')"
expect_rc 0 "a comment of exactly 100 KiB is accepted"
run feedback up "$A1" --comment "$(printf 'a\033[31mred\033[0m\007 b\rc\177d\302\205e\tf\nsecond line\001')"
expect_rc 0 "a comment with control characters is accepted"
check "the removal is announced" err_has "7 control characters were removed"
check "controls are dropped, escape sequences whole; newline kept; tab becomes a space" \
	[ "$(sql "SELECT comment FROM feedback WHERE message_id = $A1")" = "$(printf 'ared bcde f\nsecond line')" ]
run feedback export --format xml
expect_rc 2 "an unknown export format"

# ---- list and export -----------------------------------------------------------------

CJK=$(printf '答案不对，"年份"错了,\n第二行 — 👍🏽 café')
run feedback down "$A2" --reason unhelpful --comment "$CJK"
expect_rc 0 "a comment with CJK, quotes, commas and a newline"
run feedback list
expect_rc 0 "feedback list"
check "the list has a header" out_has "answer  rating"
check "the list shows each rated answer" sh -c "printf '%s' \"\$1\" | grep -q \"^$A2 *down\"" _ "$OUT"
check "the list shows a newline in a comment as a space" out_has "答案不对"
check "the list says where ratings go" out_has "no feedback_url is set"
run feedback list --json
check "list --json is a JSON array of every row" \
	[ "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = "$(sql 'SELECT count(*) FROM feedback')" ]
"$CONFAB" feedback export >"$T/fb.jsonl" 2>/dev/null
check "export is JSON Lines by default, one object per row" python3 - "$T/fb.jsonl" "$A2" "$CJK" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
r = [x for x in rows if x["message_id"] == int(sys.argv[2])][0]
sys.exit(0 if r["comment"] == sys.argv[3] and r["rating"] == "down" and r["reasons"] == ["unhelpful"]
         and r["delivery"] == "local" else 1)
EOF
"$CONFAB" feedback export --format csv >"$T/fb.csv" 2>/dev/null
check "CSV: CJK, quotes, commas and newlines survive a round trip through Python's csv" \
	python3 - "$T/fb.csv" "$A2" "$CJK" "$DB" <<'EOF'
import csv, sqlite3, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    rows = list(csv.DictReader(f))
db = sqlite3.connect(sys.argv[4])
stored = dict(db.execute("SELECT message_id, coalesce(comment, '') FROM feedback"))
r = [x for x in rows if x["message_id"] == sys.argv[2]][0]
ok = (r["comment"] == sys.argv[3] and r["rating"] == "down" and len(rows) == len(stored)
      and all(stored[int(x["message_id"])] == x["comment"] for x in rows))
sys.exit(0 if ok else 1)
EOF
check "CSV records end in CRLF (RFC 4180)" sh -c "head -n 1 '$T/fb.csv' | grep -q \"\$(printf '\\r')\$\""

# ---- delivery: a collector that accepts -----------------------------------------------

start_collector
export CONFAB_FEEDBACK_URL="$COL/ok"
run feedback sync
expect_rc 0 "sync with nothing queued"
check "sync says there is nothing to deliver" out_has "Nothing to deliver"
A4=$(answer "fourth question")
run feedback up "$A4" --reason helpful --comment "clear and correct"
expect_rc 0 "rating with feedback_url set"
check "the rating was sent at once" out_has "Sent to $COL/ok"
check "the collector got it exactly once" [ "$(posts "e['outcome'] == 'accepted'")" = 1 ]
check "the Idempotency-Key header matches the body's key" \
	[ "$(posts "e['key'] == e['body_key'] and len(e['key']) == 36")" = 1 ]
check "the key is the outbox item's key" [ "$(posts "e['key'] == '$(key_of "$A4")'")" = 1 ]
check "the payload carries the rating, reasons and comment, as JSON" \
	[ "$(posts "e['body']['rating'] == 'up' and e['body']['reasons'] == ['helpful'] and e['body']['comment'] == 'clear and correct' and e['headers']['content-type'] == 'application/json'")" = 1 ]
check "the payload names the model and the provider's response id" \
	[ "$(posts "e['body']['model'] == 'qwen-plus' and e['body']['response_id'].startswith('chatcmpl-')")" = 1 ]
check "the exchange text is not sent by default" [ "$(posts "'exchange' in e['body']")" = 0 ]
check "the outbox item is marked delivered" \
	[ "$(sql "SELECT delivered IS NOT NULL AND attempts = 1 FROM outbox WHERE idempotency_key = '$(key_of "$A4")'")" = 1 ]
run feedback list --json
check "list shows it delivered" \
	[ "$(printf '%s' "$OUT" | python3 -c "import json,sys; print([r['delivery'] for r in json.load(sys.stdin) if r['message_id'] == $A4][0])")" = delivered ]
run feedback sync
check "a delivered rating is not sent again" [ "$(posts True)" = 1 ]

A5=$(answer "fifth question")
CONFAB_FEEDBACK_INCLUDE_EXCHANGE=yes "$CONFAB" feedback down "$A5" >/dev/null 2>&1
check "with feedback_include_exchange the prompt and answer are sent" \
	[ "$(posts "e['body'].get('exchange') == {'prompt': 'fifth question', 'answer': 'Hello! You said: fifth question'}")" = 1 ]

# ---- delivery: fails twice, then accepts ---------------------------------------------

export CONFAB_FEEDBACK_URL="$COL/fail2"
before=$(posts True)
run feedback down "$A4" --comment "changed my mind"
expect_rc 0 "a collector failure never fails the rating"
check "the rating says it is queued" out_has "queued for $COL/fail2"
check "the failure is shown" err_has "HTTP 500"
check "the rating is kept in the outbox" [ "$(pending)" = 1 ]
check "the failed attempt is counted with its error" \
	[ "$(sql "SELECT attempts || '|' || (last_error LIKE '%HTTP 500%') || '|' || (next_attempt > created) FROM outbox WHERE delivered IS NULL")" = "1|1|1" ]
run feedback sync
expect_rc 0 "sync delivers after the collector recovers"
check "sync reports it" out_has "Delivered 1, failed 0, still pending 0"
check "the collector saw two failures, then one acceptance, of the same key" \
	[ "$(posts "e['key'] == '$(key_of "$A4")' and e['outcome'] == 'failed'")/$(posts "e['key'] == '$(key_of "$A4")' and e['outcome'] == 'accepted'")" = "2/1" ]
check "nothing is pending" [ "$(pending)" = 0 ]
run feedback sync
check "a second sync sends nothing" [ "$(posts True)" = $((before + 3)) ]
check "each rating arrived exactly once" exactly_once

# ---- delivery: always 500, down, hanging --------------------------------------------

export CONFAB_FEEDBACK_URL="$COL/500"
run feedback up "$A5"
expect_rc 0 "rating while the collector answers 500"
run feedback up "$A2"
run feedback sync
expect_rc 5 "sync when nothing could be delivered"
check "sync reports what failed and what is pending" out_has "Delivered 0, failed 1, still pending 2 (1 not tried after the failure)"
check "the error is named" err_has "HTTP 500"
check "the ratings stay in the outbox" [ "$(pending)" = 2 ]
run feedback down "$A5"
check "a newer rating supersedes the undelivered one" \
	[ "$(sql "SELECT count(*) FROM outbox o JOIN feedback f ON f.id = o.feedback_id WHERE f.message_id = $A5 AND o.delivered IS NULL")" = 1 ]

export CONFAB_FEEDBACK_URL="http://127.0.0.1:1/down"
run feedback sync
expect_rc 5 "sync when the collector is down"
check "the connection failure is named" err_has "cannot post to http://127.0.0.1:1/down"
check "the ratings are still pending" [ "$(pending)" = 2 ]

export CONFAB_FEEDBACK_URL="$COL/hang"
t0=$(date +%s)
run feedback up "$A3"
t1=$(date +%s)
expect_rc 0 "rating while the collector hangs"
check "a hanging collector delays the rating only briefly" [ $((t1 - t0)) -le 6 ]
check "the hang was seen by the collector" [ "$(posts "e['outcome'] == 'hung'")" -ge 1 ]
run feedback sync --timeout 1
t2=$(date +%s)
expect_rc 5 "sync when the collector hangs"
check "sync gives up after the time-out" [ $((t2 - t1)) -le 12 ]
check "all three ratings are still pending" [ "$(pending)" = 3 ]
run feedback list
check "list says ratings wait for delivery" out_has "3 ratings wait for delivery"

# ---- consent withdrawn: nothing is sent ---------------------------------------------

export CONFAB_FEEDBACK_URL="$COL/ok"
"$CONFAB" terms withdraw >/dev/null
before=$(posts True)
run feedback sync
expect_rc 3 "sync with consent withdrawn"
check "nothing was sent while consent is withdrawn" [ "$(posts True)" = "$before" ]
accept_terms
run feedback sync
expect_rc 0 "sync after accepting again"
check "all pending ratings are delivered" out_has "Delivered 3, failed 0, still pending 0"
check "each rating arrived exactly once (after 500, down and hang)" exactly_once

# ---- two processes at once ------------------------------------------------------------

C1=$(answer "concurrent one")
C2=$(answer "concurrent two")
C3=$(answer "concurrent three")
C4=$(answer "concurrent four")
"$CONFAB" feedback up "$C1" --comment one >"$T/c1" 2>&1 &
p1=$!
"$CONFAB" feedback down "$C2" --comment two >"$T/c2" 2>&1 &
p2=$!
"$CONFAB" feedback up "$C3" >"$T/c3" 2>&1 &
p3=$!
"$CONFAB" feedback down "$C4" >"$T/c4" 2>&1 &
p4=$!
wait $p1; r1=$?
wait $p2; r2=$?
wait $p3; r3=$?
wait $p4; r4=$?
check "four processes rating at once all succeed" [ "$r1$r2$r3$r4" = 0000 ]
check "every rating is kept (no lost update)" \
	[ "$(rating "$C1")$(rating "$C2")$(rating "$C3")$(rating "$C4")" = "1-11-1" ]
"$CONFAB" feedback sync >/dev/null 2>&1
check "each concurrent rating arrived exactly once" exactly_once
check "nothing is left pending" [ "$(pending)" = 0 ]

# Queue ratings while the collector fails, then sync from two processes at once.
export CONFAB_FEEDBACK_URL="$COL/500"
for m in "$C1" "$C2" "$C3" "$C4"; do
	"$CONFAB" feedback down "$m" --comment "again $m" >/dev/null 2>&1
done
check "four ratings wait" [ "$(pending)" = 4 ]
export CONFAB_FEEDBACK_URL="$COL/ok"
"$CONFAB" feedback sync >"$T/s1" 2>&1 &
p1=$!
"$CONFAB" feedback sync >"$T/s2" 2>&1 &
p2=$!
wait $p1
wait $p2
check "two syncs at once deliver everything" [ "$(pending)" = 0 ]
check "two syncs at once deliver each rating exactly once" exactly_once

# Two processes rating the same answer: one row, one delivery of the winner.
"$CONFAB" feedback up "$C1" >/dev/null 2>&1 &
p1=$!
"$CONFAB" feedback down "$C1" >/dev/null 2>&1 &
p2=$!
wait $p1
wait $p2
check "the same answer rated twice at once keeps one row" \
	[ "$(sql "SELECT count(*) FROM feedback WHERE message_id = $C1")" = 1 ]
"$CONFAB" feedback sync >/dev/null 2>&1
check "and no rating was delivered twice" exactly_once

done_testing
