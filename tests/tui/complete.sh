#!/bin/sh
# Tab completion of arguments, in the full-screen UI and in line mode, in
# English and in Chinese: file names after /attach (spaces, ~/, directories,
# no dot files unless asked for), and the first Tab after /model, which says
# that the list is being fetched and completes when it arrives.
. "$TOP_SRCDIR/tests/cli/lib.sh"

start_server
accept_terms
# ui NAME LOCALE ARGS: confab in the work directory, in tmux.
ui() {
	_un=$1 _ul=$2
	shift 2
	tmux_start "$_un" "cd $T/w && env XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_DATA_HOME=$XDG_DATA_HOME XDG_STATE_HOME=$XDG_STATE_HOME CONFAB_DATADIR=$CONFAB_DATADIR CONFAB_LOCALEDIR=$CONFAB_LOCALEDIR HOME=$HOME LC_ALL=$_ul TERM=xterm-256color $CONFAB $*"
}
# has_row NAME TEXT: wait until a row of the pane is TEXT (trailing blanks gone).
has_row() {
	wait_until sh -c "tmux -L confab$$-$1 capture-pane -p | sed 's/ *\$//' | grep -qxF -- \"\$0\"" "$2" ||
		{ diag "no row '$2'; the screen was:" "$(tm "$1" capture-pane -p)"; return 1; }
}
go() { curl -s -X POST "$BASE/_models-go/$1" >/dev/null; }
models_asked() { [ "$(grep -c "models-gate~$1/v1/models" "$T/requests.log")" -ge 1 ]; }

mkdir -p "$T/w/docs" "$T/w/my dir"
printf 'alpha\n' >"$T/w/notes.txt"
printf 'beta\n' >"$T/w/my dir/read me.md"
printf 'a\n' >"$T/w/docs/a.txt"
printf 'b\n' >"$T/w/docs/b.txt"
printf 'h\n' >"$T/w/.hidden"
printf 'home\n' >"$HOME/my pic.txt"

for mode in ui plain; do
	[ $mode = ui ] && opt="" || opt="--plain"
	P="> "
	n=$mode-en
	ui $n C.UTF-8 --base-url "$BASE/s/models-gate~$n/v1" $opt
	wait_for $n "/help" >/dev/null

	# /model: the first Tab says the list is coming, then completes with it.
	tmux_keys $n "/model qwen-" Tab
	wait_for $n "asking the server for its models..." && ok "$mode: the first Tab after /model says the list is being fetched" ||
		not_ok "$mode: the first Tab after /model says the list is being fetched"
	wait_until models_asked $n || diag "no GET /models"
	check "$mode: the input is left as it was meanwhile" has_row $n "${P}/model qwen-"
	go $n
	wait_for $n "qwen-flash  qwen-max" && ok "$mode: when the list comes, the choices are listed" ||
		not_ok "$mode: when the list comes, the choices are listed"
	tmux_keys $n "m" Tab
	check "$mode: the next Tab completes from the list" has_row $n "${P}/model qwen-max"

	# /attach: file names.
	tmux_keys $n C-u "/attach no" Tab
	check "$mode: Tab completes a file name after /attach" has_row $n "${P}/attach notes.txt"
	tmux_keys $n C-u "/attach do" Tab
	check "$mode: a directory completes with its slash" has_row $n "${P}/attach docs/"
	tmux_keys $n Tab Tab
	check "$mode: Tab Tab lists the directory's files without the directory" \
		wait_until sh -c "tmux -L confab$$-$n capture-pane -p | grep -Eq '^ ?a.txt +b.txt'"
	tmux_keys $n "a" Tab
	check "$mode: no blank after the directory: its files complete" has_row $n "${P}/attach docs/a.txt"
	tmux_keys $n C-u "/attach my" Tab "r" Tab
	check "$mode: a path with blanks completes whole" has_row $n "${P}/attach my dir/read me.md"
	tmux_keys $n Enter
	wait_for $n "attached my dir/read me.md (5 bytes, text)" && ok "$mode: the completed path attaches" ||
		not_ok "$mode: the completed path attaches"
	tmux_keys $n "/attach ~/my" Tab
	check "$mode: ~/ completes in the home directory, kept as typed" has_row $n "${P}/attach ~/my pic.txt"
	tmux_keys $n Enter
	wait_for $n "attached $HOME/my pic.txt" >/dev/null
	tmux_keys $n "/attach ." Tab
	check "$mode: a dot asks for dot files" has_row $n "${P}/attach .hidden"
	tmux_keys $n C-u "/attach " Tab Tab
	check "$mode: Tab Tab after /attach lists the directory" \
		wait_until sh -c "tmux -L confab$$-$n capture-pane -p | grep -Eq '^ ?docs/ +my dir/ +notes.txt'"
	check "$mode: ... without dot files" sh -c "! tmux -L confab$$-$n capture-pane -p | grep -q '\\.hidden  '"
	tmux_keys $n C-u C-d
	[ $mode = plain ] || tmux_keys $n C-d

	# In Chinese: the note is Chinese, and the list still completes.
	n=$mode-zh
	ui $n zh_CN.UTF-8 --base-url "$BASE/s/models-gate~$n/v1" $opt
	wait_for $n "/help" >/dev/null
	tmux_keys $n "/model qwen-m" Tab
	wait_for $n "正在向服务器获取模型列表……" && ok "$mode zh: the note is Chinese" ||
		not_ok "$mode zh: the note is Chinese"
	check "$mode zh: no English note is left" sh -c "! tmux -L confab$$-$n capture-pane -p | grep -q 'asking the server'"
	wait_until models_asked $n || diag "no GET /models"
	go $n
	check "$mode zh: the one choice completes when the list comes" has_row $n "${P}/model qwen-max"
	tmux_keys $n C-u "/attach my" Tab
	check "$mode zh: /attach completes file names" has_row $n "${P}/attach my dir/"
done
done_testing
