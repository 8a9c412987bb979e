#!/bin/sh
# 'confab log list' on a narrow terminal, in English and in Chinese: the
# title is shortened first, then the message count and the model are left
# out, so that every row fits; a pipe keeps every column.
. "$TOP_SRCDIR/tests/cli/lib.sh"

start_server
accept_terms
ask ok "A rather long first prompt about the weather in Hangzhou this spring"
ask ok "second"
ask ok "第三个问题：杭州春天的天气怎么样"

# fits NAME: no row of the pane is wider (in display columns) than the pane.
fits() {
	_cols=$(tm "$1" display -p '#{pane_width}')
	tm "$1" capture-pane -p -J | python3 -c '
import sys, unicodedata
cols = int(sys.argv[1])
bad = 0
for line in sys.stdin.read().split("\n"):
    w = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line.rstrip(" "))
    if w > cols:
        print("too wide (%d): %s" % (w, line)); bad = 1
sys.exit(bad)' "$_cols" >"$T/fits" || { diag "$(cat "$T/fits")"; return 1; }
}
# rows NAME: the rows 'log list' printed (the pane, joined where tmux wrapped them).
rows() { tm "$1" capture-pane -p -J | sed '/^\[exit/,$d' | sed '/^$/d'; }

for lang in en zh; do
	[ $lang = en ] && L=C.UTF-8 MODEL=MODEL MSGS=MSGS TITLE=TITLE ||
		L=zh_CN.UTF-8 MODEL=模型 MSGS=消息 TITLE=标题
	for cols in 80 60 40; do
		n=$lang$cols
		TMUX_COLS=$cols TMUX_ROWS=12 tmux_start $n "env XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_DATA_HOME=$XDG_DATA_HOME XDG_STATE_HOME=$XDG_STATE_HOME CONFAB_DATADIR=$CONFAB_DATADIR CONFAB_LOCALEDIR=$CONFAB_LOCALEDIR HOME=$HOME LC_ALL=$L TERM=xterm-256color $CONFAB log list"
		wait_for $n "[exit 0]" >/dev/null
		check "$lang $cols: every row of log list fits the terminal" fits $n
		check "$lang $cols: one line per conversation, and the headings" [ "$(rows $n | wc -l)" = 4 ]
		head=$(rows $n | head -n 1)
		case $cols in
		80) check "$lang 80: every column is there" sh -c "has() { case \"\$1\" in *\"\$2\"*) return 0;; esac; return 1; }; has '$head' $MODEL && has '$head' $MSGS && has '$head' $TITLE" ;;
		60) check "$lang 60: the message count is left out, the model kept" sh -c "case '$head' in *$MSGS*) exit 1;; *$MODEL*$TITLE*) exit 0;; esac; exit 1" ;;
		40) check "$lang 40: the model is left out too, the title kept" sh -c "case '$head' in *$MODEL*|*$MSGS*) exit 1;; *$TITLE*) exit 0;; esac; exit 1" ;;
		esac
	done
	[ $lang = en ] && check "en 40: a long title is shortened with ..." has "$(rows en40)" "A rather lon..."
done

# A pipe keeps the full format, whatever the terminal's width.
run log list
check "to a pipe every column is there" has "$OUT" "MSGS  TITLE"
check "to a pipe the title is whole" has "$OUT" "A rather long first prompt about the weather in Hangzhou this spring"
done_testing
