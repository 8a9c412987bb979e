#!/bin/sh
# The chat screen and line mode in Chinese (issue 13), at 80x24 and 40x12: the
# top bar, the key hints, /help, a slash command's error, the rating dialogs,
# /history and line mode come out in Chinese; nothing is wider than the pane,
# the hint bar's last hint is whole, and the cursor stands where the terminal
# (tmux) ends a Chinese label.
. "$TOP_SRCDIR/tests/cli/lib.sh"

start_server
accept_terms
ENVZ="env XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_DATA_HOME=$XDG_DATA_HOME XDG_STATE_HOME=$XDG_STATE_HOME CONFAB_DATADIR=$CONFAB_DATADIR CONFAB_LOCALEDIR=$CONFAB_LOCALEDIR HOME=$HOME LC_ALL=zh_CN.UTF-8 TERM=xterm-256color"

# row NAME N: screen row N (from 0) of the visible pane, trailing blanks gone.
row() { tm "$1" capture-pane -p | sed -n "$(($2 + 1))p" | sed 's/ *$//'; }
# last_row NAME: the bottom row of the pane, trailing blanks gone.
last_row() { tm "$1" capture-pane -p | tail -n 1 | sed 's/ *$//'; }
# fits NAME: no row of the pane is wider (in display columns) than the pane.
fits() {
	_cols=$(tm "$1" display -p '#{pane_width}')
	tm "$1" capture-pane -p | python3 -c '
import sys, unicodedata
cols = int(sys.argv[1])
bad = 0
for line in sys.stdin.read().split("\n"):
    w = sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
            for c in line.rstrip(" "))
    if w > cols:
        print("too wide (%d): %s" % (w, line)); bad = 1
sys.exit(bad)' "$_cols" >"$T/fits" || { diag "$(cat "$T/fits")"; return 1; }
}
# tw TEXT: the columns the terminal (tmux, a 200-column pane) gives TEXT.
tm cjkw -f /dev/null new-session -d -x 200 -y 5 "sleep 600"
_tmux_servers="$_tmux_servers cjkw"
tw() {
	printf '%s' "$1" >"$T/tw.txt"
	tm cjkw respawn-pane -k "printf '\\033[H\\033[2J'; cat '$T/tw.txt'; tmux -L confab$$-cjkw wait-for -S tw; sleep 600"
	tm cjkw wait-for tw
	tm cjkw display -p '#{cursor_x}'
}
# no_english NAME: none of the English sentences of the chat screen is left.
no_english() {
	_s=$(tm "$1" capture-pane -p)
	for _e in "Enter send" "Ctrl-D quit" "Terms accepted" "ask anything" "lists the commands" \
		"Keys:" "unknown command" "Why?" "Comment (optional)" "conversations" "search:" \
		"error" "You"; do
		case "$_s" in *"$_e"*) diag "English left: $_e"; return 1 ;; esac
	done
}

N=0
for size in 80x24 40x12; do
	TMUX_COLS=${size%x*}
	TMUX_ROWS=${size#*x}
	export TMUX_COLS TMUX_ROWS
	s=z$TMUX_COLS
	N=$((N + 1))

	# The chat screen: the top bar, the greeting and the key hints.
	tmux_start "$s" "$ENVZ $CONFAB --base-url $BASE/s/say/v1"
	wait_for "$s" "Enter 发送" && ok "$size: the key hints are Chinese" || not_ok "$size: the key hints are Chinese"
	wait_for "$s" "尽管提问；/help 列出所有命令" && ok "$size: the greeting is Chinese" ||
		not_ok "$size: the greeting is Chinese"
	# (at 40 columns the server's address leaves no room for all of it, as in English)
	check "$size: the top bar says the Terms are accepted, in Chinese" has "$(tm "$s" capture-pane -p | head -n 1)" "已接受"
	if [ "$TMUX_COLS" = 80 ]; then
		hint="Enter 发送  Alt-Enter 换行  PgUp/PgDn 滚动  Alt-+/- 评价  /help  Ctrl-D 退出"
	else
		hint="Enter 发送  /help  Ctrl-D 退出"
	fi
	check "$size: the hint bar holds the widest Chinese hints that fit, the last one whole" [ "$(last_row "$s")" = " $hint" ]
	check "$size: nothing on the chat screen is wider than the pane" fits "$s"
	check "$size: no English sentence is left on the chat screen" no_english "$s"

	# /help: the commands and the keys.
	tmux_keys "$s" "/help" Enter
	wait_for "$s" "Ctrl-D 退出。" && ok "$size: /help says the keys in Chinese" ||
		not_ok "$size: /help says the keys in Chinese"
	check "$size: /help is no wider than the pane" fits "$s"
	before=$(tm "$s" capture-pane -p)
	tmux_keys "$s" PPage
	wait_for "$s" "退出 confab" && ok "$size: /help lists the commands in Chinese" ||
		not_ok "$size: /help lists the commands in Chinese"
	check "$size: the start of the keys is Chinese" has "$before
$(tm "$s" capture-pane -p)" "按键：Enter 发送"
	check "$size: the note over the rule is Chinese" has "$(tm "$s" capture-pane -p)" " 下面还有：PgDn 或 End "
	check "$size: scrolled, nothing is wider than the pane" fits "$s"
	tmux_keys "$s" End

	# A slash command's error, under its Chinese label.
	tmux_keys "$s" "/new" Enter
	wait_for "$s" "新对话" >/dev/null
	tmux_keys "$s" "/nosuch" Enter
	wait_for "$s" "未知命令 '/nosuch'" && ok "$size: an unknown command is said in Chinese" ||
		not_ok "$size: an unknown command is said in Chinese"
	check "$size: the error has the Chinese label" sh -c "tmux -L confab$$-$s capture-pane -p | grep -qx '错误'"
	tmux_keys "$s" "/terms nonsense" Enter
	wait_for "$s" "用法：/terms [withdraw]" && ok "$size: a usage error is Chinese" || not_ok "$size: a usage error is Chinese"
	check "$size: no English sentence is left after the errors" no_english "$s"
	check "$size: the errors are no wider than the pane" fits "$s"

	# Rating: the notice is confirmed with 是, a thumbs-down asks why, the comment field.
	tmux_keys "$s" "问题$N" Enter
	wait_for "$s" "Alt-+/- 评价" >/dev/null
	wait_for "$s" "(条款 III.4)" >/dev/null
	tmux_keys "$s" M--
	if [ "$N" = 1 ]; then
		wait_for "$s" "输入“是”（或 yes）并按 Enter 确认" && ok "$size: the notice's question is Chinese" ||
			not_ok "$size: the notice's question is Chinese"
		check "$size: the notice is no wider than the pane" fits "$s"
		tmux_keys "$s" -l "是"
		tmux_keys "$s" Enter
		wait_for "$s" "原因？" >/dev/null
		check "$size: 是 confirms the notice, and the ledger records what was typed" [ \
			"$(sql "SELECT detail || ' ' || method FROM consent_events WHERE kind = 'feedback-notice' ORDER BY id DESC LIMIT 1")" = \
			"confirmed typed '是' (full-screen)" ]
	fi
	wait_for "$s" "原因？" && ok "$size: a thumbs-down asks why in Chinese" || not_ok "$size: a thumbs-down asks why in Chinese"
	if [ "$TMUX_COLS" = 80 ]; then
		hint="数字键选择原因  Enter：添加评论  Esc：跳过"
	else
		hint="数字选原因  Enter 评论  Esc 跳过"
	fi
	check "$size: the reasons' hint bar is whole" [ "$(last_row "$s")" = " $hint" ]
	check "$size: the rating screen is no wider than the pane" fits "$s"
	tmux_keys "$s" Enter
	wait_for "$s" "评论（可选）：" >/dev/null
	check "$size: the cursor is right after the Chinese label of the comment field" \
		wait_until sh -c "[ \"\$(tmux -L confab$$-$s display -p '#{cursor_x}')\" = $(tw "评论（可选）：") ]"
	tmux_keys "$s" -l "太长"
	check "$size: the cursor follows Chinese typed into the comment field" \
		wait_until sh -c "[ \"\$(tmux -L confab$$-$s display -p '#{cursor_x}')\" = $(tw "评论（可选）：太长") ]"
	tmux_keys "$s" Enter
	wait_for "$s" "已踩" && ok "$size: the rating is said in Chinese" || not_ok "$size: the rating is said in Chinese"
	check "$size: no English sentence is left after rating" no_english "$s"

	# /history: the title, the column headings, the hints, the search field.
	tmux_keys "$s" "/history" Enter
	wait_for "$s" "对话（最新的在前）" && ok "$size: /history's title is Chinese" || not_ok "$size: /history's title is Chinese"
	check "$size: /history's headings are Chinese, in the rows' columns" [ "$(row "$s" 1)" = " 编号  更新时间（UTC）   消息  标题" ]
	if [ "$TMUX_COLS" = 80 ]; then
		hint="Up/Down 选择  Enter 继续  / 搜索  Esc 返回"
	else
		hint="Enter 继续  / 搜索  Esc 返回"
	fi
	check "$size: /history's hint bar is whole" [ "$(last_row "$s")" = " $hint" ]
	check "$size: /history is no wider than the pane" fits "$s"
	tmux_keys "$s" /
	wait_for "$s" "搜索：" >/dev/null
	tmux_keys "$s" -l "问题"
	check "$size: the search cursor is right after the Chinese label and the query" \
		wait_until sh -c "[ \"\$(tmux -L confab$$-$s display -p '#{cursor_x}')\" = $(tw "搜索：问题") ]"
	tmux_keys "$s" Enter
	wait_for "$s" "包含“问题”的对话" && ok "$size: the search's title is Chinese" || not_ok "$size: the search's title is Chinese"
	check "$size: no English sentence is left on /history" no_english "$s"
	tmux_keys "$s" Escape
	wait_for "$s" "Enter 发送" >/dev/null

	# The /model picker: its title and key hints, whole.
	tmux_keys "$s" "/model" Enter
	wait_for "$s" "> qwen-plus" >/dev/null
	check "$size: the picker's title is Chinese and whole" [ "$(row "$s" 0)" = " 端点的模型" ]
	check "$size: the picker's key hints are Chinese and whole" [ "$(last_row "$s")" = " Up/Down 选择  Enter 使用  Esc 取消" ]
	check "$size: the picker is no wider than the pane" fits "$s"
	tmux_keys "$s" Escape
	wait_for "$s" "模型未更改" && ok "$size: leaving the picker is said in Chinese" ||
		not_ok "$size: leaving the picker is said in Chinese"

	# Ctrl-C once: the quit hint, whole.
	tmux_keys "$s" C-c
	hint="再按一次 Ctrl-C 退出，或继续输入"
	check "$size: the quit hint is Chinese and whole" wait_until sh -c "[ \"\$(tmux -L confab$$-$s capture-pane -p | tail -n 1 | sed 's/ *\$//')\" = ' $hint' ]"
	tmux_keys "$s" C-c
	wait_for "$s" "[exit 0]" >/dev/null
done
unset TMUX_COLS TMUX_ROWS

# A terminal too small for the chat screen says so in Chinese.
TMUX_COLS=20 TMUX_ROWS=5 tmux_start small "$ENVZ $CONFAB --base-url $BASE/s/say/v1"
wait_for small "终端太小" && ok "a terminal too small says so in Chinese" || not_ok "a terminal too small says so in Chinese"
check "the too-small message fits" fits small
tmux_keys small C-d
tmux_keys small C-d

# Line mode (--plain): the greeting, /help, an error, a notice.
tmux_start zl "$ENVZ $CONFAB --plain --base-url $BASE/s/say/v1"
wait_for zl "行模式" && ok "line mode: the greeting is Chinese" || not_ok "line mode: the greeting is Chinese"
tmux_keys zl "/help" Enter
wait_for zl "按键：Enter 发送" && ok "line mode: /help says the keys in Chinese" || not_ok "line mode: /help says the keys in Chinese"
check "line mode: /help lists the commands in Chinese" has "$(screen zl)" "开始新对话"
tmux_keys zl "/nosuch" Enter
wait_for zl "错误：未知命令 '/nosuch'" && ok "line mode: an error is Chinese" || not_ok "line mode: an error is Chinese"
tmux_keys zl "/copy code" Enter
wait_for zl "还没有可以复制的回答" && ok "line mode: /copy's error is Chinese" || not_ok "line mode: /copy's error is Chinese"
tmux_keys zl C-c
wait_for zl "再按一次 Ctrl-C 退出，或按 Ctrl-D" && ok "line mode: the quit note is Chinese" || not_ok "line mode: the quit note is Chinese"
check "line mode: no English sentence is left" sh -c "! tmux -L confab$$-zl capture-pane -p -S - | grep -E 'line mode|Keys:|unknown command|error:|press Ctrl-C'"
check "line mode: nothing is wider than the pane" fits zl
tmux_keys zl C-d
wait_for zl "[exit 0]" >/dev/null

# The English UI is unchanged in the C.UTF-8 locale.
tmux_start en "env XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_DATA_HOME=$XDG_DATA_HOME XDG_STATE_HOME=$XDG_STATE_HOME CONFAB_DATADIR=$CONFAB_DATADIR CONFAB_LOCALEDIR=$CONFAB_LOCALEDIR HOME=$HOME LC_ALL=C.UTF-8 TERM=xterm-256color $CONFAB --base-url $BASE/s/say/v1"
wait_for en "Enter send  Alt-Enter newline  PgUp/PgDn  Alt-+/- rate  /help  Ctrl-D quit" &&
	ok "C.UTF-8: the key hints stay English" || not_ok "C.UTF-8: the key hints stay English"
tmux_keys en C-d
wait_for en "[exit 0]" >/dev/null

# /terms withdraw: the y/N question's hint is Chinese; 否 keeps consent, 是 withdraws it.
withdrawals() { sql "SELECT count(*) FROM consent_events WHERE kind = 'withdraw'"; }
withdrawn() { [ "$(withdrawals)" = 1 ]; }
tmux_start wd "$ENVZ $CONFAB --base-url $BASE/s/say/v1"
wait_for wd "Enter 发送" >/dev/null
tmux_keys wd "/terms withdraw" Enter
wait_for wd "y 或“是”撤回同意  其他任意键保留同意" && ok "the withdraw question's hint is Chinese" ||
	not_ok "the withdraw question's hint is Chinese"
tmux_keys wd -l "否"
wait_for wd "Enter 发送" >/dev/null
check "否 keeps consent" [ "$(withdrawals)" = 0 ]
tmux_keys wd "/terms withdraw" Enter
wait_for wd "y 或“是”撤回同意" >/dev/null
tmux_keys wd -l "是"
check "是 withdraws consent" wait_until withdrawn

done_testing
