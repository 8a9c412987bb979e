#!/bin/sh
# -q in the full-screen UI and in line mode: the general reliance notice is
# left out; a strong one still shows.
. "$TOP_SRCDIR/tests/cli/lib.sh"

start_server
accept_terms
ENVS="env XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_DATA_HOME=$XDG_DATA_HOME XDG_STATE_HOME=$XDG_STATE_HOME CONFAB_DATADIR=$CONFAB_DATADIR HOME=$HOME LC_ALL=C.UTF-8 TERM=xterm-256color"
GENERAL="AI answers can be wrong"
# start NAME ARGS: confab against the echo scenario in tmux server quiet-NAME.
start() {
	_name=$1
	shift
	tmux_start "quiet-$_name" "$ENVS $CONFAB --base-url $BASE/s/ok/v1 $*"
}
# say NAME TEXT: send TEXT and wait for its answer, complete in the store.
none_streaming() { [ "$(sql "SELECT count(*) FROM messages WHERE status = 'streaming'")" = 0 ]; }
say() {
	tmux_keys "quiet-$1" "$2" Enter
	wait_for "quiet-$1" "You said: $2" && wait_until none_streaming
}

for mode in ui plain; do
	opt=""
	[ "$mode" = plain ] && opt=--plain
	ready="Enter send"
	[ "$mode" = plain ] && ready="> "

	# Without -q the general notice shows under the answer (the control).
	start "$mode-loud" $opt
	wait_for "quiet-$mode-loud" "$ready" >/dev/null
	say "$mode-loud" "hello one" >/dev/null
	wait_for "quiet-$mode-loud" "$GENERAL" && ok "$mode: without -q the general notice shows" ||
		not_ok "$mode: without -q the general notice shows"

	# With -q: two answers; the first one's notices were drawn before the second arrives.
	start "$mode-q" $opt -q
	wait_for "quiet-$mode-q" "$ready" >/dev/null
	say "$mode-q" "hello one" >/dev/null
	if say "$mode-q" "hello two"; then
		check "$mode: -q leaves the general notice out" sh -c "! tmux -L confab$$-quiet-$mode-q capture-pane -p -J -S - | grep -q '$GENERAL'"
	else
		not_ok "$mode: -q chat answers"
	fi
	tmux_keys "quiet-$mode-q" "what dose of ibuprofen is safe" Enter
	wait_for "quiet-$mode-q" "(Terms III.4(f)(i))" && ok "$mode: with -q a strong notice still shows" ||
		not_ok "$mode: with -q a strong notice still shows"
	tm "quiet-$mode-q" kill-server 2>/dev/null
	tm "quiet-$mode-loud" kill-server 2>/dev/null
done

done_testing
