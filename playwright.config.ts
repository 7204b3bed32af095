import { defineConfig, devices } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './e2e/chromium';
import type { BackendOptions } from './e2e/fixtures';

// E2E_PORT lets two checkouts (git worktrees) run their suites side by side.
const PORT = Number(process.env.E2E_PORT ?? 4173);

// Debian's Chromium with the flags that work here (e2e/chromium.ts), plus a fake camera.
const chromium = {
  ...devices['Desktop Chrome'],
  launchOptions: {
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream'],
  },
};

/**
 * Two projects run the same specs against the same Chromium; they differ only in the `backend`
 * option (see e2e/fixtures.ts), which specs turn into `?backend=wasm|webgpu` via the `appPath`
 * fixture. The app reads that query parameter to force the execution provider.
 */
export default defineConfig<BackendOptions>({
  testDir: 'e2e',
  // Screenshots and failure artifacts. Not test-results/: Playwright empties outputDir on start,
  // and scripts/test.sh keeps the other suites' reports there.
  outputDir: 'e2e-artifacts',
  fullyParallel: false,
  workers: 1, // 2 cores, shared with training; one browser at a time.
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  use: {
    baseURL: `http://localhost:${PORT}`,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    // page.route() never sees what a service worker fetches, and many specs route the model's
    // URL (404s, stalls, blocks): the app's service worker stays out of every spec but
    // e2e/offline.spec.ts, which allows it. A context a spec makes itself (browser.newContext)
    // does not get this option: it passes serviceWorkers: 'block' too.
    serviceWorkers: 'block',
  },
  projects: [
    { name: 'wasm', use: { ...chromium, backend: 'wasm' } },
    // Tests tagged @wasm-only (backend-independent paths: sources, errors, privacy, endurance,
    // cache) are not part of the WebGPU project; the software adapter's seconds per run go to
    // the scenarios where the backend matters.
    { name: 'webgpu', use: { ...chromium, backend: 'webgpu' }, grepInvert: /@wasm-only/ },
  ],
  webServer: {
    // e2e always runs against a production build (the dev server's dependency optimiser can
    // reload the page mid-test): the harness site, i.e. the app plus the test-only
    // e2e/harness/inference.html, built into dist-harness/ (vite.config.ts), so that dist/
    // never holds a harness page.
    command: `npx vite build --mode harness && npx vite preview --mode harness --port ${PORT} --strictPort`,
    url: `http://localhost:${PORT}`,
    reuseExistingServer: !process.env.CI,
    timeout: 240_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
