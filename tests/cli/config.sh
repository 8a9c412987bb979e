#!/bin/sh
# Configuration: INI file, profiles, precedence, errors, key files.
. "$TOP_SRCDIR/tests/cli/lib.sh"

CONF="$XDG_CONFIG_HOME/confab/config"
mkdir -p "$XDG_CONFIG_HOME/confab"
for v in A B C D; do
	sed "s/^Last updated: March 1, 2025/Last updated: $v/" "$TERMS" >"$T/$v.md"
done

# source: the "source" field of terms status --json.
source_of() {
	"$CONFAB" terms status --json "$@" 2>&1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["current"]["source"])'
}

cat >"$CONF" <<CONF
; comment
# another comment
terms_file = $T/A.md
profile = second

[profile first]
model = qwen-max

[profile second]
terms_file = $T/B.md
CONF
S=$(source_of)
check "a profile's setting is used, naming file and line ($S)" [ "$S" = "$T/B.md (from $CONF:10)" ]
S=$(source_of --profile first)
check "--profile picks another profile; top level applies ($S)" [ "$S" = "$T/A.md (from $CONF:3)" ]
S=$(CONFAB_PROFILE=first source_of)
check "CONFAB_PROFILE picks a profile ($S)" [ "$S" = "$T/A.md (from $CONF:3)" ]
S=$(CONFAB_TERMS_FILE="$T/C.md" source_of)
check "the environment beats the file ($S)" [ "$S" = "$T/C.md (from CONFAB_TERMS_FILE)" ]
S=$(CONFAB_TERMS_FILE="$T/C.md" source_of --terms-file "$T/D.md")
check "a flag beats the environment ($S)" [ "$S" = "$T/D.md (from --terms-file)" ]

run --profile nope terms status
expect_rc 2 "an unknown profile"
check "the unknown profile is named" err_has "unknown profile 'nope'"

printf 'model = x\nthis line is wrong\n' >"$CONF"
run terms status
expect_rc 2 "a syntax error in the config"
check "the syntax error names file and line" err_has "config '$CONF' line 2"

printf 'model = x\n\nmodle = y\n' >"$CONF"
run terms status
expect_rc 2 "an unknown setting"
check "the unknown setting is named with its line" err_has "line 3: unknown setting 'modle'"

printf '[work]\nmodel = x\n' >"$CONF"
run terms status
expect_rc 2 "an unknown section"
check "the unknown section is named" err_has "unknown section [work]"

printf 'temperature = 7\n' >"$CONF"
run terms status
expect_rc 2 "an invalid value"
check "the invalid value names where it came from" err_has "invalid temperature from $CONF:1"

printf 'base_url = ftp://x\n' >"$CONF"
run terms status
expect_rc 2 "a base_url that is not http"
printf '[profile lan]\nno_key = maybe\n' >"$CONF"
run --profile lan terms status
expect_rc 2 "no_key that is not yes or no"
check "the message names no_key and its line" err_has "invalid no_key from $CONF:2"
printf 'allow_insecure_key = yes\nca_file = /x.pem\nproxy = none\nno_key = no\n' >"$CONF"
run terms status
expect_rc 3 "the endpoint settings are known settings"
printf '' >"$CONF"
CONFAB_TIMEOUT=-3 run terms status
expect_rc 2 "an invalid value from the environment"
check "the message names the variable" err_has "CONFAB_TIMEOUT"

printf '[profile p]\napi_key = sk-secret-value\n' >"$CONF"
chmod 644 "$CONF"
run terms status
expect_rc 2 "a key in a config others can read"
check "the message says how to fix it" err_has "chmod 600"
check "the key itself is never printed" sh -c "! grep -q sk-secret-value '$T/err' '$T/out'"
chmod 600 "$CONF"
run terms status
expect_rc 3 "the same file at 0600 is accepted"

chmod 000 "$CONF"
if [ "$(id -u)" != 0 ]; then
	run terms status
	expect_rc 2 "an unreadable config"
else
	ok "an unreadable config (root reads anything; covered by the open error path)"
fi
chmod 600 "$CONF"

run --config "$T/none" terms status
expect_rc 3 "a missing config file is an empty one"

done_testing
