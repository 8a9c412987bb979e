#!/bin/sh
# Rating answers in the full-screen UI: the notice, thumbs, reasons, selection.
. "$TOP_SRCDIR/tests/cli/lib.sh"

start_server
accept_terms
ENVS="env XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_DATA_HOME=$XDG_DATA_HOME XDG_STATE_HOME=$XDG_STATE_HOME CONFAB_DATADIR=$CONFAB_DATADIR HOME=$HOME LC_ALL=C.UTF-8 TERM=xterm-256color"
ratings() { sql "SELECT group_concat(message_id || ':' || rating || ':' || coalesce(reasons, '') || ':' || coalesce(comment, ''), ' ') FROM (SELECT * FROM feedback ORDER BY message_id)"; }
answer_id() { sql "SELECT id FROM messages WHERE role = 'assistant' ORDER BY id LIMIT 1 OFFSET $1"; }

tmux_start f1 "$ENVS $CONFAB --base-url $BASE/v1"
wait_for f1 "Enter send" >/dev/null
tmux_keys f1 "first question" Enter
wait_for f1 "You said: first question" >/dev/null
wait_for f1 "Alt-+/- rate" >/dev/null
tmux_keys f1 M-+
wait_for f1 "what section IV of the Terms means" && ok "the first rating shows the section IV notice" || not_ok "the first rating shows the section IV notice"
check "the notice says feedback is not confidential" has "$(screen f1)" "not confidential"
tmux_keys f1 "no" Enter
wait_for f1 "nothing was stored" && ok "declining the notice stores nothing" || not_ok "declining the notice stores nothing"
check "no rating exists after declining" [ "$(sql 'SELECT count(*) FROM feedback')" = 0 ]
check "the declined notice is in the ledger" [ "$(sql "SELECT detail FROM consent_events WHERE kind = 'feedback-notice'")" = declined ]

tmux_keys f1 M-+
wait_for f1 "Type yes and Enter to confirm" >/dev/null
tmux_keys f1 "yes" Enter
wait_for f1 "rated up" && ok "after yes the rating is stored" || not_ok "after yes the rating is stored"
A1=$(answer_id 0)
check "the rating is in the store" [ "$(ratings)" = "$A1:1::" ]
check "a thumb shows beside the answer" has "$(screen f1)" "qwen-plus 👍"
check "the confirmation is in the ledger" [ "$(sql "SELECT detail FROM consent_events WHERE kind = 'feedback-notice' ORDER BY id DESC LIMIT 1")" = confirmed ]
tmux_keys f1 M-+
wait_for f1 "rating cleared" && ok "the same thumb again clears the rating" || not_ok "the same thumb again clears the rating"
check "the cleared rating is kept as 0" [ "$(ratings)" = "$A1:0::" ]

tmux_keys f1 M--
wait_for f1 "Why?" && ok "a thumbs-down asks for reasons" || not_ok "a thumbs-down asks for reasons"
tmux_keys f1 "1"
wait_for f1 "[x] 1" >/dev/null
tmux_keys f1 Enter
wait_for f1 "Comment (optional):" >/dev/null
tmux_keys f1 "made things up" Enter
wait_for f1 "rated down" >/dev/null
check "the reasons and the comment are stored" [ "$(ratings)" = "$A1:-1:$(sql "SELECT 'inaccurate'"):made things up" ]
check "a thumbs-down shows beside the answer" has "$(screen f1)" "qwen-plus 👎"

# Skipping the reasons is one key.
tmux_keys f1 "second question" Enter
wait_for f1 "You said: second question" >/dev/null
wait_for f1 "Alt-+/- rate" >/dev/null
tmux_keys f1 M--
wait_for f1 "Why?" >/dev/null
tmux_keys f1 Escape
wait_for f1 "Alt-+/- rate" && ok "Esc skips the reasons" || not_ok "Esc skips the reasons"
A2=$(answer_id 1)
check "the skipped thumbs-down is stored without reasons" [ "$(sql "SELECT rating || ':' || coalesce(reasons, '') FROM feedback WHERE message_id = $A2")" = "-1:" ]

# Select the earlier answer and rate it.
tmux_keys f1 M-Up
wait_for f1 "< selected" && ok "Alt-Up selects an earlier answer" || not_ok "Alt-Up selects an earlier answer"
tmux_keys f1 M-Up
tmux_keys f1 "+"
wait_for f1 "rated up" >/dev/null
check "the selected (first) answer got the rating" [ "$(sql "SELECT rating FROM feedback WHERE message_id = $A1")" = 1 ]
check "the latest answer kept its own" [ "$(sql "SELECT rating FROM feedback WHERE message_id = $A2")" = -1 ]
tmux_keys f1 Escape
unselected() { ! screen f1 | grep -q "< selected"; }
wait_until unselected

# /good with a comment rates the last answer.
tmux_keys f1 "/good clear and right" Enter
good() { [ "$(sql "SELECT rating || ':' || comment FROM feedback WHERE message_id = $A2")" = "1:clear and right" ]; }
check "/good rates the last answer with its comment" wait_until good

tmux_keys f1 C-d
wait_for f1 "[exit 0]" >/dev/null

# Ratings show again when the conversation is continued.
tmux_start f2 "$ENVS $CONFAB -c --base-url $BASE/v1"
wait_for f2 "continuing conversation" >/dev/null
check "stored ratings show when the conversation is continued" has "$(screen f2)" "qwen-plus 👍"
check "stored notices show when the conversation is continued" has "$(screen f2)" "(Terms III.4)"
tmux_keys f2 C-d

# Typing never rates: a prompt may start with + or -.
tmux_start f3 "$ENVS $CONFAB --base-url $BASE/v1"
wait_for f3 "Enter send" >/dev/null
n=$(sql "SELECT count(*) FROM feedback")
tmux_keys f3 -- "-5 plus 3?" Enter
wait_for f3 "You said: -5 plus 3?" && ok "a prompt starting with - is sent whole" || not_ok "a prompt starting with - is sent whole"
tmux_keys f3 "+1 for that" Enter
wait_for f3 "You said: +1 for that" >/dev/null
check "typing + or - rated nothing" [ "$(sql "SELECT count(*) FROM feedback")" = "$n" ]

done_testing
