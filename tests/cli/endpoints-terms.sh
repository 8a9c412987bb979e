#!/bin/sh
# Terms per endpoint: terms = none, the loopback question and its answer in the
# ledger, the DashScope default still under the Qwen Terms, endpoints named in
# status and history, and the chain head outside the database (truncation).
. "$TOP_SRCDIR/tests/cli/lib.sh"

start_server
chats() { _c=$(grep -c chat/completions "$T/requests.log" 2>/dev/null); echo "${_c:-0}"; }
events() { sql "SELECT count(*) FROM consent_events"; }
HEADFILE="$XDG_DATA_HOME/confab/ledger-head"
LOCAL="http://localhost:$PORT/s/ok/v1"	# the fake server under another name: another endpoint
OTHER="$BASE/s/echo-json/v1"

# ---- terms = none: explicit, in a profile; sends without the Qwen Terms ---------------
mkdir -p "$XDG_CONFIG_HOME/confab"
cat >"$XDG_CONFIG_HOME/confab/config" <<EOF
[profile mine]
base_url = $BASE/s/ok/v1
terms = none

[profile bad]
base_url = $BASE/s/ok/v1
terms = maybe
EOF
run -p mine "hello there"
expect_rc 0 "a loopback profile with terms = none sends without the Qwen Terms"
check "the answer came from the server" out_has "Hello! You said: hello there"
check "nothing was recorded in the ledger" [ "$(events)" = 0 ]
check "no head file without events" [ ! -e "$HEADFILE" ]
run --base-url "$BASE/s/ok/v1" --terms none "flag"
expect_rc 0 "--terms none does the same"
CONFAB_TERMS=none run --base-url "$BASE/s/ok/v1" "env"
expect_rc 0 "CONFAB_TERMS=none does the same"
run -p bad "x"
expect_rc 2 "another value of terms is a configuration error"
check "the error names the setting and the only value" err_has "the only value is none"
run -p mine terms status --json
expect_rc 0 "status of a terms = none endpoint may send"
check "status names the rule" out_has '"rule":"none"'

# ---- the default endpoint (DashScope) still requires the Qwen Terms --------------------
n=$(chats)
run "hello"
expect_rc 3 "the default DashScope endpoint requires the Qwen Terms (the gate runs first)"
check "it names the Terms" err_has "you have not accepted the Terms of Service"
check "it does not offer the loopback answer for DashScope" sh -c "! printf '%s' \"\$1\" | grep -q -- --no-terms" _ "$ERR"
run --terms none --base-url https://dashscope.aliyuncs.com/compatible-mode/v1 terms accept --no-terms
expect_rc 2 "the loopback answer is refused for a remote endpoint"

# ---- an unprofiled loopback endpoint: still the Qwen Terms until answered ---------------
run --base-url "$BASE/s/ok/v1" "hello"
expect_rc 3 "an unanswered loopback endpoint is gated by the Qwen Terms"
check "the refusal says how to use it without Terms" \
	err_has "confab terms accept --no-terms --endpoint $BASE/s/ok/v1"
check "nothing reached the server" [ "$(chats)" = "$n" ]

# ---- the question, asked once in line mode after /endpoint (tmux) ------------------------
ENVS="env XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_DATA_HOME=$XDG_DATA_HOME XDG_STATE_HOME=$XDG_STATE_HOME CONFAB_DATADIR=$CONFAB_DATADIR HOME=$HOME LC_ALL=C.UTF-8 TERM=xterm-256color"
tmux_start q1 "$ENVS $CONFAB --plain -p mine"
wait_for q1 "/help lists" >/dev/null && ok "line mode starts without a review under terms = none" ||
	not_ok "line mode starts without a review under terms = none"
tmux_keys q1 "/endpoint $LOCAL" Enter
wait_for q1 "Use it without Terms? Type yes or no:" && ok "/endpoint to an unanswered loopback server asks" ||
	not_ok "/endpoint to an unanswered loopback server asks"
check "it says terms = none was for the previous endpoint" \
	has "$(screen q1 | tr '\n' ' ' | tr -s ' ')" "applied to the previous endpoint"
tmux_keys q1 "maybe" Enter
wait_for q1 "please type yes or no" >/dev/null && ok "an unclear answer asks again" || not_ok "an unclear answer asks again"
tmux_keys q1 "yes" Enter
wait_for q1 "recorded: this server is used without Terms" >/dev/null &&
	ok "a yes is recorded" || not_ok "a yes is recorded"
# then its models are fetched and a profile is offered (session-models.c): decline it
wait_for q1 "Save this endpoint and model as profile" >/dev/null &&
	ok "after yes a profile is offered" || not_ok "after yes a profile is offered"
tmux_keys q1 "n" Enter
wait_for q1 "no profile saved" >/dev/null
tmux_keys q1 "after yes" Enter
wait_for q1 "You said: after yes" >/dev/null && ok "after yes the prompt is sent" || not_ok "after yes the prompt is sent"
tmux_keys q1 "/endpoint $LOCAL" Enter
# Had either question come back, it would take the next line as its answer.
tmux_keys q1 "/endpoint $OTHER" Enter
wait_for q1 "Type yes or no:" >/dev/null
check "it asks once: not again for the same endpoint" \
	[ "$(screen q1 | grep -c 'Use it without Terms?')" = 3 ]	# the question, its repeat after "maybe", and OTHER's
check "a declined profile is not offered again in the session" \
	[ "$(screen q1 | grep -c 'Save this endpoint and model as profile')" = 1 ]
tmux_keys q1 "no" Enter
wait_for q1 "recorded: the provider's Terms govern this server" >/dev/null &&
	ok "a no is recorded" || not_ok "a no is recorded"
n=$(chats)
tmux_keys q1 "after no" Enter
wait_for q1 "or press Enter to go on:" >/dev/null && ok "after no, the Qwen Terms review opens" ||
	not_ok "after no, the Qwen Terms review opens"
tmux_keys q1 C-d
sleep 0.3
check "nothing was sent after no" [ "$(chats)" = "$n" ]
tmux_keys q1 C-d
check "two answers are in the ledger" [ "$(sql "SELECT count(*) FROM consent_events WHERE kind = 'no-terms'")" = 2 ]
check "the yes names its endpoint" \
	[ "$(sql "SELECT detail FROM consent_events WHERE kind = 'no-terms' AND endpoint = '$LOCAL'")" = yes ]
check "the no names its endpoint" \
	[ "$(sql "SELECT detail FROM consent_events WHERE kind = 'no-terms' AND endpoint = '$OTHER'")" = no ]
check "the yes says how it was given" \
	[ "$(sql "SELECT method FROM consent_events WHERE kind = 'no-terms' AND endpoint = '$LOCAL'")" = "typed 'yes' (line mode)" ]

# The answers hold for their endpoint only.
run --base-url "$LOCAL/" "one-shot"
expect_rc 0 "the endpoint answered yes sends without the Qwen Terms (a trailing / is the same endpoint)"
run --base-url "$OTHER" "one-shot"
expect_rc 3 "the endpoint answered no is gated by the Qwen Terms"
run --base-url "$BASE/s/ok/v1" "one-shot"
expect_rc 3 "another loopback endpoint is still gated"
run "one-shot"
expect_rc 3 "the default endpoint is still gated"

# In a script.
run --endpoint "$BASE/s/ok/v1" terms accept --no-terms
expect_rc 0 "terms accept --no-terms --endpoint URL answers yes for URL"
run --base-url "$BASE/s/ok/v1" "scripted"
expect_rc 0 "that endpoint then sends"
run --endpoint "$BASE/s/ok/v1" terms withdraw --no-terms
expect_rc 0 "terms withdraw --no-terms answers no"
run --base-url "$BASE/s/ok/v1" "scripted"
expect_rc 3 "that endpoint is gated again"

# ---- status and history name the endpoints ----------------------------------------------
run --base-url "$LOCAL" terms status
expect_rc 0 "status for the endpoint answered yes"
check "status lists the current endpoint without Terms" out_has "$LOCAL  no provider's Terms (you answered yes"
check "status lists the endpoint answered no" out_has "under the Terms above (you answered no to using it without Terms"
check "status lists every endpoint the ledger names" \
	[ "$(printf '%s\n' "$OUT" | grep -c '^  http://')" = 3 ]
check "status prints the ledger head" out_has "Ledger head: "
run terms status
check "status lists the default endpoint first when it is current" \
	out_has "Endpoints (the current one first):
  https://dashscope-intl.aliyuncs.com/compatible-mode/v1  "
# pyjson EXPR ARGS...: evaluate a Python assertion on $OUT as JSON (o), with ARGS as a.
pyjson() {
	_e=$1
	shift
	printf '%s' "$OUT" | python3 -c "import json, sys
o = json.load(sys.stdin)
a = sys.argv[1:]
assert $_e, o" "$@"
}
run terms status --json
check "status --json lists every endpoint with its rule" \
	pyjson '{e["url"]: e["rule"] for e in o["endpoints"]} == {a[0]: "no-terms", a[1]: "terms", a[2]: "terms", a[3]: "terms"}' \
	"$LOCAL" "$OTHER" "$BASE/s/ok/v1" "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"
check "status --json says the default endpoint may not send" \
	pyjson 'o["endpoint"]["rule"] == "terms" and not o["endpoint"]["may_send"]'
check "status --json has the answer for the endpoint" \
	pyjson '[e["answer"]["no_terms"] for e in o["endpoints"] if e["url"] == a[0]] == ["yes"]' "$LOCAL"
run terms history
check "history names the endpoint of each answer" out_has "without Terms: yes, for $LOCAL"
run terms history --json
check "history --json has the endpoint" \
	pyjson '[e["endpoint"] for e in o if e["kind"] == "no-terms"][0] == a[0]' "$LOCAL"

# ---- the question in the full-screen UI: the yes/no field ------------------------------
LOCAL2="http://localhost:$PORT/s/echo-json/v1"
tmux_start u1 "$ENVS $CONFAB -p mine"
wait_for u1 "/help lists the commands" >/dev/null && ok "the UI opens the chat under terms = none" ||
	not_ok "the UI opens the chat under terms = none"
tmux_keys u1 "/endpoint $LOCAL2" Enter
wait_for u1 "Type yes or no and Enter" >/dev/null && ok "the UI asks after /endpoint" ||
	not_ok "the UI asks after /endpoint"
tmux_keys u1 "yes" Enter
wait_for u1 "recorded: this server is used without" >/dev/null && ok "the UI records a yes" ||
	not_ok "the UI records a yes"
tmux_keys u1 C-d
check "the UI's answer names its endpoint and how it was given" \
	[ "$(sql "SELECT detail || ' ' || method FROM consent_events WHERE kind = 'no-terms' AND endpoint = '$LOCAL2'")" = "yes typed 'yes' (full-screen)" ]

# ---- the chain head outside the database ------------------------------------------------
accept_terms
run terms verify
expect_rc 0 "verify an intact ledger with its head file"
check "the head file is private" [ "$(stat -c %a "$HEADFILE")" = 600 ]
run terms status --json
HEAD=$(printf '%s' "$OUT" | python3 -c 'import json,sys; h=json.load(sys.stdin)["head"]; assert h["hash"] == h["file_hash"] and h["event"] == h["file_event"]; print(h["hash"])')
check "status --json prints the head, the same in the file" [ -n "$HEAD" ]
FIRST=$(sql "SELECT hash FROM consent_events ORDER BY id LIMIT 1")
run terms verify --head "$HEAD"
expect_rc 0 "verify --head with the current head"
sql "DROP TRIGGER consent_events_no_delete; DELETE FROM consent_events WHERE id > (SELECT max(id) - 2 FROM consent_events);"
run terms verify
expect_rc 1 "verify after the last events were cut"
check "it names the truncation" err_has "events were cut from the end of the ledger"
run terms verify --head "$HEAD"
expect_rc 1 "verify --head with a head that was cut"
check "it says no event has that head" err_has "no event in the ledger has the hash"
run terms verify --head "$(printf %.16s "$FIRST")"
expect_rc 0 "verify --head with an older head still in the ledger"
rm -f "$HEADFILE"
run terms verify
expect_rc 1 "verify without the head file (the ledger kept one): a failure"
check "it says the head file is missing" err_has "is missing"

done_testing
