import { defineConfig, devices } from '@playwright/test';
import type { BackendOptions } from './e2e/fixtures';

const PORT = 4173;

// Debian's Chromium; Playwright's own browser downloads are unavailable here.
// --enable-unsafe-webgpu is the only flag that yields a WebGPU adapter (software, SwiftShader);
// the background-networking flags stop Chromium's own connections being refused en masse.
const chromium = {
  ...devices['Desktop Chrome'],
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--enable-unsafe-webgpu',
      '--use-fake-device-for-media-stream',
    ],
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
  },
  projects: [
    { name: 'wasm', use: { ...chromium, backend: 'wasm' } },
    // Tests tagged @wasm-only (backend-independent paths: sources, errors, privacy, endurance,
    // cache) are not part of the WebGPU project; the software adapter's seconds per run go to
    // the scenarios where the backend matters.
    { name: 'webgpu', use: { ...chromium, backend: 'webgpu' }, grepInvert: /@wasm-only/ },
  ],
  webServer: {
    // e2e always runs against the production build (the dev server's dependency optimiser can
    // reload the page mid-test).
    command: `npm run build && npx vite preview --port ${PORT} --strictPort`,
    url: `http://localhost:${PORT}`,
    reuseExistingServer: !process.env.CI,
    timeout: 240_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
