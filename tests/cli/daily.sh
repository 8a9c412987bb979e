#!/bin/sh
# A daily driver: options anywhere, --temperature and --max-tokens, -q, --help,
# terms history, failed one-shots, roles.
. "$TOP_SRCDIR/tests/cli/lib.sh"

start_server
accept_terms

# last_request EXPR: a Python expression on the last logged request r.
last_request() {
	tail -n 1 "$T/requests.log" | python3 -c "import json,sys; r=json.loads(sys.stdin.read()); print($1)"
}
# last_user: the last user message of the last request.
last_user() { last_request '[m["content"] for m in r["body"]["messages"] if m["role"] == "user"][-1]'; }
requests() { [ -f "$T/requests.log" ] && wc -l <"$T/requests.log" || echo 0; }

# ---- options anywhere ----------------------------------------------------------
ask ok hi -m qwen-max
expect_rc 0 "an option after the prompt"
check "the option after the prompt is not prompt text" [ "$(last_user)" = "hi" ]
check "the model named after the prompt is asked" [ "$(last_request 'r["body"]["model"]')" = qwen-max ]

ask ok hi there --json
expect_rc 0 "--json after the prompt"
check "--json after the prompt prints one JSON object" \
	sh -c "python3 -c 'import json,sys; json.load(sys.stdin)' <'$T/out'"
check "--json after the prompt is not prompt text" [ "$(last_user)" = "hi there" ]

ask ok -q what -m qwen-turbo is --no-log this
expect_rc 0 "options among the prompt words"
check "options among the prompt words are taken out" [ "$(last_user)" = "what is this" ]
check "and applied" [ "$(last_request 'r["body"]["model"]')" = qwen-turbo ]

ask ok hi -- -m qwen-max --json
expect_rc 0 "words after -- are text"
check "words after -- are sent as they are" [ "$(last_user)" = "hi -m qwen-max --json" ]
check "an option after -- is not applied" out_lacks '"answer"'

ask ok -- -5 squared
expect_rc 0 "a prompt starting with - after --"
check "a prompt that starts with - after -- is text" [ "$(last_user)" = "-5 squared" ]

n=$(requests)
ask ok what is -5 squared
expect_rc 2 "a word that starts with - before -- is an option"
check "the unknown option's message says to use --" err_has "go after '--'"
check "nothing is sent on an unknown option" [ "$(requests)" = "$n" ]

ask ok -- terms
expect_rc 0 "a command word after -- is a prompt"
check "'terms' after -- is sent as a prompt" [ "$(last_user)" = terms ]

run terms status --json --terms-file "$TERMS"
check "a command still takes options among its words" out_has '"current"'

export POSIXLY_CORRECT=1
ask ok hi -m qwen-max
check "options after the prompt with POSIXLY_CORRECT set" [ "$(last_user):$(last_request 'r["body"]["model"]')" = "hi:qwen-max" ]
run terms status --json --terms-file "$TERMS"
check "a command takes options among its words with POSIXLY_CORRECT set" out_has '"current"'
unset POSIXLY_CORRECT

# ---- --temperature and --max-tokens ----------------------------------------------
ask ok hi --temperature 0.3 --max-tokens 50
expect_rc 0 "--temperature and --max-tokens"
check "--temperature is sent" [ "$(last_request 'r["body"]["temperature"]')" = 0.3 ]
check "--max-tokens is sent" [ "$(last_request 'r["body"]["max_tokens"]')" = 50 ]
ask ok hi
check "without them, no temperature is sent" [ "$(last_request '"temperature" in r["body"]')" = False ]
n=$(requests)
ask ok hi --temperature warm
expect_rc 2 "a bad --temperature"
check "a bad --temperature names the flag" err_has "--temperature"
ask ok hi --max-tokens -3
expect_rc 2 "a bad --max-tokens"
check "a bad --max-tokens names the flag" err_has "--max-tokens"
check "nothing is sent on a bad value" [ "$(requests)" = "$n" ]

# ---- a failed one-shot leaves no conversation behind ------------------------------
convs() { sql "SELECT count(*) FROM conversations"; }
n=$(convs)
ask 401 refused-prompt
expect_rc 4 "a refused key"
check "a refused one-shot leaves no conversation" [ "$(convs)" = "$n" ]
run --base-url "http://127.0.0.1:1/v1" --timeout 1 hi
expect_rc 5 "an unreachable server"
check "an unreachable server leaves no conversation" [ "$(convs)" = "$n" ]
run log list
check "log list shows no failed attempt" out_lacks "refused-prompt"
ask ok hi --json
cid=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["conversation_id"])' <"$T/out")
ask 401 again --conversation "$cid"
check "a failed attempt in a continued conversation keeps the conversation" \
	[ "$(sql "SELECT count(*) FROM conversations WHERE id = $cid")" = 1 ]
ask 401 hi --json
check "--json after a failure names no deleted conversation" \
	[ "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["conversation_id"])' <"$T/out")" = None ]

# ---- terms history: aligned rows, every detail -----------------------------------------
# A Terms text with a wide (CJK) and long "Last updated" label, accepted in script form.
sed 's/^Last updated: .*/Last updated: 2025年3月1日 (第二版, 修订后的长日期标签)/' "$TERMS" >"$T/wide-terms.md"
accept_terms --terms-file "$T/wide-terms.md"
"$CONFAB" terms accept --no-terms --endpoint "http://127.0.0.1:9/v1" >/dev/null
"$CONFAB" feedback up last --yes >/dev/null 2>&1
run terms history --terms-file "$T/wide-terms.md"
expect_rc 0 "terms history"
printf '%s\n' "$OUT" >"$T/history"
# columns: the display column where "how" starts is the same on every line.
check "terms history aligns every row, wide values too" python3 -c '
import sys, unicodedata
def width(s): return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
head = lines[0]; at = width(head[:head.index("how")])
cols = set()
assert len(lines) > 3
for l in lines[1:]:
    prefix = ""
    w = 0
    for i, c in enumerate(l):
        if w == at: prefix = l[:i]; break
        w += width(c)
    assert prefix.endswith("  ") and not l[len(prefix)].isspace(), l
' "$T/history"
check "terms history shows the wide label whole" out_has "2025年3月1日 (第二版, 修订后的长日期标签)"
check "terms history prints the no-terms answer" out_has "without Terms: yes, for http://127.0.0.1:9/v1"
if [ "$(sql "SELECT count(*) FROM consent_events WHERE kind = 'feedback-notice'")" -gt 0 ]; then
	check "terms history prints a feedback notice's detail" out_has "detail: confirmed"
else
	not_ok "a feedback notice was recorded (feedback up last --yes)"
fi
accept_terms	# the bundled Terms again, for what follows

# ---- configure --prefix again: the compiled-in data directory follows -----------------------
# A build of its own (configure, then only the header and the object that uses it).
mkdir -p "$T/b"
if (unset MAKEFLAGS MFLAGS MAKELEVEL; cd "$T/b" && "$TOP_SRCDIR/configure" --prefix="$T/p1" >/dev/null 2>&1 &&
	make confab-paths.h src/libconfab_a-config.o >/dev/null 2>&1 &&
	"$TOP_SRCDIR/configure" --prefix="$T/p2" >/dev/null 2>&1 &&
	make confab-paths.h src/libconfab_a-config.o >/dev/null 2>&1); then
	check "a new --prefix reaches the compiled-in data directory" \
		grep -q "$T/p2/share/confab" "$T/b/src/libconfab_a-config.o"
	check "the old data directory is gone from the build" \
		sh -c "! grep -q '$T/p1/share/confab' '$T/b/src/libconfab_a-config.o'"
else
	not_ok "configure and make in a build directory of its own"
fi

# ---- roles ------------------------------------------------------------------------
ROLES="$XDG_CONFIG_HOME/confab/roles"
mkdir -p "$ROLES"
printf -- '---\n# a shell helper\nmodel: qwen-max\ntemperature = 0.1\n---\n\nYou are a shell expert.\nAnswer with commands.\n' >"$ROLES/shell.md"
printf 'Answer in French.\n' >"$ROLES/french.md"
system_msg() { last_request '[m["content"] for m in r["body"]["messages"] if m["role"] == "system"]'; }

ask ok hi --role shell
expect_rc 0 "--role"
check "the role's prompt is the system message" \
	[ "$(system_msg)" = "['You are a shell expert.\\nAnswer with commands.']" ]
check "the role's model is asked" [ "$(last_request 'r["body"]["model"]')" = qwen-max ]
check "the role's temperature is sent" [ "$(last_request 'r["body"]["temperature"]')" = 0.1 ]
ask ok --role shell hi -m qwen-turbo --system "Be brief."
check "a flag wins over the role's model" [ "$(last_request 'r["body"]["model"]')" = qwen-turbo ]
check "--system wins over the role's prompt" [ "$(system_msg)" = "['Be brief.']" ]
check "the role's other settings stay" [ "$(last_request 'r["body"]["temperature"]')" = 0.1 ]
ask ok hi --role french
check "a role without a header is its prompt alone" [ "$(system_msg)" = "['Answer in French.']" ]
check "a role without a header keeps the default model" [ "$(last_request 'r["body"]["model"]')" = qwen-plus ]

printf '[profile fr]\nrole = french\nmodel = qwen-long\n' >"$XDG_CONFIG_HOME/confab/config"
ask ok hi -p fr
check "a profile's role applies" [ "$(system_msg)" = "['Answer in French.']" ]
check "the profile's model stays when the role sets none" [ "$(last_request 'r["body"]["model"]')" = qwen-long ]
ask ok hi -p fr --role shell
check "--role wins over the profile's role" [ "$(last_request 'r["body"]["model"]')" = qwen-max ]
rm "$XDG_CONFIG_HOME/confab/config"

n=$(requests)
ask ok hi --role nosuch
expect_rc 2 "an unknown role"
check "an unknown role is named with its file" err_has "there is no role 'nosuch': $ROLES/nosuch.md does not exist"
ask ok hi --role ../shell
expect_rc 2 "a role name with a path"
check "a role name with a path is refused" err_has "is not a role's name"
printf -- '---\ncolour: red\n---\nx\n' >"$ROLES/bad.md"
ask ok hi --role bad
expect_rc 2 "a role with an unknown header key"
check "the unknown key is named with file and line" err_has "bad.md:2: unknown key 'colour'"
printf -- '---\ntemperature: 7\n---\nx\n' >"$ROLES/hot.md"
ask ok hi --role hot
expect_rc 2 "a role with a bad temperature"
check "the bad value is named with file and line" err_has "hot.md:2: temperature"
printf -- '---\nmodel: x\n' >"$ROLES/open.md"
ask ok hi --role open
expect_rc 2 "a role whose header is not closed"
check "nothing is sent when the role is broken" [ "$(requests)" = "$n" ]
rm "$ROLES/bad.md" "$ROLES/hot.md" "$ROLES/open.md"

run roles
expect_rc 0 "confab roles"
check "confab roles lists each role with its settings" \
	sh -c 'printf "%s\n" "$1" | grep -q "^shell  *model qwen-max, temperature 0.1  *You are a shell expert. Answer"' _ "$OUT"
check "confab roles lists a role without a header" \
	sh -c 'printf "%s\n" "$1" | grep -q "^french  *-  *Answer in French."' _ "$OUT"
run roles --json
check "confab roles --json" python3 -c '
import json, sys
a = json.loads(sys.argv[1])
assert [r["name"] for r in a] == ["french", "shell"], a
assert a[1]["model"] == "qwen-max" and a[1]["temperature"] == "0.1" and a[0]["model"] is None
' "$OUT"
rm -r "$ROLES"
run roles
check "confab roles without roles says where they go" out_has "$ROLES/NAME.md"

# ---- --help lists every option --------------------------------------------------------
run --help
opts=$(sed -n 's/^	{ "\([a-z0-9-]*\)", [a-z]*_argument.*/\1/p' "$TOP_SRCDIR/src/main.c")
check "the option table was read" [ "$(echo $opts | wc -w)" -ge 25 ]
for o in $opts; do
	has "$OUT" "--$o" || { not_ok "--help lists --$o"; continue; }
	ok "--help lists --$o"
done

# ---- the README lists every option and every setting -------------------------------------
for o in $opts; do
	grep -q -- "--$o" "$TOP_SRCDIR/README.md" && ok "README lists --$o" || not_ok "README lists --$o"
done
keys=$(sed -n 's/^	\[CONFIG_[A-Z_]*\] = { "\([a-z_]*\)".*/\1/p' "$TOP_SRCDIR/src/config.c")
check "the settings table was read" [ "$(echo $keys | wc -w)" -ge 20 ]
for k in $keys; do
	grep -q "\`$k\`" "$TOP_SRCDIR/README.md" && ok "README lists $k" || not_ok "README lists $k"
done

done_testing
