#!/bin/sh
# CJK, emoji sequences and locales in the full-screen UI and line mode (issue 13),
# at 80x24 and 40x12. What confab draws is compared with what the terminal
# itself reports: tmux's own cursor position and the columns it gives text.
. "$TOP_SRCDIR/tests/cli/lib.sh"

start_server
accept_terms
ENVU="env XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_DATA_HOME=$XDG_DATA_HOME XDG_STATE_HOME=$XDG_STATE_HOME CONFAB_DATADIR=$CONFAB_DATADIR HOME=$HOME TERM=xterm-256color"
ENVS="$ENVU LC_ALL=C.UTF-8"
chats() { _c=$(grep -c chat/completions "$T/requests.log" 2>/dev/null); echo "${_c:-0}"; }
last_content() {
	grep chat/completions "$T/requests.log" | tail -n 1 |
		python3 -c 'import json,sys; r=json.loads(sys.stdin.read()); sys.stdout.write(r["body"]["messages"][-1]["content"])'
}
cursor() { tm "$1" display -p '#{cursor_x} #{cursor_y}'; }
# row NAME N: screen row N (from 0) of the visible pane, trailing blanks gone.
row() { tm "$1" capture-pane -p | sed -n "$(($2 + 1))p" | sed 's/ *$//'; }
row_is() { [ "$(row "$1" "$2")" = "$3" ]; }

# tw TEXT: the columns the terminal (tmux, a 200-column pane) gives TEXT.
tm cjkw -f /dev/null new-session -d -x 200 -y 5 "sleep 600"
_tmux_servers="$_tmux_servers cjkw"
tw() {
	printf '%s' "$1" >"$T/tw.txt"
	tm cjkw respawn-pane -k "printf '\\033[H\\033[2J'; cat '$T/tw.txt'; tmux -L confab$$-cjkw wait-for -S tw; sleep 600"
	tm cjkw wait-for tw
	tm cjkw display -p '#{cursor_x}'
}
# paste NAME TEXT: a bracketed paste, then Enter.
paste() {
	tm "$1" set-buffer "$2"
	tm "$1" paste-buffer -p
	tmux_keys "$1" Enter
}
# bars_aligned NAME: every table row on the screen has its "│" at one column,
# as the terminal counts columns, and no row is wider than the pane.
bars_aligned() {
	_cols=$(tm "$1" display -p '#{pane_width}')
	_want=
	_rows=0
	_file="$T/bars.txt"
	tm "$1" capture-pane -p | grep '│' >"$_file"
	while IFS= read -r _l; do
		_pre=${_l%%│*}
		_c=$(tw "$_pre")
		_w=$(tw "$(printf '%s' "$_l" | sed 's/ *$//')")
		[ "$_w" -le "$_cols" ] || { diag "too wide ($_w): $_l"; return 1; }
		[ -z "$_want" ] && _want=$_c
		[ "$_c" = "$_want" ] || { diag "bar at $_c, not $_want: $_l"; return 1; }
		_rows=$((_rows + 1))
	done <"$_file"
	[ "$_rows" -ge 3 ]
}

# flags_whole NAME [You]: the flag shows (in your message: under "You"), never cut in two.
flags_whole() {
	tm "$1" capture-pane -p >"$T/flags"
	[ $# -lt 2 ] || grep -qx 'You' "$T/flags" || return 1
	grep -q '🇨🇳' "$T/flags" && ! grep '🇨' "$T/flags" | grep -qv '🇨🇳'
}

TABLE='| who | what |
|---|---|
| 👩‍💻 | coder 👨‍👩‍👧‍👦 family |
| 🏳️‍🌈 | flag 🇨🇳 here |
| 中文 | 注意：正文 ที่นี่ |'

for size in 80x24 40x12; do
	TMUX_COLS=${size%x*}
	TMUX_ROWS=${size#*x}
	export TMUX_COLS TMUX_ROWS
	s=t$TMUX_COLS

	# 2. A table of ZWJ sequences, flags, Thai and CJK: columns line up as the terminal draws them.
	tmux_start "$s" "$ENVS $CONFAB --base-url $BASE/s/say/v1"
	wait_for "$s" "Enter send" >/dev/null
	tmux_keys "$s" "/new" Enter
	paste "$s" "$TABLE"
	wait_for "$s" "here" >/dev/null
	wait_for "$s" "(Terms III.4)" >/dev/null
	check "$size: table rows with ZWJ emoji, flags and CJK line up as the terminal counts" bars_aligned "$s"
	check "$size: the ZWJ and flag sequences reach the screen whole" \
		sh -c "tmux -L confab$$-$s capture-pane -p | grep '│' | grep -q '👩‍💻'"

	# Your own message: a flag at the edge of a long word moves whole to the next line.
	_a=$(printf '%*s' $((TMUX_COLS - 1)) '' | tr ' ' a)
	tmux_keys "$s" "/new" Enter
	tmux_keys "$s" -l "$_a🇨🇳"
	tmux_keys "$s" Enter
	wait_for "$s" "(Terms III.4)" >/dev/null
	wait_until flags_whole "$s"
	tmux_keys "$s" PPage	# at 40x12 your message is above the answer
	check "$size: a flag in your message is never split across lines" wait_until flags_whole "$s" You
	tmux_keys "$s" End

	# A combining mark whose base ends in the last column is drawn.
	_e=$(printf '%*s' $((TMUX_COLS - 1)) '' | tr ' ' b)
	tmux_keys "$s" -l "$_e$(printf 'e\314\201')"
	tmux_keys "$s" Enter
	check "$size: a combining mark on the last column is drawn" \
		wait_until sh -c "tmux -L confab$$-$s capture-pane -p | grep -qx '$_e$(printf 'e\314\201')'"

	# 3. Thai, combining accents, jamo and VS16 typed into the input box are drawn,
	# and the cursor stands where the terminal put the text's end.
	tmux_keys "$s" -l "ที่นี่ é ❤️ 각"
	wait_for "$s" "> ที่นี่ é ❤️ 각" && ok "$size: Thai marks, accents, VS16 and jamo show in the input box" ||
		not_ok "$size: Thai marks, accents, VS16 and jamo show in the input box"
	set -- $(cursor "$s")
	check "$size: the input cursor is where the terminal ends the text" \
		[ "$1" = "$(tw "> ที่นี่ é ❤️ 각")" ]
	tmux_keys "$s" C-u
	tmux_keys "$s" C-d
	wait_for "$s" "[exit 0]" >/dev/null
done
unset TMUX_COLS TMUX_ROWS

# 1. A C locale (LANG unset, LC_ALL=C) on a UTF-8 terminal: CJK answers and typed
# CJK work in the UI and in line mode; nothing shows as "~A" garbage.
tmux_start loc "$ENVU LANG= LC_ALL=C $CONFAB --base-url $BASE/s/say/v1"
wait_for loc "Enter send" >/dev/null
tmux_keys loc -l "你好，世界"
tmux_keys loc Enter
wait_for loc "qwen-plus" >/dev/null
wait_for loc "(Terms III.4)" >/dev/null
check "C locale, UI: typed CJK is sent whole" [ "$(last_content)" = "你好，世界" ]
check "C locale, UI: the CJK answer shows as CJK" sh -c "[ \$(tmux -L confab$$-loc capture-pane -p | grep -c '^你好，世界') -ge 2 ]"
check "C locale, UI: no ~-garbage" sh -c "! tmux -L confab$$-loc capture-pane -p | grep -q '~'"
tmux_keys loc C-d
wait_for loc "[exit 0]" >/dev/null
tmux_start locl "$ENVU LANG= LC_ALL=C $CONFAB --plain --base-url $BASE/s/say/v1"
wait_for locl "> " >/dev/null
tmux_keys locl -l "剂量是多少"
tmux_keys locl Enter
wait_for locl "(Terms III.4" >/dev/null
check "C locale, line mode: typed CJK is sent whole" [ "$(last_content)" = "剂量是多少" ]
check "C locale, line mode: the answer shows as CJK" sh -c "[ \$(tmux -L confab$$-locl capture-pane -p | grep -c '剂量是多少') -ge 2 ]"
tmux_keys locl C-d
wait_for locl "[exit 0]" >/dev/null

# Line mode: a ZWJ sequence in an answer, the prompt after it where the terminal says.
tmux_start lz "$ENVS $CONFAB --plain --base-url $BASE/s/say/v1"
wait_for lz "> " >/dev/null
tmux_keys lz -l "👩‍💻🏳️‍🌈🇨🇳 end"
tmux_keys lz Enter
wait_for lz "(Terms III.4" >/dev/null
check "line mode: ZWJ sequences are shown whole" sh -c "tmux -L confab$$-lz capture-pane -p | grep -q '^👩‍💻🏳️‍🌈🇨🇳 end'"
tmux_keys lz C-d
wait_for lz "[exit 0]" >/dev/null

# 4. Emphasis next to full-width punctuation, and soft breaks inside Chinese.
tmux_start em "$ENVS $CONFAB --base-url $BASE/s/say/v1"
wait_for em "Enter send" >/dev/null
paste em "**注意：**正文

第一行
第二行"
wait_for em "(Terms III.4)" >/dev/null
check "CJK emphasis: '**注意：**正文' shows bold, without asterisks" \
	sh -c "tmux -L confab$$-em capture-pane -p | grep -qx '注意：正文'"
check "CJK emphasis: the bold part is drawn bold" \
	sh -c "tmux -L confab$$-em capture-pane -p -e | grep '注意：' | grep -q '\\[1m'"
check "a soft break inside Chinese is no space" \
	sh -c "tmux -L confab$$-em capture-pane -p | grep -qx '第一行第二行'"

# 5. Small ones.
n=$(chats)
tmux_keys em -l "　　"
tmux_keys em Enter
tmux_keys em -l "／help"
tmux_keys em Enter
wait_for em "/retry" && ok "'／help' (full-width slash) runs /help" || not_ok "'／help' (full-width slash) runs /help"
check "neither U+3000 blanks nor ／help were sent" [ "$(chats)" = "$n" ]

# A long CJK title in /history, and Backspace and the cursor in its search field.
tmux_keys em "/new" Enter
paste em "这是一个很长很长的中文问题，用来检查历史记录里的标题是否会在结尾出现问号或者乱码"
wait_for em "乱码" >/dev/null
idle() { [ "$(sql "SELECT count(*) FROM messages WHERE status = 'streaming'")" = 0 ] &&
	! has "$(row em 23)" "cancel"; }
wait_until idle
tmux_keys em "/history" Enter
wait_for em "conversations, newest first" >/dev/null
tm em capture-pane -p | grep '^ *[0-9][0-9]*  2[0-9-]*T[0-9:]* *[0-9][0-9]*  这是一个' >"$T/hist"
check "a long CJK title in /history is cut between characters, without '?'" \
	sh -c "[ -s '$T/hist' ] && ! grep -q '?' '$T/hist'"
tmux_keys em /
tmux_keys em -l "剂量"
tmux_keys em BSpace
check "Backspace in the /history search takes a whole character" wait_until row_is em 22 "search: 剂"
set -- $(cursor em)
check "the cursor is in the /history search field, after the text" \
	[ "$1 $2" = "$(tw "search: 剂") 22" ]
tmux_keys em Escape Escape
wait_for em "Enter send" >/dev/null

# The feedback dialog: full-width digits choose reasons; the cursor is in the comment field.
tmux_keys em M--
wait_for em "Type yes" >/dev/null
tmux_keys em "yes" Enter
wait_for em "Why?" >/dev/null
tmux_keys em -l "１"
wait_for em "[x] 1" && ok "a full-width digit chooses a reason" || not_ok "a full-width digit chooses a reason"
tmux_keys em Enter
wait_for em "Comment (optional):" >/dev/null
tmux_keys em -l "太长"
wait_for em "Comment (optional): 太长" >/dev/null
set -- $(cursor em)
check "the cursor is in the comment field, not on the hint bar" \
	[ "$1 $2" = "$(tw "Comment (optional): 太长") $(tm em capture-pane -p | grep -n 'Comment (optional)' | cut -d: -f1 | awk '{print $1 - 1}')" ]
tmux_keys em Enter
wait_for em "rated down" >/dev/null
tmux_keys em C-d
wait_for em "[exit 0]" >/dev/null

# log list pads a CJK model name by columns: the counts line up.
ask say --model "通义千问" "hi"
"$CONFAB" log list >"$T/list" 2>&1
# msgs_col LINE: the columns up to the end of the MSGS count.
msgs_col() {
	tw "$(printf '%s' "$1" | python3 -c 'import re,sys; print(re.match(r"^(\d+ +\S+ \S+  .+? +\d+)  ", sys.stdin.read()).group(1), end="")')"
}
qw=$(grep '通义千问' "$T/list" | head -n 1)
pl=$(grep 'qwen-plus' "$T/list" | head -n 1)
check "log list lines up the columns after a CJK model name" [ "$(msgs_col "$qw")" = "$(msgs_col "$pl")" ]

done_testing
