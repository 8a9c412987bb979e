# confab(1) completion for bash.                           -*- shell-script -*-
#
# Installed as confab in bash-completion's completions directory, where it is
# loaded on first use; without bash-completion, source this file from ~/.bashrc.
# It completes commands, options, profiles (the config file's [profile NAME]),
# roles (roles/NAME.md), models ('confab models', cached for 5 minutes in
# $XDG_CACHE_HOME/confab) and conversation ids ('confab log list').
# Words from files and servers are offered only when made of safe characters.

# The options confab --help lists; tests/cli/completions.sh keeps them in step.
_confab_opts='--help --version --config --profile --role --model --base-url --endpoint
--system --temperature --max-tokens --timeout --terms-file --terms --json --no-stream
--continue --conversation --no-log --raw --plain --quiet --sha256 --adult --no-terms
--head --repair-head --yes --format --bom --reason --comment --file --limit --all -h -V -p -m -c -q -f
-n'

# Options that take a value (the next word, or after '=').
_confab_valued='--config --profile --role --model --base-url --endpoint --system
--temperature --max-tokens --timeout --terms-file --terms --conversation --sha256 --head
--format --reason --comment --file --limit -p -m -f -n'

# _confab_run ARGS...: confab with the endpoint options of the line, never for long.
_confab_run() {
	if type -P timeout >/dev/null; then
		timeout 3 "$_confab_bin" "${_confab_pass[@]}" "$@" 2>/dev/null </dev/null
	else
		"$_confab_bin" "${_confab_pass[@]}" "$@" 2>/dev/null </dev/null
	fi
}

# _confab_safe: keep the lines that are safe to offer as words.
_confab_safe() {
	LC_ALL=C grep -E '^[A-Za-z0-9._:/@+-]+$' | head -n 500
}

# _confab_config: the config file confab reads (--config, CONFAB_CONFIG, XDG).
_confab_config() {
	local i
	for ((i = ${#_confab_pass[@]} - 1; i >= 0; i--)); do
		case ${_confab_pass[i]} in
		--config=*) echo "${_confab_pass[i]#--config=}"; return ;;
		--config) echo "${_confab_pass[i + 1]}"; return ;;
		esac
	done
	if [[ -n ${CONFAB_CONFIG-} ]]; then
		echo "$CONFAB_CONFIG"
	elif [[ ${XDG_CONFIG_HOME-} == /* ]]; then
		echo "$XDG_CONFIG_HOME/confab/config"
	else
		echo "$HOME/.config/confab/config"
	fi
}

_confab_profiles() {
	local f
	f=$(_confab_config)
	[[ -r $f ]] || return
	sed -n 's/^[[:space:]]*\[[[:space:]]*profile[[:space:]][[:space:]]*\([^]]*[^][:space:]]\)[[:space:]]*\].*/\1/p' \
	    "$f" | _confab_safe
}

_confab_roles() {
	local d f
	if [[ ${XDG_CONFIG_HOME-} == /* ]]; then
		d=$XDG_CONFIG_HOME/confab/roles
	else
		d=$HOME/.config/confab/roles
	fi
	for f in "$d"/*.md; do
		[[ -f $f ]] && f=${f##*/} && echo "${f%.md}"
	done | _confab_safe
}

# The endpoint's models, from a cache younger than 5 minutes or 'confab models'.
# A failed listing is cached too, so a dead endpoint costs seconds once.
_confab_models() {
	local dir key f
	if [[ ${XDG_CACHE_HOME-} == /* ]]; then
		dir=$XDG_CACHE_HOME/confab
	else
		dir=$HOME/.cache/confab
	fi
	key=$(printf '%s\n' "${_confab_pass[@]}" "${CONFAB_CONFIG-}" "${CONFAB_PROFILE-}" \
	    "${CONFAB_BASE_URL-}" | cksum)
	f=$dir/models-${key%% *}
	if [[ -z $(find "$f" -mmin -5 2>/dev/null) ]]; then
		mkdir -p "$dir" 2>/dev/null &&
		    _confab_run models | _confab_safe >"$f.$$" && mv -f "$f.$$" "$f"
		rm -f "$f.$$"
	fi
	[[ -r $f ]] && cat "$f"
}

# The stored conversations' ids (without a store, none: never create one).
_confab_ids() {
	local db=$HOME/.local/share/confab/confab.db
	[[ ${XDG_DATA_HOME-} == /* ]] && db=$XDG_DATA_HOME/confab/confab.db
	[[ -f $db ]] || return
	_confab_run log list -n 200 | awk 'NR > 1 && $1 ~ /^[0-9]+$/ { print $1 }' | head -n 200
}

# _confab_add PREFIX: add the words on stdin that start with $cur, after PREFIX.
_confab_add() {
	local w
	while IFS= read -r w; do
		w=$1$w
		[[ $w == "$cur"* ]] && COMPREPLY+=("$w")
	done
}

# _confab_words: words and cword from the line, with '--opt=value' and 'a:b' whole.
_confab_words() {
	local line=${COMP_LINE:0:COMP_POINT} tok i sp
	words=()
	for ((i = 0; i <= COMP_CWORD; i++)); do
		tok=${COMP_WORDS[i]}
		sp=${line%%[![:space:]]*}
		line=${line:${#sp}}
		[[ $line == "$tok"* ]] || tok=$line
		if ((i > 0 && ${#sp} == 0)); then
			words[${#words[@]} - 1]+=$tok
		else
			words+=("$tok")
		fi
		line=${line:${#tok}}
	done
	cword=$((${#words[@]} - 1))
	cur=${words[cword]}
}

# _confab_value OPT: the values of OPT, one a line.
_confab_value() {
	local v=${cur#*=} r
	case $1 in
	-p | --profile) _confab_profiles ;;
	--role) _confab_roles ;;
	-m | --model) _confab_models ;;
	--terms) echo none ;;
	--conversation) _confab_ids ;;
	--format)
		case $_confab_cmd in
		feedback) printf '%s\n' jsonl csv ;;
		log) printf '%s\n' markdown json ;;
		*) printf '%s\n' jsonl csv markdown json ;;
		esac
		;;
	--reason)	# several, separated by commas
		[[ $v == *,* ]] && v=${v%,*}, || v=
		case $_confab_sub in
		up) r='accurate helpful clear other' ;;
		down) r='inaccurate unhelpful harmful other' ;;
		*) r='accurate helpful clear inaccurate unhelpful harmful other' ;;
		esac
		for r in $r; do
			printf '%s%s\n' "$v" "$r"
		done
		;;
	esac
}

# _confab_word N: the candidates for the Nth word that is not an option (0: the command).
_confab_word() {
	case $1:$_confab_cmd in
	0:*) printf '%s\n' terms models feedback log roles ;;
	1:terms)
		printf '%s\n' review show status accept diff withdraw history verify export update
		;;
	1:feedback) printf '%s\n' up down clear list export sync ;;
	1:log) printf '%s\n' list show search delete export ;;
	2:feedback) [[ $_confab_sub == @(up|down|clear) ]] && echo last ;;
	2:log)
		if [[ $_confab_sub == @(show|delete|export) ]]; then
			echo last
			_confab_ids
		fi
		;;
	esac
}

# Readline replaces the text after the last word-break character: trim to it.
_confab_trim() {
	local i
	for ((i = ${#cur} - 1; i >= 0; i--)); do
		if [[ $COMP_WORDBREAKS == *"${cur:i:1}"* ]]; then
			COMPREPLY=("${COMPREPLY[@]#"${cur:0:i+1}"}")
			return
		fi
	done
}

# Complete the word at the cursor: an option's value, an option, or a command's word.
_confab() {
	local words cword cur i w r before after flag n=0 take='' pre=''
	local _confab_bin _confab_cmd='' _confab_sub='' _confab_pass=()

	COMPREPLY=()
	_confab_words
	_confab_bin=${words[0]/#\~/$HOME}
	for ((i = 1; i < cword; i++)); do
		w=${words[i]}
		if [[ -n $take ]]; then
			[[ $take == @(--config|--profile|-p|--base-url|--endpoint|--terms|--terms-file) ]] &&
			    _confab_pass+=("$take" "$w")
			take=
			continue
		fi
		case $w in
		--) return ;;	# the rest is prompt text
		--config=* | --profile=* | --base-url=* | --endpoint=* | --terms=* | --terms-file=*)
			_confab_pass+=("$w")
			;;
		--*=*) ;;
		--?*) [[ " $_confab_valued " == *[[:space:]]"$w"[[:space:]]* ]] && take=$w ;;
		-?*)	# a cluster: -q, -qc, -qm NAME, -mNAME
			r=${w#-}
			if [[ $r == *[pmf]* ]]; then
				before=${r%%[pmf]*}
				after=${r:${#before}+1}
				flag=-${r:${#before}:1}
				if [[ -z $after ]]; then
					take=$flag
				elif [[ $flag == -p ]]; then
					_confab_pass+=(-p "$after")
				fi
			fi
			;;
		*)
			case $n in
			0) _confab_cmd=$w ;;
			1) _confab_sub=$w ;;
			esac
			n=$((n + 1))
			;;
		esac
	done
	if [[ -z $take && $cur == --*=* ]]; then
		take=${cur%%=*}
		pre=$take=
	fi
	if [[ $take == @(--config|--terms-file|--file|-f) ]]; then
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "${cur#"$pre"}")
		return
	elif [[ -n $take ]]; then
		_confab_add "$pre" < <(_confab_value "$take")
	elif [[ $cur == -* ]]; then
		# shellcheck disable=SC2086 # one word each
		_confab_add "" < <(printf '%s\n' $_confab_opts)
	else
		_confab_add "" < <(_confab_word "$n")
	fi
	_confab_trim
}

complete -F _confab confab
