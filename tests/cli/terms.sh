#!/bin/sh
# confab terms: status, accept, diff, withdraw, history, verify, export.
. "$TOP_SRCDIR/tests/cli/lib.sh"

# An independent implementation of the canonical form (DESIGN.md) as the oracle.
canonical_sha() {
	python3 -c '
import hashlib, re, sys
t = open(sys.argv[1], "rb").read().decode("utf-8")
t = t.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
lines = [re.sub("[ \t]+$", "", l) for l in t.split("\n")]
while lines and lines[0] == "": lines.pop(0)
while lines and lines[-1] == "": lines.pop()
print(hashlib.sha256(("\n".join(lines) + "\n").encode()).hexdigest())' "$1"
}
FULL=$(canonical_sha "$TERMS")
SHORT=$(printf %.12s "$FULL")

# The version is the SHA-256 of the canonical text.
run terms status --json
expect_rc 3 "status before acceptance"
check "the version is the SHA-256 of the canonical text" out_has "\"sha256\":\"$FULL\""
check "state NONE" out_has '"state":"NONE"'
check "the date label is read" out_has '"last_updated":"March 1, 2025"'

run terms status
check "human status says NONE" out_has "State:    NONE"
check "human status prints the short hash" out_has "Version:  $SHORT"

# Wrong hash, no --adult, no --sha256.
run terms accept --sha256 0123456789ab --adult
expect_rc 3 "a wrong hash is refused"
check "the refusal names the current version" err_has "the current version is $SHORT"
run terms accept --sha256 "$SHORT"
expect_rc 3 "accepting without --adult is refused"
check "the refusal explains --adult" err_has "needs --adult"
check "the refusal names the version" err_has "$SHORT"
run terms accept --adult
expect_rc 2 "accept without --sha256 is a usage error"
check "nothing was recorded by refused accepts" [ "$(sql 'SELECT count(*) FROM consent_events')" = 0 ]

# Accept with the short form, in upper case.
run terms accept --sha256 "$(echo "$SHORT" | tr a-f A-F)" --adult
expect_rc 0 "accepting with the short hash works"
run terms status --json
expect_rc 0 "status after acceptance"
check "state ACCEPTED" out_has '"state":"ACCEPTED"'
check "accepted text is stored in full" \
	sh -c "sqlite3 '$DB' \"SELECT writefile('$T/body', body) FROM terms_versions WHERE sha256 = '$FULL'\" >/dev/null && [ \"\$(sha256sum <'$T/body' | cut -c1-64)\" = '$FULL' ]"
check "the age answer is recorded" \
	[ "$(sql "SELECT age_answer FROM consent_events WHERE kind = 'accept'")" = yes ]
check "the OS user is recorded" \
	[ "$(sql "SELECT os_user FROM consent_events WHERE kind = 'accept'")" = "$(id -un)" ]

# A changed text with a new date: one section changed.
sed -e 's/^Last updated: March 1, 2025/Last updated: June 1, 2025/' \
	-e 's/^(e) you must not depend solely on the Outputs/(e) you must never depend solely on the Outputs/' \
	"$TERMS" >"$T/v2.md"
run terms status --terms-file "$T/v2.md"
expect_rc 3 "status with changed Terms"
check "state OUTDATED" out_has "State:    OUTDATED"
check "the changed section is named" out_has "Changed:  III. User Content (changed)"
check "only that section is named" [ "$(printf '%s\n' "$OUT" | grep -c '^Changed:')" = 1 ]

run terms diff --terms-file "$T/v2.md"
expect_rc 0 "terms diff"
check "diff names the section" out_has "III. User Content (changed)"
check "diff shows the old line" out_has "- (e) you must not depend solely"
check "diff shows the new line" out_has "+ (e) you must never depend solely"
check "diff names the changed words" out_has '(changed: "not" -> "never")'
check "diff has no escape codes when not a terminal" sh -c "! printf '%s' \"\$1\" | grep -q \"\$(printf '\\033')\"" _ "$OUT"

run terms diff --json --terms-file "$T/v2.md"
check "json diff lists the section" out_has '"section":"III. User Content","change":"changed"'

run --terms-file "$T/v2.md" "a prompt"
expect_rc 3 "the gate refuses a prompt when the Terms changed"
check "the gate names the changed section" err_has "III. User Content (changed)"

# Sections: removed and added.
awk '/^IX\. Force Majeure/{skip=1} /^X\. Notice/{skip=0} !skip' "$T/v2.md" >"$T/v3.md"
printf '\nXIV. Artificial Intelligence Notices\n\nSomething new.\n' >>"$T/v3.md"
run terms status --terms-file "$T/v3.md"
check "a removed section is named" out_has "IX. Force Majeure (removed)"
check "an added section is named" out_has "XIV. Artificial Intelligence Notices (added)"

# The repeated VIII. Liability: changing the second one names the second.
awk '/^VIII\. Liability/{n++} {print} n==2 && /^VIII\. Liability/{print "\nA new sentence."}' \
	"$TERMS" >"$T/v4.md"
run terms status --json --terms-file "$T/v4.md"
check "only one section changed in v4" [ "$(printf '%s' "$OUT" | grep -o '"change"' | wc -l)" = 1 ]
check "the changed one is the second VIII" out_has '"section":"VIII. Liability","position":9'

# Only the date changed.
sed -e 's/^Last updated: March 1, 2025/Last updated: July 4, 2025/' "$TERMS" >"$T/v5.md"
run terms status --terms-file "$T/v5.md"
expect_rc 3 "a new date alone is still a new version"
check "it says only the date changed" out_has 'only the "Last updated" date'

# Accept v2 through CONFAB_TERMS_FILE.
export CONFAB_TERMS_FILE="$T/v2.md"
accept_terms
run terms status
expect_rc 0 "accepting v2 makes status current"
unset CONFAB_TERMS_FILE

# Withdraw.
run terms withdraw --terms-file "$T/v2.md"
expect_rc 0 "withdraw"
run terms status --terms-file "$T/v2.md"
expect_rc 3 "status after withdrawal"
check "state WITHDRAWN" out_has "WITHDRAWN"
run --terms-file "$T/v2.md" "hi"
expect_rc 3 "the gate refuses after withdrawal"
check "the gate says consent was withdrawn" err_has "withdrew"
run terms withdraw --terms-file "$T/v2.md"
check "withdrawing twice records nothing more" [ "$(sql "SELECT count(*) FROM consent_events WHERE kind='withdraw'")" = 1 ]

# History and export.
run terms history
expect_rc 0 "history"
check "history lists the withdrawal" out_has "withdraw"
run terms history --json
check "history --json is a JSON array" sh -c 'printf "%s" "$1" | python3 -c "import json,sys; a=json.load(sys.stdin); assert isinstance(a, list) and len(a) == 5"' _ "$OUT"
run terms export
check "export is JSON Lines, one event a line" \
	sh -c 'printf "%s\n" "$1" | python3 -c "import json,sys; n=[json.loads(l) for l in sys.stdin]; assert len(n) == 5 and all(\"hash\" in e for e in n)"' _ "$OUT"

# Verify, then tamper.
run terms verify
expect_rc 0 "verify an intact ledger"
check "verify counts the events" out_has "5 events"
check "the store refuses updates to the ledger" \
	sh -c "sqlite3 '$DB' \"UPDATE consent_events SET kind = 'x' WHERE id = 3\" 2>&1 | grep -q append-only"
check "the store refuses deletes from the ledger" \
	sh -c "sqlite3 '$DB' 'DELETE FROM consent_events WHERE id = 3' 2>&1 | grep -q append-only"
sqlite3 "$DB" "DROP TRIGGER consent_events_no_update; UPDATE consent_events SET age_answer = 'no' WHERE id = 2;"
run terms verify
expect_rc 1 "verify a tampered ledger"
check "verify names the altered event" err_has "event 2 (accept"
sqlite3 "$DB" "UPDATE consent_events SET age_answer = 'yes' WHERE id = 2;"
run terms verify
expect_rc 0 "verify after the tampering was undone"
sqlite3 "$DB" "DROP TRIGGER consent_events_no_delete; DELETE FROM consent_events WHERE id = 3;"
run terms verify
expect_rc 1 "verify a ledger with an event removed"
check "verify names the event after the gap" err_has "event 4"
sqlite3 "$DB" "UPDATE terms_versions SET body = body || 'x' WHERE sha256 = '$FULL'"
sqlite3 "$DB" "DELETE FROM consent_events WHERE id > 2"
run terms verify
expect_rc 1 "verify notices an altered accepted text"
check "verify says the accepted text was altered" err_has "stored text was altered"

done_testing
