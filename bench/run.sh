#!/bin/sh
# Benchmarks for confab, recorded in bench/RESULTS.md by hand after a run.
#
#   sh bench/run.sh [BUILD_DIR]     (default: build)
#
# Needs hyperfine and curl. Starts the fake API server on loopback with no
# pause between writes, and compares confab with `curl -sN` on the same
# request. Timing belongs here, never in the test suite.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
confab="$build/confab"
tmp=$(mktemp -d)
trap 'kill $server 2>/dev/null; rm -rf "$tmp"' EXIT

export XDG_CONFIG_HOME="$tmp/c" XDG_DATA_HOME="$tmp/d" XDG_STATE_HOME="$tmp/s"
export CONFAB_DATADIR="$top/assets"
unset DASHSCOPE_API_KEY

python3 "$top/tests/server/fakeapi.py" --port-file "$tmp/port" --log /dev/null --pause 0 \
	--max-seconds 900 &
server=$!
while [ ! -s "$tmp/port" ]; do sleep 0.05; done
base="http://127.0.0.1:$(cat "$tmp/port")"
sha=$("$confab" terms status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["current"]["sha256"])')
"$confab" terms accept --sha256 "$sha" --adult -q

body='{"model":"qwen-plus","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}}'

echo "## start-up"
hyperfine -N --warmup 20 --runs 300 "$confab --version" "$confab terms status"

echo "## a short one-shot query (wall time)"
hyperfine -N --warmup 5 --runs 100 \
	"$confab --base-url $base/v1 hi" \
	"$confab --no-log --base-url $base/v1 hi" \
	"curl -sN -H 'Content-Type: application/json' -d '$body' $base/v1/chat/completions"

echo "## a 4 MiB answer (CPU time: see User and System)"
hyperfine -N --warmup 2 --runs 10 \
	"$confab --base-url $base/s/big4m/v1 hi" \
	"$confab --no-log --base-url $base/s/big4m/v1 hi" \
	"curl -sN -H 'Content-Type: application/json' -d '$body' $base/s/big4m/v1/chat/completions"
