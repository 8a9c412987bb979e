#!/bin/sh
# A long answer recorded as it streams: the pieces that arrive are appended,
# never rewritten (schema 6's message_parts); at the end the stored answer is
# the printed one, byte for byte; after kill -9 mid-stream what is stored is a
# prefix of what was printed. bench/scale.sh runs here on a tiny store.
. "$TOP_SRCDIR/tests/cli/lib.sh"

start_server
accept_terms

# stored_vs FILE: how what the store holds of the last answer (pieces joined)
# compares with FILE: "whole" (the same bytes), "prefix" (a non-empty prefix), or
# "neither ...".
stored_vs() {
	python3 - "$DB" "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.text_factory = bytes
row = db.execute("SELECT content FROM messages_text ORDER BY id DESC LIMIT 1").fetchone()
stored, printed = row[0], open(sys.argv[2], "rb").read()
if printed.endswith(b"\n") and not stored.endswith(b"\n"):
    printed = printed[:-1]
# One-shot holds back an answer's trailing newlines until more text follows.
print("whole" if stored == printed else
      "prefix" if stored and printed.startswith(stored.rstrip(b"\n")) else
      "neither (%d stored, %d printed)" % (len(stored), len(printed)))
PY
}
# is_prefix FILE: a prefix, or all of it. FILE is the whole answer the server sends:
# what is printed and what is stored race each other by a save, so each is checked
# against the answer, not against the other.
is_prefix() { vs=$(stored_vs "$1"); [ "$vs" = prefix ] || [ "$vs" = whole ] || { diag "$vs"; false; }; }
last_id() { sql "SELECT max(id) FROM messages"; }
parts() { sql "SELECT count(*) FROM message_parts WHERE message_id = (SELECT max(id) FROM messages)"; }
two_parts() { [ "$(parts)" -ge 2 ]; }

# ---- a long answer streams to the end ------------------------------------------------

expected drip >"$T/drip.expected"

"$CONFAB" --raw --base-url "$BASE/s/drip/v1" "a long answer" >"$T/drip.out" 2>"$T/drip.err" </dev/null &
pid=$!
MORE_PIDS=$pid
check "the answer is appended in pieces as it streams" wait_until two_parts
check "what is stored is never rewritten while it streams (the row keeps its empty text)" \
	[ "$(sql "SELECT status || ':' || length(content) FROM messages WHERE id = $(last_id)")" = "streaming:0" ]
check "while it streams, the stored pieces are a prefix of the answer" \
	is_prefix "$T/drip.expected"
wait "$pid"
RC=$? MORE_PIDS=
expect_rc 0 "the long answer ends"
check "it is printed byte for byte" same_bytes "$T/drip.out" "$T/drip.expected"
check "the stored answer is the printed one, byte for byte" [ "$(stored_vs "$T/drip.out")" = whole ]
check "the row holds it whole, complete" \
	[ "$(sql "SELECT status || ':' || length(content) FROM messages WHERE id = $(last_id)")" = "complete:65536" ]
check "its reasoning is stored" \
	[ "$(sql "SELECT reasoning LIKE 'Okay, the user sent%' FROM messages WHERE id = $(last_id)")" = 1 ]
check "the pieces are dropped at the end" [ "$(parts)" = 0 ]
run log search "0000777 The quick"
check "log search finds the stored answer" out_has "a long answer"

# ---- kill -9 mid-stream -----------------------------------------------------------------

"$CONFAB" --raw --base-url "$BASE/s/drip/v1" "killed midway" >"$T/kill.out" 2>/dev/null </dev/null &
pid=$!
MORE_PIDS=$pid
check "the killed answer was being appended" wait_until two_parts
kill -9 "$pid"
wait "$pid" 2>/dev/null
MORE_PIDS=
check "after kill -9, what is stored is a prefix of the answer" is_prefix "$T/drip.expected"
check "and so is what was printed" sh -c 'python3 -c "import sys; a=open(sys.argv[1],\"rb\").read(); b=open(sys.argv[2],\"rb\").read(); sys.exit(0 if b.startswith(a) else 1)" "$1" "$2"' sh "$T/kill.out" "$T/drip.expected"
run log list
expect_rc 0 "the next start"
check "it marks the answer interrupted, its pieces joined into the row" \
	[ "$(sql "SELECT status || ':' || (length(content) > 0) FROM messages WHERE id = $(last_id)")" = "interrupted:1" ]
check "and drops the pieces" [ "$(parts)" = 0 ]
check "the recovered answer is still a prefix of the answer" is_prefix "$T/drip.expected"
run log show last --json
check "log show has the recovered text" out_has "0000001 The quick"

# ---- bench/scale.sh keeps working (a tiny run, no times asserted) -------------------------

sh "$TOP_SRCDIR/bench/scale.sh" --tiny "$CONFAB" >"$T/scale.out" 2>"$T/scale.err"
RC=$?
expect_rc 0 "bench/scale.sh --tiny runs"
[ "$RC" = 0 ] || diag "$(tail -5 "$T/scale.err")"
check "it reports every figure" grep -q "resume" "$T/scale.out"

done_testing
