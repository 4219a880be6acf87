#!/usr/bin/env bash
# scripts/npdesweep-completion.bash, driven as bash drives it (COMP_WORDS, COMP_CWORD, then
# COMPREPLY): commands, each command's options (every option its --help offers, nothing else),
# --format and --stat values, a store's keys and metrics after --where/--group-by/--metric, and
# files by kind. Every command `npdesweep --help` lists answers its own --help (exit 0).
set -euo pipefail
bin=$1 src=$2 dir=$3
rm -rf "$dir" && mkdir -p "$dir/sub" && cd "$dir"
fail() { echo "FAIL: $*" >&2; exit 1; }
# shellcheck source=/dev/null
source "$src/scripts/npdesweep-completion.bash"
complete_line() {  # the completions of a command line whose last word is being typed
  read -r -a COMP_WORDS <<< "$1"
  [[ $1 == *" " ]] && COMP_WORDS+=("")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  _npdesweep
  printf '%s\n' "${COMPREPLY[@]}"
}
has() { grep -qx -- "$2" <<< "$1" || fail "completing '$3' does not offer '$2': $(tr '\n' ' ' <<< "$1")"; }

# 1. commands
out=$(complete_line "$bin qu")
[[ $out == query ]] || fail "'qu' completed to: $out"
mapfile -t listed < <("$bin" --help | sed -n '/^Commands:/,/^$/p' | grep -o '^  [a-z][a-z-]*' | tr -d ' ')
out=$(complete_line "$bin ")
for c in "${listed[@]}"; do
  has "$out" "$c" "npdesweep "
  [[ $c == help ]] || "$bin" "$c" --help > /dev/null || fail "npdesweep $c --help exited $?"
done
has "$(complete_line "$bin help ex")" export "npdesweep help ex"
echo "ok 1: the ${#listed[@]} commands, each answering --help"

# 2. every option of every command, and nothing its --help does not offer
for c in "${listed[@]}"; do
  [[ $c == help ]] && continue
  offered=$(complete_line "$bin $c -" | sort)
  expected=$("$bin" "$c" --help | sed -n '/^Options:/,/^[^ ]/p' | grep -o '^  -[a-z-]*\(,--[a-z0-9-]*\)\?' | tr -d ' ' | tr ',' '\n' | sort)
  [[ $offered == "$expected" ]] || fail "the options of $c: offered $(tr '\n' ' ' <<< "$offered"), --help has $(tr '\n' ' ' <<< "$expected")"
done
has "$(complete_line "$bin query --gr")" --group-by "query --gr"
echo "ok 2: each command's options, as its --help lists them"

# 3. values of --format and --stat
out=$(complete_line "$bin query --format ")
for v in table csv json; do has "$out" $v "query --format"; done
! grep -qx jsonl <<< "$out" || fail "query --format offers jsonl, which query does not take"
has "$(complete_line "$bin export --format ")" jsonl "export --format"
out=$(complete_line "$bin query --stat me")
has "$out" median_ci "query --stat me"
[[ $(wc -l <<< "$out") -eq 4 ]] || fail "query --stat me: $(tr '\n' ' ' <<< "$out")"
echo "ok 3: --format and --stat values from the option's help"

# 4. a store's keys and metrics
store=$src/tests/fixtures/reference/smoke.h5
has "$(complete_line "$bin query $store --where train")" train_stencil= "--where train"
has "$(complete_line "$bin query $store --group-by train_stencil,res")" train_stencil,resolution "--group-by train_stencil,res"
out=$(complete_line "$bin query $store --metric rollout_e")
has "$out" rollout_error "--metric rollout_e"
[[ -z $(complete_line "$bin query $store --metric nosuchmetric") ]] || fail "an unknown metric prefix completed"
echo "ok 4: keys and metrics of the store on the line"

# 5. files by kind
touch a.toml b.h5 c.txt
out=$(complete_line "$bin plan ")
has "$out" a.toml "plan " && has "$out" sub "plan "
! grep -qx 'b.h5\|c.txt' <<< "$out" || fail "plan offered a non-TOML file: $(tr '\n' ' ' <<< "$out")"
out=$(complete_line "$bin status ")
has "$out" b.h5 "status "
! grep -qx 'a.toml' <<< "$out" || fail "status offered a TOML file"
has "$(complete_line "$bin run a.toml --store ")" b.h5 "run --store"
echo "ok 5: files by kind"
