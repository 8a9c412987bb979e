#!/bin/sh
# Start-up: libcurl is loaded (dlopen) by the first request only. --version, --help,
# log, terms status and feedback export never load it; a one-shot query does; a
# libcurl that cannot be loaded is one clear message and exit 6.
. "$TOP_SRCDIR/tests/cli/lib.sh"

# loads_curl ARGS...: run confab with LD_DEBUG=libs; true if it loaded libcurl.
loads_curl() {
	LD_DEBUG=libs LD_DEBUG_OUTPUT="$T/lddebug" "$CONFAB" "$@" >"$T/out" 2>"$T/err" </dev/null
	RC=$?
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
	cat "$T"/lddebug.* >"$T/ld" 2>/dev/null
	rm -f "$T"/lddebug.*
	grep -q 'libcurl\.so' "$T/ld"
}
# loader_works: LD_DEBUG is honoured here (it is not under some sanitizers or set-uid).
LD_DEBUG=libs LD_DEBUG_OUTPUT="$T/probe" "$CONFAB" --version >/dev/null 2>&1
if ! cat "$T"/probe.* 2>/dev/null | grep -q 'libc\.so'; then
	echo "1..0 # SKIP the dynamic loader's LD_DEBUG output is not available"
	exit 0
fi

if command -v ldd >/dev/null 2>&1; then
	check "ldd: the program does not link libcurl" sh -c "! ldd '$CONFAB' | grep -q libcurl"
fi

accept_terms
for args in "--version" "--help" "log list" "log search hello" \
	"terms status --terms-file $TERMS" "feedback export"; do
	# shellcheck disable=SC2086 # the words are the arguments
	if loads_curl $args; then
		not_ok "confab $args does not load libcurl"
		diag "rc=$RC" "$(grep libcurl "$T/ld" | head -3)"
	else
		ok "confab $args does not load libcurl"
	fi
	# shellcheck disable=SC2086
	check "confab $args still works (exit 0)" [ "$RC" = 0 ]
done

start_server
if loads_curl --base-url "$BASE/s/ok/v1" "Hi there"; then
	ok "a one-shot query loads libcurl"
else
	not_ok "a one-shot query loads libcurl"
fi
check "and gets its answer (exit 0)" [ "$RC" = 0 ]
check "the answer is printed" out_has "Hello! You said: Hi there"

# A libcurl.so.4 that is not a library, found first through LD_LIBRARY_PATH.
mkdir -p "$T/badlib"
echo "not a library" >"$T/badlib/libcurl.so.4"
LD_LIBRARY_PATH="$T/badlib" "$CONFAB" --base-url "$BASE/s/ok/v1" "Hi there" >"$T/out" 2>"$T/err" </dev/null
RC=$?
OUT=$(cat "$T/out")
ERR=$(cat "$T/err")
expect_rc 6 "a libcurl that cannot be loaded is a system failure"
check "the message names the library" err_has "cannot load libcurl.so.4"
check "and says how to install it" err_has "install libcurl4"
check "in one line" [ "$(wc -l <"$T/err")" = 1 ]
check "nothing reached stdout" [ ! -s "$T/out" ]
LD_LIBRARY_PATH="$T/badlib" "$CONFAB" --version >"$T/out" 2>"$T/err" </dev/null
RC=$?
OUT=$(cat "$T/out")
ERR=$(cat "$T/err")
check "--version works without a loadable libcurl" [ "$RC" = 0 ]

done_testing
