#!/bin/bash
# Builds the Debian 13 lane once: a debootstrap root under DIR/root with R,
# reticulate and testthat from Debian's packages, and a Python 3.13 venv
# (/opt/venv) from tools/ci/debian13-requirements.txt. Each step leaves a stamp
# in DIR, so a second run does nothing. Usage: tools/ci/root.sh DIR
set -euo pipefail
dir=$1
root=$dir/root
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dir"

# Debian's own mirror, as this machine's apt is set up to use it.
debian_mirror() {
  local uri
  uri=$(awk '/^URIs:/ {print $2}' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n 1)
  if [ -z "$uri" ]; then
    uri=$(sed -E 's/\[[^]]*\]//' /etc/apt/sources.list 2>/dev/null | awk '$1 == "deb" {print $2}' | grep -v security | head -n 1)
  fi
  [ -n "$uri" ] || { echo "no Debian mirror in /etc/apt/sources.list*" >&2; exit 1; }
  echo "$uri"
}

packages=r-base-core,r-base-dev,r-cran-reticulate,r-cran-testthat,r-cran-callr,r-cran-png,python3-venv,python3-dev,build-essential,ca-certificates

if [ ! -f "$dir/root.done" ]; then
  if grep -q " $root/" /proc/mounts; then
    echo "$root has file systems mounted under it; not removing it" >&2; exit 1
  fi
  command -v debootstrap >/dev/null || {
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap
  }
  rm -rf "$root"
  echo ">> Debian 13 root in $root (debootstrap)"
  debootstrap --variant=minbase --include="$packages" trixie "$root" "$(debian_mirror)" \
    >"$dir/debootstrap.log" 2>&1 || { tail -n 30 "$dir/debootstrap.log"; exit 1; }
  touch "$dir/root.done"
fi

# What pip inside needs from this machine: name resolution, the CA bundle
# and the pip configuration (refreshed each run; they are small).
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
cp /etc/hosts "$root/etc/hosts" 2>/dev/null || true
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
[ -f /etc/pip.conf ] && cp /etc/pip.conf "$root/etc/pip.conf"
if [ -f "$HOME/.config/pip/pip.conf" ]; then
  mkdir -p "$root/root/.config/pip" && cp "$HOME/.config/pip/pip.conf" "$root/root/.config/pip/pip.conf"
fi

# What R CMD check needs for the vignette (and checkbashisms, from devscripts,
# for configure and cleanup), added to a root built before it
# was needed; the stamp holds the list installed.
extras="r-cran-knitr r-cran-rmarkdown pandoc qpdf r-cran-bit64 devscripts"
if [ "$(cat "$dir/extras.done" 2>/dev/null)" != "$extras" ]; then
  echo ">> $extras into the root"
  "$here/in-root.sh" "$root" bash -c "apt-get update -q && DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends $extras" >"$dir/extras.log" 2>&1 \
    || { tail -n 30 "$dir/extras.log"; exit 1; }
  echo "$extras" >"$dir/extras.done"
fi

if [ ! -f "$dir/venv.done" ] || [ "$here/debian13-requirements.txt" -nt "$dir/venv.done" ]; then
  echo ">> Python 3.13 environment in the root (/opt/venv)"
  cp "$here/debian13-requirements.txt" "$root/tmp/requirements.txt"
  "$here/in-root.sh" "$root" bash -c \
    'test -x /opt/venv/bin/python || python3 -m venv /opt/venv
     /opt/venv/bin/python -m pip install -q --disable-pip-version-check -r /tmp/requirements.txt' \
    >"$dir/venv.log" 2>&1 || { tail -n 30 "$dir/venv.log"; exit 1; }
  touch "$dir/venv.done"
fi
