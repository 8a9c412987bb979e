#!/bin/sh
# confab terms review, driven in tmux as a person would.
. "$TOP_SRCDIR/tests/cli/lib.sh"

ENVS="env XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_DATA_HOME=$XDG_DATA_HOME XDG_STATE_HOME=$XDG_STATE_HOME CONFAB_DATADIR=$CONFAB_DATADIR HOME=$HOME LC_ALL=C.UTF-8 TERM=xterm-256color"

events() {
	sql "SELECT group_concat(kind || ':' || coalesce(age_answer, '-'), ' ') FROM consent_events"
}

# 1. Accept: the summary, the age question, agree.
tmux_start rv1 "$ENVS $CONFAB terms"
if wait_for rv1 "or press Enter to go on:"; then ok "the review starts with the summary"; else not_ok "the review starts with the summary"; fi
S=$(screen rv1)
for c in "I.1" "I.3" "II.2" "II.3" "III.3" "III.4" "IV " "VI " "Privacy Policy: https://chat.qwen.ai/legal-agreement/privacy-policy" "Last updated March 1, 2025" ; do
	check "the summary shows '$c'" has "$S" "$c"
done
tmux_keys rv1 Enter
wait_for rv1 "Type yes or no:" && ok "the age question follows" || not_ok "the age question follows"
tmux_keys rv1 "perhaps" Enter
wait_for rv1 "Please type yes or no." && ok "an answer other than yes or no asks again" || not_ok "an answer other than yes or no asks again"
tmux_keys rv1 "yes" Enter
wait_for rv1 "type agree" && ok "then it asks for agree" || not_ok "then it asks for agree"
check "nothing is recorded as accepted before agree" [ "$(sql "SELECT count(*) FROM consent_events WHERE kind='accept'")" = 0 ]
tmux_keys rv1 "agree" Enter
wait_for rv1 "[exit 0]" && ok "typing agree accepts (exit 0)" || not_ok "typing agree accepts (exit 0)"
check "the ledger has the age answer and the accept" [ "$(events)" = "age:yes accept:yes" ]
check "the accept says how it was given" \
	[ "$(sql "SELECT method FROM consent_events WHERE kind='accept'")" = "typed 'agree' (line mode)" ]
check "the accept records that only the summary was shown" \
	[ "$(sql "SELECT viewer || ':' || shown_bytes FROM consent_events WHERE kind='accept'")" = "summary:0" ]
check "the accept records how long the review took" \
	[ "$(sql "SELECT duration_ms > 0 FROM consent_events WHERE kind='accept'")" = 1 ]
run terms status
expect_rc 0 "status is ACCEPTED after the review"

# 2. Already accepted: nothing to do.
tmux_start rv2 "$ENVS $CONFAB terms review"
wait_for rv2 "Nothing to do." && ok "a second review says there is nothing to do" || not_ok "a second review says there is nothing to do"
wait_for rv2 "[exit 0]" && ok "and exits 0" || not_ok "and exits 0"

# 3. Changed Terms: the diff comes first; read a page; an empty line or I agree asks again; decline.
sed -e 's/^Last updated: March 1, 2025/Last updated: June 1, 2025/' \
	-e 's/^(e) you must not depend solely on the Outputs/(e) you must never depend solely on the Outputs/' \
	"$TERMS" >"$T/v2.md"
tmux_start rv3 "$ENVS $CONFAB terms --terms-file $T/v2.md"
wait_for rv3 "or press Enter to go on:" && ok "the review of changed Terms reaches the summary" || not_ok "the review of changed Terms reaches the summary"
S=$(screen rv3)
check "it says the Terms changed" has "$S" "The Terms changed since you accepted them"
check "it names the changed section" has "$S" "III. User Content (changed)"
check "it shows the new line" has "$S" "+ (e) you must never depend solely"
check "it lists the summary's points in changed sections" \
	has "$S" "Points of the summary in changed sections: III.3 licence to your inputs; III.4 reliance on outputs."
check "the points come before the sections" \
	[ "$(printf '%s\n' "$S" | grep -n 'Points of the summary' | cut -d: -f1)" -lt \
	  "$(printf '%s\n' "$S" | grep -n 'III. User Content (changed)' | cut -d: -f1)" ]
check "the diff comes before the summary" \
	[ "$(printf '%s\n' "$S" | grep -n 'III. User Content (changed)' | cut -d: -f1)" -lt \
	  "$(printf '%s\n' "$S" | grep -n 'what they ask of you' | cut -d: -f1)" ]
tmux_keys rv3 "read" Enter
wait_for rv3 "Enter: next page, q: stop reading" && ok "'read' opens the built-in pager" || not_ok "'read' opens the built-in pager"
tmux_keys rv3 Enter
wait_for rv3 "You agree that, if you apply for an account:" && ok "Enter shows the next page" || not_ok "Enter shows the next page"
tmux_keys rv3 "q" Enter
wait_for rv3 "end of the text shown" && ok "q leaves the pager" || not_ok "q leaves the pager"
tmux_keys rv3 "yes" Enter
wait_for rv3 "Type agree or decline:" && ok "agree is asked after the age" || not_ok "agree is asked after the age"
check "the question says how to decline" has "$(screen rv3)" "to decline them, type decline."
tmux_keys rv3 Enter
wait_for rv3 "Please type agree to accept the Terms, or decline" && ok "an empty line asks again" || not_ok "an empty line asks again"
tmux_keys rv3 "I agree" Enter
wait_for rv3 "'I agree' is not an answer: type agree to accept the Terms, or decline" && ok "I agree asks again, saying what to type" || not_ok "I agree asks again, saying what to type"
check "nothing is decided yet" [ "$(sql "SELECT kind FROM consent_events ORDER BY id DESC LIMIT 1")" = age ]
tmux_keys rv3 "decline" Enter
wait_for rv3 "[exit 3]" && ok "typing decline declines (exit 3)" || not_ok "typing decline declines (exit 3)"
check "the decline is recorded" [ "$(sql "SELECT kind || '|' || detail FROM consent_events ORDER BY id DESC LIMIT 1")" = "decline|typed 'decline'" ]
check "the decline records how much of the text was shown" \
	[ "$(sql "SELECT viewer = 'built-in pager' AND shown_bytes > 0 AND shown_bytes < total_bytes FROM consent_events ORDER BY id DESC LIMIT 1")" = 1 ]
run --terms-file "$T/v2.md" terms status
check "after declining, the state is DECLINED" out_has "DECLINED"

# 4. Age no: recorded and the flow ends.
tmux_start rv4 "$ENVS $CONFAB terms --terms-file $T/v2.md"
wait_for rv4 "or press Enter to go on:" >/dev/null
tmux_keys rv4 Enter
wait_for rv4 "Type yes or no:" >/dev/null
tmux_keys rv4 "no" Enter
wait_for rv4 "[exit 3]" && ok "answering no to the age question ends the review (exit 3)" || not_ok "answering no to the age question ends the review (exit 3)"
check "the screen explains the age requirement" has "$(screen rv4)" "at least 18"
check "the age answer no and a decline are recorded" \
	[ "$(sql "SELECT group_concat(kind || ':' || coalesce(age_answer, '-'), ' ') FROM (SELECT * FROM consent_events ORDER BY id DESC LIMIT 2)")" = "decline:- age:no" ]
check "the review never asked for agree" sh -c "! tmux -L confab$$-rv4 capture-pane -p | grep -q 'type agree'"

# 5. Input piped into stdin cannot answer: the questions go to the terminal.
tmux_start rv5 "printf 'yes\nagree\n' | $ENVS $CONFAB terms --terms-file $T/v2.md"
wait_for rv5 "or press Enter to go on:" >/dev/null
tmux_keys rv5 Enter
wait_for rv5 "Type yes or no:" && ok "piped input does not answer the questions" || not_ok "piped input does not answer the questions"
tmux_keys rv5 "yes" Enter
wait_for rv5 "Type agree or decline:" >/dev/null
tmux_keys rv5 "AGREE" Enter
wait_for rv5 "[exit 0]" && ok "typed on the terminal, agree accepts" || not_ok "typed on the terminal, agree accepts"
run --terms-file "$T/v2.md" terms status
expect_rc 0 "the changed Terms are now accepted"

# 6. End of input at the agree question ends the review (exit 3): no answer, so nothing is
# recorded as a decline (only an explicit answer declines).
sed -e 's/^Last updated: March 1, 2025/Last updated: July 1, 2025/' "$TERMS" >"$T/v3.md"
tmux_start rv6 "$ENVS $CONFAB terms --terms-file $T/v3.md"
wait_for rv6 "or press Enter to go on:" >/dev/null
tmux_keys rv6 Enter
wait_for rv6 "Type yes or no:" >/dev/null
tmux_keys rv6 "yes" Enter
wait_for rv6 "Type agree or decline:" >/dev/null
n=$(sql 'SELECT count(*) FROM consent_events')
tmux_keys rv6 C-d
wait_for rv6 "[exit 3]" && ok "end of input at agree ends the review (exit 3)" || not_ok "end of input at agree ends the review (exit 3)"
check "it says nothing was recorded" has "$(screen rv6)" "No answer (end of input): nothing was recorded"
check "no decline is recorded for end of input" [ "$(sql 'SELECT count(*) FROM consent_events')" = "$n" ]
check "the last event is the age answer" [ "$(sql "SELECT kind FROM consent_events ORDER BY id DESC LIMIT 1")" = age ]
run --terms-file "$T/v3.md" terms status
expect_rc 3 "the Terms are still not accepted after end of input"

# 6b. A review open while a script accepts: a decline is not recorded over the acceptance.
sed -e 's/^Last updated: March 1, 2025/Last updated: August 1, 2025/' "$TERMS" >"$T/v4.md"
tmux_start rv8 "$ENVS $CONFAB terms --terms-file $T/v4.md"
wait_for rv8 "or press Enter to go on:" >/dev/null
tmux_keys rv8 Enter
wait_for rv8 "Type yes or no:" >/dev/null
tmux_keys rv8 "yes" Enter
wait_for rv8 "Type agree or decline:" >/dev/null
accept_terms --terms-file "$T/v4.md"
n=$(sql 'SELECT count(*) FROM consent_events')
tmux_keys rv8 "decline" Enter
wait_for rv8 "[exit 0]" && ok "a decline over an acceptance made meanwhile ends the review with 0" || not_ok "a decline over an acceptance made meanwhile ends the review with 0"
check "it says the decline was not recorded" has "$(screen rv8)" "so your decline was not recorded: they stay accepted"
check "no decline is recorded" [ "$(sql 'SELECT count(*) FROM consent_events')" = "$n" ]
run --terms-file "$T/v4.md" terms status
expect_rc 0 "the Terms stay accepted"

# 6c. A newer version became current during the review: it is reviewed instead.
sed -e 's/^Last updated: March 1, 2025/Last updated: September 1, 2025/' "$TERMS" >"$T/v5.md"
tmux_start rv9 "$ENVS $CONFAB terms --terms-file $T/v5.md"
wait_for rv9 "or press Enter to go on:" >/dev/null
tmux_keys rv9 Enter
wait_for rv9 "Type yes or no:" >/dev/null
n=$(sql 'SELECT count(*) FROM consent_events')
sed -i 's/^(e) you must not depend solely on the Outputs/(e) you must hardly depend solely on the Outputs/' "$T/v5.md"
tmux_keys rv9 "yes" Enter
wait_for rv9 "The Terms changed while you read them: version $(short_hash "$T/v5.md")" && ok "an answer to Terms no longer current is not recorded, and that is said" || not_ok "an answer to Terms no longer current is not recorded, and that is said"
check "nothing was recorded" [ "$(sql 'SELECT count(*) FROM consent_events')" = "$n" ]
wait_for rv9 "or press Enter to go on:" >/dev/null
check "the review starts again with what changed" has "$(screen rv9)" "+ (e) you must hardly depend solely"
tmux_keys rv9 Enter
wait_for rv9 "Type yes or no:" >/dev/null
tmux_keys rv9 "yes" Enter
wait_for rv9 "Type agree or decline:" >/dev/null
tmux_keys rv9 "agree" Enter
wait_for rv9 "[exit 0]" && ok "the current version is accepted" || not_ok "the current version is accepted"
check "the accept names the current version" \
	[ "$(sql "SELECT substr(terms_sha256, 1, 12) FROM consent_events WHERE kind = 'accept' ORDER BY id DESC LIMIT 1")" = "$(short_hash "$T/v5.md")" ]

# 7. No terminal at all: a clear error, nothing recorded.
n=$(sql 'SELECT count(*) FROM consent_events')
setsid -w "$CONFAB" terms --terms-file "$T/v3.md" </dev/null >"$T/out" 2>"$T/err"
RC=$? OUT=$(cat "$T/out") ERR=$(cat "$T/err")
expect_rc 2 "review without a terminal"
check "the message points to terms accept" err_has "confab terms accept --sha256"
check "nothing was recorded without a terminal" [ "$(sql 'SELECT count(*) FROM consent_events')" = "$n" ]

run terms verify
expect_rc 0 "the ledger verifies after all that"

done_testing
