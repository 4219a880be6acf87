#!/usr/bin/env bash
# A closed set's values are spelled in one file (docs/extending.md): each stepper name in its
# table's file, each initial-condition family in pipeline/initial_condition.cpp, each query
# statistic in store/query.cpp, each output format in its command's file, each closure network
# kind in pipeline/network_kinds.cpp, each cell status in pipeline/cell_status.hpp ("failed" is
# also plan's word for a cell that reruns only with --retry-failed, so it is not checked). A second file that
# spells one (to special-case it) fails here, naming both. Comments do not count. The one
# exception is the default stepper, which numerics/time_stepper.cpp names as the default.
set -euo pipefail
src=$2
cd "$src"
fail() { echo "FAIL: $*" >&2; exit 1; }
problems=0
# files_spelling WORD: the src files whose code (comments stripped) holds the literal "WORD"
files_spelling() {
  local f
  for f in src/*/*.cpp src/*/*.hpp; do
    [[ $(sed 's|//.*$||' "$f") == *"\"$1\""* ]] && echo "$f"
  done
  return 0
}
check() {  # check WORD EXPECTED_FILE [ALSO_ALLOWED]
  local all got
  all=$(files_spelling "$1")
  got=$(grep -v -x -e "$2" ${3:+-e "$3"} <<< "$all" || true)
  if [[ -n $got ]]; then echo "\"$1\" is spelled outside $2: $got"; problems=$((problems + 1)); fi
  grep -qx "$2" <<< "$all" || { echo "\"$1\" is not spelled in $2"; problems=$((problems + 1)); }
}
for s in rk4 ssprk3 heun tsit5 dp5; do check "$s" src/numerics/runge_kutta.cpp src/numerics/time_stepper.cpp; done
for s in ifrk4 etdrk4; do check "$s" src/numerics/exponential.cpp; done
for k in step sine soliton kink; do check "$k" src/pipeline/initial_condition.cpp \
  "$([[ $k == step ]] && echo 'src/store/[a-z_]*.cpp')"; done
for s in mean median min max sum std count argmin argmax spearman mean_ci median_ci auc; do check "$s" src/store/query.cpp; done
check jsonl src/cli/export.cpp
for k in mlp cnn; do check "$k" src/pipeline/network_kinds.cpp; done
for s in done diverged pending; do check "$s" src/pipeline/cell_status.hpp; done
# The check can fail: a literal outside its table is found.
[[ $(files_spelling kink) == src/pipeline/initial_condition.cpp ]] || fail "files_spelling does not find the table"
((problems == 0)) || fail "$problems closed-set values spelled outside their table"
echo "ok: every stepper, initial-condition family, statistic, export format and network kind is spelled in its table's file only"
