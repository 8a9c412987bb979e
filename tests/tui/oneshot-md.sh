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

# Terminal attacks in the answer, on a terminal: only confab's own SGR escapes reach it.
python3 - "$CONFAB" "$BASE/s/escapes/v1" >"$T/pty" <<'PY'
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "-q", "--base-url", sys.argv[2], "hi"])
out = b""
while True:
    try:
        d = os.read(fd, 65536)
    except OSError:
        break
    if not d:
        break
    out += d
os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
PY
unsafe() {
	python3 - "$T/pty" <<'PY'
import re, sys
s = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
rest = re.sub(r"\x1b\[[0-9;]*m", "", s)
bad = [c for c in rest if (ord(c) < 0x20 and c not in "\n\r\t") or 0x7f <= ord(c) < 0xa0 or
       0x202a <= ord(c) <= 0x202e or 0x2066 <= ord(c) <= 0x2069 or 0xe0000 <= ord(c) <= 0xe007f
       or c in "\u200e\u200f\u061c"]
print(len(bad), "^[]0;pwned-title" in rest)
PY
}
check "escapes: the answer arrived on the terminal" grep -q "pwned-title" "$T/pty"
check "escapes: nothing but SGR reaches the terminal" [ "$(unsafe | cut -d" " -f1)" = 0 ]
check "escapes: an escape shows as ^[" [ "$(unsafe | cut -d" " -f2)" = True ]

# On a 40-column terminal the usage line and the notice wrap between words.
name=omd-narrow
TMUX_COLS=40 TMUX_ROWS=12 tmux_start "$name" "$ENVS $CONFAB --base-url $BASE/s/ok/v1 hello"
if wait_for "$name" "[exit 0]"; then
	S=$(tm "$name" capture-pane -p)
	check "narrow: the notice breaks between words" has "$S" "out of context; check before you rely"
	check "narrow: the usage line breaks between words" has "$S" "completion tokens]"
	check "narrow: no word is cut in two" sh -c "! printf '%s\\n' \"\$1\" | grep -q '^ut of\\|^etion'" - "$S"
else
	not_ok "narrow: one-shot on a 40-column terminal answers"
fi

done_testing
