#!/bin/sh
# Endpoints: which key goes where (no_key, the provider key, plain http),
# TLS with a private CA (ca_file, SSL_CERT_FILE, CURL_CA_BUNDLE), proxies.
. "$TOP_SRCDIR/tests/cli/lib.sh"

start_server
accept_terms

CONF="$XDG_CONFIG_HOME/confab/config"
mkdir -p "$XDG_CONFIG_HOME/confab"
# A name that never resolves (RFC 6761): only a proxy can reach it.
FAR=http://api.example.invalid/v1

# requests: how many requests the server has logged (control ones too).
requests() { [ -f "$T/requests.log" ] && wc -l <"$T/requests.log" || echo 0; }
# last_request EXPR: a Python expression on the last logged request r.
last_request() {
	tail -n 1 "$T/requests.log" | python3 -c "import json,sys; r=json.loads(sys.stdin.read()); print($1)"
}
# conf TEXT: the config file, 0600.
conf() {
	printf '%s\n' "$1" >"$CONF"
	chmod 600 "$CONF"
}
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
DEAD=$(free_port)

# ---- keys: no_key -------------------------------------------------------------
# The fake server doubles as a forward proxy for plain http (it serves the path
# of an absolute request target), which stands in for a server on the network.
n=$(requests)
http_proxy=$BASE run --base-url "$FAR" "$PROMPT"
expect_rc 2 "a keyless server off this machine is refused without no_key"
check "the refusal names no_key = yes" err_has "set no_key = yes"
check "nothing was sent" [ "$(requests)" = "$n" ]

conf "[profile lan]
base_url = $FAR
no_key = yes"
DASHSCOPE_API_KEY=sk-test-secret-0123 http_proxy=$BASE run --profile lan "$PROMPT"
expect_rc 0 "no_key = yes in a profile reaches a keyless server off this machine"
check "the answer arrives" out_has "You said: $PROMPT"
check "the request went to that server" [ "$(last_request 'r["path"]')" = "$FAR/chat/completions" ]
check "no key was sent" [ "$(last_request '"authorization" in r["headers"]')" = False ]
CONFAB_NO_KEY=yes http_proxy=$BASE run --base-url "$FAR" "$PROMPT"
expect_rc 0 "CONFAB_NO_KEY=yes does the same"

# ---- keys: the provider key goes to its provider --------------------------------
export DASHSCOPE_API_KEY=sk-test-secret-0123
conf ""
n=$(requests)
run --base-url https://api.example.invalid/v1 "$PROMPT"
expect_rc 2 "DASHSCOPE_API_KEY is not sent to another provider's host"
check "the refusal says why" err_has "not sending DASHSCOPE_API_KEY to https://api.example.invalid/v1"
check "it says how to allow it" err_has "set api_key_env = DASHSCOPE_API_KEY"
check "it offers no_key too" err_has "no_key = yes"
check "the key itself is never printed" sh -c "! grep -q sk-test-secret '$T/err' '$T/out'"
run models --base-url https://api.example.invalid/v1
expect_rc 2 "confab models is refused the same way"

run --base-url "$BASE/s/auth/v1" "$PROMPT"
expect_rc 4 "on loopback the provider key is withheld (the auth scenario wants one)"
check "no Authorization header reached the local server" [ "$(last_request '"authorization" in r["headers"]')" = False ]
run models --base-url "$BASE/s/models-401/v1"
expect_rc 4 "a 401 from models"
check "the 401 says no key was sent and why" err_has "no key was sent (DASHSCOPE_API_KEY goes only to DashScope hosts"
check "and how to send it" err_has "set api_key_env = DASHSCOPE_API_KEY"

CONFAB_API_KEY_ENV=DASHSCOPE_API_KEY run --base-url "$BASE/s/auth/v1" "$PROMPT"
expect_rc 0 "api_key_env named on purpose (CONFAB_API_KEY_ENV) sends the key"
check "the key went as a bearer token" [ "$(last_request 'r["headers"]["authorization"]')" = "Bearer sk-test-secret-0123" ]
conf "[profile local]
api_key_env = DASHSCOPE_API_KEY"
run --profile local --base-url "$BASE/s/auth/v1" "$PROMPT"
expect_rc 0 "api_key_env = DASHSCOPE_API_KEY in a profile sends the key"
unset DASHSCOPE_API_KEY

# ---- keys: never over plain http off this machine ------------------------------
export MY_KEY=sk-mine-0123
conf "[profile lan]
base_url = $FAR
api_key_env = MY_KEY"
n=$(requests)
http_proxy=$BASE run --profile lan "$PROMPT"
expect_rc 2 "a key is not sent over plain http:// off this machine"
check "the refusal names plain http://" err_has "over plain http://"
check "it names allow_insecure_key" err_has "set allow_insecure_key = yes in [profile lan]"
check "it names where the key came from" err_has "the API key from MY_KEY"
check "nothing was sent" [ "$(requests)" = "$n" ]
CONFAB_ALLOW_INSECURE_KEY=yes http_proxy=$BASE run --profile lan "$PROMPT"
expect_rc 2 "allow_insecure_key does not come from the environment"
conf "[profile lan]
base_url = $FAR
api_key_env = MY_KEY
allow_insecure_key = yes"
http_proxy=$BASE run --profile lan "$PROMPT"
expect_rc 0 "allow_insecure_key = yes sends it"
check "the key arrived" [ "$(last_request 'r["headers"]["authorization"]')" = "Bearer sk-mine-0123" ]
conf ""
CONFAB_API_KEY_ENV=MY_KEY run --base-url "$BASE/s/auth/v1" "$PROMPT"
expect_rc 0 "plain http:// on loopback carries a key"
unset MY_KEY

# ---- proxies --------------------------------------------------------------------
for v in http_proxy all_proxy ALL_PROXY; do
	env "$v=http://127.0.0.1:$DEAD" "$CONFAB" --base-url "$BASE/v1" "$PROMPT" >"$T/out" 2>"$T/err" </dev/null
	RC=$? OUT=$(cat "$T/out") ERR=$(cat "$T/err")
	expect_rc 0 "a loopback endpoint does not go through $v from the environment"
done
check "the answer arrives" out_has "You said: $PROMPT"

CONFAB_NO_KEY=yes http_proxy="http://user:proxy-secret@127.0.0.1:$DEAD" \
	"$CONFAB" --base-url "$FAR" "$PROMPT" >"$T/out" 2>"$T/err" </dev/null
RC=$? OUT=$(cat "$T/out") ERR=$(cat "$T/err")
expect_rc 5 "a dead proxy from the environment"
check "the error names the proxy and its variable" err_has "(through the proxy 'http://127.0.0.1:$DEAD' from http_proxy)"
check "the proxy's password is never printed" sh -c "! grep -q proxy-secret '$T/err'"

conf "proxy = $BASE"
run --base-url "http://127.0.0.1:$DEAD/v1" "$PROMPT"
expect_rc 0 "the proxy setting is used for loopback too"
check "the request went through it" [ "$(last_request 'r["path"]')" = "http://127.0.0.1:$DEAD/v1/chat/completions" ]
no_proxy='*' NO_PROXY='*' run --base-url "http://127.0.0.1:$DEAD/v1" "$PROMPT"
expect_rc 0 "no_proxy does not bypass the proxy setting"
conf "proxy = http://127.0.0.1:$DEAD"
run --base-url "$BASE/v1" "$PROMPT"
expect_rc 5 "a dead proxy from the proxy setting"
check "the error names the setting" err_has "(through the proxy 'http://127.0.0.1:$DEAD' of the proxy setting ($CONF:1))"
conf "proxy = none"
CONFAB_NO_KEY=yes CONFAB_CONNECT_TIMEOUT=2 http_proxy=$BASE run --base-url "$FAR" "$PROMPT"
expect_rc 5 "proxy = none ignores the environment's proxy"
check "no proxy is named" sh -c "! grep -q 'through the proxy' '$T/err'"
conf "proxy = ftp://x"
run --base-url "$BASE/v1" "$PROMPT"
expect_rc 2 "a proxy that is not http, https or socks"
conf ""

# ---- TLS with a private certificate ---------------------------------------------
mkdir -p "$T/tls"
if ! openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/tls/key.pem" -out "$T/tls/cert.pem" \
	-days 2 -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
	>"$T/tls/openssl.log" 2>&1; then
	not_ok "openssl makes a self-signed certificate"
	diag "$(cat "$T/tls/openssl.log")"
	done_testing
	exit 0
fi
python3 "$TOP_SRCDIR/tests/server/fakeapi.py" --port-file "$T/tls/port" --log "$T/tls.log" \
	--terms-dir "$T/served" --max-seconds 300 --tls "$T/tls/cert.pem" "$T/tls/key.pem" \
	2>"$T/tls/server.err" &
MORE_PIDS=$!
i=0
while [ ! -s "$T/tls/port" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
TBASE="https://127.0.0.1:$(cat "$T/tls/port")"
handshakes() { grep -c "\"tls\": \"handshake\", \"ok\": $1" "$T/tls.log"; }

run --base-url "$TBASE/v1" "$PROMPT"
expect_rc 5 "a self-signed server without ca_file"
check "the error says the certificate cannot be verified" err_has "cannot verify the server's TLS certificate"
check "the error says to set ca_file" err_has "set ca_file"
check "a certificate error is not retried" sh -c "! grep -q 'retrying' '$T/err'"
check "exactly one connection was tried ($(handshakes false))" [ "$(handshakes false)" = 1 ]

conf "ca_file = $T/tls/cert.pem"
run --base-url "$TBASE/v1" "$PROMPT"
expect_rc 0 "ca_file = the server's certificate"
check "the answer arrives over TLS" out_has "You said: $PROMPT"
run models --base-url "$TBASE/v1"
expect_rc 0 "confab models uses ca_file"
check "the models are listed" out_has "qwen-plus"
conf ""

SSL_CERT_FILE="$T/tls/cert.pem" run --base-url "$TBASE/v1" "$PROMPT"
expect_rc 0 "SSL_CERT_FILE is honoured without ca_file"
CURL_CA_BUNDLE="$T/tls/cert.pem" run --base-url "$TBASE/v1" "$PROMPT"
expect_rc 0 "CURL_CA_BUNDLE is honoured without ca_file"
CONFAB_CA_FILE="$T/tls/cert.pem" run --base-url "$TBASE/v1" "$PROMPT"
expect_rc 0 "CONFAB_CA_FILE sets ca_file"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/tls/other-key.pem" -out "$T/tls/other.pem" \
	-days 2 -subj /CN=other >/dev/null 2>&1
conf "ca_file = $T/tls/other.pem"
SSL_CERT_FILE="$T/tls/cert.pem" run --base-url "$TBASE/v1" "$PROMPT"
expect_rc 5 "ca_file beats SSL_CERT_FILE (here: another CA)"
check "the error names the ca_file and where it came from" \
	err_has "with the CA certificates in '$T/tls/other.pem' (ca_file, from $CONF:1)"
conf "ca_file = $T/tls/key.pem"
run --base-url "$TBASE/v1" "$PROMPT"
expect_rc 5 "a ca_file without certificates"
check "the error says the file is no use" err_has "cannot use the CA certificates in '$T/tls/key.pem'"
conf "ca_file = $T/tls/none.pem"
n=$(handshakes true)
run --base-url "$TBASE/v1" "$PROMPT"
expect_rc 2 "a ca_file that cannot be read"
check "the message names ca_file and the file" err_has "cannot read the CA certificates '$T/tls/none.pem' (ca_file, from $CONF:1)"
check "nothing was sent" [ "$(handshakes true)" = "$n" ]

# terms_url is fetched with ca_file too (last: it records a Terms version).
mkdir -p "$T/served"
cp "$TERMS" "$T/served/terms.md"
CONFAB_TERMS_URL="$TBASE/terms/terms.md" run terms update
expect_rc 5 "terms_url over TLS without ca_file"
check "the terms error says to set ca_file" err_has "set ca_file"
conf "ca_file = $T/tls/cert.pem"
CONFAB_TERMS_URL="$TBASE/terms/terms.md" run terms update
expect_rc 0 "terms_url over TLS with ca_file"
conf ""

done_testing
