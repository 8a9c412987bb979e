#!/bin/sh
# confab terms update: conditional GET of terms_url, new versions, failures.
. "$TOP_SRCDIR/tests/cli/lib.sh"

mkdir -p "$T/served"
cp "$TERMS" "$T/served/terms.md"
start_server
check "the fake server started" [ -n "$PORT" ]

run terms update
expect_rc 2 "update without terms_url"
check "the message says how to set terms_url" err_has "no terms_url is configured"

export CONFAB_TERMS_URL="$BASE/terms/terms.md"
run terms update
expect_rc 0 "the first update"
check "it records the fetched version" out_has "Recorded Terms version"
run terms status --json
check "the current Terms now come from terms_url" out_has "\"source\":\"$BASE/terms/terms.md (fetched"
check "the state is still NONE" out_has '"state":"NONE"'
accept_terms
run terms status
expect_rc 0 "accepted after the update"

run terms update
expect_rc 0 "a second update"
check "an unchanged text is reported as unchanged" out_has "have not changed"
check "the second request was conditional" \
	sh -c "tail -n 1 '$T/requests.log' | grep -q 'if-none-match'"
check "the server answered 304, so nothing was downloaded again" out_has "304 Not Modified"

# The served text changes: one section and the date.
sed -e 's/^Last updated: March 1, 2025/Last updated: June 1, 2025/' \
	-e 's/^4. Reliance on Outputs\./4. Reliance on Outputs (revised)./' "$TERMS" >"$T/served/terms.md"
touch -d '+1 minute' "$T/served/terms.md"
run terms update
expect_rc 0 "an update that finds a new text"
check "the new version is recorded" out_has "last updated June 1, 2025"
run terms status
expect_rc 3 "status after the Terms changed upstream"
check "status says OUTDATED" out_has "OUTDATED"
check "status names the changed section" out_has "Changed:  III. User Content (changed)"
run "a prompt"
expect_rc 3 "the gate refuses once the Terms changed upstream"

# The daily check before chat: at most once a day, and a new text stops the prompt.
terms_requests() { grep -c '"path": "/terms/' "$T/requests.log"; }
"$CONFAB" terms accept --adult --sha256 "$("$CONFAB" terms status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["current"]["sha256"])')" -q
sql "UPDATE meta SET value = '2000-01-01T00:00:00.000Z' WHERE key LIKE 'terms_url.checked %'"
n=$(terms_requests)
run --base-url "$BASE/v1" "hello"
expect_rc 0 "chat after a stale check"
check "a check older than a day is made before chat" [ "$(terms_requests)" = $((n + 1)) ]
run --base-url "$BASE/v1" "hello"
check "no second check within a day" [ "$(terms_requests)" = $((n + 1)) ]
sed -e 's/^Last updated: March 1, 2025/Last updated: July 1, 2025/' "$TERMS" >"$T/served/terms.md"
touch -d '+2 minutes' "$T/served/terms.md"
sql "UPDATE meta SET value = '2000-01-01T00:00:00.000Z' WHERE key LIKE 'terms_url.checked %'"
c=$(grep -c chat/completions "$T/requests.log")
run --base-url "$BASE/v1" "hello"
expect_rc 3 "a new text found by the daily check stops the prompt"
check "the new version is announced" err_has "changed (version"
check "the prompt was not sent" [ "$(grep -c chat/completions "$T/requests.log")" = "$c" ]
sql "UPDATE meta SET value = '2000-01-01T00:00:00.000Z' WHERE key LIKE 'terms_url.checked %'"
accept_terms
# A failing terms_url (as if it had worked before): the check fails, chat goes on.
sha=$(sql "SELECT value FROM meta WHERE key = 'terms_url.sha256 $BASE/terms/terms.md'")
sql "INSERT INTO meta VALUES ('terms_url.sha256 $BASE/terms-500/terms.md', '$sha')"
n=$(grep -c '"path": "/terms-500/' "$T/requests.log")
CONFAB_TERMS_URL="$BASE/terms-500/terms.md" run --base-url "$BASE/v1" "hello"
expect_rc 0 "a failed daily check never blocks chat"
check "the failed check was made" [ "$(grep -c '"path": "/terms-500/' "$T/requests.log")" = $((n + 1)) ]

n=$(sql 'SELECT count(*) FROM terms_versions')
CONFAB_TERMS_URL="$BASE/terms-500/terms.md" run terms update
expect_rc 5 "a server error"
check "the server error is named" err_has "HTTP 500"
check "a failed update records nothing" [ "$(sql 'SELECT count(*) FROM terms_versions')" = "$n" ]

CONFAB_TERMS_URL="$BASE/terms-redirect/terms.md" run terms update
expect_rc 1 "a redirect is not followed"
check "the message says redirects are not followed" err_has "does not follow redirects"

CONFAB_TERMS_URL="$BASE/terms/missing.md" run terms update
expect_rc 5 "a missing file upstream (404)"

printf 'Terms\n\nLast updated: x\n\n\377 not utf-8\n' >"$T/served/bad.md"
CONFAB_TERMS_URL="$BASE/terms/bad.md" run terms update
expect_rc 1 "a text that is not UTF-8"
check "the message says the text is not usable" err_has "not usable Terms"
check "nothing was recorded for it" [ "$(sql 'SELECT count(*) FROM terms_versions')" = "$n" ]

CONFAB_TIMEOUT=1 CONFAB_TERMS_URL="$BASE/terms-slow/terms.md" run terms update
expect_rc 5 "a server that does not answer in time"
check "the time-out is reported" err_has "cannot fetch"

# A port where nothing listens.
python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' >"$T/freeport"
CONFAB_TERMS_URL="http://127.0.0.1:$(cat "$T/freeport")/terms.md" run terms update
expect_rc 5 "an unreachable server"
check "the unreachable server is named" err_has "cannot fetch http://127.0.0.1:"

run terms verify
expect_rc 0 "the ledger verifies"

done_testing
