#!/bin/sh
# /role in line mode and the full-screen UI: the role's prompt and settings from then on.
. "$TOP_SRCDIR/tests/cli/lib.sh"

start_server
accept_terms
ENVS="env XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_DATA_HOME=$XDG_DATA_HOME XDG_STATE_HOME=$XDG_STATE_HOME CONFAB_DATADIR=$CONFAB_DATADIR HOME=$HOME LC_ALL=C.UTF-8 TERM=xterm-256color"
mkdir -p "$XDG_CONFIG_HOME/confab/roles"
printf -- '---\nmodel: qwen-max\ntemperature: 0.1\n---\nYou are a shell expert.\n' \
	>"$XDG_CONFIG_HOME/confab/roles/shell.md"
last_request() {
	grep chat/completions "$T/requests.log" | tail -n 1 |
		python3 -c "import json,sys; r=json.loads(sys.stdin.read()); print($1)"
}
none_streaming() { [ "$(sql "SELECT count(*) FROM messages WHERE status = 'streaming'")" = 0 ]; }
SYSTEM='[m["content"] for m in r["body"]["messages"] if m["role"] == "system"]'

for mode in plain ui; do
	opt=""
	ready="Enter send"
	[ "$mode" = plain ] && opt=--plain ready="> "
	name="role-$mode"
	tmux_start "$name" "$ENVS $CONFAB --base-url $BASE/s/ok/v1 -m qwen-turbo $opt"
	wait_for "$name" "$ready" >/dev/null
	tmux_keys "$name" "/role nosuch" Enter
	wait_for "$name" "there is no role 'nosuch'" && ok "$mode: /role names a missing role" ||
		not_ok "$mode: /role names a missing role"
	# Tab completes "/role shell " with a space; the space is not part of the name
	tmux_keys "$name" "/role she" Tab
	wait_for "$name" "/role shell" >/dev/null
	tmux_keys "$name" Enter
	wait_for "$name" "role shell: model qwen-max, temperature 0.1, system prompt" &&
		ok "$mode: /role (Tab-completed, a space after) says what it set" ||
		not_ok "$mode: /role (Tab-completed, a space after) says what it set"
	check "$mode: no complaint about the name 'shell '" sh -c "! tmux -L confab$$-$name capture-pane -p -S - | grep -q \"'shell '\""
	tmux_keys "$name" "hello $mode" Enter
	if wait_for "$name" "You said: hello $mode" && wait_until none_streaming; then
		check "$mode: after /role the role's prompt is sent" \
			[ "$(last_request "$SYSTEM")" = "['You are a shell expert.']" ]
		check "$mode: /role wins over -m" [ "$(last_request 'r["body"]["model"]')" = qwen-max ]
		check "$mode: the role's temperature is sent" \
			[ "$(last_request 'r["body"]["temperature"]')" = 0.1 ]
	else
		not_ok "$mode: an answer after /role"
	fi
	tm "$name" kill-server 2>/dev/null
done

done_testing
