#!/usr/bin/env bash
# Every check and test suite, in order, continuing past failures. The last line printed is
#   N passed, N failed, N skipped
# totalled over all suites (typecheck, lint, format, ruff, build, cycles and docs count as one
# check each); the exit status is non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

if ! bash scripts/setup.sh; then
  echo "setup failed"
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

mkdir -p test-results
rm -f test-results/vitest.json test-results/pytest.xml test-results/e2e.json
suites=test-results/suites.tsv # name <TAB> kind <TAB> exit code, read by summarize-tests.mjs
: >"$suites"

run() { # run NAME KIND COMMAND... ; records the exit status, never aborts
  local name=$1 kind=$2
  shift 2
  echo
  echo "=== $name ==="
  "$@"
  local rc=$?
  printf '%s\t%s\t%s\n' "$name" "$kind" "$rc" >>"$suites"
  return 0
}

run typecheck check npm run --silent typecheck
run lint check npm run --silent lint
run format check npm run --silent format:check
run ruff check python3 -m ruff check training
# dist/ holds the app only (no harness or bench page); no import cycle in src/, bench/, e2e/.
run build check npm run --silent check:build
run cycles check npm run --silent check:cycles
# Every relative link in the docs resolves; no ticket-number references anywhere.
run docs check npm run --silent check:docs
run vitest vitest npx vitest run --reporter=default --reporter=json \
  --outputFile.json=test-results/vitest.json
# pytest exit code 5 = no tests collected; summarize-tests.mjs counts it as 0 tests, not a failure.
run pytest pytest bash -c 'cd training && python3 -m pytest -m "not slow" --junitxml=../test-results/pytest.xml'
run playwright playwright npx playwright test

echo
node scripts/summarize-tests.mjs "$suites"
