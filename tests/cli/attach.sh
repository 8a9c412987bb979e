#!/bin/sh
# Attachments: -f FILE puts text files (fenced, under their name) and images
# (PNG, JPEG, WebP by their bytes, as data URLs in content parts) in the prompt.
. "$TOP_SRCDIR/tests/cli/lib.sh"

start_server
accept_terms

requests() { [ -f "$T/requests.log" ] && wc -l <"$T/requests.log" || echo 0; }
# last_request EXPR: a Python expression on the last logged request r.
last_request() {
	tail -n 1 "$T/requests.log" | python3 -c "import json,sys; r=json.loads(sys.stdin.read()); print($1)"
}
# The last user message of the last request, and its content.
LAST='r["body"]["messages"][-1]["content"]'

cd "$T" || exit 1
printf 'line one\nhas ``` inside\n' >notes.txt
printf '\211PNG\r\n\032\n\000\000\000\rIHDR-rest-of-png' >pic.dat
printf '\377\330\377\340\000\020JFIF-rest' >photo.png
printf 'RIFF\044\000\000\000WEBPVP8 rest' >image.webp
PNG64=$(base64 -w0 pic.dat)
PNGSHA=$(sha256sum pic.dat | cut -d' ' -f1)
NOTES=$(wc -c <notes.txt)
PNGSIZE=$(wc -c <pic.dat)

# ---- a text file, options after the prompt ----------------------------------------
ask ok "summarise this" -f notes.txt --no-stream
expect_rc 0 "-f after the prompt, with another option after it"
check "the text file's content is a plain string" \
	[ "$(last_request "type($LAST).__name__")" = str ]
last_request "$LAST" >"$T/sent"
printf 'summarise this\n\nFile notes.txt (%d bytes):\n````\nline one\nhas ``` inside\n````\n' "$NOTES" >"$T/want"
check "the prompt, then the file under its name in a fence longer than its backticks" \
	same_bytes "$T/sent" "$T/want"
check "the transcript (stderr) says what is attached" err_has "attached notes.txt ($NOTES bytes, text)"

# ---- images: the MIME type from the bytes, not the name ------------------------------
ask ok -f notes.txt "look" -f pic.dat -f photo.png -f image.webp
expect_rc 0 "a text file and three images"
check "content parts: text first, then three image_url parts" \
	[ "$(last_request "[p['type'] for p in $LAST]")" = "['text', 'image_url', 'image_url', 'image_url']" ]
check "PNG bytes named .dat: a data:image/png URL with the file's base64" \
	[ "$(last_request "$LAST[1]['image_url']['url']")" = "data:image/png;base64,$PNG64" ]
check "JPEG bytes named .png: image/jpeg" \
	has "$(last_request "$LAST[2]['image_url']['url'][:23]")" "data:image/jpeg;base64,"
check "WebP: image/webp" has "$(last_request "$LAST[3]['image_url']['url'][:23]")" "data:image/webp;base64,"
last_request "$LAST[0]['text']" >"$T/sent"
check "the text part holds the prompt, the fenced file and a line per image" \
	has "$(cat "$T/sent")" "[image pic.dat: image/png, $PNGSIZE bytes, sha256 $PNGSHA]"
check "the prompt comes first in the text part" has "$(head -n 1 "$T/sent")" "look"
check "the transcript names the image and its size" err_has "attached pic.dat ($PNGSIZE bytes, image/png)"

# ---- the store and log export -----------------------------------------------------------
check "the store keeps the image's name, size and SHA-256, not its bytes" \
	has "$(sql "SELECT content FROM messages WHERE role = 'user' ORDER BY id DESC LIMIT 1")" \
	"[image pic.dat: image/png, $PNGSIZE bytes, sha256 $PNGSHA]"
check "no base64 of the image in the store" \
	[ "$(sql "SELECT count(*) FROM messages WHERE content LIKE '%$PNG64%'")" = 0 ]
run log export last
expect_rc 0 "log export"
check "log export shows the text attachment" out_has "has \`\`\` inside"
check "log export shows the image" out_has "[image pic.dat: image/png, $PNGSIZE bytes"

# ---- continuing: the image is not sent again, its line stands in for it ---------------
ask ok -c "and now?"
expect_rc 0 "continuing the conversation"
check "the earlier prompt is sent back as text with the image's line" \
	[ "$(last_request "[type(m['content']).__name__ for m in r['body']['messages']]")" = \
	"['str', 'str', 'str']" ]
check "the earlier turn carries the placeholder" \
	has "$(last_request "r['body']['messages'][0]['content']")" "[image pic.dat: image/png"

# ---- only attachments, no prompt words --------------------------------------------------
ask ok -f notes.txt
expect_rc 0 "-f alone (no prompt words) sends the file"
check "... as the whole prompt" has "$(last_request "$LAST")" "File notes.txt ($NOTES bytes):"

# ---- refused: nothing sent, exit 2 ------------------------------------------------------
refused() {
	_desc=$1 _want=$2
	shift 2
	_n0=$(requests)
	ask ok "$@"
	check "$_desc: exit 2" [ "$RC" = 2 ]
	check "$_desc: says why" err_has "$_want"
	check "$_desc: nothing was sent" [ "$(requests)" = "$_n0" ]
}
printf 'abc\000def' >bin.dat
refused "a binary file" "cannot attach 'bin.dat': it is a binary file" "x" -f bin.dat
head -c $((256 * 1024 + 1)) /dev/zero | tr '\000' a >big.txt
refused "a text file over 256 KiB" "the text file is 262145 bytes, more than the 262144 allowed" \
	"x" -f big.txt
{ printf '\211PNG\r\n\032\n'; head -c $((10 * 1024 * 1024)) /dev/zero; } >big.png
refused "an image over 10 MiB" "the image is 10485768 bytes, more than the 10485760 allowed" "x" -f big.png
head -c $((10 * 1024 * 1024 + 1)) /dev/zero | tr '\000' a >huge.txt
refused "a text file over 10 MiB" "the text file is 10485761 bytes, more than the 262144 allowed" \
	"x" -f huge.txt
check "a text file over 10 MiB: the image limit is not quoted" sh -c "! grep -q 10485760 '$T/err'"
mkfifo fifo
refused "a FIFO (without blocking)" "'fifo' is not a regular file" "x" -f fifo
refused "a directory" "is not a regular file" "x" -f "$T"
refused "a missing file" "cannot attach: cannot open 'nope.txt'" "x" -f nope.txt
check "the errors say nothing was sent" err_has "nothing was sent"
run log list -f notes.txt
expect_rc 2 "-f with a command"
check "... says it takes none" err_has "-f attaches a file to a prompt; 'confab log' takes none"
refused "-f without a file" "option '-f' needs a value" "x" -f

# ---- invalid UTF-8 is repaired, with a warning ---------------------------------------------
printf 'caf\351 ok\n' >latin1.txt
ask ok "x" -f latin1.txt
expect_rc 0 "a Latin-1 file is sent"
check "... with a warning" err_has "1 invalid UTF-8 sequence replaced by U+FFFD"
check "... its bad byte as U+FFFD" has "$(last_request "$LAST")" "caf$(printf '\357\277\275') ok"

# ---- an image just under the limit goes whole -------------------------------------------
{ printf '\377\330\377'; head -c $((10 * 1024 * 1024 - 3)) /dev/zero; } >max.jpg
ask ok "x" -f max.jpg
expect_rc 0 "an image of exactly 10 MiB is sent"
check "... whole: its base64 arrives" [ "$(last_request "len($LAST[1]['image_url']['url'])")" = \
	$((23 + (10 * 1024 * 1024 + 2) / 3 * 4)) ]

# ---- the total: at most 16 files -------------------------------------------------------------
set --
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17; do set -- "$@" -f notes.txt; done
refused "a 17th file" "16 files are already attached" x "$@"

done_testing
