/**
 * Scenario 10 — second visit offline for the model: the first visit downloads the model and keeps
 * it in Cache Storage (the backend's weights: int8 on WASM); a reload in the same browser context
 * with every request for the model's .onnx files aborted still reaches Ready from the cache (no
 * download counted) and classifies. WASM project
 * (inference.spec.ts checks the same cache path on WebGPU, where each app load here costs ~40 s of
 * warm-up).
 */
import { expect, test } from './fixtures';
import {
  clipTimeout,
  isModelUrl,
  logRequests,
  MODEL_FILE,
  openApp,
  readyTimeout,
  screenshot,
  top1Of,
  waitForMoreRuns,
  WEIGHT_FILES_GLOB,
  weightsFileFor,
} from './helpers';

test(
  'second visit with the model URL blocked is served from Cache Storage',
  { tag: '@wasm-only' },
  async ({ page, appPath, backend }) => {
    test.setTimeout(2 * readyTimeout(backend) + 30_000);
    const requests = logRequests(page.context());
    await openApp(page, appPath, backend);
    await expect(page.getByTestId('model-downloads')).toHaveText('1');
    await expect(page.getByTestId('download-progress')).not.toContainText('from cache');
    await expect(page.getByTestId('top1')).toBeVisible({ timeout: clipTimeout(backend) });
    expect(requests.filter(isModelUrl)).toHaveLength(1);

    // Second visit: the model's URLs (every weight file) are unreachable.
    let blocked = 0;
    await page.route(WEIGHT_FILES_GLOB, (route) => {
      blocked++;
      return route.abort('internetdisconnected');
    });
    await page.reload();
    await expect(page.getByTestId('status')).toContainText('Ready', {
      timeout: readyTimeout(backend),
    });
    await expect(page.getByTestId('backend')).toHaveText(backend);
    await expect(page.getByTestId('download-progress')).toContainText('(from cache)');
    await expect(page.getByTestId('sessions-created')).toHaveText('1');
    await expect(page.getByTestId('model-downloads')).toHaveText('0');
    await expect(page.getByTestId('top1')).toBeVisible({ timeout: clipTimeout(backend) });
    await waitForMoreRuns(page, 3, 3 * clipTimeout(backend));
    await expect(page.getByTestId('error')).toBeEmpty();
    expect(blocked, 'the model URL was not even requested').toBe(0);
    expect(requests.filter(isModelUrl)).toHaveLength(1);
    console.log(`[cache] second visit from Cache Storage, top-1 ${await top1Of(page)}`);
    await screenshot(page, 'cache-second-visit-wasm');

    // The route really blocks the worker's fetch: after clearing the cache the load fails clearly.
    await page.getByTestId('clear-cache').click();
    await expect(page.getByText(/Cache cleared \(1 file\)/)).toBeVisible();
    await page.reload();
    await expect(page.getByTestId('error')).toContainText('Model not found', {
      timeout: readyTimeout(backend),
    });
    // The backend's file (int8 on WASM), then the fp32 one the worker falls back to.
    expect(blocked).toBe(new Set([weightsFileFor(backend), MODEL_FILE]).size);
  },
);
