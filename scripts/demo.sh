#!/usr/bin/env bash
# Build the app and serve the production bundle (with the COOP/COEP headers WASM threads need).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh --no-python
npm run build

HOST=127.0.0.1
PORT=4173
echo
echo "================================================================"
echo "  MoNE Live is being served at:  http://${HOST}:${PORT}/"
echo "  (Ctrl+C to stop)"
echo "================================================================"
echo
exec npx vite preview --host "$HOST" --port "$PORT" --strictPort
