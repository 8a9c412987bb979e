#!/bin/sh
# The consent screens of the full-screen UI, driven in tmux as a person would.
. "$TOP_SRCDIR/tests/cli/lib.sh"

start_server
chats() {
	_c=$(grep -c chat/completions "$T/requests.log" 2>/dev/null)
	echo "${_c:-0}"
}

# fresh NAME: a store of its own for the next scenario (sql, run and ui use it).
fresh() {
	XDG_DATA_HOME="$T/data-$1"
	DB="$XDG_DATA_HOME/confab/confab.db"
	export XDG_DATA_HOME
}
# ui NAME [ARGS]: the bare program (no prompt) on a tmux terminal.
ui() {
	_name=$1
	shift
	tmux_start "$_name" "env XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_DATA_HOME=$XDG_DATA_HOME" \
		"XDG_STATE_HOME=$XDG_STATE_HOME CONFAB_DATADIR=$CONFAB_DATADIR HOME=$HOME" \
		"LC_ALL=C.UTF-8 TERM=xterm-256color ${UI_ENV:-} $CONFAB --base-url $BASE/s/ok/v1 $*"
}
# visible NAME: the screen as it is now (no scrollback).
visible() { tm "$1" capture-pane -p; }
# pct NAME: the percentage the viewer's title bar shows.
pct() { visible "$1" | head -n 1 | grep -o '[0-9]*%' | tail -n 1 | tr -d %; }
events() { sql "SELECT group_concat(kind || ':' || coalesce(age_answer, '-'), ' ') FROM consent_events"; }
last() { sql "SELECT $1 FROM consent_events ORDER BY id DESC LIMIT 1"; }
# wait_events EXPECTED: wait until the ledger reads EXPECTED (see events); 1 on time-out.
wait_events() {
	_i=0
	while [ "$(events)" != "$1" ] && [ $_i -lt 100 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	[ "$(events)" = "$1" ]
}
# waits NAME TEXT DESC: one test that TEXT appears.
waits() { if wait_for "$1" "$2"; then ok "$3"; else not_ok "$3"; fi; }
# flat NAME: the screen as one line, blanks squeezed (for text the UI wraps itself).
flat() { visible "$1" | tr '\n' ' ' | tr -s ' '; }

SHORT=$(short_hash "$TERMS")

# 1. First run at 80x24: the summary, the fields, nothing accepted without the act.
fresh a
ui a
waits a "Are you at least 18 years old" "first run opens the summary with the age question"
S=$(visible a)
check "the agree field is on the same screen" has "$S" "type agree"
check "the version is shown" has "$S" "Version $SHORT, last updated March 1, 2025"
check "the key hints name Tab and Esc" has "$S" "Tab read the full text"
check "the summary says it scrolls" has "$S" "more below: PgDn"
tmux_keys a NPage
wait_for a "Privacy Policy" >/dev/null
S="$S
$(visible a)"
for c in "I.1 " "I.3 " "II.2 " "II.3 " "III.3 " "III.4 " "IV " "VI " \
	"Privacy Policy (VI): https://chat.qwen.ai/legal-agreement/privacy-policy"; do
	check "the summary shows '$c'" has "$S" "$c"
done
check "the fields stay visible after scrolling" has "$(visible a)" "Are you at least 18"
tmux_keys a Enter
waits a "type yes or no, then press Enter" "Enter on the empty age field only shows a hint"
tmux_keys a "hello" Enter
waits a "'hello' is not an answer: type yes or no" "an answer other than yes or no asks again"
tmux_keys a F5 F12 Up Down x Enter
waits a "'x' is not an answer" "other keys do not answer"
check "nothing is recorded for a wrong answer" [ "$(sql 'SELECT count(*) FROM consent_events')" = 0 ]
tmux_keys a "yex" BSpace "s" Enter
check "Backspace edits; yes records the age answer, nothing else" wait_events "age:yes"
tmux_keys a Enter
waits a "type agree and press Enter to accept" "Enter on the empty agree field only shows a hint"
check "nothing is accepted yet" [ "$(events)" = "age:yes" ]
check "no prompt reached the server before acceptance" [ "$(chats)" = 0 ]
tmux_keys a "agree" Enter
waits a "Enter send" "yes, Enter, agree, Enter accepts and opens the chat"
check "the ledger has the age answer and the accept" [ "$(events)" = "age:yes accept:yes" ]
check "the accept says how it was given" [ "$(last method)" = "typed 'agree' (full-screen)" ]
check "the accept says only the summary was shown" [ "$(last "viewer || '|' || shown_bytes")" = "full-screen: summary|0" ]
check "the accept records how long the screens were open" [ "$(last "duration_ms > 0")" = 1 ]
run terms status
expect_rc 0 "terms status after accepting in the UI"

# 2. /terms opens the viewer from chat; /terms withdraw brings the consent back.
tmux_keys a "/terms" Enter
waits a "i sections" "/terms opens the full text from chat"
tmux_keys a q
waits a "Enter send" "q returns to the chat"
tmux_keys a "/terms withdraw" Enter
waits a "Withdraw your consent to the Terms? Nothing will be sent" "/terms withdraw asks first"
check "asking records nothing" [ "$(last kind)" = accept ]
tmux_keys a n
waits a "consent not withdrawn" "n keeps the consent"
check "after n nothing is withdrawn" [ "$(last kind)" = accept ]
tmux_keys a "/terms withdraw" Enter
wait_for a "Withdraw your consent to the Terms?" >/dev/null
tmux_keys a y
waits a "Are you at least 18" "/terms withdraw, then y, shows the consent screens again"
check "the withdrawal is recorded" [ "$(last "kind || '|' || method")" = "withdraw|slash command /terms withdraw, confirmed" ]
check "the summary says consent was withdrawn" has "$(visible a)" "You withdrew your consent on"
run terms status
expect_rc 3 "terms status after /terms withdraw"
n=$(chats)
tmux_keys a "hello" Enter
check "after withdrawing, typing sends nothing" [ "$(chats)" = "$n" ]
tmux_keys a C-u "yes" Enter "agree" Enter
waits a "Enter send" "accepting again returns to the chat"
tmux_keys a C-d
wait_for a "[exit 0]" >/dev/null

# 3. Esc asks whether to decline; only y declines.
fresh b
ui b
wait_for b "Are you at least 18" >/dev/null
tmux_keys b Escape
waits b "Decline the Terms? Nothing will be sent. y/N" "Esc asks whether to decline"
check "Esc alone records nothing" [ "$(sql 'SELECT count(*) FROM consent_events')" = 0 ]
tmux_keys b n
waits b "not declined: type agree to accept" "Esc, then n returns to the summary"
check "the summary is back with its fields" has "$(visible b)" "Are you at least 18"
tmux_keys b Escape
wait_for b "Decline the Terms?" >/dev/null
tmux_keys b Enter
waits b "not declined" "Esc, then Enter does not decline either"
check "nothing is recorded after Esc and n or Enter" [ "$(sql 'SELECT count(*) FROM consent_events')" = 0 ]
tmux_keys b Escape
wait_for b "Decline the Terms?" >/dev/null
tmux_keys b y
waits b "[exit 3]" "Esc, then y declines (exit 3)"
check "the decline is recorded, with no age answer" [ "$(events)" = "decline:-" ]
check "the decline says Esc and y" [ "$(last "method || '|' || detail")" = "typed (full-screen)|Esc, then y to confirm" ]
check "leaving says nothing was sent" has "$(screen b)" "nothing was sent to the model"
run terms status
expect_rc 3 "terms status after declining"

# 4. Age no: recorded, and the UI ends.
fresh c
ui c
wait_for c "Are you at least 18" >/dev/null
tmux_keys c "no" Enter
waits c "[exit 3]" "answering no ends the UI (exit 3)"
check "the age answer no and a decline are recorded" [ "$(events)" = "age:no decline:-" ]
check "the decline gives the reason" [ "$(last detail)" = "under the minimum age (Terms I.1)" ]
check "the reason is explained" has "$(screen c)" "at least 18 years old"

# 5. At the agree field only agree or decline (or no) answers; anything else asks again.
fresh d
ui d
wait_for d "Are you at least 18" >/dev/null
check "the agree question says how to decline" has "$(flat d)" "to decline them, type decline:"
tmux_keys d "YES" Enter "nope" Enter
waits d "'nope' is not an answer: type agree to accept these Terms, or decline" \
	"typing nope in the agree field asks again, saying what to type"
tmux_keys d "I agree" Enter
waits d "'I agree' is not an answer" "typing I agree asks again"
tmux_keys d "ok" Enter
waits d "'ok' is not an answer" "typing ok asks again"
check "only the age answer is recorded" [ "$(events)" = "age:yes" ]
tmux_keys d "decline" Enter
waits d "[exit 3]" "typing decline declines (exit 3)"
check "age yes and the decline are recorded" [ "$(events)" = "age:yes decline:-" ]
check "the decline records what was typed" [ "$(last detail)" = "typed 'decline'" ]
check "no prompt reached the server" [ "$(chats)" = 0 ]
fresh d2
ui d2
wait_for d2 "Are you at least 18" >/dev/null
tmux_keys d2 "yes" Enter "no" Enter
waits d2 "[exit 3]" "typing no in the agree field declines (exit 3)"
check "the decline records the no" [ "$(last "kind || '|' || detail")" = "decline|typed 'no'" ]

# 6. The full-text viewer: scroll, search, the index; then accept.
fresh e
UI_ENV=CONFAB_MOUSE=yes	# the wheel needs the mouse setting
ui e
UI_ENV=
wait_for e "Are you at least 18" >/dev/null
tmux_keys e Tab
waits e "Qwen Chat Terms of Service: Preamble" "Tab opens the full text"
p1=$(pct e)
tmux_keys e NPage
sleep 0.3
p2=$(pct e)
check "PgDn moves on and the percentage grows ($p1% -> $p2%)" [ "$p2" -gt "$p1" ]
tmux_keys e End
waits e "100%" "End shows the end of the text"
tmux_keys e Home
sleep 0.3
check "Home goes back to the top" [ "$(pct e)" = "$p1" ]
row2() { tm e capture-pane -p | sed -n 2p; }
top=$(row2)
tm e send-keys -l "$(printf '\033[<65;5;5M')"
wait_until sh -c "[ \"\$(tmux -L confab$$-e capture-pane -p | sed -n 2p)\" != '$top' ]"
check "the mouse wheel scrolls down ($(row2))" [ "$(row2)" != "$top" ]
# A key sequence cut between two reads (ESC [, then the rest later) is still the key:
# the one decoder in ui.c, the same for every screen.
tm e send-keys -l "$(printf '\033[')"
sleep 0.2	# longer than curses' ESCDELAY: the two halves arrive in two reads
tm e send-keys -l "4~"
waits e "100%" "End cut between two reads still shows the end"
tm e send-keys -l "$(printf '\033[')"
sleep 0.2
tm e send-keys -l "1~"
wait_until sh -c "[ \"\$(tmux -L confab$$-e capture-pane -p | head -n 1 | grep -o '[0-9]*%' | tail -n 1 | tr -d %)\" = '$p1' ]"
check "Home cut between two reads goes back to the top" [ "$(pct e)" = "$p1" ]
check "no stray characters from the cut sequences" sh -c "! tmux -L confab$$-e capture-pane -p | grep -q '1~\\|4~'"
tmux_keys e Home / "Liability" Enter
waits e "'Liability': match 1 of 2" "/ finds the first VIII. Liability"
tmux_keys e n
waits e "'Liability': match 2 of 2" "n finds the second one"
check "the second heading is on the screen" has "$(visible e)" "VIII. Liability"
tmux_keys e N
waits e "match 1 of 2" "N goes back to the first"
tmux_keys e / "zzqqxx" Enter
waits e "'zzqqxx' is not in the text" "a search that finds nothing says so"
tmux_keys e i
waits e "Sections of the Terms" "i opens the section index"
check "the index lists VIII. Liability twice" [ "$(visible e | grep -c 'VIII. Liability')" = 2 ]
check "the index lists the last section" has "$(visible e)" "XIII. How to Contact Us"
tmux_keys e Home Down Down Down Down Down Down Down Down Down Enter
waits e "Terms of Service: VIII. Liability" "Enter jumps to the chosen section"
check "the jump went to the second VIII. Liability ($(pct e)%)" [ "$(pct e)" -gt 75 ]
tmux_keys e q
waits e "Are you at least 18" "q goes back to the summary"
tmux_keys e "yes" Enter "agree" Enter
waits e "Enter send" "accepting after reading opens the chat"
check "the accept records how far the text was read" \
	[ "$(last "viewer || '|' || (shown_bytes = total_bytes)")" = "full-screen: summary, full text 100%|1" ]

# 7. 40x12: the summary and both fields fit; it scrolls; accept works.
fresh f
TMUX_COLS=40 TMUX_ROWS=12 ui f
waits f "Are you at least 18" "the summary opens at 40x12"
S=$(visible f)
check "the agree field is visible at 40x12" has "$S" "type agree"
check "the hints fit at 40x12" has "$S" "Tab text  PgDn more  Esc decline"
tmux_keys f End
waits f "jump to a section." "End scrolls the summary at 40x12"
check "the fields stay at 40x12" has "$(visible f)" "Type yes or no:"
tmux_keys f "yes" Enter "agree" Enter
waits f "Enter send" "accepting works at 40x12"
check "the ledger has the accept" [ "$(events)" = "age:yes accept:yes" ]

# 8. Too small to read: say so, accept nothing.
fresh g
TMUX_COLS=30 TMUX_ROWS=10 ui g
waits g "terminal too small" "a 30x10 terminal is too small"
tmux_keys g "yes" Enter "agree" Enter
sleep 0.3
check "nothing is accepted on a terminal too small" [ "$(sql 'SELECT count(*) FROM consent_events')" = 0 ]
tm g resize-window -x 80 -y 24
waits g "Are you at least 18" "growing the terminal shows the summary"
tmux_keys g Escape
wait_for g "Decline the Terms?" >/dev/null
tmux_keys g y
wait_for g "[exit 3]" >/dev/null

# 9. Changed Terms: what changed comes first, each section has a diff.
fresh h
accept_terms
sed -e 's/^Last updated: March 1, 2025/Last updated: June 1, 2025/' \
	-e 's/^(e) you must not depend solely on the Outputs/(e) you must never depend solely on the Outputs/' \
	-e '/^XIII\. How to Contact Us/i\
XIV. Testing\
\
1. A section added for the test.\
' \
	"$TERMS" >"$T/v2.md"
ui h --terms-file "$T/v2.md"
waits h "What changed in the Terms" "changed Terms open on what changed"
S=$(visible h)
check "it names the changed section" has "$S" "III. User Content"
check "it names the added section" has "$S" "XIV. Testing"
check "it offers to go on" has "$S" "Continue to the summary"
check "Esc declines here" has "$S" "Esc decline"
check "it lists the summary's points in changed sections first" \
	has "$(flat h)" "Points of the summary in changed sections: III.3 licence to your inputs; III.4 reliance on outputs."
check "the points come before the list of sections" \
	[ "$(visible h | grep -n 'Points of the summary' | cut -d: -f1)" -lt "$(visible h | grep -n 'III. User Content' | cut -d: -f1)" ]
tmux_keys h Enter
waits h "III. User Content (changed)" "Enter opens the diff of the section"
S=$(visible h)
check "the diff shows the old line" has "$S" "- (e) you must not depend solely"
check "the diff shows the new line" has "$S" "+ (e) you must never depend solely"
tmux_keys h q Down Enter
waits h "+ 1. A section added for the test." "an added section shows as added"
tmux_keys h q c
waits h "You accepted an earlier version" "c goes on to the summary, which says the Terms changed"
check "the hints offer F2" has "$(visible h)" "F2 what changed"
tmux_keys h F2
waits h "What changed in the Terms" "F2 reopens what changed"
tmux_keys h Escape
waits h "Are you at least 18" "Esc from there goes back to the summary"
check "nothing was decided on the way" [ "$(events)" = "age:yes accept:yes" ]
tmux_keys h "yes" Enter "agree" Enter
waits h "Enter send" "accepting the changed Terms opens the chat"
check "the accept records the changes were shown" [ "$(last viewer)" = "full-screen: summary, changes" ]
run --terms-file "$T/v2.md" terms status
expect_rc 0 "the changed Terms are accepted"

# 10. Esc on the first screen of changed Terms asks on the summary; y declines.
sed -e 's/^Last updated: March 1, 2025/Last updated: July 1, 2025/' \
	-e 's/^(e) you must not depend solely on the Outputs/(e) you must rarely depend solely on the Outputs/' \
	"$TERMS" >"$T/v3.md"
ui i --terms-file "$T/v3.md"
wait_for i "What changed in the Terms" >/dev/null
tmux_keys i Escape
waits i "Decline the Terms? Nothing will be sent. y/N" "Esc on what changed asks whether to decline"
check "asking records nothing" [ "$(last kind)" = accept ]
tmux_keys i y
waits i "[exit 3]" "then y declines (exit 3)"
check "the decline is recorded" [ "$(last "kind || '|' || detail")" = "decline|Esc, then y to confirm" ]

# 11. A UI opened before a script accepted: its decline is not recorded over that acceptance.
fresh j
ui j
wait_for j "Are you at least 18" >/dev/null
tmux_keys j "yes" Enter
check "the age answer is recorded" wait_events "age:yes"
accept_terms
check "the script's acceptance is recorded" [ "$(events)" = "age:yes age:yes accept:yes" ]
tmux_keys j "decline" Enter
waits j "so your decline was not recorded" "a decline over an acceptance made meanwhile says it was not recorded"
check "no decline is recorded over the acceptance" [ "$(events)" = "age:yes age:yes accept:yes" ]
waits j "Enter send" "and the chat opens"
run terms status
expect_rc 0 "the Terms stay accepted"

# 12. The same for an accept: it is said to hold already, and nothing more is recorded.
fresh k
ui k
wait_for k "Are you at least 18" >/dev/null
accept_terms
tmux_keys k "yes" Enter
waits k "were accepted elsewhere" "an age answer to Terms accepted meanwhile is not recorded"
check "only the script's acceptance is in the ledger" [ "$(events)" = "age:yes accept:yes" ]
waits k "Enter send" "and the chat opens"
fresh k2
ui k2
wait_for k2 "Are you at least 18" >/dev/null
tmux_keys k2 "yes" Enter
wait_events "age:yes" >/dev/null
accept_terms
tmux_keys k2 "agree" Enter
waits k2 "are already accepted" "an accept of Terms accepted meanwhile says they are already accepted"
check "no second accept is recorded" [ "$(events)" = "age:yes age:yes accept:yes" ]

# 13. A newer version became current while the screens were open: it is shown instead.
fresh l
cp "$TERMS" "$T/l.md"
ui l --terms-file "$T/l.md"
wait_for l "Are you at least 18" >/dev/null
sed -i 's/^(e) you must not depend solely on the Outputs/(e) you must seldom depend solely on the Outputs/' "$T/l.md"
tmux_keys l "yes" Enter
waits l "the Terms changed while you read them" "an answer to Terms no longer current is not recorded, and that is said"
check "nothing is recorded" [ "$(sql 'SELECT count(*) FROM consent_events')" = 0 ]
check "the current version is shown" has "$(visible l)" "Version $(short_hash "$T/l.md")"
tmux_keys l "yes" Enter "agree" Enter
waits l "Enter send" "accepting the current version opens the chat"
check "the accept names the current version" [ "$(last "kind || '|' || substr(terms_sha256, 1, 12)")" = "accept|$(short_hash "$T/l.md")" ]

run terms verify
expect_rc 0 "the ledger verifies after all that"
check "no prompt ever reached the server" [ "$(chats)" = 0 ]

done_testing
