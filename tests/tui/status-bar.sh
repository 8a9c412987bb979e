#!/bin/sh
# The chat screen's top bar at 80 and 40 columns, in English and in Chinese:
# on a narrow terminal, or beside a note or an error, the left side gives up
# its least useful parts (the port, the token count, digits of the Terms
# version, the server, the word "accepted") and what it shows is whole.
. "$TOP_SRCDIR/tests/cli/lib.sh"

start_server
accept_terms
H=$(short_hash "$TERMS")
H7=$(printf '%.7s' "$H")

# ui NAME LOCALE COLS ARGS: the chat screen at COLS x 12.
ui() {
	_un=$1 _ul=$2 _uc=$3
	shift 3
	TMUX_COLS=$_uc TMUX_ROWS=12 tmux_start "$_un" "env XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_DATA_HOME=$XDG_DATA_HOME XDG_STATE_HOME=$XDG_STATE_HOME CONFAB_DATADIR=$CONFAB_DATADIR CONFAB_LOCALEDIR=$CONFAB_LOCALEDIR HOME=$HOME LC_ALL=$_ul TERM=xterm-256color $CONFAB $*"
}
# top NAME: the top row, without the blanks around it.
top() { tm "$1" capture-pane -p | head -n 1 | sed 's/^ *//; s/ *$//'; }
# top_is NAME TEXT: wait until the top row is TEXT.
top_is() {
	wait_until sh -c "[ \"\$(tmux -L confab$$-$1 capture-pane -p | head -n 1 | sed 's/^ *//; s/ *\$//')\" = \"\$0\" ]" "$2" ||
		{ diag "the top row was: $(top "$1")"; return 1; }
}

for lang in en zh; do
	if [ $lang = en ]; then
		L=C.UTF-8 SEND="Enter send" ACC="Terms accepted" TERMSW="Terms" TOK="tokens" ANS="answering" BUSY="qwen-plus"
	else
		L=zh_CN.UTF-8 SEND="Enter 发送" ACC="已接受条款" TERMSW="条款" TOK="词元" ANS="回答中" BUSY="qwen-plus | 条款 $H7"
	fi
	ui ${lang}80 $L 80 --base-url "$BASE/s/say/v1"
	wait_for ${lang}80 "$SEND" >/dev/null
	check "$lang 80: the top bar has model, server, Terms and tokens" \
		top_is ${lang}80 "qwen-plus | 127.0.0.1:$PORT | $ACC $H | 0 $TOK"

	ui ${lang}40 $L 40 --base-url "$BASE/s/say/v1"
	wait_for ${lang}40 "$SEND" >/dev/null
	check "$lang 40: the top bar gives up the server and the tokens, the Terms version is short" \
		top_is ${lang}40 "qwen-plus | $ACC $H7"
	tmux_keys ${lang}40 C-d
	wait_for ${lang}40 "[exit 0]" >/dev/null

	ui ${lang}m $L 40 --model qwen2.5-72b-instruct --base-url "$BASE/s/say/v1"
	wait_for ${lang}m "$SEND" >/dev/null
	check "$lang 40: a long model name keeps the Terms version whole" \
		top_is ${lang}m "qwen2.5-72b-instruct | $TERMSW $H7"
	tmux_keys ${lang}m C-d

	ui ${lang}x $L 40 --model qwen2.5-72b-instruct-with-a-very-long-name --base-url "$BASE/s/say/v1"
	wait_for ${lang}x "$SEND" >/dev/null
	check "$lang 40: a model name too long for the bar is shortened, alone" \
		top_is ${lang}x "qwen2.5-72b-instruct-with-a-very-l..."
	tmux_keys ${lang}x C-d

	# While an answer streams, the spinner shows beside the parts that fit.
	ui ${lang}s $L 40 --base-url "$BASE/s/stall/v1"
	wait_for ${lang}s "$SEND" >/dev/null
	tmux_keys ${lang}s "hi" Enter
	check "$lang 40: while answering, the bar has the parts that fit beside the spinner, whole" \
		wait_until sh -c "tmux -L confab$$-${lang}s capture-pane -p | head -n 1 | grep -Eq '^ $BUSY +$ANS [|/\\\\-]\$'"
	tmux_keys ${lang}s Escape

	# An error: the model stays whole beside the start of the error (a wide character
	# that does not fit leaves its column as a fourth blank).
	ui ${lang}e $L 40 --base-url "$BASE/s/401/v1"
	wait_for ${lang}e "$SEND" >/dev/null
	tmux_keys ${lang}e "hi" Enter
	check "$lang 40: beside an error, the bar keeps the model whole" \
		wait_until sh -c "tmux -L confab$$-${lang}e capture-pane -p | head -n 1 | grep -Eq '^ qwen-plus {3,4}[^ ].*\\.\\.\\.\$'"
	check "$lang 40: the whole error is in the transcript" has "$(tm ${lang}e capture-pane -p | tr '\n' ' ')" "401"
done
done_testing
