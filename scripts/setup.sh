#!/usr/bin/env bash
# Idempotent environment setup; fast when everything is already in place.
#   bash scripts/setup.sh              apt (chromium, ffmpeg) + npm + Python package
#   bash scripts/setup.sh --no-python  skip the Python part (the demo does not need it)
set -euo pipefail
cd "$(dirname "$0")/.."

with_python=1
for arg in "$@"; do
  case "$arg" in
    --no-python) with_python=0 ;;
    *) echo "setup.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done

# Never let npm/playwright fetch browsers (unreachable here; we use Debian's /usr/bin/chromium),
# and skip onnxruntime-node's extra-binary download (the CPU binaries ship in the package).
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export ONNXRUNTIME_NODE_INSTALL=skip

# --- apt: chromium (e2e) and ffmpeg (sample clips) ---------------------------------------------
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]} with apt"
  if [[ $(id -u) -eq 0 ]]; then sudo=(); else sudo=(sudo); fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}"
fi

# --- npm: reinstall only when the lockfile is newer than the last install ----------------------
# npm writes node_modules/.package-lock.json on every install; it is the install's timestamp.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi

# --- Python: the training package with its dev tools (pytest, ruff) ----------------------------
if ((with_python)); then
  if ! python3 -c 'import mone, torch, onnxruntime, pytest' >/dev/null 2>&1 ||
    ! python3 -m ruff --version >/dev/null 2>&1; then
    echo "setup: pip install -e './training[dev]' (versions from training/constraints.txt)"
    python3 -m pip install -q -c training/constraints.txt -e './training[dev]'
  fi
fi
