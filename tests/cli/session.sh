#!/bin/sh
# Conversations across one-shot runs (-c), and errors inside a 200 stream:
# - only completed user/assistant pairs are sent back to the model;
# - an error object inside a stream gets the exit code and the retry decision of
#   the same error as an HTTP status;
# - a leading <think>...</think> in the content is reasoning, not answer.
# Each run picks its scenario with --base-url, so a conversation is built step by
# step across scenarios.
# shellcheck source=SCRIPTDIR/lib.sh
. "$TOP_SRCDIR/tests/cli/lib.sh"

# shellcheck disable=SC2119 # both take optional arguments; none are needed here
start_server
# shellcheck disable=SC2119
accept_terms

REASONING=$(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import fakeapi
print(fakeapi.REASONING)' "$TOP_SRCDIR/tests/server")




# sent EXPR: a Python expression on m, the messages of the last chat request
# (reasoning is REASONING); on failure the messages are shown.
sent() {
	python3 -c '
import json, sys
last = None
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    if r["method"] == "POST" and r["path"].endswith("/chat/completions"):
        last = r
m = last["body"]["messages"]
reasoning = sys.argv[3]
if not eval("(" + sys.argv[2] + ")"):
    print("# sent: " + json.dumps(m, ensure_ascii=False))
    sys.exit(1)' "$T/requests.log" "$1" "$REASONING"
}

# chats KEY: how many chat requests the server saw for the scenario key KEY.
chats() {
	python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    if r["method"] == "POST" and r["path"].endswith("/chat/completions") \
            and r["scenario"] == sys.argv[2]:
        n += 1
print(n)' "$T/requests.log" "$1"
}

# post SCENARIO JSON: POST a raw request to the fake server; prints the status,
# the content type and the body, one per line.
post() {
	python3 -c '
import sys, urllib.error, urllib.request
req = urllib.request.Request(sys.argv[1], data=sys.argv[2].encode(),
                             headers={"Content-Type": "application/json"})
try:
    r = urllib.request.urlopen(req)
except urllib.error.HTTPError as e:
    r = e
sys.stdout.write("%d\n%s\n%s\n" % (r.status, r.headers["Content-Type"], r.read().decode()))' \
		"$BASE/s/$1/v1/chat/completions" "$2"
}

# ---- the fake strict server itself ---------------------------------------------
TWO_USERS='{"messages":[{"role":"user","content":"a"},{"role":"user","content":"b"}]}'
ROLES_500=$(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import fakeapi, json
print(json.dumps({"error": {"code": 500, "message": fakeapi.JINJA_ROLES_ERROR,
      "type": "server_error"}}, ensure_ascii=False, separators=(",", ":")))' \
	"$TOP_SRCDIR/tests/server")
post strict-roles~self "$TWO_USERS" >"$T/post"
check "strict-roles answers two user turns in a row with llama.cpp's 500" \
	[ "$(sed -n 1,2p "$T/post")" = "500
application/json; charset=utf-8" ]
check "the 500 body is the template's exception as llama.cpp wraps it" \
	[ "$(sed -n '3,$p' "$T/post")" = "$ROLES_500" ]
check "the message quotes the template's own text" grep -q \
	'Error: Jinja Exception: Conversation roles must alternate user/assistant/user/assistant/\.\.\.' \
	"$T/post"
post strict-roles-400~self "$TWO_USERS" >"$T/post"
check "strict-roles-400 answers the same with the newer builds' 400" \
	[ "$(head -n 1 "$T/post")" = 400 ]
post strict-roles~self '{"messages":[{"role":"system","content":"s"},{"role":"assistant","content":"x"}]}' >"$T/post"
check "strict-roles refuses an assistant turn first (after the system message)" \
	[ "$(head -n 1 "$T/post")" = 500 ]
post strict-roles~self '{"messages":[{"role":"system","content":"s"},{"role":"user","content":"a"},{"role":"assistant","content":"x"},{"role":"user","content":"b"}]}' >"$T/post"
check "strict-roles answers a conversation that alternates" [ "$(head -n 1 "$T/post")" = 200 ]
ask strict-roles "$PROMPT"
check "a first turn against strict-roles gets the echo answer (exit 0)" \
	[ "$RC:$OUT" = "0:Hello! You said: $PROMPT" ]

# ---- a) what is sent back ------------------------------------------------------
ask ok "first"
expect_rc 0 "a) first: a complete answer"
ask 503-always -c "second"
expect_rc 1 "a) second: 503 after retries"
ask cut -c "third"
expect_rc 5 "a) third: a partial answer, cut off"
check "a) third: the partial answer is on stdout" out_has "Hello!"
ask error-in-stream -c "fourth"
expect_rc 1 "a) fourth: a partial answer, then an error in the stream"
ask echo-json -c "fifth"
expect_rc 0 "a) fifth"
check "a) only completed pairs are sent back: first, its answer, then fifth" \
	sent 'm == [{"role": "user", "content": "first"},
	            {"role": "assistant", "content": "Hello! You said: first"},
	            {"role": "user", "content": "fifth"}]'

ask think-inline "sixth"
expect_rc 0 "a) sixth: an answer with an inline <think> block"
ask echo-json -c "seventh"
check "a) the answer sent back for sixth has no <think> and no reasoning" \
	sent 'm[1]["role"] == "assistant" and "think>" not in m[1]["content"]
	      and reasoning not in m[1]["content"] and reasoning[:20] not in m[1]["content"]'
check "a) the answer sent back for sixth is the answer alone" \
	sent 'm == [{"role": "user", "content": "sixth"},
	            {"role": "assistant", "content": "Hello! You said: sixth"},
	            {"role": "user", "content": "seventh"}]'

ask ok --system "Be brief." "s-first"
ask 400-invalid-parameter -c --system "Be brief." "s-second"
expect_rc 1 "a) s-second: refused with a 400"
ask echo-json -c --system "Be brief." "s-third"
check "a) with --system, the system message comes first, then the completed pairs" \
	sent 'm == [{"role": "system", "content": "Be brief."},
	            {"role": "user", "content": "s-first"},
	            {"role": "assistant", "content": "Hello! You said: s-first"},
	            {"role": "user", "content": "s-third"}]'

# ---- b) two user turns never reach a strict server ------------------------------
ask ok "b-first"
ask 400-invalid-parameter -c "b-second"
expect_rc 1 "b) b-second fails"
ask strict-roles~b -c "b-third"
check "b) after a failed turn, strict-roles (llama.cpp 500) answers (exit 0)" \
	[ "$RC:$OUT" = "0:Hello! You said: b-third" ]
check "b) strict-roles saw one request, not a refused one and retries" \
	[ "$(chats strict-roles~b)" = 1 ]

ask ok "b2-first"
ask 401 -c "b2-second"
expect_rc 4 "b) b2-second fails with 401"
ask strict-roles-400~b -c "b2-third"
check "b) after a failed turn, strict-roles-400 (newer llama.cpp) answers (exit 0)" \
	[ "$RC:$OUT" = "0:Hello! You said: b2-third" ]

# ---- c) the exit-code table: HTTP status vs the same error inside the stream ------
# row SCENARIO EXIT REQUESTS DESC: one-shot against SCENARIO with its own counter;
# passes when it exits EXIT after the server saw REQUESTS chat requests.
row() {
	_key="$1~row"
	ask "$_key" "$PROMPT"
	_seen=$(chats "$_key")
	if [ "$RC" = "$2" ] && [ "$_seen" = "$3" ]; then
		ok "c) $4: $1 exits $2 after $3 request(s)"
	else
		not_ok "c) $4: $1 exits $2 after $3 request(s)"
		diag "rc=$RC after $_seen request(s)" "stdout:" "$OUT" "stderr:" "$ERR"
	fi
}

row 401 4 1 "auth, HTTP"
row error-in-stream-auth 4 1 "auth, in the stream"

row 429-then-ok 0 2 "rate limit before content, HTTP"
row error-in-stream-429-then-ok 0 2 "rate limit before content, in the stream"
expected error-in-stream-429-then-ok >"$T/want"
check "c) after the in-stream rate limit, stdout is exactly the answer" same_bytes "$T/out" "$T/want"

row 429-always 1 3 "always rate limited, HTTP"
row error-in-stream-429-always 1 3 "always rate limited, in the stream"

row 429-quota 1 1 "quota, HTTP"
row error-in-stream-quota 1 1 "quota, in the stream"

row data-inspection-400 1 1 "content filter, HTTP"
row error-in-stream 1 1 "content filter after content, in the stream"
check "c) the content filter's partial answer is on stdout" out_has "Partial answer"

row cut 5 1 "transient failure after content, cut"
check "c) the cut's partial answer is on stdout" out_has "Hello!"
row error-in-stream-overload-after-content 5 1 "transient failure after content, in the stream"
check "c) the partial answer before the in-stream failure is on stdout" \
	[ "$OUT" = "$($FAKE --expect error-in-stream-overload-after-content --prompt "$PROMPT")" ]
check "c) the provider's message is shown" err_has "Provider disconnected unexpectedly"

# ---- d) think-inline in one-shot ---------------------------------------------------
ask think-inline "$PROMPT"
expected think-inline >"$T/want"
if [ "$RC" = 0 ] && same_bytes "$T/out" "$T/want"; then
	ok "d) think-inline: stdout is exactly the answer, exit 0"
else
	not_ok "d) think-inline: stdout is exactly the answer, exit 0"
	diag "rc=$RC" "stderr: $ERR" "got:" "$(od -c "$T/out" | head -5)" "want:" "$(od -c "$T/want" | head -5)"
fi
check "d) think-inline: the reasoning goes to stderr" err_has "$REASONING"
check "d) think-inline: no think tag on stderr" sh -c "! grep -q 'think>' '$T/err'"
ask think-inline --json "$PROMPT"
check "d) --json: the reasoning is in \"reasoning\"" python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
sys.exit(0 if (j["reasoning"] or "").strip() == sys.argv[2] else 1)' "$T/out" "$REASONING"
check "d) --json: \"content\" is the answer alone" python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
sys.exit(0 if j["content"] == sys.argv[2] else 1)' "$T/out" "Hello! You said: $PROMPT"

# e) The context budget: the oldest completed pairs go first, never the system prompt.
export XDG_DATA_HOME="$T/data-budget"
DB="$XDG_DATA_HOME/confab/confab.db"
# shellcheck disable=SC2119
accept_terms
LONG=$(python3 -c 'print("word " * 120, end="")')
for i in 1 2 3 4 5 6; do
	if [ "$i" = 1 ]; then ask ok "turn $i $LONG"; else ask ok -c "turn $i $LONG"; fi
done
CONFAB_CONTEXT_TOKENS=1200 ask echo-json -c --json --system "keep me" "small window"
check "e) with a small context_tokens the request fits it" sent 'sum(len(x["content"]) for x in m) < 1200 * 4'
check "e) the system prompt stays first" sent 'm[0] == {"role": "system", "content": "keep me"}'
check "e) the newest pairs are kept, the oldest left out" sent '
[x["content"][:7] for x in m if x["role"] == "user"][-2:] == ["turn 6 ", "small w"] and
not any(x["content"].startswith("turn 1 ") for x in m)'
check "e) roles still alternate after the cut" sent '
[x["role"] for x in m[1:]] == ["user", "assistant"] * ((len(m) - 2) // 2) + ["user"]'
check "e) --json says how many turns were left out" python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
sys.exit(0 if j["turns_omitted"] >= 3 else 1)' "$T/out"
ask echo-json -c --json --system "keep me" "last"
check "e) a long conversation still answers (exit 0)" [ "$RC" = 0 ]
check "e) with the default budget every earlier pair is sent" sent 'len(m) == 1 + 14 + 1'
CONFAB_CONTEXT_TOKENS=1200 ask ok -c "and again"
check "e) stderr says earlier turns were left out" err_has "earlier turns of this conversation are left out"

done_testing
