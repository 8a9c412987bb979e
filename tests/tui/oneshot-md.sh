#!/bin/sh
# One-shot mode on a terminal renders the answer as Markdown (bold, headings, lists, code in
# colour); piped, the bytes stay exactly the answer's; NO_COLOR keeps the layout, no escapes.
. "$TOP_SRCDIR/tests/cli/lib.sh"

if [ ! -r /usr/share/nano/c.nanorc ]; then
	echo "Bail out! nano's syntax files are not installed (.ci/deps.sh installs nano)"
	exit 1
fi
start_server
accept_terms
ENVS="env XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_DATA_HOME=$XDG_DATA_HOME XDG_STATE_HOME=$XDG_STATE_HOME CONFAB_DATADIR=$CONFAB_DATADIR HOME=$HOME LC_ALL=C.UTF-8 TERM=xterm-256color"
ESC=$(printf '\033')
P="$T/prompt"
# The echo server answers "Hello! You said: " and the prompt.
printf 'x\n\n# Title here\n\nSome **bold words** and `code`.\n\n- item one\n- item two\n\n```c\nint x = f("s"); // note\n```\n' >"$P"
pane() { tm "$1" capture-pane -p -e -S -; }
row() { pane "$1" | grep -F "$2" | head -n 1; }
# sgr_before ROW TEXT: the escape sequences just before TEXT on ROW.
sgr_before() {
	_m=$(printf '%s\n' "$1" | grep -oE "(${ESC}\[[0-9;]*m)+$2" | head -n 1)
	printf '%s' "${_m%"$2"}"
}
has_bold() { printf '%s\n' "$1" | grep -Eq "\[([0-9;]*;)?1(;[0-9;]*)?m"; }
has_fg() { printf '%s\n' "$1" | grep -Eq "\[([0-9;]*;)?(3[0-7]|9[0-7])(;[0-9;]*)?m"; }

name=omd-color
tmux_start "$name" "$ENVS $CONFAB --base-url $BASE/s/ok/v1 \"\$(cat $P)\""
if wait_for "$name" "[exit 0]"; then
	check "a heading shows bold, without its hashes" \
		has_bold "$(sgr_before "$(row "$name" "Title here")" "Title here")"
	check "bold text shows bold" has_bold "$(sgr_before "$(row "$name" "bold words")" "bold words")"
	check "the asterisks are gone" [ -z "$(screen "$name" | grep -F '**bold')" ]
	check "list items get bullets" has "$(screen "$name")" "• item two"
	check "a code keyword is coloured" has_fg "$(sgr_before "$(row "$name" "// note")" int)"
	check "a code comment is coloured" has_fg "$(sgr_before "$(row "$name" "// note")" "// note")"
else
	not_ok "one-shot on a terminal answers"
fi

name=omd-nocolor
tmux_start "$name" "$ENVS NO_COLOR=1 $CONFAB --base-url $BASE/s/ok/v1 \"\$(cat $P)\""
if wait_for "$name" "[exit 0]"; then
	check "NO_COLOR: no escape on the heading" \
		[ -z "$(sgr_before "$(row "$name" "Title here")" "Title here")" ]
	check "NO_COLOR: no escape in code" [ -z "$(sgr_before "$(row "$name" "// note")" int)" ]
	check "NO_COLOR: bullets stay" has "$(screen "$name")" "• item two"
	check "NO_COLOR: the asterisks still go" [ -z "$(screen "$name" | grep -F '**bold')" ]
else
	not_ok "NO_COLOR: one-shot on a terminal answers"
fi

name=omd-raw
tmux_start "$name" "$ENVS $CONFAB --raw --base-url $BASE/s/ok/v1 \"\$(cat $P)\""
if wait_for "$name" "[exit 0]"; then
	check "--raw on a terminal: the Markdown as it came" has "$(screen "$name")" "Some **bold words**"
else
	not_ok "--raw on a terminal answers"
fi

expected ok "$(cat "$P")" >"$T/want"
"$CONFAB" --base-url "$BASE/s/ok/v1" "$(cat "$P")" >"$T/got" 2>/dev/null
check "piped: the exact bytes of the answer" same_bytes "$T/want" "$T/got"

done_testing
