#!/bin/sh
# Benchmarks for the conversation history (confab log, resuming), written to
# bench/RESULTS-log.md with the command lines.
#
#   sh bench/log.sh [BUILD_DIR]     (default: build)
#
# Needs hyperfine and sqlite3. Builds a store of 1,000 conversations of 100
# messages (100,000 messages, indexed by the FTS5 triggers) plus one of
# 10,000 messages, straight in SQL, then times listing, showing, searching
# and resuming. The fake API server runs on loopback with no pause between
# writes. Timing belongs here, never in the test suite.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
out="$top/bench/RESULTS-log.md"
tmp=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill $server 2>/dev/null; rm -rf "$tmp"' EXIT
# A copy, so a rebuild of the build directory during the run cannot disturb it.
cp "$build/confab" "$tmp/confab"
confab="$tmp/confab"

export XDG_CONFIG_HOME="$tmp/c" XDG_DATA_HOME="$tmp/d" XDG_STATE_HOME="$tmp/s"
export CONFAB_DATADIR="$top/assets" LC_ALL=C.UTF-8
unset DASHSCOPE_API_KEY NO_COLOR
db="$XDG_DATA_HOME/confab/confab.db"

python3 "$top/tests/server/fakeapi.py" --port-file "$tmp/port" --log /dev/null --pause 0 \
	--max-seconds 1800 &
server=$!
while [ ! -s "$tmp/port" ]; do sleep 0.05; done
base="http://127.0.0.1:$(cat "$tmp/port")"
sha=$("$confab" terms status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["current"]["sha256"])')
"$confab" terms accept --sha256 "$sha" --adult -q

# ---- the store ------------------------------------------------------------------
# Prompts of about 80 bytes and answers of about 600 (English and Chinese), so the
# trigram index has realistic work. Conversation 1000 is the most recently updated.
start=$(date +%s.%N)
sqlite3 "$db" >/dev/null <<'EOF'
PRAGMA journal_mode = WAL;
BEGIN;
WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 1000)
INSERT INTO conversations (id, started, updated, title, model, base_url)
SELECT n, strftime('%Y-%m-%dT%H:%M:%S.000Z', 1700000000 + n * 3600, 'unixepoch'),
       strftime('%Y-%m-%dT%H:%M:%S.000Z', 1700000000 + n * 3600 + 600, 'unixepoch'),
       'Question ' || n || ' about the weather in city ' || (n % 37), 'qwen-plus',
       'https://dashscope-intl.aliyuncs.com/compatible-mode/v1'
FROM c;
WITH RECURSIVE m(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM m WHERE n < 99999)
INSERT INTO messages (conversation_id, role, content, model, created, status, finish_reason,
                      prompt_tokens, completion_tokens, total_tokens, latency_ms, duration_ms)
SELECT n / 100 + 1, CASE n % 2 WHEN 0 THEN 'user' ELSE 'assistant' END,
       CASE n % 2
       WHEN 0 THEN 'Question ' || n || ': what is the weather like in city ' || (n % 37) ||
                   ' this week, and should I bring an umbrella?'
       ELSE 'Answer ' || n || ': the forecast for city ' || (n % 37) || ' says ' ||
            CASE n % 3 WHEN 0 THEN 'rain on Tuesday and Wednesday' WHEN 1 THEN 'sun all week'
            ELSE '多云转晴，周末有小雨' END ||
            '. ' || replace(hex(randomblob(40)), '0', ' ') || ' Temperatures stay between ' ||
            (n % 11) || ' and ' || (n % 11 + 9) || ' degrees. ' ||
            'Bring layers; the wind picks up in the evening near the river and the old town. ' ||
            '今天天气不错，适合出门散步，但是晚上会降温，请注意保暖。' ||
            'Check the local service before you travel, because forecasts change quickly.'
       END, 'qwen-plus',
       strftime('%Y-%m-%dT%H:%M:%S.000Z', 1700000000 + (n / 100 + 1) * 3600 + n % 100, 'unixepoch'),
       'complete', CASE n % 2 WHEN 1 THEN 'stop' END, 50, 120, 170, 300, 2000
FROM m;
INSERT INTO conversations (id, started, updated, title, model, base_url)
VALUES (1001, '2023-01-01T00:00:00.000Z', '2023-01-01T00:00:00.000Z',
        'A conversation of 10,000 messages', 'qwen-plus', 'https://example.invalid/v1');
WITH RECURSIVE m(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM m WHERE n < 9999)
INSERT INTO messages (conversation_id, role, content, model, created, status)
SELECT 1001, CASE n % 2 WHEN 0 THEN 'user' ELSE 'assistant' END,
       'Message ' || n || ' of the long conversation: ' || replace(hex(randomblob(24)), '0', ' '),
       'qwen-plus', '2023-01-01T00:00:00.000Z', 'complete'
FROM m;
COMMIT;
EOF
built=$(awk "BEGIN { print $(date +%s.%N) - $start }")
size=$(du -k "$db" | cut -f1)
nconv=$(sqlite3 "$db" 'SELECT count(*) FROM conversations')
nmsg=$(sqlite3 "$db" 'SELECT count(*) FROM messages')

# hyperfine -N (no shell) with the command lines as given; results appended as Markdown.
bench() {
	_title=$1
	shift
	echo "## $_title"
	hyperfine -N --warmup 3 --export-markdown "$tmp/h.md" "$@"
	{
		echo
		echo "### $_title"
		echo
		sed "s|$confab|confab|g; s|$base|\$BASE|g" "$tmp/h.md"
	} >>"$tmp/results"
}

: >"$tmp/results"
bench "Listing 1,001 conversations" --runs 50 \
	"$confab log list" "$confab log list --json"
bench "Showing a conversation of 100 messages" --runs 50 \
	"$confab log show 500" "$confab log show 500 --json" "$confab log export 500 --format markdown"
bench "Showing a conversation of 10,000 messages (streamed row by row)" --runs 20 \
	"$confab log show 1001" "$confab log show 1001 --json"
bench "Searching 110,000 messages" --runs 20 \
	"$confab log search umbrella" "$confab log search 多云转晴" "$confab log search 晴" \
	"$confab log search zzzz-no-match"
bench "Resuming a conversation (one-shot, fake server on loopback)" --runs 30 \
	"$confab -c --no-log --base-url $base/v1 hi" \
	"$confab --conversation 1001 --no-log --base-url $base/v1 hi" \
	"$confab --no-log --base-url $base/v1 hi"

{
	echo "# Conversation history benchmarks"
	echo
	echo "Written by \`sh bench/log.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'):"
	echo "$(uname -sm), $(nproc) cores, SQLite $(sqlite3 --version | cut -d' ' -f1),"
	echo "confab built in \`$(basename "$build")\` ($(sed -n 's/^CFLAGS = //p' "$build/Makefile" 2>/dev/null || echo '?'))."
	echo "Other work may have been running on the machine; the spread shows it."
	echo
	echo "The store: $nconv conversations, $nmsg messages ($((size / 1024)) MiB with the"
	echo "trigram index), generated with sqlite3 in $(printf '%.1f' "$built") s: conversations"
	echo "1 to 1000 have 100 messages each (prompts of about 80 bytes, answers of about 500 in"
	echo "English and Chinese), conversation 1000 is the most recently updated (the one \`-c\`"
	echo "resumes), conversation 1001 has 10,000 messages. Commands run with hyperfine -N"
	echo "(no shell), stdout to /dev/null; the fake API server (\`tests/server/fakeapi.py"
	echo "--pause 0\`) answers at \$BASE. The last resume line is a fresh one-shot for"
	echo "comparison."
	cat "$tmp/results"
} >"$out"
echo "wrote $out"
