#!/bin/sh
# The store under stress: a full store, writers at once, a confab killed while it
# streams, and what is at the store's path (a symlink, another program's database,
# a read-only store). The long campaign is bench/campaign.sh.
. "$TOP_SRCDIR/tests/cli/lib.sh"

start_server
accept_terms
ask ok "first prompt"
expect_rc 0 "a first answer creates the store"

# ---- an answer that cannot be stored (a file size limit: a full disk) --------------

expected big >"$T/big.expected"
if (ulimit -f 1024) 2>/dev/null; then
	# The limit applies to confab alone; its output goes through a pipe, which has none.
	(
		ulimit -f 1024
		"$CONFAB" --base-url "$BASE/s/big/v1" "a big one" 2>"$T/err.pipe"
		echo "$?" >"$T/rc.full"
	) | cat >"$T/out"
	RC=$(cat "$T/rc.full") OUT="" ERR=$(cat "$T/err.pipe")
	expect_rc 2 "an answer the full store cannot hold"
	check "the answer is still printed whole" same_bytes "$T/out" "$T/big.expected"
	check "the message says the answer was not saved" err_has "the answer was not saved"
	check "the message says what to do" err_has "free some space"
	check "no row is left streaming" [ "$(sql "SELECT count(*) FROM messages WHERE status = 'streaming'")" = 0 ]
	check "the answer's row is marked error, with the reason" \
		[ "$(sql "SELECT status || ':' || (error LIKE 'the answer could not be saved whole: %') FROM messages WHERE id = (SELECT max(id) FROM messages)")" = "error:1" ]
	ask ok "after the full store"
	expect_rc 0 "with room again, the next answer is stored"
	check "and it is complete" [ "$(sql "SELECT status FROM messages WHERE id = (SELECT max(id) FROM messages)")" = complete ]
	run --json --base-url "$BASE/s/ok/v1" "json one"
	expect_rc 0 "a stored answer in JSON"
else
	ok "# SKIP ulimit -f is not allowed here"
fi

# ---- writers take turns ------------------------------------------------------------

pids=""
for i in 1 2 3 4 5 6 7 8; do
	"$CONFAB" --base-url "$BASE/s/big/v1" "parallel $i" >"$T/par.$i" 2>"$T/par.err.$i" </dev/null &
	pids="$pids $!"
done
fails=0
for p in $pids; do wait "$p" || fails=$((fails + 1)); done
RC=$fails OUT="" ERR=$(cat "$T"/par.err.* | head -c 2000)
check "eight parallel 1 MiB answers all exit 0" [ "$fails" = 0 ]
same=0
for i in 1 2 3 4 5 6 7 8; do cmp -s "$T/par.$i" "$T/big.expected" && same=$((same + 1)); done
check "and all eight are printed whole" [ "$same" = 8 ]
check "all eight are stored complete and whole" \
	[ "$(sql "SELECT count(*) FROM messages WHERE role = 'assistant' AND status = 'complete' AND length(CAST(content AS BLOB)) = $(wc -c <"$T/big.expected")")" -ge 8 ]
check "the store is intact" [ "$(sql 'PRAGMA integrity_check')" = ok ]

# Another writer holds the store longer than the old 10 s time-out: confab waits its turn.
python3 -c '
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").close()
time.sleep(12)
c.execute("COMMIT")' "$DB" "$T/locked" &
locker=$!
MORE_PIDS=$locker
wait_until test -e "$T/locked"
ask ok "waiting for the lock"
expect_rc 0 "an answer while another writer holds the store for 12 s"
check "it is stored complete" [ "$(sql "SELECT status FROM messages WHERE id = (SELECT max(id) FROM messages)")" = complete ]
wait "$locker"
MORE_PIDS=

# ---- a confab killed while it streams ----------------------------------------------

# What is stored of a streaming answer: its row, and the pieces appended to it.
streaming() { [ "$(sql "SELECT count(*) FROM messages_text WHERE status = 'streaming' AND content = 'Hello!'")" = 1 ]; }
"$CONFAB" --base-url "$BASE/s/stall/v1" "stalled question" >/dev/null 2>&1 </dev/null &
victim=$!
MORE_PIDS=$victim
check "the stalled answer is saved as it streams" wait_until streaming
run log list
expect_rc 0 "another confab starts while one streams"
check "a live confab's streaming row is not touched" streaming
kill -9 "$victim"
wait "$victim" 2>/dev/null
MORE_PIDS=
check "the row stays streaming until confab starts again" streaming
run log search "stalled"
expect_rc 0 "log search after kill -9"
check "the next start marks the answer interrupted" \
	[ "$(sql "SELECT status FROM messages WHERE content = 'Hello!' AND error LIKE 'confab ended before%'")" = interrupted ]
run log search "Hello!"
check "log search finds the interrupted answer" out_has "stalled question"

# Rows left by writers confab cannot see, or that are gone.
CONV=$(sql "SELECT max(id) FROM conversations")
add_streaming() {
	sql "INSERT INTO messages (conversation_id, role, content, created, status, writer) VALUES ($CONV, 'assistant', '$1', $2, 'streaming', $3)"
}
HOST=$(hostname)
add_streaming other-host "strftime('%Y-%m-%dT%H:%M:%fZ','now')" "'not-$HOST 1 - -'"
add_streaming other-boot "strftime('%Y-%m-%dT%H:%M:%fZ','now')" "'$HOST 1 00000000-0000-0000-0000-000000000000 -'"
add_streaming reused-pid "strftime('%Y-%m-%dT%H:%M:%fZ','now')" "'$HOST 1 - 999999999999'"
add_streaming old-unknown "'2020-01-01T00:00:00.000Z'" NULL
add_streaming new-unknown "strftime('%Y-%m-%dT%H:%M:%fZ','now')" NULL
run log list
st() { sql "SELECT status FROM messages WHERE content = '$1'"; }
check "a writer on another host is left streaming" [ "$(st other-host)" = streaming ]
check "a writer from another boot is gone" [ "$(st other-boot)" = interrupted ]
check "a process id now used by another process is gone" [ "$(st reused-pid)" = interrupted ]
check "an old row from before writers were recorded is gone" [ "$(st old-unknown)" = interrupted ]
check "a recent row from before writers were recorded is left" [ "$(st new-unknown)" = streaming ]
sql "DELETE FROM messages WHERE status = 'streaming'"
run terms verify
expect_rc 0 "the ledger chain holds"

# ---- what is at the store's path ---------------------------------------------------

ln -s "$T/victim" "$XDG_DATA_HOME/confab/feedback.lock"
A=$(sql "SELECT max(id) FROM messages WHERE role = 'assistant' AND status = 'complete'")
CONFAB_FEEDBACK_URL="http://127.0.0.1:1/collect" run feedback up "$A" --yes
check "feedback.lock as a symbolic link is reported" err_has "feedback.lock' is a symbolic link"
check "and the file it points to is never created" [ ! -e "$T/victim" ]
rm -f "$XDG_DATA_HOME/confab/feedback.lock"

mv "$DB" "$T/real.db"
rm -f "$DB-wal" "$DB-shm"
ln -s "$T/real.db" "$DB"
sum=$(sha256sum <"$T/real.db")
run terms status
expect_rc 2 "a store that is a symbolic link"
check "the message says it is a symbolic link" err_has "is a symbolic link"
check "the file it points to is untouched" [ "$(sha256sum <"$T/real.db")" = "$sum" ]
check "and no WAL file was made for it" test ! -e "$T/real.db-wal" -a ! -e "$DB-wal"
rm -f "$DB"

sqlite3 "$T/foreign.db" "CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('mine');"
chmod 644 "$T/foreign.db"
cp "$T/foreign.db" "$DB"
chmod 644 "$DB"
sum=$(sha256sum <"$DB")
run terms status
expect_rc 2 "another program's SQLite database"
check "the message says it is not confab's" err_has "another program's database"
check "the foreign database is byte for byte untouched" [ "$(sha256sum <"$DB")" = "$sum" ]
check "it is not switched to WAL" [ "$(sqlite3 "$DB" 'PRAGMA journal_mode')" = delete ]
check "its mode is kept" [ "$(stat -c %a "$DB")" = 644 ]
check "it gets no confab tables" [ "$(sqlite3 "$DB" "SELECT count(*) FROM sqlite_master")" = 1 ]
run "hello"
expect_rc 2 "a prompt with a foreign store is refused"
rm -f "$DB"

# Read-only: as root permissions do not stop writes, so run confab as nobody.
mv "$T/real.db" "$DB"
AS=""
if [ "$(id -u)" = 0 ]; then
	AS="setpriv --reuid=65534 --regid=65534 --clear-groups --"
	chown -R 65534:65534 "$T"
fi
err_lacks() { ! has "$ERR" "$1"; }
ro_run() {
	$AS "$CONFAB" "$@" >"$T/out" 2>"$T/err" </dev/null
	RC=$? OUT=$(cat "$T/out") ERR=$(cat "$T/err")
}
if [ -z "$AS" ] || command -v setpriv >/dev/null; then
	sum=$(sha256sum <"$DB")
	chmod 500 "$XDG_DATA_HOME/confab"
	ro_run log list
	expect_rc 2 "a store in a read-only directory"
	check "the message says read-only" err_has "is read-only"
	check "it never says to move the ledger aside" err_lacks "move it aside"
	check "the read-only store is untouched" [ "$(sha256sum <"$DB")" = "$sum" ]
	chmod 700 "$XDG_DATA_HOME/confab"
	chmod 400 "$DB"
	ro_run terms status
	expect_rc 2 "a read-only store file"
	check "the message says read-only here too" err_has "is read-only"
	chmod 600 "$DB"
	ro_run log list
	expect_rc 0 "writable again, the store opens"
	mv "$DB" "$T/kept.db"
	chmod 500 "$XDG_DATA_HOME/confab"
	ro_run log list
	expect_rc 2 "no store, in a read-only directory"
	check "the message says the directory is read-only" err_has "its directory is read-only"
	chmod 700 "$XDG_DATA_HOME/confab"
else
	ok "# SKIP running as root without setpriv"
fi

done_testing
