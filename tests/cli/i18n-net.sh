#!/bin/sh
# A Chinese UI for requests, one-shot mode and feedback (issue 13): the errors a request
# ends in, one-shot's notes and the feedback commands speak Chinese under zh_CN.UTF-8,
# with the same exit codes; --json, the store and the CSV stay as they were. Also
# 'feedback export --format csv --bom'. Screens at 80x24 and 40x12 in tmux.
. "$TOP_SRCDIR/tests/cli/lib.sh"

start_server
accept_terms

ZH="LC_ALL=zh_CN.UTF-8"
# zh CMD...: run CMD with the Chinese UI (the catalog of the build tree).
zh() { env LC_ALL=zh_CN.UTF-8 "$@"; }

# ask_zh SCENARIO ARGS...: ask in Chinese; sets RC, OUT, ERR.
ask_zh() {
	_s=$1
	shift
	zh "$CONFAB" --base-url "$BASE/s/$_s/v1" "$@" >"$T/out" 2>"$T/err" </dev/null
	RC=$?
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
}

# final_is_chinese: confab's last line on stderr (the error the request ended in) is a
# Chinese sentence: it holds CJK text, and no English sentence of ours.
final_is_chinese() {
	printf '%s\n' "$ERR" | grep '^confab: ' | tail -n 1 | python3 -c '
import re, sys
line = sys.stdin.read()
sys.exit(0 if re.search("[\u4e00-\u9fff]", line) else 1)'
}

# json_error: the "error" of the --json object on stdout.
json_error() { printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["error"])'; }

# stored_error: the error recorded with the newest message.
stored_error() { sql "SELECT coalesce(error, '') FROM messages ORDER BY id DESC LIMIT 1"; }

# ---- the errors a request ends in -------------------------------------------------
# Each: the Chinese sentence, the exit code of the English UI, and --json and the store
# in English (a record does not change with the language of the screens).

# compare SCENARIO ZH_TEXT EN_TEXT: one scenario in both languages.
compare() {
	ask "$1" "$PROMPT"
	_rc_en=$RC
	_err_en=$ERR
	ask_zh "$1" "$PROMPT"
	check "$1: the message is Chinese" err_has "$2"
	check "$1: no English sentence of ours is left" sh -c "! printf '%s' \"\$1\" | grep -qF \"\$2\"" _ "$ERR" "$3"
	check "$1: the error line is Chinese" final_is_chinese
	check "$1: the exit code is unchanged ($_rc_en)" [ "$RC" = "$_rc_en" ]
	check "$1: the English UI still says it" has "$_err_en" "$3"
	ask_zh "$1" --json "$PROMPT"
	check "$1: --json keeps the English error" has "$(json_error)" "$3"
}

compare 401 "身份验证失败（HTTP 401 invalid_api_key：" "authentication failed"
check "401: exit 4" [ "$RC" = 4 ]
compare 429-always "服务商限制了请求频率（HTTP 429 limit_requests：" "rate limited by the provider"
check "429: the attempts are counted in Chinese" err_has "已尝试 3 次；请稍后再试"
compare cut "回答被截断：连接在回答完成前关闭了；已保留部分回答" "the answer was cut off"
check "a cut answer: exit 5" [ "$RC" = 5 ]
check "a cut answer: the store keeps the English reason" \
	[ "$(stored_error)" = "the answer was cut off: the connection closed before it was complete" ]
compare error-json-in-200 "服务商因错误而停止：The model \`qwen-nope\` does not exist" \
	"the provider stopped with an error"
check "a provider error: the provider's own text is kept as it is" err_has "（model_not_found）"
check "a provider error: exit 1" [ "$RC" = 1 ]
compare malformed "无法读取服务商的回答：事件流中的 JSON 格式有误：第 2 字节附近有语法错误：" \
	"the provider's answer cannot be read"
check "a malformed stream: the store keeps every part in English" \
	has "$(stored_error)" "the provider's answer cannot be read: malformed JSON in the event stream: syntax error near byte 2"
compare html-502 "$BASE/s/html-502/v1 返回 HTTP 502（text/html）：" "retries did not help"
check "a 502: the retries did not help, in Chinese" err_has "；重试无效"

# An endpoint nothing listens on.
run --base-url "http://127.0.0.1:1/v1" "$PROMPT"
rc_en=$RC
zh "$CONFAB" --base-url "http://127.0.0.1:1/v1" "$PROMPT" >"$T/out" 2>"$T/err" </dev/null
RC=$? OUT=$(cat "$T/out") ERR=$(cat "$T/err")
check "unreachable: the message is Chinese" err_has "confab: 无法连接到 http://127.0.0.1:1/v1："
check "unreachable: it says what to check, in Chinese" \
	err_has "（已重试）；请检查服务器是否在运行，以及地址（--base-url，或配置文件中的 base_url）是否正确"
check "unreachable: no English sentence of ours is left" sh -c "! grep -qF 'cannot reach' '$T/err'"
check "unreachable: exit 5, as in English" [ "$RC:$rc_en" = 5:5 ]

# One-shot's own notes.
ask_zh ok "$PROMPT"
check "the usage line is Chinese" err_has "秒，提问"
check "the usage line counts the tokens" err_has "个词元]"
check "an answer that succeeds exits 0" [ "$RC" = 0 ]
ask_zh ok ""
check "an empty prompt: Chinese, exit 2" sh -c '[ "$1" = 2 ]' _ "$RC"
check "an empty prompt: the message" err_has "confab: 提问为空；请以参数（confab \"问题\"）或通过标准输入给出"
printf 'a\000b' | zh "$CONFAB" --base-url "$BASE/v1" >/dev/null 2>"$T/err"
RC=$? ERR=$(cat "$T/err")
check "a NUL byte in the prompt: Chinese, exit 2" [ "$RC" = 2 ]
check "a NUL byte in the prompt: the message" err_has "提问在偏移 1 处含有 NUL 字节（二进制输入？）；未发送任何内容"

# ---- feedback ---------------------------------------------------------------------
A=$("$CONFAB" --base-url "$BASE/v1" --json "$PROMPT" </dev/null 2>/dev/null |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["message_id"])')

zh "$CONFAB" feedback up "$A" >"$T/out" 2>"$T/err" </dev/null
RC=$? OUT=$(cat "$T/out") ERR=$(cat "$T/err")
check "rating before the notice: exit 3" [ "$RC" = 3 ]
check "rating before the notice: the notice is Chinese" err_has "首次评价前：服务条款第 IV 节的含义"
check "rating before the notice: its points are Chinese" err_has "- 它归服务商所有："
check "rating before the notice: what to do, in Chinese" \
	err_has "confab: 要评价，请先确认上面的提示：加上 --yes 重新运行，或在终端中运行以回答询问；未保存任何内容"
check "rating before the notice: no English paragraph left" sh -c "! grep -qE 'Where it goes|It is not confidential|You can change' '$T/err'"

zh "$CONFAB" feedback up "$A" --yes >"$T/out" 2>"$T/err" </dev/null
RC=$? OUT=$(cat "$T/out") ERR=$(cat "$T/err")
check "rating with --yes: exit 0" [ "$RC" = 0 ]
check "rating with --yes: the confirmation is Chinese" err_has "confab: 已用 --yes 确认反馈提示（已记入同意记录）：反馈不保密"
check "rating with --yes: the outcome is Chinese" out_has "已为回答 ${A} 点赞。"
check "rating with --yes: where it went, in Chinese" out_has "仅保存在本机：未设置 feedback_url。"
check "the consent ledger keeps its English record" \
	[ "$(sql "SELECT method || '|' || detail FROM consent_events WHERE kind = 'feedback-notice' ORDER BY id DESC LIMIT 1")" = "flag --yes|confirmed" ]

zh "$CONFAB" feedback down "$A" --reason nope >"$T/out" 2>"$T/err" </dev/null
RC=$? ERR=$(cat "$T/err")
check "an unknown reason: exit 2" [ "$RC" = 2 ]
check "an unknown reason: the list of reasons is joined in Chinese" \
	err_has "'nope' 不是可用的点踩原因；请使用 inaccurate、unhelpful、harmful 或 other（多个原因用逗号分隔）"
zh "$CONFAB" feedback down "$A" --reason unhelpful --comment "$(printf 'a\001b')" >"$T/out" 2>"$T/err" </dev/null
RC=$? OUT=$(cat "$T/out") ERR=$(cat "$T/err")
check "changing a rating: the outcome is Chinese" out_has "已将回答 ${A} 的评价从赞改为踩。"
check "a control character dropped: said in Chinese" err_has "已从评论中删除 1 个控制字符"
zh "$CONFAB" feedback list >"$T/out" 2>"$T/err" </dev/null
OUT=$(cat "$T/out")
check "feedback list: the headings are Chinese" out_has "回答    评价    更新时间             发送      模型             原因               评论"
check "feedback list: the footer is Chinese" out_has "评价保存在本机：未设置 feedback_url。"
check "feedback list: the columns line up under the headings" python3 - "$T/out" <<'EOF'
import sys, unicodedata
def w(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
head, row = open(sys.argv[1], encoding="utf-8").read().split("\n")[:2]
# the display column where "评论" starts is where the comment starts in the row
col = w(head[:head.index("评论")])
# the same display column in the row (the rating 踩 is wide too)
i = next((i for i in range(len(row) + 1) if w(row[:i]) >= col), len(row))
sys.exit(0 if w(row[:i]) == col and row[i - 1] == " " and row[i] == "a" else 1)
EOF
zh "$CONFAB" feedback frob >"$T/out" 2>"$T/err" </dev/null
RC=$? ERR=$(cat "$T/err")
check "an unknown feedback command: Chinese, exit 2" [ "$RC" = 2 ]
check "an unknown feedback command: the message" \
	err_has "未知命令 'feedback frob'；feedback 命令有 up、down、clear、list、export 和 sync"
zh "$CONFAB" feedback list --json >"$T/out" 2>/dev/null </dev/null
check "feedback list --json stays as it was" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))[0]
sys.exit(0 if r["rating"] == "down" and r["delivery"] == "local" and r["reasons"] == ["unhelpful"] else 1)' "$T/out"

# ---- feedback export --bom ---------------------------------------------------------
"$CONFAB" feedback export --format csv >"$T/plain.csv" 2>/dev/null
zh "$CONFAB" feedback export --format csv >"$T/plain-zh.csv" 2>/dev/null
check "the CSV is the same bytes in a Chinese UI" same_bytes "$T/plain.csv" "$T/plain-zh.csv"
check "without --bom the CSV starts with its header" \
	[ "$(head -c 11 "$T/plain.csv")" = "message_id," ]
"$CONFAB" feedback export --format csv --bom >"$T/bom.csv" 2>"$T/err"
RC=$?
check "--bom: exit 0" [ "$RC" = 0 ]
check "--bom: the CSV starts with EF BB BF" [ "$(od -An -tx1 -N3 "$T/bom.csv" | tr -d ' ')" = efbbbf ]
tail -c +4 "$T/bom.csv" >"$T/bom-rest.csv"
check "--bom: then the same bytes as without it" same_bytes "$T/bom-rest.csv" "$T/plain.csv"
check "--bom: the only difference is the mark" \
	[ $(($(wc -c <"$T/bom.csv") - $(wc -c <"$T/plain.csv"))) = 3 ]
run feedback export --format json --bom
expect_rc 2 "--bom with --format json"
check "--bom with another format: the message says why" \
	err_has "--bom is for CSV only; use it with --format csv, not --format json"
check "--bom with another format: nothing on stdout" [ -z "$OUT" ]
run feedback export --bom
expect_rc 2 "--bom with the default format (jsonl)"
zh "$CONFAB" feedback export --format json --bom >"$T/out" 2>"$T/err" </dev/null
RC=$? ERR=$(cat "$T/err")
check "--bom with another format, in Chinese: exit 2" [ "$RC" = 2 ]
check "--bom with another format, in Chinese: the message" \
	err_has "--bom 只用于 CSV；请与 --format csv 一起使用，而不是 --format json"

# ---- on a terminal: 80x24 and 40x12 ----------------------------------------------------
# fits NAME: every row of the pane is within the width tmux reports (display columns).
fits() {
	_w=$(tm "$1" display-message -p '#{pane_width}')
	tm "$1" capture-pane -p -S - | python3 -c '
import sys, unicodedata
width = int(sys.argv[1])
def w(s):
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
bad = [l for l in sys.stdin.read().split("\n") if w(l) > width]
sys.exit(1 if bad else 0)' "$_w"
}
# joined NAME: the pane's text with its line ends and indents taken out (CJK wraps
# between characters).
joined() { screen "$1" | sed 's/^ *//' | tr -d '\n'; }

n=0
for size in 80x24 40x12; do
	n=$((n + 1))
	TMUX_COLS=${size%x*} TMUX_ROWS=${size#*x}
	export TMUX_COLS TMUX_ROWS
	tmux_start "err$n" "cd '$T' && $ZH '$CONFAB' --base-url '$BASE/s/error-json-in-200/v1' '$PROMPT'"
	check "$size: a provider error on a terminal ends" wait_for "err$n" "[exit 1]"
	check "$size: the error is whole" has "$(joined "err$n")" "服务商因错误而停止："
	check "$size: the usage line is whole" has "$(joined "err$n")" "[qwen-plus，"
	check "$size: nothing is wider than the pane" fits "err$n"

	# a store of its own, where the notice was never answered
	XDG_DATA_HOME="$T/fresh$n"
	accept_terms
	"$CONFAB" --base-url "$BASE/v1" "$PROMPT" >/dev/null 2>&1 </dev/null
	tmux_start "note$n" "cd '$T' && $ZH '$CONFAB' feedback up"
	XDG_DATA_HOME="$T/data"
	check "$size: the feedback notice asks in Chinese" wait_for "note$n" "输入 yes 确认并保存你的评价；输入其他内容则取消："
	check "$size: the notice is wrapped to the pane" fits "note$n"
	check "$size: the notice's points are whole" has "$(joined "note$n")" "服务商无需阅读、处理或返还它（IV(b)）。"
	tmux_keys "note$n" "no" Enter
	check "$size: declining is said in Chinese" wait_for "note$n" "[exit 3]"
	check "$size: the refusal is whole" has "$(joined "note$n")" "已拒绝并记录。未保存任何内容；下次评价回答时会再次询问你。"
	check "$size: still nothing wider than the pane" fits "note$n"
done

done_testing
