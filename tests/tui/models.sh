#!/bin/sh
# /model lists the endpoint's models and picks one (line mode and the full-screen UI), Tab
# completes model and role names, /endpoint to a server on this machine picks its first
# model and saves a profile for it.
. "$TOP_SRCDIR/tests/cli/lib.sh"

start_server
accept_terms
ENVS="env XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_DATA_HOME=$XDG_DATA_HOME XDG_STATE_HOME=$XDG_STATE_HOME CONFAB_DATADIR=$CONFAB_DATADIR HOME=$HOME LC_ALL=C.UTF-8 TERM=xterm-256color"
mkdir -p "$XDG_CONFIG_HOME/confab/roles"
printf -- '---\nmodel: qwen-max\n---\nYou are a shell expert.\n' \
	>"$XDG_CONFIG_HOME/confab/roles/shellexpert.md"
last_model() {
	grep chat/completions "$T/requests.log" | tail -n 1 |
		python3 -c "import json,sys; print(json.loads(sys.stdin.read())['body']['model'])"
}
answers() { grep -c chat/completions "$T/requests.log" 2>/dev/null || echo 0; }
none_streaming() { [ "$(sql "SELECT count(*) FROM messages WHERE status = 'streaming'")" = 0 ]; }
models_asked() { [ "$(grep -c '/v1/models' "$T/requests.log")" -ge "$1" ]; }

# ---- line mode: a numbered list, /model N, Tab ----
name=models-plain
tmux_start "$name" "$ENVS $CONFAB --base-url $BASE/s/ok/v1 -m qwen-turbo --plain"
wait_for "$name" "> " >/dev/null
tmux_keys "$name" "/model" Enter
wait_for "$name" "3  qwen3-max" && ok "plain: /model lists the server's models, numbered" ||
	not_ok "plain: /model lists the server's models, numbered"
tmux_keys "$name" "/model 3" Enter
wait_for "$name" "model: qwen3-max" && ok "plain: /model 3 picks the third" ||
	not_ok "plain: /model 3 picks the third"
tmux_keys "$name" "hello plain" Enter
if wait_for "$name" "You said: hello plain" && wait_until none_streaming; then
	check "plain: the next request sends the model picked" [ "$(last_model)" = qwen3-max ]
else
	not_ok "plain: an answer after /model 3"
fi
tmux_keys "$name" "/model qwen-fl" Tab
wait_for "$name" "/model qwen-flash" && ok "plain: Tab completes a model name" ||
	not_ok "plain: Tab completes a model name"
tmux_keys "$name" C-u "/role shellex" Tab
wait_for "$name" "/role shellexpert" && ok "plain: Tab completes a role name" ||
	not_ok "plain: Tab completes a role name"
tm "$name" kill-server 2>/dev/null

# ---- full-screen UI: a list to move in ----
name=models-ui
tmux_start "$name" "$ENVS $CONFAB --base-url $BASE/s/ok/v1 -m qwen-plus"
wait_for "$name" "Enter send" >/dev/null
tmux_keys "$name" "/model qwen-m" Tab
# the first Tab fetches the list in the background; the next one completes
wait_until models_asked 2 || diag "no GET /models after Tab"
tmux_keys "$name" Tab
wait_for "$name" "/model qwen-max" && ok "ui: Tab completes a model name" ||
	not_ok "ui: Tab completes a model name"
tmux_keys "$name" C-u "/role shel" Tab
wait_for "$name" "/role shellexpert" && ok "ui: Tab completes a role name" ||
	not_ok "ui: Tab completes a role name"
tmux_keys "$name" C-u "/model" Enter
wait_for "$name" "Up/Down choose  Enter use it" && ok "ui: /model opens the list" ||
	not_ok "ui: /model opens the list"
check "ui: the model in use is selected" has "$(screen "$name")" "> qwen-plus"
tmux_keys "$name" Down Down Down Enter
wait_for "$name" "model: qwen-flash" && ok "ui: Down and Enter pick a model" ||
	not_ok "ui: Down and Enter pick a model"
tmux_keys "$name" "/model" Enter
wait_for "$name" "Up/Down choose" >/dev/null
tmux_keys "$name" Down Escape
wait_for "$name" "model unchanged" && ok "ui: Esc leaves the model as it was" ||
	not_ok "ui: Esc leaves the model as it was"
tmux_keys "$name" "hello ui" Enter
if wait_for "$name" "You said: hello ui" && wait_until none_streaming; then
	check "ui: the next request sends the model picked" [ "$(last_model)" = qwen-flash ]
else
	not_ok "ui: an answer after picking a model"
fi
tm "$name" kill-server 2>/dev/null

# ---- the list at 40x12: its title and its key hints are not cut ----
name=models-narrow
TMUX_COLS=40 TMUX_ROWS=12 tmux_start "$name" "$ENVS $CONFAB --base-url $BASE/s/ok/v1 -m qwen-plus"
wait_for "$name" "Enter send" >/dev/null
tmux_keys "$name" "/model" Enter
wait_for "$name" "> qwen-plus" >/dev/null
check "40 columns: the list's title is whole" [ "$(tm "$name" capture-pane -p | head -n 1)" = " models of the endpoint" ]
check "40 columns: the list's key hints are whole" [ "$(tm "$name" capture-pane -p | tail -n 1)" = " Enter use it  Esc cancel" ]
tmux_keys "$name" Escape
tm "$name" kill-server 2>/dev/null

# ---- /endpoint to a server on this machine: its first model, then a profile ----
CONF="$XDG_CONFIG_HOME/confab/config"
printf '# mine\ntimeout = 30' >"$CONF"	# no final newline
chmod 640 "$CONF"
for mode in plain ui; do
	opt=""
	ready="Enter send"
	url=$BASE/v1
	[ "$mode" = plain ] && opt=--plain ready="> "
	[ "$mode" = ui ] && url=http://localhost:$PORT/v1	# another URL: no profile has it
	name="models-ep-$mode"
	tmux_start "$name" "$ENVS $CONFAB -m llama3 $opt"
	wait_for "$name" "no API key" >/dev/null
	tmux_keys "$name" "/endpoint $url" Enter
	wait_for "$name" "model: qwen-plus, the first of the 6 this server offers" &&
		ok "$mode: /endpoint to this machine picks its first model" ||
		not_ok "$mode: /endpoint to this machine picks its first model"
	wait_for "$name" "starts with them? (y/N)" && ok "$mode: it offers a profile" ||
		not_ok "$mode: it offers a profile"
	if [ "$mode" = plain ]; then
		tmux_keys "$name" "yes" Enter
		prof="local-$PORT"
	else
		tmux_keys "$name" y
		prof="local-$PORT-2"
	fi
	wait_for "$name" "saved [profile $prof]" && ok "$mode: yes saves profile $prof" ||
		not_ok "$mode: yes saves profile $prof"
	check "$mode: the profile says how to use it" has "$(screen "$name")" "'confab -p $prof'"
	tm "$name" kill-server 2>/dev/null
done
check "the config keeps what it had" [ "$(head -n 2 "$CONF")" = "# mine
timeout = 30" ]
check "the config keeps its mode" [ "$(stat -c %a "$CONF")" = 640 ]
check "the config has both profiles" [ "$(grep -c '^\[profile local-' "$CONF")" = 2 ]
name=models-ep-again
tmux_start "$name" "$ENVS $CONFAB -m llama3 --plain"
wait_for "$name" "no API key" >/dev/null
tmux_keys "$name" "/endpoint $BASE/v1" Enter
wait_for "$name" "the first of the 6 this server offers" >/dev/null
tmux_keys "$name" "/model 2" Enter	# an open question would take this as its answer
wait_for "$name" "there is no model list yet" >/dev/null ||
	wait_for "$name" "model: qwen-max" >/dev/null
check "a profile with that endpoint: no question" [ -z "$(screen "$name" | grep -F '(y/N)')" ]
tm "$name" kill-server 2>/dev/null
check "no temporary file is left" [ "$(ls "$XDG_CONFIG_HOME/confab" | grep -c '^config')" = 1 ]
n=$(answers)
run -p "local-$PORT" "hello profile"
check "confab -p NAME answers from the saved endpoint" [ "$RC" = 0 ]
check "confab -p NAME asked that server" [ "$(answers)" = $((n + 1)) ]
check "confab -p NAME sends the saved model" [ "$(last_model)" = qwen-plus ]

done_testing
