#!/bin/sh
# How the conversation history scales: stores of 1,000, 10,000 and 100,000
# conversations (10 messages each, plus the latest one of 10,000 messages),
# generated straight in SQL, then the median wall time of `log list`,
# `log search` (ASCII and CJK, trigram FTS5 and the LIKE scan) and resuming
# with -c (a one-shot against the fake server, --no-stream; the same with
# --no-log for comparison). Figures go to stdout as a Markdown table.
#
#   sh bench/scale.sh [--tiny] [CONFAB] [SIZES...]   (default: build/confab 1000 10000 100000)
#
# --tiny: one store of 20 conversations (with 200 messages in the latest),
# one run each: what make check runs (tests/cli/store-stream.sh) to keep the
# script working; it asserts no time. Needs sqlite3 and python3. KEEP=FILE
# keeps the last store (in FILE) to look at afterwards.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
tiny=0
if [ "${1:-}" = --tiny ]; then
	tiny=1
	shift
fi
confab_in=${1:-$top/build/confab}
[ $# -gt 0 ] && shift
if [ $tiny = 1 ]; then
	set -- 20
	long=200 runs=1
else
	[ $# -gt 0 ] || set -- 1000 10000 100000
	long=10000 runs=${RUNS:-7}
fi
tmp=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill $server 2>/dev/null; rm -rf "$tmp"' EXIT
cp "$confab_in" "$tmp/confab"
confab="$tmp/confab"

export XDG_CONFIG_HOME="$tmp/c" XDG_DATA_HOME="$tmp/d" XDG_STATE_HOME="$tmp/s"
export CONFAB_DATADIR="$top/assets" LC_ALL=C.UTF-8
unset DASHSCOPE_API_KEY NO_COLOR CONFAB_PROFILE CONFAB_BASE_URL CONFAB_MODEL
db="$XDG_DATA_HOME/confab/confab.db"

python3 "$top/tests/server/fakeapi.py" --port-file "$tmp/port" --log /dev/null --pause 0 \
	--max-seconds 3600 &
server=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
base="http://127.0.0.1:$(cat "$tmp/port")"

# median N CMD...: the median wall time of N runs of CMD, and their median CPU time
# (user + system), in ms (stdout discarded): "WALL (CPU)".
median() {
	python3 - "$@" <<'PY'
import subprocess, sys, time
n, cmd = int(sys.argv[1]), sys.argv[2:]
import resource
t, c = [], []
for _ in range(n):
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    s = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    t.append((time.perf_counter() - s) * 1000)
    v = resource.getrusage(resource.RUSAGE_CHILDREN)
    c.append((v.ru_utime + v.ru_stime - u.ru_utime - u.ru_stime) * 1000)
    if r.returncode != 0:
        sys.exit("%s: exit %d: %s" % (" ".join(cmd), r.returncode, r.stderr.decode()[-300:]))
t.sort()
c.sort()
print("%.1f (%.0f)" % (t[len(t) // 2], c[len(c) // 2]))
PY
}

# build N: a fresh store of N conversations of 10 messages, and conversation N + 1
# (the latest) of $long messages. Answers mix English and Chinese; one message in
# 9,973 holds the rare words searched for.
build() {
	rm -rf "$XDG_DATA_HOME"
	"$confab" terms accept --sha256 "$sha" --adult -q
	sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < $1)
INSERT INTO conversations (id, started, updated, title, model, base_url)
SELECT n, strftime('%Y-%m-%dT%H:%M:%S.000Z', 1600000000 + n * 60, 'unixepoch'),
       strftime('%Y-%m-%dT%H:%M:%S.000Z', 1600000000 + n * 60 + 30, 'unixepoch'),
       'Question ' || n || ' about the weather in city ' || (n % 37), 'qwen-plus',
       'https://dashscope-intl.aliyuncs.com/compatible-mode/v1'
FROM c;
WITH RECURSIVE m(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM m WHERE n < $1 * 10 - 1)
INSERT INTO messages (conversation_id, role, content, model, created, status)
SELECT n / 10 + 1, CASE n % 2 WHEN 0 THEN 'user' ELSE 'assistant' END,
       CASE n % 2
       WHEN 0 THEN 'Question ' || n || ': what is the weather like in city ' || (n % 37) || '?'
       ELSE 'Answer ' || n || ': the forecast for city ' || (n % 37) || ' says ' ||
            CASE n % 3 WHEN 0 THEN 'rain on Tuesday' WHEN 1 THEN 'sun all week'
            ELSE '多云转晴，周末有小雨' END ||
            CASE WHEN n % 9973 = 1 THEN ' zebrafinch 鹦鹉螺号' ELSE '' END ||
            '. 今天天气不错，适合出门散步，但是晚上会降温。Bring layers.'
       END, 'qwen-plus',
       strftime('%Y-%m-%dT%H:%M:%S.000Z', 1600000000 + (n / 10 + 1) * 60 + n % 10, 'unixepoch'),
       'complete'
FROM m;
INSERT INTO conversations (id, started, updated, title, model, base_url)
VALUES ($1 + 1, '2030-01-01T00:00:00.000Z', '2030-01-01T00:00:00.000Z',
        'A conversation of $long messages', 'qwen-plus', '$base/v1');
WITH RECURSIVE m(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM m WHERE n < $long - 1)
INSERT INTO messages (conversation_id, role, content, model, created, status)
SELECT $1 + 1, CASE n % 2 WHEN 0 THEN 'user' ELSE 'assistant' END,
       'Message ' || n || ' of the long conversation: ' || replace(hex(randomblob(24)), '0', ' '),
       'qwen-plus', '2030-01-01T00:00:00.000Z', 'complete'
FROM m;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
}

sha=$("$confab" terms status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["current"]["sha256"])')
echo "| conversations | messages | MiB | build s | log list | log search zebrafinch | log search 鹦鹉螺号 (FTS5) | log search 小雨 (LIKE) | log search 晴 (LIKE) | -c --no-stream (resume $long) | --no-log, no resume |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for n in "$@"; do
	t0=$(date +%s.%N)
	build "$n"
	t1=$(date +%s.%N)
	msgs=$(sqlite3 "$db" 'SELECT count(*) FROM messages')
	mib=$(( $(du -k "$db" | cut -f1) / 1024 ))
	list=$(median "$runs" "$confab" log list)
	s1=$(median "$runs" "$confab" log search zebrafinch)
	s2=$(median "$runs" "$confab" log search 鹦鹉螺号)
	s3=$(median "$runs" "$confab" log search 小雨)
	s4=$(median "$runs" "$confab" log search 晴)
	# Each resume adds two messages to the latest conversation: it stays the one resumed.
	res=$(median "$runs" "$confab" -c --no-stream --base-url "$base/v1" x)
	fresh=$(median "$runs" "$confab" --no-log --no-stream --base-url "$base/v1" x)
	printf '| %s | %s | %s | %.1f | %s | %s | %s | %s | %s | %s | %s |\n' "$n" "$msgs" "$mib" \
		"$(awk "BEGIN { print $t1 - $t0 }")" "$list" "$s1" "$s2" "$s3" "$s4" "$res" "$fresh"
done
# KEEP=FILE: keep the last store there, to look at it afterwards.
[ -z "${KEEP:-}" ] || cp "$db" "$KEEP"
echo
echo "Times are medians of $runs runs in ms: wall (CPU, user + system, of confab alone), stdout"
echo "to /dev/null; $(date -u '+%Y-%m-%d %H:%M UTC'),"
echo "$(uname -sm), $(nproc) cores, SQLite $(sqlite3 --version | cut -d' ' -f1)."
