#!/bin/sh
# CPU and memory of confab against `curl -sN` receiving the same 4 MiB answer
# (the fake server's big4m scenario), for a busy machine: instruction counts
# (valgrind --tool=callgrind, which do not depend on the load), `perf stat -r`
# task-clock medians, and peak RSS (/usr/bin/time -v).
#
#   sh bench/cpu.sh [CONFAB] [RUNS]     (default: build/confab, 10)
#
# Needs perf, valgrind, curl and GNU time. Figures go into bench/RESULTS.md by
# hand. Timing belongs here, never in the test suite.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
confab=${1:-$top/build/confab}
runs=${2:-10}
tmp=$(mktemp -d)
trap 'kill $server 2>/dev/null; rm -rf "$tmp"' EXIT

export XDG_CONFIG_HOME="$tmp/c" XDG_DATA_HOME="$tmp/d" XDG_STATE_HOME="$tmp/s"
export CONFAB_DATADIR="$top/assets"
unset DASHSCOPE_API_KEY

python3 "$top/tests/server/fakeapi.py" --port-file "$tmp/port" --log /dev/null --pause 0 \
	--max-seconds 1800 &
server=$!
while [ ! -s "$tmp/port" ]; do sleep 0.05; done
base="http://127.0.0.1:$(cat "$tmp/port")"
sha=$("$confab" terms status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["current"]["sha256"])')
"$confab" terms accept --sha256 "$sha" --adult -q

body='{"model":"qwen-plus","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}}'
url=$base/s/big4m/v1

# The median of the task-clock (ms) of RUNS runs of a command, from perf stat -x.
task_ms() {
	i=0
	while [ $i -lt "$runs" ]; do
		perf stat -x, -e task-clock -o "$tmp/perf" "$@" >/dev/null 2>&1
		sed -n 's/^\([0-9.]*\),msec,task-clock.*/\1/p' "$tmp/perf"
		i=$((i + 1))
	done | sort -n | awk '{ a[NR] = $1 } END { printf "%.1f", a[int((NR + 1) / 2)] }'
}

# Instructions (callgrind's Ir) of one run of a command.
instr() {
	valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" "$@" >/dev/null 2>"$tmp/vg"
	sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/vg"
}

# Peak RSS (KiB) of one run of a command.
rss() {
	/usr/bin/time -v "$@" 2>&1 >/dev/null | sed -n 's/.*Maximum resident set size (kbytes): //p'
}

for what in curl nolog log; do
	case $what in
	curl) set -- curl -sN -H 'Content-Type: application/json' -d "$body" \
		"$url/chat/completions" ;;
	nolog) set -- "$confab" --no-log --base-url "$url" hi ;;
	log) set -- "$confab" --base-url "$url" hi ;;
	esac
	printf '%s\ttask-clock median %s ms\tinstructions %s\tpeak RSS %s KiB\n' "$what" \
	    "$(task_ms "$@")" "$(instr "$@")" "$(rss "$@")"
done
