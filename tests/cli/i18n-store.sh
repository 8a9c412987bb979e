#!/bin/sh
# Issue 13 in Chinese: the store's errors, 'confab log' (columns aligned by
# display width) and the reliance notices in the user's language, while
# --json and the store keep the plain texts; C.UTF-8 stays English.
. "$TOP_SRCDIR/tests/cli/lib.sh"

: "${CONFAB_LOCALEDIR:?make check sets CONFAB_LOCALEDIR}"
# zh CMD...: run (or zh_ask: ask) in a Chinese UI.
zh() {
	LC_ALL=zh_CN.UTF-8
	run "$@"
	LC_ALL=C.UTF-8
}
zh_ask() {
	LC_ALL=zh_CN.UTF-8
	ask "$@"
	LC_ALL=C.UTF-8
}
err_lacks() { ! has "$ERR" "$1"; }
# no_english TEXT: no three English words in a row.
no_english() { ! printf '%s\n' "$1" | grep -Eq '[A-Za-z]{3,} [a-z]{2,} [a-z]{2,}'; }
# aligned FILE: the title column starts at the same display column in every line of 'log list'.
aligned() {
	python3 - "$1" <<'PY'
import sys, unicodedata
def w(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
head = lines[0]
col = w(head[:head.index("标题")])
bad = []
for l in lines[1:]:
    # the title follows the message count and two spaces
    parts = l.split("  ")
    title = parts[-1]
    start = w(l[: len(l) - len(title)])
    if start != col:
        bad.append((start, l))
print(col, bad, file=sys.stderr)
sys.exit(1 if bad or len(lines) < 3 else 0)
PY
}
GENERAL_ZH="AI 的回答可能有误、不完整或脱离上下文；使用前请先核实。"
MEDICAL_ZH="这不是医疗建议；不要据此做出健康方面的决定。请咨询医生或药剂师。"

start_server
accept_terms

# ---- log list -----------------------------------------------------------------------
zh log list
expect_rc 0 "log list on an empty store in Chinese"
check "an empty list says so in Chinese" [ "$OUT" = "数据库中还没有对话。" ]
run log list
check "... and in English under C.UTF-8" [ "$OUT" = "No conversations are stored." ]

zh_ask ok "你好世界，这是一个中文标题"
ask ok "an English title"
zh log list
expect_rc 0 "log list in Chinese"
check "the headings are Chinese" sh -c "head -n 1 '$T/out' | grep -q '^编号 .*开始时间（UTC）.*模型.*消息  标题\$'"
check "no English heading is left" sh -c "! head -n 1 '$T/out' | grep -q 'ID\\|STARTED\\|MODEL\\|MSGS\\|TITLE'"
check "the titles start in one column by display width (a CJK title)" aligned "$T/out"
run log list
check "C.UTF-8 keeps the English headings" sh -c "head -n 1 '$T/out' | grep -q '^ID .*STARTED (UTC) .*MODEL .*MSGS  TITLE\$'"

# ---- log show, search, bad IDs --------------------------------------------------------
C1=$(sql "SELECT min(id) FROM conversations")
zh log show "$C1"
expect_rc 0 "log show in Chinese"
check "the heading is Chinese" out_has "对话 $C1：你好世界，这是一个中文标题"
check "the summary line is Chinese" out_has "开始于 "
check "the summary counts the messages" out_has "共 2 条消息"
check "the message headings are Chinese" out_has "] 你，"
check "the stored general notice is shown in Chinese" out_has "提示（III.4）：$GENERAL_ZH"
check "no English sentence is left" no_english "$OUT"
run log show "$C1"
check "C.UTF-8 shows the notice in English" out_has "Notice (III.4): AI answers can be wrong"
check "the store keeps the plain (English) notice" \
	has "$(sql "SELECT disclaimers FROM messages WHERE conversation_id = $C1 AND role = 'assistant'")" '"text":"AI answers can be wrong'
zh log export "$C1"
check "the Markdown export is Chinese" sh -c "head -n 1 '$T/out' | grep -q '^# 对话 $C1：' && grep -q '^> \*\*提示（III.4）：\*\* AI 的回答' '$T/out'"
zh log search 中文标题
check "log search counts matches in Chinese" out_has "中文标题（2 条消息匹配）"
zh log search zzqqxx
check "nothing found, in Chinese" [ "$OUT" = "没有对话包含“zzqqxx”。" ]
zh log show 999
expect_rc 2 "an unknown conversation in Chinese"
check "it says so in Chinese" err_has "没有对话 999（它从未存在或已被删除）"
run log show 999
expect_rc 2 "an unknown conversation in English"
zh log show abc
check "a bad ID is explained in Chinese" err_has "'abc' 不是对话编号"
zh log frob
expect_rc 2 "an unknown log command in Chinese"
check "it names the commands in Chinese" err_has "未知命令 'log frob'"

# ---- the notices of a one-shot answer ----------------------------------------------------
zh_ask ok "what dose of ibuprofen"
expect_rc 0 "a medical prompt in Chinese"
check "the general notice is Chinese on stderr" err_has "$GENERAL_ZH"
check "the medical notice is Chinese on stderr" err_has "$MEDICAL_ZH"
check "no English notice is left" sh -c "! grep -q 'AI answers\|Not medical advice' '$T/err'"
check "the store records the plain texts" \
	has "$(sql "SELECT disclaimers FROM messages WHERE role = 'assistant' ORDER BY id DESC LIMIT 1")" '"text":"Not medical advice'
zh_ask ok --json "what dose of ibuprofen"
check "--json keeps the ids, clauses and plain texts" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))["disclaimers"]
assert [x["id"] for x in d] == ["general", "medical"], d
assert d[1]["clause"] == "III.4(f)(i)" and d[1]["text"].startswith("Not medical advice"), d' "$T/out"
ask ok "what dose of ibuprofen"
check "C.UTF-8 shows the notices in English" sh -c "grep -q 'AI answers can be wrong' '$T/err' && grep -q 'Not medical advice' '$T/err'"
zh_ask length "写一首诗"
check "an end notice is Chinese" err_has "回答因达到长度上限而停止：内容不完整。"

# A user's rules: without translations the text is shown; text.zh serves zh_CN.
cat >"$T/rules.ini" <<'INI'
[general]
clause = III.4
text = Custom general words.

[pets]
clause = III.4(f)
text = Pets words.
text.zh = 宠物提示。
keywords = 猫
INI
export CONFAB_DISCLAIMERS_FILE="$T/rules.ini"
zh_ask ok "小猫"
check "a section without translations falls back to its text" err_has "Custom general words."
check "text.zh serves a zh_CN UI" err_has "宠物提示。"
ask ok "小猫"
check "... and C.UTF-8 gets the plain text" err_has "Pets words."
printf '[general]\nclause = III.4\n\n[medical]\ntext = oops\n' >"$T/broken.ini"
export CONFAB_DISCLAIMERS_FILE="$T/broken.ini"
zh_ask ok "$PROMPT"
check "a broken rules file: the line is named in Chinese" err_has "第 1 行：[general] 缺少 text"
check "the built-in general notice is Chinese too" err_has "$GENERAL_ZH"
unset CONFAB_DISCLAIMERS_FILE

# ---- store errors: the same exit codes, in Chinese ----------------------------------------
cp "$DB" "$T/good.db"
rm -f "$DB" "$DB-wal" "$DB-shm"
sqlite3 "$DB" "CREATE TABLE notes (x TEXT);"
zh log list
expect_rc 2 "another program's database in Chinese"
check "it says so in Chinese" err_has "是其他程序的数据库，不是 confab 的；已保持原样"
run log list
expect_rc 2 "another program's database in English"
check "... and in English under C.UTF-8" err_has "another program's database"
rm -f "$DB"
printf 'this is not a database at all, only some text that fills the header\n%.0s' 1 2 3 >"$DB"
zh log list
expect_rc 2 "a file that is no database, in Chinese"
check "it says it is not confab's database, in Chinese" err_has "不是 confab 的数据库"
rm -f "$DB"
mkdir "$DB"
zh log list
expect_rc 2 "a directory at the store's path, in Chinese"
check "it says it is not a regular file, in Chinese" err_has "不是普通文件；已保持原样"
rmdir "$DB"
cp "$T/good.db" "$DB"

# ---- on a terminal: log list at 80 columns ---------------------------------------------------
ENVS="env XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_DATA_HOME=$XDG_DATA_HOME HOME=$HOME CONFAB_DATADIR=$CONFAB_DATADIR CONFAB_LOCALEDIR=$CONFAB_LOCALEDIR LC_ALL=zh_CN.UTF-8 TERM=xterm-256color"
tmux_start list80 "$ENVS $CONFAB log list"
wait_for list80 "[exit 0]" >/dev/null
check "log list on an 80-column terminal is Chinese" has "$(screen list80)" "开始时间（UTC）"
screen list80 >"$T/screen80"
check "no line of it is wider than the terminal" python3 -c '
import sys, unicodedata
cols = int(sys.argv[2])
w = lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
sys.exit(0 if all(w(l) <= cols for l in open(sys.argv[1], encoding="utf-8").read().splitlines()) else 1)' \
	"$T/screen80" "$(tm list80 display-message -p '#{window_width}')"

done_testing
