#!/bin/sh
# Local hangs and parsing edges: api_key_cmd that never ends, FIFOs where files
# belong, long and duplicate config lines, odd numbers, U+0000 in an answer.
. "$TOP_SRCDIR/tests/cli/lib.sh"

CONF="$XDG_CONFIG_HOME/confab/config"
mkdir -p "$XDG_CONFIG_HOME/confab"

# ---- api_key_cmd that never exits -------------------------------------------
cat >"$CONF" <<CONF
[profile hang]
base_url = https://llm.example.com/v1
api_key_cmd = sh -c 'echo \$\$ >"$T/cmd.pid"; exec sleep 300'
CONF
accept_terms --profile hang --terms-file "$TERMS"
start=$(date +%s)
CONFAB_API_KEY_CMD_TIMEOUT=1 run --profile hang --terms-file "$TERMS" "hello"
took=$(($(date +%s) - start))
expect_rc 2 "an api_key_cmd that never exits is an error"
check "the time-out is explained" err_has "api_key_cmd 'sh' did not finish within 1 seconds"
check "it says how to fix it" err_has "api_key_cmd_timeout"
check "it ends after the time-out, not the command ($took s)" [ "$took" -lt 10 ]
check "the command was killed" sh -c "[ -s '$T/cmd.pid' ] && ! kill -0 \$(cat '$T/cmd.pid') 2>/dev/null"
printf '[profile hang]\nbase_url = https://llm.example.com/v1\napi_key_cmd = sleep 300\napi_key_cmd_timeout = 0\n' >"$CONF"
run --profile hang terms status
expect_rc 2 "api_key_cmd_timeout must be a positive number"

# ---- FIFOs where a regular file belongs -------------------------------------
mkfifo "$T/fifo"
# A FIFO nobody writes to blocks an open without O_NONBLOCK: a watchdog ends the run.
run_fifo() {
	"$CONFAB" "$@" >"$T/out" 2>"$T/err" </dev/null &
	_pid=$!
	(sleep 10 && kill "$_pid") >/dev/null 2>&1 &
	_dog=$!
	wait "$_pid"
	RC=$?
	kill "$_dog" 2>/dev/null
	ERR=$(cat "$T/err")
}
run_fifo --config "$T/fifo" terms status
expect_rc 2 "a FIFO as the config file is refused"
check "the config FIFO is named" err_has "config '$T/fifo' is not a regular file"
printf '' >"$CONF"
run_fifo --terms-file "$T/fifo" terms status
expect_rc 2 "a FIFO as the Terms file is refused"
check "the Terms FIFO is named" err_has "'$T/fifo' is not a regular file"
run_fifo --config "$T" terms status
expect_rc 2 "a directory as the config file is refused"

# ---- long lines, NUL, duplicates ---------------------------------------------
long=$(python3 -c 'print("x" * 5000)')
printf 'model = m\nsystem = %s\nterms_file = %s\n' "$long" "$TERMS" >"$CONF"
S=$("$CONFAB" terms status --json 2>&1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["current"]["source"])')
check "a setting after a 5000-byte line is read, with its line ($S)" \
	[ "$S" = "$TERMS (from $CONF:3)" ]
printf 'model = m\nsystem = %s\nthis is wrong\n' "$long" >"$CONF"
run terms status
expect_rc 2 "a syntax error after a long line"
check "the syntax error has the right line number" err_has "config '$CONF' line 3: syntax error"
python3 -c 'import sys; sys.stdout.write("model = m\n\nsystem = " + "y" * 70000 + "\n")' >"$CONF"
run terms status
expect_rc 2 "a line over the limit"
check "the over-long line is named with its number" err_has "line 3: the line is longer than 65536 bytes"
printf 'model = m\nsystem = a\0b\n' >"$CONF"
run terms status
expect_rc 2 "a NUL byte in the config"
check "the NUL byte's line is named" err_has "line 2: the line holds a NUL byte"
printf 'model = a\n\nmodel = b\n' >"$CONF"
run terms status
expect_rc 2 "a setting given twice at the top level"
check "both lines are named" err_has "line 3: 'model' is already set on line 1"
printf '[profile p]\nmodel = a\n[profile q]\nmodel = b\n[profile p]\ntimeout = 5\n' >"$CONF"
run terms status
expect_rc 2 "a profile given twice"
check "both profile lines are named" err_has "line 5: [profile p] is already on line 1"
printf '[profile p]\nmodel = a\nmodel : b\n' >"$CONF"
run terms status
expect_rc 2 "a setting given twice in a profile"
check "the profile is named" err_has "line 3: 'model' is already set on line 2 (a setting is given once in [profile p])"
printf 'model = a\n[profile p]\nmodel = b ; a comment\n' >"$CONF"
run --profile p terms status
expect_rc 0 "a profile may override a top-level setting (and comments still work)"

# ---- numbers ---------------------------------------------------------------
for v in nan NaN inf -inf infinity 2.5 -0.1 1e0 0x1 " "; do
	printf 'temperature = %s\n' "$v" >"$CONF"
	run terms status
	expect_rc 2 "temperature = '$v' is refused"
done
check "the message names the value and range" err_has "is not a number from 0 to 2"
for v in 0 0.7 2 2.0; do
	printf 'temperature = %s\n' "$v" >"$CONF"
	run terms status
	expect_rc 0 "temperature = $v is accepted"
done
printf '' >"$CONF"

# ---- U+0000 in an answer ------------------------------------------------------
start_server
accept_terms
CONFAB_DISCLAIMERS_FILE="$T/fifo" run_fifo --base-url "$BASE/s/ok/v1" "$PROMPT"
expect_rc 0 "a FIFO as the notice rules does not stop an answer"
check "the rules FIFO is refused with a warning" err_has "'$T/fifo' is not a regular file"
check "the built-in notices are used" err_has "only the built-in"

FFFD=$(printf '\357\277\275')
ask escapes --raw "$PROMPT"
expect_rc 0 "an answer with \\u0000 (--raw)"
check "--raw shows U+FFFD for the NUL, then the rest of the chunk" \
	grep -q "nul:\[a${FFFD}b\] vt-ff:" "$T/out"
check "--raw has no NUL byte" sh -c "! LC_ALL=C tr -d -c '\\000' <'$T/out' | grep -q ."
ask escapes --json "$PROMPT"
expect_rc 0 "an answer with \\u0000 (--json)"
check "--json is valid JSON with the rest of the chunk" python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["content"]
assert "nul:[a\ufffdb] vt-ff:" in c and "\0" not in c and c.endswith("end of test."), c' "$T/out"
check "the store keeps the rest of the chunk" \
	[ "$(sql "SELECT instr(content, 'nul:[a' || char(65533) || 'b] vt-ff:') > 0 FROM messages ORDER BY id DESC LIMIT 1")" = 1 ]

done_testing
