#!/bin/sh
# The full-screen chat, driven in tmux as a person would.
. "$TOP_SRCDIR/tests/cli/lib.sh"

start_server
ENVS="env XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_DATA_HOME=$XDG_DATA_HOME XDG_STATE_HOME=$XDG_STATE_HOME CONFAB_DATADIR=$CONFAB_DATADIR HOME=$HOME LC_ALL=C.UTF-8 TERM=xterm-256color"
chats() { _c=$(grep -c chat/completions "$T/requests.log" 2>/dev/null); echo "${_c:-0}"; }
last_request() {
	grep chat/completions "$T/requests.log" | tail -n 1 |
		python3 -c "import json,sys; r=json.loads(sys.stdin.read()); print($1)"
}
last_message() { sql "SELECT $1 FROM messages ORDER BY id DESC LIMIT 1"; }
# ui NAME SCENARIO [ARGS]: start the UI against a scenario.
ui() {
	_name=$1
	_scen=$2
	shift 2
	tmux_start "$_name" "$ENVS $CONFAB --base-url $BASE/s/$_scen/v1 $*"
}
pane_pid() { tm "$1" display -p '#{pane_pid}'; }

# Before acceptance, nothing can be sent: decline at once (Esc, then y).
ui c0 ok
wait_for c0 "Are you at least 18" && ok "first run opens the consent screens" || not_ok "first run opens the consent screens"
tmux_keys c0 Escape
wait_for c0 "Decline the Terms?" >/dev/null
tmux_keys c0 y
wait_for c0 "[exit 3]" && ok "Esc, then y, on the consent screen declines (exit 3)" || not_ok "Esc, then y, on the consent screen declines (exit 3)"
check "nothing reached the server before acceptance" [ "$(chats)" = 0 ]

# Accept on the consent screen, then chat.
ui c1 ok
wait_for c1 "Are you at least 18" >/dev/null
tmux_keys c1 "yes" Enter
tmux_keys c1 "agree" Enter
wait_for c1 "Enter send" && ok "after yes and agree the chat opens" || not_ok "after yes and agree the chat opens"
check "the status bar names model, host and the accepted Terms" has "$(screen c1)" "qwen-plus | 127.0.0.1:$PORT | Terms accepted"
tmux_keys c1 "Hello there" Enter
wait_for c1 "Hello! You said: Hello there" && ok "an answer streams into the transcript" || not_ok "an answer streams into the transcript"
wait_for c1 "| 40 tokens" >/dev/null
check "the reliance notice shows under the answer" has "$(screen c1)" "(Terms III.4)"
check "the exchange is stored complete" [ "$(last_message "status || ':' || content")" = "complete:Hello! You said: Hello there" ]

# Slash commands, completion, multi-line input, paste.
tmux_keys c1 "/mo" Tab
wait_for c1 "> /model" && ok "Tab completes a slash command" || not_ok "Tab completes a slash command"
tmux_keys c1 "qwen-max" Enter
wait_for c1 "model: qwen-max" && ok "/model switches the model" || not_ok "/model switches the model"
tmux_keys c1 "first line" M-Enter "second line" Enter
wait_for c1 "You said: first line" >/dev/null
check "Alt-Enter puts a newline in the prompt" [ "$(last_request 'repr(r["body"]["messages"][-1]["content"])')" = "'first line\\nsecond line'" ]
check "the new model is used" [ "$(last_request 'r["body"]["model"]')" = qwen-max ]
check "earlier turns are sent as history" [ "$(last_request 'len(r["body"]["messages"])')" = 3 ]
n=$(chats)
tm c1 set-buffer "pasted one
pasted two"
tm c1 paste-buffer -p
wait_for c1 "pasted two" >/dev/null
check "a bracketed paste with a newline sends nothing" [ "$(chats)" = "$n" ]
tmux_keys c1 Enter
wait_for c1 "You said: pasted one" && ok "the pasted text is sent with Enter" || not_ok "the pasted text is sent with Enter"
check "the paste kept its newline" [ "$(last_request 'repr(r["body"]["messages"][-1]["content"])')" = "'pasted one\\npasted two'" ]
tmux_keys c1 "what dose of ibuprofen is safe" Enter
wait_for c1 "You said: what dose of ibuprofen" >/dev/null
wait_for c1 "(Terms III.4(f)(i))" && ok "a medical prompt gets the marked medical notice" || not_ok "a medical prompt gets the marked medical notice"
check "the strong notice is marked" sh -c "tmux -L confab$$-c1 capture-pane -p | grep -q '^! '"
tmux_keys c1 "/help" Enter
wait_for c1 "/retry" && ok "/help lists the commands" || not_ok "/help lists the commands"
tmux_keys c1 "/nonsense" Enter
wait_for c1 "unknown command '/nonsense'" && ok "an unknown command is explained" || not_ok "an unknown command is explained"
tmux_keys c1 "/new" Enter
wait_for c1 "new conversation" >/dev/null
tmux_keys c1 "fresh" Enter
wait_for c1 "You said: fresh" >/dev/null
check "/new starts a new conversation" [ "$(last_request 'len(r["body"]["messages"])')" = 1 ]

# Ctrl-C on an empty idle input asks, a second one quits.
tmux_keys c1 C-c
wait_for c1 "press Ctrl-C again to quit" && ok "Ctrl-C at an empty prompt asks first" || not_ok "Ctrl-C at an empty prompt asks first"
tmux_keys c1 C-c
wait_for c1 "[exit 0]" && ok "a second Ctrl-C quits (exit 0)" || not_ok "a second Ctrl-C quits (exit 0)"
check "the terminal is back to normal after quitting" sh -c "tmux -L confab$$-c1 display -p '#{alternate_on}' | grep -qx 0"

# Cancel mid-answer keeps the partial answer.
ui c2 stall
wait_for c2 "Enter send" >/dev/null
tmux_keys c2 "Hello there" Enter
wait_for c2 "Hello!" >/dev/null
tmux_keys c2 Escape
wait_for c2 "[interrupted" && ok "Esc cancels an answer and marks it" || not_ok "Esc cancels an answer and marks it"
check "the partial answer stays on screen" has "$(screen c2)" "Hello!"
check "the partial answer is stored as interrupted" [ "$(last_message "status || ':' || content")" = "interrupted:Hello!" ]
tmux_keys c2 "still here" Enter
wait_for c2 "Hello!" >/dev/null
tmux_keys c2 C-c
wait_for c2 "[interrupted" >/dev/null
tmux_keys c2 C-d
wait_for c2 "[exit 0]" && ok "Ctrl-D quits" || not_ok "Ctrl-D quits"

# Errors appear in the transcript; the UI stays, the typed text is not lost.
ui c3 401
wait_for c3 "Enter send" >/dev/null
tmux_keys c3 "who am I" Enter
wait_for c3 "authentication failed" && ok "a 401 is shown in the transcript" || not_ok "a 401 is shown in the transcript"
tmux_keys c3 "typed after" Enter
wait_for c3 "typed after" && ok "the UI keeps going after an error" || not_ok "the UI keeps going after an error"

# Escape sequences in an answer are shown, never obeyed; the title stays.
TMUX_COLS=60 TMUX_ROWS=40 ui c4 escapes
title=$(tm c4 display -p '#{pane_title}')
wait_for c4 "Enter send" >/dev/null
tmux_keys c4 "attack" Enter
wait_for c4 "end of test." && ok "the escapes answer arrives" || not_ok "the escapes answer arrives"
S=$(screen c4)
check "an OSC title sequence is shown visibly" has "$S" "^[]0;pwned-title^G"
check "the pane title did not change" [ "$(tm c4 display -p '#{pane_title}')" = "$title" ]
check "the hyperlink text is visible" has "$S" "click me"
check "a bidi override is shown as its code point" has "$S" "<U+202E>"

# CJK wraps by display width without broken characters; resizing reflows.
TMUX_COLS=40 TMUX_ROWS=12 ui c5 cjk-split
wait_for c5 "Enter send" && ok "chat is usable at 40x12" || not_ok "chat is usable at 40x12"
check "the key hints fit 40 columns whole" [ "$(tm c5 capture-pane -p | tail -n 1)" = " Enter send  /help  Ctrl-D quit" ]
tmux_keys c5 "cjk" Enter
wait_for c5 "你好" && ok "CJK text arrives" || not_ok "CJK text arrives"
check "no replacement characters from split UTF-8" sh -c "! tmux -L confab$$-c5 capture-pane -p | grep -q '�'"
tm c5 resize-window -x 80 -y 24
wait_for c5 "Enter send  Alt-Enter newline  PgUp/PgDn  Alt-+/- rate  /help  Ctrl-D quit" && ok "resizing to 80x24 redraws" || not_ok "resizing to 80x24 redraws"
tm c5 resize-window -x 30 -y 10
wait_for c5 "terminal too small" && ok "below 40x12 it says the terminal is too small" || not_ok "below 40x12 it says the terminal is too small"
tm c5 resize-window -x 50 -y 14
wait_for c5 "你好" && ok "growing again brings the transcript back" || not_ok "growing again brings the transcript back"

# Reading above while an answer streams: the view stays put.
ui c6 big
wait_for c6 "Enter send" >/dev/null
tmux_keys c6 "long" Enter
wait_for c6 "line 000" >/dev/null
tmux_keys c6 PPage
wait_for c6 "more below" && ok "PgUp while streaming shows that more is below" || not_ok "PgUp while streaming shows that more is below"
top1=$(tm c6 capture-pane -p | sed -n 3p)	# after the PgUp was drawn, not racing it
sleep 0.5	# lines keep streaming in below; nothing on screen shows them while scrolled up
top2=$(tm c6 capture-pane -p | sed -n 3p)
check "new text does not yank the view back ($top1)" [ "$top1" = "$top2" ]
tmux_keys c6 End
tmux_keys c6 C-c

# SIGTERM restores the terminal.
ui c7 ok
wait_for c7 "Enter send" >/dev/null
kill -TERM "$(pgrep -P "$(pane_pid c7)" -x confab)" 2>/dev/null
wait_for c7 "[exit 143]" && ok "SIGTERM ends the UI with 143" || not_ok "SIGTERM ends the UI with 143"
check "the terminal is restored after SIGTERM" sh -c "tmux -L confab$$-c7 display -p '#{alternate_on}' | grep -qx 0"

# SIGHUP and a crash restore the terminal too.
ui c9 ok
wait_for c9 "Enter send" >/dev/null
kill -HUP "$(pgrep -P "$(pane_pid c9)" -x confab)" 2>/dev/null
wait_for c9 "[exit 129]" && ok "SIGHUP ends the UI with 129" || not_ok "SIGHUP ends the UI with 129"
check "the terminal is restored after SIGHUP" sh -c "tmux -L confab$$-c9 display -p '#{alternate_on}' | grep -qx 0"
ui c10 ok
wait_for c10 "Enter send" >/dev/null
kill -SEGV "$(pgrep -P "$(pane_pid c10)" -x confab)" 2>/dev/null
wait_for c10 "[exit 139]" && ok "a crash (SIGSEGV) still ends with the signal" || not_ok "a crash (SIGSEGV) still ends with the signal"
check "the terminal is restored after a crash" sh -c "tmux -L confab$$-c10 display -p '#{alternate_on}' | grep -qx 0"
check "a crash gives the terminal modes back (icanon echo)" sh -c \
	"stty -a -F '$(tm c10 display -p '#{pane_tty}')' | grep -q -- ' icanon.* echo '"

# /history: pick a past conversation, with search, and continue it.
ui c11 echo-json
wait_for c11 "Enter send" >/dev/null
tmux_keys c11 "/history" Enter
wait_for c11 "conversations, newest first" && ok "/history lists past conversations" || not_ok "/history lists past conversations"
tmux_keys c11 "/" "second line" Enter
wait_for c11 'conversations with "second line"' && ok "/history searches" || not_ok "/history searches"
tmux_keys c11 Enter
wait_for c11 "continuing conversation" && ok "Enter continues the chosen conversation" || not_ok "Enter continues the chosen conversation"
tmux_keys c11 "and more" Enter
wait_for c11 "You said" >/dev/null 2>&1 || wait_for c11 "and more" >/dev/null
sent_turn() { [ "$(last_request '"first line\nsecond line" in [m["content"] for m in r["body"]["messages"]]')" = True ]; }
check "the continued conversation's turns are sent" wait_until sent_turn
conv=$(sql "SELECT conversation_id FROM messages WHERE content = 'fresh'")
tmux_start c12 "$ENVS $CONFAB --conversation $conv --base-url $BASE/v1"
wait_for c12 "continuing conversation $conv" && ok "--conversation ID opens that conversation in the UI" || not_ok "--conversation ID opens that conversation in the UI"

# No key for a remote endpoint: the UI says how to set one.
tmux_start c8 "$ENVS $CONFAB --base-url https://dashscope-intl.aliyuncs.com/compatible-mode/v1"
wait_for c8 "DASHSCOPE_API_KEY" && ok "without a key the UI says how to set one" || not_ok "without a key the UI says how to set one"
wait_for c8 "local server" && ok "and reports the local servers it looked for" || not_ok "and reports the local servers it looked for"

done_testing
