#!/bin/sh
# Syntax highlighting of fenced code (nano's syntax files), in the UI and in line mode.
. "$TOP_SRCDIR/tests/cli/lib.sh"

if [ ! -r /usr/share/nano/c.nanorc ]; then
	echo "Bail out! nano's syntax files are not installed (.ci/deps.sh installs nano)"
	exit 1
fi
start_server
accept_terms
ENVS="env XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_DATA_HOME=$XDG_DATA_HOME XDG_STATE_HOME=$XDG_STATE_HOME CONFAB_DATADIR=$CONFAB_DATADIR HOME=$HOME LC_ALL=C.UTF-8 TERM=xterm-256color"
ESC=$(printf '\033')
# The echo server answers "Hello! You said: " and the prompt: a prompt of
# several lines (Alt-Enter) makes an answer with a C code block in it.
ask_code() {
	tmux_keys "$1" "Code:" M-Enter '```c' M-Enter "int x = f(\"s\"); // note" M-Enter \
		'```' M-Enter "done" Enter
}
# code_row NAME: the row showing the comment, with its escape sequences.
code_row() { tm "$1" capture-pane -p -e -S - | grep -F "// note" | grep -vF "Code:" | tail -n 1; }
# sgr_before ROW TEXT: the escape sequences just before TEXT on ROW.
sgr_before() {
	_m=$(printf '%s\n' "$1" | grep -oE "(${ESC}\[[0-9;]*m)+$2" | head -n 1)
	printf '%s' "${_m%"$2"}"
}
# has_fg SGR: a foreground colour code (30-37, 90-97, or 38;5;N) in the sequences.
has_fg() { printf '%s\n' "$1" | grep -Eq "\[([0-9;]*;)?(3[0-7]|9[0-7]|38;5;[0-9]+)(;[0-9;]*)?m"; }

no_fg() { ! has_fg "$1"; }

# The full-screen UI.
tmux_start hl-ui "$ENVS $CONFAB --base-url $BASE/v1"
wait_for hl-ui "Enter send" >/dev/null
ask_code hl-ui
wait_for hl-ui "You said: Code:" >/dev/null
wait_for hl-ui "(Terms III.4)" >/dev/null
ROW=$(code_row hl-ui)
check "UI: the keyword 'int' is coloured" has_fg "$(sgr_before "$ROW" int)"
check "UI: the comment is coloured" has_fg "$(sgr_before "$ROW" "// note")"
check "UI: the string is coloured" has_fg "$(sgr_before "$ROW" '"s"')"
check "UI: keyword and comment differ in colour" [ "$(sgr_before "$ROW" int)" != "$(sgr_before "$ROW" "// note")" ]

tmux_start hl-uinc "env NO_COLOR=1 $ENVS $CONFAB --base-url $BASE/v1"
wait_for hl-uinc "Enter send" >/dev/null
ask_code hl-uinc
wait_for hl-uinc "(Terms III.4)" >/dev/null
ROW=$(code_row hl-uinc)
check "UI with NO_COLOR: the code shows" has "$ROW" "int x = f"
check "UI with NO_COLOR: no colour on the code" no_fg "$ROW"

# Line mode.
tmux_start hl-line "$ENVS $CONFAB --plain --base-url $BASE/v1"
wait_for hl-line "/help lists the commands" >/dev/null
ask_code hl-line
wait_for hl-line "(Terms III.4)" >/dev/null
ROW=$(code_row hl-line)
check "line mode: the keyword 'int' is coloured" has_fg "$(sgr_before "$ROW" int)"
check "line mode: the comment is coloured" has_fg "$(sgr_before "$ROW" "// note")"
check "line mode: the string is coloured" has_fg "$(sgr_before "$ROW" '"s"')"
check "line mode: the text after the block has no colour" \
	no_fg "$(tm hl-line capture-pane -p -e -S - | grep -F done | tail -n 1)"

tmux_start hl-linenc "env NO_COLOR=1 $ENVS $CONFAB --plain --base-url $BASE/v1"
wait_for hl-linenc "/help lists the commands" >/dev/null
ask_code hl-linenc
wait_for hl-linenc "(Terms III.4)" >/dev/null
ROW=$(code_row hl-linenc)
check "line mode with NO_COLOR: the code shows as written" [ "$(printf '%s' "$ROW" | sed 's/ *$//')" = 'int x = f("s"); // note' ]

done_testing
