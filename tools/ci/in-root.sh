#!/bin/bash
# Runs a command inside a Debian root with /proc and /dev mounted (TensorFlow
# aborts without /proc), and unmounts them however the command ends: on
# success, failure, or an interrupt. Only a clean environment goes in.
# Usage: tools/ci/in-root.sh ROOT COMMAND [ARG...]
set -euo pipefail
root=$1
shift
mounted=()
unmount() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" || true
  done
  mounted=()
}
trap unmount EXIT
trap 'unmount; exit 130' INT
trap 'unmount; exit 143' TERM

mountpoint -q "$root/proc" || { mount -t proc proc "$root/proc"; mounted+=("$root/proc"); }
mountpoint -q "$root/dev" || { mount --bind /dev "$root/dev"; mounted+=("$root/dev"); }

environment=(HOME=/root PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LANG=C.UTF-8
  TF_CPP_MIN_LOG_LEVEL=2 PYTHONDONTWRITEBYTECODE=1 PIP_CERT=/etc/ssl/certs/ca-certificates.crt
  PIP_DEFAULT_TIMEOUT="${PIP_DEFAULT_TIMEOUT:-180}")
for name in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY CI \
  OMP_NUM_THREADS OPENBLAS_NUM_THREADS TF_NUM_INTRAOP_THREADS TF_NUM_INTEROP_THREADS \
  TORCHINDUCTOR_COMPILE_THREADS; do
  [ -n "${!name:-}" ] && environment+=("$name=${!name}")
done
# Not exec: the traps must run when the command ends.
env -i "${environment[@]}" chroot "$root" "$@"
