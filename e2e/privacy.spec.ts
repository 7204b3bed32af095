/**
 * Scenario 8 — privacy: during a full session (sample, camera, upload, budget slider, explore
 * budgets) every request the page and its workers make stays on the page's origin (or is a
 * data:/blob: URL). The log is the browser context's: pages, dedicated workers (the inference
 * worker and ORT's pthread workers) and service workers. WASM project only.
 */
import { expect, test } from './fixtures';
import {
  clipTimeout,
  isModelUrl,
  logRequests,
  meta,
  openApp,
  publicPath,
  samples,
  screenshot,
  waitForMoreRuns,
} from './helpers';

test(
  'privacy: no request leaves the page origin during a full session',
  { tag: '@wasm-only' },
  async ({ page, appPath, backend }) => {
    test.setTimeout(120_000);
    const context = page.context();
    const requests = logRequests(context);
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    await context.grantPermissions(['camera']); // the project's browser has a fake camera

    await openApp(page, appPath, backend);
    const origin = new URL(page.url()).origin;
    await expect(page.getByTestId('top1')).toBeVisible({ timeout: clipTimeout(backend) });

    // Another sample, the camera, a video file.
    await page.getByTestId('sample-select').selectOption(samples[4]!.file);
    await waitForMoreRuns(page, 3, 30_000);
    await page.getByTestId('camera-start').click();
    await expect(page.getByTestId('source-label')).toHaveText('Now: camera');
    await waitForMoreRuns(page, 3, 30_000);
    await page.getByTestId('camera-stop').click();
    await page.getByTestId('video-upload').setInputFiles(publicPath(`samples/${samples[6]!.file}`));
    await expect(page.getByTestId('top1')).toBeVisible({ timeout: clipTimeout(backend) });

    // The budget and "Explore budgets".
    const slider = page.getByTestId('budget-slider');
    await slider.fill('0.3');
    await waitForMoreRuns(page, 3, 30_000);
    await slider.fill('0.9');
    await page.getByTestId('explore-budgets').click();
    await expect(page.getByTestId('sweep-chart')).toHaveAttribute(
      'data-points',
      String(meta.budget.levels.length),
      { timeout: 60_000 },
    );
    await page.getByTestId('heatmap-toggle').click();
    await page.getByTestId('heatmap-toggle').click();
    await waitForMoreRuns(page, 3, 30_000);
    await screenshot(page, 'privacy-session-wasm');

    // The log really covers the workers: the worker script, ORT's wasm and the model are in it.
    expect(requests.some((u) => /inference\.worker.*\.js$/.test(u))).toBe(true);
    expect(requests.some((u) => u.endsWith('.wasm'))).toBe(true);
    // On WASM the worker loads onnxruntime-web's plain build (ort-wasm-simd-threaded-<hash>.wasm,
    // 14 MB), never the webgpu build's asyncify binary (26 MB): src/inference/session.ts.
    const binaries = requests.filter((u) => u.endsWith('.wasm')).map((u) => new URL(u).pathname);
    expect(binaries.filter((p) => !/\/ort-wasm-simd-threaded-[^./]+\.wasm$/.test(p))).toEqual([]);
    expect(requests.filter(isModelUrl)).toHaveLength(1);

    const foreign = requests.filter((u) => {
      const url = new URL(u);
      return !(url.origin === origin || url.protocol === 'data:' || url.protocol === 'blob:');
    });
    console.log(
      `[privacy] ${requests.length} requests, origins: ${[...new Set(requests.map((u) => new URL(u).origin))].join(', ')}`,
    );
    expect(foreign, 'requests to another origin').toEqual([]);
    expect(sockets).toEqual([]);
    await expect(page.getByTestId('backend')).toHaveText(backend);
  },
);
