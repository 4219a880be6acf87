#!/usr/bin/env bash
# The source folders are layers, each using only those below it:
#   numerics < model < pipeline < input < store < sched < cli
# (the pipeline computes and reads or writes no file, asking the system only for the machine's
# memory (cost_model.cpp: sysconf and the cgroup's memory.max); input reads job, sweep and case
# files and writes their canonical text; store reaches the result files and stores; sched runs
# MPI; cli is the program). A file that includes one from a
# layer above its own, or from a folder not in the list, fails, naming both. With only downward
# includes there is no cycle between folders.
set -euo pipefail
src=$2
layers=(numerics model pipeline input store sched cli)
rank_of() { local i; for i in "${!layers[@]}"; do [[ ${layers[$i]} == "$1" ]] && { echo "$i"; return; }; done; echo -1; }
check() {  # check DIR: prints each upward include under DIR/src
  local root=$1 file folder used r u
  for file in "$root"/src/*/*.cpp "$root"/src/*/*.hpp; do
    folder=$(basename "$(dirname "$file")")
    r=$(rank_of "$folder")
    ((r >= 0)) || { echo "${file#$root/}: folder $folder is not a layer"; continue; }
    while read -r used; do
      u=$(rank_of "$used")
      ((u >= 0 && u <= r)) || echo "${file#$root/}: $folder includes $used/, a layer above it"
    done < <(sed -n 's|^#include "\([a-z_]*\)/.*|\1|p' "$file" | sort -u)
  done
}
problems=$(check "$src")
if [[ -n $problems ]]; then echo "$problems"; echo "FAIL: includes against the layer order ${layers[*]}"; exit 1; fi
# The check can fail: a copy of the tree with one upward include is caught.
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src/numerics" && printf '#include "store/h5.hpp"\n' > "$tmp/src/numerics/x.cpp"
[[ $(check "$tmp") == *"numerics includes store/"* ]] || { echo "FAIL: the check cannot fail"; exit 1; }
echo "ok: $(ls "$src"/src/*/*.[ch]pp | wc -l) files include only their own layer or those below (${layers[*]})"
