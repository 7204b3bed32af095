import { expect, test } from './fixtures';
import { skipWithoutAdapter } from './helpers';

test('serves the built app cross-origin isolated', async ({ page, appPath, backend }) => {
  await page.goto(appPath);
  await skipWithoutAdapter(page, backend);

  await expect(page.getByRole('heading', { name: 'MoNE Live' })).toBeVisible();
  await expect(page.getByTestId('status')).toBeVisible();
  // COOP/COEP from `vite preview`; without them ORT silently runs WASM single-threaded.
  expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
  // The worker announces the backend it forces before the model has loaded.
  await expect(page.getByTestId('backend')).toHaveText(backend, { timeout: 30_000 });

  await page.screenshot({ path: `e2e-artifacts/smoke-${backend}.png`, fullPage: true });
});
