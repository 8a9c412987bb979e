#!/bin/sh
# In a Chinese UI (zh_CN): the terms commands' human output, their errors and
# the ledger checks, roles, -f attachments and 'confab models' speak Chinese
# and keep their exit codes; --json and the ledger stay as they are. Line mode
# and the full-screen UI at 80x24 and 40x12 show the attachment and model
# messages whole.
. "$TOP_SRCDIR/tests/cli/lib.sh"

zh() { LC_ALL=zh_CN.UTF-8 run "$@"; }
# (grep -P: a bracket range of CJK characters is an error in some locales' grep)
cjk() { printf '%s' "$1" | grep -qP '[\x{4e00}-\x{9fff}]'; }
# english TEXT: a run of three lower-case English words outside quotes ('...'),
# paths and URLs (what a person would read as an English sentence).
english() {
	printf '%s\n' "$1" | sed -e "s/'[^']*'//g" -e 's|[a-z]*://[^ ）]*||g' -e 's|/[^ ）]*||g' |
		grep -E '(^|[^A-Za-z-])[a-z]{2,} [a-z]{2,} [a-z]{2,}([^A-Za-z]|$)'
}
no_english() { ! english "$1" >/dev/null; }
out_is_chinese() { cjk "$OUT" && no_english "$OUT"; }
err_is_chinese() { cjk "$ERR" && no_english "$ERR"; }
line_of() { printf '%s\n' "$1" | grep -F -- "$2" | head -n 1; }

SHORT=$(short_hash "$TERMS")
FULL=$("$CONFAB" terms status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["current"]["sha256"])')
check "the Terms' version is known" [ ${#SHORT} = 12 ]

# ---- status, diff, history, verify before anything is accepted ----------------------
zh terms status
expect_rc 3 "zh: status before acceptance"
check "zh: status says NONE in Chinese" out_has "状态：      未接受：你尚未接受服务条款"
check "zh: status names the version" out_has "版本：      $SHORT（更新于 March 1, 2025）"
check "zh: status says nothing is sent until accepted" \
	out_has "运行 'confab terms' 阅读并接受服务条款。"
check "zh: the endpoints' state is Chinese" out_has "上述服务条款：未接受"
check "zh: status has no English sentence" out_is_chinese
zh terms status --json
check "zh: status --json keeps its English values" out_has '"state":"NONE"'

zh terms diff
expect_rc 0 "zh: diff before acceptance"
check "zh: diff says there is nothing to compare" \
	[ "$OUT" = "你尚未接受任何版本的服务条款，因此没有可比较的内容；运行 'confab terms' 阅读条款。" ]
zh terms history
check "zh: an empty history" [ "$OUT" = "同意记录为空：你还没有查看或接受过任何服务条款。" ]
zh terms verify
expect_rc 0 "zh: verify an empty ledger"
check "zh: verify counts no events" out_has "同意记录完好：共 0 个事件，链头 0000"

# ---- errors keep their exit codes ------------------------------------------------------
zh terms bogus
expect_rc 2 "zh: an unknown terms command"
check "zh: it is named in Chinese" err_has "confab: 未知命令 'terms bogus'；terms 命令有 review、show、status"
check "zh: the unknown command's message has no English sentence" err_is_chinese
zh terms status extra
expect_rc 2 "zh: an extra word"
check "zh: the extra word is named" err_has "'terms status' 不接受参数 'extra'"
zh terms accept --sha256 0123456789ab --adult
expect_rc 3 "zh: a wrong --sha256"
check "zh: the refusal names the current version in Chinese" \
	err_has "'0123456789ab' 与当前服务条款不符：当前版本为 $SHORT（更新于 March 1, 2025，sha256 $FULL）"
check "zh: the refusal has no English sentence" err_is_chinese
zh terms accept --sha256 "$SHORT"
expect_rc 3 "zh: accepting without --adult"
check "zh: it explains --adult in Chinese" err_has "接受条款需要 --adult"
zh terms accept --adult
expect_rc 2 "zh: accepting without --sha256"
check "zh: it asks for --sha256 in Chinese" err_has "'terms accept' 需要用 --sha256 HEX 指明当前服务条款"
zh terms accept --no-terms
expect_rc 2 "zh: --no-terms for an endpoint elsewhere"
check "zh: it says the endpoint is not on this machine" err_has "不在本机上，因此 confab 不会询问"
zh terms update
expect_rc 2 "zh: update without terms_url"
check "zh: it says how to set terms_url" err_has "未配置 terms_url；请在 '"
check "nothing was recorded by the refusals" [ "$(sql 'SELECT count(*) FROM consent_events')" = 0 ]

# ---- accept, then status, history, verify ----------------------------------------------
zh terms accept --sha256 "$SHORT" --adult
expect_rc 0 "zh: accept"
check "zh: accept says so in Chinese" \
	[ "$OUT" = "已接受服务条款版本 $SHORT（更新于 March 1, 2025）。随时可用 'confab terms withdraw' 撤回。" ]
check "the ledger keeps its method strings" \
	[ "$(sql "SELECT method FROM consent_events WHERE kind = 'accept'")" = "flag --sha256 --adult" ]
zh terms status
expect_rc 0 "zh: status after acceptance"
check "zh: state accepted" out_has "状态：      已于 "
check "zh: the endpoint may be used" out_has "上述服务条款：已接受"
check "zh: status after acceptance has no English sentence" out_is_chinese
zh terms history
expect_rc 0 "zh: history"
check "zh: the history's headings are Chinese" has "$(printf '%s\n' "$OUT" | head -n 1)" "#  时间"
check "zh: the events keep their kinds and say adult: yes in Chinese" \
	has "$(line_of "$OUT" " accept ")" "flag --sha256 --adult，成年：是"
# The columns line up by display width: "事件" (4 columns) over "accept".
check "zh: the history's columns line up" python3 -c '
import sys, unicodedata
def w(s): return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
lines = sys.argv[1].split("\n")
head, row = lines[0], lines[1]
assert w(head[:head.index("事件")]) == w(row[:row.index("age")]), (head, row)
assert w(head[:head.index("方式")]) == w(row[:row.index("flag")]), (head, row)
' "$OUT"
zh terms verify
expect_rc 0 "zh: verify"
check "zh: verify counts the events in Chinese" out_has "同意记录完好：共 2 个事件，链头 "
zh terms history --json
check "zh: history --json keeps the ledger's fields" out_has '"kind":"accept","at"'

# ---- a changed text -------------------------------------------------------------------------
sed -e 's/^Last updated: March 1, 2025/Last updated: June 1, 2025/' \
	-e 's/^(e) you must not depend solely on the Outputs/(e) you must never depend solely on the Outputs/' \
	"$TERMS" >"$T/v2.md"
zh terms status --terms-file "$T/v2.md"
expect_rc 3 "zh: status with changed Terms"
check "zh: state outdated, with the version accepted" \
	out_has "状态：      已过期：你于 "
check "zh: ... and the version accepted" out_has "接受的是版本 $SHORT（更新于 March 1, 2025）"
check "zh: the changed section is named, its change in Chinese" out_has "变更：      III. User Content（修改）"
check "zh: it says what to run" out_has "运行 'confab terms' 查看变更并接受。"
sed -e 's/^Last updated: March 1, 2025/Last updated: July 4, 2025/' "$TERMS" >"$T/v5.md"
zh terms status --terms-file "$T/v5.md"
check "zh: only the date changed" out_has "变更：      仅更新日期"
zh terms diff --terms-file "$T/v5.md"
check "zh: diff of the same text" [ "$RC" = 0 ]

# ---- verify: the chain checks ---------------------------------------------------------------
zh terms verify --head zzz
expect_rc 1 "zh: --head that is not a hash"
check "zh: it says what a head is" err_has "'zzz' 不是链头：请给出某个事件的哈希值（12 到 64 位十六进制数字）"
H1=$(sql "SELECT hash FROM consent_events WHERE id = 1")
zh terms verify --head "$H1"
expect_rc 0 "zh: --head of the first event"
check "zh: the note says one event followed it" out_has "注：链头 $H1 是事件 1（age，"
check "zh: ... in Chinese" out_has "；其后还有 1 个事件。"
sqlite3 "$DB" "DROP TRIGGER consent_events_no_update; UPDATE consent_events SET age_answer = 'no' WHERE id = 2;"
zh terms verify
expect_rc 1 "zh: verify a tampered ledger"
check "zh: it names the altered event in Chinese" \
	err_has "confab: 同意记录未通过校验：事件 2（accept，"
check "zh: ... and says how it was altered" err_has "）已被篡改：其内容与其哈希值不符"
check "zh: the broken chain's message has no English sentence" err_is_chinese
zh "a prompt"
expect_rc 3 "zh: the gate refuses a prompt when the chain is broken"
check "zh: the gate's message says the ledger cannot be trusted" err_has "同意记录不可信："
sqlite3 "$DB" "UPDATE consent_events SET age_answer = 'yes' WHERE id = 2;"
zh terms verify
expect_rc 0 "zh: verify after the tampering was undone"
mv "$(dirname "$DB")/ledger-head" "$T/head.saved"
zh terms verify
expect_rc 1 "zh: verify without the head file"
check "zh: the missing head file is explained in Chinese" err_has "不存在，但此同意记录自 "
zh terms verify --repair-head
expect_rc 0 "zh: --repair-head"
check "zh: it says the head file was written again" out_has "已根据最新的事件重新写入链头文件"

# ---- update from a server -----------------------------------------------------------------
mkdir -p "$T/served"
cp "$TERMS" "$T/served/terms.md"
start_server
export CONFAB_TERMS_URL="$BASE/terms/terms.md"
zh terms update
expect_rc 0 "zh: the first update"
check "zh: it records the fetched version in Chinese" \
	out_has "已记录来自 $BASE/terms/terms.md 的服务条款版本 $SHORT（更新于 March 1, 2025）。"
zh terms update
check "zh: an unchanged text" out_has "$BASE/terms/terms.md 上的服务条款没有变化（304 Not Modified；版本 $SHORT）。"
export CONFAB_TERMS_URL="$BASE/terms/missing.md"
zh terms update
expect_rc 5 "zh: a missing text is a network error"
check "zh: it says the fetch failed in Chinese" err_has "获取 $BASE/terms/missing.md 失败：HTTP 404；服务条款未更新"
unset CONFAB_TERMS_URL

# ---- a server on this machine, without Terms: accept --no-terms, withdraw --no-terms ------
zh terms accept --no-terms --base-url "$BASE/v1"
expect_rc 0 "zh: accept --no-terms for a loopback server"
check "zh: it says the server is used without Terms" \
	[ "$OUT" = "已记录：$BASE/v1 运行在本机上，使用时不受服务条款约束。" ]
zh terms status --base-url "$BASE/v1"
check "zh: status says the endpoint has no provider's Terms" out_has "$BASE/v1  无服务商条款（你于 "
zh terms withdraw --no-terms --base-url "$BASE/v1"
expect_rc 0 "zh: withdraw --no-terms"
check "zh: it says the Terms govern the server again" \
	[ "$OUT" = "已记录：$BASE/v1 重新受服务条款（版本 $SHORT）约束。" ]
check "the ledger keeps its method strings for --no-terms" \
	[ "$(sql "SELECT method FROM consent_events WHERE kind = 'no-terms' ORDER BY id LIMIT 1")" = "flag --no-terms (terms accept)" ]

# ---- roles ----------------------------------------------------------------------------------
zh roles
expect_rc 0 "zh: no roles"
check "zh: it says where roles go" out_has "还没有角色：角色是保存在 $XDG_CONFIG_HOME/confab/roles/NAME.md 中的系统提示词"
mkdir -p "$XDG_CONFIG_HOME/confab/roles"
printf -- '---\nmodel: qwen-max\ntemperature: 0.2\n---\n你是一位严谨的翻译，把每句话都译成地道、简洁、准确的中文，不要添加解释或者评论。\n' \
	>"$XDG_CONFIG_HOME/confab/roles/translator.md"
zh roles
expect_rc 0 "zh: roles"
check "zh: the headings are Chinese" has "$(printf '%s\n' "$OUT" | head -n 1)" "名称"
check "zh: the settings are joined the Chinese way" out_has "model qwen-max、temperature 0.2"
check "zh: the columns line up by display width" python3 -c '
import sys, unicodedata
def w(s): return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
head, row = sys.argv[1].split("\n")[:2]
assert w(head[:head.index("设置")]) == w(row[:row.index("model")]) == 17, (head, row)
assert w(head[:head.index("系统提示词")]) == w(row[:row.index("你是")]) == 54, (head, row)
assert w(row[row.index("你是"):]) <= 63, row
' "$OUT"
printf -- '---\ncolour: red\n---\nx\n' >"$XDG_CONFIG_HOME/confab/roles/bad.md"
zh roles
expect_rc 2 "zh: a broken role"
check "zh: its warning is Chinese" err_has "confab: 警告：$XDG_CONFIG_HOME/confab/roles/bad.md:2：未知的键 'colour'（角色头部可设置 model、temperature 和 max_tokens）"
zh roles extra
expect_rc 2 "zh: roles takes no words"
check "zh: ... in Chinese" err_has "'confab roles' 不接受参数"
rm "$XDG_CONFIG_HOME/confab/roles/bad.md"
zh --role nosuch "hi"
check "zh: an unknown role is named in Chinese" err_has "没有角色 'nosuch'："

# ---- attachments ------------------------------------------------------------------------------
cd "$T" || exit 1
printf 'alpha beta\n' >notes.txt
printf 'a\000b' >bin.dat
zh --base-url "$BASE/s/ok/v1" -f bin.dat "look"
expect_rc 2 "zh: a binary file is refused"
check "zh: ... in Chinese" err_has "无法附加 'bin.dat'：这是二进制文件（含有 NUL 字节）；只能附加文本文件以及 PNG、JPEG 或 WebP 图片"
zh --base-url "$BASE/s/ok/v1" -f nosuch.txt "look"
expect_rc 2 "zh: a missing file is refused"
check "zh: ... in Chinese" err_has "无法附加："
zh --base-url "$BASE/s/ok/v1" -f notes.txt "look"
expect_rc 0 "zh: a text file goes with the prompt"
check "zh: the transcript says what is attached in Chinese" err_has "已附加 notes.txt（11 字节，文本）"
check "the prompt sent keeps its English framing" \
	grep -q 'File notes.txt (11 bytes)' "$T/requests.log"

# ---- models ------------------------------------------------------------------------------------
zh models extra
expect_rc 2 "zh: models takes no words"
check "zh: ... in Chinese" err_has "'models' 不接受参数 'extra'"
zh models --base-url "$BASE/s/models-401/v1"
expect_rc 4 "zh: a 401 from models"
check "zh: it says authentication failed in Chinese" err_has "身份验证失败（$BASE/s/models-401/v1/models 返回 HTTP 401）："
zh models --base-url "$BASE/s/models-empty/v1"
expect_rc 0 "zh: a server without models"
check "zh: it says so in Chinese" err_has "服务器没有提供任何模型（Ollama 可用 'ollama pull NAME' 下载）"

# ---- on a terminal: line mode and the full-screen UI, 80x24 and 40x12 -------------------------
ENVS="env XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_DATA_HOME=$XDG_DATA_HOME XDG_STATE_HOME=$XDG_STATE_HOME CONFAB_DATADIR=$CONFAB_DATADIR CONFAB_LOCALEDIR=$CONFAB_LOCALEDIR HOME=$HOME LC_ALL=zh_CN.UTF-8 TERM=xterm-256color"
# flat TEXT: TEXT without blanks and line breaks (line mode wraps long lines
# between words, and between Chinese characters).
flat() { printf '%s' "$1" | tr -d ' \n'; }
# wait_flat NAME TEXT: wait until TEXT is on the screen, however it was wrapped.
wait_flat() {
	_want=$(flat "$2")
	_end=$(($(date +%s) + 10))
	while [ "$(date +%s)" -le "$_end" ]; do
		case "$(flat "$(screen "$1")")" in *"$_want"*) return 0 ;; esac
		sleep 0.05
	done
	diag "timed out waiting for '$2'; the screen was:" "$(screen "$1")"
	return 1
}
waits() { wait_flat "$1" "$2" && ok "$3" || not_ok "$3"; }
# fits NAME COLS: tmux's pane is COLS wide and no line of it is wider.
fits() {
	[ "$(tm "$1" display -p '#{pane_width}')" = "$2" ] &&
		tm "$1" capture-pane -p | python3 -c '
import sys, unicodedata
def w(s): return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
assert all(w(l.rstrip("\n")) <= int(sys.argv[1]) for l in sys.stdin), "a line is too wide"
' "$2"
}
for size in 80x24 40x12; do
	cols=${size%x*}
	rows=${size#*x}
	name=plain-$cols
	TMUX_COLS=$cols TMUX_ROWS=$rows tmux_start "$name" \
		"cd $T && $ENVS $CONFAB --plain -f notes.txt --base-url $BASE/s/ok/v1 -m qwen-turbo"
	waits "$name" "已附加 notes.txt（11 字节，文本）" "$size line mode: -f is attached, in Chinese"
	tmux_keys "$name" "/attach" Enter
	waits "$name" "下一次提问的附件（11 字节；/attach clear 可清除）：" "$size line mode: /attach lists the files, whole"
	tmux_keys "$name" "/model" Enter
	waits "$name" "模型（用 /model N 或 /model NAME 选择；* 表示正在使用）：" "$size line mode: /model's list has a Chinese heading"
	tmux_keys "$name" "/model 99" Enter
	waits "$name" "没有第 99 个模型：列表中只有 " "$size line mode: /model 99 is refused in Chinese"
	tmux_keys "$name" "/model 1" Enter
	waits "$name" "模型：" "$size line mode: /model 1 says the model in Chinese"
	check "$size line mode: nothing overflows the pane" fits "$name" "$cols"
	tm "$name" kill-server 2>/dev/null

	name=ui-$cols
	TMUX_COLS=$cols TMUX_ROWS=$rows tmux_start "$name" \
		"cd $T && $ENVS $CONFAB --base-url $BASE/s/ok/v1 -m qwen-turbo"
	wait_for "$name" "/help" >/dev/null
	tmux_keys "$name" "/attach notes.txt" Enter
	waits "$name" "已附加 notes.txt（11 字节，文本）" "$size UI: /attach says what is attached, in Chinese"
	tmux_keys "$name" "/model 99" Enter
	waits "$name" "还没有模型列表：单独输入" "$size UI: /model N before a list is refused in Chinese"
	check "$size UI: nothing overflows the pane" fits "$name" "$cols"
	tm "$name" kill-server 2>/dev/null
done

done_testing
