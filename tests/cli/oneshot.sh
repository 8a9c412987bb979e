#!/bin/sh
# One-shot chat against the fake OpenAI-compatible server: every scenario.
. "$TOP_SRCDIR/tests/cli/lib.sh"

start_server
accept_terms




# requests: how many requests the server has logged.
requests() { [ -f "$T/requests.log" ] && wc -l <"$T/requests.log" || echo 0; }
# last_request EXPR: a Python expression on the last logged request r.
last_request() {
	tail -n 1 "$T/requests.log" | python3 -c "import json,sys; r=json.loads(sys.stdin.read()); print($1)"
}
# last_message SQL_COLUMNS: columns of the newest message.
last_message() { sql "SELECT $1 FROM messages ORDER BY id DESC LIMIT 1"; }


# ---- answers that must arrive byte for byte --------------------------------
for s in ok ctype-params reasoning ollama-reasoning ollama cjk-split keepalive \
	crlf cr mixed-eol bom bom-split bom-twice usage usage-null-choices usage-missing-choices \
	done-no-blank done-no-eol no-done extra-fields llama-error-field sse-fields multiline \
	length content-filter empty-choices-first null-content 429-then-ok 500-then-ok \
	fail-408x1 fail-409x1 fail-503x2; do
	ask "$s" "$PROMPT"
	expected "$s" >"$T/want"
	if [ "$RC" = 0 ] && same_bytes "$T/out" "$T/want"; then
		ok "scenario $s: exact answer on stdout, exit 0"
	else
		not_ok "scenario $s: exact answer on stdout, exit 0"
		diag "rc=$RC" "stderr: $ERR" "got:" "$(od -c "$T/out" | head -5)" "want:" "$(od -c "$T/want" | head -5)"
	fi
done

# U+0085 (NEL) is a C1 control: dropped from stdout, kept with --raw.
ask unicode-lines --raw "$PROMPT"
expected unicode-lines >"$T/want"
check "scenario unicode-lines: exact bytes with --raw" same_bytes "$T/out" "$T/want"
ask unicode-lines "$PROMPT"
check "scenario unicode-lines: U+2028, U+2029 and a mid-text BOM are kept" out_has "line-sep[$(printf '\342\200\250')] para-sep[$(printf '\342\200\251')]"
check "scenario unicode-lines: NEL is dropped from stdout" out_has "nel[]"

# ---- the store records the exchange -------------------------------------------
ask ok "$PROMPT"
check "the prompt is stored before the answer" \
	[ "$(sql "SELECT role || ':' || content FROM messages ORDER BY id DESC LIMIT 1 OFFSET 1")" = "user:$PROMPT" ]
check "the answer is stored whole and complete" \
	[ "$(last_message "status || '|' || content")" = "complete|Hello! You said: $PROMPT" ]
check "the answer records model, usage, latency and finish_reason" \
	[ "$(last_message "model IS NOT NULL AND total_tokens > 0 AND latency_ms >= 0 AND duration_ms >= latency_ms AND finish_reason = 'stop'")" = 1 ]
check "stderr carries the usage line" err_has "completion tokens]"
check "stderr has no escape codes when it is not a terminal" sh -c "! grep -q \"\$(printf '\\033')\" '$T/err'"
check "the request asked for a stream with usage" \
	[ "$(last_request 'r["body"]["stream"] and r["body"]["stream_options"]["include_usage"]')" = True ]

ask reasoning "$PROMPT"
check "reasoning goes to stderr" err_has "I should greet them"
check "reasoning is stored apart from the answer" [ "$(last_message "reasoning LIKE '%greet%' AND content NOT LIKE '%greet%'")" = 1 ]
ask echo-json -c "again"
check "reasoning is never sent back with --continue" \
	sh -c "tail -n 1 '$T/requests.log' | grep -q 'Hello! You said' && ! tail -n 1 '$T/requests.log' | grep -q 'greet them'"
check "--continue sends the earlier exchange" \
	[ "$(last_request '[m["role"] for m in r["body"]["messages"]]')" = "['user', 'assistant', 'user']" ]

# ---- the prompt ---------------------------------------------------------------
printf 'line one\nline two\n' | "$CONFAB" --base-url "$BASE/s/echo-json/v1" "summarise" >/dev/null 2>&1
check "arguments, a blank line, then stdin make the prompt" \
	[ "$(last_request 'repr(r["body"]["messages"][-1]["content"])')" = "'summarise\\n\\nline one\\nline two\\n'" ]
printf 'only stdin' | "$CONFAB" --base-url "$BASE/v1" >"$T/out" 2>/dev/null
check "stdin alone is a prompt" [ "$(cat "$T/out")" = "Hello! You said: only stdin" ]

n=$(requests)
ask ok ""
expect_rc 2 "an empty prompt"
check "the message says the prompt is empty" err_has "the prompt is empty"
printf '   \n\n' | "$CONFAB" --base-url "$BASE/v1" >/dev/null 2>&1
check "a blank stdin prompt is refused too (exit 2)" [ $? = 2 ]
printf 'a\000b' | "$CONFAB" --base-url "$BASE/v1" >/dev/null 2>"$T/err"
check "a NUL in the prompt is refused (exit 2)" [ $? = 2 ]
check "the NUL refusal says where" grep -q "NUL byte" "$T/err"
head -c 1100000 /dev/zero | tr '\0' 'a' | "$CONFAB" --base-url "$BASE/v1" >/dev/null 2>"$T/err"
check "stdin over the limit is refused (exit 2)" [ $? = 2 ]
check "the limit is named" grep -q "limit is 1048576 bytes" "$T/err"
check "nothing was sent for refused prompts" [ "$(requests)" = "$n" ]
printf 'caf\351 ok' | "$CONFAB" --base-url "$BASE/s/echo-json/v1" >/dev/null 2>"$T/err"
check "invalid UTF-8 in the prompt is replaced, not sent broken (exit 0)" [ $? = 0 ]
check "the replacement is announced" grep -q "not valid UTF-8" "$T/err"
check "U+FFFD was sent in its place" [ "$(last_request 'r["body"]["messages"][-1]["content"]')" = "caf� ok" ]

# ---- options ------------------------------------------------------------------
ask echo-json --model qwen-max --system "Be brief." "$PROMPT"
check "--model is sent" [ "$(last_request 'r["body"]["model"]')" = qwen-max ]
check "--system comes first" [ "$(last_request 'r["body"]["messages"][0]')" = "{'role': 'system', 'content': 'Be brief.'}" ]
ask ok --no-stream "$PROMPT"
expect_rc 0 "--no-stream"
check "--no-stream asks for the whole answer" [ "$(last_request 'r["body"]["stream"]')" = False ]
check "--no-stream prints the answer" [ "$OUT" = "Hello! You said: $PROMPT" ]
ask ok --json "$PROMPT"
check "--json prints one JSON object with the answer" \
	sh -c "python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j[\"content\"] == \"Hello! You said: $PROMPT\" and j[\"finish_reason\"] == \"stop\" and j[\"usage\"][\"total_tokens\"] > 0 and j[\"message_id\"] > 0 and j[\"disclaimers\"][0][\"clause\"].startswith(\"III.4\")' '$T/out'"
CONFAB_MODEL=from-env ask echo-json "$PROMPT"
check "CONFAB_MODEL is used" [ "$(last_request 'r["body"]["model"]')" = from-env ]

c=$(sql 'SELECT count(*) FROM messages')
ask ok --no-log "$PROMPT"
expect_rc 0 "--no-log answers"
check "--no-log writes nothing to the store" [ "$(sql 'SELECT count(*) FROM messages')" = "$c" ]

# ---- output safety --------------------------------------------------------------
ask escapes "$PROMPT"
expect_rc 0 "escapes scenario"
check "no ESC reaches stdout" sh -c "! grep -q \"\$(printf '\\033')\" '$T/out'"
check "no C1 control (UTF-8) reaches stdout" sh -c "! grep -qP '\\xc2[\\x80-\\x9f]' '$T/out'"
check "no raw CSI byte reaches stdout" sh -c "! LC_ALL=C grep -q \"\$(printf '\\233')\" '$T/out'"
check "no BEL, BS or lone CR reaches stdout" sh -c "! LC_ALL=C grep -q \"[\$(printf '\\007\\010\\r')]\" '$T/out'"
check "no bidi override reaches stdout" sh -c "! grep -q \"\$(printf '\\342\\200\\256')\" '$T/out'"
check "the visible text survives" out_has "hyperlink:[click me]"
ask escapes --raw "$PROMPT"
check "--raw keeps the exact bytes" grep -q "$(printf '\033]0;pwned-title')" "$T/out"
ask escapes --json "$PROMPT"
check "--json keeps the exact text" sh -c "python3 -c 'import json,sys; assert \"\\x1b]52;c;\" in json.load(open(sys.argv[1]))[\"content\"]' '$T/out'"
check "the store keeps the exact text" [ "$(last_message "instr(content, char(27) || ']0;') > 0")" = 1 ]

# ---- failures -------------------------------------------------------------------
ask cut "$PROMPT"
expect_rc 5 "a stream cut mid-answer"
check "the partial answer is on stdout" out_has "Hello!"
check "the cut is explained" err_has "cut off"
check "the partial answer is stored as incomplete" [ "$(last_message "status || ':' || (length(content) > 0)")" = "incomplete:1" ]
ask cut-reset "$PROMPT"
expect_rc 5 "a stream reset mid-answer"

ask error-in-stream "$PROMPT"
expect_rc 1 "an error object inside the stream"
check "the provider's message is shown" err_has "Output data may contain inappropriate content."
check "the partial answer before the error is on stdout" out_has "Partial answer"
check "the message is stored as an error" [ "$(last_message status)" = error ]

ask malformed "$PROMPT"
expect_rc 1 "malformed JSON in the stream"
check "malformed JSON is explained" err_has "cannot be read"
check "nothing after the bad line is shown" out_lacks "AFTER"

ask data-inspection-400 "$PROMPT"
expect_rc 1 "content rejected (400 data_inspection_failed)"
check "the rejection says the content was blocked" err_has "blocked this content"
ask data-inspection-400-camel "$PROMPT"
check "the gateway spelling is recognised" err_has "blocked this content"
ask 400-invalid-parameter "$PROMPT"
expect_rc 1 "400 invalid_parameter_error"

# The default DASHSCOPE_API_KEY goes only to DashScope's hosts: naming it sends it here.
export DASHSCOPE_API_KEY=sk-test-secret-0123 CONFAB_API_KEY_ENV=DASHSCOPE_API_KEY
ask 401 "$PROMPT"
expect_rc 4 "401"
check "the 401 names the variable that supplied the key" err_has "DASHSCOPE_API_KEY"
check "the key itself is never printed" sh -c "! grep -q sk-test-secret '$T/err' '$T/out'"
ask 403 "$PROMPT"
expect_rc 4 "403"
ask auth "$PROMPT"
expect_rc 0 "the key is sent as a bearer token"
check "the Authorization header carries the key" [ "$(last_request 'r["headers"]["authorization"]')" = "Bearer sk-test-secret-0123" ]
check "the key is not in the store" sh -c "! grep -q sk-test-secret '$DB' '$DB-wal' 2>/dev/null"
unset DASHSCOPE_API_KEY CONFAB_API_KEY_ENV

n=$(requests)
ask 429-always "$PROMPT"
expect_rc 1 "429 that never clears"
check "429 was tried three times" [ $(($(requests) - n)) = 3 ]
check "the 429 message says to wait" err_has "rate limited"
n=$(requests)
ask 429-quota "$PROMPT"
expect_rc 1 "429 insufficient_quota"
check "a quota error is not retried" [ $(($(requests) - n)) = 1 ]
check "the quota error says so" err_has "quota exhausted"
ask 503-always "$PROMPT"
expect_rc 1 "503 after retries"
ask html-502 "$PROMPT"
expect_rc 1 "an HTML 502 page"
check "the HTML page is not shown as an answer" out_lacks "<html"
ask html-200 "$PROMPT"
expect_rc 1 "an HTML page with status 200"
ask error-json-in-200 "$PROMPT"
expect_rc 1 "an error object with status 200"
ask ollama-404 "$PROMPT"
expect_rc 1 "Ollama's unknown model"
check "the 404 points at --model" err_has "check --model"

ask stall --timeout 2 "$PROMPT"
expect_rc 5 "a stalled stream"
check "the stall is explained" err_has "no data from the server for 2 seconds"
check "the partial answer of a stall is kept" out_has "Hello!"
check "the stalled answer is stored as incomplete" [ "$(last_message status)" = incomplete ]

python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' >"$T/freeport"
"$CONFAB" --base-url "http://127.0.0.1:$(cat "$T/freeport")/v1" "$PROMPT" >"$T/out" 2>"$T/err"
RC=$? OUT=$(cat "$T/out") ERR=$(cat "$T/err")
expect_rc 5 "an unreachable endpoint"
check "the retries are announced" err_has "retrying in"
check "the endpoint is named" err_has "cannot reach http://127.0.0.1:"
check "it says what to check" err_has "check that the server is running and that the address (--base-url, or base_url in the config) is right"

# No key for a remote endpoint: exit 2, nothing sent.
"$CONFAB" --base-url "https://dashscope-intl.aliyuncs.com/compatible-mode/v1" "$PROMPT" >"$T/out" 2>"$T/err"
RC=$? ERR=$(cat "$T/err")
expect_rc 2 "no API key for a remote endpoint"
check "it names DASHSCOPE_API_KEY" err_has "DASHSCOPE_API_KEY"
check "it mentions profiles" err_has "api_key_cmd"
check "it mentions --base-url for a local server" err_has "--base-url"

# ---- Ctrl-C mid-answer ---------------------------------------------------------
"$CONFAB" --base-url "$BASE/s/stall/v1" "$PROMPT" >"$T/out" 2>"$T/err" &
pid=$!
i=0
while ! grep -q Hello "$T/out" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
# The answer is flushed to the store at least once a second while it streams.
i=0
# (The view messages_text joins the pieces a streaming answer is appended in.)
last_text() { sql "SELECT $1 FROM messages_text ORDER BY id DESC LIMIT 1"; }
while [ "$(last_text "content LIKE 'Hello%'")" != 1 ] && [ $i -lt 60 ]; do sleep 0.05; i=$((i + 1)); done
check "the streaming answer reaches the store within a second or so" [ "$(last_text "status || ':' || content")" = "streaming:Hello!" ]
kill -INT $pid
wait $pid
RC=$?
OUT=$(cat "$T/out") ERR=$(cat "$T/err")
expect_rc 130 "Ctrl-C mid-answer"
check "the partial answer stays on stdout" out_has "Hello!"
check "the interrupted answer is stored and marked" [ "$(last_message "status || ':' || content")" = "interrupted:Hello!" ]

# ---- big answers ------------------------------------------------------------------
ask big "$PROMPT"
expected big >"$T/want"
check "a 1 MiB answer arrives byte for byte" same_bytes "$T/out" "$T/want"
check "the 1 MiB answer is stored whole" [ "$(last_message 'length(content)')" = 1048576 ]

# ---- models -----------------------------------------------------------------------
"$CONFAB" --base-url "$BASE/v1" models >"$T/out" 2>"$T/err"
check "models lists the endpoint's models" grep -qx qwen-plus "$T/out"
"$CONFAB" --base-url "$BASE/v1" models --json >"$T/out" 2>"$T/err"
check "models --json is a JSON array" python3 -c 'import json,sys; assert "qwen-plus" in json.load(open(sys.argv[1]))' "$T/out"
"$CONFAB" --base-url "$BASE/s/models-401/v1" models >"$T/out" 2>"$T/err"
check "models with a rejected key exits 4" [ $? = 4 ]

# ---- the consent gate ------------------------------------------------------------
"$CONFAB" terms withdraw >/dev/null
n=$(requests)
ask ok "$PROMPT"
expect_rc 3 "nothing is sent after withdrawal"
check "the gate explains and names the command" err_has "confab terms"
"$CONFAB" --base-url "$BASE/v1" models >/dev/null 2>&1
check "models is gated too (exit 3)" [ $? = 3 ]
check "no request reached the server" [ "$(requests)" = "$n" ]

done_testing
