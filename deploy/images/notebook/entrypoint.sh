#!/usr/bin/env bash
# Entry point of Arcade's notebook image (zero-to-jupyterhub starts `jupyterhub-singleuser` through it).
# It points Jupyter at the Arc kernelspec and the bridge at Argo's validator, checks that the runtimes
# the Arc kernel (Java 17) and the bridge (Node.js 20) need are there, and runs the given command.
set -euo pipefail

ARCADE_HOME="${ARCADE_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export ARCADE_HOME
# Jupyter looks for kernelspecs in <entry>/kernels of each JUPYTER_PATH entry.
export JUPYTER_PATH="$ARCADE_HOME${JUPYTER_PATH:+:$JUPYTER_PATH}"
export ARCADE_ARGO_DIR="${ARCADE_ARGO_DIR:-$ARCADE_HOME/argo}"

missing=()
command -v java >/dev/null || missing+=("java (Java 17, for the Arc kernel)")
command -v node >/dev/null || missing+=("node (Node.js 20, for Arcade's bridge)")
[ -f "$ARCADE_HOME/kernels/arc/kernel.json" ] || missing+=("$ARCADE_HOME/kernels/arc/kernel.json")
[ -x "$ARCADE_ARGO_DIR/bin/argo-validate" ] || missing+=("$ARCADE_ARGO_DIR/bin/argo-validate")
if [ "${#missing[@]}" -gt 0 ]; then
  printf 'arcade-entrypoint: this image is incomplete, missing: %s\n' "${missing[@]}" >&2
  exit 3
fi

if [ "$#" -eq 0 ]; then
  set -- jupyterhub-singleuser
fi
exec "$@"
