#!/bin/sh
# confab's own lines on stderr (errors from app_error, warnings) on a
# 40-column terminal, in English and in Chinese: wrapped between words, or
# between CJK characters with no closing punctuation at a line's start, every
# line within the width; to a pipe, each message stays one line.
. "$TOP_SRCDIR/tests/cli/lib.sh"

start_server
accept_terms
export CONFAB_DISCLAIMERS_FILE="$T/no-such-rules.ini"

# term NAME LOCALE ARGS: confab on a 40x12 tmux terminal.
term() {
	_un=$1 _ul=$2
	shift 2
	TMUX_COLS=40 TMUX_ROWS=12 tmux_start "$_un" "env XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_DATA_HOME=$XDG_DATA_HOME XDG_STATE_HOME=$XDG_STATE_HOME CONFAB_DATADIR=$CONFAB_DATADIR CONFAB_LOCALEDIR=$CONFAB_LOCALEDIR CONFAB_DISCLAIMERS_FILE=$CONFAB_DISCLAIMERS_FILE HOME=$HOME LC_ALL=$_ul TERM=xterm-256color $CONFAB $* 2>&1 >/dev/null"
	wait_for "$_un" "[exit" >/dev/null
}
# lines NAME: the pane's lines up to [exit, as the program wrote them (no tmux wrapping).
lines() { tm "$1" capture-pane -p | sed '/^\[exit/,$d' | sed 's/ *$//; /^$/d'; }
# wrapped NAME WHOLE: the lines are within 40 columns, and joined they are WHOLE
# (with a blank at the breaks between Latin words, none between CJK characters).
wrapped() {
	lines "$1" >"$T/lines"
	python3 - "$T/lines" "$2" <<'PY' || return 1
import sys, unicodedata
rows = open(sys.argv[1], encoding="utf-8").read().split("\n")
rows = [r for r in rows if r]
whole = sys.argv[2]
w = lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
bad = [r for r in rows if w(r) > 39]
if bad or len(rows) < 2:
    print("rows:", rows); sys.exit(1)
for r in rows[1:]:
    if r[0] in "，。、；：？！）》」』】”’":
        print("a line starts with closing punctuation:", r); sys.exit(1)
joined = rows[0]
for r in rows[1:]:
    wide = lambda c: unicodedata.east_asian_width(c) in "WF"
    joined += r if wide(joined[-1]) or wide(r[0]) else " " + r
if joined != whole:
    print("joined:", joined); print("whole: ", whole); sys.exit(1)
PY
}

# An error from app_error.
term e-en C.UTF-8 log list -n abc
check "en: an error wraps between words at 40 columns" wrapped e-en \
	"confab: -n (--limit) takes a number of conversations, 1 or more, not 'abc'"
term e-zh zh_CN.UTF-8 log list -n abc
check "zh: an error wraps between characters at 40 columns" wrapped e-zh \
	"confab: -n（--limit）的值应为对话数量（至少为 1），而不是 'abc'"

# A warning (the disclaimer rules are missing).
W="confab: warning: cannot open '$T/no-such-rules.ini': No such file or directory (disclaimers_file, from CONFAB_DISCLAIMERS_FILE); only the built-in disclaimer notices are shown"
term w-en C.UTF-8 --base-url "$BASE/s/ok/v1" -q hi
lines w-en | sed -n '/^confab: warning/,/shown$/p' >"$T/w"
check "en: the warning's lines fit 40 columns" sh -c "[ -s '$T/w' ] && ! awk 'length > 39' '$T/w' | grep -q ."
check "en: the warning is all there" has "$(tr '\n' ' ' <"$T/w")" "only the built-in disclaimer notices"
term w-zh zh_CN.UTF-8 --base-url "$BASE/s/ok/v1" -q hi
check "zh: the warning's lines fit 40 columns, none starts with closing punctuation" sh -c "tmux -L confab$$-w-zh capture-pane -p | sed '/^\[exit/,\$d' | python3 -c '
import sys, unicodedata
rows = [r.rstrip() for r in sys.stdin.read().split(chr(10)) if r.strip()]
w = lambda s: sum(2 if unicodedata.east_asian_width(c) in \"WF\" else 1 for c in s)
sys.exit(0 if len(rows) > 2 and all(w(r) <= 39 and r[0] not in \"，。、；：？！）」\" for r in rows) and any(\"警告\" in r for r in rows) else 1)'"

# To a pipe: one line each.
run log list -n abc
check "to a pipe the error is one line" [ "$ERR" = "confab: -n (--limit) takes a number of conversations, 1 or more, not 'abc'" ]
ask ok -q hi
check "to a pipe the warning is one line" has "$ERR" "$W"
done_testing
