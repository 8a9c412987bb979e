#!/bin/sh
# A daily driver: /copy through OSC 52, $EDITOR for long prompts, the mouse
# setting, /help and the status bar, in the full-screen UI and in line mode.
. "$TOP_SRCDIR/tests/cli/lib.sh"

start_server
accept_terms
# The editor: keeps what it was given and the file's mode, then writes known text.
cat >"$T/editor" <<EOF
#!/bin/sh
cat "\$1" >"$T/given"
ls -l "\$1" | cut -c1-10 >"$T/mode"
printf 'edited line one\nedited line two\n' >"\$1"
EOF
chmod +x "$T/editor"
ENVS="env XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_DATA_HOME=$XDG_DATA_HOME XDG_STATE_HOME=$XDG_STATE_HOME CONFAB_DATADIR=$CONFAB_DATADIR HOME=$HOME LC_ALL=C.UTF-8 TERM=xterm-256color VISUAL= EDITOR=$T/editor"
chats() { _c=$(grep -c chat/completions "$T/requests.log" 2>/dev/null); echo "${_c:-0}"; }
last_content() {
	grep chat/completions "$T/requests.log" | tail -n 1 |
		python3 -c 'import json,sys; print(repr(json.loads(sys.stdin.read())["body"]["messages"][-1]["content"]))'
}
cut_short() { printf '%s\n' "$1" | grep -q '[^ ]\.\.\. *$'; }
clip() { tm "$1" show-buffer 2>/dev/null; }
# daily NAME ARGS: confab in a tmux server that takes OSC 52 (set-clipboard on).
daily() {
	_name=$1
	shift
	tmux_start "$_name" "$ENVS $*"
	tm "$_name" set-option -g set-clipboard on >/dev/null
}
# prompt_with_code NAME: a prompt whose echoed answer has two code blocks.
prompt_with_code() {
	tmux_keys "$1" "look" M-Enter '```' M-Enter "code one" M-Enter '```' M-Enter "and" \
		M-Enter '```sh' M-Enter "echo two" M-Enter '```' Enter
}
ANSWER='Hello! You said: look
```
code one
```
and
```sh
echo two
```'

# ---- the full-screen UI ----------------------------------------------------------
daily d1 "$CONFAB --base-url $BASE/v1"
wait_for d1 "Enter send" >/dev/null
tmux_keys d1 "/copy" Enter
wait_for d1 "there is no answer to copy yet" && ok "/copy before an answer says so" || not_ok "/copy before an answer says so"
prompt_with_code d1
wait_for d1 "echo two" >/dev/null
wait_for d1 "Ctrl-D quit" >/dev/null # the idle hints: the answer is done
tmux_keys d1 "/copy" Enter
wait_for d1 "copied the last answer (61 bytes)" && ok "/copy says what it copied and how many bytes" || not_ok "/copy says what it copied and how many bytes"
check "/copy puts the whole answer on the clipboard (tmux buffer)" [ "$(clip d1)" = "$ANSWER" ]
tmux_keys d1 "/copy code" Enter
wait_for d1 "copied code block 2 of 2 (8 bytes)" && ok "/copy code names the last code block" || not_ok "/copy code names the last code block"
check "/copy code copies the last code block, without fences or final newline" [ "$(clip d1)" = "echo two" ]
tmux_keys d1 "/copy code 1" Enter
wait_for d1 "copied code block 1 of 2 (8 bytes)" >/dev/null
check "/copy code 1 copies the first code block" [ "$(clip d1)" = "code one" ]
tmux_keys d1 "/copy code 3" Enter
wait_for d1 "has 2 code blocks; /copy code N takes 1 to 2" && ok "/copy code N past the last block says how many there are" || not_ok "/copy code N past the last block says how many there are"
tmux_keys d1 "/copy sideways" Enter
wait_for d1 "usage: /copy" && ok "/copy with a wrong argument shows its usage" || not_ok "/copy with a wrong argument shows its usage"
check "the key hints fit 80 columns" has "$(tm d1 capture-pane -p | tail -n 1)" "/help  Ctrl-D quit"
check "the mouse is not taken by default (drag selects)" [ "$(tm d1 display -p '#{mouse_any_flag}')" = 0 ]

# $EDITOR: Ctrl-X Ctrl-E puts the result in the input; nothing is sent.
n=$(chats)
tmux_keys d1 "draft to edit" C-x C-e
wait_for d1 "> edited line one" && ok "Ctrl-X Ctrl-E brings the editor's text into the input" || not_ok "Ctrl-X Ctrl-E brings the editor's text into the input"
check "the editor got the input" [ "$(cat "$T/given")" = "draft to edit" ]
check "the file to edit is 0600" [ "$(cat "$T/mode")" = "-rw-------" ]
check "the edited prompt is not sent by itself" [ "$(chats)" = "$n" ]
check "the status bar says how to send it" has "$(tm d1 capture-pane -p | head -n 1)" "edited: Enter sends it"
tmux_keys d1 Enter
wait_for d1 "You said: edited line one" && ok "Enter sends the edited prompt" || not_ok "Enter sends the edited prompt"
check "the edited prompt is sent with its lines" [ "$(last_content)" = "'edited line one\\nedited line two'" ]
wait_for d1 "Ctrl-D quit" >/dev/null # the idle hints: the answer is done
n=$(chats)
rm -f "$T/given"
tmux_keys d1 "/edit" Enter
wait_for d1 "> edited line one" && ok "/edit opens the editor and fills the input" || not_ok "/edit opens the editor and fills the input"
check "/edit starts from an empty file" [ -f "$T/given" -a ! -s "$T/given" ]
check "/edit sends nothing" [ "$(chats)" = "$n" ]
tmux_keys d1 C-c
tmux_keys d1 "/help" Enter
wait_for d1 "Ctrl-X Ctrl-E edits the" && ok "/help in the UI lists the keys" || not_ok "/help in the UI lists the keys"
check "/help lists /copy" has "$(screen d1)" "/copy [code [N]]"
# Every command's line fits 80 columns (the /edit line wrapped 'Ctrl-E)' alone).
check "/help's /edit line fits 80 columns" has "$(screen d1)" \
	'/edit [TEXT]          edit the prompt in $VISUAL or $EDITOR (or Ctrl-X Ctrl-E)'
check "/help does not speak of Shift-drag when the mouse is not taken" sh -c "! tmux -L confab$$-d1 capture-pane -p -S - | grep -q Shift"

# The mouse setting; an error at 80 columns keeps the status bar's fields.
daily d2 "CONFAB_MOUSE=yes $CONFAB --base-url $BASE/s/401/v1"
wait_for d2 "Enter send" >/dev/null
check "mouse = yes takes the mouse" [ "$(tm d2 display -p '#{mouse_any_flag}')" = 1 ]
tmux_keys d2 "/help" Enter
wait_for d2 "hold Shift while dragging to select text" && ok "/help says Shift-drag when the mouse is taken" || not_ok "/help says Shift-drag when the mouse is taken"
tmux_keys d2 "x" C-x C-e
wait_for d2 "> edited line one" >/dev/null
check "the mouse is taken again after the editor" [ "$(tm d2 display -p '#{mouse_any_flag}')" = 1 ]
tmux_keys d2 C-c
tmux_keys d2 "hi" Enter
wait_for d2 "[authentication failed" >/dev/null
top=$(tm d2 capture-pane -p | head -n 1)
check "an error keeps model, host and Terms in the status bar" has "$top" "qwen-plus | 127.0.0.1:$PORT | Terms $(short_hash "$TERMS")   auth"
check "the error is shortened beside them" cut_short "$top"

# The Terms viewer renders the Terms' Markdown.
tmux_keys d1 C-c
tmux_keys d1 "/terms" Enter
wait_for d1 "Qwen Chat Terms of Service: Preamble" >/dev/null
wait_for d1 "(“Terms”)" && ok "the Terms viewer shows bold text without its asterisks" || not_ok "the Terms viewer shows bold text without its asterisks"
check "no Markdown markup is left on the viewer's screen" sh -c "! tmux -L confab$$-d1 capture-pane -p | grep -q -e '\*\*' -e '\[Privacy Policy\]'"
check "link text stays" has "$(tm d1 capture-pane -p)" "our Privacy Policy"
tmux_keys d1 q
wait_for d1 "Enter send" >/dev/null

# Model output never sets the clipboard; /copy leaves its escapes out.
daily d3 "$CONFAB --base-url $BASE/s/escapes/v1"
wait_for d3 "Enter send" >/dev/null
tmux_keys d3 "attack" Enter
wait_for d3 "end of test." >/dev/null
wait_for d3 "Ctrl-D quit" >/dev/null # the idle hints: the answer is done
check "an OSC 52 in an answer does not reach the clipboard" [ -z "$(clip d3)" ]
tmux_keys d3 "/copy" Enter
wait_for d3 "bytes, without its escape sequences" && ok "/copy says it left the escapes out" || not_ok "/copy says it left the escapes out"
check "the copied answer has no escape or control character" sh -c "tmux -L confab$$-d3 show-buffer | python3 -c 'import sys; t = sys.stdin.buffer.read(); sys.exit(0 if b\"end of test.\" in t and not any(c < 32 and c not in (9, 10) or c == 127 for c in t) else 1)'"

# No editor while an answer arrives: it would stall behind it.
daily d4 "$CONFAB --base-url $BASE/s/stall/v1"
wait_for d4 "Enter send" >/dev/null
tmux_keys d4 "stall" Enter
wait_for d4 "Hello!" >/dev/null
rm -f "$T/given"
tmux_keys d4 "more" C-x C-e
wait_for d4 "wait for the answer, or stop it with Esc" && ok "Ctrl-X Ctrl-E while an answer arrives says to wait" || not_ok "Ctrl-X Ctrl-E while an answer arrives says to wait"
check "the editor did not run while an answer arrived" [ ! -e "$T/given" ]
tmux_keys d4 Escape
wait_for d4 "[interrupted" >/dev/null
tmux_keys d4 C-x C-e
wait_for d4 "> edited line one" && ok "after the answer stops, the editor opens" || not_ok "after the answer stops, the editor opens"
check "the editor got what was typed meanwhile" [ "$(cat "$T/given")" = "more" ]

# ---- line mode ---------------------------------------------------------------
daily l1 "$CONFAB --plain --base-url $BASE/v1"
wait_for l1 "Ctrl-D leaves" >/dev/null
tmux_keys l1 "/help" Enter
wait_for l1 "Ctrl-X Ctrl-E edits the line" >/dev/null
check "line mode's /help lists /copy and /edit" sh -c "tmux -L confab$$-l1 capture-pane -p -S - | grep -q '^/copy' && tmux -L confab$$-l1 capture-pane -p -S - | grep -q '^/edit'"
check "line mode's /help does not offer /history" sh -c "! tmux -L confab$$-l1 capture-pane -p -S - | grep -q '^/history'"
prompt_with_code l1
wait_for l1 "echo two" >/dev/null
wait_for l1 "(Terms III.4)" >/dev/null
tmux_keys l1 "/copy code" Enter
wait_for l1 "copied code block 2 of 2 (8 bytes)" && ok "/copy code in line mode" || not_ok "/copy code in line mode"
check "line mode's /copy code reaches the clipboard" [ "$(clip l1)" = "echo two" ]
tmux_keys l1 "/copy" Enter
wait_for l1 "copied the last answer (61 bytes)" >/dev/null
check "line mode's /copy copies the whole answer" [ "$(clip l1)" = "$ANSWER" ]
n=$(chats)
tmux_keys l1 "line draft" C-x C-e
wait_for l1 "edited line two" && ok "Ctrl-X Ctrl-E in line mode brings the text back" || not_ok "Ctrl-X Ctrl-E in line mode brings the text back"
check "line mode's editor got the line" [ "$(cat "$T/given")" = "line draft" ]
check "line mode does not run the edited line (readline would)" [ "$(chats)" = "$n" ]
tmux_keys l1 Enter
wait_for l1 "You said: edited line one" && ok "Enter sends the edited line" || not_ok "Enter sends the edited line"
check "the edited line is sent as edited" [ "$(last_content)" = "'edited line one\\nedited line two'" ]
wait_for l1 "(Terms III.4)" >/dev/null
n=$(chats)
tmux_keys l1 "/edit" Enter
wait_for l1 "edited: the prompt is on the input line" && ok "/edit in line mode" || not_ok "/edit in line mode"
check "line mode's /edit sends nothing" [ "$(chats)" = "$n" ]
check "the edited text waits on the input line" sh -c "tmux -L confab$$-l1 capture-pane -p | grep -q '^> edited line one'"

done_testing
