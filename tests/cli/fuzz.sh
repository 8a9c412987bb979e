#!/bin/sh
# The fuzz targets over their committed corpora (fuzz/corpus/NAME): each
# replay-NAME (built by make check with the normal compiler, so under the
# sanitizers in the ASan build), then each libFuzzer target (make fuzz, clang
# with libFuzzer) for FUZZ_SECONDS (default 4) from a copy of its corpus.
# Without clang the second part fails: .ci/deps.sh installs clang-14.
. "$TOP_SRCDIR/tests/cli/lib.sh"

NAMES="api api-fast sse sanitize markdown config terms disclaimer stored"
SECONDS_EACH=${FUZZ_SECONDS:-4}

for n in $NAMES; do
	out=$("$TOP_BUILDDIR/fuzz/replay-$n" "$TOP_SRCDIR/fuzz/corpus/$n" 2>&1)
	RC=$? OUT=$out ERR=
	check "replay-$n replays its corpus ($out)" [ "$RC" = 0 ]
done

make -C "$TOP_BUILDDIR" fuzz >"$T/make.log" 2>&1
RC=$? OUT=$(tail -n 5 "$T/make.log") ERR=
check "make fuzz builds every target (needs clang with libFuzzer, e.g. clang-14)" [ "$RC" = 0 ]

for n in $NAMES; do
	mkdir -p "$T/corpus-$n"
	cp "$TOP_SRCDIR/fuzz/corpus/$n/"* "$T/corpus-$n/"
	"$TOP_BUILDDIR/fuzz/fuzz-$n" -max_total_time="$SECONDS_EACH" -max_len=8192 \
		-rss_limit_mb=1024 -artifact_prefix="$T/crash-$n-" "$T/corpus-$n" \
		>"$T/fuzz-$n.log" 2>&1
	RC=$? OUT=$(grep -E '^#[0-9]+.*(DONE|pulse)|ERROR|SUMMARY|check failed' "$T/fuzz-$n.log" | tail -n 8) ERR=
	runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$T/fuzz-$n.log")
	check "fuzz-$n runs ${SECONDS_EACH}s without a finding (${runs:-no} runs)" \
		test "$RC" = 0 -a -n "$runs"
done

done_testing
