#!/bin/sh
# The store: permissions, corrupt and newer stores, concurrent writers; Terms file errors.
. "$TOP_SRCDIR/tests/cli/lib.sh"

run terms status
check "the store directory is 0700" [ "$(stat -c %a "$XDG_DATA_HOME/confab")" = 700 ]
check "the store file is 0600" [ "$(stat -c %a "$DB")" = 600 ]
check "the store is in WAL mode" [ "$(sql 'PRAGMA journal_mode')" = wal ]
check "the schema version is set" [ "$(sql 'PRAGMA user_version')" -ge 1 ]

# Ten processes accept at once: every event is recorded and the chain holds.
H=$("$CONFAB" terms status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["current"]["short"])')
pids=""
for i in 1 2 3 4 5 6 7 8 9 10; do
	"$CONFAB" terms accept --sha256 "$H" --adult -q >"$T/acc.$i" 2>&1 &
	pids="$pids $!"
done
fails=0
for p in $pids; do wait "$p" || fails=$((fails + 1)); done
check "ten concurrent accepts all succeed" [ "$fails" = 0 ]
check "all twenty events are recorded" [ "$(sql 'SELECT count(*) FROM consent_events')" = 20 ]
run terms verify
expect_rc 0 "the chain is intact after concurrent writes"

# A store from a newer confab is left alone.
cp "$DB" "$T/db.before"
sql 'PRAGMA user_version = 99'
sum=$(sha256sum <"$DB")
run terms status
expect_rc 2 "a store from a newer confab"
check "the message says a newer confab wrote it" err_has "newer confab (schema 99"
check "the newer store is untouched" [ "$(sha256sum <"$DB")" = "$sum" ]
run terms accept --sha256 "$H" --adult
expect_rc 2 "accept refuses to write to a newer store"
check "the newer store is still untouched" [ "$(sha256sum <"$DB")" = "$sum" ]
run "hello"
expect_rc 2 "chat refuses a newer store"

# A corrupt store is reported, never replaced.
rm -f "$DB" "$DB-wal" "$DB-shm"
head -c 8192 /dev/urandom >"$DB"
sum=$(sha256sum <"$DB")
run terms status
expect_rc 2 "a corrupt store"
check "the message says it is not a confab database" err_has "is not a confab database"
check "the message says it was left alone" err_has "left as it is"
check "the corrupt store is untouched" [ "$(sha256sum <"$DB")" = "$sum" ]
rm -f "$DB"

# Terms file problems: exit 2, and nothing can be sent.
run --terms-file "$T/missing.md" terms status
expect_rc 2 "a missing Terms file"
check "the message names the file" err_has "$T/missing.md"
run --terms-file "$T/missing.md" "hello"
expect_rc 2 "a prompt with a missing Terms file is refused"

printf 'Terms\n\nLast updated: May 1, 2025\n\nI. One\n\n\377\376 bad bytes\n' >"$T/latin.md"
run --terms-file "$T/latin.md" terms status
expect_rc 2 "a Terms file that is not UTF-8"
check "the message says it is not UTF-8" err_has "not valid UTF-8"

printf 'Terms\n\nI. One\n\nText.\n' >"$T/nodate.md"
run --terms-file "$T/nodate.md" terms status
expect_rc 2 "a Terms file without a Last updated line"
check "the message names the missing line" err_has "no \"Last updated:\" line"

: >"$T/empty.md"
run --terms-file "$T/empty.md" terms status
expect_rc 2 "an empty Terms file"

# CRLF, a BOM and trailing blanks do not change the version.
printf '\357\273\277' >"$T/crlf.md"
sed 's/$/  \r/' "$TERMS" >>"$T/crlf.md"
check "CRLF, BOM and trailing blanks give the same version" \
	[ "$(short_hash "$T/crlf.md")" = "$H" ]

done_testing
