#!/bin/sh
# Loose ends of the hardening (issue 15): a FIFO as ca_file, invalid UTF-8 in
# what is sent, Terms from terms_url past the bounds or unreachable, a ledger
# without its head file, and 'terms show' to a pipe.
. "$TOP_SRCDIR/tests/cli/lib.sh"

CONF="$XDG_CONFIG_HOME/confab/config"
mkdir -p "$XDG_CONFIG_HOME/confab"

# run_dog CMD...: run confab with a watchdog (a FIFO nobody writes to would block it).
run_dog() {
	"$CONFAB" "$@" >"$T/out" 2>"$T/err" </dev/null &
	_pid=$!
	(sleep 10 && kill -9 "$_pid") >/dev/null 2>&1 &
	_dog=$!
	wait "$_pid"
	RC=$?
	kill "$_dog" 2>/dev/null
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
}

# Each case in a store of its own.
new_store() {
	export XDG_DATA_HOME="$T/$1"
	DB="$XDG_DATA_HOME/confab/confab.db"
	HEAD="$XDG_DATA_HOME/confab/ledger-head"
}
chats() { grep -c chat/completions "$T/requests.log"; }
meta_since() { sql "SELECT count(*) FROM meta WHERE key = 'ledger.head_file_since'"; }

# ---- 1. ca_file that is a FIFO -------------------------------------------------
mkfifo "$T/ca.fifo"
printf '[profile tls]\nbase_url = https://127.0.0.1:9/v1\nca_file = %s\n' "$T/ca.fifo" >"$CONF"
accept_terms --profile tls --terms-file "$TERMS"
run_dog --profile tls --terms-file "$TERMS" "hello"
expect_rc 2 "a FIFO as ca_file is refused (exit 2), not waited on"
check "the message names ca_file and says it is not a regular file" \
	err_has "(ca_file, from $CONF:3) are not a regular file"
check "it says how to fix it" err_has "set ca_file to a file of PEM certificates"
run_dog --profile tls --terms-file "$TERMS" models
expect_rc 2 "'confab models' refuses it too"
# An https terms_url is fetched with ca_file as well (before any API request).
printf '[profile tls]\nbase_url = http://127.0.0.1:9/v1\nterms_url = https://127.0.0.1:9/terms.md\nca_file = %s\n' \
	"$T/ca.fifo" >"$CONF"
run_dog --profile tls terms update
expect_rc 5 "'terms update' from an https terms_url with a FIFO as ca_file ends (exit 5)"
check "and says why" err_has "are not a regular file"
mkdir "$T/ca.dir"
printf '[profile tls]\nbase_url = https://127.0.0.1:9/v1\nca_file = %s\n' "$T/ca.dir" >"$CONF"
run_dog --profile tls --terms-file "$TERMS" "hello"
expect_rc 2 "a directory as ca_file is refused too"
check "with the same message" err_has "are not a regular file"
rm -f "$CONF"

# ---- 2. invalid UTF-8 in what is sent ------------------------------------------
start_server
accept_terms
last_request() {
	tail -n 1 "$T/requests.log" | python3 -c "import json,sys; r=json.loads(sys.stdin.read()); print($1)"
}
printf '[profile bad]\nbase_url = %s/v1\nsystem = be \377 brief\n' "$BASE" >"$CONF"
run --profile bad "first question"
expect_rc 0 "a system prompt with invalid UTF-8 from the config"
check "the request body was valid JSON in UTF-8" \
	[ "$(last_request 'type(r["body"]).__name__')" = dict ]
check "the invalid byte went out as U+FFFD" \
	[ "$(last_request 'r["body"]["messages"][0]["content"] == "be \ufffd brief"')" = True ]
# A tampered store: a stored answer with invalid UTF-8, sent back with --continue.
sql "UPDATE messages SET content = CAST(X'6f6b20c3' AS TEXT) WHERE role = 'assistant'"
run --profile bad --continue "second question"
expect_rc 0 "--continue with a tampered stored answer"
check "the request body was still valid JSON in UTF-8" \
	[ "$(last_request 'type(r["body"]).__name__')" = dict ]
check "the stored answer went out repaired" \
	[ "$(last_request 'r["body"]["messages"][2]["content"] == "ok \ufffd"')" = True ]
rm -f "$CONF"

# ---- 3. terms_url: never the bundled Terms in its place ----------------------------
new_store data-url
mkdir -p "$T/served"
cp "$TERMS" "$T/served/terms.md"
python3 - "$T/served/sections.md" <<'PY'
import sys
head = "Huge Terms\n\nLast updated: May 1, 2026\n\n"
open(sys.argv[1], "w").write(head + "".join("I. Part %d\n\nText %d.\n\n" % (i, i) for i in range(600)))
PY
python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' >"$T/freeport"
DEAD="http://127.0.0.1:$(cat "$T/freeport")/terms.md"
c=$(chats)
CONFAB_TERMS_URL="$DEAD" run --base-url "$BASE/v1" "hello"
expect_rc 2 "terms_url never fetched and unreachable: an error, not the bundled Terms"
check "the check's failure is said" err_has "warning: cannot fetch $DEAD"
check "the message names the URL" err_has "no Terms have been fetched from terms_url $DEAD"
check "it says what to do" err_has "run 'confab terms update' to fetch them"
check "nothing was sent" [ "$(chats)" = "$c" ]
CONFAB_TERMS_URL="$DEAD" run terms status
expect_rc 2 "terms status says so too"
check "with the same message" err_has "no Terms have been fetched from terms_url"
check "no consent was recorded to anything" [ "$(sql 'SELECT count(*) FROM consent_events')" = 0 ]

# A text past the bounds served at terms_url: said, naming the URL and the bound.
CONFAB_TERMS_URL="$BASE/terms/sections.md" run --base-url "$BASE/v1" "hello"
expect_rc 2 "terms_url serving 600 sections, nothing fetched before: an error"
check "the warning names the URL and the bound" \
	err_has "warning: the text at $BASE/terms/sections.md is not usable Terms: the text has more than 500 sections"
check "and the Terms are not known" err_has "no Terms have been fetched from terms_url $BASE/terms/sections.md"

# A usable text fetched before stays current when the URL later serves an unusable one.
export CONFAB_TERMS_URL="$BASE/terms/terms.md"
run terms update
expect_rc 0 "a usable text is fetched"
accept_terms
python3 - "$T/served/sections.md" "$T/served/terms.md" <<'PY'
import sys
open(sys.argv[2], "w").write(open(sys.argv[1]).read())
PY
touch -d '+1 minute' "$T/served/terms.md"
sql "UPDATE meta SET value = '2000-01-01T00:00:00.000Z' WHERE key LIKE 'terms_url.checked %'"
run --base-url "$BASE/v1" "hello"
expect_rc 0 "an unusable new text does not replace the one fetched before"
check "the warning names the URL and the bound" \
	err_has "warning: the text at $BASE/terms/terms.md is not usable Terms: the text has more than 500 sections"
check "and says which version stays current" err_has "the version fetched before ("

# A stored text past today's bounds (fetched before the bounds existed): an error.
python3 - "$DB" "$T/served/sections.md" "$CONFAB_TERMS_URL" <<'PY'
import hashlib, sqlite3, sys
body = open(sys.argv[2], "rb").read()
sha = hashlib.sha256(body).hexdigest()
db = sqlite3.connect(sys.argv[1])
db.execute("INSERT INTO terms_versions VALUES (?, 'May 1, 2026', ?, ?, '2025-01-01T00:00:00.000Z')",
           (sha, body.decode(), sys.argv[3]))
db.execute("UPDATE meta SET value = ? WHERE key = ?", (sha, "terms_url.sha256 " + sys.argv[3]))
db.commit()
PY
c=$(chats)
run --base-url "$BASE/v1" "hello"
expect_rc 2 "a stored terms_url text past the bounds: an error, not the bundled Terms"
check "the message names the URL and the bound" \
	err_has "the Terms fetched from terms_url $CONFAB_TERMS_URL (version"
check "it names the bound" err_has "the text has more than 500 sections"
check "it says the bundled Terms are not used instead" err_has "does not use the bundled Terms in their place"
check "nothing was sent" [ "$(chats)" = "$c" ]
# The URL serves the usable text again: fetched whole (a 304 would keep the unusable one).
cp "$TERMS" "$T/served/terms.md"
run terms update
expect_rc 0 "terms update after the stored text became unusable"
check "it was a full fetch, not revalidated" \
	sh -c "tail -n 1 '$T/requests.log' | grep -qv 'if-none-match'"
run --base-url "$BASE/v1" "hello"
expect_rc 0 "the usable text is current again (it was accepted before)"
unset CONFAB_TERMS_URL

# ---- 4. a ledger without its head file -------------------------------------------
# forge_accept SHA: a plain SQL accept event with a correctly computed hash and link.
forge_accept() {
	python3 - "$DB" "$1" <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
prev = db.execute("SELECT hash FROM consent_events ORDER BY id DESC LIMIT 1").fetchone()[0]
ev = dict(prev_hash=prev, kind="accept", terms_sha256=sys.argv[2], terms_date="June 1, 2025",
          method="forged", age_answer="yes", at="2026-01-01T00:00:00.000Z", os_user="x",
          client_version="confab 0", shown_bytes=None, total_bytes=None, duration_ms=None,
          viewer=None, detail=None)
h = b"confab-ledger-v1\n"
for k, v in ev.items():
    if v is None:
        h += b"%s=-\n" % k.encode()
    elif isinstance(v, int):
        h += b"%s=%d\n" % (k.encode(), v)
    else:
        h += b"%s=%d:%s\n" % (k.encode(), len(v.encode()), v.encode())
ev["hash"] = hashlib.sha256(h).hexdigest()
db.execute("INSERT INTO consent_events (%s) VALUES (%s)" % (", ".join(ev), ", ".join("?" * len(ev))),
           list(ev.values()))
db.commit()
PY
}

# The attack: withdraw, forge an accept, delete the head file.
new_store data-attack
accept_terms
run --base-url "$BASE/v1" "hello"
expect_rc 0 "a store of today: the gate opens"
check "its head file is there" [ -s "$HEAD" ]
check "and the store is marked as keeping one" [ "$(meta_since)" = 1 ]
run terms withdraw
sha=$("$CONFAB" terms status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["current"]["sha256"])')
forge_accept "$sha"
rm -f "$HEAD"
c=$(chats)
run --base-url "$BASE/v1" "hello"
expect_rc 3 "a forged accept plus a deleted head file fails closed"
check "the message names the missing head file" err_has "head file '$HEAD' is missing"
check "the message names 'confab terms verify'" err_has "confab terms verify"
check "the message says how to recover" err_has "confab terms verify --repair-head"
check "nothing was sent" [ "$(chats)" = "$c" ]
run terms verify
expect_rc 1 "terms verify fails on the missing head file"
check "and says so" err_has "is missing, but this ledger has kept one since"
accept_terms
run --base-url "$BASE/v1" "hello"
expect_rc 0 "accepting again (a new head file) opens the gate"

# A head file removed by hand: --repair-head checks the ledger and writes it again.
rm -f "$HEAD"
run --base-url "$BASE/v1" "hello"
expect_rc 3 "a removed head file closes the gate"
run terms verify --repair-head
expect_rc 0 "terms verify --repair-head on an intact ledger"
check "it says it wrote the head file" out_has "was written again from the newest event"
check "the head file is back" [ -s "$HEAD" ]
run --base-url "$BASE/v1" "hello"
expect_rc 0 "the gate opens again"

# The upgrade: a store from before the head file (neither the file nor the mark).
new_store data-old
accept_terms
rm -f "$HEAD"
sql "DELETE FROM meta WHERE key = 'ledger.head_file_since'"
run --base-url "$BASE/v1" "hello"
expect_rc 0 "a store from before the head file keeps working"
check "its head file is written once" [ -s "$HEAD" ]
check "and the store is marked" [ "$(meta_since)" = 1 ]
run terms verify
expect_rc 0 "terms verify is content with it"
rm -f "$HEAD"
run --base-url "$BASE/v1" "hello"
expect_rc 3 "from then on, a missing head file fails closed"

# A store whose head file predates the mark: marked on the next check.
new_store data-mid
accept_terms
sql "DELETE FROM meta WHERE key = 'ledger.head_file_since'"
run --base-url "$BASE/v1" "hello"
expect_rc 0 "a store with a head file but no mark works"
check "and is marked" [ "$(meta_since)" = 1 ]
rm -f "$HEAD"
run --base-url "$BASE/v1" "hello"
expect_rc 3 "then a deleted head file fails closed"

# ---- 5. terms show: canonical bytes to a pipe, the shown form on a terminal -------
ESCTERMS="$T/esc-terms.md"
{ sed -n '1,3p' "$TERMS"; printf 'A title escape: \033]0;pwned\007 and a bell \007.\n'; sed '1,3d' "$TERMS"; } >"$ESCTERMS"
WANT=$("$CONFAB" terms status --json --terms-file "$ESCTERMS" |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["current"]["sha256"])')
"$CONFAB" terms show --terms-file "$ESCTERMS" >"$T/shown" 2>"$T/err" </dev/null
RC=$?
expect_rc 0 "terms show to a file"
check "to a pipe or file: the bytes the version hash is of" \
	[ "$(sha256sum <"$T/shown" | cut -d' ' -f1)" = "$WANT" ]
check "with the escape as it is" grep -q "$(printf '\033]0;pwned')" "$T/shown"
tmux_start hardening-more-show "PAGER='cat >$T/paged' '$CONFAB' terms show --terms-file '$ESCTERMS'"
check "on a terminal it ends" wait_for hardening-more-show "[exit 0]"
check "on a terminal the pager gets the shown form: the escape made visible" \
	grep -q 'A title escape: \^\[\]0;pwned\^G and a bell \^G\.' "$T/paged"
check "and no raw ESC" sh -c "! grep -q \"\$(printf '\\033')\" '$T/paged'"


# ---- a config's URL in an error message -----------------------------------------
# confab's own messages quote the config (a URL, a path): an escape in it shows as
# ^[ and never acts on the terminal.
new_store esc-url
printf '[profile esc]\nbase_url = http://127.0.0.1:1/\033]0;pwned\007/v1\n' >"$T/esc.conf"
run_dog --config "$T/esc.conf" -p esc "hi"
check "an escape in a configured URL is not written to stderr" \
	sh -c "! grep -q \"\$(printf '\033')\" '$T/err' && ! grep -q \"\$(printf '\007')\" '$T/err'"
check "... it is shown as ^[ instead" grep -qF '/^[]0;pwned^G/v1' "$T/err"

done_testing
