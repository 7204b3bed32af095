// Totals every suite recorded by scripts/test.sh into one line: "N passed, N failed, N skipped".
// Reads the suites file (name, kind, exit code per line) and each suite's own report:
//   vitest -> test-results/vitest.json, pytest -> test-results/pytest.xml (JUnit),
//   playwright -> test-results/e2e.json; "check" suites (typecheck, lint, ...) count as one test.
// A suite that exited non-zero without a failing test in its report (crash, missing report,
// web server that never started) counts as one failure, so nothing fails silently.
import { existsSync, readFileSync } from 'node:fs';

const suitesFile = process.argv[2] ?? 'test-results/suites.tsv';

function readJson(path) {
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null;
}

const parsers = {
  check: (rc) =>
    rc === 0 ? { passed: 1, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0 },

  vitest: () => {
    const r = readJson('test-results/vitest.json');
    if (!r) return null;
    return {
      passed: r.numPassedTests,
      failed: r.numFailedTests,
      skipped: r.numPendingTests + r.numTodoTests,
    };
  },

  pytest: (rc) => {
    // Exit code 5: no tests were collected (e.g. an empty training/tests).
    if (rc === 5) return { passed: 0, failed: 0, skipped: 0, rc: 0 };
    if (!existsSync('test-results/pytest.xml')) return null;
    const xml = readFileSync('test-results/pytest.xml', 'utf8');
    const totals = { passed: 0, failed: 0, skipped: 0 };
    for (const [, attrs] of xml.matchAll(/<testsuite\b([^>]*)>/g)) {
      const num = (name) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(attrs)?.[1] ?? 0);
      const failed = num('failures') + num('errors');
      const skipped = num('skipped');
      totals.failed += failed;
      totals.skipped += skipped;
      totals.passed += num('tests') - failed - skipped;
    }
    return totals;
  },

  playwright: () => {
    const r = readJson('test-results/e2e.json');
    if (!r) return null;
    const s = r.stats ?? {};
    // Flaky = failed first, passed on retry: counted as passed (the retry is the CI policy).
    return {
      passed: (s.expected ?? 0) + (s.flaky ?? 0),
      failed: (s.unexpected ?? 0) + (r.errors?.length ?? 0),
      skipped: s.skipped ?? 0,
    };
  },
};

const total = { passed: 0, failed: 0, skipped: 0 };
const lines = readFileSync(suitesFile, 'utf8').split('\n').filter(Boolean);
for (const line of lines) {
  const [name, kind, rcText] = line.split('\t');
  const parse = parsers[kind];
  if (!parse) throw new Error(`${suitesFile}: unknown suite kind "${kind}" for ${name}`);
  let rc = Number(rcText);
  let counts;
  try {
    counts = parse(rc);
  } catch (err) {
    console.error(`${name}: could not read its report (${err.message})`);
    counts = null;
  }
  counts ??= { passed: 0, failed: 0, skipped: 0 };
  if (counts.rc !== undefined) rc = counts.rc;
  if (rc !== 0 && counts.failed === 0) counts.failed = 1;
  const status = rc === 0 ? 'ok' : `FAILED (exit ${rc})`;
  console.log(
    `${name.padEnd(11)} ${status.padEnd(16)} ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`,
  );
  total.passed += counts.passed;
  total.failed += counts.failed;
  total.skipped += counts.skipped;
}

console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 ? 1 : 0);
