// Checks that a production build (dist/, from `npm run build`) holds the app only, run by
// scripts/test.sh after the build. The test-only and bench-only pages (e2e/harness/*.html,
// bench/page/*.html) belong in their own sites (dist-harness/, bench-results/site), never here:
//   1. the only HTML file is dist/index.html;
//   2. no JavaScript file is a harness or bench entry chunk: none is named after their input keys
//      (`harness-*`, `bench-*`; see vite.config.ts and bench/site.ts) and none contains a global
//      those pages assign (`window.__x = ...` in their sources, e.g. __inferenceHarness, __bench);
//   3. the offline app is there (sw.js, manifest.webmanifest), and the service worker's precache
//      list names no harness or bench file and no model (.onnx: the worker keeps models in its own
//      sha256-checked cache) or golden vectors (tests only).
// Prints each offence and exits 1, otherwise prints one OK line.
//   node scripts/check-build.mjs [DIST]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = resolve(ROOT, process.argv[2] ?? 'dist');
/** Source folders of the pages that must stay out of the production build. */
const PAGE_DIRS = ['e2e/harness', 'bench/page'];
/** Rolldown input keys those pages are built under; entry chunks are named `<key>-<hash>.js`. */
const ENTRY_PREFIXES = ['harness-', 'bench-'];

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Globals the harness and bench pages assign, read from their sources. */
function pageGlobals() {
  const names = new Set();
  for (const dir of PAGE_DIRS) {
    for (const file of filesUnder(join(ROOT, dir)).filter((f) => f.endsWith('.ts'))) {
      for (const [, name] of readFileSync(file, 'utf8').matchAll(/\bwindow\.(__\w+)\s*=[^=]/g)) {
        names.add(name);
      }
    }
  }
  return [...names];
}

if (!existsSync(join(DIST, 'index.html'))) {
  console.error(`check-build: ${relative(ROOT, DIST)}/index.html is missing; run npm run build`);
  process.exit(1);
}

const globals = pageGlobals();
if (globals.length === 0) {
  console.error(`check-build: found no window.__x globals in ${PAGE_DIRS.join(', ')}`);
  process.exit(1);
}

const offences = [];
for (const file of filesUnder(DIST)) {
  const rel = relative(DIST, file);
  if (rel.endsWith('.html') && rel !== 'index.html') offences.push(`${rel}: not the app's page`);
  if (!/\.m?js$/.test(rel)) continue;
  const name = basename(rel);
  const prefix = ENTRY_PREFIXES.find((p) => name.startsWith(p));
  if (prefix !== undefined) offences.push(`${rel}: a ${prefix}* entry chunk`);
  const text = readFileSync(file, 'utf8');
  for (const global of globals) {
    if (text.includes(global)) offences.push(`${rel}: assigns ${global} (a harness/bench page)`);
  }
}

for (const file of ['sw.js', 'manifest.webmanifest']) {
  if (!existsSync(join(DIST, file))) offences.push(`${file}: missing (vite-plugin-pwa)`);
}
if (existsSync(join(DIST, 'sw.js'))) {
  const precached = [...readFileSync(join(DIST, 'sw.js'), 'utf8').matchAll(/\burl:\s*"([^"]+)"/g)];
  if (precached.length === 0) offences.push('sw.js: no precache list found');
  for (const [, url] of precached) {
    const name = basename(url);
    if (
      ENTRY_PREFIXES.some((p) => name.startsWith(p)) ||
      PAGE_DIRS.some((d) => url.startsWith(d))
    ) {
      offences.push(`sw.js: precaches ${url} (a harness/bench file)`);
    }
    if (/\.onnx$|\.golden\.json$|^models\/golden\//.test(url)) {
      offences.push(`sw.js: precaches ${url} (models and golden vectors are not precached)`);
    }
  }
}

const where = relative(ROOT, DIST);
if (offences.length > 0) {
  for (const offence of offences) console.error(`${where}/${offence}`);
  console.error(`check-build: ${offences.length} problem(s): ${where}/ must hold the app only`);
  process.exit(1);
}
console.log(`check-build: ${where}/ holds the app only (no ${globals.join(', ')})`);
