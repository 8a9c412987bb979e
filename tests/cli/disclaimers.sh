#!/bin/sh
# Reliance notices (Terms III.4) after one-shot answers, in --json and in the store.
. "$TOP_SRCDIR/tests/cli/lib.sh"

start_server
accept_terms

err_lacks() { ! has "$ERR" "$1"; }
# last_answer SQL_COLUMNS: columns of the newest answer.
last_answer() { sql "SELECT $1 FROM messages WHERE role = 'assistant' ORDER BY id DESC LIMIT 1"; }
# json_ids FILE: the ids of the disclaimers array in a JSON object (--json output).
json_ids() {
	python3 -c 'import json,sys; print(",".join(d["id"] for d in json.load(open(sys.argv[1]))["disclaimers"]))' "$1"
}
# stored_ids: the ids in the newest answer's disclaimers column.
stored_ids() {
	last_answer disclaimers | python3 -c 'import json,sys; print(",".join(d["id"] for d in json.load(sys.stdin)))'
}
# strong_lines: how many notices are marked strong on stderr.
strong_lines() { grep -c '^! ' "$T/err"; }

GENERAL="check before you rely on them. (Terms III.4)"

# ---- every answer gets the general notice, quietly --------------------------------
ask ok "$PROMPT"
expect_rc 0 "a plain answer"
printf 'Hello! You said: %s\n' "$PROMPT" >"$T/want"
check "stdout holds the answer and nothing else" cmp -s "$T/out" "$T/want"
check "stderr carries the general notice citing III.4" err_has "$GENERAL"
check "the general notice comes after the usage line" \
	sh -c "tail -n 1 '$T/err' | grep -qF '(Terms III.4)' && grep -q 'completion tokens]' '$T/err'"
check "the general notice is not marked strong" [ "$(strong_lines)" = 0 ]
check "no escape codes on stderr when it is not a terminal" sh -c "! grep -q \"\$(printf '\\033')\" '$T/err'"
check "the stored answer carries the general notice" [ "$(stored_ids)" = general ]

# ---- high-stakes topics ---------------------------------------------------------------
ask ok "what dose of ibuprofen"
check "a medical prompt gets the medical notice" err_has "! medical: Not medical advice"
check "the medical notice cites III.4(f)(i)" err_has "(Terms III.4(f)(i))"
check "the general notice is still there" err_has "$GENERAL"
check "the answer itself is unchanged" [ "$OUT" = "Hello! You said: what dose of ibuprofen" ]
check "the store has general and medical" [ "$(stored_ids)" = general,medical ]
ask ok "药物剂量是多少"
check "a Chinese medical prompt gets the medical notice" err_has "! medical:"
ask ok "Have you seen Legally Blonde?"
check "'legally blonde' is not legal advice" [ "$(strong_lines)" = 0 ]
check "... and keeps the general notice" err_has "$GENERAL"
ask ok "Can I sue them? I need a lawyer"
check "a legal prompt gets the legal notice" err_has "! legal: Not legal advice"
ask ok "我应该买哪只股票"
check "a Chinese financial prompt gets the financial notice citing III.4(f)(ii)" \
	err_has "(Terms III.4(f)(ii))"
ask ok "Rank these job applicants"
check "decisions about people get their notice citing III.4(f)(iii)" \
	err_has "! people: Do not use it to decide about a person"
ask ok "核电站的控制系统"
check "critical systems get their notice citing III.4(f)(iv)" err_has "(Terms III.4(f)(iv))"
ask ok "dose lawyer stocks applicants nuclear"
check "all five topics at once" [ "$(strong_lines)" = 5 ]

# ---- how the answer ended ----------------------------------------------------------------
ask length "$PROMPT"
expect_rc 0 "finish_reason length"
check "a cut-off answer says so" err_has "! length: The answer stopped at the length limit"
check "the end notice cites III.4(a)(i)" err_has "(Terms III.4(a)(i))"
check "the end notice is the last line" sh -c "tail -n 1 '$T/err' | grep -q '^! length:'"
check "the store has the end notice" [ "$(stored_ids)" = general,end-length ]
ask content-filter "$PROMPT"
check "a filtered answer says so" err_has "! filtered:"
ask data-inspection-400 "$PROMPT"
expect_rc 1 "data_inspection_failed"
check "DashScope's data_inspection_failed is a filtered answer" err_has "! filtered:"
ask error-in-stream "$PROMPT"
check "data_inspection_failed inside the stream is a filtered answer" err_has "! filtered:"
check "... stored with the error" [ "$(last_answer status)|$(stored_ids)" = "error|general,end-filtered" ]
ask cut "$PROMPT"
expect_rc 5 "a stream cut mid-answer"
check "a broken answer says so" err_has "! broken:"
check "the store keeps the broken answer's notices" [ "$(stored_ids)" = general,end-broken ]
ask 401 -c "$PROMPT"	# a continued conversation keeps its failed attempt
check "no answer, no notices" sh -c "! grep -q 'Terms III' '$T/err'"
check "... and none stored" [ "$(last_answer "coalesce(disclaimers, 'none')")" = none ]

"$CONFAB" --base-url "$BASE/s/stall/v1" "$PROMPT" >"$T/out" 2>"$T/err" &
pid=$!
i=0
while ! grep -q Hello "$T/out" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
kill -INT $pid
wait $pid
RC=$? ERR=$(cat "$T/err")
expect_rc 130 "Ctrl-C mid-answer"
check "an interrupted answer says so, quietly" err_has "You stopped this answer: it is incomplete."
check "the store has the interrupted notice" [ "$(stored_ids)" = general,end-interrupted ]

# ---- --quiet, --json, --no-log ----------------------------------------------------------
ask length --quiet "what dose of ibuprofen"
check "--quiet prints no notices" sh -c "! grep -q 'Terms III' '$T/err'"
check "--quiet still stores them" [ "$(stored_ids)" = general,medical,end-length ]

ask length --json "what dose of ibuprofen"
check "--json has a disclaimers array in order" [ "$(json_ids "$T/out")" = general,medical,end-length ]
check "each entry is exactly {id, clause, text}" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))["disclaimers"]
assert all(sorted(x) == ["clause", "id", "text"] for x in d), d
assert d[0]["clause"] == "III.4" and d[1]["clause"] == "III.4(f)(i)", d
assert "medical advice" in d[1]["text"], d' "$T/out"
check "--json prints no notices on stderr" sh -c "! grep -q 'Terms III' '$T/err'"
check "the stored JSON equals the --json array" python3 -c '
import json, sys
assert json.load(open(sys.argv[1]))["disclaimers"] == json.loads(sys.argv[2])' \
	"$T/out" "$(last_answer disclaimers)"
ask 401 --json "$PROMPT"
check "--json without an answer has an empty array" [ "$(json_ids "$T/out")" = "" ]

n=$(sql "SELECT count(*) FROM messages")
ask ok --no-log "what dose of ibuprofen"
check "--no-log still shows the notices" err_has "! medical:"
check "--no-log stores nothing" [ "$(sql "SELECT count(*) FROM messages")" = "$n" ]

# ---- other rules ------------------------------------------------------------------------
cat >"$T/rules.ini" <<'EOF'
[general]
clause = III.4(e)
text = Custom general words.

[pets]
clause = III.4(f)(ii)
text = Ask a vet.
strong = yes
keywords = kitten*, 小猫
EOF
export CONFAB_DISCLAIMERS_FILE="$T/rules.ini"
ask ok "what dose for my kittens"
expect_rc 0 "a custom rules file"
check "CONFAB_DISCLAIMERS_FILE changes the general text" err_has "Custom general words. (Terms III.4(e))"
check "its own topics apply" err_has "! pets: Ask a vet. (Terms III.4(f)(ii))"
check "the shipped topics do not" err_lacks "medical"
check "no warning for a good file" err_lacks "warning"
ask length "小猫"
check "a file without end notices adds none" [ "$(stored_ids)" = general,pets ]
unset CONFAB_DISCLAIMERS_FILE

mkdir -p "$XDG_CONFIG_HOME/confab"
printf 'disclaimers_file = %s\n' "$T/rules.ini" >"$XDG_CONFIG_HOME/confab/config"
ask ok "$PROMPT"
check "the disclaimers_file setting in the config file works too" err_has "Custom general words."
rm "$XDG_CONFIG_HOME/confab/config"

printf '[general]\nclause = III.4\n\n[medical]\ntext = oops\n' >"$T/broken.ini"
export CONFAB_DISCLAIMERS_FILE="$T/broken.ini"
ask length "what dose of ibuprofen"
expect_rc 0 "a broken rules file"
check "the answer still arrives" [ "$OUT" = "Hello! You said: what dose of ibuprofen" ]
check "a warning names the file and the line" \
	err_has "confab: warning: the disclaimer rules '$T/broken.ini' are broken: line 1: [general] has no text"
check "the warning comes once" [ "$(grep -c warning "$T/err")" = 1 ]
check "the built-in general notice is shown" err_has "$GENERAL"
check "the built-in end notices still apply" err_has "! length:"
check "the built-in rules have no topics" err_lacks "! medical"
ask ok --quiet "$PROMPT"
check "the warning is shown even with --quiet" err_has "warning"
export CONFAB_DISCLAIMERS_FILE="$T/missing.ini"
ask ok "$PROMPT"
expect_rc 0 "a missing rules file"
check "a missing file is named, with where the setting came from" \
	err_has "cannot open '$T/missing.ini': No such file or directory (disclaimers_file, from CONFAB_DISCLAIMERS_FILE)"
check "the built-in general notice is shown for a missing file" err_has "$GENERAL"
unset CONFAB_DISCLAIMERS_FILE

mkdir "$T/datadir"
cp "$TERMS" "$T/datadir/"
CONFAB_DATADIR="$T/datadir" ask ok "$PROMPT"
check "without the shipped file, a warning and the built-in notice" \
	sh -c "grep -q 'warning: cannot open .$T/datadir/disclaimers.ini.: No such file or directory: the installed disclaimer rules are missing' '$T/err' && grep -qF '$GENERAL' '$T/err'"

# ---- on a terminal -------------------------------------------------------------------------
# script(1) gives confab a terminal and keeps the bytes it writes.
on_tty() {
	TERM=xterm-256color script -qec "$CONFAB --base-url $BASE/v1 'what dose of ibuprofen'" /dev/null \
		>"$T/tty" 2>&1 </dev/null
}
ESC=$(printf '\033')
on_tty
check "on a terminal the general notice is dim" grep -q "^${ESC}\\[2mAI answers.*(Terms III.4)${ESC}\\[m" "$T/tty"
check "on a terminal a strong notice is bold" grep -q "^${ESC}\\[1m! medical: .*${ESC}\\[m" "$T/tty"
NO_COLOR=1 on_tty
check "with NO_COLOR, no escape codes around the notices" \
	sh -c "grep -q '^! medical' '$T/tty' && grep -q '^AI answers' '$T/tty' && ! grep -q '(Terms.*$ESC' '$T/tty'"

done_testing
