#!/bin/bash
# Prints the lanes' summaries (key<TAB>value files) side by side, one row a key.
# Usage: tools/ci/summary.sh NAME=FILE [NAME=FILE ...]
set -uo pipefail
names=() files=()
for pair in "$@"; do names+=("${pair%%=*}"); files+=("${pair#*=}"); done
keys=$(cat "${files[@]}" 2>/dev/null | cut -f1 | awk '!seen[$0]++')
printf '\n%-28s' ""; for n in "${names[@]}"; do printf ' | %-52s' "$n"; done; echo
while IFS= read -r key; do
  [ -n "$key" ] || continue
  printf '%-28s' "$key"
  for f in "${files[@]}"; do
    value=$(awk -F'\t' -v k="$key" '$1 == k {v = $2} END {print v}' "$f" 2>/dev/null)
    printf ' | %-52s' "${value:-—}"
  done
  echo
done <<<"$keys"
