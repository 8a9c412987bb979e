# confab(1) completion for fish.
#
# Installed in fish's vendor_completions.d (pkg-config --variable=completionsdir fish),
# where fish loads it on first use. It completes commands, options, profiles (the
# config file's [profile NAME]), roles (roles/NAME.md), models ('confab models',
# cached for 5 minutes in $XDG_CACHE_HOME/confab) and conversation ids ('confab log
# list'). Words from files and servers are offered only when made of safe characters.

# Options that take a value (the next word, or after '=').
set -g __confab_valued --config --profile --role --model --base-url --endpoint --system \
    --temperature --max-tokens --timeout --terms-file --terms --conversation --sha256 --head \
    --format --reason --comment --file --limit -p -m -f -n

# Parse the words before the cursor into __confab_words (those that are not
# options), __confab_pass (the options that choose the endpoint) and
# __confab_dashdash (1 after '--': the rest is prompt text).
function __confab_parse
    set -g __confab_words
    set -g __confab_pass
    set -g __confab_dashdash 0
    set -l take
    for w in (commandline -opc)[2..-1]
        if test -n "$take"
            contains -- $take --config --profile -p --base-url --endpoint --terms --terms-file
            and set -a __confab_pass $take $w
            set take
            continue
        end
        switch $w
            case --
                set __confab_dashdash 1
                return
            case --config=\* --profile=\* --base-url=\* --endpoint=\* --terms=\* --terms-file=\*
                set -a __confab_pass $w
            case '--*=*'
            case '--?*'
                contains -- $w $__confab_valued; and set take $w
            case '-?*' # a cluster: -q, -qc, -qm NAME, -mNAME
                set -l m (string match -r -- '^-[^pmf]*([pmf])(.*)$' $w)
                if set -q m[2]
                    if test -z "$m[3]"
                        set take -$m[2]
                    else if test $m[2] = p
                        set -a __confab_pass -p $m[3]
                    end
                end
            case '*'
                set -a __confab_words $w
        end
    end
end

# __confab_at N [CMD [SUB]]: N words so far, the first CMD, the second SUB.
function __confab_at
    __confab_parse
    test $__confab_dashdash = 0; or return 1
    test (count $__confab_words) -eq $argv[1]; or return 1
    set -q argv[2]; and test "$__confab_words[1]" != $argv[2]; and return 1
    set -q argv[3]; and not contains -- "$__confab_words[2]" (string split ' ' -- $argv[3])
    and return 1
    return 0
end

function __confab_no_dashdash
    __confab_parse
    test $__confab_dashdash = 0
end

# __confab_run ARGS...: confab with the endpoint options of the line, never for long.
function __confab_run
    __confab_parse
    set -l bin (commandline -opc)[1]
    if command -sq timeout
        timeout 3 $bin $__confab_pass $argv 2>/dev/null </dev/null
    else
        $bin $__confab_pass $argv 2>/dev/null </dev/null
    end
end

function __confab_safe
    env LC_ALL=C grep -E '^[A-Za-z0-9._:/@+-]+$' | head -n 500
end

function __confab_config
    __confab_parse
    set -l n (count $__confab_pass)
    for i in (seq $n -1 1)
        switch $__confab_pass[$i]
            case '--config=*'
                string replace -- --config= '' $__confab_pass[$i]
                return
            case --config
                echo $__confab_pass[(math $i + 1)]
                return
        end
    end
    if test -n "$CONFAB_CONFIG"
        echo $CONFAB_CONFIG
    else if string match -q '/*' -- "$XDG_CONFIG_HOME"
        echo $XDG_CONFIG_HOME/confab/config
    else
        echo $HOME/.config/confab/config
    end
end

function __confab_profiles
    set -l f (__confab_config)
    test -r "$f"; or return
    sed -n 's/^[[:space:]]*\[[[:space:]]*profile[[:space:]][[:space:]]*\([^]]*[^][:space:]]\)[[:space:]]*\].*/\1/p' \
        $f | __confab_safe
end

function __confab_roles
    set -l d $HOME/.config/confab/roles
    string match -q '/*' -- "$XDG_CONFIG_HOME"; and set d $XDG_CONFIG_HOME/confab/roles
    for f in $d/*.md
        test -f $f; and string replace -r -- '\.md$' '' (basename -- $f)
    end | __confab_safe
end

# The endpoint's models, from a cache younger than 5 minutes or 'confab models'.
# A failed listing is cached too, so a dead endpoint costs seconds once.
function __confab_models
    __confab_parse
    set -l dir $HOME/.cache/confab
    string match -q '/*' -- "$XDG_CACHE_HOME"; and set dir $XDG_CACHE_HOME/confab
    set -l key (printf '%s\n' $__confab_pass "$CONFAB_CONFIG" "$CONFAB_PROFILE" \
        "$CONFAB_BASE_URL" | cksum | string split -f1 ' ')
    set -l f $dir/models-$key
    if test -z "$(find $f -mmin -5 2>/dev/null)"
        mkdir -p $dir 2>/dev/null
        and __confab_run models | __confab_safe >$f.$fish_pid
        and mv -f $f.$fish_pid $f
        rm -f $f.$fish_pid
    end
    test -r $f; and cat $f
end

# The stored conversations' ids (without a store, none: never create one).
function __confab_ids
    set -l db $HOME/.local/share/confab/confab.db
    string match -q '/*' -- "$XDG_DATA_HOME"; and set db $XDG_DATA_HOME/confab/confab.db
    test -f $db; or return
    __confab_run log list -n 200 | awk 'NR > 1 && $1 ~ /^[0-9]+$/ { print $1 }' | head -n 200
end

function __confab_formats
    __confab_parse
    switch "$__confab_words[1]"
        case feedback
            printf '%s\n' jsonl csv
        case log
            printf '%s\n' markdown json
        case '*'
            printf '%s\n' jsonl csv markdown json
    end
end

# Several reasons are separated by commas: complete after the last.
function __confab_reasons
    __confab_parse
    set -l cur (commandline -ct | string replace -r -- '^--reason=' '')
    set -l pre (string match -r -- '^.*,' $cur)
    switch "$__confab_words[2]"
        case up
            printf '%s\n' "$pre"(string split ' ' -- 'accurate helpful clear other')
        case down
            printf '%s\n' "$pre"(string split ' ' -- 'inaccurate unhelpful harmful other')
        case '*'
            printf '%s\n' "$pre"(string split ' ' -- 'accurate helpful clear inaccurate unhelpful harmful other')
    end
end

complete -c confab -f

# Commands.
complete -c confab -n '__confab_at 0' -a terms -d 'read, accept or decline the Terms'
complete -c confab -n '__confab_at 0' -a models -d "list the endpoint's models"
complete -c confab -n '__confab_at 0' -a feedback -d 'rate answers; list, export, sync'
complete -c confab -n '__confab_at 0' -a log -d 'past conversations'
complete -c confab -n '__confab_at 0' -a roles -d 'list the roles'
complete -c confab -n '__confab_at 1 terms' -a 'review show status accept diff withdraw history verify export update'
complete -c confab -n '__confab_at 1 feedback' -a 'up down clear list export sync'
complete -c confab -n '__confab_at 1 log' -a 'list show search delete export'
complete -c confab -n '__confab_at 2 feedback "up down clear"' -a last -d 'the last answer'
complete -c confab -n '__confab_at 2 log "show delete export"' -a 'last (__confab_ids)'

# Options (the ones confab --help lists; tests/cli/completions.sh keeps them in step).
set -l c complete -c confab -n __confab_no_dashdash
$c -s h -l help -d 'show the help and exit'
$c -s V -l version -d 'show the version and exit'
$c -l config -r -F -d 'config file'
$c -s p -l profile -x -a '(__confab_profiles)' -d 'use [profile NAME] from the config file'
$c -l role -x -a '(__confab_roles)' -d 'system prompt and settings from roles/NAME.md'
$c -s m -l model -x -a '(__confab_models)' -d model
$c -l base-url -x -d 'OpenAI-compatible endpoint'
$c -l endpoint -x -d 'the same as --base-url'
$c -l system -x -d 'system prompt'
$c -l temperature -x -d 'sampling temperature (0 to 2)'
$c -l max-tokens -x -d 'at most N tokens in an answer'
$c -l timeout -x -d 'give up when no data arrives for SECS seconds'
$c -l terms-file -r -F -d 'use FILE as the current Terms'
$c -s f -l file -r -F -d 'attach FILE to the prompt'
$c -l terms -x -a none -d 'the endpoint is a server you run'
$c -l json -d 'JSON output'
$c -l no-stream -d 'ask for the whole answer at once'
$c -s c -l continue -d 'continue the latest conversation'
$c -l conversation -x -a '(__confab_ids)' -d 'continue conversation ID'
$c -l no-log -d 'keep this exchange out of the store'
$c -l raw -d "write the model's bytes unfiltered"
$c -l plain -d 'line mode instead of the full-screen UI'
$c -s q -l quiet -d 'print less'
$c -l sha256 -x -d 'terms accept: the SHA-256 of the Terms text'
$c -l adult -d 'terms accept: you are at least 18'
$c -l no-terms -d 'terms accept: use the endpoint without Terms'
$c -l head -x -d "terms verify: the ledger's head hash"
$c -l repair-head -d 'terms verify: write a missing head file again'
$c -l yes -d 'confirm without asking'
$c -l format -x -a '(__confab_formats)' -d 'output format'
$c -l reason -x -a '(__confab_reasons)' -d 'feedback: why'
$c -l comment -x -d 'feedback: a comment with the rating'
$c -s n -l limit -x -d 'log list, log search: the newest N'
$c -l all -d 'log list, log search: every one'
$c -l bom -d 'feedback export --format csv: a UTF-8 byte-order mark first'
