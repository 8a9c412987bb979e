#!/bin/sh
# The tools that keep the code as it is (issue 14): 'make cppcheck' passes,
# 'make format-check' passes (the tree is as clang-format-14 makes it with
# .clang-format), and each fails when it should: on a badly formatted file,
# and on a file with a real finding.
. "$TOP_SRCDIR/tests/cli/lib.sh"

make -C "$TOP_BUILDDIR" cppcheck >"$T/cppcheck.log" 2>&1
RC=$? OUT=$(tail -n 20 "$T/cppcheck.log") ERR=
check "make cppcheck finds nothing (needs cppcheck, see .ci/deps.sh)" [ "$RC" = 0 ]

make -C "$TOP_BUILDDIR" format-check >"$T/format.log" 2>&1
RC=$? OUT=$(grep -c 'error:' "$T/format.log") ERR=$(head -n 20 "$T/format.log")
check "make format-check: every C file is as clang-format-14 makes it (fix: make format)" \
	[ "$RC" = 0 ]

# The same tools, on files that break the rules, must fail.
cp "$TOP_SRCDIR/.clang-format" "$T/.clang-format"
printf 'int\nf(int a)\n{\n  return a+1;\n}\n' >"$T/bad.c"
clang-format-14 --dry-run --Werror "$T/bad.c" >"$T/bad.log" 2>&1
RC=$? OUT=$(cat "$T/bad.log") ERR=
check "clang-format-14 --Werror rejects a badly formatted file" [ "$RC" != 0 ]

printf 'int\nf(int a)\n{\n\treturn a + 1;\n}\n' >"$T/good.c"
clang-format-14 --dry-run --Werror "$T/good.c" >"$T/good.log" 2>&1
RC=$? OUT=$(cat "$T/good.log") ERR=
check "clang-format-14 --Werror accepts a file in the house style" [ "$RC" = 0 ]

printf 'int\nf(void)\n{\n\tint a[2] = { 0, 0 };\n\n\treturn a[2];\n}\n' >"$T/oob.c"
(cd "$TOP_SRCDIR" && cppcheck --enable=warning,style,performance,portability \
	--error-exitcode=1 --inline-suppr --suppressions-list=.ci/cppcheck.supp --quiet \
	"$T/oob.c") >"$T/oob.log" 2>&1
RC=$? OUT=$(cat "$T/oob.log") ERR=
check "cppcheck with the project's suppressions still reports a real bug" [ "$RC" != 0 ]

done_testing
