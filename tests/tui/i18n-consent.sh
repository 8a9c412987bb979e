#!/bin/sh
# The consent screens, the line-mode review and the ledger in a Chinese UI
# (LC_ALL=zh_CN.UTF-8), driven in tmux at 80x24 and 40x12 as a person would:
# the screens are in Chinese and fit, the summary says the English Terms
# govern, 是/同意 accept and 拒绝/不同意 decline, and the ledger records the
# word typed and the language of the screens. Then the English flow, and a
# store of schema 6 that migrates and still verifies.
. "$TOP_SRCDIR/tests/cli/lib.sh"

start_server
chats() {
	_c=$(grep -c chat/completions "$T/requests.log" 2>/dev/null)
	echo "${_c:-0}"
}
# fresh NAME: a store of its own for the next scenario.
fresh() {
	XDG_DATA_HOME="$T/data-$1"
	DB="$XDG_DATA_HOME/confab/confab.db"
	export XDG_DATA_HOME
}
# ui NAME LOCALE [ARGS]: the program on a tmux terminal (TMUX_COLS x TMUX_ROWS) in LOCALE.
ui() {
	_name=$1
	_loc=$2
	shift 2
	tmux_start "$_name" "env XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_DATA_HOME=$XDG_DATA_HOME" \
		"XDG_STATE_HOME=$XDG_STATE_HOME CONFAB_DATADIR=$CONFAB_DATADIR HOME=$HOME" \
		"CONFAB_LOCALEDIR=${CONFAB_LOCALEDIR:-$PWD/locale}" \
		"LC_ALL=$_loc TERM=xterm-256color $CONFAB --base-url $BASE/s/ok/v1 $*"
}
visible() { tm "$1" capture-pane -p; }
# joined NAME [all]: the visible screen (all: with what scrolled off) as one line without
# blanks, for text the screens wrap themselves (Chinese wraps between characters);
# has_text TEXT NEEDLE: TEXT has NEEDLE, blanks aside.
joined() {
	if [ "${2:-}" = all ]; then screen "$1"; else visible "$1"; fi | tr -d ' \n'
}
has_text() { has "$1" "$(printf '%s' "$2" | tr -d ' ')"; }
# typed: each ledger event as kind:typed:language.
typed() {
	sql "SELECT group_concat(kind || ':' || coalesce(typed, '-') || ':' || coalesce(language, '-'), ' ') FROM consent_events"
}
typed_is() { [ "$(typed 2>/dev/null)" = "$1" ]; }
# wait_typed EXPECTED: wait until typed reads EXPECTED; 1 on time-out.
wait_typed() { wait_until typed_is "$1"; }
chats_over() { [ "$(chats)" -gt "$1" ]; }
waits() { if wait_for "$1" "$2"; then ok "$3"; else not_ok "$3"; fi; }
# fits NAME: every line of the screen is as wide as the window or less (display columns,
# a Chinese character is two), and the screen has no more lines than the window.
fits() {
	_w=$(tm "$1" display -p '#{window_width}')
	_h=$(tm "$1" display -p '#{window_height}')
	visible "$1" | python3 -c '
import sys, unicodedata
w, h = int(sys.argv[1]), int(sys.argv[2])
lines = sys.stdin.read().split("\n")
if lines and lines[-1] == "":
    lines.pop()
bad = 0
for l in lines:
    n = sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l)
    if n > w:
        print("# too wide (%d > %d): %s" % (n, w, l)); bad = 1
if len(lines) > h:
    print("# %d lines > %d" % (len(lines), h)); bad = 1
sys.exit(bad)' "$_w" "$_h"
}
# english NAME: an English sentence of the consent screens left on the screen (printed), or none.
english() {
	visible "$1" | grep -o -E "Type yes|type agree|type decline|To accept|Version [0-9a-f]|last updated|more below|more above|Tab read|Tab text|Esc decline|Privacy Policy|is not an answer|Before confab|You are at least|accept the Terms" | head -n 1
}

# ---- 1. 80x24, Chinese: the summary, 是 and 同意, a prompt sent --------------------------
fresh a
ui a zh_CN.UTF-8
waits a "你是否已年满 18 周岁" "the age question is in Chinese"
S=$(visible a)
J=$(joined a)
check "the title is in Chinese" has "$S" "confab：接受服务条款后即可开始对话"
check "the key hints are in Chinese and whole" has "$S" "Tab 阅读全文   PgUp/PgDn 滚动   Esc 拒绝"
check "the version line is in Chinese" has "$S" "版本 "
check "the summary says the English Terms govern" has_text "$J" "以英文服务条款为准"
check "the age field names 是 and 否" has_text "$J" "请输入“是”或“否”（或 yes/no）："
check "the agree field names 同意 and 拒绝" has_text "$J" "接受请输入“同意”（或 agree），拒绝请输入“拒绝”（或 decline）："
check "the summary says it scrolls" has "$S" "下面还有：PgDn"
check "the summary fits 80x24" fits a
check "no English sentence is left on the summary ($(english a))" [ -z "$(english a)" ]
tmux_keys a NPage
wait_for a "隐私政策" >/dev/null
tmux_keys a NPage
wait_for a "全文（英文原文）" >/dev/null
J="$J $(joined a)"
check "the summary says the full text is the English original" has_text "$J" "全文为英文原文"
check "the points are in Chinese" has_text "$J" "你的账户和 API 密钥仅供你本人使用"
check "after scrolling it still fits" fits a
check "no English sentence after scrolling ($(english a))" [ -z "$(english a)" ]
tmux_keys a -l "也许"
tmux_keys a Enter
waits a "'也许' 不是有效的回答：请输入“是”或“否”" "an answer other than 是 or 否 asks again, in Chinese"
tmux_keys a -l "是"
tmux_keys a Enter
check "是 answers the age question" wait_typed "age:是:zh_CN"
check "the age answer is recorded as yes" [ "$(sql "SELECT age_answer FROM consent_events")" = yes ]
tmux_keys a -l "好的"
tmux_keys a Enter
waits a "'好的' 不是有效的回答" "at the agree field, 好的 is not an answer"
check "nothing is accepted yet" [ "$(typed)" = "age:是:zh_CN" ]
tmux_keys a -l "同意"
tmux_keys a Enter
check "同意 accepts: the ledger has typed 是 and 同意, language zh_CN" wait_typed "age:是:zh_CN accept:同意:zh_CN"
check "the method strings stay as they are" \
	[ "$(sql "SELECT group_concat(method, '|') FROM consent_events")" = "typed (full-screen)|typed 'agree' (full-screen)" ]
n=$(chats)
tmux_keys a "hello" Enter
check "a prompt after accepting reaches the server" wait_until chats_over "$n"
run terms status
expect_rc 0 "terms status after accepting in Chinese"
run terms verify
expect_rc 0 "the ledger with the new fields verifies"
run terms history
check "history shows the word typed and the language" out_has ", typed '同意', language zh_CN"
run terms history --json
check "history --json has typed and language" \
	has "$(printf '%s' "$OUT" | python3 -c 'import json,sys; e=json.load(sys.stdin)[-1]; print(e["typed"], e["language"])')" "同意 zh_CN"
tmux_keys a C-d
wait_for a "[exit 0]" >/dev/null

# ---- 2. 40x12, Chinese: it fits; full-width blanks are trimmed; 拒绝 declines -----------
fresh b
n=$(chats)
TMUX_COLS=40 TMUX_ROWS=12 ui b zh_CN.UTF-8
waits b "Tab 全文  PgDn 更多  Esc 拒绝" "at 40x12 the short key hints are in Chinese and whole"
S=$(visible b)
check "at 40x12 the short title is whole" has "$S" "confab：接受服务条款后开始"
check "the summary fits 40x12" fits b
check "no English sentence at 40x12 ($(english b))" [ -z "$(english b)" ]
tmux_keys b -l "　是 "
tmux_keys b Enter
check "a full-width blank around 是 does not matter; the word is recorded trimmed" wait_typed "age:是:zh_CN"
check "the answered age field shows 是" has_text "$(joined b)" "（或yes/no）：是"
check "with the agree field it still fits" fits b
tmux_keys b -l "拒绝"
tmux_keys b Enter
waits b "[exit 3]" "拒绝 declines (exit 3)"
check "the decline records typed 拒绝, language zh_CN" [ "$(typed)" = "age:是:zh_CN decline:拒绝:zh_CN" ]
check "the decline's detail keeps its form" [ "$(sql "SELECT detail FROM consent_events WHERE kind = 'decline'")" = "typed '拒绝'" ]
check "leaving says in Chinese that nothing was sent (wrapped at 40 columns)" has_text "$(joined b)" "未向模型发送任何内容"
check "no prompt reached the server" [ "$(chats)" = "$n" ]

# Esc at 40x12: the question is Chinese and fits.
fresh b2
TMUX_COLS=40 TMUX_ROWS=12 ui b2 zh_CN.UTF-8
wait_for b2 "Esc 拒绝" >/dev/null
tmux_keys b2 Escape
waits b2 "拒绝服务条款？不会发送任何内容。y/N" "Esc asks in Chinese whether to decline"
check "the question fits 40x12" fits b2
tmux_keys b2 n
waits b2 "未拒绝" "n does not decline"
check "nothing is recorded" [ "$(sql 'SELECT count(*) FROM consent_events')" = 0 ]

# The full-text viewer stays English (the Terms), its bars Chinese and whole at 40x12.
tmux_keys b2 Tab
waits b2 "i 章节  / 搜索  n N  q 返回" "the viewer's short key hints are Chinese and whole"
check "the viewer shows the English Terms" has "$(visible b2)" "Qwen Chat Terms of Service"
check "the viewer fits 40x12" fits b2
tmux_keys b2 i
waits b2 "服务条款章节" "the section index is Chinese"
check "the section index fits 40x12" fits b2
tmux_keys b2 Escape
tmux_keys b2 C-c
wait_for b2 "[exit" >/dev/null

# ---- 3. line mode (--plain), Chinese: 是 and 同意; then 不同意 declines ----------------
fresh c
ui c zh_CN.UTF-8 --plain
waits c "输入 'read' 立即阅读全文（英文原文），或按 Enter 继续：" "line mode asks in Chinese"
J=$(joined c all)
check "the line-mode summary says the English Terms govern" has_text "$J" "以英文服务条款为准"
check "and that the full text is the English original" has_text "$J" "全文为英文原文"
check "the line-mode summary is in Chinese" has_text "$J" "更新于 March 1, 2025，版本"
tmux_keys c Enter
waits c "请输入“是”或“否”（或 yes/no）：" "the age question names 是 and 否"
tmux_keys c -l "大概"
tmux_keys c Enter
waits c "请输入“是”或“否”（或 yes/no）。" "another answer asks again"
tmux_keys c -l " 是 "
tmux_keys c Enter
waits c "请输入“同意”或“拒绝”（或 agree/decline）：" "then it asks for 同意"
tmux_keys c -l "同意"
tmux_keys c Enter
waits c "已接受并记入你的同意记录" "同意 accepts in line mode"
check "the ledger has typed 是 and 同意, language zh_CN" wait_typed "age:是:zh_CN accept:同意:zh_CN"
check "the line-mode method strings stay as they are" \
	[ "$(sql "SELECT group_concat(method, '|') FROM consent_events")" = "typed (line mode)|typed 'agree' (line mode)" ]
n=$(chats)
tmux_keys c "hello" Enter
check "a prompt after accepting in line mode reaches the server" wait_until chats_over "$n"
tmux_keys c C-d
wait_for c "[exit 0]" >/dev/null

fresh c2
ui c2 zh_CN.UTF-8 --plain
wait_for c2 "或按 Enter 继续：" >/dev/null
tmux_keys c2 Enter
wait_for c2 "请输入“是”或“否”" >/dev/null
tmux_keys c2 -l "是"
tmux_keys c2 Enter
wait_for c2 "请输入“同意”或“拒绝”" >/dev/null
tmux_keys c2 -l "不同意"
tmux_keys c2 Enter
waits c2 "[exit 3]" "不同意 declines in line mode (exit 3)"
check "the decline records typed 不同意" [ "$(typed)" = "age:是:zh_CN decline:不同意:zh_CN" ]
check "it says in Chinese that it was declined" has "$(screen c2)" "已拒绝并记录"

# ---- 4. English (C.UTF-8): agree and yes; the Chinese words are not answers there ------
fresh e
ui e C.UTF-8
waits e "Are you at least 18 years old" "in C.UTF-8 the screens stay English"
check "the English summary has no note about a translation" sh -c "! tm e capture-pane -p | grep -q 'English original'"
tmux_keys e -l "是"
tmux_keys e Enter
waits e "is not an answer: type yes or no" "in English, 是 is not an answer (only yes and no are)"
tmux_keys e "yes" Enter "agree" Enter
check "the English flow records typed yes and agree, language en" wait_typed "age:yes:en accept:agree:en"
tmux_keys e C-d
wait_for e "[exit 0]" >/dev/null

# A flag-driven accept records the language and no word typed.
fresh f
accept_terms
check "terms accept --sha256 --adult: language en, typed NULL" [ "$(typed)" = "age:-:en accept:-:en" ]

# ---- 5. a store of schema 6 migrates to 7, and its ledger still verifies -------------
fresh g
accept_terms
run terms withdraw
# Make it a store as confab before schema 7 wrote it: the events without typed and
# language, hashed without them, the columns gone, user_version 6, the head file to match.
python3 - "$DB" "$XDG_DATA_HOME/confab/ledger-head" <<'EOF'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
cols = ["prev_hash", "kind", "terms_sha256", "terms_date", "method", "age_answer", "at", "os_user",
        "client_version", "shown_bytes", "total_bytes", "duration_ms", "viewer", "detail"]
rows = db.execute("SELECT id, %s, endpoint FROM consent_events ORDER BY id" % ", ".join(cols)).fetchall()
db.execute("DROP TRIGGER consent_events_no_update")
prev = "0" * 64
for r in rows:
    ev = dict(zip(cols, r[1:-1]))
    ev["prev_hash"] = prev
    h = b"confab-ledger-v1\n"
    for k, v in ev.items():
        if v is None or (isinstance(v, int) and v < 0):
            h += b"%s=-\n" % k.encode()
        elif isinstance(v, int):
            h += b"%s=%d\n" % (k.encode(), v)
        else:
            h += b"%s=%d:%s\n" % (k.encode(), len(v.encode()), v.encode())
    if r[-1] is not None:
        h += b"endpoint=%d:%s\n" % (len(r[-1].encode()), r[-1].encode())
    prev = hashlib.sha256(h).hexdigest()
    db.execute("UPDATE consent_events SET prev_hash = ?, hash = ? WHERE id = ?", (ev["prev_hash"], prev, r[0]))
db.execute("CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events"
           " BEGIN SELECT RAISE(ABORT, 'the consent ledger is append-only'); END")
db.execute("ALTER TABLE consent_events DROP COLUMN typed")
db.execute("ALTER TABLE consent_events DROP COLUMN language")
db.execute("DROP INDEX IF EXISTS messages_long")  # schema 8's; a schema-6 store has none
db.execute("PRAGMA user_version = 6")
db.commit()
open(sys.argv[2], "w").write("confab-ledger-head %d %s\n" % (rows[-1][0], prev))
EOF
check "the store is now of schema 6, without the new columns" \
	[ "$(sql 'PRAGMA user_version')|$(sql "SELECT count(*) FROM pragma_table_info('consent_events') WHERE name IN ('typed', 'language')")" = "6|0" ]
run terms verify
expect_rc 0 "the schema-6 ledger verifies (it migrates on opening)"
check "it is of the current schema now (8)" [ "$(sql 'PRAGMA user_version')" = 8 ]
check "the old events have no typed or language" [ "$(typed)" = "age:-:- accept:-:- withdraw:-:-" ]
ui g zh_CN.UTF-8
wait_for g "你是否已年满 18 周岁" >/dev/null
tmux_keys g -l "是"
tmux_keys g Enter
wait_typed "age:-:- accept:-:- withdraw:-:- age:是:zh_CN" || true
tmux_keys g -l "同意"
tmux_keys g Enter
check "new events on the migrated store record typed and language" \
	wait_typed "age:-:- accept:-:- withdraw:-:- age:是:zh_CN accept:同意:zh_CN"
tmux_keys g C-d
wait_for g "[exit 0]" >/dev/null
run terms verify
expect_rc 0 "old and new events verify together"
check "verify counts them all" out_has "5 event"

done_testing
