#!/bin/sh
# Shell completions through the real shells: bash (with and without bash-completion),
# zsh and fish; every option of --help; profiles, roles, models (and their cache),
# conversation ids; 'make install' puts the files where the shells look.
# A missing shell is a failure: .ci/deps.sh installs zsh, fish and bash-completion.
. "$TOP_SRCDIR/tests/cli/lib.sh"

C="$TOP_SRCDIR/completions"
BC=/usr/share/bash-completion/bash_completion
export XDG_CACHE_HOME="$T/cache"
mkdir -p "$T/bin" "$XDG_CONFIG_HOME/confab/roles"
ln -s "$CONFAB" "$T/bin/confab"
PATH="$T/bin:$PATH"
export PATH

for sh in bash zsh fish; do
	check "$sh is installed (sh .ci/deps.sh)" sh -c 'command -v "$1" >/dev/null' sh "$sh"
done
check "bash-completion is installed (sh .ci/deps.sh)" [ -r "$BC" ]

# bcomp LINE: the candidates bash's completion offers for LINE, cursor at its end,
# one a line; the words are split as readline splits them (at blanks, '=' and ':').
# BCOMP_BARE=1: without bash-completion.
bcomp() {
	bash --norc --noprofile -c '
		[ -n "${BCOMP_BARE:-}" ] || . "$1" || exit 1
		. "$2" || exit 1
		line=$3 rest=$3 COMP_WORDS=()
		while [[ -n $rest ]]; do
			rest=${rest#"${rest%%[![:space:]]*}"}
			[[ -z $rest ]] && break
			[[ $rest =~ ^[=:]+ ]] || [[ $rest =~ ^[^[:space:]=:]+ ]]
			COMP_WORDS+=("${BASH_REMATCH[0]}")
			rest=${rest:${#BASH_REMATCH[0]}}
		done
		[[ $line == *[[:space:]] ]] && COMP_WORDS+=("")
		COMP_LINE=$line COMP_POINT=${#line} COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMPREPLY=()
		$(complete -p confab | sed "s/.*-F \([^ ]*\) .*/\1/") confab \
		    "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' bash "$BC" "$C/confab.bash" "$1" | sort
}

# zcomp LINE: the candidates of the zsh completion for LINE (its _confab_candidates,
# which _confab hands to compadd; the real widget is tried in tmux below).
zcomp() {
	zsh -f -c '
		source "$1" || exit 1
		words=(${(z)2})
		[[ $2 == *" " ]] && words+=("")
		CURRENT=$#words
		_confab_candidates
		(( $#reply )) && print -rl -- $reply
		(( _confab_files )) && print "(files)"' zsh "$C/_confab" "$1" | sort
}

# fcomp LINE: the candidates fish offers for LINE.
fcomp() {
	fish --no-config -c 'source $argv[1]; or exit 1; complete -C $argv[2]' "$C/confab.fish" \
	    "$1" | cut -f1 | sort
}

# same SHELL LINE WORDS...: SHELL offers exactly WORDS for LINE.
same() {
	_got=$("$1" "$2")
	_want=$(printf '%s\n' "$@" | tail -n +3 | sort)
	[ "$_got" = "$_want" ] && return 0
	diag "$1 '$2': got" "$_got" "wanted" "$_want"
	return 1
}

# offers SHELL LINE WORDS...: SHELL's candidates for LINE include WORDS.
offers() {
	_got=$("$1" "$2")
	_sh=$1 _line=$2
	shift 2
	for _w in "$@"; do
		if ! printf '%s\n' "$_got" | grep -qxF -- "$_w"; then
			diag "$_sh '$_line' lacks '$_w'; it offered:" "$_got"
			return 1
		fi
	done
}

# ---- commands --------------------------------------------------------------------
for sh in bcomp zcomp fcomp; do
	check "$sh: the commands" same $sh "confab " terms models feedback log roles
	check "$sh: a command from its start" same $sh "confab te" terms
	check "$sh: terms' commands" same $sh "confab terms " review show status accept diff \
	    withdraw history verify export update
	check "$sh: terms ac" same $sh "confab terms ac" accept
	check "$sh: log's commands" same $sh "confab log " list show search delete export
	check "$sh: feedback's commands" same $sh "confab feedback " up down clear list export sync
	check "$sh: a command after options" same $sh "confab -q --json fe" feedback
	check "$sh: nothing for a prompt's words" same $sh "confab hello te"
	check "$sh: nothing after --" same $sh "confab -- te"
	check "$sh: the formats of log export" same $sh "confab log export 1 --format " markdown json
	check "$sh: the reasons of a thumbs down" same $sh "confab feedback down --reason un" unhelpful
done
bcomp_bare() { BCOMP_BARE=1 bcomp "$1"; }
check "bash without bash-completion: a command" same bcomp_bare "confab te" terms
check "bash without bash-completion: --opt=value" same bcomp_bare "confab log export 1 --format=m" markdown
check "bash: --opt=value, trimmed to the text after '='" same bcomp "confab log export 1 --format=m" markdown
check "bash: reasons after a comma" same bcomp "confab feedback down --reason inaccurate,un" inaccurate,unhelpful
check "fish: reasons after a comma" same fcomp "confab feedback down --reason inaccurate,un" inaccurate,unhelpful
check "zsh: reasons after a comma (the prefix is kept)" same zcomp "confab feedback down --reason inaccurate,un" unhelpful

for sh in bcomp zcomp fcomp; do
	check "$sh: log show without a store: last alone" same $sh "confab log show " last
done
check "and completing created no store" [ ! -e "$DB" ]

# ---- every option of --help --------------------------------------------------------
run --help
OPTS=$(printf '%s\n' "$OUT" | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
SHORT=$(printf '%s\n' "$OUT" | sed -n 's/^  \(-[A-Za-z]\), --.*/\1/p')
check "--help lists options (the list below is not empty)" [ "$(echo "$OPTS" | wc -l)" -gt 25 ]
for sh in bcomp zcomp fcomp; do
	# shellcheck disable=SC2086
	check "$sh: every long option of --help" offers $sh "confab --" $OPTS
	# shellcheck disable=SC2086
	check "$sh: every short option of --help" offers $sh "confab -" $SHORT
	check "$sh: options after a command" offers $sh "confab terms accept --a" --adult
done

# ---- profiles and roles ----------------------------------------------------------------
start_server
{
	echo "model = qwen-plus"
	echo "[profile work]"
	echo "base_url = $BASE/s/ok/v1"
	echo "terms = none"
	echo "[ profile  local-llm ] ; a comment"
	echo "base_url = $BASE/s/ok/v1"
	echo "terms = none"
	echo "[profile bad\$(touch $T/pwned)]"
} >"$XDG_CONFIG_HOME/confab/config"
printf '[profile other]\n' >"$T/other.conf"
R="$XDG_CONFIG_HOME/confab/roles"
touch "$R/poet.md" "$R/reviewer.md" "$R/notes.txt" "$R/\$(id).md" "$R/a b.md"
for sh in bcomp zcomp fcomp; do
	check "$sh: the profiles of the config file, unsafe names left out" \
	    same $sh "confab -p " work local-llm
	check "$sh: --profile from its start" same $sh "confab --profile w" work
	check "$sh: the profiles of --config's file" same $sh "confab --config $T/other.conf -p " other
	check "$sh: the roles" same $sh "confab --role " poet reviewer
	check "$sh: a role from its start" same $sh "confab --role r" reviewer
	check "$sh: --terms" same $sh "confab --terms " none
done
check "bash: --profile=NAME" same bcomp "confab --profile=w" work
check "fish: --profile=NAME" same fcomp "confab --profile=w" --profile=work
check "zsh: --profile=NAME" same zcomp "confab --profile=w" work
check "no name ran as a command" [ ! -e "$T/pwned" ]
CONFAB_CONFIG="$T/other.conf"
export CONFAB_CONFIG
check "bash: CONFAB_CONFIG names the file" same bcomp "confab -p " other
check "fish: CONFAB_CONFIG names the file" same fcomp "confab -p " other
check "zsh: CONFAB_CONFIG names the file" same zcomp "confab -p " other
unset CONFAB_CONFIG

# ---- models, cached ------------------------------------------------------------------
# models: how many model listings the server answered since the mark.
models() { echo $(($(grep -c '/v1/models' "$T/requests.log") - M0)); }
M0=0
run -p work models
check "the fake server lists models" out_has qwen3-max
M0=$(models)
check "bash: the models of the endpoint" same bcomp "confab -p work -m qwen3" qwen3-max qwen3-235b-a22b
check "one request listed them" [ "$(models)" = 1 ]
check "bash: -m again" offers bcomp "confab -p work -m " qwen-plus qwen-max qwq-32b
check "zsh: the models" same zcomp "confab -p work --model qwen3" qwen3-max qwen3-235b-a22b
check "fish: the models" same fcomp "confab -p work -m qwen3" qwen3-max qwen3-235b-a22b
check "bash: --model=NAME" same bcomp "confab -p work --model=qwq" qwq-32b
check "the cache answered them all (still one request)" [ "$(models)" = 1 ]
check "the cache is in XDG_CACHE_HOME/confab" sh -c 'ls "$1"/confab/models-* >/dev/null' sh "$XDG_CACHE_HOME"
touch -d '10 minutes ago' "$XDG_CACHE_HOME"/confab/models-*
check "bash: after 5 minutes" offers bcomp "confab -p work -m qw" qwen-plus
check "the models were listed again" [ "$(models)" = 2 ]
check "another endpoint has its own cache" same bcomp "confab -p local-llm -m qwq" qwq-32b
check "and asked its server" [ "$(models)" = 3 ]

# An endpoint that accepts and never answers: the shell waits seconds, not a
# minute, and the failure is cached.
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(5)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
time.sleep(120)' "$T/deadport" &
MORE_PIDS=$!
wait_until [ -s "$T/deadport" ]
DEAD="http://127.0.0.1:$(cat "$T/deadport")/v1"
ms() { echo $(($(date +%s%N) / 1000000)); }
t0=$(ms)
check "bash: nothing from an endpoint that never answers" same bcomp "confab --terms none --base-url $DEAD -m "
t1=$(ms)
check "within seconds ($((t1 - t0)) ms)" [ $((t1 - t0)) -lt 10000 ]
check "after waiting for it (the endpoint does hang)" [ $((t1 - t0)) -ge 2500 ]
check "bash: nothing again, from the cache" same bcomp_bare "confab --terms none --base-url $DEAD -m "
t2=$(ms)
check "the second time without waiting ($((t2 - t1)) ms)" [ $((t2 - t1)) -lt 2000 ]

# Ollama's names have a colon, which bash splits words at; names with blanks or
# escape codes are left out. A stand-in confab lists them.
mkdir -p "$T/fake"
printf '#!/bin/sh\ncase " $* " in *" models "*) printf "qwen3:8b\\nqwen3:32b\\nllama3.1:8b\\nbad name\\n\\033[31mred\\n" ;; esac\n' \
    >"$T/fake/confab"
chmod +x "$T/fake/confab"
F="$T/fake/confab"
check "bash: after a colon, the rest of the name (readline keeps what is before it)" \
    same bcomp "$F -m qwen3:" 8b 32b
check "bash: a name with a colon, from its start" same bcomp "$F -m ll" llama3.1:8b
check "zsh: names with a colon" same zcomp "$F -m qwen3:" qwen3:8b qwen3:32b
check "fish: names with a colon" same fcomp "$F -m qwen3:" qwen3:8b qwen3:32b
check "only safe names are offered" same bcomp "$F -m " qwen3:8b qwen3:32b llama3.1:8b

# ---- conversation ids ---------------------------------------------------------------
ask ok --terms none "first"
ID1=$(sql "SELECT max(id) FROM conversations")
ask ok --terms none "second"
ID2=$(sql "SELECT max(id) FROM conversations")
check "two conversations" [ -n "$ID1" -a "$ID1" != "$ID2" ]
for sh in bcomp zcomp fcomp; do
	check "$sh: log show: the ids and last" same $sh "confab log show " last "$ID1" "$ID2"
	check "$sh: log export: an id from its start" same $sh "confab log export $ID2" "$ID2"
	check "$sh: --conversation: the ids" same $sh "confab --conversation " "$ID1" "$ID2"
	check "$sh: feedback up: last" same $sh "confab feedback up " last
done

# ---- the real widgets, keys typed into each shell ------------------------------------
# tab NAME: type "confab te" and Tab: the line becomes "confab terms ".
tab() {
	tmux_keys "$1" "confab te" Tab
	wait_for "$1" "confab terms " 10
}
TMUX_COLS=120
tmux_start completions-bash "env PS1='$ ' bash --norc --noprofile"
tmux_keys completions-bash ". $BC; . $C/confab.bash" Enter
check "bash: Tab completes a command" tab completions-bash
tmux_keys completions-bash C-u "confab -p work -m qwen3-2" Tab
check "bash: Tab completes a model" wait_for completions-bash "qwen3-235b-a22b " 10
tmux_keys completions-bash C-u "$F -m qwen3:3" Tab
check "bash: Tab completes a name with a colon" wait_for completions-bash "confab -m qwen3:32b " 10
tmux_start completions-zsh "env PS1='%% ' zsh -f"
tmux_keys completions-zsh "fpath=($C \$fpath); autoload -Uz compinit; compinit -u -D" Enter
check "zsh: Tab completes a command" tab completions-zsh
tmux_keys completions-zsh C-u "confab --role po" Tab
check "zsh: Tab completes a role" wait_for completions-zsh "confab --role poet " 10
tmux_keys completions-zsh C-u "confab --no-" Tab
check "zsh: options are listed with what they do" wait_for completions-zsh "keep this exchange out of the store" 10
tmux_start completions-fish "fish --no-config -C 'source $C/confab.fish'"
check "fish: Tab completes a command" tab completions-fish

# ---- make install -------------------------------------------------------------------
# A prefix of the user's: each file under it, where its shell looks by itself.
mkdir -p "$T/b"
(cd "$T/b" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "$TOP_SRCDIR/configure" \
    --prefix="$T/prefix" --with-fish-completion-dir="$T/fish-data/fish/vendor_completions.d" >"$T/configure.log" 2>&1 &&
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make install-data-local DESTDIR="$T/dest" \
    >"$T/install.log" 2>&1)
RC=$?
OUT=$(tail -n 20 "$T/install.log") ERR=$(grep -i completion "$T/configure.log")
expect_rc 0 "configure --prefix and make install DESTDIR"
P="$T/dest$T/prefix"
check "the bash completion is in bash-completion's completions dir under the prefix" \
    same_bytes "$P/share/bash-completion/completions/confab" "$C/confab.bash"
check "the zsh completion is in share/zsh/site-functions" \
    same_bytes "$P/share/zsh/site-functions/_confab" "$C/_confab"
check "--with-fish-completion-dir is respected" \
    same_bytes "$T/dest$T/fish-data/fish/vendor_completions.d/confab.fish" "$C/confab.fish"
check "nothing went elsewhere" \
    [ "$(cd "$T/dest" && find . -type f | grep -v "^.$T/prefix/" | grep -v "^.$T/fish-data/")" = "" ]
check "bash-completion loads the installed file by itself" sh -c '
	XDG_DATA_DIRS="$1/share" bash --norc --noprofile -c ". $2; __load_completion confab;
	    complete -p confab" | grep -q "_confab confab"' sh "$P" "$BC"
check "fish loads the installed file by itself" sh -c '
	XDG_DATA_DIRS="$1" fish -c "complete -C \"confab te\"" | grep -q "^terms"' \
    sh "$T/dest$T/fish-data"
check "zsh's compinit finds the installed file" sh -c '
	zsh -fc "fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -D; print -r -- \$_comps[confab]" |
	grep -qx _confab' sh "$P/share/zsh/site-functions"
(cd "$T/b" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make uninstall-local DESTDIR="$T/dest" >/dev/null 2>&1)
check "make uninstall removes them" [ "$(cd "$T/dest" && find . -type f)" = "" ]

# --prefix=$HOME/.local, installed by the user: bash-completion and fish look in
# ~/.local/share by themselves; 'no' installs none for zsh.
mkdir -p "$T/u"
(cd "$T/u" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "$TOP_SRCDIR/configure" \
    --prefix="$HOME/.local" --with-zsh-completion-dir=no >"$T/configure.log" 2>&1 &&
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make install-data-local >"$T/install.log" 2>&1)
RC=$?
OUT=$(tail -n 20 "$T/install.log") ERR=$(grep -i completion "$T/configure.log")
expect_rc 0 "configure --prefix=\$HOME/.local and make install"
check "no zsh completion with --with-zsh-completion-dir=no" [ ! -e "$HOME/.local/share/zsh" ]
check "bash-completion finds ~/.local's by itself" sh -c '
	env -u XDG_DATA_HOME -u XDG_DATA_DIRS bash --norc --noprofile -c ". $1; __load_completion confab;
	    complete -p confab" | grep -q "_confab confab"' sh "$BC"
check "fish finds ~/.local's by itself" sh -c '
	env -u XDG_DATA_HOME -u XDG_DATA_DIRS fish -c "complete -C \"confab te\"" | grep -q "^terms"'

done_testing
