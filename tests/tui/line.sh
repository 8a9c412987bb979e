#!/bin/sh
# Line mode (confab --plain, or a terminal that cannot do full-screen), driven in tmux.
. "$TOP_SRCDIR/tests/cli/lib.sh"

start_server
ENVS="env XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_DATA_HOME=$XDG_DATA_HOME XDG_STATE_HOME=$XDG_STATE_HOME CONFAB_DATADIR=$CONFAB_DATADIR HOME=$HOME LC_ALL=C.UTF-8"
HIST="$XDG_STATE_HOME/confab/history"
chats() { _c=$(grep -c chat/completions "$T/requests.log" 2>/dev/null); echo "${_c:-0}"; }
last_request() {
	grep chat/completions "$T/requests.log" | tail -n 1 |
		python3 -c "import json,sys; r=json.loads(sys.stdin.read()); print($1)"
}
last_message() { sql "SELECT $1 FROM messages ORDER BY id DESC LIMIT 1"; }
# line NAME TERM SCENARIO [ARGS]: confab on a tmux terminal of type TERM.
line() {
	_name=$1
	_term=$2
	_scen=$3
	shift 3
	tmux_start "$_name" "$ENVS TERM=$_term $CONFAB --base-url $BASE/s/$_scen/v1 $*"
}
# cursor_line NAME: the line the cursor is on (trailing blanks go)
cursor_line() {
	tm "$1" capture-pane -p | sed -n "$(($(tm "$1" display -p '#{cursor_y}') + 1))p" |
		sed 's/ *$//'
}
# answered NAME TEXT: wait for TEXT, then for the answer to be complete in the store.
answered() {
	wait_for "$1" "$2" || return 1
	_i=0
	while [ "$(sql "SELECT count(*) FROM messages WHERE status = 'streaming'")" != 0 ] &&
		[ $_i -lt 100 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
}
# waits NAME TEXT DESC: one test that TEXT appears.
waits() { wait_for "$1" "$2" && ok "$3" || not_ok "$3"; }

# Not accepted yet: the review of 'confab terms review', then the chat.
line ln0 xterm-256color ok --plain
waits ln0 "or press Enter to go on:" "line mode starts with the review of the Terms"
tmux_keys ln0 Enter
wait_for ln0 "Type yes or no:" >/dev/null
tmux_keys ln0 "no" Enter
waits ln0 "[exit 3]" "under age declines (exit 3)"
check "nothing reached the server before acceptance" [ "$(chats)" = 0 ]
line ln1 xterm-256color ok --plain
wait_for ln1 "or press Enter to go on:" >/dev/null
tmux_keys ln1 Enter
wait_for ln1 "Type yes or no:" >/dev/null
tmux_keys ln1 "yes" Enter
wait_for ln1 "type agree" >/dev/null
tmux_keys ln1 "agree" Enter
waits ln1 "/help lists the commands" "after yes and agree the chat starts"
check "the acceptance is in the ledger" [ "$(sql "SELECT method FROM consent_events WHERE kind='accept'")" = "typed 'agree' (line mode)" ]
check "--plain on xterm stays off the alternate screen" sh -c "tmux -L confab$$-ln1 display -p '#{alternate_on}' | grep -qx 0"
tmux_keys ln1 "Hello there" Enter
answered ln1 "Hello! You said: Hello there" && ok "an answer prints under the prompt line" || not_ok "an answer prints under the prompt line"
check "the general reliance notice follows the answer" has "$(screen ln1)" "(Terms III.4)"
check "the exchange is stored complete" [ "$(last_message "status || ':' || content")" = "complete:Hello! You said: Hello there" ]

# History: Up recalls; secrets and space-prefixed lines stay out of the file.
tmux_keys ln1 Up
sleep 0.3
check "Up recalls the last prompt" [ "$(cursor_line ln1)" = "> Hello there" ]
tmux_keys ln1 C-u "my api_key is 12345" Enter
answered ln1 "You said: my api_key" >/dev/null
tmux_keys ln1 "sk-abcdefghijklmnopqrstuvwxyz0123" Enter
answered ln1 "You said: sk-abc" >/dev/null
tmux_keys ln1 " quiet please" Enter
answered ln1 "You said:  quiet please" >/dev/null
tmux_keys ln1 "first line" M-Enter "second line" Enter
answered ln1 "You said: first line" >/dev/null
check "Alt-Enter puts a newline in the prompt" [ "$(last_request 'repr(r["body"]["messages"][-1]["content"])')" = "'first line\\nsecond line'" ]
tmux_keys ln1 'one\' Enter "two" Enter
answered ln1 "You said: one" >/dev/null
check "a trailing backslash continues the prompt on a new line" [ "$(last_request 'repr(r["body"]["messages"][-1]["content"])')" = "'one\\ntwo'" ]
check "earlier turns are sent as history" [ "$(last_request 'len(r["body"]["messages"])')" = 11 ]
check "the history file is 0600" [ "$(stat -c %a "$HIST")" = 600 ]
check "its directory is 0700" [ "$(stat -c %a "$XDG_STATE_HOME/confab")" = 700 ]
check "the history file has the prompts" grep -q "^Hello there$" "$HIST"
check "but not a line with api_key" sh -c "! grep -q api_key '$HIST'"
check "nor one with an sk- key" sh -c "! grep -q sk-abc '$HIST'"
check "nor one starting with a space" sh -c "! grep -q 'quiet please' '$HIST'"
tmux_keys ln1 Up
sleep 0.3
check "a secret line is still recalled in the session" has "$(screen ln1)" "> sk-abcdefghijklmnopqrstuvwxyz0123"
tmux_keys ln1 C-c
sleep 0.3
check "Ctrl-C clears a line with text" [ "$(cursor_line ln1)" = ">" ]
tmux_keys ln1 "/help" Enter
waits ln1 "/retry" "/help lists the commands"
check "the shared table has /good and /bad" sh -c "tmux -L confab$$-ln1 capture-pane -p -S - | grep -q '^/bad'"
tmux_keys ln1 "/good" Enter
waits ln1 "Type yes to confirm" "the first /good shows the feedback notice (Terms IV)"
tmux_keys ln1 "yes" Enter
waits ln1 "rated up" "after yes, /good rates the last answer"
check "the rating is stored for the last answer" [ "$(sql "SELECT f.rating || ':' || m.content FROM feedback f JOIN messages m ON m.id = f.message_id")" = "1:Hello! You said: one
two" ]
tmux_keys ln1 "/bad wrong quote" Enter
waits ln1 "rated down" "/bad COMMENT changes it, without asking again"
check "the thumbs-down and its comment replace the rating" [ "$(sql "SELECT rating || ':' || comment FROM feedback")" = "-1:wrong quote" ]
check "the notice was confirmed once, in the ledger" [ "$(sql "SELECT count(*) FROM consent_events WHERE kind = 'feedback-notice'")" = 1 ]
tmux_keys ln1 "/nonsense" Enter
waits ln1 "unknown command '/nonsense'" "an unknown command is explained"
tmux_keys ln1 "/terms withdraw" Enter
waits ln1 "Withdraw your consent to the Terms? Nothing will be sent" "/terms withdraw asks first"
tmux_keys ln1 "n" Enter
waits ln1 "consent not withdrawn" "an answer other than y keeps the consent"
check "nothing is withdrawn" [ "$(sql "SELECT count(*) FROM consent_events WHERE kind = 'withdraw'")" = 0 ]
tmux_keys ln1 "/terms withdraw" Enter
sleep 0.3
tmux_keys ln1 "y" Enter
waits ln1 "consent withdrawn: nothing is sent" "y withdraws"
check "the withdrawal is recorded as confirmed" [ "$(sql "SELECT method FROM consent_events WHERE kind = 'withdraw'")" = "slash command /terms withdraw, confirmed" ]
accept_terms
tmux_keys ln1 C-c
waits ln1 "press Ctrl-C again to quit" "Ctrl-C at an empty prompt asks first"
tmux_keys ln1 C-c
waits ln1 "[exit 0]" "a second Ctrl-C quits (exit 0)"

# A new session reads the history file: a multi-line prompt comes back whole.
line ln2 xterm-256color ok --plain
wait_for ln2 "/help lists" >/dev/null
tmux_keys ln2 C-r "first"
waits ln2 "first line" "Ctrl-R finds an earlier prompt from the history file"
check "a multi-line prompt comes back whole" sh -c "tmux -L confab$$-ln2 capture-pane -p | grep -q '^second line$'"
tmux_keys ln2 C-g C-u C-d
waits ln2 "[exit 0]" "Ctrl-D at an empty prompt exits 0"

# Streaming above a half-typed prompt keeps what is typed.
line ln3 xterm-256color stall --plain
wait_for ln3 "/help lists" >/dev/null
tmux_keys ln3 "Hello there" Enter
wait_for ln3 "Hello!" >/dev/null
tmux_keys ln3 "half typed"
sleep 0.3
S=$(tm ln3 capture-pane -p)
check "the answer shows above the prompt" sh -c "printf '%s\n' \"\$1\" | grep -q '^Hello!$'" - "$S"
check "the half-typed text stays on the prompt line" [ "$(cursor_line ln3)" = "> half typed" ]
tmux_keys ln3 C-c
waits ln3 "[interrupted]" "Ctrl-C cancels the answer and marks it"
sleep 0.3
check "the typed text is still there after the cancel" [ "$(cursor_line ln3)" = "> half typed" ]
check "the partial answer is stored as interrupted" [ "$(last_message "status || ':' || content")" = "interrupted:Hello!" ]
check "the notice says the answer is incomplete" has "$(screen ln3)" "You stopped this answer"
tmux_keys ln3 Enter
waits ln3 "Hello!" "the kept text can be sent"
tmux_keys ln3 C-c
wait_for ln3 "[interrupted]" >/dev/null
tmux_keys ln3 C-d
waits ln3 "[exit 0]" "Ctrl-D exits after a cancelled answer"

# TERM=dumb falls back to line mode by itself.
line ln4 dumb ok
waits ln4 "line mode" "TERM=dumb starts line mode without --plain"
tmux_keys ln4 "dumb terminal" Enter
waits ln4 "Hello! You said: dumb terminal" "and chat works there"
tmux_keys ln4 C-d
waits ln4 "[exit 0]" "Ctrl-D leaves it (exit 0)"
line ln5 dumb stall
wait_for ln5 "line mode" >/dev/null
tmux_keys ln5 "Hello there" Enter
wait_for ln5 "Hello!" >/dev/null
tmux_keys ln5 "typing"
wait_for ln5 "> typing" >/dev/null
tmux_keys ln5 C-c
waits ln5 "[interrupted]" "on a dumb terminal too, Ctrl-C cancels"
check "and the typed text stays" [ "$(cursor_line ln5)" = "> typing" ]

# Escape sequences in an answer are shown, never obeyed.
line ln6 xterm-256color escapes --plain
title=$(tm ln6 display -p '#{pane_title}')
wait_for ln6 "/help lists" >/dev/null
tmux_keys ln6 "attack" Enter
waits ln6 "end of test." "the escapes answer arrives"
S=$(screen ln6)
check "an OSC title sequence is shown visibly" has "$S" "^[]0;pwned-title^G"
check "the pane title did not change" [ "$(tm ln6 display -p '#{pane_title}')" = "$title" ]
check "a bidi override is shown as its code point" has "$S" "<U+202E>"
check "the screen was not cleared" has "$S" "Terminal attack test."

# Markdown: bold without markers with colour, the text as it is without.
line ln7 xterm-256color ok --plain
wait_for ln7 "/help lists" >/dev/null
tmux_keys ln7 "a **strong** word" Enter
answered ln7 "You said: a " >/dev/null
check "with colour, **bold** shows bold without the stars" sh -c "tmux -L confab$$-ln7 capture-pane -p -e | grep -q 'You said: a .*1mstrong.* word'"
tmux_start ln8 "$ENVS TERM=xterm-256color NO_COLOR=1 $CONFAB --base-url $BASE/s/ok/v1 --plain"
wait_for ln8 "/help lists" >/dev/null
tmux_keys ln8 "a **strong** word" Enter
waits ln8 "You said: a **strong** word" "with NO_COLOR the stars stay"
check "and no escape codes are written" sh -c "! tmux -L confab$$-ln8 capture-pane -p -e | grep -q '1mstrong'"

# Reasoning is labelled without colour and kept out of the next request.
tmux_start ln9 "$ENVS TERM=xterm-256color NO_COLOR=1 $CONFAB --base-url $BASE/s/reasoning/v1 --plain"
wait_for ln9 "/help lists" >/dev/null
tmux_keys ln9 "think" Enter
waits ln9 "[answer]" "reasoning is labelled, then the answer"
check "the reasoning text is shown" has "$(screen ln9)" "Okay, the user sent a message."
wait_for ln9 "(Terms III.4)" >/dev/null	# the answer has ended (and is stored whole)

# -c continues the latest conversation.
line ln10 xterm-256color ok --plain -c
waits ln10 "continuing conversation" "-c says which conversation continues"
tmux_keys ln10 "and more" Enter
wait_for ln10 "You said: and more" >/dev/null
check "its turns are sent as history" [ "$(last_request 'len(r["body"]["messages"])')" -gt 1 ]

# --conversation ID continues that one; an unknown ID is said plainly.
first=$(sql "SELECT min(id) FROM conversations")
line ln11 xterm-256color ok --plain --conversation "$first"
waits ln11 "continuing conversation $first" "--conversation ID continues that conversation"
line ln12 xterm-256color ok --plain --conversation 99999
waits ln12 "99999" "an unknown conversation is named"

# More secrets stay out of the history file: upper case, live keys, token= and secret=.
line lsec xterm-256color ok --plain
wait_for lsec "/help lists" >/dev/null
for secret in "SK-ABCDEFGHIJKLMNOPQRSTUVWX" "pay with sk_live_abcdefghijklmnopqrstu" \
	"curl -H token=abc123def" "the secret=hunter2"; do
	tmux_keys lsec -- "$secret" Enter
	answered lsec "You said: $secret" >/dev/null
done
tmux_keys lsec "plain words" Enter
answered lsec "You said: plain words" >/dev/null
check "an ordinary prompt is kept in the history file" grep -q "^plain words$" "$HIST"
check "an upper-case SK- key is not" sh -c "! grep -q SK-ABCD '$HIST'"
check "nor an sk_live_ key" sh -c "! grep -q sk_live_ '$HIST'"
check "nor token=" sh -c "! grep -q token= '$HIST'"
check "nor secret=" sh -c "! grep -q secret= '$HIST'"
tmux_keys lsec C-d
wait_for lsec "[exit 0]" >/dev/null

# Signals through the loop's self-pipe: Ctrl-Z stops confab with the terminal given back,
# fg takes it again; Ctrl-\ is ignored. Under a shell with job control: a stop is
# discarded in the orphaned process group a pane's command runs in.
tmux_start lsig "env PS1='sh$ ' bash --norc --noprofile -i"
tmux_keys lsig "$ENVS TERM=xterm-256color $CONFAB --base-url $BASE/s/ok/v1 --plain" Enter
wait_for lsig "/help lists" >/dev/null
pid=$(pgrep -f -n -x "$CONFAB --base-url $BASE/s/ok/v1 --plain")
tmux_keys lsig C-z
wait_until sh -c "ps -o stat= -p $pid | grep -q T"
check "Ctrl-Z stops line mode" sh -c "ps -o stat= -p $pid | grep -q T"
tmux_keys lsig "fg" Enter
wait_until sh -c "! ps -o stat= -p $pid | grep -q T"
tmux_keys lsig 'C-\'
tmux_keys lsig "after the stop" Enter
answered lsig "You said: after the stop" && ok "after fg line mode reads and answers again" || not_ok "after fg line mode reads and answers again"
check "Ctrl-\\ did not end it" kill -0 "$pid"
tmux_keys lsig C-d
wait_until sh -c "! kill -0 $pid 2>/dev/null"

# A crash gives the terminal modes back and dies of its signal.
line lsig2 xterm-256color ok --plain
wait_for lsig2 "/help lists" >/dev/null
pid=$(pgrep -P "$(tm lsig2 display -p '#{pane_pid}')" -x confab)
tty=$(tm lsig2 display -p '#{pane_tty}')
check "readline has the terminal in raw mode (-icanon -echo)" sh -c "stty -a -F $tty | grep -q -- '-icanon.*-echo '"
kill -SEGV "$pid"
waits lsig2 "[exit 139]" "a crash dies of its signal (the crash guard re-raises it)"
check "the crash guard put the terminal modes back (icanon echo)" sh -c \
	"stty -a -F $tty | grep -q -- ' icanon.* echo '"

done_testing
