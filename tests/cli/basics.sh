#!/bin/sh
# Basics: --version, --help, unknown options, the consent gate on chat.
. "$TOP_SRCDIR/tests/cli/lib.sh"

run --version
expect_rc 0 "--version succeeds"
check "--version prints the name and version" out_has "confab 0."

run --help
expect_rc 0 "--help succeeds"
for word in "terms accept --sha256 HEX --adult" "terms verify" "terms update" "Exit codes" \
	"DASHSCOPE_API_KEY" "never from the command line"; do
	check "--help mentions '$word'" out_has "$word"
done

run --bogus
expect_rc 2 "an unknown long option is a usage error"
check "the unknown option is named" err_has "unknown option '--bogus'"

run -Z
expect_rc 2 "an unknown short option is a usage error"
check "the unknown short option is named" err_has "'-Z'"

run --model
expect_rc 2 "an option without its value is a usage error"
check "the message says it needs a value" err_has "needs a value"

run terms status --bogus
expect_rc 2 "an unknown option after a command is a usage error"

run terms frobnicate
expect_rc 2 "an unknown terms command is a usage error"
check "the message lists the terms commands" err_has "review, show, status"

run terms status extra
expect_rc 2 "a stray argument is a usage error"

run "hello there"
expect_rc 3 "a prompt before any consent is refused"
check "it says the Terms were never accepted" err_has "you have not accepted the Terms"
check "it names the command that fixes it" err_has "confab terms"
check "stdout stays empty" [ -z "$OUT" ]

# The man page is there and renders.
check "man page renders" sh -c "man -l '$TOP_SRCDIR/man/confab.1' 2>/dev/null | grep -q 'terms accept'"

done_testing
