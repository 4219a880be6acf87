# Bash completion for npdesweep. Load it in a shell, or install it for every shell:
#   source scripts/npdesweep-completion.bash
#   cp scripts/npdesweep-completion.bash /etc/bash_completion.d/npdesweep
# It completes
#   - the command (the ones `npdesweep --help` lists) and the COMMAND of `npdesweep help`;
#   - each command's options, read from its own --help (so they cannot drift from the parser);
#   - the values of --format and --stat that the option's help names;
#   - for --where, --group-by, --per, --compare: the keys of the store on the command line, and
#     for --metric, --sort, --versus: its metrics (both from `npdesweep query STORE --list`);
#   - files otherwise: sweep and job files (*.toml) for plan, run and run-one, HDF5 files (*.h5)
#     for the commands that read stores and result files.
# The binary is the one being completed (`npdesweep` on the PATH, or build/npdesweep); what it
# prints is kept for the rest of the shell session, per binary and command.

declare -gA _npdesweep_cache

# The cached output of a command line (its words joined as the key).
_npdesweep_cached() {
  local key="$*"
  if [[ -z ${_npdesweep_cache[$key]+set} ]]; then
    _npdesweep_cache[$key]=$("$@" 2> /dev/null)
  fi
  printf '%s\n' "${_npdesweep_cache[$key]}"
}

_npdesweep_commands() {
  _npdesweep_cached "$1" --help | awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on && /^  [a-z]/ { print $1 }'
}

# The options of one command: the first word of each line of its help's "Options:" section.
_npdesweep_options() {
  _npdesweep_cached "$1" "$2" --help |
    awk '/^Options:/ { on = 1; next } on && /^[^ ]/ { exit }
         on && /^  -/ { n = split($1, names, ","); for (i = 1; i <= n; ++i) print names[i] }'
}

# The words an option's help offers as its values, among the ones npdesweep uses.
_npdesweep_values() {
  local help
  help=$(_npdesweep_cached "$1" "$2" --help |
    awk -v option="$3" '/^Options:/ { on = 1; next } on && /^[^ ]/ { exit }
      on && /^  -/ { mine = 0; n = split($1, names, ","); for (i = 1; i <= n; ++i) if (names[i] == option) mine = 1 }
      on && mine { print }')
  local word
  for word in table csv json jsonl mean median min max sum std count argmin argmax spearman mean_ci median_ci auc; do
    [[ $help =~ (^|[^a-z_])$word([^a-z_]|$) ]] && printf '%s\n' "$word"
  done
}

# The keys (section "keys") or metrics (section "metrics") of a store.
_npdesweep_store_list() {
  _npdesweep_cached "$1" query "$2" --list |
    awk -v section="$3" '/^[a-z]/ { on = ($1 == section); next } on && /^  [^ ]/ && $1 != "key" && $1 != "metric" { print $1 }'
}

_npdesweep() {
  local bin=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]} prev=
  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
  COMPREPLY=()
  if ((COMP_CWORD == 1)); then
    mapfile -t COMPREPLY < <(compgen -W "$(_npdesweep_commands "$bin") help --help --version" -- "$cur")
    return
  fi
  local command=${COMP_WORDS[1]}
  if [[ $command == help ]]; then
    ((COMP_CWORD == 2)) && mapfile -t COMPREPLY < <(compgen -W "$(_npdesweep_commands "$bin")" -- "$cur")
    return
  fi
  # the first store or result file on the line, for its keys and metrics
  local store= word
  for word in "${COMP_WORDS[@]:2}"; do
    [[ $word == *.h5 && -f $word ]] && { store=$word; break; }
  done
  case $prev in
    --where | --group-by | --per | --compare)
      if [[ -n $store ]]; then
        # a comma-separated list or KEY=VALUE: complete the part after the last comma
        local head=${cur%,*} suffix=
        [[ $head == "$cur" ]] && head= || head+=,
        [[ $prev == --where || $prev == --compare ]] && suffix==
        mapfile -t COMPREPLY < <(compgen -P "$head" -S "$suffix" -W "$(_npdesweep_store_list "$bin" "$store" keys)" -- "${cur##*,}")
        compopt -o nospace 2> /dev/null
      fi
      return ;;
    --metric | --sort | --versus)
      [[ -n $store ]] && mapfile -t COMPREPLY < <(compgen -W "$(_npdesweep_store_list "$bin" "$store" metrics)" -- "$cur")
      return ;;
    --format | --stat)
      mapfile -t COMPREPLY < <(compgen -W "$(_npdesweep_values "$bin" "$command" "$prev")" -- "$cur")
      return ;;
  esac
  if [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$(_npdesweep_options "$bin" "$command")" -- "$cur")
    return
  fi
  local pattern='*.h5'
  [[ $command == plan || $command == run || $command == run-one ]] && pattern='*.toml'
  [[ $prev == --store || $prev == --into || $prev == --out || $prev == --init-weights ]] && pattern='*.h5'
  mapfile -t COMPREPLY < <(compgen -f -X "!$pattern" -- "$cur"; compgen -d -- "$cur")
  compopt -o filenames 2> /dev/null
  return 0
}

complete -F _npdesweep npdesweep
# the binary by another name: complete -F _npdesweep build/npdesweep
