#!/bin/sh
# The command line in Chinese: --help (laid out by display width, within 80
# columns, no English sentence left), option errors, config errors with their
# line numbers and keys, the built-in pager's prompts; exit codes unchanged.
. "$TOP_SRCDIR/tests/cli/lib.sh"

zh() { LC_ALL=zh_CN.UTF-8 run "$@"; }
# The CJK test runs in zh_CN.UTF-8: grep's ranges of CJK fail in C.UTF-8 here.
cjk() { printf '%s' "$1" | LC_ALL=zh_CN.UTF-8 grep -q '[一-龥]'; }

# helpcheck MODE < help: python3 reads --help on stdin.
#   widest: the widest line in display columns (a CJK character takes 2)
#   english: the lines that hold 4 or more English words in a row (options,
#            paths and keys are not words)
#   columns: the rows of a table whose description does not start at the
#            column of its table (the usage lines', 26 for the options, 8 for
#            the exit codes); prints nothing when all are aligned
helpcheck() {
	python3 -c '
import re, sys, unicodedata
mode = sys.argv[1]
lines = sys.stdin.read().split("\n")
def width(s):
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
if mode == "widest":
    print(max(width(l) for l in lines))
elif mode == "english":
    word = r"(?<![\w\-/$.:=|\x27])[A-Za-z]+(?![\w\-/|\x27])"
    for l in lines:
        if re.search(word + r"(?: " + word + r"){3,}", l):
            print(l)
else:
    # The tables: the usage lines (up to the first blank line), then one per
    # heading (a short line ending in a colon): the options, the options of
    # the commands, the exit codes. A row: the typed part, two blanks or more,
    # the description at the column; a line of blanks and description: the
    # same column; a typed part alone (its description follows) is skipped.
    gap = re.compile(r"^(.*?\S)( {2,})(\S.*)$")
    m = gap.match(lines[0])
    cols = [width(m.group(1) + m.group(2)) if m else -1, 26, 26, 8]
    table, inside, bad = 0, True, []
    for i, l in enumerate(lines):
        if l == "":
            inside = False
            continue
        if not l.startswith(" ") and l[-1] in ":：" and width(l) <= 30:
            table, inside = table + 1, table < 3
            continue
        if not inside or (i > 0 and not l.startswith(" ")):
            continue
        col = cols[table]
        lead = len(l) - len(l.lstrip(" "))
        m = gap.match(l[lead:])
        if m:
            start = lead + width(m.group(1) + m.group(2))
        elif lead >= 16:
            start = lead
        else:
            continue
        if start != col:
            bad.append(l)
    print("\n".join(bad))
' "$1"
}

# ---- --help ---------------------------------------------------------------------
zh --help
expect_rc 0 "--help in zh_CN"
HELP_ZH=$OUT
for s in "用法： confab [OPTIONS]" "选项：" "命令的选项：" "退出码：" "  3     需要同意服务条款" \
	"  -h, --help              显示本帮助并退出" "其他内容请参见 confab(1)。" \
	"API 密钥来自 \$DASHSCOPE_API_KEY（只发送给 DashScope 的主机）"; do
	check "--help in zh_CN has '$s'" out_has "$s"
done
for s in "confab terms accept --sha256 HEX --adult" "--max-tokens N" "--repair-head" \
	"confab log list [-n N|--all] | show ID | search TEXT [-n N|--all]"; do
	check "--help in zh_CN keeps '$s' as typed" out_has "$s"
done
W=$(printf '%s\n' "$HELP_ZH" | helpcheck widest)
check "--help in zh_CN fits 80 columns (widest: $W)" [ "$W" -le 80 ]
E=$(printf '%s\n' "$HELP_ZH" | helpcheck english)
check "--help in zh_CN has no English sentence left" [ -z "$E" ]
diag "$E"
C=$(printf '%s\n' "$HELP_ZH" | helpcheck columns)
check "--help in zh_CN: every description starts at its table's column" [ -z "$C" ]
diag "$C"
N=$(printf '%s\n' "$HELP_ZH" | grep -c '^  [0-9]')
check "--help in zh_CN lists the 8 exit codes ($N)" [ "$N" = 8 ]

# The same checks find the English: they can fail.
run --help
HELP_EN=$OUT
E=$(printf '%s\n' "$HELP_EN" | helpcheck english | wc -l)
check "the English --help has English sentences ($E lines)" [ "$E" -gt 20 ]
W=$(printf '%s\n' "$HELP_EN" | helpcheck widest)
check "--help in English fits 80 columns too (widest: $W)" [ "$W" -le 80 ]
C=$(printf '%s\n' "$HELP_EN" | helpcheck columns)
check "--help in English: every description starts at its table's column" [ -z "$C" ]
diag "$C"
C=$(printf '%s\n' "$HELP_ZH" | sed 's/^\(  -V, --version\)/\1 /' | helpcheck columns)
check "a description out of its column is found" [ -n "$C" ]
check "the options of the English and Chinese --help are the same" [ \
	"$(printf '%s\n' "$HELP_EN" | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)" = \
	"$(printf '%s\n' "$HELP_ZH" | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)" ]

# On an 80-column terminal no line of it wraps: tmux's rows, joined (-J) or
# not, are the same.
printf '%s\n' "$HELP_ZH" >"$T/help.txt"
tmux_start h80 "LC_ALL=zh_CN.UTF-8 CONFAB_LOCALEDIR=$CONFAB_LOCALEDIR $CONFAB --help"
if wait_for h80 "[exit 0]"; then ok "--help on a terminal in zh_CN"; else not_ok "--help on a terminal in zh_CN"; fi
ROWS=$(tm h80 capture-pane -p -S - | grep -c .)
JOINED=$(tm h80 capture-pane -p -J -S - | grep -c .)
check "--help in zh_CN on an 80-column terminal: no line wraps ($ROWS rows, $JOINED lines)" \
	[ "$ROWS" = "$JOINED" ]
check "tmux shows the whole of it" has "$(screen h80)" "其他内容请参见 confab(1)。"

# ---- option errors ----------------------------------------------------------------
zh --bogus
expect_rc 2 "an unknown option in zh_CN"
check "the unknown option in Chinese" err_has "confab: 未知选项 '--bogus'；参见 'confab --help'"
zh -Z
expect_rc 2 "an unknown short option in zh_CN"
check "the unknown short option in Chinese" err_has "未知选项 '-Z'"
zh --model
expect_rc 2 "an option without its value in zh_CN"
check "the missing value in Chinese" err_has "选项 '--model' 需要一个值"
zh terms status -f "$T/help.txt"
expect_rc 2 "-f with a command in zh_CN"
check "-f with a command in Chinese" err_has "-f 用于给提问添加附件；'confab terms' 不接受附件"

# ---- config errors: in Chinese, with the file, the line and the key -------------------
CONF="$XDG_CONFIG_HOME/confab/config"
mkdir -p "$XDG_CONFIG_HOME/confab"
printf 'model = a\n; comment\nmodel = b\n' >"$CONF"
zh terms status
expect_rc 2 "a duplicate key in zh_CN"
check "the duplicate key in Chinese, with both lines" \
	err_has "配置文件 '$CONF' 第 3 行：'model' 已在第 1 行设置（顶层的每个设置项只能出现一次）"
printf '[profile p]\nmodel = a\nmodel = b\n' >"$CONF"
zh terms status
expect_rc 2 "a duplicate key in a profile in zh_CN"
check "the duplicate key in a profile names the profile" \
	err_has "第 3 行：'model' 已在第 2 行设置（[profile p] 中的每个设置项只能出现一次）"
printf 'model = a\n\ntemperature = 5\n' >"$CONF"
zh terms status
expect_rc 2 "a bad temperature in zh_CN"
check "the bad temperature in Chinese, with file and line" \
	err_has "来自 $CONF:3 的 temperature 无效：'5' 不是 0 到 2 之间的数字"
printf 'modle = x\n' >"$CONF"
zh terms status
expect_rc 2 "an unknown key in zh_CN"
check "the unknown key in Chinese" err_has "配置文件 '$CONF' 第 1 行：未知的设置项 'modle'"
printf '[section]\n' >"$CONF"
zh terms status
expect_rc 2 "an unknown section in zh_CN"
check "the unknown section in Chinese" err_has "未知的节 [section]（应为 [profile 名称]）"
printf 'model\n' >"$CONF"
zh terms status
expect_rc 2 "a syntax error in zh_CN"
check "the syntax error in Chinese" err_has "第 1 行：语法错误（应为 '键 = 值' 或 [profile 名称]）"
: >"$CONF"
zh --profile nope terms status
expect_rc 2 "an unknown profile in zh_CN"
check "the unknown profile in Chinese" \
	err_has "未知的配置方案 'nope'（来自 --profile）；配置文件 '$CONF' 中没有 [profile nope] 一节"
zh --temperature 9 terms status
expect_rc 2 "a bad --temperature in zh_CN"
check "a bad --temperature in Chinese names the flag" \
	err_has "来自 --temperature 的 temperature 无效：'9' 不是 0 到 2 之间的数字"
CONFAB_NO_KEY=maybe LC_ALL=zh_CN.UTF-8 run terms status
expect_rc 2 "a bad value from the environment in zh_CN"
check "it names the variable" err_has "来自 CONFAB_NO_KEY 的 no_key 无效：'maybe' 不是 yes 或 no"
printf 'api_key = sk-secret\n' >"$CONF"
chmod 644 "$CONF"
zh terms status
expect_rc 2 "a key in a config others can read, in zh_CN"
check "the fix in Chinese" err_has "请运行 'chmod 600 $CONF'"
check "the key itself is never printed" sh -c '! printf "%s" "$1" | grep -q sk-secret' _ "$ERR"
rm -f "$CONF"
mkdir "$CONF"
zh terms status
expect_rc 2 "a directory as the config in zh_CN"
check "the directory in Chinese" err_has "配置文件 '$CONF' 不是普通文件"
rmdir "$CONF"
for e in "$ERR"; do
	E=$(printf '%s\n' "$e" | helpcheck english)
	check "the config errors have no English sentence left" [ -z "$E" ]
done

# In English they stay as they were.
printf 'model = a\nmodel = b\n' >"$CONF"
run terms status
expect_rc 2 "a duplicate key in C.UTF-8"
check "the duplicate key in English" err_has "line 2: 'model' is already set on line 1"
rm -f "$CONF"

# ---- the built-in pager (terms review, 'read'), at 80x24 and 40x12 ---------------------
ENVS="env XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_DATA_HOME=$XDG_DATA_HOME XDG_STATE_HOME=$XDG_STATE_HOME CONFAB_DATADIR=$CONFAB_DATADIR CONFAB_LOCALEDIR=$CONFAB_LOCALEDIR HOME=$HOME LC_ALL=zh_CN.UTF-8 TERM=xterm-256color"
for size in 80x24 40x12; do
	n=p$(echo "$size" | tr -d x)
	TMUX_COLS=${size%x*} TMUX_ROWS=${size#*x} tmux_start "$n" "$ENVS $CONFAB terms"
	# The review's question names 'read', whatever its language.
	wait_for "$n" "'read'" && ok "$size: the review asks" || not_ok "$size: the review asks"
	tmux_keys "$n" "read" Enter
	if wait_for "$n" "Enter：下页，q：停止 --"; then
		ok "$size: the pager's prompt in Chinese"
	else
		not_ok "$size: the pager's prompt in Chinese"
	fi
	S=$(screen "$n")
	L=$(printf '%s\n' "$S" | grep -- '-- Enter：下页' | tail -n 1)
	check "$size: the prompt shows the part shown ($L)" has "$L" "%"
	# The pager's lines: those after the answer 'read' (tmux's wrapped rows joined).
	P=$(printf '%s\n' "$S" | sed -n "/'read'.*read\$/,\$p" | sed 1d)
	check "$size: the pager's lines were found" has "$P" "Enter：下页"
	W=$(printf '%s\n' "$P" | helpcheck widest)
	check "$size: no line of the pager is wider than the terminal ($W)" [ "$W" -le "${size%x*}" ]
	check "$size: tmux's pane is ${size%x*} columns" \
		[ "$(tm "$n" display-message -p '#{pane_width}')" = "${size%x*}" ]
	tmux_keys "$n" "q" Enter
	if wait_for "$n" "-- 文本显示到此结束（已显示"; then
		ok "$size: leaving the pager, in Chinese"
	else
		not_ok "$size: leaving the pager, in Chinese"
	fi
	check "$size: the English prompt is gone" sh -c '! printf "%s" "$1" | grep -q "next page"' _ "$(screen "$n")"
done

done_testing
