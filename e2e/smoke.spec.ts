import { expect, test } from './fixtures';

test('serves the built app cross-origin isolated', async ({ page, appPath, backend }) => {
  await page.goto(appPath);

  await expect(page.getByRole('heading', { name: 'MoNE Live' })).toBeVisible();
  await expect(page.getByTestId('status')).toBeVisible();
  // COOP/COEP from `vite preview`; without them ORT silently runs WASM single-threaded.
  expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);

  await page.screenshot({ path: `e2e-artifacts/smoke-${backend}.png`, fullPage: true });
});
