#!/bin/sh
# /attach in line mode and in the full-screen UI, driven in tmux: files
# attached in the chat go with the next prompt, and only with it.
. "$TOP_SRCDIR/tests/cli/lib.sh"

start_server
accept_terms
ENVS="env XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_DATA_HOME=$XDG_DATA_HOME XDG_STATE_HOME=$XDG_STATE_HOME CONFAB_DATADIR=$CONFAB_DATADIR HOME=$HOME LC_ALL=C.UTF-8"
chats() { _c=$(grep -c chat/completions "$T/requests.log" 2>/dev/null); echo "${_c:-0}"; }
last_request() {
	grep chat/completions "$T/requests.log" | tail -n 1 |
		python3 -c "import json,sys; r=json.loads(sys.stdin.read()); print($1)"
}
LAST='r["body"]["messages"][-1]["content"]'
waits() { wait_for "$1" "$2" && ok "$3" || not_ok "$3"; }
# chats_are N: wait until the server has N chat requests (10 s at most).
chats_are() { wait_until sh -c "[ \"\$(grep -c chat/completions '$T/requests.log' 2>/dev/null)\" = $1 ]"; }

cd "$T" || exit 1
printf 'alpha beta\n' >notes.txt
printf '\211PNG\r\n\032\nrest' >pic.png
mkfifo fifo

# ---- line mode ---------------------------------------------------------------------
tmux_start attach-ln "cd $T && $ENVS TERM=xterm-256color $CONFAB --plain -f notes.txt --base-url $BASE/s/ok/v1"
waits attach-ln "attached notes.txt (11 bytes, text)" "line mode: -f is attached at the start"
cp pic.png "$HOME/my pic.png"
tmux_keys attach-ln "/attach ~/my pic.png  " Enter
waits attach-ln "attached $HOME/my pic.png (12 bytes" "line mode: /attach takes spaces, ~/ and trailing blanks"
tmux_keys attach-ln "/attach clear" Enter
waits attach-ln "2 attached files dropped" "line mode: /attach clear says how many it drops"
tmux_keys attach-ln "/attach notes.txt" Enter
tmux_keys attach-ln "/attach pic.png" Enter
waits attach-ln "attached pic.png (12 bytes, image/png)" "line mode: /attach FILE says name, size and type"
tmux_keys attach-ln "/attach fifo" Enter
waits attach-ln "'fifo' is not a regular file" "line mode: /attach of a FIFO is refused at once"
tmux_keys attach-ln "/attach" Enter
waits attach-ln "  pic.png (12 bytes, image/png)" "line mode: /attach alone lists the pending files"
check "nothing was sent yet" [ "$(chats)" = 0 ]
tmux_keys attach-ln "what is this" Enter
chats_are 1
waits attach-ln "Hello! You said: what is this" "line mode: the prompt goes out"
check "line mode: the text file is in the text part" \
	has "$(last_request "$LAST[0]['text']")" "File notes.txt (11 bytes):"
check "line mode: the image is a data URL part" \
	has "$(last_request "$LAST[1]['image_url']['url']")" "data:image/png;base64,"
tmux_keys attach-ln "/attach" Enter
waits attach-ln "no files are attached" "line mode: the files went with that prompt"
tmux_keys attach-ln "/attach notes.txt" Enter
wait_for attach-ln "attached notes.txt" >/dev/null
tmux_keys attach-ln "/attach clear" Enter
waits attach-ln "1 attached file dropped" "line mode: /attach clear drops them"
tmux_keys attach-ln "plain again" Enter
chats_are 2
check "line mode: after clear the prompt goes alone, as a string" \
	[ "$(last_request "$LAST")" = "plain again" ]

# ---- the full-screen UI --------------------------------------------------------------
tmux_start attach-ui "cd $T && $ENVS TERM=xterm-256color $CONFAB --base-url $BASE/s/ok/v1"
waits attach-ui "/help lists the commands" "the UI starts"
tmux_keys attach-ui "/attach pic.png" Enter
waits attach-ui "attached pic.png (12 bytes, image/png)" "UI: /attach FILE says name, size and type"
tmux_keys attach-ui "describe it" Enter
chats_are 3
waits attach-ui "You said: describe it" "UI: the prompt goes out"
check "UI: the image went as a content part" \
	[ "$(last_request "[p['type'] for p in $LAST]")" = "['text', 'image_url']" ]

# A text file over the image limit is refused with the text-file limit, in English and in Chinese.
head -c $((10 * 1024 * 1024 + 1)) /dev/zero | tr '\000' a >huge.txt
tmux_keys attach-ui "/attach huge.txt" Enter
waits attach-ui "cannot attach 'huge.txt': the text file is 10485761 bytes, more than the 262144" \
	"UI: a text file over 10 MiB quotes the text-file limit"
check "UI: ... and not the image limit" sh -c "! tmux -L confab$$-attach-ui capture-pane -p -J | grep -q 10485760"
tmux_start attach-zh "cd $T && $ENVS CONFAB_LOCALEDIR=$CONFAB_LOCALEDIR LC_ALL=zh_CN.UTF-8 TERM=xterm-256color $CONFAB --base-url $BASE/s/ok/v1"
wait_for attach-zh "Enter 发送" >/dev/null
tmux_keys attach-zh "/attach huge.txt" Enter
waits attach-zh "文本文件有 10485761 字节，超过允许的 262144 字节" \
	"UI in Chinese: a text file over 10 MiB quotes the text-file limit"

done_testing
