#!/bin/sh
# What real servers and gateways other than the usual ones send (issue 10):
# - a UTF-16 surrogate pair split across two chunks by a gateway that slices
#   JavaScript strings, and lone surrogates (surrogate-split);
# - Ollama's model list with no model pulled, {"object":"list","data":null}
#   (models-null);
# - OpenAI refusals and tool calls instead of content (refusal, tool-calls).
# Checks marked [wiring] go through the consumer of the parsed deltas
# (src/exchange.c): it joins the halves and shows refusals and tool calls.
# shellcheck source=SCRIPTDIR/lib.sh
. "$TOP_SRCDIR/tests/cli/lib.sh"

# shellcheck disable=SC2119 # both take optional arguments; none are needed here
start_server
# shellcheck disable=SC2119
accept_terms


# fake NAME: a name from fakeapi.py, printed.
fake() {
	python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import fakeapi
sys.stdout.write(getattr(fakeapi, sys.argv[2]))' "$TOP_SRCDIR/tests/server" "$1"
}


# raw METHOD PATH [BODY]: the exact bytes the fake server answers, Date blanked.
raw() {
	python3 -c '
import re, socket, sys
port, method, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
body = sys.argv[4].encode() if len(sys.argv) > 4 else b""
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"%s %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: %d\r\n\r\n"
          % (method.encode(), path.encode(), len(body)) + body)
out = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    out += b
sys.stdout.buffer.write(re.sub(rb"\r\nDate: [^\r]*\r\n", b"\r\nDate: D\r\n", out))' \
		"$PORT" "$@"
}

last_message() { sql "SELECT $1 FROM messages ORDER BY id DESC LIMIT 1"; }
# either_has TEXT: stdout or stderr has TEXT.
either_has() { out_has "$1" || err_has "$1"; }
# either_has_ci TEXT: stdout or stderr has TEXT, ignoring case, on a line other
# than the usage line ("[model, 0.2 s, ..., finish_reason tool_calls]").
either_has_ci() { printf '%s\n%s\n' "$OUT" "$ERR" | grep -v '^\[.*\]$' | grep -qi -- "$1"; }

# ---- the fake server itself -----------------------------------------------------
raw GET /s/models-null/v1/models >"$T/raw"
printf 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nDate: D\r\nContent-Length: 30\r\n\r\n{"object":"list","data":null}\n' >"$T/want"
check "models-null answers Ollama's bytes, headers included" same_bytes "$T/raw" "$T/want"

raw POST /s/surrogate-split/v1/chat/completions \
	'{"messages":[{"role":"user","content":"x"}],"stream":true}' >"$T/raw"
check "surrogate-split ends a piece with a high half" grep -q '"content":"Smile \\ud83d"}' "$T/raw"
check "surrogate-split begins the next piece with the low half" \
	grep -q '"content":"\\ude00, party "}' "$T/raw"
check "surrogate-split sends a piece that is only a high half" grep -q '"content":"\\ud83c"}' "$T/raw"
check "surrogate-split has a lone half in the middle of a piece" \
	grep -q '"content":"\\udd1e\. Lone \[\\ud800\] "}' "$T/raw"
check "surrogate-split writes every other character raw (JSON.stringify)" \
	grep -q '"content":"\\udc68‍\\ud83d"}' "$T/raw"
raw POST /s/surrogate-split/v1/chat/completions '{"messages":[{"role":"user","content":"x"}]}' \
	>"$T/raw"
check "surrogate-split without a stream: emoji raw, the lone halves escaped" \
	grep -q 'Smile 😀, party 🎉.*Lone \[\\ud800\] half, cut high \[\\udbff\] and cut low \[\\udc00\] end\.' "$T/raw"

raw POST /s/refusal/v1/chat/completions \
	'{"messages":[{"role":"user","content":"x"}],"stream":true}' >"$T/raw"
check "refusal streams OpenAI's first delta (content null, refusal empty)" \
	grep -q '"delta":{"role":"assistant","content":null,"refusal":""}' "$T/raw"
check "refusal streams the refusal in delta.refusal pieces" grep -q '"delta":{"refusal":" sorry"}' "$T/raw"
check "refusal ends with an empty delta and finish_reason stop" \
	grep -q '"delta":{},"logprobs":null,"finish_reason":"stop"}' "$T/raw"
raw POST /s/tool-calls/v1/chat/completions \
	'{"messages":[{"role":"user","content":"x"}],"stream":true}' >"$T/raw"
check "tool-calls names the function in the first fragment" \
	grep -q '"tool_calls":\[{"index":0,"id":"call_[A-Za-z0-9]*","type":"function","function":{"name":"get_weather","arguments":""}}\],"refusal":null}' "$T/raw"
check "tool-calls streams the arguments in fragments" \
	grep -q '"delta":{"tool_calls":\[{"index":0,"function":{"arguments":"location"}}\]}' "$T/raw"
check "tool-calls ends with finish_reason tool_calls" grep -q '"finish_reason":"tool_calls"}' "$T/raw"

# ---- models: Ollama with no model pulled ------------------------------------------
NOTE="confab: the server offers no models (for Ollama: ollama pull NAME)"
run --base-url "$BASE/s/models-null/v1" models
expect_rc 0 "models against Ollama with no model (data null)"
check "models-null: nothing on stdout" [ -z "$OUT" ]
check "models-null: stderr says there are none and how to get one" [ "$ERR" = "$NOTE" ]
run --base-url "$BASE/s/models-null/v1" models --json
expect_rc 0 "models --json against data null"
check "models-null --json: an empty array on stdout" [ "$OUT" = "[]" ]
check "models-null --json: the note on stderr" [ "$ERR" = "$NOTE" ]
run --base-url "$BASE/s/models-empty/v1" models
expect_rc 0 "models against an empty list (data [])"
check "models-empty: the same note" [ "$ERR" = "$NOTE" ]
run --base-url "$BASE/v1" models
check "models with models: no note" [ "$RC:$ERR" = "0:" ]
check "models with models: the list" out_has "qwen-plus"
ask models-null "$PROMPT"
check "models-null: chat works as ok" [ "$RC:$OUT" = "0:Hello! You said: $PROMPT" ]

# ---- a surrogate pair split across chunks ---------------------------------------------
expected surrogate-split >"$T/want"
ask surrogate-split "$PROMPT"
expect_rc 0 "surrogate-split: the stream is read to the end, not stopped as malformed"
if same_bytes "$T/out" "$T/want"; then
	ok "[wiring] surrogate-split: emoji joined, lone halves U+FFFD"
else
	not_ok "[wiring] surrogate-split: emoji joined, lone halves U+FFFD"
	diag "rc=$RC" "stderr: $ERR" "got:  $OUT" "want: $(cat "$T/want")"
fi
check "[wiring] surrogate-split: the answer is stored as shown, complete" \
	[ "$(last_message "status || '|' || content")" = "complete|$($FAKE --expect surrogate-split)" ]
ask surrogate-split --raw "$PROMPT"
check "[wiring] surrogate-split --raw: the same bytes" same_bytes "$T/out" "$T/want"
ask surrogate-split --no-stream "$PROMPT"
expect_rc 0 "surrogate-split --no-stream"
if same_bytes "$T/out" "$T/want"; then
	ok "surrogate-split --no-stream: emoji whole, lone halves U+FFFD"
else
	not_ok "surrogate-split --no-stream: emoji whole, lone halves U+FFFD"
	diag "rc=$RC" "stderr: $ERR" "got:  $OUT" "want: $(cat "$T/want")"
fi
check "surrogate-split --no-stream: stored as shown" \
	[ "$(last_message content)" = "$($FAKE --expect surrogate-split)" ]

# ---- refusals ------------------------------------------------------------------------
REFUSAL=$(fake REFUSAL_TEXT)
check "fakeapi --expect refusal is the refusal text" [ "$($FAKE --expect refusal)" = "$REFUSAL" ]
for mode in stream no-stream; do
	if [ "$mode" = stream ]; then ask refusal "$PROMPT"; else ask refusal --no-stream "$PROMPT"; fi
	check "[wiring] refusal ($mode): the refusal text is shown" either_has "$REFUSAL"
	check "[wiring] refusal ($mode): marked as a refusal" either_has_ci "refus"
	check "[wiring] refusal ($mode): recorded with the answer" sh -c \
		"sqlite3 -line '$DB' 'SELECT * FROM messages ORDER BY id DESC LIMIT 1' | grep -qF \"\$1\"" \
		sh "$REFUSAL"
done

# ---- tool calls ----------------------------------------------------------------------
for mode in stream no-stream; do
	if [ "$mode" = stream ]; then ask tool-calls "$PROMPT"; else ask tool-calls --no-stream "$PROMPT"; fi
	check "[wiring] tool-calls ($mode): says the model asked for a tool call" \
		either_has_ci "tool"
	check "tool-calls ($mode): no answer text is made up from the arguments" \
		sh -c "! printf '%s' \"\$1\" | grep -q 'San Francisco'" sh "$OUT"
done

done_testing
