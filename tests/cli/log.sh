#!/bin/sh
# confab log: list, show, search, delete, export; --conversation ID; --no-log; bad input.
. "$TOP_SRCDIR/tests/cli/lib.sh"

ESC=$(printf '\033')
ENVS="env XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_DATA_HOME=$XDG_DATA_HOME XDG_STATE_HOME=$XDG_STATE_HOME CONFAB_DATADIR=$CONFAB_DATADIR HOME=$HOME LC_ALL=C.UTF-8 TERM=xterm-256color"

start_server
accept_terms

# json EXPR: the last run's stdout is JSON d for which the Python expression EXPR holds.
json() {
	python3 -c "import json,sys; d=json.load(open(sys.argv[1], encoding='utf-8')); sys.exit(0 if ($1) else 1)" "$T/out"
}
requests() { [ -f "$T/requests.log" ] && wc -l <"$T/requests.log" || echo 0; }
last_request() {
	tail -n 1 "$T/requests.log" | python3 -c "import json,sys; r=json.loads(sys.stdin.read()); print($1)"
}
newest() { sql "SELECT max(id) FROM conversations"; }
no_esc() { ! grep -q "$ESC" "$T/out"; }
no_sql_error() { ! has "$ERR" "fts5" && ! has "$ERR" "syntax" && ! has "$ERR" "sqlite" && ! has "$ERR" "store '"; }

# ---- an empty store ---------------------------------------------------------------
run log list
expect_rc 0 "log list on an empty store"
check "an empty list says so" out_has "No conversations are stored."
run log list --json
check "an empty list in JSON is []" [ "$OUT" = "[]" ]
run log show last
expect_rc 2 "log show last without conversations"
check "the message says there is none" err_has "no conversation yet"

# ---- some conversations --------------------------------------------------------------
ask ok "你好世界"
C1=$(newest)
ask ok -c "second turn"
check "-c continued the first conversation" [ "$(newest)" = "$C1" ]
ask ok "$(printf 'evil \033]0;pwned\007title\nsecond line')"
C2=$(newest)
ask escapes "show me escapes"
C3=$(newest)
ask ok 'find "quoted" AND (paren) NEAR/2 -x ^caret* end'
C4=$(newest)
check "four conversations were stored" [ "$(sql 'SELECT count(*) FROM conversations')" = 4 ]

# A notice and a rating on the first answer, as the disclaimer and feedback code store them.
A1=$(sql "SELECT min(id) FROM messages WHERE conversation_id = $C1 AND role = 'assistant'")
sql "UPDATE messages SET disclaimers = '[{\"id\":\"general\",\"clause\":\"III.4\",\"text\":\"Answers can be wrong; check them.\"}]' WHERE id = $A1"
sql "INSERT INTO feedback (message_id, conversation_id, rating, reasons, comment, model, created, updated) VALUES ($A1, $C1, -1, 'inaccurate,incomplete', 'not what I asked', 'qwen-plus', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')"

# ---- list ------------------------------------------------------------------------------
# A title is the first 80 bytes of the prompt: here cut inside a character.
ask ok "$(python3 -c 'print("世" * 30)')"
C5=$(newest)
run log list
check "a title cut inside a character loses the broken piece" sh -c "printf '%s\n' \"\$1\" | grep -q '^$C5 .*  $(python3 -c 'print("世" * 26)')\$'" sh "$OUT"
run log list --json
check "and JSON stays valid UTF-8" json "d[0]['title'] == '世' * 26"
run log delete "$C5" --yes

run log list
expect_rc 0 "log list"
check "log list has a header and one line per conversation" [ "$(printf '%s\n' "$OUT" | wc -l)" = 5 ]
check "log list puts the newest first" [ "$(printf '%s\n' "$OUT" | sed -n 2p | cut -d' ' -f1)" = "$C4" ]
check "log list shows the title from the first prompt" out_has "你好世界"
check "log list counts the messages" sh -c "printf '%s\n' \"\$1\" | grep -q '^$C1 .* 4  你好世界\$'" sh "$OUT"
check "log list shows the model" out_has "qwen-plus"
check "a title with escape codes is printed clean (the first line of the prompt)" sh -c "printf '%s\n' \"\$1\" | grep -q '^$C2 .*  evil title\$'" sh "$OUT"
check "log list writes no escape codes to a pipe" no_esc
run log list --json
expect_rc 0 "log list --json"
check "log list --json is valid JSON, newest first" json "[c['id'] for c in d] == [$C4, $C3, $C2, $C1]"
check "log list --json has the fields" json "all(set(c) >= {'id', 'started', 'updated', 'title', 'model', 'base_url', 'message_count'} for c in d)"
check "log list --json counts the messages" json "d[-1]['message_count'] == 4 and d[-1]['title'] == '你好世界'"
check "log list --json keeps the exact title" json "d[2]['title'] == 'evil \x1b]0;pwned\x07title'"
run log
check "log alone lists" out_has "你好世界"

# ---- show ------------------------------------------------------------------------------
run log show "$C1"
expect_rc 0 "log show ID"
check "log show prints the conversation's title" out_has "Conversation $C1: 你好世界"
check "log show prints every turn" [ "$(printf '%s\n' "$OUT" | grep -c '^\[#')" = 4 ]
check "log show has the prompts and the answers" sh -c 'has() { case "$1" in *"$2"*) return 0;; esac; return 1; }; has "$1" "你好世界" && has "$1" "second turn" && has "$1" "Hello! You said: second turn"' sh "$OUT"
check "log show prints the notice" out_has "Notice (III.4): Answers can be wrong; check them."
check "log show prints the rating" out_has "Feedback: thumbs down (inaccurate, incomplete): not what I asked"
run log show last
expect_rc 0 "log show last"
check "last is the latest conversation" out_has "Conversation $C4:"
run log show "$C3"
check "log show writes no escape codes to a pipe" no_esc
check "log show keeps the text around dropped escape codes" out_has "hyperlink:[click me]"
run log show "$C1" --json
expect_rc 0 "log show --json"
check "log show --json is valid JSON with every message" json "d['id'] == $C1 and len(d['messages']) == 4 and [m['role'] for m in d['messages']] == ['user', 'assistant', 'user', 'assistant']"
check "log show --json has exact contents" json "d['messages'][0]['content'] == '你好世界' and d['messages'][3]['content'] == 'Hello! You said: second turn'"
check "log show --json has disclaimers and feedback" json "d['messages'][1]['disclaimers'][0]['clause'] == 'III.4' and d['messages'][1]['feedback'] == {'rating': -1, 'reasons': ['inaccurate', 'incomplete'], 'comment': 'not what I asked'} and d['messages'][3]['feedback'] is None"
check "log show --json has usage and status" json "d['messages'][1]['usage']['total_tokens'] > 0 and d['messages'][1]['status'] == 'complete'"
run log show "$C3" --json
check "log show --json keeps escape codes exactly (JSON-escaped)" json "'\x1b]0;pwned-title\x07' in d['messages'][1]['content']"

# On a terminal, controls in model text show visibly.
tmux_start show1 "$ENVS $CONFAB log show $C3"
if wait_for show1 "[exit 0]"; then ok "log show on a terminal"; else not_ok "log show on a terminal"; fi
check "on a terminal an escape sequence shows as ^[" has "$(screen show1)" 'title:[^[]0;pwned-title^G]'

# ---- search ----------------------------------------------------------------------------
run log search 世界
expect_rc 0 "log search with a 2-character CJK word"
check "a 2-character CJK word finds the conversation (LIKE scan)" sh -c "printf '%s\n' \"\$1\" | grep -q '^$C1 '" sh "$OUT"
check "the snippet shows the matching message" out_has "你好世界"
run log search 你好世界
expect_rc 0 "log search with a 4-character CJK phrase"
check "a 4-character CJK phrase finds the conversation (FTS5 trigram)" sh -c "printf '%s\n' \"\$1\" | grep -q '^$C1 '" sh "$OUT"
run log search 世界 --json
check "log search --json is valid JSON" json "isinstance(d, list) and len(d) == 1"
check "log search --json names the conversation and the message" json "d[0]['conversation_id'] == $C1 and d[0]['matches'] == 2 and d[0]['role'] == 'user'"
check "log search --json marks the match in the snippet" json "d[0]['snippet'][d[0]['match_start']:d[0]['match_end']] == '世界'"
run log search 你好世界 --json
check "an FTS5 search marks the match too" json "d[0]['conversation_id'] == $C1 and d[0]['snippet'][d[0]['match_start']:d[0]['match_end']] == '你好世界'"
run log search SECOND TURN --json
check "search ignores ASCII case and joins its words" json "[h['conversation_id'] for h in d] == [$C1]"
run log search pwned
check "a snippet with escape codes prints none to a pipe" no_esc

# FTS5 query syntax is searched for literally and never reaches the user as an SQL error.
for q in '"' '""' '*' 'AND' '(' ')' 'NEAR/2' '-x' '^' '"quoted" AND' '(paren)' 'NEAR/2 -x' '^caret*' \
	'find "quoted' 'x OR y' 'content:x' '{a b}' "it's" '\' ; do
	run log search -- "$q"
	if [ "$RC" = 0 ] && no_sql_error; then
		ok "search for '$q' runs (exit 0, no SQL error)"
	else
		not_ok "search for '$q' runs (exit 0, no SQL error)"
		diag "rc=$RC" "stderr: $ERR"
	fi
done
for q in '"quoted" AND' '(paren)' 'NEAR/2 -x' '^caret*' '-x' 'find "quoted'; do
	run --json log search -- "$q"
	check "search for '$q' finds it literally" json "[h['conversation_id'] for h in d] == [$C4]"
done
for q in '%' '_' '%%' 'x_y'; do
	run --json log search -- "$q"
	check "a LIKE wildcard '$q' is searched for literally" json "d == []"
done
run log search zzqqxx
expect_rc 0 "a search without matches"
check "it says nothing matched" out_has 'No conversation contains "zzqqxx".'
run log search zzqqxx --json
check "no matches in JSON is []" [ "$OUT" = "[]" ]
run log search ""
expect_rc 2 "an empty search"
run log search
expect_rc 2 "a search without text"

# ---- export ----------------------------------------------------------------------------
run log export "$C1" --format markdown
expect_rc 0 "log export --format markdown"
printf '%s\n' "$OUT" >"$T/c1.md"
check "the markdown export starts with the conversation heading" [ "$(head -n 1 "$T/c1.md")" = "# Conversation $C1: 你好世界" ]
check "the markdown export has a heading per turn" [ "$(grep -c '^## ' "$T/c1.md")" = 4 ]
check "the markdown export names who spoke" [ "$(grep '^## ' "$T/c1.md" | cut -d' ' -f2 | tr '\n' ' ')" = "You Assistant: You Assistant: " ]
check "the markdown export has each text" grep -qx "Hello! You said: 你好世界" "$T/c1.md"
check "the markdown export has the notice" grep -q '^> \*\*Notice (III.4):\*\* Answers can be wrong' "$T/c1.md"
check "the markdown export has the rating" grep -q '^\*Feedback: thumbs down (inaccurate, incomplete): not what I asked\*$' "$T/c1.md"
run log export "$C1"
check "markdown is the default export format" [ "$OUT" = "$(cat "$T/c1.md")" ]
"$CONFAB" log export "$C3" >"$T/c3.md" 2>/dev/null
check "the markdown export to a file keeps the exact text" python3 -c '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
md = open(sys.argv[2], encoding="utf-8", newline="").read()
sys.exit(0 if all(c in md for (c,) in db.execute("SELECT content FROM messages WHERE conversation_id = ?", (int(sys.argv[3]),))) else 1)' "$DB" "$T/c3.md" "$C3"

run log export "$C1" --format json
expect_rc 0 "log export --format json"
check "the JSON export parses" json "d['id'] == $C1 and len(d['messages']) == 4"
"$CONFAB" log export "$C3" --format json >"$T/c3.json" 2>/dev/null
check "the JSON export round-trips every message exactly" python3 -c '
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
d = json.load(open(sys.argv[2], encoding="utf-8"))
rows = db.execute("SELECT id, role, content, status, model FROM messages WHERE conversation_id = ? ORDER BY id", (d["id"],)).fetchall()
got = [(m["id"], m["role"], m["content"], m["status"], m["model"]) for m in d["messages"]]
sys.exit(0 if rows == got and len(rows) == 2 else 1)' "$DB" "$T/c3.json"
"$CONFAB" log show "$C3" --json >"$T/c3.show.json" 2>/dev/null
check "the JSON export is what log show --json prints" cmp -s "$T/c3.json" "$T/c3.show.json"
run log export "$C1" --format xml
expect_rc 2 "an unknown export format"
check "the message names the formats" err_has "markdown or json"

# ---- delete ------------------------------------------------------------------------------
# Without a terminal (setsid: no controlling terminal) and without --yes, nothing is deleted.
setsid -w "$CONFAB" log delete "$C2" </dev/null >"$T/out" 2>"$T/err"
RC=$? OUT=$(cat "$T/out") ERR=$(cat "$T/err")
expect_rc 2 "log delete without a terminal and without --yes"
check "the refusal says how to delete from a script" err_has "add --yes"
check "the conversation is still there" [ "$(sql "SELECT count(*) FROM messages WHERE conversation_id = $C2")" = 2 ]

# On a terminal it asks; only yes deletes.
tmux_start del1 "$ENVS $CONFAB log delete $C2"
wait_for del1 "Type yes to delete it:" && ok "log delete asks on the terminal" || not_ok "log delete asks on the terminal"
check "the question names the conversation, its title's controls visible" has "$(screen del1)" "Delete conversation $C2, \"evil ^[]0;pwned^Gtitle\" (2 messages)?"
tmux_keys del1 "y" Enter
wait_for del1 "[exit 0]" && ok "an answer other than yes" || not_ok "an answer other than yes"
check "an answer other than yes keeps it" [ "$(sql "SELECT count(*) FROM conversations WHERE id = $C2")" = 1 ]
check "and says so" has "$(screen del1)" "Nothing was deleted."
tmux_start del2 "$ENVS $CONFAB log delete $C2"
wait_for del2 "Type yes to delete it:" >/dev/null
tmux_keys del2 "yes" Enter
wait_for del2 "[exit 0]" && ok "typing yes deletes (exit 0)" || not_ok "typing yes deletes (exit 0)"
check "the conversation typed yes for is gone" [ "$(sql "SELECT count(*) FROM conversations WHERE id = $C2")" = 0 ]

M3=$(sql "SELECT max(id) FROM messages WHERE conversation_id = $C3")
sql "INSERT INTO feedback (message_id, conversation_id, rating, model, created, updated) VALUES ($M3, $C3, 1, 'qwen-plus', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')"
F3=$(sql "SELECT id FROM feedback WHERE message_id = $M3")
sql "INSERT INTO outbox (feedback_id, idempotency_key, payload, created) VALUES ($F3, 'k-$F3', '{\"answer\":\"pwned-title\"}', '2026-01-01T00:00:00.000Z')"
run log delete "$C3" --yes
expect_rc 0 "log delete --yes"
check "log delete says what it deleted" out_has "Deleted conversation $C3."
check "the conversation row is gone" [ "$(sql "SELECT count(*) FROM conversations WHERE id = $C3")" = 0 ]
check "its messages are gone" [ "$(sql "SELECT count(*) FROM messages WHERE conversation_id = $C3")" = 0 ]
check "their feedback is gone" [ "$(sql "SELECT count(*) FROM feedback WHERE conversation_id = $C3")" = 0 ]
check "its feedback's outbox items are gone" [ "$(sql "SELECT count(*) FROM outbox WHERE feedback_id = $F3")" = 0 ]
check "the store files no longer hold their text" sh -c "! cat \"\$1\"* | grep -aq 'pwned-title'" sh "$DB"
check "the search index forgot them" [ "$(sql "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH '\"pwned-title\"'")" = 0 ]
run log search pwned-title
check "search finds nothing of a deleted conversation" out_has "No conversation contains"
run log show "$C3"
expect_rc 2 "log show of a deleted conversation"
check "the message says it does not exist or was deleted" err_has "there is no conversation $C3 (it never existed or was deleted)"
run log delete "$C3" --yes
expect_rc 2 "deleting it again"

# ---- unknown IDs ---------------------------------------------------------------------------
for cmd in "show 999" "export 999" "delete 999 --yes" "show abc" "export 1x" "delete 0 --yes" \
	"show 99999999999999999999"; do
	run log $cmd
	expect_rc 2 "log $cmd"
done
check "a bad ID says what an ID is" err_has "is not a conversation ID"
run log frobnicate
expect_rc 2 "an unknown log command"
run log show
expect_rc 2 "log show without an ID"
run log show 1 2
expect_rc 2 "log show with two IDs"

# ---- --conversation ID ---------------------------------------------------------------------
n=$(sql "SELECT count(*) FROM messages WHERE conversation_id = $C1")
ask echo-json --conversation "$C1" "third turn"
expect_rc 0 "--conversation ID"
check "--conversation sends the earlier turns" \
	[ "$(last_request '[m["role"] for m in r["body"]["messages"]]')" = "['user', 'assistant', 'user', 'assistant', 'user']" ]
check "--conversation sends them in order, exactly" \
	[ "$(last_request '[m["content"] for m in r["body"]["messages"]][:2]')" = "['你好世界', 'Hello! You said: 你好世界']" ]
check "the new turn is added to that conversation" [ "$(sql "SELECT count(*) FROM messages WHERE conversation_id = $C1")" = $((n + 2)) ]
ask echo-json --conversation last "fourth"
check "--conversation last continues the latest" [ "$(last_request 'len(r["body"]["messages"])')" = 7 ]
n=$(requests)
ask ok --conversation 999 "hello"
expect_rc 2 "--conversation with an unknown ID"
check "the message names the ID" err_has "there is no conversation 999"
ask ok --conversation "$C3" "hello"
expect_rc 2 "--conversation with a deleted ID"
ask ok --conversation abc "hello"
expect_rc 2 "--conversation with a bad ID"
check "nothing was sent for unknown IDs" [ "$(requests)" = "$n" ]

# ---- --no-log -----------------------------------------------------------------------------
convs=$(sql "SELECT count(*) FROM conversations") msgs=$(sql "SELECT count(*) FROM messages")
ask ok --no-log "a secret nolog prompt"
expect_rc 0 "a --no-log one-shot"
check "--no-log adds no conversation" [ "$(sql "SELECT count(*) FROM conversations")" = "$convs" ]
check "--no-log adds no message" [ "$(sql "SELECT count(*) FROM messages")" = "$msgs" ]
check "no row holds the --no-log text" [ "$(sql "SELECT count(*) FROM messages WHERE content LIKE '%secret nolog%'")" = 0 ]
run log search "secret nolog"
check "log search finds no --no-log text" out_has "No conversation contains"
check "the store files hold no --no-log text" sh -c "! cat \"\$1\"* | grep -aq 'secret nolog'" sh "$DB"
ask echo-json --no-log --conversation "$C1" "private follow-up"
check "--no-log --conversation sends the history" [ "$(last_request 'len(r["body"]["messages"])')" = 9 ]
check "--no-log --conversation adds nothing to it" [ "$(sql "SELECT count(*) FROM messages")" = "$msgs" ]

# ---- a conversation of 10,000 messages ------------------------------------------------------
sql "INSERT INTO conversations (started, updated, title, model, base_url) VALUES ('2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 'big one', 'qwen-plus', '$BASE/v1');
WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < 10000)
INSERT INTO messages (conversation_id, role, content, model, created, status)
SELECT last_insert_rowid(), CASE n % 2 WHEN 1 THEN 'user' ELSE 'assistant' END, 'message number ' || n, 'qwen-plus', '2026-01-01T00:00:00.000Z', 'complete' FROM i;"
BIG=$(sql "SELECT id FROM conversations WHERE title = 'big one'")
run log list --json
check "log list counts 10,000 messages" json "[c['message_count'] for c in d if c['id'] == $BIG] == [10000]"
"$CONFAB" log show "$BIG" >"$T/big.txt" 2>"$T/err"
check "log show prints all 10,000 messages" [ "$(grep -c '^\[#' "$T/big.txt")" = 10000 ]
check "in order" [ "$(grep -A1 '^\[#' "$T/big.txt" | grep '^message number' | tail -n 1)" = "message number 10000" ]
"$CONFAB" log show "$BIG" --json >"$T/out" 2>"$T/err"
check "log show --json of 10,000 messages is valid JSON" json "len(d['messages']) == 10000 and d['messages'][-1]['content'] == 'message number 10000'"
run log search "number 9999"
check "search finds a message in it" out_has "message number 9999"
ask ok --no-log --conversation "$BIG" "and one more"
expect_rc 0 "resuming a conversation of 10,000 messages"
check "resuming sends all 10,000 earlier messages" [ "$(last_request 'len(r["body"]["messages"])')" = 10001 ]

# ---- log list's limit: the newest 50 unless -n N or --all -----------------------------
sql "WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 60)
INSERT INTO conversations (started, updated, title, model, base_url)
SELECT '2031-01-01T00:00:00.000Z', printf('2031-01-01T00:%02d:00.000Z', n), 'limit test ' || n,
       'qwen-plus', 'http://127.0.0.1/v1' FROM k"
TOTAL=$(sql 'SELECT count(*) FROM conversations')
NEWEST3=$(sql "SELECT group_concat(id, ' ') FROM (SELECT id FROM conversations ORDER BY updated DESC, id DESC LIMIT 3)")
rows() { tail -n +2 "$T/out" | wc -l; }
ids() { tail -n +2 "$T/out" | cut -d' ' -f1 | tr '\n' ' ' | sed 's/ $//'; }
run log list
expect_rc 0 "log list of $TOTAL conversations"
check "lists the newest 50 by default" [ "$(rows)" = 50 ]
check "the newest first" [ "$(ids | cut -d' ' -f1-3)" = "$NEWEST3" ]
check "one line on stderr says how many were left out" [ "$ERR" = "confab: $((TOTAL - 50)) older conversations are not shown; 'confab log list --all' lists every one, 'confab log list -n N' the newest N" ]
check "stdout has rows only" sh -c "! grep -q 'not shown' '$T/out'"
run log list --all
check "--all lists every conversation" [ "$(rows)" = "$TOTAL" ]
check "--all: no note" [ -z "$ERR" ]
run log list -n 3
check "-n 3 lists the newest 3" [ "$(ids)" = "$NEWEST3" ]
check "-n 3: the note counts the rest" err_has "$((TOTAL - 3)) older conversations are not shown"
run log list --limit 3
check "--limit 3 is -n 3" [ "$(ids)" = "$NEWEST3" ]
run log list -n "$TOTAL"
check "-n as many as there are: all, and no note" sh -c "[ $(rows) = $TOTAL ] && [ -z \"\$1\" ]" _ "$ERR"
run log list -n $((TOTAL - 1))
check "one left out: the note is singular" err_has "1 older conversation is not shown"
run log list -n 2 --json
check "-n applies to --json" json "[c['id'] for c in d] == [int(x) for x in '$NEWEST3'.split()[:2]]"
check "--json: the note is on stderr" err_has "older conversations are not shown"
run log list -n 2 -q
check "-q: no note" [ -z "$ERR" ]
for bad in 0 -1 x 3x 99999999999999999999; do
	run log list -n "$bad"
	expect_rc 2 "log list -n '$bad' is refused"
done
check "the message says what -n takes" err_has "takes a number of conversations, 1 or more"
run log list -n 3 --all
expect_rc 2 "-n with --all is refused"

# ---- log search stops at the limit: the newest matches, for the LIKE scan too --------------
# 60 conversations that say 晴雨 (two characters: a scan), the even ones twice, and one older
# one; the newest of them is not the one with the highest id.
sql "WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 60)
INSERT INTO messages (conversation_id, role, content, model, created, status)
SELECT c.id, 'assistant', 'weather: 晴雨 ' || c.title || ' (rainbow7)', 'qwen-plus', c.updated, 'complete'
FROM conversations c WHERE c.title LIKE 'limit test %'"
sql "INSERT INTO messages (conversation_id, role, content, model, created, status)
SELECT id, 'user', 'again 晴雨 rainbow7', 'qwen-plus', updated, 'complete' FROM conversations
WHERE title LIKE 'limit test %' AND CAST(substr(title, 12) AS INTEGER) % 2 = 0"
sql "UPDATE conversations SET updated = '2031-01-01T01:00:00.000Z' WHERE title = 'limit test 1'"
sql "INSERT INTO messages (conversation_id, role, content, model, created, status)
VALUES ($C1, 'user', 'old 晴雨 rainbow7', 'qwen-plus', '2020-01-01T00:00:00.000Z', 'complete')"
sql "UPDATE conversations SET updated = '2020-01-01T00:00:00.000Z' WHERE id = $C1"
matching() { sql "SELECT group_concat(id, ' ') FROM (SELECT DISTINCT c.id FROM conversations c JOIN messages m ON m.conversation_id = c.id WHERE m.content LIKE '%晴雨%' ORDER BY c.updated DESC, c.id DESC LIMIT $1)"; }
hits() { grep -E '^[0-9]' "$T/out" | cut -d' ' -f1 | tr '\n' ' ' | sed 's/ $//'; }
run log search 晴雨
expect_rc 0 "log search of a 2-character word in 61 conversations"
check "finds the newest 50 by default" [ "$(hits | wc -w)" = 50 ]
check "the newest 50 matches, newest first" [ "$(hits)" = "$(matching 50)" ]
check "the newest is the one updated last, not the highest id" [ "$(hits | cut -d' ' -f1)" = "$(sql "SELECT id FROM conversations WHERE title = 'limit test 1'")" ]
check "stderr says the search stopped at the limit" [ "$ERR" = "confab: the search stopped at the newest 50 conversations that match; 'confab log search --all TEXT' finds every one, '-n N' the newest N" ]
check "stdout has results only" sh -c "! grep -q 'stopped' '$T/out'"
TWICE=$(sql "SELECT id FROM conversations WHERE title = 'limit test 60'")
ONCE=$(sql "SELECT id FROM conversations WHERE title = 'limit test 59'")
check "a conversation's matches are all counted" sh -c "grep -q '^$TWICE .*(2 matching messages)' '$T/out' && grep -q '^$ONCE .*(1 matching message)' '$T/out'"
run log search -n 3 晴雨
check "-n 3: the newest 3" [ "$(hits)" = "$(matching 3)" ]
check "-n 3: the note" err_has "stopped at the newest 3 conversations"
run log search -n 1 晴雨
check "-n 1: the note in the singular" err_has "stopped at the newest conversation that matches"
run log search --all 晴雨
check "--all finds all 61, the oldest last" sh -c "[ \$(printf '%s\n' \"\$1\" | wc -w) = 61 ] && [ \"\$(printf '%s\n' \"\$1\" | tr ' ' '\n' | tail -n 1)\" = $C1 ]" _ "$(hits)"
check "--all: no note" [ -z "$ERR" ]
check "--all: the same order as the limited search" [ "$(hits | cut -d' ' -f1-50)" = "$(matching 50)" ]
run log search -n 61 晴雨
check "-n as many as match: all, no note" sh -c "[ \$(printf '%s\n' \"\$1\" | wc -w) = 61 ] && [ -z \"\$2\" ]" _ "$(hits)" "$ERR"
run log search -n 2 --json 晴雨
check "-n applies to --json" json "[h['conversation_id'] for h in d] == [int(x) for x in '$(matching 2)'.split()]"
run log search -n 2 rainbow7
check "the full-text search (3 characters or more) stops at the limit too" [ "$(hits)" = "$(matching 2)" ]
check "and says so" err_has "stopped at the newest 2 conversations"
run log search -n 0 晴雨
expect_rc 2 "log search -n 0 is refused"
run log search -n 2 -q 晴雨
check "-q: no note" [ -z "$ERR" ]
sql "DELETE FROM messages WHERE content LIKE '%晴雨%'"
sql "DELETE FROM conversations WHERE title LIKE 'limit test %'"

# ---- long messages: the trigram index holds the first 65536 characters (schema 8) ----------
fts_has() { [ "$(sql "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH '\"$1\"'")" = "$2" ]; }
# 72,000 bytes: a word at the start, one that straddles the cap, one in CJK and one at the end.
LONGP=$(python3 -c 'import sys; t = "robin31 " + "lorem ipsum " * 5460; t = t[:65530] + "straddle42word " + "鹦鹉螺号 " + "x" * 5000 + " kingfisher77 end"; sys.stdout.write(t)')
ask ok "$LONGP"
CL=$(newest) # the prompt and its echo in the answer: two long messages
check "the long prompt was stored whole" [ "$(sql "SELECT length(content) FROM messages WHERE conversation_id = $CL AND role = 'user'")" = "$(printf '%s' "$LONGP" | python3 -c 'import sys; print(len(sys.stdin.read()))')" ]
check "the index holds their start" fts_has robin31 2
check "but not what lies beyond the cap" fts_has kingfisher77 0
check "the partial index lists the long messages" [ "$(sql "SELECT count(*) FROM messages INDEXED BY messages_long WHERE length(CAST(content AS BLOB)) > 65536")" = 2 ]
for w in robin31 kingfisher77 KingFisher77 straddle42word 鹦鹉螺号 "x kingfisher77 e"; do
	run log search "$w"
	check "log search '$w' finds the long message" [ "$RC" = 0 ] && [ "$(hits)" = "$CL" ]
done
run log search --json robin31
check "each message counted once, though both the index and the scan find it" json "len(d) == 1 and d[0]['matches'] == 2"
run log search straddle42wordz
check "a text found nowhere is not found" [ -z "$(hits)" ]
run log delete "$CL" --yes
check "deleting it leaves nothing in the index" fts_has robin31 0
check "the index agrees with the messages" sql "INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')"

# A schema 7 store whose long message was indexed whole: migration 8 indexes it again, cut.
sql "DROP INDEX messages_long; DROP TRIGGER messages_fts_insert; DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_unindex; DROP TRIGGER messages_fts_index;
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.status != 'streaming' BEGIN
  INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content); END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN old.status != 'streaming' BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content); END;
CREATE TRIGGER messages_fts_unindex AFTER UPDATE OF content, status ON messages WHEN old.status != 'streaming' BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content); END;
CREATE TRIGGER messages_fts_index AFTER UPDATE OF content, status ON messages WHEN new.status != 'streaming' BEGIN
  INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content); END;
PRAGMA user_version = 7;
INSERT INTO messages (conversation_id, role, content, created)
  VALUES ($C1, 'user', 'wren19 ' || hex(zeroblob(40000)) || ' wren55tail', '2026-01-01T00:00:00.000Z');"
check "schema 7 indexed the long message whole" fts_has wren55tail 1
run log search wren55tail
check "schema 8 migrated the store" [ "$(sql 'PRAGMA user_version')" = 8 ]
check "and finds the word beyond the cap" [ "$(hits)" = "$C1" ]
check "which the index no longer holds" fts_has wren55tail 0
check "while it holds the start" fts_has wren19 1
sql "DELETE FROM messages WHERE content LIKE 'wren19 %'"
check "the re-indexed message deleted, the index agrees with the messages" sql "INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')"

# ---- a store from a newer confab ---------------------------------------------------------------
sql 'PRAGMA user_version = 99'
sum=$(sha256sum <"$DB")
for cmd in "list" "list --json" "show $C1" "search hello" "export $C1" "delete $C1 --yes"; do
	run log $cmd
	if [ "$RC" = 2 ] && err_has "newer confab (schema 99" && [ "$(sha256sum <"$DB")" = "$sum" ]; then
		ok "log $cmd refuses a newer store and leaves it alone"
	else
		not_ok "log $cmd refuses a newer store and leaves it alone"
		diag "rc=$RC" "stderr: $ERR"
	fi
done
ask ok --conversation "$C1" "hello"
expect_rc 2 "--conversation refuses a newer store"

done_testing
