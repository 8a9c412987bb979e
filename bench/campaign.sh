#!/bin/bash
# The store's campaign (issue 15): confab killed with SIGKILL at random moments
# while it streams, and many large answers written at once. Long: not part of
# make check. Results go in bench/RESULTS.md by hand.
#
#   bash bench/campaign.sh [BUILD_DIR]      (default: build)
#   KILLS=50 PARALLEL=32 SCENARIO=big4m bash bench/campaign.sh
#
# Reports, all of which must be 0: rows lost (a killed or finished run whose
# prompt or answer row is missing), rows left streaming once confab has started
# again, answers stored with bytes that are not the server's, parallel runs that
# did not exit 0 or whose answer is not stored complete and whole, and the checks
# (confab terms verify, PRAGMA integrity_check) that failed.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
confab="$build/confab"
kills=${KILLS:-50}
parallel=${PARALLEL:-32}
scenario=${SCENARIO:-big4m}
tmp=$(mktemp -d)
servers=""
trap 'for p in $servers; do kill $p 2>/dev/null; done; rm -rf "$tmp"' EXIT

export XDG_CONFIG_HOME="$tmp/c" XDG_DATA_HOME="$tmp/d" XDG_STATE_HOME="$tmp/s"
export HOME="$tmp/h" CONFAB_DATADIR="$top/assets" LC_ALL=C.UTF-8
unset DASHSCOPE_API_KEY CONFAB_BASE_URL CONFAB_PROFILE
mkdir -p "$HOME"
db="$XDG_DATA_HOME/confab/confab.db"

# serve NAME PAUSE: a fake server; sets the variable NAME to its base URL.
serve() {
	python3 "$top/tests/server/fakeapi.py" --port-file "$tmp/port.$1" --log /dev/null \
		--pause "$2" --max-seconds 7200 2>"$tmp/server.$1.err" &
	servers="$servers $!"
	while [ ! -s "$tmp/port.$1" ]; do sleep 0.05; done
	eval "$1=http://127.0.0.1:$(cat "$tmp/port.$1")/s/$scenario/v1"
}
serve base 0	# as fast as it can: a big4m answer streams for about a second
kill_ms=${KILL_MS:-1000}	# kill at a random moment up to this long after the first byte

sha=$("$confab" terms status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["current"]["sha256"])')
"$confab" terms accept --sha256 "$sha" --adult -q
python3 "$top/tests/server/fakeapi.py" --expect "$scenario" --prompt x >"$tmp/expected"
q() { sqlite3 -cmd ".timeout 60000" "$db" "$@"; }

# ---- kill -9 at random moments while streaming -----------------------------------

echo "## one-shot confab ($scenario) killed with SIGKILL at a random moment while it streams, until $kills were"
finished=0
failed=0
killed=0
i=0
t0=$(date +%s)
while [ "$killed" -lt "$kills" ]; do
	i=$((i + 1))
	: >"$tmp/kill.out.$i"
	"$confab" --base-url "$base" "kill run $i" >"$tmp/kill.out.$i" 2>"$tmp/kill.err.$i" </dev/null &
	pid=$!
	# Wait for the answer to start (its rows exist), then a random moment.
	while [ ! -s "$tmp/kill.out.$i" ] && kill -0 "$pid" 2>/dev/null; do sleep 0.005; done
	sleep "$(awk -v r="$RANDOM" -v m="$kill_ms" 'BEGIN { printf "%.3f", (r % m) / 1000 }')"
	if kill -9 "$pid" 2>/dev/null; then
		wait "$pid" 2>/dev/null
		killed=$((killed + 1))
	else
		wait "$pid" 2>/dev/null
		rc=$?
		finished=$((finished + 1))
		[ "$rc" = 0 ] || { failed=$((failed + 1)); echo "run $i exited $rc:"; cat "$tmp/kill.err.$i"; }
	fi
	# Every few kills a confab starts at once (it recovers what it can see).
	[ $((i % 10)) = 0 ] && "$confab" log list >/dev/null 2>&1
done
runs=$i
echo "runs: $runs in $(($(date +%s) - t0)) s: $killed killed while streaming, $finished finished before their kill ($failed of them with an exit status other than 0)"
streaming_before=$(q "SELECT count(*) FROM messages WHERE status = 'streaming'")
"$confab" log list >/dev/null 2>&1	# the next start
lost=0
for i in $(seq 1 "$runs"); do
	n=$(q "SELECT count(*) FROM messages m JOIN messages a ON a.conversation_id = m.conversation_id AND a.role = 'assistant' WHERE m.role = 'user' AND m.content = 'kill run $i'")
	[ "$n" = 1 ] || { lost=$((lost + 1)); echo "run $i lost ($n rows); its stderr:"; cat "$tmp/kill.err.$i"; }
done
left=$(q "SELECT count(*) FROM messages WHERE status = 'streaming'")
interrupted=$(q "SELECT count(*) FROM messages WHERE status = 'interrupted'")
# Each interrupted answer must be a prefix of the server's answer: nothing garbled.
bad=$(python3 - "$db" "$tmp/expected" <<'EOF'
import sqlite3, sys
want = open(sys.argv[2], "rb").read()
db = sqlite3.connect(sys.argv[1], timeout=60)
bad = 0
for (content, status) in db.execute("SELECT CAST(content AS BLOB), status FROM messages "
        "WHERE role = 'assistant' AND content LIKE '0000000%'"):
    if not want.startswith(content) or (status == "complete" and content != want):
        bad += 1
print(bad)
EOF
)
echo "rows streaming just before the last start: $streaming_before"
echo "rows lost: $lost"
echo "rows left streaming after the next start: $left"
echo "answers marked interrupted: $interrupted"
echo "answers stored with bytes not the server's: $bad"

# ---- many large answers at once --------------------------------------------------

echo "## $parallel one-shot confab at once, each a $scenario answer"
before=$(q "SELECT count(*) FROM messages WHERE role = 'assistant' AND status = 'complete'")
t0=$(date +%s)
pids=""
for i in $(seq 1 "$parallel"); do
	"$confab" --base-url "$base" "parallel run $i" >"$tmp/par.$i" 2>"$tmp/par.err.$i" </dev/null &
	pids="$pids $!"
done
nonzero=0
for p in $pids; do wait "$p" || nonzero=$((nonzero + 1)); done
echo "parallel runs: $parallel in $(($(date +%s) - t0)) s"
printed=0
for i in $(seq 1 "$parallel"); do cmp -s "$tmp/par.$i" "$tmp/expected" || printed=$((printed + 1)); done
len=$(wc -c <"$tmp/expected")
stored=$(q "SELECT count(*) FROM messages WHERE role = 'assistant' AND status = 'complete' AND length(CAST(content AS BLOB)) = $len")
stored=$((stored - before))
[ "$nonzero" = 0 ] || { echo "stderr of the failed runs:"; cat "$tmp"/par.err.* | sort | uniq -c | head -20; }
echo "runs that did not exit 0: $nonzero"
echo "answers not printed whole: $printed"
echo "answers not stored complete and whole: $((parallel - stored))"
echo "rows left streaming: $(q "SELECT count(*) FROM messages WHERE status = 'streaming'")"

# ---- checks ----------------------------------------------------------------------

echo "## checks"
"$confab" terms verify >/dev/null 2>&1
echo "confab terms verify: exit $?"
echo "PRAGMA integrity_check: $(q 'PRAGMA integrity_check')"
echo "store: $(du -h "$db" | cut -f1), $(q 'SELECT count(*) FROM messages') messages"
