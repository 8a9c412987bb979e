#!/bin/sh
# The message catalog: complete for zh_CN, well-formed, and used by the binary
# in a zh_CN locale, installed or not; a missing catalog falls back to English.
. "$TOP_SRCDIR/tests/cli/lib.sh"

PO="$TOP_SRCDIR/po/zh_CN.po"

# Every message marked in the sources, extracted now (not from the committed
# po/confab.pot, which may be stale), against the catalog.
(cd "$TOP_SRCDIR" && xgettext --language=C --from-code=UTF-8 --keyword --keyword=_ --keyword=N_ \
	--keyword=P_:1,2 --force-po -o "$T/now.pot" src/*.c) 2>"$T/xgettext.err"
check "xgettext reads every source file" [ $? = 0 ]
n=$(grep -c '^msgid "' "$T/now.pot")
check "the sources mark messages for translation ($n)" [ "$n" -gt 500 ]
msgmerge --quiet --no-fuzzy-matching -o "$T/merged.po" "$PO" "$T/now.pot" 2>"$T/msgmerge.err"
check "the catalog merges with the sources' messages" [ $? = 0 ]
msgattrib --untranslated --no-obsolete "$T/merged.po" -o "$T/untranslated.po" 2>/dev/null
missing=$(grep -c '^msgid "' "$T/untranslated.po" 2>/dev/null)
if [ "${missing:-0}" -le 1 ]; then # the header is the one empty msgid
	ok "every message in the sources has a Chinese translation"
else
	not_ok "every message in the sources has a Chinese translation ($((missing - 1)) missing)"
	grep -A1 '^#:' "$T/untranslated.po" | head -n 60 | diag "$(cat)"
fi
msgattrib --only-fuzzy --no-obsolete "$T/merged.po" -o "$T/fuzzy.po" 2>/dev/null
fuzzy=$(grep -c '^msgid "' "$T/fuzzy.po" 2>/dev/null)
check "no translation is marked fuzzy (${fuzzy:-0})" [ "${fuzzy:-0}" -le 1 ]
msgfmt --check --statistics -o /dev/null "$PO" 2>"$T/msgfmt.err"
check "msgfmt --check accepts the catalog (formats, plurals, header)" [ $? = 0 ]
diag "$(cat "$T/msgfmt.err")"
check "the catalog's language is zh_CN" grep -q '^"Language: zh_CN\\n"$' "$PO"

# The binary in a Chinese locale. LC_ALL=C.UTF-8 comes from lib.sh; each run
# below names its own locale.
zh() { LC_ALL=zh_CN.UTF-8 run "$@"; }
cjk() { printf '%s' "$1" | LC_ALL=zh_CN.UTF-8 grep -q '[一-龥]'; }

zh --help
expect_rc 0 "--help in zh_CN"
check "--help in zh_CN is Chinese" cjk "$OUT"
check "--help still names the commands as typed" out_has "terms verify"
run --help
check "--help in C.UTF-8 stays English" out_has "Exit codes"
nocjk() { ! cjk "$1"; }
check "--help in C.UTF-8 has no Chinese" nocjk "$OUT"

# A container whose only locale is C.UTF-8 (LOCPATH holds just that one):
# LANG=zh_CN.UTF-8 cannot be set, yet the messages are Chinese.
mkdir -p "$T/locales"
for d in /usr/lib/locale/C.utf8 /usr/lib/locale/C.UTF-8; do
	[ -d "$d" ] && ln -s "$d" "$T/locales/$(basename "$d")"
done
LOCPATH="$T/locales" LC_ALL= LANG=zh_CN.UTF-8 run --help
check "zh_CN.UTF-8 not installed: --help is still Chinese" cjk "$OUT"

# No catalog where it should be: English, never an empty message.
CONFAB_LOCALEDIR="$T/nowhere" LC_ALL=zh_CN.UTF-8 run --help
check "no catalog installed: --help falls back to English" out_has "Exit codes"

zh --bogus
expect_rc 2 "an unknown option in zh_CN is still a usage error"
check "the usage error in zh_CN is Chinese" cjk "$ERR"
check "it still names the option" err_has "--bogus"

done_testing
