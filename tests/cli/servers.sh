#!/bin/sh
# Real servers' ugly corners (issue: works with every OpenAI-compatible server):
# streams without text/event-stream, error bodies that are not OpenAI errors,
# redirects, a model still loading, servers that refuse stream_options, a
# reader that goes away. One-shot mode against the fake server.
# shellcheck source=SCRIPTDIR/lib.sh
. "$TOP_SRCDIR/tests/cli/lib.sh"

# shellcheck disable=SC2119
start_server
# shellcheck disable=SC2119
accept_terms

# requests SCENARIO: chat requests the server saw for it.
requests() { grep -c "/s/$1/v1/chat/completions" "$T/requests.log"; }
# last_body EXPR: a Python expression on b, the JSON body of the last chat request.
last_body() {
	grep chat/completions "$T/requests.log" | tail -n 1 |
		python3 -c "import json,sys; b=json.loads(sys.stdin.read())['body']; print($1)"
}

# 1. An event stream is read as one whatever its Content-Type says.
for s in stream-ctype-json stream-ctype-text stream-ctype-none; do
	ask "$s" "hello there"
	check "$s: the stream is read as a stream (exit 0)" [ "$RC" = 0 ]
	check "$s: the answer is whole" [ "$OUT" = "Hello! You said: hello there" ]
done
ask error-json-in-200 "hi"
check "a JSON error in a 200 is still an error (exit 1)" [ "$RC" = 1 ]
check "and its message is shown" err_has "does not exist or you do not have access"

# 2. Error bodies that are not OpenAI error objects are quoted, sanitised.
ask error-text-plain "hi"
check "a text/plain error: exit 1" [ "$RC" = 1 ]
check "its text is shown" err_has "'Bad Request: model is required'"
ask error-fastapi "hi"
check "a FastAPI 422 detail is shown" err_has '"msg":"Field required"'
ask mistral-stream-options "hi"
check "Mistral's 422 with a message object is shown" err_has "Extra inputs are not permitted"
check "and the way out is named" err_has "set include_usage = no"
CONFAB_INCLUDE_USAGE=no ask mistral-stream-options "hi"
check "include_usage = no: Mistral answers (exit 0)" [ "$RC" = 0 ]
check "include_usage = no: no stream_options in the request" [ "$(last_body '"stream_options" in b')" = False ]
ask llama-http-error "hi"
check "a numeric error code equal to the status is not printed twice" sh -c "! grep -q '400 400' '$T/err'"
check "llama.cpp's message is shown" err_has "the request exceeds the available context size"

# 3. A redirect names where it goes, and why that usually is.
ask redirect-https "hi"
check "a redirect: exit 1" [ "$RC" = 1 ]
check "it names the Location" err_has "redirects to 'https://127.0.0.1:$PORT/s/redirect-https/v1/chat/completions'"
check "it says the server only speaks TLS" err_has "only speaks TLS"
check "it is not followed or retried" [ "$(requests redirect-https)" = 1 ]

# 4. A keyless server that asks for a key.
ask 401 "hi"
check "a 401 from a keyless loopback server: exit 4" [ "$RC" = 4 ]
check "it says no key was sent and how to give one" err_has "no key was sent"
check "no 'nowhere' wording" sh -c "! grep -q nowhere '$T/err'"

# 5. llama.cpp loading its model: waited for, with what is happening.
ask loading-model "wait for me"
check "a model still loading is waited for (exit 0)" [ "$RC" = 0 ]
check "the answer arrives" [ "$OUT" = "Hello! You said: wait for me" ]
check "past the usual two retries" [ "$(requests loading-model)" = 4 ]
check "the wait says the server is loading the model" err_has "the server is loading the model"

# 6. An error after part of the answer goes on a line of its own.
"$CONFAB" --base-url "$BASE/s/cut/v1" "hi" >"$T/both" 2>&1 </dev/null
check "the error after a partial answer starts its own line" grep -q "^confab: the answer was cut off" "$T/both"

# 7. A reader that goes away: stop, exit 141 as cat does, the answer marked interrupted.
("$CONFAB" --base-url "$BASE/s/big4m/v1" "big" 2>"$T/err"; echo $? >"$T/rc") | head -c 100 >/dev/null
check "a closed pipe ends confab with 141" [ "$(cat "$T/rc")" = 141 ]
check "nothing is said about it on stderr" [ ! -s "$T/err" ]
check "the answer is stored as interrupted" [ "$(sql "SELECT status FROM messages WHERE role = 'assistant' ORDER BY id DESC LIMIT 1")" = interrupted ]
check "and not whole" [ "$(sql "SELECT length(content) < 4194304 FROM messages WHERE role = 'assistant' ORDER BY id DESC LIMIT 1")" = 1 ]

# 8. Strings from the server other than the answer never reach the terminal raw, and are bounded.
# noesc FILE: no ESC, BEL or U+202E in it.
noesc() { ! grep -q "$(printf '\033')\|$(printf '\007')\|$(printf '\342\200\256')" "$1"; }
ask hostile-fields "hi"
check "hostile model and finish_reason: the answer still arrives (exit 0)" [ "$RC" = 0 ]
check "nothing on stderr carries an escape (usage line, model, finish_reason)" noesc "$T/err"
check "the model is still named, cleaned" err_has "evil-model?]0;pwned-title?"
ask hostile-fields --json "hi"
check "--json: the model and id are cleaned too" noesc "$T/out"
ask hostile-error -c "hi"	# continued: the failed attempt is stored
check "a hostile HTTP error: exit 1" [ "$RC" = 1 ]
check "its message carries no escape" noesc "$T/err"
check "and is bounded (not 3 MB)" [ "$(wc -c <"$T/err")" -lt 2000 ]
check "the stored error is clean and bounded too" [ "$(sql "SELECT length(error) < 1000 AND instr(error, char(27)) = 0 FROM messages ORDER BY id DESC LIMIT 1")" = 1 ]
ask hostile-error-in-stream "hi"
check "a hostile in-stream error: exit 1" [ "$RC" = 1 ]
check "its message carries no escape" noesc "$T/err"
check "and is bounded" [ "$(wc -c <"$T/err")" -lt 2000 ]

# 9. DashScope refuses thinking without streaming: confab says enable_thinking false there.
# The fake server doubles as a forward proxy, standing in for the DashScope host.
DS="http://dashscope-intl.aliyuncs.com/s/ok/v1"
CONFAB_NO_KEY=yes http_proxy=$BASE ask ok --no-stream --base-url "$DS" "hi"
check "--no-stream to DashScope answers (exit 0)" [ "$RC" = 0 ]
check "--no-stream to DashScope sends enable_thinking false" [ "$(last_body 'b.get("enable_thinking")')" = False ]
CONFAB_NO_KEY=yes http_proxy=$BASE ask ok --base-url "$DS" "hi"
check "streaming to DashScope leaves enable_thinking to the server" [ "$(last_body '"enable_thinking" in b')" = False ]
CONFAB_ENABLE_THINKING=yes CONFAB_NO_KEY=yes http_proxy=$BASE ask ok --no-stream --base-url "$DS" "hi"
check "a set enable_thinking is sent as set" [ "$(last_body 'b.get("enable_thinking")')" = True ]
ask ok --no-stream "hi"
check "--no-stream elsewhere sends no enable_thinking" [ "$(last_body '"enable_thinking" in b')" = False ]

# 10. Limits and secrets.
# A prompt over the limit is refused whole: never part of it.
big=$(python3 -c 'print("w" * 100000, end="")')
set --
i=0
while [ $i -lt 15 ]; do
	set -- "$@" "$big"
	i=$((i + 1))
done
python3 -c 'print("s" * 900000)' >"$T/stdin"
n=$(grep -c chat/completions "$T/requests.log")
"$CONFAB" --base-url "$BASE/s/ok/v1" "$@" <"$T/stdin" >"$T/out" 2>"$T/err"
RC=$?
ERR=$(cat "$T/err")
check "a prompt over 2 MiB is refused (exit 2)" [ "$RC" = 2 ]
check "the refusal names the limit" err_has "longer than 2097152 bytes; nothing was sent"
check "nothing was sent" [ "$(grep -c chat/completions "$T/requests.log")" = "$n" ]
set --
# A key the server repeats is never shown or stored.
CONFAB_API_KEY_ENV=TEST_KEY TEST_KEY=sk-echo-0123456789abcdef ask 401-echo-key "hi"
check "a server that echoes the key: exit 4" [ "$RC" = 4 ]
check "the key is not printed" sh -c "! grep -q sk-echo-0123456789abcdef '$T/err'"
check "it is named instead" err_has "Incorrect API key provided: [the API key]"
check "the key is not stored" [ "$(sql "SELECT count(*) FROM messages WHERE error LIKE '%sk-echo-0123%'")" = 0 ]
# A password in the base URL is never shown or stored.
"$CONFAB" --base-url "http://user:pw-secret-42@127.0.0.1:$PORT/s/400-invalid-parameter/v1" hi \
	>"$T/out" 2>"$T/err" </dev/null
RC=$?
check "a base URL with a password still works (exit 1 from this scenario)" [ "$RC" = 1 ]
check "the password is not printed" sh -c "! grep -q pw-secret-42 '$T/err'"
check "the password is not stored" [ "$(sql "SELECT count(*) FROM conversations WHERE base_url LIKE '%pw-secret%'")" = 0 ]
# An answer without end: max_answer_bytes and max_time.
CONFAB_MAX_ANSWER_BYTES=100000 ask big "hi"
check "an answer over max_answer_bytes is cut off (exit 5)" [ "$RC" = 5 ]
check "it says why and names the setting" err_has "max_answer_bytes"
check "what was printed stays within the limit" [ "$(wc -c <"$T/out")" -le 100001 ]
check "it is stored incomplete" [ "$(sql "SELECT status FROM messages WHERE role = 'assistant' ORDER BY id DESC LIMIT 1")" = incomplete ]
CONFAB_MAX_TIME=2 ask stall "hi"
check "an answer that never ends stops at max_time (exit 5)" [ "$RC" = 5 ]
check "it names max_time" err_has "max_time"
check "the partial answer is kept" [ "$OUT" = "Hello!" ]

done_testing
