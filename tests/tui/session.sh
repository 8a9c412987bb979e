#!/bin/sh
# The chat session shared by the UI and line mode: the consent gate before
# every prompt (read afresh, not at start-up), the kept prompt, what is sent
# back after an interrupted answer and after /retry. Driven in tmux.
. "$TOP_SRCDIR/tests/cli/lib.sh"

start_server
ENVS="env XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_DATA_HOME=$XDG_DATA_HOME XDG_STATE_HOME=$XDG_STATE_HOME CONFAB_DATADIR=$CONFAB_DATADIR HOME=$HOME LC_ALL=C.UTF-8 TERM=xterm-256color"
chats() { _c=$(grep -c chat/completions "$T/requests.log" 2>/dev/null); echo "${_c:-0}"; }
# sent EXPR: a Python expression over the last request's messages (m), printed.
sent() {
	grep chat/completions "$T/requests.log" | tail -n 1 |
		python3 -c "import json,sys; m=json.loads(sys.stdin.read())['body']['messages']; print($1)"
}
waits() { if wait_for "$1" "$2"; then ok "$3"; else not_ok "$3"; fi; }
# cursor_line NAME: the line the cursor is on (trailing blanks go)
cursor_line() {
	tm "$1" capture-pane -p | sed -n "$(($(tm "$1" display -p '#{cursor_y}') + 1))p" |
		sed 's/ *$//'
}
# unchanged N: the server saw N chat requests, and no more after a moment.
unchanged() {
	sleep 0.5
	[ "$(chats)" = "$1" ]
}

accept_terms

# 1. The UI is open and accepted; a second shell withdraws consent.
tmux_start u1 "$ENVS $CONFAB --base-url $BASE/s/ok/v1"
wait_for u1 "Enter send" >/dev/null
tmux_keys u1 "first question" Enter
waits u1 "You said: first question" "the UI answers while the Terms are accepted"
run terms withdraw
expect_rc 0 "terms withdraw from a second shell"
n=$(chats)
tmux_keys u1 "kept prompt" Enter
waits u1 "Are you at least 18" "the next prompt opens the consent screens instead of being sent"
check "the withdrawn consent is named on the summary" has "$(screen u1)" "You withdrew your consent on"
check "nothing reached the server" unchanged "$n"
tmux_keys u1 "yes" Enter "agree" Enter
waits u1 "press Enter to send it" "after accepting again the chat says the prompt is kept"
check "still nothing was sent" unchanged "$n"
tmux_keys u1 Enter
waits u1 "You said: kept prompt" "one Enter sends the kept prompt"
check "exactly one request went out for it" [ "$(chats)" = $((n + 1)) ]
check "the earlier pair and the kept prompt were sent" \
	[ "$(sent '[(x["role"], x["content"]) for x in m]')" = "[('user', 'first question'), ('assistant', 'Hello! You said: first question'), ('user', 'kept prompt')]" ]
tmux_keys u1 C-d
wait_for u1 "[exit 0]" >/dev/null

# 2. A new Terms version is recorded while the UI is open: what changed, then accept.
cp "$TERMS" "$T/terms.md"
accept_terms --terms-file "$T/terms.md"
tmux_start u2 "$ENVS $CONFAB --base-url $BASE/s/ok/v1 --terms-file $T/terms.md"
wait_for u2 "Enter send" >/dev/null
tmux_keys u2 "before the change" Enter
wait_for u2 "You said: before the change" >/dev/null
wait_for u2 "(Terms III.4)" >/dev/null	# the answer has ended: its notice is shown
sed -i 's/^(e) you must not depend solely on the Outputs/(e) you must never depend solely on the Outputs/' "$T/terms.md"
n=$(chats)
tmux_keys u2 "after the change" Enter
waits u2 "What changed in the Terms" "a Terms change while the UI is open opens what changed"
check "it names the changed section" has "$(screen u2)" "III. User Content"
check "the prompt was not sent under the old acceptance" unchanged "$n"
tmux_keys u2 c
wait_for u2 "Are you at least 18" >/dev/null
tmux_keys u2 "yes" Enter "agree" Enter
wait_for u2 "press Enter to send it" >/dev/null
tmux_keys u2 Enter
waits u2 "You said: after the change" "after accepting the new version the kept prompt goes with one key"
run --terms-file "$T/terms.md" terms status
expect_rc 0 "the new version is accepted"
tmux_keys u2 C-d
wait_for u2 "[exit 0]" >/dev/null

# 3. Line mode: the same gate, the review on the terminal, the prompt back on the line.
accept_terms
tmux_start l1 "$ENVS $CONFAB --plain --base-url $BASE/s/ok/v1"
wait_for l1 "/help lists" >/dev/null
tmux_keys l1 "line question" Enter
waits l1 "You said: line question" "line mode answers while the Terms are accepted"
wait_for l1 "(Terms III.4)" >/dev/null	# the answer has ended: its notice is shown
run terms withdraw
n=$(chats)
tmux_keys l1 "line kept" Enter
waits l1 "or press Enter to go on:" "line mode opens the review instead of sending"
check "nothing reached the server" unchanged "$n"
tmux_keys l1 Enter
wait_for l1 "Type yes or no:" >/dev/null
tmux_keys l1 "yes" Enter
wait_for l1 "type agree" >/dev/null
tmux_keys l1 "agree" Enter
waits l1 "press Enter to send it" "after the review the kept prompt waits"
wait_until [ "$(cursor_line l1)" = "> line kept" ]
check "the kept prompt is on the input line" [ "$(cursor_line l1)" = "> line kept" ]
check "still nothing was sent" unchanged "$n"
tmux_keys l1 Enter
waits l1 "You said: line kept" "one Enter sends it"
tmux_keys l1 C-d
wait_for l1 "[exit 0]" >/dev/null

# 4. What is sent back after an interrupted answer and after /retry (line mode).
tmux_start l2 "$ENVS $CONFAB --plain --base-url $BASE/s/stall/v1"
wait_for l2 "/help lists" >/dev/null
tmux_keys l2 "slow question" Enter
wait_for l2 "Hello!" >/dev/null
tmux_keys l2 C-c
waits l2 "[interrupted]" "Ctrl-C interrupts the answer"
tmux_keys l2 "/endpoint $BASE/s/echo-json/v1" Enter
wait_for l2 "endpoint: " >/dev/null
wait_for l2 "(y/N)" >/dev/null	# a server on this machine: save it as a profile? no
tmux_keys l2 Enter
wait_for l2 "no profile saved" >/dev/null
n=$(chats)
done_before=$(sql "SELECT count(*) FROM messages WHERE role = 'assistant' AND status = 'complete'")
tmux_keys l2 "after the interruption" Enter
wait_until [ "$(chats)" = $((n + 1)) ]
check "the interrupted answer and its prompt are not sent back" \
	[ "$(sent '[(x["role"], x["content"]) for x in m]')" = "[('user', 'after the interruption')]" ]
wait_for l2 '"after the interruption"' >/dev/null
wait_until [ "$(sql "SELECT count(*) FROM messages WHERE role = 'assistant' AND status = 'complete'")" = $((done_before + 1)) ]
tmux_keys l2 "/retry" Enter
wait_until [ "$(chats)" = $((n + 2)) ]
check "/retry sends the last prompt alone again, not the attempt it replaces" \
	[ "$(sent '[(x["role"], x["content"]) for x in m]')" = "[('user', 'after the interruption')]" ]
wait_until [ "$(sql "SELECT count(*) FROM messages WHERE status = 'replaced'")" = 1 ]
# The retry's answer has ended when it is the one complete answer again.
wait_until [ "$(sql "SELECT count(*) FROM messages WHERE role = 'assistant' AND status = 'complete'")" = $((done_before + 1)) ]
check "the replaced answer is marked in the store" \
	[ "$(sql "SELECT count(*) FROM messages WHERE status = 'replaced'")" = 1 ]
tmux_keys l2 "third" Enter
wait_until [ "$(chats)" = $((n + 3)) ]
check "then the new answer is the one sent back" \
	[ "$(sent '[x["role"] for x in m]')" = "['user', 'assistant', 'user']" ]
check "with its prompt first" [ "$(sent 'm[0]["content"]')" = "after the interruption" ]
check "no two user turns in a row ever went out" sh -c "grep chat/completions '$T/requests.log' |
	python3 -c 'import json,sys
for l in sys.stdin:
    r=[x[\"role\"] for x in json.loads(l)[\"body\"][\"messages\"] if x[\"role\"] != \"system\"]
    assert all(a != b for a, b in zip(r, r[1:])), r'"
tmux_keys l2 C-d
wait_for l2 "[exit 0]" >/dev/null

done_testing
