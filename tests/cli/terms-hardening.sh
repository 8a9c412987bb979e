#!/bin/sh
# Terms hardening: escapes in a served Terms text never reach the terminal;
# absurd Terms texts are refused quickly; the gate does not open on a forged
# ledger event.
. "$TOP_SRCDIR/tests/cli/lib.sh"

ESC=$(printf '\033')

# raw_lacks FILE [curses]: FILE holds none of the sequences planted in the
# evil Terms (but ESC [ 2 J, BEL, which curses sends itself, with curses).
raw_lacks() {
	python3 - "$1" "${2:-}" <<'EOF'
import sys
data = open(sys.argv[1], "rb").read()
bad = [b"\x1b]0;", b"\x1b]52;", b"\x1b]8;;", b"\x1b[41;97m", b"\xc2\x9b"]
if sys.argv[2] != "curses":
    bad += [b"\x1b[2J", b"\x07"]
found = [b for b in bad if b in data]
if found:
    print("# found:", found)
sys.exit(1 if found else 0)
EOF
}
# raw_has FILE TEXT: FILE holds TEXT (bytes).
raw_has() {
	python3 -c 'import sys; sys.exit(0 if sys.argv[2].encode() in open(sys.argv[1], "rb").read() else 1)' "$1" "$2"
}
# no_esc: the last run printed no ESC byte at all (stdout and stderr are not terminals).
no_esc() { ! has "$OUT$ERR" "$ESC"; }

mkdir -p "$T/served"
cp "$TERMS" "$T/served/terms.md"
start_server
check "the fake server started" [ -n "$PORT" ]
export CONFAB_TERMS_URL="$BASE/terms/terms.md"
ENVS="env CONFAB_TERMS_URL=$CONFAB_TERMS_URL XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_DATA_HOME=$XDG_DATA_HOME XDG_STATE_HOME=$XDG_STATE_HOME CONFAB_DATADIR=$CONFAB_DATADIR HOME=$HOME LC_ALL=C.UTF-8 TERM=xterm-256color"
run terms update
expect_rc 0 "the first update"
accept_terms

# ---- 1. a Terms text with live escapes: title, date, a heading, a paragraph --------
python3 - "$TERMS" "$T/served/terms.md" <<'EOF'
import sys
t = open(sys.argv[1], "rb").read()
t = t.replace(b"Qwen Chat Terms of Service", b"\x1b]0;evil-title\x07Qwen Chat Terms of Service", 1)
t = t.replace(b"Last updated: March 1, 2025", b"Last updated: June 1, 2025\x1b[41;97m", 1)
t = t.replace(b"\nIII. User Content\n", b"\nIII. User Content\x1b]52;c;ZXZpbA==\x07\n", 1)
t = t.replace(b"4. Third Party Services.", b"4. Third Party Services.\x1b[2J\x1b[41;97mred\x1b[0m "
              b"\x1b]8;;http://evil.example/\x07link\x1b]8;;\x07 \xc2\x9b6n", 1)
open(sys.argv[2], "wb").write(t)
EOF
touch -d '+1 minute' "$T/served/terms.md"
run terms update
expect_rc 0 "a served text with escapes is recorded (its bytes are the version)"
check "update shows the date with its escape made visible" out_has "June 1, 2025^[[41;97m"
check "update prints no escape" no_esc
check "the stored text keeps its bytes (they are what was hashed)" \
	[ "$(sql "SELECT count(*) FROM terms_versions WHERE instr(body, char(27) || ']52;') > 0")" = 1 ]

run terms status
expect_rc 3 "status with the escaped Terms outdated"
check "status names the changed heading, escapes visible" out_has "III. User Content^[]52;c;ZXZpbA==^G"
check "status shows the title, escapes visible" out_has "^[]0;evil-title^GQwen Chat Terms"
check "status prints no escape" no_esc

run terms diff
expect_rc 0 "terms diff"
check "diff shows the changed paragraph, escapes visible" out_has "4. Third Party Services.^[[2J^[[41;97mred"
check "diff shows C1 controls visibly" out_has "<U+009B>6n"
check "diff prints no escape" no_esc
"$CONFAB" terms diff >"$T/diff.raw" 2>&1
check "diff output has none of the planted sequences" raw_lacks "$T/diff.raw"

run "a prompt"
expect_rc 3 "the gate refuses the changed Terms"
check "the gate's message names the heading without its escapes" err_has "III. User Content^[]52;"
check "the gate's message prints no escape" no_esc

# The review in line mode, on a terminal: every byte it writes is captured.
tmux_start hard-rv "while [ ! -e $T/go-rv ]; do sleep 0.05; done; $ENVS $CONFAB terms"
tm hard-rv pipe-pane -o "cat >>$T/review.raw"
touch "$T/go-rv"
wait_for hard-rv "or press Enter to go on:" && ok "the review shows what changed" || not_ok "the review shows what changed"
check "the review shows the changed paragraph, escapes visible" raw_has "$T/review.raw" "^[]8;;http://evil.example/^Glink"
check "the review's output has none of the planted sequences" raw_lacks "$T/review.raw"
tmux_keys hard-rv "read" Enter
wait_for hard-rv "q: stop reading" && ok "read shows the full text" || not_ok "read shows the full text"
check "the full text shows the title, escapes visible" raw_has "$T/review.raw" "^[]0;evil-title^GQwen Chat Terms"
check "the full text in the review has none of the planted sequences" raw_lacks "$T/review.raw"
tm hard-rv kill-server 2>/dev/null

# The full-screen UI's consent screen, on a terminal.
tmux_start hard-ui "while [ ! -e $T/go-ui ]; do sleep 0.05; done; $ENVS $CONFAB --base-url $BASE/v1"
tm hard-ui pipe-pane -o "cat >>$T/ui.raw"
touch "$T/go-ui"
wait_for hard-ui "III. User Content^[]52;" && ok "the consent screen lists the heading, escapes visible" || not_ok "the consent screen lists the heading, escapes visible"
check "the consent screen's output has none of the planted sequences" raw_lacks "$T/ui.raw" curses
tm hard-ui kill-server 2>/dev/null

# ---- 2. absurd Terms texts are refused, quickly --------------------------------------
python3 - "$T/served" <<'EOF'
import sys
d = sys.argv[1]
head = "Huge Terms\n\nLast updated: May 1, 2026\n\n"
open(d + "/sections.md", "w").write(head + "".join("I. Part %d\n\nText %d.\n\n" % (i, i) for i in range(30000)))
open(d + "/big.md", "w").write(head + ("A line of text that is long enough.\n" * 40000))
open(d + "/line.md", "w").write(head + "I. One\n\n" + "x" * 20000 + "\n")
EOF
s=$(date +%s)
CONFAB_TERMS_URL="$BASE/terms/sections.md" run terms update
e=$(date +%s)
expect_rc 1 "a Terms text of 30,000 sections is refused"
check "the refusal says why" err_has "more than 500 sections"
check "and that nothing was recorded" err_has "nothing was recorded"
check "the refusal is quick (under 5 s)" [ $((e - s)) -lt 5 ]
run --terms-file "$T/served/sections.md" terms status
expect_rc 2 "a Terms file of 30,000 sections is refused"
check "the refusal names the file and why" err_has "sections.md' is not usable: the text has more than 500 sections"
CONFAB_TERMS_URL="$BASE/terms/big.md" run terms update
expect_rc 1 "a Terms text over 1 MiB is refused"
check "the refusal says it is too large" err_has "larger than 1048576 bytes, more than a Terms text can be"
CONFAB_TERMS_URL="$BASE/terms/line.md" run terms update
expect_rc 1 "a Terms text with a 20,000-byte line is refused"
check "the refusal names the line" err_has "line 7 is 20000 bytes long"

# ---- 3. a forged accept event does not open the gate -----------------------------------
accept_terms
run --base-url "$BASE/v1" "hello"
expect_rc 0 "a normal accept opens the gate"
run terms withdraw
expect_rc 0 "withdraw"
run --base-url "$BASE/v1" "hello"
expect_rc 3 "withdrawn: the gate is closed"
sha=$("$CONFAB" terms status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["current"]["sha256"])')
chats() { grep -c chat/completions "$T/requests.log"; }

# A forged accept with a correct hash and link: only the head file can tell.
python3 - "$DB" "$sha" <<'EOF'
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
EOF
c=$(chats)
run --base-url "$BASE/v1" "hello"
expect_rc 3 "a forged accept with a valid hash fails closed"
check "the message says the ledger cannot be trusted" err_has "the consent ledger cannot be trusted"
check "the message names the head file's disagreement" err_has "head recorded beside the store"
check "the message names 'confab terms verify'" err_has "confab terms verify"
check "nothing was sent" [ "$(chats)" = "$c" ]

# A forged accept with a made-up hash (a plain SQL INSERT).
prev=$(sql "SELECT hash FROM consent_events ORDER BY id DESC LIMIT 1")
sql "INSERT INTO consent_events (kind, terms_sha256, terms_date, at, prev_hash, hash) VALUES ('accept', '$sha', 'June 1, 2025', '2026-01-01T00:00:01.000Z', '$prev', '$(printf '%064d' 7)')"
run --base-url "$BASE/v1" "hello"
expect_rc 3 "a forged accept with a made-up hash fails closed"
check "the message says the event does not match its hash" err_has "does not match its hash"
check "the message names 'confab terms verify'" err_has "confab terms verify"
check "nothing was sent" [ "$(chats)" = "$c" ]
run terms verify
expect_rc 1 "terms verify finds the forged events"

# Accepting again records a new head: the gate opens on an event confab wrote.
accept_terms
run --base-url "$BASE/v1" "hello"
expect_rc 0 "after a real accept the gate opens again"

done_testing
