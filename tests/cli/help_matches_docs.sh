#!/usr/bin/env bash
# Every --help matches the docs, both ways (the commands are those `npdesweep --help` lists, each
# named in README's layout): each option a command's --help offers is explained in docs/ or
# README.md, and each option the docs give a command on one line (`npdesweep query
# ... --top 5`) is one its --help offers. The scripts' --help print their usage, not their code.
set -euo pipefail
bin=$1 src=$2 dir=$3
rm -rf "$dir" && mkdir -p "$dir" && cd "$dir"
fail() { echo "FAIL: $*" >&2; exit 1; }
docs=("$src"/docs/*.md "$src/README.md" "$src/slurm/README.md")
# The commands are the ones `npdesweep --help` lists (help aside), and README's layout names each.
mapfile -t commands < <("$bin" --help | sed -n '/^Commands:/,/^$/p' | grep -o '^  [a-z][a-z-]*' | tr -d ' ' | grep -vx help)
((${#commands[@]} >= 10)) || fail "npdesweep --help lists only ${#commands[@]} commands: ${commands[*]}"
layout=$(sed -n '/^    src\/cli/,/^    [a-z]*\/ /p' "$src/README.md")
for c in "${commands[@]}"; do
  grep -qw -- "$c" <<< "$layout" || { echo "README's layout (src/cli) does not name the command $c"; exit 1; }
done
options_of() { grep -o -- '--[a-z][a-z0-9-]*' | sort -u; }
cat "${docs[@]}" | options_of > documented.txt
problems=0
for c in "${commands[@]}"; do
  "$bin" "$c" --help > "help-$c.txt" || fail "npdesweep $c --help exited $?"
  "$bin" help "$c" | cmp -s - "help-$c.txt" || fail "npdesweep help $c differs from npdesweep $c --help"
  options_of < "help-$c.txt" > "options-$c.txt"
  for o in $(comm -23 "options-$c.txt" documented.txt); do
    echo "npdesweep $c --help offers $o, which no page of docs/ or README.md explains"; problems=$((problems + 1))
  done
done
# The docs' command lines: `npdesweep CMD ...` (or `mpirun ... npdesweep CMD ...`) up to the end
# of the code span or line; every --option on it must be the command's. Lines that continue a
# command on the next line are joined.
for f in "${docs[@]}"; do
  sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$f" | { grep -o "npdesweep \\($(IFS='|'; echo "${commands[*]}" | sed 's/|/\\|/g')\\) [^\`|]*" || true; } |
    while read -r _ c rest; do
      echo "line" >> command-lines.txt
      for o in $(printf '%s\n' "$rest" | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
        [[ $o == --help ]] && continue
        grep -qx -- "$o" "options-$c.txt" || echo "$(basename "$f"): 'npdesweep $c ... $o': $c has no $o"
      done
    done
done > unknown.txt
lines=$(wc -l < command-lines.txt)
((lines > 20)) || fail "found only $lines npdesweep command lines in the docs"
if [[ -s unknown.txt ]]; then cat unknown.txt; problems=$((problems + $(wc -l < unknown.txt))); fi
# The scripts print their usage comment and stop before the code.
for s in slurm/submit scripts/main-job scripts/plot-store scripts/study scripts/report scripts/identify-accuracy; do
  "$src/$s" --help > "script-help.txt" 2>&1 || fail "$s --help exited $?"
  grep -qE '^(set -|[a-z_]+=|usage\(\)|import |#!)' script-help.txt && { echo "$s --help prints code:"; cat script-help.txt; problems=$((problems + 1)); }
  for o in $(options_of < script-help.txt); do
    grep -qx -- "$o" documented.txt || { echo "$s --help offers $o, which no page explains"; problems=$((problems + 1)); }
  done
done
# The check can fail: an option no page names is caught.
echo "--no-such-option" | options_of | comm -23 - documented.txt | grep -q no-such || fail "the comparison cannot fail"
((problems == 0)) || fail "$problems differences between --help and the docs"
echo "ok: ${#commands[@]} commands' --help and 6 scripts' agree with docs/ and README.md ($lines command lines checked)"
