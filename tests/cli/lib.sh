# lib.sh: shared helpers for the shell tests (sourced). Speaks TAP.
#
# Each test runs the real binary ($CONFAB) in its own XDG directories under a
# fresh temporary directory, so tests never see each other's store or config.

set -u

: "${CONFAB:?CONFAB must name the confab binary (make check sets it)}"
: "${TOP_SRCDIR:?TOP_SRCDIR must be set (make check sets it)}"
: "${CONFAB_DATADIR:=$TOP_SRCDIR/assets}"
export CONFAB_DATADIR

T=$(mktemp -d "${TMPDIR:-/tmp}/confab-test.XXXXXX")
export XDG_CONFIG_HOME="$T/config" XDG_DATA_HOME="$T/data" XDG_STATE_HOME="$T/state"
export HOME="$T/home"
mkdir -p "$HOME"
unset PAGER NO_COLOR CONFAB_PROFILE CONFAB_TERMS_FILE CONFAB_TERMS_URL CONFAB_CONFIG \
	CONFAB_BASE_URL CONFAB_MODEL DASHSCOPE_API_KEY CONFAB_API_KEY_ENV CONFAB_NO_KEY \
	CONFAB_CA_FILE CONFAB_PROXY CURL_CA_BUNDLE SSL_CERT_FILE \
	http_proxy https_proxy all_proxy HTTPS_PROXY ALL_PROXY no_proxy NO_PROXY
export LC_ALL=C.UTF-8
unset LANGUAGE LC_MESSAGES LANG
DB="$XDG_DATA_HOME/confab/confab.db"
TERMS="$TOP_SRCDIR/assets/qwen-chat-terms-2025-03-01.md"

_n=0
RC= OUT= ERR=
_failed=0
_tmux_servers=""

cleanup() {
	for s in $_tmux_servers; do
		tm "$s" kill-server 2>/dev/null
	done
	for p in ${SERVER_PID:-} ${MORE_PIDS:-}; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT

ok() {
	_n=$((_n + 1))
	echo "ok $_n - $*"
}

not_ok() {
	_n=$((_n + 1))
	_failed=$((_failed + 1))
	echo "not ok $_n - $*"
}

# diag TEXT: a note in the TAP stream (shown in the test log).
diag() {
	printf '%s\n' "$@" | sed 's/^/# /'
}

# run CMD...: run confab with the given arguments; sets RC, OUT, ERR.
run() {
	"$CONFAB" "$@" >"$T/out" 2>"$T/err" </dev/null
	RC=$?
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
}

# run_in INPUT CMD...: like run, with INPUT on stdin.
run_in() {
	_in=$1
	shift
	printf '%s' "$_in" | "$CONFAB" "$@" >"$T/out" 2>"$T/err"
	RC=$?
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
}

# check DESC EXPR...: pass when the shell test succeeds; print context otherwise.
check() {
	_desc=$1
	shift
	if "$@"; then
		ok "$_desc"
	else
		not_ok "$_desc"
		diag "rc=$RC" "stdout:" "$OUT" "stderr:" "$ERR"
	fi
}

# expect_rc N DESC: the last run exited with N.
expect_rc() {
	check "$2 (exit $1)" [ "$RC" = "$1" ]
}

has() { case "$1" in *"$2"*) return 0 ;; esac; return 1; }
out_has() { has "$OUT" "$1"; }
err_has() { has "$ERR" "$1"; }
out_lacks() { ! has "$OUT" "$1"; }

# sql QUERY: run a query on the store with the sqlite3 shell.
sql() {
	sqlite3 "$DB" "$@"
}

# short_hash FILE: the 12-hex version of a Terms file, as confab computes it.
short_hash() {
	"$CONFAB" terms status --json --terms-file "$1" 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["current"]["short"])'
}

# accept_terms [ARGS]: accept the current Terms in script form.
accept_terms() {
	_h=$("$CONFAB" terms status --json "$@" 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["current"]["sha256"])')
	"$CONFAB" terms accept --sha256 "$_h" --adult "$@" >/dev/null
}

# ---- tmux -------------------------------------------------------------------

# tm NAME ARGS...: tmux on this test run's own server NAME. The socket name
# carries the process id, so runs at the same time never share a server.
tm() {
	_tmn=$1
	shift
	tmux -L "confab$$-$_tmn" "$@"
}

# tmux_start NAME CMD: run CMD in a private tmux server at 80x24.
tmux_start() {
	_tm=$1
	shift
	_tmux_servers="$_tmux_servers $_tm"
	tm "$_tm" -f /dev/null new-session -d -x "${TMUX_COLS:-80}" -y "${TMUX_ROWS:-24}" \
		"$* ; echo \"[exit \$?]\"; sleep 600"
	tm "$_tm" set-option -g history-limit 5000 >/dev/null
	tm "$_tm" set-option -g window-size manual >/dev/null
}

tmux_keys() {
	_tm=$1
	shift
	tm "$_tm" send-keys "$@"
}

# screen NAME: the pane with its scrollback.
screen() {
	tm "$1" capture-pane -p -J -S - 2>/dev/null
}

# wait_for NAME TEXT [SECONDS]: wait until TEXT is on the screen; 1 on time-out.
wait_for() {
	_end=$(($(date +%s) + ${3:-10}))
	while [ "$(date +%s)" -le "$_end" ]; do
		case "$(screen "$1")" in *"$2"*) return 0 ;; esac
		sleep 0.05
	done
	diag "timed out waiting for '$2'; the screen was:"
	diag "$(screen "$1")"
	return 1
}

# wait_until CMD...: poll until CMD succeeds (10 s at most); 1 on time-out.
wait_until() {
	_end=$(($(date +%s) + 10))
	while [ "$(date +%s)" -le "$_end" ]; do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

# ---- fake API server -----------------------------------------------------

# start_server: run tests/server/fakeapi.py on a free loopback port; sets PORT and BASE.
start_server() {
	rm -f "$T/port"
	python3 "$TOP_SRCDIR/tests/server/fakeapi.py" --port-file "$T/port" --log "$T/requests.log" \
		--terms-dir "$T/served" --max-seconds 300 "$@" 2>"$T/server.err" &
	SERVER_PID=$!
	_i=0
	while [ ! -s "$T/port" ] && [ $_i -lt 200 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	PORT=$(cat "$T/port")
	BASE="http://127.0.0.1:$PORT"
}

# ---- one-shot against a scenario ---------------------------------------------

FAKE="python3 $TOP_SRCDIR/tests/server/fakeapi.py"
PROMPT="Hi there"

# expected SCENARIO [PROMPT]: the answer a correct client shows, with one final newline.
expected() {
	$FAKE --expect "$1" --prompt "${2:-$PROMPT}" | python3 -c '
import sys; t = sys.stdin.buffer.read().rstrip(b"\n"); sys.stdout.buffer.write(t + b"\n")'
}

# ask SCENARIO ARGS...: one-shot against a scenario; sets RC, OUT, ERR.
ask() {
	_s=$1
	shift
	"$CONFAB" --base-url "$BASE/s/$_s/v1" "$@" >"$T/out" 2>"$T/err" </dev/null
	RC=$?
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
}

same_bytes() { cmp -s "$1" "$2"; }

# done_testing: print the plan. Failures are counted from the "not ok" lines.
done_testing() {
	echo "1..$_n"
}
