#!/bin/bash
# Copies the files a clean clone of SOURCE would have (tracked, and untracked
# but not ignored) into DEST: no venv, R library, build output or Debian 13
# root. A SOURCE that is not a git work tree is copied whole.
# Usage: tools/ci/copy-tree.sh SOURCE DEST
set -euo pipefail
source_dir=$1 dest=$2
mkdir -p "$dest"
if git -C "$source_dir" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git -C "$source_dir" ls-files -z -co --exclude-standard \
    | (cd "$source_dir" && tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -xf - -C "$dest"
else
  cp -a "$source_dir"/. "$dest"/
fi
